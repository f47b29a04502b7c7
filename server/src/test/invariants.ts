/**
 * What must hold of every report, whatever the note: shared by the fuzz, robustness and security tests.
 */
import * as assert from 'node:assert/strict';
import { checkDocument, type DocumentReport, type EngineOptions } from '../engine';
import { LineMap } from '../scan/lines';
import { showsAs } from '../scan/entities';
import { toDiagnostics } from '../lsp/diagnostics';
import { DEFAULT_SETTINGS } from '../lsp/protocol';

const VERDICTS = new Set(['verified', 'false', 'unchecked']);
const KINDS = new Set(['derivative', 'rule', 'step', 'notation', 'identity', 'definition', 'value', 'approximation', 'equation', 'chain']);
const SEVERITIES = new Set(['error', 'warning', 'information', 'hint']);

function short(text: string): string {
  const s = JSON.stringify(text.slice(0, 400));
  return text.length > 400 ? `${s}… (${text.length} characters)` : s;
}

/** An assertion whose message is only built when it fails (notes can be megabytes long). */
function ok(cond: boolean, message: () => string): void {
  if (!cond) assert.fail(message());
}

/** checkDocument, with the note in the message of anything it throws. */
export function checkOrExplain(text: string, options: EngineOptions = {}): DocumentReport {
  try {
    return checkDocument(text, options);
  } catch (e) {
    throw new Error(`checkDocument threw on ${short(text)}: ${(e as Error)?.stack ?? e}`);
  }
}

/** Every range of the report lies inside the document with start ≤ end, and the LSP conversion is sound too. */
export function assertSane(text: string, report: DocumentReport): void {
  const n = text.length;
  const where = () => `in ${short(text)}`;
  for (const f of report.fragments) {
    ok(0 <= f.outerStart && f.outerStart <= f.start && f.start <= f.end && f.end <= f.outerEnd && f.outerEnd <= n, () => `fragment range ${JSON.stringify([f.outerStart, f.start, f.end, f.outerEnd])} ${where()}`);
    ok(showsAs(text.slice(f.start, f.end), f.latex), () => `fragment LaTeX is its text ${where()}`);
  }
  for (const c of report.claims) {
    ok(0 <= c.start && c.start <= c.end && c.end <= n, () => `claim range ${c.start}..${c.end} ${where()}`);
    ok(0 <= c.rhsStart && c.rhsStart <= c.rhsEnd && c.rhsEnd <= n, () => `right-hand side range ${c.rhsStart}..${c.rhsEnd} ${where()}`);
    ok(VERDICTS.has(c.verdict), () => `verdict ${c.verdict}`);
    ok(KINDS.has(c.kind), () => `kind ${c.kind}`);
    assert.equal(typeof c.reason, 'string');
    ok(c.reason.length > 0, () => `a reason for ${c.latex} ${where()}`);
  }
  for (const d of report.diagnostics) {
    ok(0 <= d.start && d.start <= d.end && d.end <= n, () => `diagnostic range ${d.start}..${d.end} (${d.message}) ${where()}`);
    assert.ok(SEVERITIES.has(d.severity));
    assert.ok(d.code === 'false-claim' || d.code === 'latex-syntax' || d.code === 'suspicious-notation');
    ok(d.code !== 'suspicious-notation' || d.severity === 'warning', () => `a suspicious-notation diagnostic is a warning ${where()}`);
    assert.ok(d.message.length > 0);
  }
  // As the language server publishes them: every position on an existing line, within it.
  const lines = new LineMap(text);
  for (const d of toDiagnostics(report, lines, { ...DEFAULT_SETTINGS, showUnchecked: true })) {
    for (const p of [d.range.start, d.range.end]) {
      ok(p.line >= 0 && p.line < lines.lineCount, () => `line ${p.line} of ${lines.lineCount} ${where()}`);
      ok(p.character >= 0 && p.character <= lines.lineEnd(p.line) - lines.lineStart(p.line) + 1, () => `character ${p.character} on line ${p.line} ${where()}`);
    }
    assert.ok(d.range.start.line < d.range.end.line || (d.range.start.line === d.range.end.line && d.range.start.character <= d.range.end.character));
  }
}

/** A report reduced to what must not change between two runs (claims that ran out of time excepted). */
export function verdictSummary(report: DocumentReport): string[] {
  return report.claims
    .filter((c) => !/ran out of time/.test(c.reason))
    .map((c) => `${c.start}-${c.end} ${c.kind} ${c.verdict}: ${c.reason}`)
    .concat(report.diagnostics.filter((d) => d.code === 'latex-syntax').map((d) => `${d.start}-${d.end} ${d.message}`));
}
