/**
 * The engine's report as LSP diagnostics: false claims (with the configured severity), LaTeX syntax errors
 * (always errors), suspicious notation (warnings) and, when `showUnchecked` is on, claims that were not checked (hints). Ranges come from the
 * engine's offsets through LineMap, so they are exact in UTF-16 code units.
 */
import { DiagnosticSeverity, type Diagnostic, type Range } from 'vscode-languageserver';
import type { ClaimReport, DocumentReport, EngineDiagnostic, Severity } from '../engine';
import { LineMap } from '../scan/lines';
import { CODE_CHECK_FAILED, CODE_FALSE_CLAIM, CODE_LATEX_SYNTAX, CODE_SHAPE_MISMATCH, CODE_SUSPICIOUS_NOTATION,
  CODE_UNKNOWN_DIRECTIVE, CODE_UNCHECKED, type CalcnotesSettings } from './protocol';
import { claimKey } from './settings';

export const SOURCE = 'calcnotes';

/** What a calcnotes diagnostic carries in `data`: the index of its claim in the report, when it has one. */
export interface DiagnosticData {
  claim?: number;
  /** An unchecked claim's reason code (what "turn off" offers to silence). */
  reason?: string;
}

/** Unchecked claims of these kinds are not shown even with `showUnchecked`: they are not claims to verify. */
const SILENT_UNCHECKED_KINDS = new Set(['definition', 'value']);

export function toSeverity(s: Severity): DiagnosticSeverity {
  switch (s) {
    case 'error':
      return DiagnosticSeverity.Error;
    case 'warning':
      return DiagnosticSeverity.Warning;
    case 'information':
      return DiagnosticSeverity.Information;
    case 'hint':
      return DiagnosticSeverity.Hint;
  }
}

export function rangeOf(lines: LineMap, start: number, end: number): Range {
  return { start: lines.positionAt(start), end: lines.positionAt(Math.max(start, end)) };
}

/**
 * The one diagnostic of a note whose check failed (the checker ran out of memory, say): at the top of the note,
 * saying why, so a failure never looks like a note with nothing wrong.
 */
export function checkFailedDiagnostic(error: string): Diagnostic {
  const why = (error.split('\n')[0] || 'the check failed').slice(0, 300);
  return {
    range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
    severity: DiagnosticSeverity.Warning,
    source: SOURCE,
    code: CODE_CHECK_FAILED,
    message: `This note was not checked: ${why}. Its claims are not shown until a check succeeds (edit the note to try again).`,
  };
}

/** "not checked: the reason" → "the reason" (and the same for "verified: …"). */
export function stripVerdictPrefix(reason: string): string {
  return reason.replace(/^(?:not checked|verified)\s*:?\s*/i, '').trim() || reason;
}

/** The longest message the Problems view shows: a student reads it at a glance; the hover has the rest. */
export const MAX_MESSAGE_LENGTH = 150;

/**
 * A message cut to `max` characters for the Problems view, by sentences: a false claim's message is
 * "A is not B: the counterexample. Expected C." — the counterexample goes first (the hover shows it, and the
 * plot), then the expectation; what is still too long is cut at a word, with an ellipsis.
 */
export function shortMessage(message: string, max = MAX_MESSAGE_LENGTH): string {
  const m = message.replace(/\s+/g, ' ').trim();
  if (m.length <= max) return m;
  const expected = / Expected ([^]*)\.$/.exec(m);
  const body = expected ? m.slice(0, expected.index) : m;
  const colon = body.indexOf(': ');
  const head = colon > 0 ? body.slice(0, colon) : body.replace(/\.$/, '');
  const candidates = [
    ...(expected ? [`${head}. Expected ${expected[1]}.`] : []),
    body,
    `${head}.`,
  ];
  for (const c of candidates) if (c.length <= max) return c;
  const cut = m.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  return `${(space > max * 0.6 ? cut.slice(0, space) : cut).replace(/[\s,:;(—–-]+$/, '')}…`;
}

/**
 * The range a claim's diagnostic squiggles: the claim; for a claim written over more than two lines (a matrix
 * derivation), the line of its relation — with the claim's start when that is the first or second line.
 */
export function claimRange(lines: LineMap, c: { start: number; end: number; rhsStart?: number }): Range {
  const startLine = lines.lineAt(c.start);
  const endLine = lines.lineAt(Math.max(c.start, c.end));
  if (endLine - startLine < 2 || c.rhsStart === undefined || c.rhsStart <= c.start || c.rhsStart > c.end) return rangeOf(lines, c.start, c.end);
  const relLine = lines.lineAt(c.rhsStart - 1);
  const lineText = lines.lineText(relLine);
  const lineStart = lines.lineStart(relLine);
  const from = relLine <= startLine + 1 ? c.start : lineStart + (lineText.length - lineText.trimStart().length);
  const to = Math.min(c.end, lineStart + lineText.trimEnd().replace(/\s*\\\\$/, '').length);
  return rangeOf(lines, from, Math.max(from, to));
}

/**
 * Commands of LaTeX and its common packages that KaTeX (VS Code's preview) does not render: the note is not broken
 * — it is written for LaTeX — so an "undefined control sequence" for one of them is a hint, never an error.
 */
const VALID_LATEX = new Set([
  'intertext', 'shortintertext', 'qedhere', 'displaybreak', 'allowdisplaybreaks', 'hypertarget', 'hyperlink', 'href',
  'vspace', 'mbox', 'makebox', 'framebox', 'parbox', 'mathbbm', 'mathds', 'usepackage', 'documentclass', 'nobreak',
  'linebreak', 'pagebreak', 'smallskip', 'medskip', 'bigskip', 'noindent', 'centering', 'index', 'footnote', 'cite',
  'pageref', 'autoref', 'cref', 'Cref', 'nameref', 'SI', 'si', 'num', 'unit', 'qty', 'ensuremath', 'xspace',
  'textup', 'textsc', 'upshape', 'scshape', 'label', 'tag', 'eqref', 'ref', 'setcounter', 'numberwithin', 'nonumber',
  'notag', 'addtocounter', 'refstepcounter', 'vskip', 'hskip', 'kern', 'penalty', 'mathtoolsset', 'DeclarePairedDelimiter',
  'shoveleft', 'shoveright', 'raisetag', 'subnumcells', 'smash', 'tfrac', 'bbm', 'bbold', 'textcolor', 'colorbox',
]);

/** The command a syntax error names when it is valid LaTeX that KaTeX does not render (else null). */
export function validButUnrendered(message: string): string | null {
  const m = /Undefined control sequence: \\([A-Za-z]+)/.exec(message);
  return m && VALID_LATEX.has(m[1]) ? `\\${m[1]}` : null;
}

function claimIndexOf(report: DocumentReport, d: EngineDiagnostic, used: Set<number>): number | undefined {
  for (let i = 0; i < report.claims.length; i++) {
    const c = report.claims[i];
    if (!used.has(i) && c.verdict === 'false' && c.start === d.start && c.end === d.end) {
      used.add(i);
      return i;
    }
  }
  return undefined;
}

export function toDiagnostics(report: DocumentReport, lines: LineMap, settings: CalcnotesSettings): Diagnostic[] {
  const out: Diagnostic[] = [];
  const used = new Set<number>();
  // Claims the user hid as false positives (by their LaTeX), and codes turned off (reason codes of hints too).
  const hidden = new Set(settings.hiddenClaims ?? []);
  const isHidden = (c: ClaimReport | undefined) => !!c && hidden.size > 0 && hidden.has(claimKey(c.latex));
  const off = new Set(settings.disabledCodes ?? []);
  for (const d of report.diagnostics) {
    if (d.code === 'false-claim' || d.code === 'shape-mismatch') {
      const claim = claimIndexOf(report, d, used);
      if (claim !== undefined && isHidden(report.claims[claim])) continue;
      const diag: Diagnostic = {
        range: claim === undefined ? rangeOf(lines, d.start, d.end) : claimRange(lines, report.claims[claim]),
        severity: toSeverity(settings.falseClaimSeverity),
        code: d.code === 'shape-mismatch' ? CODE_SHAPE_MISMATCH : CODE_FALSE_CLAIM,
        source: SOURCE,
        message: shortMessage(d.message),
      };
      if (claim !== undefined) diag.data = { claim } satisfies DiagnosticData;
      out.push(diag);
    } else if (d.code === 'suspicious-notation' || d.code === 'unknown-directive') {
      out.push({
        range: rangeOf(lines, d.start, d.end),
        severity: DiagnosticSeverity.Warning,
        code: d.code === 'unknown-directive' ? CODE_UNKNOWN_DIRECTIVE : CODE_SUSPICIOUS_NOTATION,
        source: SOURCE,
        message: shortMessage(d.message),
      });
    } else {
      const unrendered = validButUnrendered(d.message);
      out.push({
        range: rangeOf(lines, d.start, d.end),
        severity: unrendered ? DiagnosticSeverity.Hint : DiagnosticSeverity.Error,
        code: CODE_LATEX_SYNTAX,
        source: SOURCE,
        message: shortMessage(unrendered ? `${unrendered} is valid LaTeX that VS Code's preview (KaTeX) does not render` : d.message),
      });
    }
  }
  if (settings.showUnchecked) {
    report.claims.forEach((c: ClaimReport, i) => {
      if (c.verdict !== 'unchecked' || SILENT_UNCHECKED_KINDS.has(c.kind) || isHidden(c)) return;
      if (off.has(CODE_UNCHECKED) || (c.reasonCode && off.has(c.reasonCode))) return;
      out.push({
        range: claimRange(lines, c),
        severity: DiagnosticSeverity.Hint,
        code: CODE_UNCHECKED,
        source: SOURCE,
        message: shortMessage(`Not checked: ${stripVerdictPrefix(c.reason)}`),
        data: { claim: i, ...(c.reasonCode ? { reason: c.reasonCode } : {}) } satisfies DiagnosticData,
      });
    });
    out.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
  }
  return out;
}

/** The claim a diagnostic refers to, if it is one of ours and the claim is still where the diagnostic says. */
export function claimOfDiagnostic(report: DocumentReport, lines: LineMap, d: Diagnostic): { index: number; claim: ClaimReport } | null {
  if (d.source !== SOURCE) return null;
  const same = (c: ClaimReport): boolean => {
    const r = claimRange(lines, c);
    return (
      r.start.line === d.range.start.line &&
      r.start.character === d.range.start.character &&
      r.end.line === d.range.end.line &&
      r.end.character === d.range.end.character
    );
  };
  const data = d.data as DiagnosticData | undefined;
  const i = data && typeof data.claim === 'number' ? data.claim : -1;
  if (i >= 0 && i < report.claims.length && same(report.claims[i])) return { index: i, claim: report.claims[i] };
  // The report changed since the diagnostic was made: find the claim by its range.
  const wanted = d.code === CODE_FALSE_CLAIM || d.code === CODE_SHAPE_MISMATCH ? 'false' : d.code === CODE_UNCHECKED ? 'unchecked' : null;
  if (!wanted) return null;
  const k = report.claims.findIndex((c) => c.verdict === wanted && same(c));
  return k >= 0 ? { index: k, claim: report.claims[k] } : null;
}
