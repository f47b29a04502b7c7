/**
 * Hover over math: the formula rendered as an SVG image, then for each claim under the cursor its verdict in
 * one line, and the derivative the checker computed (or, for a false claim, the expected right side) rendered
 * too, then a plot (a false claim's two sides around the counterexample, a verified derivative with its function;
 * at most one per hover, a false claim's first). Uses the last finished report — the checker never runs here — and
 * renders through the cached renderers (plots are drawn on the first hover of their claim, then cached).
 */
import { MarkupKind, type Hover, type Position } from 'vscode-languageserver';
import type { ClaimReport, DocumentReport, ReportFragment } from '../engine';
import { LineMap } from '../scan/lines';
import { showsAs } from '../scan/entities';
import { macroPrelude } from '../render/macros';
import { renderSvg, svgDataUri } from '../render/svg';
import { plotImageUri } from '../render/plotImage';
import { rangeOf, shortMessage, stripVerdictPrefix } from './diagnostics';

/**
 * Size budgets of a hover. VS Code shows at most 100,000 characters of a hover (beyond, it cuts the Markdown and
 * the image syntax shows as text) and opens it at most ~250 px tall: an image over these budgets is not shown —
 * a large block shows the claim's own row instead.
 */
export const MAX_IMAGE_URI = 40_000;
/** Heights in MathJax ex (about 7–8 px each): a formula, with and without a plot below it; an expected side. */
export const MAX_FORMULA_EX = 14;
export const MAX_FORMULA_EX_WITH_PLOT = 7;
export const MAX_EXPECTED_EX = 7;
/** The whole hover's Markdown stays below this. */
export const MAX_HOVER_CHARS = 90_000;

export interface HoverInput {
  /** The document's current text. */
  text: string;
  position: Position;
  /** The last finished report and the text it was made from (possibly an older version). */
  report: DocumentReport;
  reportText: string;
  /** Ink colour (the theme foreground). */
  color?: string;
  /** The `calcnotes.macros` setting. */
  macros?: Record<string, string>;
  /** The macros of the note's project configuration, as TeX definitions. */
  preamble?: string;
  /** A LineMap of `text`, when the caller has one. */
  lines?: LineMap;
  /** The `calcnotes.plots` setting: show plots of false claims and verified derivatives. Default true. */
  plots?: boolean;
  /** Time allowed for sampling a plot, ms (default PLOT_BUDGET_MS; tests on a loaded machine allow more). */
  plotBudgetMs?: number;
  /** Show the rendered formula (default true; off in LaTeX files beside LaTeX Workshop, lsp/fileKinds.ts). */
  formula?: boolean;
  /**
   * Where an offset of `text` is, as the hover says it (where a belief was stated): default `line N` of `text`; a
   * note joined from several files says which file (lsp/stretches.ts `placeOf`).
   */
  placeOf?: (offset: number) => string;
}

/** Longest text of one hover line (a reason, a formula shown as code); what is longer is cut with an ellipsis. */
export const MAX_HOVER_TEXT = 2000;
/** Longest hover (Markdown characters): parts past it are left out. */
export const MAX_HOVER = 1_000_000;

function cut(s: string, max = MAX_HOVER_TEXT): string {
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

/**
 * Note text as Markdown that renders as that very text and never as markup: every ASCII punctuation character
 * that can begin or end markup is backslash-escaped (CommonMark allows escaping any of them), so no emphasis,
 * code, link, image, HTML, entity, list, heading, table, theme icon or autolink (`https\:…`, `www\.…`,
 * `a\@b`) can start; line breaks and control characters become spaces (no block can start).
 */
export function escapeMarkdown(s: string): string {
  return cut(s)
    .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ')
    .replace(/[\\`*_{}[\]()<>#+\-.!|~&:@$^=]/g, (c) => `\\${c}`);
}

/**
 * Note text as a Markdown code span: a backtick run longer than any inside the text opens and closes it, and a
 * space pads each side, so the text can never end the span early (CommonMark 6.1). Line breaks become spaces.
 */
export function codeSpan(s: string): string {
  const text = cut(s.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ').trim());
  let longest = 0;
  for (const run of text.match(/`+/g) ?? []) longest = Math.max(longest, run.length);
  const fence = '`'.repeat(longest + 1);
  return `${fence} ${text} ${fence}`;
}

/**
 * The verdict in one line. A false claim's message is the diagnostic's, which VS Code shows in the same hover: the
 * line says only "✗ false" (what the shortened message left out goes beside the formula: `falseDetail`).
 */
export function verdictLine(c: ClaimReport): string {
  switch (c.verdict) {
    case 'verified':
      return `✓ verified — ${escapeMarkdown(stripVerdictPrefix(c.reason))}`;
    case 'false':
      return '**✗ false**';
    default:
      return `· not checked — ${escapeMarkdown(stripVerdictPrefix(c.reason))}`;
  }
}

/**
 * What the Problems view's shortened message of a false claim left out — its counterexample, compactly ("at
 * x = 0.31 (f = x² + 1): the left side is 0.07088, the right side 0.9922") — or '' when the message is whole.
 */
export function falseDetail(c: ClaimReport): string {
  const full = c.reason.replace(/\s+/g, ' ').trim();
  const short = shortMessage(full);
  if (short === full) return '';
  const colon = full.indexOf(': ');
  const rest = (colon > 0 ? full.slice(colon + 2) : full).replace(/ Expected [^]*\.$/, '').trim().replace(/\.$/, '');
  if (!rest || short.includes(rest)) return '';
  const m = /^(?:with (.+?) )?at (.+?) the left side is (\S+) and the right side is (\S+)$/.exec(rest);
  return m ? `at ${m[2]}${m[1] ? ` (${m[1]})` : ''}: the left side is ${m[3]}, the right side ${m[4]}` : rest;
}

interface PreludeMemo {
  macrosKey: string;
  prelude: string;
}
const preludes = new WeakMap<DocumentReport, PreludeMemo>();

/** The note's macro definitions (and the setting's), computed once per report. */
export function preludeFor(report: DocumentReport, macros: Record<string, string> = {}, preamble = ''): string {
  const macrosKey = `${JSON.stringify(macros)}\u0000${preamble}`;
  const memo = preludes.get(report);
  if (memo && memo.macrosKey === macrosKey) return memo.prelude;
  const prelude = macroPrelude(macros, report.fragments.map((f) => f.latex), preamble);
  preludes.set(report, { macrosKey, prelude });
  return prelude;
}

/** The height of a MathJax SVG in ex (Infinity when it does not say). */
function heightEx(svg: string): number {
  const m = /^<svg\b[^>]*?\sheight="([\d.]+)ex"/.exec(svg);
  return m ? Number(m[1]) : Infinity;
}

/** A formula as a Markdown image, or null when it does not render or is over the budgets. */
function imageWithin(alt: string, latex: string, display: boolean, color: string | undefined, prelude: string, maxEx: number): string | null {
  const svg = renderSvg(latex.trim(), { color, display, prelude });
  if (!svg || heightEx(svg) > maxEx) return null;
  const uri = svgDataUri(svg);
  return uri.length <= MAX_IMAGE_URI ? `![${alt}](${uri})` : null;
}

/** The LaTeX as inline code, cut to a readable length (double backticks allow single ones inside). */
function code(latex: string, max = 160): string {
  let t = latex.trim().replace(/\s+/g, ' ');
  if (t.length > max) t = `${t.slice(0, max - 1)}…`;
  return codeSpan(t);
}

function image(alt: string, latex: string, display: boolean, color: string | undefined, prelude: string, maxEx = MAX_FORMULA_EX): string {
  return imageWithin(alt, latex, display, color, prelude, maxEx) ?? code(latex);
}

const BLOCK_ENV = /\\begin\{(aligned|align\*?|alignat\*?|alignedat|gather\*?|gathered|split|multline\*?|eqnarray\*?|flalign\*?|array)\}(\{[^{}]*\})?/;

/**
 * The rows of a display block (`\begin{align}… \\ …\end{align}`, or rows at the top level), as index ranges of
 * its LaTeX: row breaks inside braces or inner environments (a matrix) do not count.
 */
export function blockRows(latex: string): { start: number; end: number }[] {
  let from = 0;
  let to = latex.length;
  // The block's environment, wherever it starts (`\setcounter{…}` or a label may come first).
  const open = BLOCK_ENV.exec(latex);
  if (open && braceDepthAt(latex, open.index) === 0) {
    from = open.index + open[0].length;
    const close = latex.lastIndexOf(`\\end{${open[1]}}`);
    if (close > from) to = close;
  }
  const rows: { start: number; end: number }[] = [];
  let depth = 0;
  let nested = 0;
  let rowStart = from;
  for (let i = from; i < to; i++) {
    const c = latex[i];
    if (c === '{') depth++;
    else if (c === '}') depth--;
    else if (c === '\\') {
      if (latex.startsWith('\\begin{', i)) nested++;
      else if (latex.startsWith('\\end{', i)) nested--;
      else if (latex[i + 1] === '\\' && depth === 0 && nested === 0) {
        rows.push({ start: rowStart, end: i });
        rowStart = i + 2;
      }
      i++;
    }
  }
  rows.push({ start: rowStart, end: to });
  return rows.filter((r) => /\S/.test(latex.slice(r.start, r.end)));
}

function braceDepthAt(s: string, end: number): number {
  let d = 0;
  for (let i = 0; i < end; i++) {
    if (s[i] === '\\') i++;
    else if (s[i] === '{') d++;
    else if (s[i] === '}') d--;
  }
  return d;
}

/** One row of a block as LaTeX that renders on its own (aligned, without labels and tags). */
function rowLatex(row: string): string {
  const t = row.replace(/\\(?:label|tag\*?|eqref|ref)\s*\{[^{}]*\}|\\(?:nonumber|notag)\b/g, '').trim();
  return t.includes('&') ? `\\begin{aligned}${t}\\end{aligned}` : t;
}

/** The fragment at an offset whose text is still what was checked (hover works on a slightly stale report). */
export function fragmentAt(report: DocumentReport, text: string, offset: number): ReportFragment | null {
  let best: ReportFragment | null = null;
  for (const f of report.fragments) {
    if (f.delimiter === 'bare-inline') continue; // context only, not a formula of its own
    if (offset < f.outerStart || offset > f.outerEnd) continue;
    if (offset === f.outerEnd && f.outerEnd !== f.end) continue; // just past a closing delimiter
    if (!showsAs(text.slice(f.start, f.end), f.latex)) continue;
    if (!best || f.outerEnd - f.outerStart < best.outerEnd - best.outerStart) best = f;
  }
  return best;
}

export function hover(input: HoverInput): Hover | null {
  const lines = input.lines ?? new LineMap(input.text);
  const offset = lines.offsetAt(input.position);
  const f = fragmentAt(input.report, input.text, offset);
  if (!f) return null;
  const prelude = preludeFor(input.report, input.macros, input.preamble);
  const claims = input.report.claims.filter((c) => c.start >= f.start && c.end <= f.end && c.start <= offset && offset <= c.end);
  if (input.formula === false && !claims.length) return null; // the formula alone: another extension previews it
  // One plot per hover: a false claim's if there is one, else the first claim with a plot.
  const plotted = input.plots === false ? undefined : (claims.find((c) => c.plot && c.verdict === 'false') ?? claims.find((c) => c.plot));
  const plotUri = plotted?.plot ? plotImageUri(plotted.plot, input.color, input.plotBudgetMs) : null;
  // (In a `.tex` file another extension may preview the formula: then only the verdicts.)
  const formula = input.formula === false ? '' : formulaPart(input, f, claims, offset, prelude, plotUri ? MAX_FORMULA_EX_WITH_PLOT : MAX_FORMULA_EX);
  const parts: string[] = formula ? [formula] : [];
  // One false claim: its verdict goes on the formula's line, and the counterexample the Problems message left out
  // on one line below — so that message, formula, verdict, expected side and plot fit VS Code's ~250 px hover.
  const single = claims.length === 1 && claims[0].verdict === 'false' ? claims[0] : undefined;
  const shown = new Set<string>();
  const after: string[] = [];
  for (const c of claims) {
    let line = verdictLine(c);
    if (c.computed && !shown.has(c.computed)) {
      shown.add(c.computed);
      parts.push(line);
      parts.push(`Computed derivative: ${image('computed derivative', c.computed, true, input.color, prelude, MAX_EXPECTED_EX)}`);
      line = '';
    } else if (c.verdict === 'false' && c.expected && !shown.has(c.expected)) {
      shown.add(c.expected);
      line += ` — expected ${image('expected', c.expected, true, input.color, prelude, MAX_EXPECTED_EX)}`;
    }
    if (line && c === single && formula) {
      parts[0] = `${formula} \u2003${line}`;
      const detail = falseDetail(c);
      if (detail) parts.push(escapeMarkdown(detail));
    } else if (line) parts.push(line);
    const more = (c.doubts ?? []).slice(1);
    if (c.verdict === 'unchecked' && more.length) parts.push(`Also: ${more.map((d) => escapeMarkdown(d.detail)).join('; ')}`);
    if (c === plotted && plotUri) parts.push(`![plot](${plotUri})`);
    if (c.beliefs?.length) {
      const place = input.placeOf ?? ((at: number) => `line ${lines.positionAt(at).line + 1}`);
      const said = c.beliefs.map((b) => `${b.subject}: ${b.text}${b.at !== undefined ? ` on ${place(c.start + b.at)}` : ''}`);
      after.push(`*${escapeMarkdown(said.join(' · '))}*`);
    }
  }
  // What the model believes comes last: below the plot, where it costs no room the verdict needs.
  parts.push(...after);
  let value = parts.join('\n\n');
  // Never past VS Code's limit (it would cut an image's data in half and show it as text): drop images from the end.
  while (value.length > MAX_HOVER_CHARS && parts.length > 1) {
    parts.pop();
    value = parts.join('\n\n');
  }
  if (value.length > MAX_HOVER_CHARS) value = code(f.latex);
  return {
    contents: { kind: MarkupKind.Markdown, value },
    range: rangeOf(lines, f.outerStart, f.outerEnd),
  };
}

/**
 * The formula of the hover: the whole fragment when it fits the budgets; else the row of the block that holds the
 * claim under the cursor (or the cursor), saying which row it is, so the verdict below belongs to what is shown.
 */
function formulaPart(input: HoverInput, f: ReportFragment, claims: ClaimReport[], offset: number, prelude: string, maxEx: number): string {
  const whole = imageWithin('formula', f.latex, f.display, input.color, prelude, maxEx);
  if (whole) return whole;
  const at = claims[0]?.start ?? offset;
  const same = input.text.slice(f.start, f.end) === f.latex;
  const rows = same ? blockRows(f.latex) : [];
  const k = rows.findIndex((r) => at - f.start >= r.start && at - f.start <= r.end);
  if (k >= 0) {
    const row = rowLatex(f.latex.slice(rows[k].start, rows[k].end));
    const label = rows.length > 1 ? `Row ${k + 1} of ${rows.length}: ` : '';
    return `${label}${image('formula', row, true, input.color, prelude, maxEx)}`;
  }
  if (claims[0]) return image('formula', rowLatex(claims[0].latex), true, input.color, prelude, maxEx);
  return code(f.latex);
}
