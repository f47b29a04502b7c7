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
}

/** Characters that would change the meaning of plain text in Markdown. */
export function escapeMarkdown(s: string): string {
  return s.replace(/[\\`*_{}[\]<>#|~!]/g, (c) => `\\${c}`).replace(/\r?\n/g, ' ');
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
  if (uri) return `![${alt}](${uri})`;
  // Rendering failed: the LaTeX as inline code (double backticks allow single ones inside).
  return `\`\` ${latex.trim().replace(/\s+/g, ' ').replace(/``/g, '` `')} \`\``;
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
  const parts: string[] = [image('formula', f.latex, f.display, input.color, prelude)];
  const claims = input.report.claims.filter((c) => c.start >= f.start && c.end <= f.end && c.start <= offset && offset <= c.end);
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
  return {
    contents: { kind: MarkupKind.Markdown, value: parts.join('\n\n') },
    range: rangeOf(lines, f.outerStart, f.outerEnd),
  };
}
