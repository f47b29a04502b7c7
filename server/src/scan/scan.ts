/**
 * Stage 1 — scan: finds the math in a note (Markdown or plain text).
 *
 *   1. block pass (blocks.ts): line kinds, code blocks, front matter, block comments, ```math fences;
 *   2. inline pass (inline.ts): delimited math, code spans, inline comments;
 *   3. bare formulas (bare.ts): formula lines / runs written without delimiters;
 *   4. sentences (sentences.ts) and comment directives (directives.ts).
 *
 * Pure, never throws, linear in practice.
 */
import { quoteMarksAt, withoutQuoteMarks } from './quotes';
import { LineKind, scanBlocks, CommentRegion, Region } from './blocks';
import { findBareFormulas, Opaque } from './bare';
import { commentEffects, disabledFlags, percentDirectives } from './directives';
import { decodeMathEntities } from './entities';
import { RawFragment, scanInline } from './inline';
import { LineMap } from './lines';
import { assignSentences, sentenceBoundaries } from './sentences';
import { MathFragment, ScanOptions, ScanResult, ScannedTable, TableCellRef } from './types';

export { LineMap } from './lines';
export type { Position } from './lines';
export type { MathFragment, ScanOptions, ScanResult, Delimiter, DollarDialect, ScannedTable, TableCellRef } from './types';
export { DOLLAR_DIALECTS } from './types';

export { withoutQuoteMarks } from './quotes';

export function scanMath(text: string, options: ScanOptions): ScanResult {
  try {
    return scanUnguarded(typeof text === 'string' ? text : '', options);
  } catch {
    // Defensive: a bug must not take the whole checker down. Tests make sure this path is not taken.
    return { fragments: [], directives: {} };
  }
}

function byStart<T extends { start: number }>(a: T, b: T): number {
  return a.start - b.start;
}

function byOuter(a: RawFragment, b: RawFragment): number {
  return a.outerStart - b.outerStart || a.outerEnd - b.outerEnd;
}

/** `scanMath` without the safety net: an internal bug throws instead of giving an empty result (for tests). */
export function scanUnguarded(original: string, options: ScanOptions | undefined): ScanResult {
  const mode: 'markdown' | 'text' = options && options.mode === 'text' ? 'text' : 'markdown';
  // Blockquotes hold Markdown: read with their `>` marks blanked out (scan/quotes.ts).
  const text = mode === 'markdown' ? withoutQuoteMarks(original) : original;
  const bare = !options || options.bareFormulas !== false;
  const lines = new LineMap(text);
  const blocks = scanBlocks(text, lines, mode, text === original ? undefined : (ls) => quoteMarksAt(original, ls));
  const inline = scanInline(text, blocks, options?.dollarDialect ?? (mode === 'text' ? 'pandoc' : 'vscode'));

  const raw: RawFragment[] = inline.fragments.slice();
  for (const f of blocks.mathFences) {
    raw.push({ start: f.start, end: f.end, outerStart: f.outerStart, outerEnd: f.outerEnd, delimiter: 'math-fence', display: true });
  }
  raw.sort(byOuter);

  // (In plain text, and so in LaTeX, a directive may also be a `%` line: scan/directives.ts percentDirectives.)
  const comments: CommentRegion[] = blocks.comments.concat(inline.comments, mode === 'text' ? percentDirectives(text) : []).sort(byStart);
  const others: Opaque[] = [];
  for (const r of inline.codeSpans) others.push({ start: r.start, end: r.end, kind: 'code' });
  for (const r of blocks.code) others.push({ start: r.start, end: r.end, kind: 'code' });
  for (const r of comments) others.push({ start: r.start, end: r.end, kind: 'comment' });

  if (bare) {
    const opaque: Opaque[] = others.slice();
    for (const f of raw) opaque.push({ start: f.outerStart, end: f.outerEnd, kind: 'math' });
    opaque.sort(byStart);
    for (const f of findBareFormulas(text, lines, blocks, normalize(opaque), mode)) raw.push(f);
    raw.sort(byOuter);
  }

  // Keep only well-formed, non-overlapping fragments (a safety net; the passes do not produce overlaps).
  const N = text.length;
  const frags: RawFragment[] = [];
  let lastEnd = 0;
  for (const f of raw) {
    if (!(0 <= f.outerStart && f.outerStart <= f.start && f.start < f.end && f.end <= f.outerEnd && f.outerEnd <= N)) continue;
    if (f.outerStart < lastEnd) continue;
    frags.push(f);
    lastEnd = f.outerEnd;
  }

  const fragRegions: Region[] = frags.map((f) => ({ start: f.outerStart, end: f.outerEnd }));
  const opaque: Region[] = normalize(
    (others as Region[]).concat(fragRegions).sort(byStart),
  );
  const boundaries = sentenceBoundaries(text, lines, blocks, fragRegions, opaque);
  const sentences = assignSentences(text, boundaries, frags);
  const effects = commentEffects(text, lines, comments);
  const disabled = disabledFlags(frags, effects.disabledRanges);

  const cells = cellsOf(frags, blocks.tables);
  const fragments: MathFragment[] = frags.map((f, k) => ({
    // In Markdown the page is HTML: `&amp;` in math shows as `&` (not inside a code fence, which is verbatim).
    // In a table cell `\|` is a `|` that does not end the cell (GFM, markdown-it): the math shows a bar.
    latex: cellBars(mode === 'markdown' && f.delimiter !== 'math-fence' ? decodeMathEntities(text.slice(f.start, f.end)) : text.slice(f.start, f.end), cells[k]),
    start: f.start,
    end: f.end,
    outerStart: f.outerStart,
    outerEnd: f.outerEnd,
    delimiter: f.delimiter,
    display: f.display,
    sentence: sentences[k].sentence,
    proseBefore: sentences[k].proseBefore,
    proseAfter: sentences[k].proseAfter,
    disabled: disabled[k],
    // Always the field (undefined outside tables): one object shape for every fragment, read in hot loops.
    cell: cells[k],
  }));
  const result: ScanResult = { fragments, directives: effects.directives };
  if (effects.directiveKeys.length) result.directiveKeys = effects.directiveKeys;
  if (blocks.tables.length) result.tables = blocks.tables.map((rows): ScannedTable => ({ rows, header: rows[0].map((c) => text.slice(c.start, c.end)) }));
  if (mode === 'markdown') {
    const headings: number[] = [];
    for (let i = 0; i < blocks.kinds.length; i++) if (blocks.kinds[i] === LineKind.Heading) headings.push(lines.lineStart(i));
    result.headings = headings;
  }
  return result;
}

/** The table cell each fragment stands in (undefined outside tables). */
function cellsOf(frags: RawFragment[], tables: Region[][][]): Array<TableCellRef | undefined> {
  const out: Array<TableCellRef | undefined> = frags.map(() => undefined);
  if (!tables.length) return out;
  const all: Array<{ start: number; end: number; ref: Omit<TableCellRef, 'alone'> }> = [];
  tables.forEach((rows, table) => rows.forEach((cells, row) => cells.forEach((c, col) => all.push({ start: c.start, end: c.end, ref: { table, row, col } }))));
  let k = 0;
  frags.forEach((f, i) => {
    while (k < all.length && all[k].end < f.outerEnd) k++;
    const c = all[k];
    if (c && c.start <= f.outerStart && f.outerEnd <= c.end) out[i] = { ...c.ref, alone: c.start === f.outerStart && c.end === f.outerEnd };
  });
  return out;
}

/** `\|` in a table cell's math: the cell's `|` (padded to keep every offset). */
function cellBars(latex: string, cell: TableCellRef | undefined): string {
  // The backslash right before the bar goes (`\\|` shows `\|`); a space in front keeps the length.
  return cell && latex.includes('\\|') ? latex.replace(/(\\+)\|/g, (_m, bs: string) => ` ${bs.slice(1)}|`) : latex;
}

/** Sorted ranges with overlaps folded into the earlier range. */
function normalize<T extends Region>(sorted: T[]): T[] {
  const out: T[] = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last && r.start < last.end) {
      if (r.end > last.end) out[out.length - 1] = { ...last, end: r.end };
      continue;
    }
    out.push(r);
  }
  return out;
}

