/**
 * Which claims get a hover plot (PlotSpec) from the checker, and what it holds: a false claim's two sides around its
 * counterexample, a verified derivative with its function. Only expressions are stored; they must survive the
 * structured clone that carries reports out of the checker's worker thread.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkDocument, type ClaimReport } from '../engine';
import { abstractFns, freeVars, type Expr } from './expr';
import { evaluate } from './evaluate';
import { MAX_PLOT_SIZE } from './plotFor';
import { samplePlot } from './plotSample';
import { packPlot, unpackPlot, type PlotSpec } from './plotSpec';

/** A claim with its plot unpacked (reports carry plots packed into strings). */
type Claimed = Omit<ClaimReport, 'plot'> & { plot?: PlotSpec };

function claims(text: string): Claimed[] {
  return checkDocument(text, { budgetMs: 2000 }).claims.map((c) => ({ ...c, plot: c.plot && unpackPlot(c.plot) }));
}

function only(text: string): Claimed {
  const cs = claims(text);
  assert.equal(cs.length, 1, `${text}: ${cs.map((c) => c.latex).join(' | ')}`);
  return cs[0];
}

function at(e: Expr, x: string, value: number): number {
  return evaluate(e, new Map([[x, value]]), new Map()).v;
}

test('plot specs: a false derivative — "stated" is the right side, "actual" the left, centred on the counterexample', () => {
  const c = only('$\\frac{d}{dx} x^3 = 2x^2$');
  assert.equal(c.verdict, 'false');
  const p = c.plot;
  assert.ok(p, 'a plot');
  assert.equal(p.kind, 'counterexample');
  assert.equal(p.variable, 'x');
  assert.deepEqual(p.curves.map((k) => k.label), ['stated', 'actual']);
  assert.ok(c.counterexample);
  assert.deepEqual(c.counterexample.point, [['x', p.x0]]);
  assert.ok(Math.abs(at(p.curves[0].expr, 'x', p.x0) - 2 * p.x0 ** 2) < 1e-12);
  assert.ok(Math.abs(at(p.curves[1].expr, 'x', p.x0) - 3 * p.x0 ** 2) < 1e-12);
  assert.equal(at(p.curves[1].expr, 'x', p.x0), c.counterexample.left);
  assert.equal(at(p.curves[0].expr, 'x', p.x0), c.counterexample.right);
  assert.equal(p.fixed, undefined);
});

test('plot specs: a false rule over f and g — the test functions of the counterexample are put in', () => {
  const c = only("The quotient rule: $(f/g)' = (f'g + fg')/g^2$.");
  assert.equal(c.verdict, 'false');
  const p = c.plot;
  assert.ok(p && c.counterexample);
  for (const k of p.curves) {
    assert.equal(abstractFns(k.expr).size, 0, 'concrete');
    assert.deepEqual([...freeVars(k.expr)], ['x']);
  }
  const [stated, actual] = p.curves.map((k) => at(k.expr, 'x', p.x0));
  assert.ok(Math.abs(actual - c.counterexample.left) < 1e-9 * Math.max(1, Math.abs(actual)));
  assert.ok(Math.abs(stated - c.counterexample.right) < 1e-9 * Math.max(1, Math.abs(stated)));
  assert.notEqual(stated.toFixed(6), actual.toFixed(6));
});

test('plot specs: a false claim in two variables is plotted in one, the other fixed at its counterexample value', () => {
  const c = only('$\\frac{\\partial}{\\partial x} x^2 y = 3xy$');
  assert.equal(c.verdict, 'false');
  const p = c.plot;
  assert.ok(p && c.counterexample);
  assert.equal(p.variable, 'x');
  const y = c.counterexample.point.find(([n]) => n === 'y')?.[1];
  assert.ok(y !== undefined);
  assert.deepEqual(p.fixed, [['y', y]]);
  for (const k of p.curves) assert.deepEqual([...freeVars(k.expr)], ['x']);
  assert.ok(Math.abs(at(p.curves[1].expr, 'x', p.x0) - 2 * p.x0 * y) < 1e-9);
});

test('plot specs: a verified derivative — the function and its derivative, labelled', () => {
  const c = only('$\\frac{d}{dx}\\sin x^2 = 2x\\cos x^2$');
  assert.equal(c.verdict, 'verified');
  const p = c.plot;
  assert.ok(p);
  assert.equal(p.kind, 'derivative');
  assert.equal(p.x0, 0);
  assert.deepEqual(p.curves.map((k) => k.label), ['f(x) = sin x²', 'f′(x)']);
  const [f, df] = p.curves.map((k) => k.expr);
  for (const x of [-1.3, 0.2, 1.7]) {
    assert.ok(Math.abs(at(f, 'x', x) - Math.sin(x * x)) < 1e-12);
    const h = 1e-5;
    assert.ok(Math.abs(at(df, 'x', x) - (at(f, 'x', x + h) - at(f, 'x', x - h)) / (2 * h)) < 1e-6, 'the second curve is the derivative of the first');
  }
});

test('plot specs: derivative labels use the note\'s names; x₀ is where both curves are defined', () => {
  const named = claims('Let $y = x^2 + 1$. Then $\\frac{dy}{dx} = 2x$.').find((c) => c.verdict === 'verified');
  assert.deepEqual(named?.plot?.curves.map((k) => k.label), ['y', 'dy/dx']);
  const fn = claims("Let $f(x) = x^3$. Then $f'(x) = 3x^2$.").find((c) => c.verdict === 'verified');
  assert.deepEqual(fn?.plot?.curves.map((k) => k.label), ['f(x)', 'f′(x)']);
  assert.ok(fn?.plot && Math.abs(at(fn.plot.curves[0].expr, 'x', 2) - 8) < 1e-12, 'the function is the note\'s f');
  const second = only('$\\frac{d^2}{dx^2} x^3 = 6x$');
  assert.deepEqual(second.plot?.curves.map((k) => k.label), ['f(x) = x³', 'f″(x)']);
  const prime = only("$(x^3)' = 3x^2$");
  assert.deepEqual(prime.plot?.curves.map((k) => k.label), ['f(x) = x³', 'f′(x)']);
  const ln = only('$\\frac{d}{dx} \\ln x = \\frac{1}{x}$');
  assert.equal(ln.plot?.x0, 1, 'not 0, where ln is undefined');
  const stated = claims('At $x = 2$, $\\frac{d}{dx} x^3 = 12$.').find((c) => c.verdict === 'verified');
  assert.equal(stated?.plot?.x0, 2, 'centred on the point the note names');
});

test('plot specs: none for unchecked claims, identities, rules, partial derivatives of several variables, matrices', () => {
  const none = [
    '$\\frac{d}{dx} \\foo{x} = 1$', // not understood
    '$\\sin^2 x + \\cos^2 x = 1$', // a verified identity: no derivative
    "$(fg)' = f'g + fg'$", // a verified rule over abstract functions
    '$\\frac{\\partial}{\\partial x} x^2 y = 2xy$', // verified, two variables
    '$\\frac{\\partial}{\\partial \\mathbf{x}} \\mathbf{x}^T \\mathbf{x} = 2\\mathbf{x}$', // matrix calculus
    "$f'(x) = \\frac{df}{dx}$", // notation
    '$\\pi \\approx 3.14$', // a numeric approximation (not checked)
  ];
  for (const text of none) {
    for (const c of claims(text)) assert.equal(c.plot, undefined, `${text}: ${c.verdict} ${c.kind}`);
  }
  // A Taylor approximation plots the function and its polynomial near x₀.
  const [taylor] = claims('$e^x \\approx 1 + x$');
  assert.equal(taylor.plot?.kind, 'taylor');
  assert.equal(taylor.plot?.x0, 0);
  assert.deepEqual(taylor.plot?.curves.map((c) => c.label), ['eˣ', 'Taylor polynomial']);
});

test('plot specs: packing into a string and back gives the same expressions', () => {
  for (const c of claims("$\\frac{d}{dx} \\tan x = 1 + \\tan x$ and $(f/g)' = (f'g + fg')/g^2$ and $\\frac{d}{dx}\\sin x^2 = 2x\\cos x^2$")) {
    if (!c.plot) continue;
    assert.deepEqual(unpackPlot(packPlot(c.plot)), c.plot);
  }
  const odd: PlotSpec = { kind: 'counterexample', variable: 'x', x0: 1, curves: [{ label: 'a', expr: { k: 'add', a: [{ k: 'num', v: NaN }, { k: 'num', v: -Infinity }, { k: 'var', name: '\\theta_1' }] } }] };
  assert.deepEqual(unpackPlot(packPlot(odd)), odd);
});

test('plot specs: small, plain data — they survive a structured clone and JSON, and sample the same after it', () => {
  const r = checkDocument("$\\frac{d}{dx} \\tan x = 1 + \\tan x$ and $(f/g)' = (f'g + fg')/g^2$ and $\\frac{d}{dx}\\sin x^2 = 2x\\cos x^2$", { budgetMs: 2000 });
  const plots = r.claims.filter((c) => c.plot);
  assert.equal(plots.length, 3);
  const cloned = structuredClone(r);
  for (const [i, c] of plots.entries()) {
    const copy = cloned.claims.find((k) => k.start === c.start)?.plot;
    assert.ok(copy && c.plot);
    assert.deepEqual(samplePlot(unpackPlot(copy)), samplePlot(unpackPlot(c.plot)), `claim ${i}`);
    assert.ok(JSON.stringify(c.plot).length < 40 * MAX_PLOT_SIZE);
  }
});
