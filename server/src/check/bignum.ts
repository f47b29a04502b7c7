/**
 * High-precision re-check of a suspected counterexample with mathjs BigNumbers (64 digits), so round-off in
 * double precision never fakes a "false" verdict.
 *
 * Note text never reaches mathjs: we call its arithmetic functions directly on our own IR, in an instance whose
 * expression parser, evaluator, `import` and `createUnit` are disabled.
 */
import type { BigNumber, MathJsInstance } from 'mathjs';
import { restrictedMath } from './mathjs';
import type { Expr } from './expr';
import { FUNCTIONS } from './functions';

function math(): MathJsInstance {
  return restrictedMath('BigNumber');
}

/** The restricted instance, for the security test. */
export function mathInstanceForTests(): MathJsInstance {
  return math();
}

class NotReal extends Error {}

type Big = BigNumber;

/** Evaluate a concrete expression (no abstract functions left) at a point; null when not a real number. */
export function evaluateBig(e: Expr, env: Map<string, number>): Big | null {
  const m = math();
  const isBig = (x: unknown): x is Big => m.isBigNumber(x);
  const real = (x: unknown): Big => {
    if (!isBig(x) || !x.isFinite()) throw new NotReal();
    return x;
  };
  const go = (x: Expr): Big => {
    switch (x.k) {
      case 'num':
        return m.bignumber(x.v);
      case 'var': {
        const val = env.get(x.name);
        if (val === undefined) throw new NotReal();
        return m.bignumber(val);
      }
      case 'add':
        return x.a.reduce<Big>((s, t) => real(m.add(s, go(t))), m.bignumber(0));
      case 'mul':
        return x.a.reduce<Big>((s, t) => real(m.multiply(s, go(t))), m.bignumber(1));
      case 'pow': {
        const b = go(x.b);
        const p = go(x.e);
        if (b.isZero() && p.isNegative()) throw new NotReal();
        return real(m.pow(b, p));
      }
      case 'fn': {
        const a = go(x.a);
        const one = m.bignumber(1);
        switch (x.f) {
          case 'sigmoid':
            return real(m.divide(one, m.add(one, m.exp(m.unaryMinus(a)))));
          case 'softplus':
            return real(m.log(m.add(one, m.exp(a))));
          case 'relu':
            return a.isPositive() ? a : m.bignumber(0);
          case 'step':
            if (a.isZero()) throw new NotReal();
            return m.bignumber(a.isPositive() ? 1 : 0);
          case 'erf':
            throw new NotReal();
          case 'ln':
            if (!a.isPositive() || a.isZero()) throw new NotReal();
            return real(m.log(a));
          default: {
            const far = farHyperbolic(m, x.f, a);
            if (far) return far;
            const name = FUNCTIONS[x.f].mathjs;
            if (!name) throw new NotReal();
            const f = (m as unknown as Record<string, (y: Big) => unknown>)[name];
            return real(f(a));
          }
        }
      }
      case 'app':
        throw new NotReal();
    }
  };
  try {
    return go(e);
  } catch {
    return null;
  }
}

/**
 * Hyperbolic functions far from 0, where mathjs (decimal.js) takes seconds and more (tanh at 10⁵: 0.3 s, at 10⁶:
 * minutes): beyond |a| = 100, e^{-2|a|} < 10⁻⁸⁶, so sinh a = ±e^{|a|}/2, cosh a = e^{|a|}/2, tanh a = coth a = ±1,
 * sech a = 2e^{-|a|}, csch a = ±2e^{-|a|} to far more than 64 digits. Null when the argument is not that far out.
 */
function farHyperbolic(m: MathJsInstance, f: string, a: Big): Big | null {
  if (!['sinh', 'cosh', 'tanh', 'coth', 'sech', 'csch'].includes(f) || a.abs().lessThan(100)) return null;
  const sign = m.bignumber(a.isNegative() ? -1 : 1);
  const abs = a.abs();
  switch (f) {
    case 'sinh':
      return m.multiply(sign, m.divide(m.exp(abs), 2)) as Big;
    case 'cosh':
      return m.divide(m.exp(abs), 2) as Big;
    case 'tanh':
    case 'coth':
      return sign;
    case 'sech':
      return m.multiply(2, m.exp(m.unaryMinus(abs))) as Big;
    default:
      return m.multiply(sign, m.multiply(2, m.exp(m.unaryMinus(abs)))) as Big;
  }
}

/** Do the two sides differ at this point beyond high-precision round-off? null when it cannot tell. */
export function differsInHighPrecision(l: Expr, r: Expr, env: Map<string, number>, magnitude: number): boolean | null {
  const a = evaluateBig(l, env);
  const b = evaluateBig(r, env);
  if (!a || !b) return null;
  const m = math();
  const diff = m.abs(m.subtract(a, b)) as Big;
  const mag = Number.isFinite(magnitude) ? magnitude : 1;
  const scale = m.max(m.abs(a), m.abs(b), m.bignumber(mag), m.bignumber(1e-300)) as Big;
  return diff.greaterThan(scale.times('1e-40'));
}
