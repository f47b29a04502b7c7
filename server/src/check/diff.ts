/**
 * Symbolic differentiation of the IR. Abstract functions differentiate into themselves with a raised
 * derivative index (the chain rule over their arguments), so rules over f, g, h stay exact.
 */
import { Expr, ONE, ZERO, add, fn, freeVars, isNum, mul, num, pow, size, substitute } from './expr';
import { FUNCTIONS } from './functions';
import { QuietError } from './quiet';

/** Raised when an expression grows too big to differentiate within our bounds. */
export class TooBig extends QuietError {}

const MAX_SIZE = 20000;

function has(e: Expr, x: string): boolean {
  return freeVars(e).has(x);
}

export function diff(e: Expr, x: string): Expr {
  const r = d(e, x);
  if (size(r, MAX_SIZE) > MAX_SIZE) throw new TooBig('derivative too large');
  return r;
}

/** n-th derivative. */
export function diffN(e: Expr, x: string, n: number): Expr {
  let r = e;
  for (let i = 0; i < n; i++) r = diff(r, x);
  return r;
}

function d(e: Expr, x: string): Expr {
  switch (e.k) {
    case 'num':
      return ZERO;
    case 'var':
      return e.name === x ? ONE : ZERO;
    case 'add':
      return add(...e.a.map((t) => d(t, x)));
    case 'mul': {
      const terms: Expr[] = [];
      for (let i = 0; i < e.a.length; i++) {
        const di = d(e.a[i], x);
        if (isNum(di, 0)) continue;
        terms.push(mul(...e.a.slice(0, i), di, ...e.a.slice(i + 1)));
      }
      return add(...terms);
    }
    case 'pow': {
      const bHas = has(e.b, x);
      const eHas = has(e.e, x);
      if (!bHas && !eHas) return ZERO;
      if (!eHas) {
        // d(b^c) = c b^(c-1) b'
        const c = e.e;
        const cm1 = c.k === 'num' ? num(c.v - 1) : add(c, num(-1));
        return mul(c, pow(e.b, cm1), d(e.b, x));
      }
      if (!bHas) {
        // d(a^u) = a^u ln(a) u'
        return mul(e, fn('ln', e.b), d(e.e, x));
      }
      // d(b^u) = b^u (u' ln b + u b'/b)
      return mul(e, add(mul(d(e.e, x), fn('ln', e.b)), mul(e.e, d(e.b, x), pow(e.b, num(-1)))));
    }
    case 'fn': {
      const inner = d(e.a, x);
      if (isNum(inner, 0)) return ZERO;
      return mul(FUNCTIONS[e.f].derivative(e.a), inner);
    }
    case 'app': {
      const terms: Expr[] = [];
      e.a.forEach((arg, i) => {
        const di = d(arg, x);
        if (isNum(di, 0)) return;
        const dd = e.d.slice();
        dd[i]++;
        terms.push(mul({ k: 'app', f: e.f, a: e.a, d: dd }, di));
      });
      return add(...terms);
    }
    case 'int': {
      // Leibniz: d/dx ∫_a^b f dt = f(b)·b' − f(a)·a' + ∫_a^b ∂f/∂x dt (t is bound, never x).
      const at = (bound: Expr) => substitute(e.body, new Map([[e.v, bound]]));
      const terms: Expr[] = [];
      const dhi = d(e.hi, x);
      if (!isNum(dhi, 0)) terms.push(mul(at(e.hi), dhi));
      const dlo = d(e.lo, x);
      if (!isNum(dlo, 0)) terms.push(mul(num(-1), at(e.lo), dlo));
      const dbody = d(e.body, x);
      if (!isNum(dbody, 0)) terms.push({ k: 'int', v: e.v, lo: e.lo, hi: e.hi, body: dbody });
      return add(...terms);
    }
  }
}
