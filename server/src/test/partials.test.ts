/**
 * Partial derivatives written as subscripts (issue 12, item 4): `f_x`, `f_{xy}`, `u_{tt}`, `f_x(a, b)` once the note
 * defines the function in those variables. Every note here is written for these tests.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { check, claimWith } from './helpers';

test('f_x, f_{xy} and f_x at a point, after f(x, y) is defined; wrong ones false', () => {
  const r = check([
    'Take $g(s, t) = s^2 t^3 - \\cos s$.',
    '',
    'Then $g_s = 2st^3 + \\sin s$, $g_{st} = 6st^2$, $g_{tt} = 6s^2 t$ and $g_s(0, 1) = 0$.',
    '',
    'A slip: $g_t = 3s^2 t^2 + \\sin s$.',
  ].join('\n'));
  assert.equal(claimWith(r, 'g_s = 2st^3').verdict, 'verified');
  assert.equal(claimWith(r, 'g_{st} = 6st^2').verdict, 'verified');
  assert.equal(claimWith(r, 'g_{tt} = 6s^2').verdict, 'verified');
  assert.equal(claimWith(r, 'g_s(0, 1) = 0').verdict, 'verified');
  const slip = claimWith(r, 'g_t = 3s^2');
  assert.equal(slip.verdict, 'false', slip.reason);
  // The subscripted names are claims, not definitions of new names.
  assert.notEqual(claimWith(r, 'g_s = 2st^3').kind, 'definition');
});

test('a quantity written in its variables: u_t, u_{xx} for u = …', () => {
  const r = check('For $w = e^{-9t}\\cos 3x$ we get $w_t = w_{xx}$ and $w_x = -3e^{-9t}\\sin 3x$.');
  assert.equal(claimWith(r, 'w_t = w_{xx}').verdict, 'verified');
  assert.equal(claimWith(r, 'w_x = -3e').verdict, 'verified');
});

test('a subscript that is not a variable of the function is part of a name', () => {
  const r = check('Let $h(x) = x^2$. The first guess is $h_0 = 5$, and $q_x = 2x$ names something else.');
  assert.equal(claimWith(r, 'h_0 = 5').verdict, 'unchecked');
  assert.equal(claimWith(r, 'q_x = 2x').verdict, 'unchecked');
});

test('f_x of a function the note does not define is ∂f/∂x; y_t and u_x stay names', () => {
  const r = check('$$\\frac{\\partial g}{\\partial s} = g_s, \\quad \\frac{\\partial^2 g}{\\partial s\\, \\partial t} = g_{st}, \\quad \\frac{\\partial g}{\\partial s} = 2g_s$$');
  assert.equal(r.claims[0].verdict, 'verified', r.claims[0].reason);
  assert.equal(claimWith(r, 'g_{st}').verdict, 'verified');
  assert.notEqual(claimWith(r, '2g_s').verdict, 'verified');
  const names = check('A series: $y_t = 0.5\\,y_{t-1}$.');
  assert.equal(names.claims[0].verdict, 'unchecked');
});
