import { test } from 'node:test';
import assert from 'node:assert/strict';
import { add, app, fn, mul, num, pow, sub, v, div } from './expr';
import { diff } from './diff';
import { compare } from './compare';
import { toLatex, formatNumber } from './latex';
import { evaluate } from './evaluate';
import { differsInHighPrecision } from './bignum';

const x = v('x');
const far = () => Date.now() + 5000;

test('diff: product and chain rules on concrete expressions', () => {
  // d/dx x^2 sin x = 2x sin x + x^2 cos x
  const d = diff(mul(pow(x, num(2)), fn('sin', x)), 'x');
  const expected = add(mul(num(2), x, fn('sin', x)), mul(pow(x, num(2)), fn('cos', x)));
  assert.equal(compare(d, expected, { seed: 't1', deadline: far() }).kind, 'equal');
  // d/dx sin(x^2) = 2x cos(x^2)
  const d2 = diff(fn('sin', pow(x, num(2))), 'x');
  assert.equal(toLatex(d2), '2x\\cos(x^2)');
});

test('diff: abstract functions keep their derivative index', () => {
  const d = diff(app('f', [app('g', [x])]), 'x');
  // f'(g(x)) g'(x)
  assert.equal(toLatex(d), "f'(g(x))g'(x)");
  assert.equal(toLatex(d, { bareVariable: 'x' }), "f'(g)g'");
});

test('compare: the quotient rule with a plus sign is false, with a minus sign equal', () => {
  const f = app('f', [x]);
  const g = app('g', [x]);
  const lhs = diff(div(f, g), 'x');
  const fp = app('f', [x], [1]);
  const gp = app('g', [x], [1]);
  const wrong = div(add(mul(fp, g), mul(f, gp)), pow(g, num(2)));
  const right = div(sub(mul(fp, g), mul(f, gp)), pow(g, num(2)));
  const bad = compare(lhs, wrong, { seed: 'q', deadline: far() });
  assert.equal(bad.kind, 'differ');
  if (bad.kind === 'differ') {
    assert.equal(bad.at.functions.length, 2);
    assert.notEqual(bad.at.left, bad.at.right);
  }
  assert.equal(compare(lhs, right, { seed: 'q', deadline: far() }).kind, 'equal');
});

test('compare: |x| derivative is caught at a negative point', () => {
  const d = diff(fn('abs', x), 'x');
  const res = compare(d, num(1), { seed: 'abs', deadline: far() });
  assert.equal(res.kind, 'differ');
  if (res.kind === 'differ') assert.ok(res.at.point[0][1] < 0);
});

test('compare: cosh^2 5x - sinh^2 5x = 1 is not faked false by round-off', () => {
  const five = mul(num(5), x);
  const e = sub(pow(fn('cosh', five), num(2)), pow(fn('sinh', five), num(2)));
  assert.equal(compare(e, num(1), { seed: 'cosh', deadline: far() }).kind, 'equal');
});

test('compare: points outside the domain are skipped, not counted against the claim', () => {
  // d/dx ln x = 1/x: ln is undefined for x < 0, those points are resampled.
  const res = compare(diff(fn('ln', x), 'x'), pow(x, num(-1)), { seed: 'ln', deadline: far() });
  assert.equal(res.kind, 'equal');
});

test('compare: a tiny budget gives up instead of hanging', () => {
  const res = compare(fn('sin', x), fn('sin', x), { seed: 'b', deadline: Date.now() - 1 });
  assert.equal(res.kind, 'undecided');
});

test('high precision re-check tells round-off from a real difference', () => {
  const env = new Map([['x', 3]]);
  const five = mul(num(5), x);
  const e = sub(pow(fn('cosh', five), num(2)), pow(fn('sinh', five), num(2)));
  const dbl = evaluate(e, env, new Map());
  assert.ok(Math.abs(dbl.v - 1) > 1e-6 || dbl.m > 1e10, 'double precision alone is unreliable here');
  assert.equal(differsInHighPrecision(e, num(1), env, dbl.m), false);
  assert.equal(differsInHighPrecision(fn('sin', x), fn('cos', x), env, 1), true);
});

test('latex printer is readable', () => {
  assert.equal(toLatex(mul(num(2), x, fn('cos', pow(x, num(2))))), '2x\\cos(x^2)');
  assert.equal(toLatex(div(num(1), x)), '\\frac{1}{x}');
  assert.equal(toLatex(fn('exp', mul(num(2), x))), 'e^{2x}');
  assert.equal(toLatex(sub(pow(x, num(2)), num(1))), 'x^2 - 1');
  assert.equal(toLatex(mul(num(0.5), x)), '\\frac{x}{2}');
  assert.equal(formatNumber(-0.123456), '−0.1235');
});

test('messages show LaTeX as plain text', async () => {
  const { plainText } = await import('./plain');
  assert.equal(plainText("\\frac{f'g - fg'}{g^2}"), "(f'g − fg')/g²");
  assert.equal(plainText('\\frac{d}{dx}\\sin(x^2)'), 'd/dx sin(x²)');
  assert.equal(plainText('6x^5 \\cdot 1/{2x}'), '6x⁵ · 1/(2x)');
  assert.equal(plainText('e^{-x/2} + x'), 'e^(−x/2) + x');
  assert.equal(plainText('\\sqrt{x^2 + 1}'), '√(x² + 1)');
});

test('the mathjs instance cannot parse or evaluate text: note text can run no code', async () => {
  const { restrictedMath } = await import('./mathjs');
  const math = restrictedMath('number');
  for (const name of ['evaluate', 'parse', 'compile', 'import', 'createUnit', 'simplify', 'resolve']) {
    assert.throws(() => (math as unknown as Record<string, (s: string) => unknown>)[name]('1+1'), /disabled in calcnotes/, name);
  }
});

test('high precision: agrees where double precision cancels, and keeps real differences', async () => {
  const { evaluateBig, differsInHighPrecision } = await import('./bignum');
  const at = new Map([['x', 5]]);
  // cosh²(5x) − sinh²(5x) = 1: in doubles the difference is round-off of size 1e-16 · cosh²(25) ≈ 1e5.
  const l = sub(pow(fn('cosh', mul(num(5), x)), num(2)), pow(fn('sinh', mul(num(5), x)), num(2)));
  assert.equal(differsInHighPrecision(l, num(1), at, 1), false);
  assert.equal(differsInHighPrecision(l, num(1.000001), at, 1), true);
  assert.equal(evaluateBig(fn('ln', x), new Map([['x', -1]])), null);
  assert.equal(evaluateBig(pow(x, num(0.5)), new Map([['x', -4]])), null);
  assert.equal(evaluateBig(fn('erf', x), at), null);
  assert.equal(evaluateBig(fn('sigmoid', x), new Map([['x', 0]]))!.toString(), '0.5');
  assert.equal(evaluateBig(fn('tanh', x), new Map([['x', 1e6]]))!.toString(), '1');
  // A tower whose value leaves every exponent range is "not a real number", quickly.
  assert.equal(evaluateBig(pow(num(10), pow(num(10), num(10))), at), null);
});

test('a note cannot reach mathjs: its text only ever becomes our own IR', () => {
  // The known expression-parser escape strings are just symbols and unknown commands to our parser.
  const { checkDocument } = require('../engine') as typeof import('../engine');
  for (const s of ['$cos.constructor("return process")()$', '$[].map.constructor("return 1")()$', '$\\frac{d}{dx} import({}) = 0$']) {
    const r = checkDocument(s);
    for (const c of r.claims) assert.notEqual(c.verdict, 'false');
  }
});

test('the numerical high-precision derivative confirms ours and catches a wrong one, without mathjs', async () => {
  const { derivativeAgrees } = await import('./crosscheck');
  const { numericDerivativeBig } = await import('./bignum');
  const e = mul(pow(x, num(2)), fn('sin', x));
  const point = new Map([['x', 0.7]]);
  const exact = 2 * 0.7 * Math.sin(0.7) + 0.49 * Math.cos(0.7);
  assert.ok(Math.abs(numericDerivativeBig(e, 'x', point)!.toNumber() - exact) < 1e-15);
  assert.equal(derivativeAgrees(e, 'x', diff(e, 'x'), point), true);
  assert.equal(derivativeAgrees(e, 'x', fn('cos', x), point), false);
  // ReLU has a derivative away from 0: mathjs does not know it, the numerical derivative does.
  assert.equal(derivativeAgrees(fn('relu', x), 'x', num(1), point), true);
  assert.equal(derivativeAgrees(fn('relu', x), 'x', num(0), point), false);
  // Not real around the point: silent.
  assert.equal(numericDerivativeBig(fn('ln', x), 'x', new Map([['x', -1]])), null);
});

test('mathjs derivative cross-check agrees with ours, and catches a wrong one', async () => {
  const { agreesWithMathjs } = await import('./crosscheck');
  const e = mul(pow(x, num(2)), fn('sin', x));
  const point = new Map([['x', 0.7]]);
  assert.equal(agreesWithMathjs(e, 'x', diff(e, 'x'), point), true);
  assert.equal(agreesWithMathjs(e, 'x', fn('cos', x), point), false);
  // Functions mathjs does not know: silent, never a disagreement.
  assert.equal(agreesWithMathjs(fn('relu', x), 'x', num(1), point), null);
  assert.equal(agreesWithMathjs(fn('sigmoid', x), 'x', diff(fn('sigmoid', x), 'x'), point), true);
});

test('symbol names print back as LaTeX', async () => {
  const { symbolLatex } = await import('./latex');
  assert.equal(symbolLatex('x_ij'), 'x_{ij}');
  assert.equal(symbolLatex('bold:theta'), '\\mathbf{\\theta}');
  assert.equal(symbolLatex('hat:bold:y'), '\\hat{\\mathbf{y}}');
  assert.equal(symbolLatex('bold:W^(2)'), '\\mathbf{W}^{(2)}');
  assert.equal(symbolLatex('cal:L'), '\\mathcal{L}');
});
