/**
 * Code actions on calcnotes diagnostics:
 * - a false claim whose expected right side is known: replace the right-hand side with it (preferred quick fix);
 * - every claim diagnostic (false claims, unchecked hints): "Ignore this claim", which puts
 *   `<!-- calcnotes-disable-next-line -->` on a new line above the line where the claim's formula starts;
 * - without editing the note: "Hide this false positive in this workspace", which records the claim by its LaTeX
 *   in the workspace's `calcnotes.hiddenClaims` (so it survives edits elsewhere), and for every diagnostic but a
 *   false claim, "Turn off '<code>' in this workspace" (`calcnotes.disabledCodes`; an unchecked hint's reason
 *   code). Both run a client command that changes the workspace settings.
 *
 * Edits are computed on the report's offsets; they are only offered when the claim's text in the current
 * document is still the text that was checked (the report may be older than the document).
 */
import { CodeActionKind, type CodeAction, type Diagnostic, type TextEdit } from 'vscode-languageserver';
import type { ClaimReport, DocumentReport } from '../engine';
import { LineMap } from '../scan/lines';
import { claimOfDiagnostic, rangeOf } from './diagnostics';
import { CODE_FALSE_CLAIM, CODE_LATEX_SYNTAX, CODE_SHAPE_MISMATCH, CODE_SUSPICIOUS_NOTATION, CODE_UNCHECKED, CODE_UNKNOWN_DIRECTIVE,
  DISABLE_CODE_COMMAND, DISABLE_NEXT_LINE, HIDE_CLAIM_COMMAND } from './protocol';

export interface CodeActionInput {
  uri: string;
  /** The document's current text. */
  text: string;
  /** The last finished report and the text it was made from. */
  report: DocumentReport;
  reportText: string;
  /** The diagnostics the client sent in the code-action context. */
  diagnostics: Diagnostic[];
  /** `context.only`, when the client asked for some kinds only. */
  only?: string[];
  /**
   * The comment "Ignore this claim" inserts above the formula: `<!-- calcnotes-disable-next-line -->` (the default)
   * or, in LaTeX, where that would be printed text, `% calcnotes-disable-next-line`.
   */
  disableNextLine?: string;
}

export const IGNORE_TITLE = 'Ignore this claim';
export const HIDE_TITLE = 'Hide this false positive in this workspace';
export const turnOffTitle = (code: string) => `Turn off '${code}' in this workspace`;

/** Is the claim still written as it was when checked? */
function unchanged(input: CodeActionInput, c: ClaimReport): boolean {
  if (input.text === input.reportText) return true;
  const a = Math.min(c.start, c.rhsStart);
  const b = Math.max(c.end, c.rhsEnd);
  return input.text.slice(a, b) === input.reportText.slice(a, b);
}

/** The line where the formula holding the claim starts: what `disable-next-line` applies to. */
function formulaLine(report: DocumentReport, lines: LineMap, c: ClaimReport): number {
  const f = report.fragments.find((fr) => fr.start <= c.start && c.end <= fr.end);
  return lines.lineAt(f ? f.outerStart : c.start);
}

export function ignoreEdit(text: string, lines: LineMap, line: number, directive = DISABLE_NEXT_LINE): TextEdit {
  const lineText = lines.lineText(line);
  // Keep the comment in the same block: same indentation, same blockquote markers.
  const prefix = /^(?:[ \t]*>)*[ \t]*/.exec(lineText)?.[0] ?? '';
  const eol = text.charCodeAt(lines.lineEnd(line)) === 13 ? '\r\n' : '\n';
  const at = lines.positionAt(lines.lineStart(line));
  return { range: { start: at, end: at }, newText: `${prefix}${directive}${eol}` };
}

export function codeActions(input: CodeActionInput): CodeAction[] {
  if (input.only && input.only.length && !input.only.some((k) => k === CodeActionKind.QuickFix || CodeActionKind.QuickFix.startsWith(`${k}.`) || k === '')) {
    return [];
  }
  const lines = new LineMap(input.text);
  const reportLines = input.text === input.reportText ? lines : new LineMap(input.reportText);
  const fixes: CodeAction[] = [];
  const ignores: CodeAction[] = [];
  const ignoredLines = new Set<number>();
  const workspace: CodeAction[] = [];
  const offered = new Set<string>();
  const turnOff = (code: string, d: Diagnostic) => {
    if (offered.has(`code:${code}`)) return;
    offered.add(`code:${code}`);
    workspace.push({
      title: turnOffTitle(code),
      kind: CodeActionKind.QuickFix,
      diagnostics: [d],
      command: { title: turnOffTitle(code), command: DISABLE_CODE_COMMAND, arguments: [input.uri, code] },
    });
  };
  for (const d of input.diagnostics) {
    if (d.source === 'calcnotes' && (d.code === CODE_SUSPICIOUS_NOTATION || d.code === CODE_UNKNOWN_DIRECTIVE || d.code === CODE_LATEX_SYNTAX)) {
      turnOff(String(d.code), d);
      continue;
    }
    if (d.code !== CODE_FALSE_CLAIM && d.code !== CODE_UNCHECKED && d.code !== CODE_SHAPE_MISMATCH) continue;
    const found = claimOfDiagnostic(input.report, reportLines, d);
    if (!found || !unchanged(input, found.claim)) continue;
    const c = found.claim;
    if (d.code === CODE_FALSE_CLAIM && c.verdict === 'false' && c.expected) {
      fixes.push({
        title: `Replace the right-hand side with ${c.expected}`,
        kind: CodeActionKind.QuickFix,
        isPreferred: true,
        diagnostics: [d],
        edit: { changes: { [input.uri]: [{ range: rangeOf(lines, c.rhsStart, c.rhsEnd), newText: c.expected }] } },
      });
    }
    if (!offered.has(`claim:${c.latex}`)) {
      offered.add(`claim:${c.latex}`);
      workspace.push({
        title: HIDE_TITLE,
        kind: CodeActionKind.QuickFix,
        diagnostics: [d],
        command: { title: HIDE_TITLE, command: HIDE_CLAIM_COMMAND, arguments: [input.uri, c.latex] },
      });
    }
    if (d.code === CODE_UNCHECKED) turnOff(c.reasonCode ?? CODE_UNCHECKED, d);
    else if (d.code === CODE_SHAPE_MISMATCH) turnOff(CODE_SHAPE_MISMATCH, d);
    const line = formulaLine(input.report, lines, c);
    if (ignoredLines.has(line)) continue;
    ignoredLines.add(line);
    ignores.push({
      title: IGNORE_TITLE,
      kind: CodeActionKind.QuickFix,
      diagnostics: [d],
      edit: { changes: { [input.uri]: [ignoreEdit(input.text, lines, line, input.disableNextLine)] } },
    });
  }
  return [...fixes, ...ignores, ...workspace];
}
