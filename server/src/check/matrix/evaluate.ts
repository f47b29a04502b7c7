/**
 * Numerical evaluation of the matrix IR with forward-mode derivatives: every value carries a tangent (its
 * derivative along one direction of one input), so a Jacobian entry costs one pass and is exact up to round-off.
 * A derivative nested inside an expression that is itself differentiated (a Hessian, ∂/∂x of a gradient) gets its
 * tangent from central differences with one Richardson step; `usedFiniteDifferences` then tells the caller to
 * compare with a looser tolerance.
 */
import * as D from './dense';
import { Mat } from './dense';
import { children, type ElementFn, type MExpr } from './ir';
import { QuietError } from '../quiet';
import { LIBRARY_FUNCTIONS } from '../../library/functions';

export interface Val {
  v: Mat;
  /** Derivative along the active direction; null means zero. */
  t: Mat | null;
}

/** A random smooth map R^in → R^(rows×cols): tanh(M u + c) + ½ (N u)², elementwise. */
export interface SmoothMap {
  rows: number;
  cols: number;
  M: Mat;
  c: Mat;
  N: Mat;
}

export interface EvalEnv {
  /** Values of the leaves. */
  values: Map<string, Mat>;
  /** Random maps for dependents and abstract functions. */
  maps: Map<string, SmoothMap>;
}

interface State {
  /** Names whose value (and tangent) is given: the variable being differentiated, a function's parameters. */
  overrides: Map<string, Val>;
  /** Names held fixed at these values (partial derivatives). */
  frozen: Map<string, Mat> | null;
}

export class EvalError extends QuietError {}

/** Value and slope of each elementwise function, from the library. */
const ELEMENT = Object.fromEntries(LIBRARY_FUNCTIONS.map((e) => [e.name, { f: e.evaluate, df: e.slope }])) as Record<ElementFn, { f: (x: number) => number; df: (x: number) => number }>;

const addT = (a: Mat | null, b: Mat | null): Mat | null => (a && b ? D.add(a, b) : a ?? b);

/** Dimensions of an expression's value, from its shape under the current size assignment. */
export type SizeOf = (e: MExpr) => [number, number];

export class Evaluator {
  usedFiniteDifferences = false;
  /** Forward passes run (for the time budget). */
  passes = 0;

  constructor(
    private readonly env: EvalEnv,
    private readonly sizeOf: SizeOf,
    private readonly deadline = Infinity,
  ) {}

  value(e: MExpr): Mat {
    return this.ev(e, { overrides: new Map(), frozen: null }).v;
  }

  private ev(e: MExpr, st: State): Val {
    switch (e.k) {
      case 'num':
        return { v: Mat.scalar(e.v), t: null };
      case 'var': {
        const o = st.overrides.get(e.name);
        if (o) return o;
        const f = st.frozen?.get(e.name);
        if (f) return { v: f, t: null };
        const v = this.env.values.get(e.name);
        if (!v) throw new EvalError(`no value for ${e.name}`);
        return { v, t: null };
      }
      case 'ref': {
        const o = st.overrides.get(e.name);
        if (o) return o;
        const f = st.frozen?.get(e.name);
        if (f) return { v: f, t: null };
        return this.ev(e.e, st);
      }
      case 'dep': {
        const o = st.overrides.get(e.name);
        if (o) return o;
        const f = st.frozen?.get(e.name);
        if (f) return { v: f, t: null };
        const map = this.env.maps.get(e.name);
        if (!map) throw new EvalError(`no function for ${e.name}`);
        const args = e.args.map((a) => this.ev(a, st));
        return applyMap(map, args);
      }
      case 'add': {
        let v: Mat | null = null;
        let t: Mat | null = null;
        for (const a of e.a) {
          const x = this.ev(a, st);
          v = v ? D.add(v, x.v) : x.v;
          t = addT(t, x.t);
        }
        return { v: v!, t };
      }
      case 'neg': {
        const x = this.ev(e.a, st);
        return { v: D.neg(x.v), t: x.t && D.neg(x.t) };
      }
      case 'mul': {
        const a = this.ev(e.a, st);
        const b = this.ev(e.b, st);
        if (e.scalarMul) {
          // One side is a scalar.
          const [s, m] = a.v.isScalar ? [a, b] : [b, a];
          const sv = s.v.scalar();
          const v = D.scale(sv, m.v);
          let t: Mat | null = m.t ? D.scale(sv, m.t) : null;
          if (s.t) t = addT(t, D.scale(s.t.scalar(), m.v));
          return { v, t };
        }
        const v = D.matmul(a.v, b.v);
        let t: Mat | null = a.t ? D.matmul(a.t, b.v) : null;
        if (b.t) t = addT(t, D.matmul(a.v, b.t));
        return { v, t };
      }
      case 'div': {
        const a = this.ev(e.a, st);
        const b = this.ev(e.b, st);
        const d = b.v.scalar();
        const v = D.scale(1 / d, a.v);
        let t: Mat | null = a.t ? D.scale(1 / d, a.t) : null;
        if (b.t) t = addT(t, D.scale(-b.t.scalar() / (d * d), a.v));
        return { v, t };
      }
      case 'had': {
        const a = this.ev(e.a, st);
        const b = this.ev(e.b, st);
        const v = D.hadamard(a.v, b.v);
        let t: Mat | null = a.t ? D.hadamard(a.t, b.v) : null;
        if (b.t) t = addT(t, D.hadamard(a.v, b.t));
        return { v, t };
      }
      case 'dot': {
        const a = this.ev(e.a, st);
        const b = this.ev(e.b, st);
        const v = Mat.scalar(D.inner(a.v, b.v));
        let t = 0;
        let any = false;
        if (a.t) {
          t += D.inner(a.t, b.v);
          any = true;
        }
        if (b.t) {
          t += D.inner(a.v, b.t);
          any = true;
        }
        return { v, t: any ? Mat.scalar(t) : null };
      }
      case 'pow': {
        const a = this.ev(e.a, st);
        const p = this.ev(e.p, st);
        if (a.v.isScalar) {
          const x = a.v.scalar();
          const y = p.v.scalar();
          const v = x ** y;
          let t = 0;
          let any = false;
          if (a.t) {
            t += y === 0 ? 0 : y * x ** (y - 1) * a.t.scalar();
            any = true;
          }
          if (p.t && p.t.scalar() !== 0) {
            t += v * Math.log(x) * p.t.scalar();
            any = true;
          }
          return { v: Mat.scalar(v), t: any ? Mat.scalar(t) : null };
        }
        // A square matrix to a whole power.
        const k = p.v.scalar();
        if (!Number.isInteger(k) || k < 0 || k > 12) throw new EvalError('matrix power');
        let v = Mat.identity(a.v.rows);
        let t: Mat | null = null;
        for (let i = 0; i < k; i++) {
          const nt = addT(t ? D.matmul(t, a.v) : null, a.t ? D.matmul(v, a.t) : null);
          v = D.matmul(v, a.v);
          t = nt;
        }
        return { v, t };
      }
      case 'T': {
        const a = this.ev(e.a, st);
        return { v: D.transpose(a.v), t: a.t && D.transpose(a.t) };
      }
      case 'inv': {
        const a = this.ev(e.a, st);
        const v = D.inverse(a.v);
        return { v, t: a.t && D.neg(D.matmul(D.matmul(v, a.t), v)) };
      }
      case 'tr': {
        const a = this.ev(e.a, st);
        return { v: Mat.scalar(D.trace(a.v)), t: a.t && Mat.scalar(D.trace(a.t)) };
      }
      case 'det': {
        const a = this.ev(e.a, st);
        const d = D.det(a.v);
        if (!a.t) return { v: Mat.scalar(d), t: null };
        // d det A = det A · tr(A⁻¹ dA)
        return { v: Mat.scalar(d), t: Mat.scalar(d * D.trace(D.matmul(D.inverse(a.v), a.t))) };
      }
      case 'norm': {
        const a = this.ev(e.a, st);
        if (e.p === '1') {
          let s = 0;
          let t = 0;
          for (let k = 0; k < a.v.size; k++) {
            s += Math.abs(a.v.data[k]);
            if (a.t) t += Math.sign(a.v.data[k]) * a.t.data[k];
          }
          return { v: Mat.scalar(s), t: a.t ? Mat.scalar(t) : null };
        }
        const n = Math.sqrt(D.inner(a.v, a.v));
        return { v: Mat.scalar(n), t: a.t ? Mat.scalar(D.inner(a.v, a.t) / n) : null };
      }
      case 'fn': {
        const a = this.ev(e.a, st);
        const f = ELEMENT[e.f];
        return { v: D.map(a.v, f.f), t: a.t && D.hadamard(D.map(a.v, f.df), a.t) };
      }
      case 'softmax': {
        const a = this.ev(e.a, st);
        const s = D.softmax(a.v);
        if (!a.t) return { v: s, t: null };
        const st2 = D.inner(s, a.t);
        return { v: s, t: D.hadamard(s, D.map(a.t, (x) => x - st2)) };
      }
      case 'lse': {
        const a = this.ev(e.a, st);
        const v = Mat.scalar(D.logSumExp(a.v));
        return { v, t: a.t && Mat.scalar(D.inner(D.softmax(a.v), a.t)) };
      }
      case 'sum': {
        const a = this.ev(e.a, st);
        return { v: Mat.scalar(D.sumAll(a.v)), t: a.t && Mat.scalar(D.sumAll(a.t)) };
      }
      case 'diag': {
        const a = this.ev(e.a, st);
        return { v: D.diagOf(a.v), t: a.t && D.diagOf(a.t) };
      }
      case 'diagonal': {
        const a = this.ev(e.a, st);
        return { v: D.diagonal(a.v), t: a.t && D.diagonal(a.t) };
      }
      case 'ones': {
        const [r, c] = this.sizeOf(e);
        return { v: Mat.filled(r, c, 1), t: null };
      }
      case 'eye': {
        const [r] = this.sizeOf(e);
        return { v: Mat.identity(r), t: null };
      }
      case 'zero': {
        const [r, c] = this.sizeOf(e);
        return { v: Mat.zeros(r, c), t: null };
      }
      case 'stack': {
        const rows = e.rows.length;
        const cols = e.rows[0].length;
        const v = new Mat(rows, cols);
        let t: Mat | null = null;
        e.rows.forEach((row, i) =>
          row.forEach((x, j) => {
            const val = this.ev(x, st);
            v.set(i, j, val.v.scalar());
            if (val.t) {
              if (!t) t = new Mat(rows, cols);
              t.set(i, j, val.t.scalar());
            }
          }),
        );
        return { v, t };
      }
      case 'at': {
        const overrides = new Map(st.overrides);
        for (const [name, x] of e.bind) overrides.set(name, this.ev(x, st));
        return this.ev(e.e, { overrides, frozen: st.frozen });
      }
      case 'd':
        return this.derivative(e, st);
      case 'diff': {
        if ([...st.overrides.values()].some((o) => o.t)) throw new EvalError('a differential inside a derivative is not checked');
        const overrides = new Map(st.overrides);
        for (const [leaf, dir] of e.dirs) {
          const v = st.frozen?.get(leaf) ?? this.env.values.get(leaf);
          if (!v) throw new EvalError(`no value for ${leaf}`);
          overrides.set(leaf, { v, t: this.ev(dir, st).v });
        }
        const r = this.ev(e.a, { overrides, frozen: st.frozen });
        return { v: r.t ?? Mat.zeros(r.v.rows, r.v.cols), t: null };
      }
    }
  }

  /** Values only: the state with every tangent dropped. */
  private still(st: State): State {
    let any = false;
    for (const o of st.overrides.values()) if (o.t) any = true;
    if (!any) return st;
    const overrides = new Map<string, Val>();
    for (const [k, o] of st.overrides) overrides.set(k, { v: o.v, t: null });
    return { overrides, frozen: st.frozen };
  }

  private derivative(e: Extract<MExpr, { k: 'd' }>, st: State): Val {
    const base = this.still(st);
    const v = this.derivativeValue(e, base);
    // A tangent through a derivative: central differences along the active direction, one Richardson step.
    const moving = [...st.overrides].filter(([, o]) => o.t);
    if (moving.length === 0) return { v, t: null };
    this.usedFiniteDifferences = true;
    const at = (h: number): Mat => {
      const overrides = new Map(base.overrides);
      for (const [k, o] of moving) overrides.set(k, { v: D.add(o.v, D.scale(h, o.t!)), t: null });
      return this.derivativeValue(e, { overrides, frozen: st.frozen });
    };
    const h = 1e-3;
    const central = (hh: number) => D.scale(1 / (2 * hh), D.sub(at(hh), at(-hh)));
    const d1 = central(h);
    const d2 = central(h / 2);
    return { v, t: D.scale(1 / 3, D.sub(D.scale(4, d2), d1)) };
  }

  /** The derivative's value: one forward pass per entry of the variable, arranged in the layout. */
  private derivativeValue(e: Extract<MExpr, { k: 'd' }>, st: State): Mat {
    if (Date.now() > this.deadline) throw new EvalError('ran out of time');
    const wrt = e.wrt.map((w) => {
      const name = (w as { name: string }).name;
      return { name, v: this.ev(w, st).v };
    });
    const wrtNames = new Set(wrt.map((w) => w.name));
    // Partial derivative: the other names `of` is written in stay fixed when the variable appears in it directly.
    let frozen = st.frozen;
    if (e.partial) {
      const { direct, names } = directNames(e.of);
      if ([...wrtNames].some((n) => names.has(n))) {
        frozen = new Map(st.frozen ?? []);
        for (const d of direct) {
          const dn = (d as { name: string }).name;
          if (!wrtNames.has(dn)) frozen.set(dn, this.ev(d, st).v);
        }
      }
    }
    const f0 = this.ev(e.of, { overrides: st.overrides, frozen }).v;
    const total = wrt.reduce((s, w) => s + w.v.size, 0);
    const grads: Mat[] = [];
    for (let j = 0; j < wrt.length; j++) {
      for (let k = 0; k < wrt[j].v.size; k++) {
        const overrides = new Map(st.overrides);
        wrt.forEach((w, i) => overrides.set(w.name, { v: w.v, t: i === j ? Mat.unit(w.v.rows, w.v.cols, k) : null }));
        this.passes++;
        const r = this.ev(e.of, { overrides, frozen });
        grads.push(r.t ?? Mat.zeros(f0.rows, f0.cols));
      }
    }
    const W = wrt.length === 1 ? wrt[0].v : new Mat(total, 1);
    const layout = e.layout;
    if (f0.isScalar) {
      // Scalar by scalar, vector or matrix: the gradient has the variable's shape (denominator layout).
      const g = new Mat(W.rows, W.cols, Float64Array.from(grads, (m) => m.data[0]));
      return layout === 'den' ? g : D.transpose(g);
    }
    if (W.isScalar) {
      // Vector or matrix by scalar: elementwise, the shape of the function.
      return grads[0];
    }
    if (f0.isVector && W.isVector) {
      // Vector by vector: denominator layout n × m, entry (j, i) = ∂f_i/∂x_j.
      const m = f0.size;
      const n = total;
      const J = new Mat(n, m);
      for (let j = 0; j < n; j++) for (let i = 0; i < m; i++) J.set(j, i, grads[j].data[i]);
      return layout === 'den' ? J : D.transpose(J);
    }
    throw new EvalError('the derivative of a matrix by a vector or matrix is a tensor');
  }
}

/** The names an expression is written in one level deep (definitions and dependents not opened). */
export function directNames(e: MExpr): { direct: MExpr[]; names: Set<string> } {
  const top = e.k === 'ref' ? e.e : e;
  const direct: MExpr[] = [];
  const names = new Set<string>();
  const visit = (x: MExpr, depth: number): void => {
    if (x.k === 'dep' && x === top) {
      // The function itself: what it is written in are its arguments.
      x.args.forEach((a) => visit(a, depth + 1));
      return;
    }
    if (x.k === 'var' || x.k === 'ref' || x.k === 'dep') {
      names.add(x.name);
      if (x.k !== 'var' && !direct.includes(x)) direct.push(x);
      return;
    }
    switch (x.k) {
      case 'd':
      case 'at':
      case 'diff':
        return;
      default:
        for (const c of children(x)) visit(c, depth + 1);
    }
  };
  visit(top, 0);
  return { direct, names };
}

/** Apply a random smooth map to the concatenated entries of its arguments. */
export function applyMap(map: SmoothMap, args: Val[]): Val {
  const n = args.reduce((s, a) => s + a.v.size, 0);
  const u = new Mat(n, 1);
  let du: Mat | null = null;
  let k = 0;
  for (const a of args) {
    for (let i = 0; i < a.v.size; i++) {
      u.data[k + i] = a.v.data[i];
      if (a.t) {
        if (!du) du = new Mat(n, 1);
        du.data[k + i] = a.t.data[i];
      }
    }
    k += a.v.size;
  }
  if (map.M.cols !== n) throw new EvalError(`a function of ${map.M.cols} inputs applied to ${n}`);
  const z = D.add(D.matmul(map.M, u), map.c);
  const q = D.matmul(map.N, u);
  const out = D.add(D.map(z, Math.tanh), D.scale(0.5, D.hadamard(q, q)));
  const v = out.reshape(map.rows, map.cols);
  if (!du) return { v, t: null };
  const dz = D.matmul(map.M, du);
  const dq = D.matmul(map.N, du);
  const t = D.add(D.hadamard(D.map(z, (x) => 1 - Math.tanh(x) ** 2), dz), D.hadamard(q, dq));
  return { v, t: t.reshape(map.rows, map.cols) };
}

/** A random smooth map from `inputs` numbers to a rows × cols value. */
export function randomMap(inputs: number, rows: number, cols: number, rng: () => number): SmoothMap {
  const out = rows * cols;
  const fill = (r: number, c: number, s: number) => new Mat(r, c, Float64Array.from({ length: r * c }, () => (rng() * 2 - 1) * s));
  return { rows, cols, M: fill(out, inputs, 1), c: fill(out, 1, 0.5), N: fill(out, inputs, 0.7) };
}
