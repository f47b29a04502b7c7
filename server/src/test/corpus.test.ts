/**
 * The real course chapters in ../shared/corpus: dense, messy notation. The checker must read them without a
 * crash and without a false alarm: every claim it calls false there would have to be genuinely wrong, and none
 * of the chapters states a wrong derivative, so the expected number of false claims is zero.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { check, sharedDir } from './helpers';

const corpus = sharedDir('corpus');

test('corpus chapters: no crash, ranges inside the document, no false alarm', (t) => {
  if (!corpus) return t.skip('../shared/corpus not present');
  const files = fs.readdirSync(corpus).filter((f) => /\.(md|markdown|txt)$/.test(f)).sort();
  assert.ok(files.length > 0);
  const totals = { claims: 0, verified: 0, false: 0, unchecked: 0 };
  const falses: string[] = [];
  for (const file of files) {
    const text = fs.readFileSync(path.join(corpus, file), 'utf8');
    const report = check(text, { mode: file.endsWith('.txt') ? 'text' : 'markdown', budgetMs: 200 });
    for (const c of report.claims) {
      assert.ok(c.start >= 0 && c.start <= c.end && c.end <= text.length, `${file}: claim range ${c.start}-${c.end}`);
      totals.claims++;
      totals[c.verdict]++;
      if (c.verdict === 'false') falses.push(`${file}: ${c.latex} — ${c.reason}`);
    }
    for (const d of report.diagnostics) {
      assert.ok(d.start >= 0 && d.start <= d.end && d.end <= text.length, `${file}: diagnostic range`);
    }
  }
  console.log(`corpus: ${files.length} files, ${totals.claims} claims: ${totals.verified} verified, ${totals.false} false, ${totals.unchecked} unchecked`);
  assert.deepEqual(falses, []);
  // Coverage floor: the checker must verify a real share of what the chapters state.
  assert.ok(totals.verified >= 95, `only ${totals.verified} claims verified`);
});
