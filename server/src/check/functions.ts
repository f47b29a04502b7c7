/**
 * One entry per elementary function: how to evaluate it, its derivative, how to print it and how to evaluate it
 * in high precision (the re-check of a suspected counterexample). Adding a function is adding a row.
 */
import type Decimal from 'decimal.js';
import { Expr, FnName, add, div, fn, mul, neg, num, pow, sub } from './expr';

/** High-precision evaluation with decimal.js (`D` is the checker's own Decimal constructor); null: not real. */
type Big = (x: Decimal, D: typeof Decimal) => Decimal | null;

export interface FnEntry {
  evaluate: (x: number) => number;
  /** d/du f(u), as an expression in u. */
  derivative: (u: Expr) => Expr;
  /** LaTeX used when printing: a command (`\sin`) or an operator name. */
  latex: string;
  /** High-precision evaluation (see `bignum.ts`), or null when we have none (then the re-check is silent). */
  big: Big | null;
  /**
   * Where the function is flat to double precision (σ(40) is exactly 1): a value there says nothing about the
   * argument, so a point where the sides agree only through it does not count as evidence (compare.ts).
   */
  saturates?: (x: number) => boolean;
}

const sigmoid = (x: number): number => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)));

/** Abramowitz–Stegun 7.1.26 is too coarse for checking; use a series / continued fraction instead. */
function erf(x: number): number {
  const s = Math.sign(x);
  const a = Math.abs(x);
  if (a < 3) {
    // Maclaurin series, converges fast enough for |x| < 3 in double precision.
    let term = a;
    let sum = a;
    for (let n = 1; n < 200; n++) {
      term *= (-a * a) / n;
      const t = term / (2 * n + 1);
      sum += t;
      if (Math.abs(t) < 1e-17 * Math.abs(sum)) break;
    }
    return (s * 2 * sum) / Math.sqrt(Math.PI);
  }
  // Continued fraction for erfc.
  let f = 0;
  for (let n = 60; n >= 1; n--) f = n / 2 / (a + f);
  const erfc = Math.exp(-a * a) / Math.sqrt(Math.PI) / (a + f);
  return s * (1 - erfc);
}

export const FUNCTIONS: Record<FnName, FnEntry> = {
  sin: { evaluate: Math.sin, derivative: (u) => fn('cos', u), latex: '\\sin', big: (x) => x.sin() },
  cos: { evaluate: Math.cos, derivative: (u) => neg(fn('sin', u)), latex: '\\cos', big: (x) => x.cos() },
  tan: { evaluate: Math.tan, derivative: (u) => pow(fn('sec', u), num(2)), latex: '\\tan', big: (x) => x.tan() },
  cot: { evaluate: (x) => 1 / Math.tan(x), derivative: (u) => neg(pow(fn('csc', u), num(2))), latex: '\\cot', big: (x) => x.tan().pow(-1) },
  sec: { evaluate: (x) => 1 / Math.cos(x), derivative: (u) => mul(fn('sec', u), fn('tan', u)), latex: '\\sec', big: (x) => x.cos().pow(-1) },
  csc: { evaluate: (x) => 1 / Math.sin(x), derivative: (u) => neg(mul(fn('csc', u), fn('cot', u))), latex: '\\csc', big: (x) => x.sin().pow(-1) },
  asin: { evaluate: Math.asin, derivative: (u) => pow(sub(num(1), pow(u, num(2))), num(-0.5)), latex: '\\arcsin', big: (x) => (x.abs().gt(1) ? null : x.asin()) },
  acos: { evaluate: Math.acos, derivative: (u) => neg(pow(sub(num(1), pow(u, num(2))), num(-0.5))), latex: '\\arccos', big: (x) => (x.abs().gt(1) ? null : x.acos()) },
  atan: { evaluate: Math.atan, derivative: (u) => div(num(1), add(num(1), pow(u, num(2)))), latex: '\\arctan', big: (x) => x.atan() },
  sinh: { evaluate: Math.sinh, derivative: (u) => fn('cosh', u), latex: '\\sinh', big: (x) => x.sinh() },
  cosh: { evaluate: Math.cosh, derivative: (u) => fn('sinh', u), latex: '\\cosh', big: (x) => x.cosh() },
  tanh: { saturates: (x) => Math.abs(x) > 19, evaluate: Math.tanh, derivative: (u) => pow(fn('sech', u), num(2)), latex: '\\tanh', big: (x) => x.tanh() },
  coth: { saturates: (x) => Math.abs(x) > 19, evaluate: (x) => 1 / Math.tanh(x), derivative: (u) => neg(pow(fn('csch', u), num(2))), latex: '\\coth', big: (x) => x.tanh().pow(-1) },
  sech: { evaluate: (x) => 1 / Math.cosh(x), derivative: (u) => neg(mul(fn('sech', u), fn('tanh', u))), latex: '\\operatorname{sech}', big: (x) => x.cosh().pow(-1) },
  csch: { evaluate: (x) => 1 / Math.sinh(x), derivative: (u) => neg(mul(fn('csch', u), fn('coth', u))), latex: '\\operatorname{csch}', big: (x) => x.sinh().pow(-1) },
  exp: { saturates: (x) => x < -745, evaluate: Math.exp, derivative: (u) => fn('exp', u), latex: 'e', big: (x) => x.exp() },
  ln: { evaluate: Math.log, derivative: (u) => pow(u, num(-1)), latex: '\\ln', big: (x) => (x.isPositive() && !x.isZero() ? x.ln() : null) },
  abs: { evaluate: Math.abs, derivative: (u) => fn('sign', u), latex: 'abs', big: (x) => x.abs() },
  sign: { evaluate: Math.sign, derivative: () => num(0), latex: '\\operatorname{sign}', big: (x, D) => new D(x.isZero() ? 0 : x.isNegative() ? -1 : 1) },
  step: { evaluate: (x) => (x > 0 ? 1 : x < 0 ? 0 : NaN), derivative: () => num(0), latex: '\\mathbb{1}', big: (x, D) => (x.isZero() ? null : new D(x.isNegative() ? 0 : 1)) },
  sigmoid: { saturates: (x) => Math.abs(x) > 37,
    evaluate: sigmoid,
    derivative: (u) => mul(fn('sigmoid', u), sub(num(1), fn('sigmoid', u))),
    latex: '\\sigma',
    big: (x, D) => new D(1).div(new D(1).plus(x.neg().exp())),
  },
  relu: { evaluate: (x) => (x > 0 ? x : 0), derivative: (u) => fn('step', u), latex: '\\operatorname{ReLU}', big: (x, D) => (x.isPositive() ? x : new D(0)) },
  softplus: {
    evaluate: (x) => (x > 30 ? x : Math.log1p(Math.exp(x))),
    derivative: (u) => fn('sigmoid', u),
    latex: '\\operatorname{softplus}',
    big: (x, D) => new D(1).plus(x.exp()).ln(),
  },
  erf: { saturates: (x) => Math.abs(x) > 6,
    evaluate: erf,
    derivative: (u) => mul(num(2 / Math.sqrt(Math.PI)), fn('exp', neg(pow(u, num(2))))),
    latex: '\\operatorname{erf}',
    big: null,
  },
};
