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
  }
}
