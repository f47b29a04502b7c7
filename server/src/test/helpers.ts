/** Shared helpers for the end-to-end engine tests. */
import * as fs from 'fs';
import * as path from 'path';
import { checkDocument, type ClaimReport, type DocumentReport, type EngineOptions } from '../engine';

/** The repository root (tests run from server/out/test). */
export const REPO = path.resolve(__dirname, '../../..');
/** `../shared` beside the repository, when present. */
export const SHARED = path.resolve(REPO, '../shared');

export function sharedDir(name: string): string | null {
  const p = path.join(SHARED, name);
  return fs.existsSync(p) ? p : null;
}

export function check(text: string, options: EngineOptions = {}): DocumentReport {
  return checkDocument(text, { budgetMs: 2000, ...options });
}

/** The claim whose LaTeX contains `needle` (exactly one expected). */
export function claimWith(report: DocumentReport, needle: string, text?: string): ClaimReport {
  const norm = (s: string) => s.replace(/\s+/g, '');
  const found = report.claims.filter((c) => norm(c.latex).includes(norm(needle)) || (text !== undefined && norm(text.slice(c.start, c.end)).includes(norm(needle))));
  if (found.length === 0) {
    throw new Error(`no claim contains ${needle}; claims: ${report.claims.map((c) => c.latex).join(' | ')}`);
  }
  return found[0];
}

export function verdictsOf(report: DocumentReport): string {
  return report.claims.map((c) => `${c.verdict}: ${c.latex.replace(/\s+/g, ' ')} — ${c.reason}`).join('\n');
}
