/**
 * Numeric evaluation of the IR in double precision, with a magnitude estimate: alongside each value we carry
 * the scale of the numbers that were combined to make it, so a difference of two sides can be judged against
 * the round-off it may carry (cosh²(5x) − sinh²(5x) is 1 up to an error of about 1e-16 · cosh²(5x)).
 */
import { Expr, substitute } from './expr';
import { diff } from './diff';
import { FUNCTIONS } from './functions';

/** A concrete smooth function standing in for an abstract one (f, g, or a dependent variable). */
export interface TestFn {
  /** How the counterexample message shows it, e.g. `\sin x` — written in `#0`, `#1` placeholders. */
  show: string;
  arity: number;
  /** Body in the variables `#0`, `#1`, … */
  body: Expr;
  /** Derivative bodies by multi-index key, filled lazily. */
  cache: Map<string, Expr>;
}

export function testFnDerivative(t: TestFn, d: number[]): Expr {
  const key = d.join(',');
  let r = t.cache.get(key);
  if (!r) {
    r = t.body;
    d.forEach((n, i) => {
      for (let j = 0; j < n; j++) r = diff(r!, `#${i}`);
    });
    t.cache.set(key, r);
  }
  return r;
}

/** Replace every abstract function application by its test function, giving a concrete expression. */
export function instantiate(e: Expr, fns: Map<string, TestFn>): Expr {
  switch (e.k) {
    case 'num':
    case 'var':
      return e;
    case 'add':
      return { k: 'add', a: e.a.map((y) => instantiate(y, fns)) };
    case 'mul':
      return { k: 'mul', a: e.a.map((y) => instantiate(y, fns)) };
    case 'pow':
      return { k: 'pow', b: instantiate(e.b, fns), e: instantiate(e.e, fns) };
    case 'fn':
      return { k: 'fn', f: e.f, a: instantiate(e.a, fns) };
    case 'app': {
      const t = fns.get(e.f);
      if (!t) throw new Error(`no test function for ${e.f}`);
      const body = testFnDerivative(t, e.d);
      const m = new Map<string, Expr>();
      e.a.forEach((arg, i) => m.set(`#${i}`, instantiate(arg, fns)));
      return substitute(body, m);
    }
    case 'int':
      return { k: 'int', v: e.v, lo: instantiate(e.lo, fns), hi: instantiate(e.hi, fns), body: instantiate(e.body, fns) };
  }
}

export interface Value {
  v: number;
  /** Scale of the terms that made v; the absolute round-off is about 1e-16 · m. */
  m: number;
}

export type Env = Map<string, number>;

/** How many times a saturated function (see FnEntry.saturates) was evaluated since the last reset. */
let saturated = 0;
export function saturations(): number {
  return saturated;
}
export function resetSaturations(): void {
  saturated = 0;
}

export function evaluate(e: Expr, env: Env, fns: Map<string, TestFn>): Value {
  switch (e.k) {
    case 'num':
      return { v: e.v, m: Math.abs(e.v) };
    case 'var': {
      const x = env.get(e.name);
      if (x === undefined) return { v: NaN, m: NaN };
      return { v: x, m: Math.abs(x) };
    }
    case 'add': {
      let v = 0;
      let m = 0;
      for (const t of e.a) {
        const r = evaluate(t, env, fns);
        v += r.v;
        m += r.m;
      }
      return { v, m };
    }
    case 'mul': {
      let v = 1;
      let m = 1;
      for (const t of e.a) {
        const r = evaluate(t, env, fns);
        v *= r.v;
        m *= r.m;
      }
      return { v, m };
    }
    case 'pow': {
      const b = evaluate(e.b, env, fns);
      const x = evaluate(e.e, env, fns);
      const v = Math.pow(b.v, x.v);
      const rel = b.v !== 0 ? b.m / Math.abs(b.v) : 1;
      const lb = b.v !== 0 ? Math.abs(Math.log(Math.abs(b.v))) : 0;
      return { v, m: Math.abs(v) * (1 + Math.abs(x.v) * rel + lb * x.m) };
    }
    case 'fn': {
      const a = evaluate(e.a, env, fns);
      const entry = FUNCTIONS[e.f];
      const v = entry.evaluate(a.v);
      if (entry.saturates?.(a.v)) saturated++;
      let slope = 1;
      if (a.m > Math.abs(a.v)) {
        const dv = evaluate(entry.derivative({ k: 'num', v: a.v }), env, fns).v;
        slope = Math.abs(dv);
        if (!Number.isFinite(slope)) slope = 1;
      }
      return { v, m: Math.abs(v) + slope * a.m };
    }
    case 'app': {
      const t = fns.get(e.f);
      if (!t) return { v: NaN, m: NaN };
      const body = testFnDerivative(t, e.d);
      const inner: Env = new Map();
      let m = 0;
      e.a.forEach((arg, i) => {
        const r = evaluate(arg, env, fns);
        inner.set(`#${i}`, r.v);
        m += r.m;
      });
      const r = evaluate(body, inner, fns);
      return { v: r.v, m: r.m + m };
    }
    case 'int':
      return integrate(e, env, fns);
  }
}

/** Relative accuracy an integral must reach (estimated by Richardson on Simpson's rule), else it is not a number. */
const INT_TOL = 1e-10;
const INT_MAX_DEPTH = 24;
const INT_MAX_EVALS = 20_000;

/**
 * A definite integral by adaptive Simpson quadrature with an error estimate. An integral that does not settle to
 * INT_TOL (a singular or wildly oscillating integrand, a pole inside the interval, too many evaluations) is NaN:
 * "not a real number here", so a comparison skips the point rather than trusting a rough value.
 */
function integrate(e: Extract<Expr, { k: 'int' }>, env: Env, fns: Map<string, TestFn>): Value {
  const a = evaluate(e.lo, env, fns).v;
  const b = evaluate(e.hi, env, fns).v;
  if (!Number.isFinite(a) || !Number.isFinite(b)) return { v: NaN, m: NaN };
  if (a === b) return { v: 0, m: 0 };
  const inner: Env = new Map(env);
  let evals = 0;
  let scale = 0; // ∫|f|, the magnitude the result is made of
  let failed = false;
  const f = (t: number): number => {
    evals++;
    inner.set(e.v, t);
    const r = evaluate(e.body, inner, fns);
    if (!Number.isFinite(r.v)) failed = true;
    return r.v;
  };
  const simpson = (l: number, r: number, fl: number, fm: number, fr: number) => ((r - l) / 6) * (fl + 4 * fm + fr);
  const step = (l: number, r: number, fl: number, fm: number, fr: number, whole: number, tol: number, depth: number): number => {
    const m = (l + r) / 2;
    const flm = f((l + m) / 2);
    const fmr = f((m + r) / 2);
    const left = simpson(l, m, fl, flm, fm);
    const right = simpson(m, r, fm, fmr, fr);
    const delta = left + right - whole;
    if (failed || evals > INT_MAX_EVALS) {
      failed = true;
      return NaN;
    }
    if (Math.abs(delta) <= 15 * tol) {
      scale += (Math.abs(r - l) / 12) * (Math.abs(fl) + 4 * Math.abs(flm) + 2 * Math.abs(fm) + 4 * Math.abs(fmr) + Math.abs(fr));
      return left + right + delta / 15;
    }
    if (depth >= INT_MAX_DEPTH) {
      failed = true;
      return NaN;
    }
    return step(l, m, fl, flm, fm, left, tol / 2, depth + 1) + step(m, r, fm, fmr, fr, right, tol / 2, depth + 1);
  };
  const fa = f(a);
  const fb = f(b);
  const fm = f((a + b) / 2);
  if (failed) return { v: NaN, m: NaN };
  // A first pass at a loose tolerance gives the size of the integral; the second asks for INT_TOL relative to it.
  const rough = Math.abs(simpson(a, b, fa, fm, fb)) + Math.abs(b - a) * (Math.abs(fa) + Math.abs(fm) + Math.abs(fb)) / 3;
  const v = step(a, b, fa, fm, fb, simpson(a, b, fa, fm, fb), INT_TOL * Math.max(rough, 1e-300), 0);
  if (failed || !Number.isFinite(v)) return { v: NaN, m: NaN };
  // The quadrature error is below INT_TOL of the integral's size; the magnitude says "made of numbers this big".
  return { v, m: Math.max(scale, Math.abs(v)) * 10 };
}
