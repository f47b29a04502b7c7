/**
 * The evaluator's derivatives against independent central differences, and the layouts: forward mode must be exact
 * up to round-off, nested derivatives (Hessians) go through Richardson-extrapolated differences.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as D from './dense';
import { Mat } from './dense';
import { Evaluator, applyMap, randomMap, type EvalEnv } from './evaluate';
import type { Layout, MExpr } from './ir';
import { Dim } from './shapes';
import { makeRng } from '../random';

// Shapes do not matter to the evaluator (values carry their sizes), except for ones/eye/zero.
const S = (): [Dim, Dim] => [new Dim(), new Dim()];
const v = (name: string): MExpr => ({ k: 'var', name, s: S() });
const T = (a: MExpr): MExpr => ({ k: 'T', a, s: S() });
const mul = (a: MExpr, b: MExpr, scalarMul = false): MExpr => ({ k: 'mul', a, b, scalarMul, s: S() });
const add = (...a: MExpr[]): MExpr => ({ k: 'add', a, s: S() });
const d = (of: MExpr, wrt: MExpr, layout: Layout = 'den', partial = false): MExpr => ({ k: 'd', of, wrt: [wrt], layout, partial, s: S() });

function randMat(rows: number, cols: number, seed: string): Mat {
  const rng = makeRng(seed);
  return new Mat(rows, cols, Float64Array.from({ length: rows * cols }, () => rng() * 2 - 1));
}

const close = (a: Mat, b: Mat, tol: number) => {
  assert.equal(a.rows, b.rows, 'rows');
  assert.equal(a.cols, b.cols, 'cols');
  const scale = Math.max(D.maxAbs(a), D.maxAbs(b), 1);
  for (let k = 0; k < a.size; k++) assert.ok(Math.abs(a.data[k] - b.data[k]) <= tol * scale, `entry ${k}: ${a.data[k]} vs ${b.data[k]}`);
};

/** Central differences of a scalar function of one matrix, independent of the evaluator's forward mode. */
function numericGradient(f: (X: Mat) => number, X: Mat): Mat {
  const g = new Mat(X.rows, X.cols);
  const h = 1e-5;
  for (let k = 0; k < X.size; k++) {
    const p = X.clone();
    const m = X.clone();
    p.data[k] += h;
    m.data[k] -= h;
    g.data[k] = (f(p) - f(m)) / (2 * h);
  }
  return g;
}

function env(values: Record<string, Mat>): EvalEnv {
  return { values: new Map(Object.entries(values)), maps: new Map() };
}

test('evaluate: the gradient of xᵀAx is (A + Aᵀ)x, exactly (forward mode)', () => {
  const A = randMat(3, 3, 'A');
  const x = randMat(3, 1, 'x');
  const ev = new Evaluator(env({ A, x }), () => [1, 1]);
  const g = ev.value(d(mul(mul(T(v('x')), v('A')), v('x')), v('x')));
  close(g, D.matmul(D.add(A, D.transpose(A)), x), 1e-14);
  assert.equal(ev.usedFiniteDifferences, false);
  const byHand = numericGradient((X) => D.matmul(D.matmul(D.transpose(X), A), X).scalar(), x);
  close(g, byHand, 1e-8);
});

test('evaluate: the Jacobian of Ax is Aᵀ in denominator layout and A in numerator layout', () => {
  const A = randMat(2, 3, 'A2');
  const x = randMat(3, 1, 'x2');
  const ev = new Evaluator(env({ A, x }), () => [1, 1]);
  close(ev.value(d(mul(v('A'), v('x')), v('x'), 'den')), D.transpose(A), 1e-14);
  close(ev.value(d(mul(v('A'), v('x')), v('x'), 'num')), A, 1e-14);
  // A scalar by a vector in numerator layout is a row.
  const row = ev.value(d(mul(T(v('x')), v('x')), v('x'), 'num'));
  assert.equal(row.rows, 1);
  close(row, D.scale(2, D.transpose(x)), 1e-14);
});

test('evaluate: derivatives of det, inverse and trace by a matrix', () => {
  const X = D.add(randMat(3, 3, 'X'), D.scale(2, Mat.identity(3)));
  const ev = new Evaluator(env({ X }), () => [1, 1]);
  const det: MExpr = { k: 'det', a: v('X'), s: S() };
  const inv: MExpr = { k: 'inv', a: v('X'), s: S() };
  const trInv: MExpr = { k: 'tr', a: inv, s: S() };
  const XinvT = D.transpose(D.inverse(X));
  close(ev.value(d(det, v('X'))), D.scale(D.det(X), XinvT), 1e-12);
  close(ev.value(d(trInv, v('X'))), D.neg(D.matmul(XinvT, XinvT)), 1e-12);
  close(ev.value(d(trInv, v('X'))), numericGradient((Y) => D.trace(D.inverse(Y)), X), 1e-7);
});

test('evaluate: softmax Jacobian, log-sum-exp gradient, elementwise functions and norms', () => {
  const z = randMat(4, 1, 'z');
  const ev = new Evaluator(env({ z }), () => [1, 1]);
  const s = D.softmax(z);
  const J = ev.value(d({ k: 'softmax', a: v('z'), s: S() }, v('z')));
  close(J, D.sub(D.diagOf(s), D.matmul(s, D.transpose(s))), 1e-14);
  close(ev.value(d({ k: 'lse', a: v('z'), s: S() }, v('z'))), s, 1e-14);
  const sig = ev.value(d({ k: 'fn', f: 'sigmoid', a: v('z'), s: S() }, v('z')));
  close(sig, D.diagOf(D.map(z, (t) => Math.exp(-t) / (1 + Math.exp(-t)) ** 2)), 1e-14);
  const norm = ev.value(d({ k: 'norm', a: v('z'), p: '2' } as MExpr, v('z')));
  close(norm, D.scale(1 / Math.sqrt(D.inner(z, z)), z), 1e-14);
});

test('evaluate: a Hessian is a derivative of a derivative (central differences with Richardson)', () => {
  const x = randMat(3, 1, 'hx');
  const A = randMat(3, 3, 'hA');
  const ev = new Evaluator(env({ x, A }), () => [1, 1]);
  // f(x) = sum(exp(x)) + xᵀAx: H = diag(exp x) + A + Aᵀ
  const f = add({ k: 'sum', a: { k: 'fn', f: 'exp', a: v('x'), s: S() }, s: S() }, mul(mul(T(v('x')), v('A')), v('x')));
  const H = ev.value(d(d(f, v('x')), v('x')));
  close(H, D.add(D.diagOf(D.map(x, Math.exp)), D.add(A, D.transpose(A))), 1e-9);
  assert.equal(ev.usedFiniteDifferences, true);
});

test('evaluate: random smooth maps carry exact tangents', () => {
  const rng = makeRng('map');
  const map = randomMap(3, 2, 1, rng);
  const u = randMat(3, 1, 'u');
  const du = randMat(3, 1, 'du');
  const { v: val, t } = applyMap(map, [{ v: u, t: du }]);
  assert.equal(val.rows, 2);
  const h = 1e-6;
  const plus = applyMap(map, [{ v: D.add(u, D.scale(h, du)), t: null }]).v;
  const minus = applyMap(map, [{ v: D.sub(u, D.scale(h, du)), t: null }]).v;
  close(t!, D.scale(1 / (2 * h), D.sub(plus, minus)), 1e-8);
});

test('evaluate: a partial derivative holds the other names fixed, a total one does not', () => {
  // y = g(x), z = f(x, y): ∂z/∂x (partial) + ∂z/∂y · dy/dx = dz/dx (total).
  const rng = makeRng('partial');
  const x = randMat(1, 1, 'px');
  const e: EvalEnv = { values: new Map([['x', x]]), maps: new Map([['y', randomMap(1, 1, 1, rng)], ['z', randomMap(2, 1, 1, rng)]]) };
  const y: MExpr = { k: 'dep', name: 'y', args: [v('x')], s: S() };
  const z: MExpr = { k: 'dep', name: 'z', args: [v('x'), y], s: S() };
  const ev = new Evaluator(e, () => [1, 1]);
  const partial = ev.value(d(z, v('x'), 'den', true)).scalar();
  const total = ev.value(d(z, v('x'), 'den', false)).scalar();
  const dzdy = ev.value(d(z, y, 'den', true)).scalar();
  const dydx = ev.value(d(y, v('x'))).scalar();
  assert.ok(Math.abs(partial - total) > 1e-6);
  assert.ok(Math.abs(partial + dzdy * dydx - total) < 1e-12);
});
