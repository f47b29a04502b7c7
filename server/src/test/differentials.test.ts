/**
 * Differentials (issue 12, item 1): outside a Leibniz fraction, `d` before a symbol or a bracket is a differential,
 * checked by moving every variable along a random direction (forward mode for matrices). Every note here is
 * written for these tests.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { check, claimWith } from './helpers';

const verdict = (text: string, needle: string) => claimWith(check(text), needle);

test('scalar differentials: d(E) is E\'s derivative times dx, and dy = (dy/dx) dx holds for any y', () => {
  const r = check([
    '$d(t^3) = 3t^2\\,dt$ and $d(t^3) = 3t\\,dt$.',
    '',
    '$$dq = \\frac{dq}{dt}\\,dt$$',
    '',
    '$$d(pq) = p\\,dq + q\\,dp$$',
    '',
    '$$d(pq) = p\\,dq$$',
  ].join('\n'));
  assert.equal(claimWith(r, 'd(t^3) = 3t^2').verdict, 'verified');
  const wrong = claimWith(r, 'd(t^3) = 3t\\,dt');
  assert.equal(wrong.verdict, 'false', wrong.reason);
  assert.match(wrong.reason, /dt = /);
  assert.equal(claimWith(r, 'dq = \\frac{dq}{dt}').verdict, 'verified');
  assert.equal(claimWith(r, 'p\\,dq + q\\,dp').verdict, 'verified');
  const missing = r.claims.find((c) => c.latex.trim() === 'd(pq) = p\\,dq');
  assert.equal(missing?.verdict, 'false', missing?.reason);
});

test('a differential through a definition, and what is held fixed', () => {
  const defined = verdict('Let $s = t^4$. Then $ds = 4t^3\\,dt$.', 'ds =');
  assert.equal(defined.verdict, 'verified', defined.reason);
  // A letter conventionally a constant does not move: d(a t^2) = 2at dt.
  assert.equal(verdict('$d(a t^2) = 2at\\,dt$', 'd(a t^2)').verdict, 'verified');
  assert.equal(verdict('$d(a t^2) = 2t\\,dt$', 'd(a t^2)').verdict, 'false');
  // An undefined quantity's differential relates it to t: not checked.
  assert.equal(verdict('$dw = 7\\,dt$', 'dw =').verdict, 'unchecked');
  // Not linear in the differentials, or ambiguous: not checked.
  assert.equal(verdict('$d(t^2)\\,dt = 2t\\,dt$', 'd(t^2)').verdict, 'unchecked');
  assert.equal(verdict('$dr^2 = 2r\\,dr$', 'dr^2').verdict, 'unchecked');
});

test('matrix differentials: product, inverse and trace rules verified, the classic slips false', () => {
  const note = (claim: string) => `Let $\\mathbf P, \\mathbf Q \\in \\mathbb R^{n\\times n}$.\n\n$$${claim}$$\n`;
  const ok = (claim: string) => assert.equal(verdict(note(claim), claim.slice(0, 12)).verdict, 'verified', claim);
  const bad = (claim: string) => assert.equal(verdict(note(claim), claim.slice(0, 12)).verdict, 'false', claim);
  ok('d(\\mathbf P\\mathbf Q) = (d\\mathbf P)\\mathbf Q + \\mathbf P\\,d\\mathbf Q');
  bad('d(\\mathbf P\\mathbf Q) = (d\\mathbf P)\\mathbf Q');
  ok('d(\\mathbf P^{-1}) = -\\mathbf P^{-1}(d\\mathbf P)\\mathbf P^{-1}');
  bad('d(\\mathbf P^{-1}) = \\mathbf P^{-1}(d\\mathbf P)\\mathbf P^{-1}');
  ok('d\\,\\mathrm{tr}(\\mathbf P^T\\mathbf P) = 2\\,\\mathrm{tr}(\\mathbf P^T d\\mathbf P)');
  bad('d\\,\\mathrm{tr}(\\mathbf P^T\\mathbf P) = \\mathrm{tr}(\\mathbf P^T d\\mathbf P)');
});

test('a scalar function of a matrix: the other matrices of its definition are constants', () => {
  const c = verdict('Let $\\phi = \\mathrm{tr}(\\mathbf B\\mathbf W)$. Then $d\\phi = \\mathrm{tr}(\\mathbf B\\,d\\mathbf W)$.', 'd\\phi');
  assert.equal(c.verdict, 'verified', c.reason);
});

test('in a derivation, the differentials the chain writes say what varies', () => {
  const text = [
    '$$',
    '\\begin{aligned}',
    'd\\|\\mathbf W\\mathbf u\\|^2 &= 2(\\mathbf W\\mathbf u)^T d(\\mathbf W\\mathbf u) \\\\',
    '&= 2(\\mathbf W\\mathbf u)^T (d\\mathbf W)\\mathbf u',
    '\\end{aligned}',
    '$$',
  ].join('\n');
  const step = verdict(text, '(d\\mathbf W)\\mathbf u');
  assert.notEqual(step.verdict, 'false', step.reason);
});

test('d given a value by the note is a quantity, not a differential', () => {
  const c = verdict('Let $d = 3$. Then $d(x + 1) = 3x + 4$.', 'd(x + 1)');
  assert.notEqual(c.verdict, 'false', c.reason);
  assert.doesNotMatch(c.reason, /dx/);
  const defined = verdict('Let $d = x^2$. Then $d(x + 1) = x^3 + x^2$.', 'd(x + 1)');
  assert.equal(defined.verdict, 'verified', defined.reason);
});

test('a function name written without its backslash is not read as a product of letters', () => {
  const c = verdict('$d(chu) = shu\\,du$', 'd(chu)');
  assert.notEqual(c.verdict, 'false', c.reason);
  assert.match(c.reason, /without its backslash/);
});

test('a differential on one side only: d may mean "the derivative of"', () => {
  const c = verdict('$d(t^2) = 2t$', 'd(t^2)');
  assert.equal(c.verdict, 'unchecked', c.reason);
  assert.match(c.reason, /one side is a differential/);
});
