/**
 * Approximations checked as Taylor polynomials: concrete functions and the general formulas over an abstract f,
 * the verdicts, the messages and expected polynomials of false claims, the plot specs, and the approximations that
 * must stay "not checked" (numbers, finite differences, several variables, asymptotics, products of approximations).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scanMath } from '../scan/scan';
import { parseLatex } from '../parse/parser';
import { interpret, type Claim } from '../interpret/claims';
import { checkClaim, type CheckedClaim } from './check';
import { evaluate } from './evaluate';
import { freeVars } from './expr';
import { polyDegree, simplify } from './taylor';
import { add, mul, num, pow, v } from './expr';
import { toLatex } from './latex';

function claimsOf(text: string): Claim[] {
  const { fragments, headings } = scanMath(text, { mode: 'markdown' });
  return interpret(fragments, fragments.map((f) => parseLatex(f.latex)), { text, mode: 'markdown', headings });
}

/** The verdict of the (last) approximation in a note. */
function approx(text: string): CheckedClaim {
  const claims = claimsOf(text).filter((c) => c.op === '\\approx');
  assert.ok(claims.length > 0, `no approximation in ${text}`);
  return checkClaim(claims[claims.length - 1], { budgetMs: 2000 });
}

function expectVerdict(text: string, verdict: CheckedClaim['verdict'], reason?: RegExp): CheckedClaim {
  const r = approx(text);
  assert.equal(r.verdict, verdict, `${text}: ${r.reason}`);
  assert.equal(r.kind, 'approximation');
  if (reason) assert.match(r.reason, reason, text);
  return r;
}

test('Taylor polynomials of concrete functions at 0 are verified', () => {
  for (const text of [
    String.raw`$e^x \approx 1 + x + \frac{x^2}{2}$`,
    String.raw`$\ln(1+x) \approx x - \frac{x^2}{2}$`,
    String.raw`$\cos x \approx 1 - \frac{x^2}{2}$`,
    String.raw`$\sqrt{1+x} \approx 1 + \frac{x}{2}$`,
    String.raw`$\frac{1}{1-x} \approx 1 + x + x^2$`,
    String.raw`$\tan x \approx x + \frac{x^3}{3}$`,
    String.raw`$\sin x \approx x - \frac{x^3}{3!}$`,
    String.raw`$\sigma(z) \approx \frac{1}{2} + \frac{z}{4}$`,
    String.raw`$(1+x)^n \approx 1 + nx$`,
    String.raw`$1 + x \approx e^x$`,
    String.raw`$e^x \approx \sum_{k=0}^{n} \frac{x^k}{k!}$`,
  ]) {
    expectVerdict(text, 'verified', /^verified/);
  }
  const e = expectVerdict(String.raw`$e^x \approx 1 + x + \frac{x^2}{2}$`, 'verified');
  assert.equal(e.reason, 'verified: the Taylor polynomial of degree 2 of eˣ at x = 0 (coefficients compared)');
});

test('sin x ≈ x: the degree is read from the polynomial, and the reason says the next coefficient is 0 too', () => {
  const r = expectVerdict(String.raw`For small $x$, $\sin x \approx x$.`, 'verified');
  assert.match(r.reason, /of degree 1 of sin x at x = 0/);
  assert.match(r.reason, /the degree is that of the polynomial; the x² coefficient of sin x is 0 too/);
});

test('Taylor polynomials around other points: shifts, a stated point, a tangent line written in x', () => {
  expectVerdict(String.raw`$\ln x \approx (x - 1) - \frac{(x-1)^2}{2}$`, 'verified', /at x = 1 /);
  expectVerdict(String.raw`$e^x \approx e + e(x - 1) + \frac{e}{2}(x-1)^2$`, 'verified', /at x = 1 /);
  expectVerdict(String.raw`Near $x = 1$, $x^3 \approx 1 + 3(x - 1)$.`, 'verified', /at x = 1 /);
  expectVerdict(String.raw`$\ln x \approx x - 1$`, 'verified', /at x = 1 /);
  expectVerdict(String.raw`$x^3 \approx 3x - 2$`, 'verified', /at x = 1 /);
  expectVerdict(String.raw`$e^x \approx e^a + e^a (x - a) + \frac{e^a}{2}(x-a)^2$`, 'verified', /at x = a .*random choices of a/);
  expectVerdict(String.raw`For $a > 0$, $\sqrt{a^2 + x} \approx a + \frac{x}{2a}$.`, 'verified');
});

test('e^x ≈ 1 + x + x² is false: the x² coefficient is 1/2, with the right polynomial as expected', () => {
  const r = expectVerdict(String.raw`$e^x \approx 1 + x + x^2$`, 'false');
  assert.equal(r.reason, 'The x² coefficient of the Taylor polynomial of eˣ at 0 is 1/2, not 1. Expected 1 + x + x²/2.');
  assert.equal(r.expected, '1 + x + \\frac{x^2}{2}');
});

test('sin x ≈ x − x³/3 is false with the right coefficient −1/6', () => {
  const r = expectVerdict(String.raw`$\sin x \approx x - \frac{x^3}{3}$`, 'false');
  assert.match(r.reason, /^The x³ coefficient of the Taylor polynomial of sin x at 0 is −1\/6, not −1\/3\./);
  assert.equal(r.expected, 'x - \\frac{x^3}{6}');
});

test('other wrong coefficients: a wrong slope, a wrong coefficient around 1, with a parameter', () => {
  assert.equal(expectVerdict(String.raw`$e^x \approx 1 + 2x$`, 'false').expected, '1 + x');
  assert.equal(expectVerdict(String.raw`$\cos x \approx 1 + x - \frac{x^2}{2}$`, 'false').expected, '1 - \\frac{x^2}{2}');
  // e is written as a plain operand in the same claim, and e(x - 1) holds an expression: a product, for sure.
  const e1 = expectVerdict(String.raw`$e^x \approx e + e(x - 1) + e(x-1)^2$`, 'false');
  assert.match(e1.reason, /\(x − 1\)² coefficient/);
  const p = expectVerdict(String.raw`$e^{ax} \approx 1 + ax + ax^2$`, 'false');
  assert.match(p.reason, /^The x² coefficient of the Taylor polynomial of .* at 0 is a²\/2, not a\./);
  assert.equal(p.expected, '1 + ax + \\frac{a^2x^2}{2}');
});

test('the general Taylor formulas over an abstract f are verified (primes, d/dx with evaluation bars, sums over n)', () => {
  for (const text of [
    String.raw`$f(x) \approx f(x_0) + f'(x_0)(x - x_0) + \frac{1}{2}f''(x_0)(x-x_0)^2$`,
    String.raw`$f(x) \approx f(x_0) + \frac{df}{dx}\bigg|_{x_0}(x - x_0)$`,
    String.raw`$f(x) \approx f(x_0) + \frac{df}{dx}\bigg|_{x=x_0}(x - x_0)$`,
    String.raw`$f(x) \approx f(x_0) + \left.\frac{df}{dx}\right|_{x_0}(x - x_0)$`,
    String.raw`$f(x) \approx \frac{1}{2}\frac{d^2 f}{dx^2}\bigg|_{x_0}(x-x_0)^2 + \frac{df}{dx}\bigg|_{x_0}(x-x_0) + f(x_0)$`,
    String.raw`$f(x) \approx \frac{\frac{d^3f}{dx^3}(x_0)}{6}(x-x_0)^3 + \frac{\frac{d^2f}{dx^2}(x_0)}{2}(x-x_0)^{2}+ \frac{df}{dx}(x_0)(x-x_0) + f(x_0)$`,
    String.raw`$f(x+h) \approx f(x) + h f'(x) + \frac{h^2}{2} f''(x)$`,
    String.raw`$f(a) + f'(a)(x - a) \approx f(x)$`,
  ]) {
    expectVerdict(text, 'verified', /^verified: the Taylor polynomial of degree \d of f\(x(\+h)?\) at (x|h) = (x_0|0|a) \(coefficients compared under 3 random choices of f/);
  }
  for (const text of [
    String.raw`$f(x) \approx \sum_{i=0}^{n} \frac{1}{i!} f^{(i)}(x_0)(x-x_0)^i$`,
    String.raw`$f(x) \approx \sum_{i=0}^{n} \frac{1}{i!} \frac{d^{(i)}f}{dx^{i}}\Big|_{x_0}(x-x_0)^{i}$`,
  ]) {
    expectVerdict(text, 'verified', /^verified for n = 0, 1, 2, 3, 4: the Taylor polynomial of f\(x\) at x = x_0/);
  }
  // The bar written after the whole product is read as belonging to the derivative: verified, never false.
  expectVerdict(String.raw`$f(x) \approx f(x_0) + (x - x_0) \frac{df}{dx}\Big|_{x_0}$`, 'verified');
  expectVerdict(String.raw`$f(x) \approx f(x_0) + 2(x - x_0) \frac{df}{dx}\Big|_{x_0}$`, 'unchecked', /evaluation bar/);
});

test('a wrong general formula is false: the missing 1/2 is named, with the expected polynomial', () => {
  const r = expectVerdict(String.raw`$f(x) \approx f(x_0) + f'(x_0)(x - x_0) + f''(x_0)(x-x_0)^2$`, 'false');
  assert.match(r.reason, /^The \(x − x_0\)² coefficient of the Taylor polynomial of f\(x\) at x_0 is f''\(x_0\)\/2, not f''\(x_0\)\. Expected /);
  assert.equal(r.expected, "f(x_0) + f'(x_0)\\left(x - x_0\\right) + \\frac{f''(x_0)\\left(x - x_0\\right)^2}{2}");
  const minus = expectVerdict(String.raw`$f(x - h) \approx f(x) + h f'(x)$`, 'false');
  assert.equal(minus.reason, "The h coefficient of the Taylor polynomial of f(x − h) at 0 is −f'(x), not f'(x). Expected f(x) − hf'(x).");
  const h = expectVerdict(String.raw`$f(x + h) \approx f(x) + h f'(x) + h^2 f''(x)$`, 'false');
  assert.match(h.reason, /^The h² coefficient of the Taylor polynomial of f\(x \+ h\) at 0 is f''\(x\)\/2, not f''\(x\)\./);
  // In a sum over n, the first n for which it fails is named, and there is no quick fix.
  const s = expectVerdict(String.raw`$f(x) \approx \sum_{i=0}^{n} f^{(i)}(x_0)(x-x_0)^i$`, 'false', /^For n = 2: the \(x − x_0\)² coefficient/);
  assert.equal(s.expected, undefined);
});

test('a chain mixing = and ≈: the ≈ link is checked only when its left side is a function', () => {
  const claims = claimsOf(String.raw`$e^x = 1 + x + \frac{x^2}{2} + \cdots \approx 1 + x$`);
  const r = checkClaim(claims[1], { budgetMs: 2000 });
  assert.equal(r.verdict, 'unchecked');
  assert.match(r.reason, /left side is written with “…”/);
  const ok = claimsOf(String.raw`$\frac{d}{dx}e^x = e^x \approx 1 + x$`);
  assert.equal(checkClaim(ok[1], { budgetMs: 2000 }).verdict, 'verified');
});

test('traps stay not checked: numbers, finite differences, several variables, asymptotics, differentials', () => {
  const cases: [string, RegExp][] = [
    [String.raw`$\pi \approx 3.14$`, /numerical approximation/],
    [String.raw`$\sin(0.1) \approx 0.1$`, /numerical approximation/],
    [String.raw`$\sqrt{4.1} \approx 2 + \frac{0.1}{4}$`, /numerical approximation/],
    [String.raw`$f'(x) \approx \frac{f(x+h) - f(x)}{h}$`, /not a Taylor polynomial/],
    [String.raw`$f''(x) \approx \frac{f(x+h) - 2f(x) + f(x-h)}{h^2}$`, /not a Taylor polynomial/],
    [String.raw`$\frac{f(x+h) - f(x-h)}{2h} \approx f'(x)$`, /not a Taylor polynomial/],
    [String.raw`$e^{x+y} \approx 1 + x + y$`, /several variables/],
    [String.raw`$f(x + h, y + k) \approx f(x, y) + h f_x(x, y) + k f_y(x, y)$`, /./],
    [String.raw`$f(x, y) \approx e^{-1}\left(-1 - (x+1) +(x+1)^2+y^2\right)$`, /several variables/],
    [String.raw`For large $x$, $x^2 + x \approx x^2$.`, /./],
    [String.raw`$x^2 + x \approx x^2$`, /no x term of its own/],
    [String.raw`$x^3 + 5x^2 \approx x^3$`, /./],
    [String.raw`$\sqrt{x^2 + 1} \approx x$`, /differ at x = 0 itself/],
    [String.raw`$\log(1 + e^x) \approx x$`, /differ at x = 0 itself/],
    [String.raw`$e^{-x} \approx 0$`, /not a Taylor polynomial/],
    [String.raw`$\Delta f \approx f'(x) \Delta x$`, /./],
    [String.raw`$\Delta y \approx \frac{dy}{dx}\Delta x$`, /./],
    [String.raw`$dy \approx f'(x)\, dx$`, /./],
    [String.raw`$x^2 \approx 2x$`, /polynomials in x/],
    [String.raw`$|x| \approx x$`, /not smooth/],
    [String.raw`$g(x) \approx 1 + x$`, /g appears only/],
    [String.raw`$F(x+\epsilon) - F(x) \approx \epsilon f(x)$`, /appears only/],
    [String.raw`$0 \approx f(x_0) + f'(x_0)(x - x_0)$`, /not a Taylor polynomial/],
    [String.raw`$x_{n+1} \approx x_n - \frac{f(x_n)}{f'(x_n)}$`, /not a Taylor polynomial/],
    [String.raw`$y \approx mx + b$`, /not a Taylor polynomial/],
    [String.raw`$e^x \approx \sum_{k=0}^{\infty} \frac{x^k}{k!}$`, /infinite series/],
    [String.raw`$n! \approx \sqrt{2\pi n}\left(\frac{n}{e}\right)^n$`, /./],
    [String.raw`$\sqrt{a^2 + x} \approx a + \frac{x}{2a}$`, /differ at x = 0 itself/],
    [String.raw`$L(\mathbf{w} + \boldsymbol{\epsilon}) \approx L(\mathbf{w}) + \boldsymbol{\epsilon}\cdot \nabla_{\mathbf{w}} L(\mathbf{w})$`, /vector/],
    [String.raw`$g(x+\epsilon)\cdot h(x+\epsilon) \approx \left(g(x) + \epsilon \frac{dg}{dx}(x)\right)\cdot\left(h(x) + \epsilon \frac{dh}{dx}(x)\right)$`, /not written term by term/],
  ];
  for (const [text, reason] of cases) expectVerdict(text, 'unchecked', reason);
});

test('rounded decimals: verified when written with decimals, never false for a near miss', () => {
  expectVerdict(String.raw`$\sin x \approx x - 0.1667 x^3$`, 'verified', /decimals/);
  expectVerdict(String.raw`$\sin x \approx x - 0.17 x^3$`, 'verified', /decimals/);
  expectVerdict(String.raw`$\sin x \approx x - \frac{100 x^3}{601}$`, 'unchecked', /only to about two digits/);
  expectVerdict(String.raw`$\sin x \approx x - 0.5 x^3$`, 'false', /is −1\/6, not −1\/2/);
});

test('a verified Taylor claim carries a plot spec: E and the polynomial, concrete, centred on x₀', () => {
  const r = expectVerdict(String.raw`$e^x \approx 1 + x + \frac{x^2}{2}$`, 'verified');
  assert.ok(r.plot);
  assert.equal(r.plot!.kind, 'taylor');
  assert.equal(r.plot!.variable, 'x');
  assert.equal(r.plot!.x0, 0);
  assert.deepEqual(r.plot!.curves.map((c) => c.label), ['eˣ', 'Taylor polynomial']);
  const at = (i: number, x: number) => evaluate(r.plot!.curves[i].expr, new Map([['x', x]]), new Map()).v;
  assert.ok(Math.abs(at(0, 0.5) - Math.exp(0.5)) < 1e-12);
  assert.ok(Math.abs(at(1, 0.5) - 1.625) < 1e-12);
  // Around 1: centred there.
  assert.equal(expectVerdict(String.raw`$\ln x \approx (x - 1) - \frac{(x-1)^2}{2}$`, 'verified').plot!.x0, 1);
});

test('abstract f: the plot uses an instantiated test function and a numeric x₀, nothing left symbolic', () => {
  const r = expectVerdict(String.raw`$f(x) \approx f(x_0) + f'(x_0)(x - x_0)$`, 'verified');
  const plot = r.plot!;
  assert.equal(plot.kind, 'taylor');
  assert.ok(Number.isFinite(plot.x0));
  assert.match(plot.curves[0].label, /^f\(x\), f = /);
  for (const c of plot.curves) {
    assert.deepEqual([...freeVars(c.expr)], ['x']);
    assert.ok(Number.isFinite(evaluate(c.expr, new Map([['x', plot.x0 + 0.1]]), new Map()).v));
  }
  // The polynomial touches the function at x₀.
  const val = (i: number) => evaluate(plot.curves[i].expr, new Map([['x', plot.x0]]), new Map()).v;
  assert.ok(Math.abs(val(0) - val(1)) < 1e-9);
});

test('a false Taylor claim plots the function, the stated polynomial and the right one', () => {
  const r = expectVerdict(String.raw`$e^x \approx 1 + x + x^2$`, 'false');
  assert.deepEqual(r.plot!.curves.map((c) => c.label), ['eˣ', 'stated', 'Taylor polynomial']);
  const right = r.plot!.curves[2].expr;
  assert.ok(Math.abs(evaluate(right, new Map([['x', 1]]), new Map()).v - 2.5) < 1e-12);
});

test('polyDegree and simplify', () => {
  const x = v('x');
  assert.equal(polyDegree(add(num(1), x, pow(x, num(3))), 'x'), 3);
  assert.equal(polyDegree(mul(v('a'), pow(add(x, num(-1)), num(2))), 'x'), 2);
  assert.equal(polyDegree(pow(x, num(-1)), 'x'), null);
  assert.equal(polyDegree(pow(x, num(0.5)), 'x'), null);
  assert.equal(polyDegree(v('y'), 'x'), 0);
  assert.equal(toLatex(simplify(add(v('a'), mul(num(-1), v('a')), mul(v('b'), v('b'))))), 'b^2');
});

test('the prose: "when x is small" states a range (still checked), a question is never false', () => {
  expectVerdict(String.raw`When $x$ is small, $e^x \approx 1 + x + x^2$.`, 'false', /x² coefficient/);
  expectVerdict(String.raw`Is $\sin x \approx x - x^3$?`, 'unchecked', /question/);
  expectVerdict(String.raw`For large $x$, $x^2 + x \approx x^2$.`, 'unchecked', /large values/);
});

test('property: for a wrong polynomial with the right value at x₀, the expected polynomial is itself verified', () => {
  // Functions written with X for the variable, so that the right constant term can be written at the point.
  const fns = ['e^{X}', '\\sin(X)', '\\cos(X)', '\\ln(2+X)', '\\frac{1}{1+(X)^2}', '(X) e^{X}', '2^{X}', '\\sigma(X)'];
  const points: [string, string][] = [['x', '0'], ['(x - 1)', '1'], ['(x + 2)', '-2']];
  let roundTrips = 0;
  for (const F of fns) {
    for (const [base, a] of points) {
      for (const degree of [2, 3]) {
        const terms = [F.split('X').join(a)];
        for (let k = 1; k <= degree; k++) terms.push(k === 1 ? `7${base}` : `7${base}^${k}`);
        const e = F.split('X').join('x');
        const wrong = approx(`$${e} \\approx ${terms.join(' + ')}$`);
        assert.notEqual(wrong.verdict, 'verified', `${e} ≈ ${terms.join(' + ')}`);
        if (wrong.verdict !== 'false') continue;
        const right = approx(`$${e} \\approx ${wrong.expected}$`);
        assert.equal(right.verdict, 'verified', `${e} ≈ ${wrong.expected}: ${right.reason}`);
        roundTrips++;
      }
    }
  }
  assert.ok(roundTrips >= 40, `only ${roundTrips} round trips`);
});

test('a number is a polynomial of degree 0: cos x ≈ 1 is verified, e^{-x} ≈ 0 (for large x) is not', () => {
  expectVerdict(String.raw`$\cos x \approx 1$`, 'verified', /of degree 0 of cos x at x = 0/);
  expectVerdict(String.raw`$e^{-x} \approx 0$`, 'unchecked', /differ at x = 0 itself/);
  expectVerdict(String.raw`$\tanh x \approx 1$`, 'unchecked', /differ at x = 0 itself/);
});
