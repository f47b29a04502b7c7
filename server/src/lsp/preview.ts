/**
 * `calcnotes/previewMarks`: what the Markdown preview marks — the lines on which a false claim starts, with its
 * messages — read from a report. The client's preview plugin (client/src/preview.ts) puts them on the blocks.
 */
import type { DocumentReport } from '../engine';
import { LineMap } from '../scan/lines';
import { CODE_FALSE_CLAIM, type PreviewMark } from './protocol';

export function previewMarks(report: DocumentReport, text: string): PreviewMark[] {
  const lines = new LineMap(text);
  const byLine = new Map<number, string[]>();
  for (const d of report.diagnostics) {
    if (d.code !== CODE_FALSE_CLAIM) continue;
    const line = lines.lineAt(d.start);
    const list = byLine.get(line) ?? [];
    if (!list.includes(d.message)) list.push(d.message);
    byLine.set(line, list);
  }
  return [...byLine].sort((a, b) => a[0] - b[0]).map(([line, messages]) => ({ line, messages }));
}
