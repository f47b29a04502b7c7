/**
 * High-precision re-check of a suspected counterexample, so round-off in double precision never fakes a "false"
 * verdict: both sides are evaluated again with 40 significant digits.
 *
 * The arithmetic is decimal.js (the library mathjs uses for its BigNumbers), called directly on our own IR: no
 * expression parser is involved, and without mathjs' typed-function dispatch a re-check costs a fraction of a
 * millisecond instead of several, and the checker does not load mathjs (70 MB) just to confirm a mistake.
 */
import Decimal from 'decimal.js';
import type { Expr, FnName } from './expr';
import { FUNCTIONS } from './functions';
import { QuietError } from './quiet';

/** Digits carried. A true identity whose evaluation amplifies round-off 10²⁰-fold still agrees to 1e-20. */
export const PRECISION = 40;
const THRESHOLD = '1e-20';

/**
 * Our own Decimal constructor: precision fixed, and exponents bounded so a tower of powers ends as "not a real
 * number" instead of a computation with a billion-digit exponent.
 */
const D = Decimal.clone({ precision: PRECISION, rounding: Decimal.ROUND_HALF_EVEN, maxE: 100_000, minE: -100_000, toExpNeg: -7, toExpPos: 21 });
export type Big = Decimal;

class NotReal extends QuietError {}

function real(x: Decimal): Decimal {
  if (!x.isFinite()) throw new NotReal();
  return x;
}

/**
 * Hyperbolic functions far from 0, where decimal.js takes seconds and more (tanh at 10⁵: 0.3 s, at 10⁶:
 * minutes): beyond |a| = 100, e^{-2|a|} < 10⁻⁸⁶, so sinh a = ±e^{|a|}/2, cosh a = e^{|a|}/2, tanh a = coth a = ±1,
 * sech a = 2e^{-|a|}, csch a = ±2e^{-|a|} to far more than 40 digits. Null when the argument is not that far out.
 */
function farHyperbolic(f: string, a: Decimal): Decimal | null {
  if (!['sinh', 'cosh', 'tanh', 'coth', 'sech', 'csch'].includes(f) || a.abs().lessThan(100)) return null;
  const sign = a.isNegative() ? -1 : 1;
  const abs = a.abs();
  switch (f) {
    case 'sinh':
      return abs.exp().div(2).times(sign);
    case 'cosh':
      return abs.exp().div(2);
    case 'tanh':
    case 'coth':
      return new D(sign);
    case 'sech':
      return abs.neg().exp().times(2);
    default:
      return abs.neg().exp().times(2 * sign);
  }
}

/**
 * b^p. A half-integer power (`\sqrt{…}`, `x^{-1/2}`, `(1+x^2)^{3/2}`: most non-integer powers in notes) as an
 * integer power of the square root: two or three roundings at 40 digits instead of decimal.js' exp(p·ln b), and
 * 6–20 times faster (a square root costs about as much as one multiplication series step; the general power
 * runs two series). The caller has ruled out a negative base for a non-integer p.
 */
function power(b: Decimal, p: Decimal): Decimal {
  if (p.isInteger()) return b.pow(p);
  const twice = p.times(2);
  if (twice.isInteger() && twice.abs().lessThan(64)) return b.sqrt().pow(twice);
  return b.pow(p);
}

/**
 * Evaluate a concrete expression (no abstract functions left) at a point; null when not a real number.
 * `memo` (function name and argument → value) may be shared by evaluations at the same point: the two sides of a
 * claim mostly call the same functions on the same arguments (`σ(9x)` twice on each side), and one function value
 * at 40 digits costs 30–300 µs, a hundred times a multiplication.
 */
export function evaluateBig(e: Expr, env: ReadonlyMap<string, number | Big>, memo?: Map<string, Decimal>): Big | null {
  const go = (x: Expr): Decimal => {
    switch (x.k) {
      case 'num':
        if (!Number.isFinite(x.v)) throw new NotReal();
        return new D(x.v);
      case 'var': {
        const val = env.get(x.name);
        if (val === undefined) throw new NotReal();
        if (typeof val !== 'number') return val;
        if (!Number.isFinite(val)) throw new NotReal();
        return new D(val);
      }
      case 'add': {
        let s = new D(0);
        for (const t of x.a) s = real(s.plus(go(t)));
        return s;
      }
      case 'mul': {
        let p = new D(1);
        for (const t of x.a) p = real(p.times(go(t)));
        return p;
      }
      case 'pow': {
        const b = go(x.b);
        const p = go(x.e);
        if (b.isZero() && p.isNegative()) throw new NotReal();
        // A negative base takes only integer powers here (an odd root of a negative number is not read as real).
        if (b.isNegative() && !p.isInteger()) throw new NotReal();
        return real(power(b, p));
      }
      case 'fn': {
        const a = go(x.a);
        const key = memo ? `${x.f} ${a.toString()}` : '';
        const known = memo?.get(key);
        if (known) return known;
        const r = real(fnValue(x.f, a));
        memo?.set(key, r);
        return r;
      }
      case 'app':
      case 'int': // no high-precision quadrature: the re-check is silent
        throw new NotReal();
    }
  };
  try {
    return go(e);
  } catch {
    return null;
  }
}

function fnValue(f: FnName, a: Decimal): Decimal {
  const far = farHyperbolic(f, a);
  if (far) return far;
  const big = FUNCTIONS[f].big;
  if (!big) throw new NotReal();
  const r = big(a, D);
  if (r === null) throw new NotReal();
  return r;
}

/** Do the two sides differ at this point beyond high-precision round-off? null when it cannot tell. */
export function differsInHighPrecision(l: Expr, r: Expr, env: Map<string, number>, magnitude: number): boolean | null {
  const memo = new Map<string, Decimal>();
  const a = evaluateBig(l, env, memo);
  const b = evaluateBig(r, env, memo);
  if (!a || !b) return null;
  const diff = a.minus(b).abs();
  const mag = Number.isFinite(magnitude) ? Math.max(magnitude, 1e-300) : 1;
  const scale = Decimal.max(a.abs(), b.abs(), new D(mag));
  return diff.greaterThan(scale.times(THRESHOLD));
}

/**
 * d e / d x at the point, by one central difference in high precision: (e(x+h) − e(x−h))/2h with h = 10⁻¹²,
 * whose error is about 10⁻²⁵·|e‴| from the step and 10⁻²⁸·|e| from rounding at 40 digits: far below the 10⁻⁶ the
 * cross-check asks (a Richardson step would buy digits nobody reads, at twice the cost). A differentiation that
 * shares nothing with the symbolic one (no rules, only values), used to confirm our derivative before a concrete
 * derivative is called wrong. Null when e is not real near the point.
 */
export function numericDerivativeBig(e: Expr, x: string, point: ReadonlyMap<string, number>): Big | null {
  const at = point.get(x);
  if (at === undefined || !Number.isFinite(at)) return null;
  const x0 = new D(at);
  const env = new Map<string, number | Big>(point);
  const value = (t: Decimal): Decimal | null => {
    env.set(x, t);
    return evaluateBig(e, env);
  };
  const h = new D('1e-12');
  const up = value(x0.plus(h));
  const down = value(x0.minus(h));
  return up && down ? up.minus(down).div(h.times(2)) : null;
}
