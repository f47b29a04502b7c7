/**
 * The defects an outside probe found (issue 14, "Defects found by probing the server and the CLI from outside"),
 * at the level of the engine and the LSP features; the command line's are in `cli/cli.test.ts`, the server's in
 * `test/lsp.test.ts`. Every input here is bounded: each test runs in well under a few seconds and allocates
 * little, and none asserts on time.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { CheckCache, checkDocument, type DocumentReport } from '../engine';
import { clearRenderCache, renderCacheLongestKey, renderSvg } from '../render/svg';

function claims(r: DocumentReport): string {
  return r.claims.map((c) => `${c.verdict}: ${c.latex.slice(0, 80)} — ${c.reason}`).join('\n');
}

// Item 1 and 9: large declared matrices are evaluated at small representative sizes; nothing allocates what a
// note declares, and a 100000×100000 declaration is not "nested too deeply".
test('issue 14 item 1: a large declared size is checked at a small representative size', () => {
  const note = (n: number, rhs: string) =>
    `# Big\n\nLet $A \\in \\mathbb{R}^{${n} \\times ${n}}$ and $\\mathbf{x} \\in \\mathbb{R}^{${n}}$.\n\nThen $\\nabla_{\\mathbf{x}} \\mathbf{x}^\\top A \\mathbf{x} = ${rhs}$.\n`;
  for (const n of [500, 100000, 1e12]) {
    const right = checkDocument(note(n, '(A + A^\\top) \\mathbf{x}'));
    assert.equal(right.claims.length, 1, claims(right));
    assert.equal(right.claims[0].verdict, 'verified', claims(right));
    assert.match(right.claims[0].reason, /representative/);
    const wrong = checkDocument(note(n, '2 A \\mathbf{x}'));
    assert.equal(wrong.claims[0].verdict, 'false', claims(wrong));
    assert.match(wrong.claims[0].reason, /holds only when A is symmetric/);
  }
  // Declared sizes that differ stay different: a transposed product is still a shape mismatch.
  const mismatch = checkDocument('Let $A \\in \\mathbb{R}^{3000 \\times 2000}$, $\\mathbf{x} \\in \\mathbb{R}^{3000}$.\n\n$\\nabla_{\\mathbf{x}} \\mathbf{x}^\\top A \\mathbf{x} = 2 A \\mathbf{x}$.\n');
  assert.notEqual(mismatch.claims[0].verdict, 'verified', claims(mismatch));
  // A claim about the size itself cannot be decided at a representative size.
  const size = checkDocument('Let $\\mathbf{x} \\in \\mathbb{R}^{3000}$.\n\n$\\nabla_{\\mathbf{x}} \\mathbf{1}^\\top \\mathbf{x} = 3000 \\mathbf{1}$.\n');
  for (const c of size.claims) assert.equal(c.verdict === 'false', false, claims(size));
});

test('issue 14 item 9: a RangeError that is not the stack is not "nested too deeply"', () => {
  const r = checkDocument('Let $A \\in \\mathbb{R}^{100000 \\times 100000}$.\n\n$\\frac{\\partial}{\\partial A} \\operatorname{tr}(A) = I$.\n');
  for (const c of r.claims) assert.doesNotMatch(c.reason, /nested too deeply/, claims(r));
});

// Item 2: cache keys carried the whole macro table (27 KB for 300 macros); V8 hashes strings over 16,383
// characters by their length alone, so every lookup became a linear scan. No key may be long.
test('issue 14 item 2: cache keys stay short under a long macro preamble', () => {
  const macros = Array.from({ length: 300 }, (_, i) => `\\newcommand{\\mac${String.fromCharCode(97 + (i % 26), 97 + ((i / 26) | 0))}}[1]{\\frac{d}{dx}\\left(#1\\right) + \\sin(#1) - ${i}}`);
  const preamble = macros.join('\n');
  assert.ok(preamble.length > 16384);
  const note = Array.from({ length: 20 }, (_, i) => `## S${i}\n\nThen $\\frac{d}{dx} x^{${i + 2}} = ${i + 2}x^{${i + 1}}$ and $\\maca{x}$ and $$\\frac{d}{dx}\\sin x = \\cos x$$\n`).join('\n');
  const cache = new CheckCache();
  const inNote = checkDocument(`# Top\n\n$$${macros.join('\n')}$$\n\n${note}`, {}, cache);
  const fromPreamble = checkDocument(note, { preamble, macros: Object.fromEntries(macros.slice(0, 50).map((m, i) => [`\\set${i}`, m])) }, cache);
  assert.ok(inNote.claims.filter((c) => c.verdict === 'verified').length >= 40, claims(inNote));
  assert.ok(fromPreamble.claims.filter((c) => c.verdict === 'verified').length >= 40, claims(fromPreamble));
  assert.ok(cache.longestKey() <= 1100, `a cache key of ${cache.longestKey()} characters`);
  // The hover's render cache: the prelude (the note's macros) is not in the key either.
  clearRenderCache();
  renderSvg('\\maca{x}', { prelude: preamble });
  assert.ok(renderCacheLongestKey() <= 200, `a render cache key of ${renderCacheLongestKey()} characters`);
});
