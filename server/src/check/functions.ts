/**
 * The elementary functions as the scalar checker uses them: how to evaluate each, its derivative, how to print it
 * and how to evaluate it in high precision (the re-check of a suspected counterexample). Built from the library
 * (library/functions.ts): adding a function is adding an entry there.
 */
import type Decimal from 'decimal.js';
import { Expr, FnName, add, div, fn, mul, neg, num, pow, sub } from './expr';
import { LIBRARY_FUNCTIONS, type Builder } from '../library/functions';

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

/** The checker's algebra, for the library's derivatives. */
const ALGEBRA: Builder<Expr> = { fn: (name, a) => fn(name as FnName, a), num, add, sub, mul, div, neg, pow };

/** The library's scalar functions, in the checker's terms (library/functions.ts holds the one entry of each). */
export const FUNCTIONS = Object.fromEntries(
  LIBRARY_FUNCTIONS.filter((e) => e.scalar !== false).map((e): [FnName, FnEntry] => [
    e.name as FnName,
    { evaluate: e.evaluate, derivative: (u: Expr) => e.derivative(u, ALGEBRA), latex: e.latex, big: e.big, ...(e.saturates ? { saturates: e.saturates } : {}) },
  ]),
) as Record<FnName, FnEntry>;
