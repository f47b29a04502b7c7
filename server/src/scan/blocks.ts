/**
 * Block pass of the scanner: classifies every line (blank, heading, list item, code, …) and finds the
 * regions the inline pass must not look into: fenced and indented code, YAML front matter, HTML comments
 * that start a line, and ```math fences (which become fragments directly).
 */
import { BACKTICK, TILDE, isWs } from './chars';
import { LineMap } from './lines';

export const LineKind = {
  Text: 0,
  Blank: 1,
  /** ATX heading (markdown). */
  Heading: 2,
  /** First line of a list item (`-`, `*`, `+`, `•`, `1.`, `1)` followed by white space). */
  ListItem: 3,
  /** Thematic break or setext underline (`---`, `***`, `===`). */
  Rule: 4,
  /** Table row (starts with `|`). */
  Table: 5,
  /** Inside fenced/indented code or front matter (fence lines included). */
  Code: 6,
  /** Inside a ```math fence (fence lines included). */
  MathFence: 7,
  /** Entirely inside an HTML comment that starts a line. */
  Comment: 8,
} as const;
export type LineKind = (typeof LineKind)[keyof typeof LineKind];

export interface Region {
  start: number;
  end: number;
}

export interface CommentRegion extends Region {
  /** The comment's text between `<!--` and `-->`. */
  body: string;
}

export interface FenceFragment {
  outerStart: number;
  outerEnd: number;
  start: number;
  end: number;
}

export interface Blocks {
  kinds: Uint8Array;
  /** Per line: offset where the line's prose starts (after indentation, list bullet or heading marks). */
  contentStart: Int32Array;
  /** Fenced and indented code blocks and front matter, in document order. */
  code: Region[];
  /** HTML comments that start a line (they may span lines). */
  comments: CommentRegion[];
  /** ```math / ~~~math fenced blocks. */
  mathFences: FenceFragment[];
  /** Everything the inline pass must skip (code, block comments, math fences), sorted, non-overlapping. */
  excluded: Region[];
  /** Offsets of the starts of blank lines, ascending. */
  blankStarts: number[];
  /** Markdown tables: each row's cells (trimmed offsets), the header row first, the delimiter row left out. */
  tables: Array<Array<Region[]>>;
  /**
   * Where a table cell ends: the offset of each `|` between cells and of each row's line end, ascending. Inline
   * math never runs past one (markdown-it and GFM split a row into cells before they look for math).
   */
  cellEnds: number[];
}

const LIST_RE = /^(?:[-*+\u2022\u25e6\u25aa\u2023\u25cf\u25cb\u25a0\u2013]|\d{1,9}[.)])(?=[ \t\u00a0]|$)/;
const HEADING_RE = /^#{1,6}(?=[ \t]|$)/;
const RULE_RE = /^(?:(?:-[ \t]*){3,}|(?:\*[ \t]*){3,}|(?:_[ \t]*){3,}|=+[ \t]*)$/;
const YAML_LINE_RE = /^(?:$|[ \t]|#|- |[\w"'.-][^:]*:)/;

/** Indentation of a line in columns (tabs to the next multiple of 4) and the offset of its first non-blank. */
function indentOf(text: string, ls: number, le: number, quoted?: (ls: number) => number): { col: number; pos: number } {
  let col = 0;
  let p = ls;
  // In a blockquote (its marks blanked out, scan/quotes.ts) indentation counts from after the marks.
  const marks = quoted ? quoted(ls) : 0;
  while (p < le) {
    const c = text.charCodeAt(p);
    if (p === 0 && c === 0xfeff) {
      // A byte-order mark is not indentation.
      p++;
      continue;
    }
    if (c === 0x20) col++;
    else if (c === 0x09) col += 4 - (col % 4);
    else break;
    p++;
  }
  return { col: Math.max(0, col - marks), pos: p };
}

interface FenceOpen {
  ch: number;
  len: number;
  info: string;
}

/** A fence opener at `p` (```` ``` ```` or `~~~`, 3 or more), or undefined. */
function fenceAt(text: string, p: number, le: number): FenceOpen | undefined {
  const ch = text.charCodeAt(p);
  if (ch !== BACKTICK && ch !== TILDE) return undefined;
  let q = p;
  while (q < le && text.charCodeAt(q) === ch) q++;
  const len = q - p;
  if (len < 3) return undefined;
  const info = text.slice(q, le).trim();
  if (ch === BACKTICK && info.includes('`')) return undefined;
  return { ch, len, info };
}

function isClosingFence(text: string, p: number, le: number, open: FenceOpen): boolean {
  let q = p;
  while (q < le && text.charCodeAt(q) === open.ch) q++;
  if (q - p < open.len) return false;
  while (q < le) {
    if (!isWs(text.charCodeAt(q))) return false;
    q++;
  }
  return true;
}

/**
 * MyST (Jupyter Book) directives whose content is Markdown: admonitions, exercises and solutions, proofs and
 * theorem-like blocks, dropdowns and tabs. Executable and code directives (`{code-cell}`, Quarto's `{python}`,
 * `{r}`) are not among them: their content is code.
 */
const MARKDOWN_DIRECTIVES = new Set([
  'admonition', 'note', 'warning', 'tip', 'hint', 'important', 'caution', 'attention', 'danger', 'error', 'seealso',
  'exercise', 'solution', 'example', 'topic', 'sidebar', 'margin', 'dropdown', 'card', 'tab-item', 'epigraph',
  'prf:theorem', 'prf:proof', 'prf:lemma', 'prf:definition', 'prf:example', 'prf:remark', 'prf:corollary',
  'prf:proposition', 'prf:property', 'prf:observation', 'prf:conjecture', 'prf:axiom', 'prf:criterion', 'prf:algorithm',
  'theorem', 'proof', 'lemma', 'definition', 'remark', 'corollary', 'proposition',
]);

function isMarkdownDirective(info: string): boolean {
  const m = /^\{([\w:-]+)\}/.exec(info);
  return !!m && MARKDOWN_DIRECTIVES.has(m[1].toLowerCase());
}

function isMathInfo(info: string): boolean {
  const word = info.split(/\s+/)[0].toLowerCase().replace(/^\{\.?|\}$/g, '');
  return word === 'math';
}

export function scanBlocks(text: string, lines: LineMap, mode: 'markdown' | 'text', quoted?: (lineStart: number) => number): Blocks {
  const n = lines.lineCount;
  const kinds = new Uint8Array(n);
  const contentStart = new Int32Array(n);
  const code: Region[] = [];
  const comments: CommentRegion[] = [];
  const mathFences: FenceFragment[] = [];
  const excluded: Region[] = [];
  const blankStarts: number[] = [];
  const markdown = mode === 'markdown';

  let i = 0;

  // YAML front matter (markdown only): `---` on the first line, closed by `---` or `...`.
  if (markdown && n > 2 && /^---[ \t]*$/.test(lines.lineText(0))) {
    for (let j = 1; j < n; j++) {
      const t = lines.lineText(j);
      if (/^(?:---|\.\.\.)[ \t]*$/.test(t)) {
        if (j > 1) {
          const region = { start: 0, end: lines.lineEnd(j) };
          code.push(region);
          excluded.push(region);
          for (let k = 0; k <= j; k++) {
            kinds[k] = LineKind.Code;
            contentStart[k] = lines.lineStart(k);
          }
          i = j + 1;
        }
        break;
      }
      if (!YAML_LINE_RE.test(t)) break;
    }
  }

  let prevParagraph = false; // the previous line is paragraph text that a following line may continue
  let sawBlank = false; // a blank line since the last non-blank line
  let listIndent = -1; // content column of the current list item, -1 outside lists
  let noCommentCloseAfter = -1; // a search for `-->` from this offset found none: none exists further on
  const directiveCloses = new Set<number>(); // lines that close a MyST directive read as Markdown

  while (i < n) {
    const ls = lines.lineStart(i);
    const le = lines.lineEnd(i);
    const { col, pos: p } = indentOf(text, ls, le, quoted);
    let blank = true;
    for (let q = p; q < le; q++) {
      if (!isWs(text.charCodeAt(q))) {
        blank = false;
        break;
      }
    }
    if (blank) {
      kinds[i] = LineKind.Blank;
      contentStart[i] = le;
      blankStarts.push(ls);
      prevParagraph = false;
      sawBlank = true;
      i++;
      continue;
    }

    // The closing fence of a MyST directive whose content was read as Markdown (below).
    if (directiveCloses.has(i)) {
      const region = { start: p, end: trimmedLineEnd(text, lines, i) };
      code.push(region);
      excluded.push(region);
      kinds[i] = LineKind.Code;
      contentStart[i] = ls;
      directiveCloses.delete(i);
      i++;
      prevParagraph = false;
      sawBlank = false;
      continue;
    }

    const rest = text.slice(p, Math.min(le, p + 16));
    const listMatch = LIST_RE.exec(rest);

    // A paragraph at a smaller indentation after a blank line ends the list.
    if (listIndent >= 0 && sawBlank && col < listIndent && !listMatch) listIndent = -1;

    // Indented code (markdown only): 4+ columns, not continuing a paragraph, not inside a list item.
    if (markdown && col >= 4 && !prevParagraph && !(listIndent >= 0 && col < listIndent + 4)) {
      const base = listIndent >= 0 ? listIndent + 4 : 4;
      let last = i;
      let j = i + 1;
      while (j < n) {
        const jls = lines.lineStart(j);
        const jle = lines.lineEnd(j);
        const ind = indentOf(text, jls, jle, quoted);
        if (ind.pos === jle || isBlankLine(text, ind.pos, jle)) {
          j++;
          continue;
        }
        if (ind.col >= base) {
          last = j;
          j++;
          continue;
        }
        break;
      }
      const region = { start: ls, end: lines.lineEnd(last) };
      code.push(region);
      excluded.push(region);
      for (let k = i; k <= last; k++) {
        kinds[k] = LineKind.Code;
        contentStart[k] = lines.lineStart(k);
      }
      i = last + 1;
      prevParagraph = false;
      sawBlank = false;
      continue;
    }

    // Fenced code (both modes; any indentation that is not indented code).
    const fence = fenceAt(text, p, le);
    if (fence) {
      let close = -1;
      for (let j = i + 1; j < n; j++) {
        const jls = lines.lineStart(j);
        const jle = lines.lineEnd(j);
        const ind = indentOf(text, jls, jle, quoted);
        if (isClosingFence(text, ind.pos, jle, fence)) {
          close = j;
          break;
        }
      }
      // A MyST directive whose content is Markdown (```{solution}, ```{note}, ```{example}): its fence lines and
      // options are not math, its content is read like the rest of the note.
      if (markdown && close >= 0 && isMarkdownDirective(fence.info)) {
        let last = i;
        while (last + 1 < close && /^[ \t]*:[\w-]+:/.test(lines.lineText(last + 1))) last++;
        const region = { start: p, end: trimmedLineEnd(text, lines, last) };
        code.push(region);
        excluded.push(region);
        for (let k = i; k <= last; k++) {
          kinds[k] = LineKind.Code;
          contentStart[k] = lines.lineStart(k);
        }
        directiveCloses.add(close);
        i = last + 1;
        prevParagraph = false;
        sawBlank = false;
        continue;
      }
      const isMath = isMathInfo(fence.info);
      const lastLine = close >= 0 ? close : n - 1;
      const region = { start: p, end: close >= 0 ? trimmedLineEnd(text, lines, close) : text.length };
      if (isMath && close >= 0) {
        // MyST's {math} directive may open with option lines (`:label: eq-power`): not math.
        let first = i + 1;
        while (first < close && /^[ \t]*:[\w-]+:/.test(lines.lineText(first))) first++;
        if (close > first) {
          const start = lines.lineStart(first);
          const end = lines.lineEnd(close - 1);
          if (!isBlankLine(text, start, end)) mathFences.push({ outerStart: region.start, outerEnd: region.end, start, end });
        }
      } else {
        code.push(region);
      }
      excluded.push(region);
      for (let k = i; k <= lastLine; k++) {
        kinds[k] = isMath && close >= 0 ? LineKind.MathFence : LineKind.Code;
        contentStart[k] = lines.lineStart(k);
      }
      if (col < listIndent) listIndent = -1;
      i = lastLine + 1;
      prevParagraph = false;
      sawBlank = false;
      continue;
    }

    // HTML comment starting the line: runs to `-->` (possibly over blank lines).
    if (text.startsWith('<!--', p) && (noCommentCloseAfter < 0 || p < noCommentCloseAfter)) {
      const close = text.indexOf('-->', p + 4);
      if (close < 0) {
        noCommentCloseAfter = p;
      } else {
        const end = close + 3;
        const region = { start: p, end };
        comments.push({ start: p, end, body: text.slice(p + 4, close) });
        excluded.push(region);
        const endLine = lines.lineAt(end - 1);
        const tailBlank = isBlankLine(text, end, lines.lineEnd(endLine));
        for (let k = i; k <= endLine; k++) {
          kinds[k] = k < endLine || tailBlank ? LineKind.Comment : LineKind.Text;
          contentStart[k] = k === i ? p : lines.lineStart(k);
        }
        if (!tailBlank) {
          contentStart[endLine] = end;
          prevParagraph = true;
        } else {
          prevParagraph = false;
        }
        // Blank lines inside the comment still delimit paragraphs for the inline pass.
        for (let k = i + 1; k < endLine; k++) {
          const kls = lines.lineStart(k);
          if (isBlankLine(text, kls, lines.lineEnd(k))) blankStarts.push(kls);
        }
        sawBlank = false;
        i = endLine + 1;
        continue;
      }
    }

    if (markdown && col <= 3 && HEADING_RE.test(rest)) {
      kinds[i] = LineKind.Heading;
      let q = p;
      while (q < le && text.charCodeAt(q) === 0x23) q++;
      contentStart[i] = skipSpaces(text, q, le);
      listIndent = -1;
      prevParagraph = false;
    } else if (RULE_RE.test(text.slice(p, Math.min(le, p + 200)).trimEnd()) && le - p <= 200) {
      kinds[i] = LineKind.Rule;
      contentStart[i] = p;
      prevParagraph = false;
    } else if (text.charCodeAt(p) === 0x3e /* > */) {
      // Block quote: the prose starts after the markers; a quote line with nothing else is a paragraph break.
      let q = p;
      while (q < le && text.charCodeAt(q) === 0x3e) q = skipSpaces(text, q + 1, le);
      if (q >= le) {
        kinds[i] = LineKind.Blank;
        contentStart[i] = le;
        blankStarts.push(ls);
        prevParagraph = false;
      } else {
        const inner = LIST_RE.exec(text.slice(q, Math.min(le, q + 16)));
        kinds[i] = inner ? LineKind.ListItem : LineKind.Text;
        contentStart[i] = inner ? skipSpaces(text, q + inner[0].length, le) : q;
        prevParagraph = true;
      }
    } else if (text.charCodeAt(p) === 0x7c /* | */) {
      kinds[i] = LineKind.Table;
      contentStart[i] = p;
      prevParagraph = true;
    } else if (listMatch) {
      kinds[i] = LineKind.ListItem;
      const afterMarker = p + listMatch[0].length;
      const cs = skipSpaces(text, afterMarker, le);
      contentStart[i] = cs;
      const spaces = cs - afterMarker;
      listIndent = col + listMatch[0].length + (spaces >= 1 && spaces <= 4 ? spaces : 1);
      prevParagraph = true;
    } else {
      kinds[i] = LineKind.Text;
      contentStart[i] = p;
      prevParagraph = true;
    }
    sawBlank = false;
    i++;
  }

  // A line starting with `|` is a table row only next to another one (`|x| = 1` alone is a paragraph).
  for (let k = 0; k < n; k++) {
    if (kinds[k] !== LineKind.Table) continue;
    const prev = k > 0 && kinds[k - 1] === LineKind.Table;
    const next = k + 1 < n && kinds[k + 1] === LineKind.Table;
    if (!prev && !next) kinds[k] = LineKind.Text;
  }

  const { tables, cellEnds, extra } = markdown ? findTables(text, lines, kinds) : { tables: [], cellEnds: [], extra: [] };
  excluded.push(...extra);

  excluded.sort((a, b) => a.start - b.start);
  blankStarts.sort((a, b) => a - b);
  return { kinds, contentStart, code, comments, mathFences, excluded, blankStarts, tables, cellEnds };
}

/** A GFM delimiter row: `|---|:--:|`, `--- | ---` (cells of dashes with optional colons). */
const DELIMITER_ROW_RE = /^[ \t]{0,3}\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*$/;

/**
 * The cells of a table row as GFM and markdown-it split it: at each `|` not right after a backslash, a leading
 * and a trailing `|` dropped; each cell trimmed. Also gives the offsets of the separating `|`s.
 */
function rowCells(text: string, ls: number, le: number): { cells: Region[]; pipes: number[] } {
  let s = ls;
  let e = le;
  while (s < e && isWs(text.charCodeAt(s))) s++;
  while (e > s && isWs(text.charCodeAt(e - 1))) e--;
  const pipes: number[] = [];
  // (A `|` right after a backslash is escaped, whatever precedes the backslash: markdown-it reads `\\|` so too.)
  for (let q = s; q < e; q++) if (text.charCodeAt(q) === 0x7c /* | */ && (q === 0 || text.charCodeAt(q - 1) !== 0x5c)) pipes.push(q);
  const bounds = [s - 1, ...pipes, e];
  const cells: Region[] = [];
  for (let k = 0; k + 1 < bounds.length; k++) {
    let a = bounds[k] + 1;
    let b = bounds[k + 1];
    // The empty piece before a leading `|` and after a trailing one is no cell.
    if ((k === 0 && b === s) || (k === bounds.length - 2 && k > 0 && a === e)) continue;
    while (a < b && isWs(text.charCodeAt(a))) a++;
    while (b > a && isWs(text.charCodeAt(b - 1))) b--;
    cells.push({ start: a, end: b });
  }
  return { cells, pipes };
}

/**
 * GFM tables: a row holding a `|`, then a delimiter row with as many cells, then body rows up to a blank line or
 * a line that starts another block. Their lines become `LineKind.Table`.
 */
function findTables(text: string, lines: LineMap, kinds: Uint8Array): { tables: Array<Array<Region[]>>; cellEnds: number[]; extra: Region[] } {
  const tables: Array<Array<Region[]>> = [];
  const extra: Region[] = [];
  const cellEnds: number[] = [];
  const n = lines.lineCount;
  const rowKind = (k: number): boolean => kinds[k] === LineKind.Table || kinds[k] === LineKind.Text;
  for (let k = 0; k + 1 < n; k++) {
    if (!rowKind(k) || !rowKind(k + 1)) continue;
    const delim = lines.lineText(k + 1);
    if (!delim.includes('-') || !DELIMITER_ROW_RE.test(delim)) continue;
    const ls = lines.lineStart(k);
    const le = lines.lineEnd(k);
    const head = rowCells(text, ls, le);
    if (head.pipes.length === 0) continue;
    const columns = delim.split('|').map((c) => c.trim()).filter((c, i, all) => c !== '' || (i !== 0 && i !== all.length - 1)).length;
    if (columns !== head.cells.length) continue;
    const rows: Region[][] = [head.cells];
    cellEnds.push(...head.pipes, le);
    kinds[k] = LineKind.Table;
    kinds[k + 1] = LineKind.Table;
    cellEnds.push(lines.lineEnd(k + 1));
    let j = k + 2;
    for (; j < n; j++) {
      if (!rowKind(j)) break;
      const jls = lines.lineStart(j);
      const jle = lines.lineEnd(j);
      if (isBlankLine(text, jls, jle)) break;
      const row = rowCells(text, jls, jle);
      rows.push(row.cells.slice(0, columns));
      cellEnds.push(...row.pipes, jle);
      // Cells beyond the header's count are dropped (GFM, markdown-it): what they hold is not shown at all.
      if (row.cells.length > columns) extra.push({ start: row.cells[columns - 1].end, end: jle });
      kinds[j] = LineKind.Table;
    }
    tables.push(rows);
    k = j - 1;
  }
  return { tables, cellEnds, extra };
}

function isBlankLine(text: string, from: number, to: number): boolean {
  for (let q = from; q < to; q++) if (!isWs(text.charCodeAt(q))) return false;
  return true;
}

function skipSpaces(text: string, from: number, to: number): number {
  while (from < to && isWs(text.charCodeAt(from))) from++;
  return from;
}

function trimmedLineEnd(text: string, lines: LineMap, line: number): number {
  let e = lines.lineEnd(line);
  const s = lines.lineStart(line);
  while (e > s && isWs(text.charCodeAt(e - 1))) e--;
  return e;
}
