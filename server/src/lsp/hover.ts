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
import { renderDataUri } from '../render/svg';
import { plotImageUri } from '../render/plotImage';
import { rangeOf, stripVerdictPrefix } from './diagnostics';

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
}

/** Longest text of one hover line (a reason, a formula shown as code); what is longer is cut with an ellipsis. */
export const MAX_HOVER_TEXT = 2000;
/** Longest image data URI a hover carries (a formula's SVG); a larger formula is shown as code. */
export const MAX_HOVER_IMAGE = 300_000;
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

export function verdictLine(c: ClaimReport): string {
  switch (c.verdict) {
    case 'verified':
      return `✓ verified — ${escapeMarkdown(stripVerdictPrefix(c.reason))}`;
    case 'false':
      return `✗ false — ${escapeMarkdown(c.reason)}`;
    default:
      return `· not checked — ${escapeMarkdown(stripVerdictPrefix(c.reason))}`;
  }
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

function image(alt: string, latex: string, display: boolean, color: string | undefined, prelude: string): string {
  const uri = renderDataUri(latex.trim(), { color, display, prelude });
  // `alt` is ours (a word), the URI base64: nothing of the note's text is Markdown here.
  if (uri && uri.length <= MAX_HOVER_IMAGE) return `![${alt}](${uri})`;
  // Rendering failed, or the image would be too large: the LaTeX as code.
  return codeSpan(latex.replace(/\s+/g, ' '));
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
  const parts: string[] = input.formula === false ? [] : [image('formula', f.latex, f.display, input.color, prelude)];
  const shown = new Set<string>();
  // One plot per hover: a false claim's if there is one, else the first claim with a plot.
  const plotted = input.plots === false ? undefined : (claims.find((c) => c.plot && c.verdict === 'false') ?? claims.find((c) => c.plot));
  for (const c of claims) {
    parts.push(verdictLine(c));
    const more = (c.doubts ?? []).slice(1);
    if (c.verdict === 'unchecked' && more.length) parts.push(`Also: ${more.map((d) => escapeMarkdown(d.detail)).join('; ')}`);
    if (c.beliefs?.length) {
      const said = c.beliefs.map((b) => `${b.subject}: ${b.text}${b.at !== undefined ? ` on line ${lines.positionAt(b.at).line + 1}` : ''}`);
      parts.push(`*${escapeMarkdown(said.join(' · '))}*`);
    }
    if (c.computed && !shown.has(c.computed)) {
      shown.add(c.computed);
      parts.push(`Computed derivative: ${image('computed derivative', c.computed, false, input.color, prelude)}`);
    } else if (c.verdict === 'false' && c.expected && !shown.has(c.expected)) {
      shown.add(c.expected);
      parts.push(`Expected: ${image('expected', c.expected, false, input.color, prelude)}`);
    }
    if (c === plotted && c.plot) {
      const uri = plotImageUri(c.plot, input.color, input.plotBudgetMs);
      if (uri) parts.push(`![plot](${uri})`);
    }
  }
  // Bounded: parts past MAX_HOVER are left out.
  let size = 0;
  const kept: string[] = [];
  for (const p of parts) {
    if (size + p.length > MAX_HOVER) {
      kept.push('…');
      break;
    }
    kept.push(p);
    size += p.length + 2;
  }
  return {
    contents: { kind: MarkupKind.Markdown, value: kept.join('\n\n') },
    range: rangeOf(lines, f.outerStart, f.outerEnd),
  };
}
