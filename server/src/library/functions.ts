/**
 * The library of elementary functions: one entry per function, with everything every stage needs to know about it
 * (the way KaTeX's `defineFunction` and the CortexJS compute engine's library tables work). Adding a function is
 * adding an entry here:
 * - how notes write it: its LaTeX commands (`\sin`), its names inside `\operatorname{…}` / `\text{…}`, and the bare
 *   words that mark a line of plain text as a formula (parse/commands.ts, scan/bare.ts);
 * - the name the parser gives the call (`arcsin`) and the canonical name of the algebra (`asin`);
 * - its value, slope, symbolic derivative, high-precision value and saturation (check/functions.ts);
 * - how it is printed (check/latex.ts, check/plain.ts through its LaTeX);
 * - whether it applies entry by entry to vectors, and to matrices too (check/matrix).
 * This module imports no stage: the symbolic derivative is written against a small builder the checker passes in.
 */
import type Decimal from 'decimal.js';

/** The algebra's constructors, given by the checker (check/expr.ts), so that derivatives are written once here. */
export interface Builder<E> {
  fn(name: FunctionName, a: E): E;
  num(v: number): E;
  add(...a: E[]): E;
  sub(a: E, b: E): E;
  mul(...a: E[]): E;
  div(a: E, b: E): E;
  neg(a: E): E;
  pow(a: E, b: E): E;
}

export interface LibraryFunction {
  /** The canonical name in the algebra (`asin`). */
  name: FunctionName;
  /** The name of the parser's call node, when notes write the function as one (`arcsin`). */
  call?: string;
  /** LaTeX commands that write it (`sin` for `\sin`). */
  commands?: readonly string[];
  /** Names inside `\operatorname{…}`, `\mathrm{…}`, `\text{…}` that write it. */
  operatorNames?: readonly string[];
  /** Words that, bare in plain text, are this function (lower case). */
  words?: readonly string[];
  /** How it is printed in LaTeX. */
  latex: string;
  evaluate(x: number): number;
  /** Its derivative's value (forward mode of the matrix evaluator). */
  slope(x: number): number;
  /** d/du f(u), as an expression in u. */
  derivative<E>(u: E, b: Builder<E>): E;
  /** High-precision value (decimal.js; `D` is the checker's own constructor); null: not real there. */
  big: ((x: Decimal, D: typeof Decimal) => Decimal | null) | null;
  /** Where it is flat to double precision (σ(40) is exactly 1): a value there is no evidence about its argument. */
  saturates?: (x: number) => boolean;
  /**
   * Applied to a vector or matrix: `entries` entry by entry (to vectors only: of a matrix it may be the matrix
   * function, e^A); `matrices` entry by entry on matrices too (activations). Unset: scalars only.
   */
  elementwise?: 'entries' | 'matrices';
  /** Used by the scalar algebra (false for `sqrt`, which the algebra writes as a power). */
  scalar?: false;
}

export type FunctionName =
  | 'sin' | 'cos' | 'tan' | 'cot' | 'sec' | 'csc'
  | 'asin' | 'acos' | 'atan'
  | 'sinh' | 'cosh' | 'tanh' | 'coth' | 'sech' | 'csch'
  | 'exp' | 'ln' | 'sqrt' | 'abs' | 'sign' | 'step'
  | 'sigmoid' | 'relu' | 'softplus' | 'erf';

const sigmoid = (x: number): number => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)));

/** The error function to double precision: a Maclaurin series for |x| < 3, a continued fraction for erfc beyond. */
function erf(x: number): number {
  const s = Math.sign(x);
  const a = Math.abs(x);
  if (a < 3) {
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
  let f = 0;
  for (let n = 60; n >= 1; n--) f = n / 2 / (a + f);
  const erfc = Math.exp(-a * a) / Math.sqrt(Math.PI) / (a + f);
  return s * (1 - erfc);
}

const ENTRIES: LibraryFunction[] = [
  { name: 'sin', call: 'sin', commands: ['sin'], operatorNames: ['sin'], words: ['sin'], latex: '\\sin', elementwise: 'entries',
    evaluate: Math.sin, slope: Math.cos, derivative: (u, b) => b.fn('cos', u), big: (x) => x.sin() },
  { name: 'cos', call: 'cos', commands: ['cos'], operatorNames: ['cos'], words: ['cos'], latex: '\\cos', elementwise: 'entries',
    evaluate: Math.cos, slope: (x) => -Math.sin(x), derivative: (u, b) => b.neg(b.fn('sin', u)), big: (x) => x.cos() },
  { name: 'tan', call: 'tan', commands: ['tan'], operatorNames: ['tan'], words: ['tan'], latex: '\\tan', elementwise: 'entries',
    evaluate: Math.tan, slope: (x) => 1 / Math.cos(x) ** 2, derivative: (u, b) => b.pow(b.fn('sec', u), b.num(2)), big: (x) => x.tan() },
  { name: 'cot', call: 'cot', commands: ['cot'], operatorNames: ['cot'], words: ['cot'], latex: '\\cot',
    evaluate: (x) => 1 / Math.tan(x), slope: (x) => -1 / Math.sin(x) ** 2, derivative: (u, b) => b.neg(b.pow(b.fn('csc', u), b.num(2))), big: (x) => x.tan().pow(-1) },
  { name: 'sec', call: 'sec', commands: ['sec'], operatorNames: ['sec'], words: ['sec'], latex: '\\sec',
    evaluate: (x) => 1 / Math.cos(x), slope: (x) => Math.tan(x) / Math.cos(x), derivative: (u, b) => b.mul(b.fn('sec', u), b.fn('tan', u)), big: (x) => x.cos().pow(-1) },
  { name: 'csc', call: 'csc', commands: ['csc'], operatorNames: ['csc'], words: ['csc'], latex: '\\csc',
    evaluate: (x) => 1 / Math.sin(x), slope: (x) => -1 / (Math.sin(x) * Math.tan(x)), derivative: (u, b) => b.neg(b.mul(b.fn('csc', u), b.fn('cot', u))), big: (x) => x.sin().pow(-1) },
  { name: 'asin', call: 'arcsin', commands: ['arcsin'], operatorNames: ['arcsin'], words: ['arcsin'], latex: '\\arcsin',
    evaluate: Math.asin, slope: (x) => 1 / Math.sqrt(1 - x * x), derivative: (u, b) => b.pow(b.sub(b.num(1), b.pow(u, b.num(2))), b.num(-0.5)), big: (x) => (x.abs().gt(1) ? null : x.asin()) },
  { name: 'acos', call: 'arccos', commands: ['arccos'], operatorNames: ['arccos'], words: ['arccos'], latex: '\\arccos',
    evaluate: Math.acos, slope: (x) => -1 / Math.sqrt(1 - x * x), derivative: (u, b) => b.neg(b.pow(b.sub(b.num(1), b.pow(u, b.num(2))), b.num(-0.5))), big: (x) => (x.abs().gt(1) ? null : x.acos()) },
  { name: 'atan', call: 'arctan', commands: ['arctan'], operatorNames: ['arctan'], words: ['arctan'], latex: '\\arctan', elementwise: 'entries',
    evaluate: Math.atan, slope: (x) => 1 / (1 + x * x), derivative: (u, b) => b.div(b.num(1), b.add(b.num(1), b.pow(u, b.num(2)))), big: (x) => x.atan() },
  { name: 'sinh', call: 'sinh', commands: ['sinh'], operatorNames: ['sinh'], words: ['sinh'], latex: '\\sinh', elementwise: 'entries',
    evaluate: Math.sinh, slope: Math.cosh, derivative: (u, b) => b.fn('cosh', u), big: (x) => x.sinh() },
  { name: 'cosh', call: 'cosh', commands: ['cosh'], operatorNames: ['cosh'], words: ['cosh'], latex: '\\cosh', elementwise: 'entries',
    evaluate: Math.cosh, slope: Math.sinh, derivative: (u, b) => b.fn('sinh', u), big: (x) => x.cosh() },
  { name: 'tanh', call: 'tanh', commands: ['tanh'], operatorNames: ['tanh'], words: ['tanh'], latex: '\\tanh', elementwise: 'matrices',
    saturates: (x) => Math.abs(x) > 19,
    evaluate: Math.tanh, slope: (x) => 1 - Math.tanh(x) ** 2, derivative: (u, b) => b.pow(b.fn('sech', u), b.num(2)), big: (x) => x.tanh() },
  { name: 'coth', call: 'coth', commands: ['coth'], operatorNames: ['coth'], words: ['coth'], latex: '\\coth',
    saturates: (x) => Math.abs(x) > 19,
    evaluate: (x) => 1 / Math.tanh(x), slope: (x) => -1 / Math.sinh(x) ** 2, derivative: (u, b) => b.neg(b.pow(b.fn('csch', u), b.num(2))), big: (x) => x.tanh().pow(-1) },
  { name: 'sech', call: 'sech', commands: ['sech'], operatorNames: ['sech'], words: ['sech'], latex: '\\operatorname{sech}',
    evaluate: (x) => 1 / Math.cosh(x), slope: (x) => -Math.tanh(x) / Math.cosh(x), derivative: (u, b) => b.neg(b.mul(b.fn('sech', u), b.fn('tanh', u))), big: (x) => x.cosh().pow(-1) },
  { name: 'csch', call: 'csch', commands: ['csch'], operatorNames: ['csch'], words: ['csch'], latex: '\\operatorname{csch}',
    evaluate: (x) => 1 / Math.sinh(x), slope: (x) => -1 / (Math.sinh(x) * Math.tanh(x)), derivative: (u, b) => b.neg(b.mul(b.fn('csch', u), b.fn('coth', u))), big: (x) => x.sinh().pow(-1) },
  { name: 'exp', call: 'exp', commands: ['exp'], operatorNames: ['exp'], words: ['exp'], latex: 'e', elementwise: 'entries',
    saturates: (x) => x < -745,
    evaluate: Math.exp, slope: Math.exp, derivative: (u, b) => b.fn('exp', u), big: (x) => x.exp() },
  { name: 'ln', call: 'ln', commands: ['ln'], operatorNames: ['ln'], words: ['ln'], latex: '\\ln', elementwise: 'entries',
    evaluate: Math.log, slope: (x) => 1 / x, derivative: (u, b) => b.pow(u, b.num(-1)), big: (x) => (x.isPositive() && !x.isZero() ? x.ln() : null) },
  { name: 'sqrt', call: 'sqrt', commands: ['sqrt'], words: ['sqrt'], latex: '\\sqrt', elementwise: 'entries', scalar: false,
    evaluate: Math.sqrt, slope: (x) => 0.5 / Math.sqrt(x), derivative: (u, b) => b.mul(b.num(0.5), b.pow(u, b.num(-0.5))), big: (x) => (x.isNegative() ? null : x.sqrt()) },
  { name: 'abs', call: 'abs', words: ['abs'], latex: 'abs',
    evaluate: Math.abs, slope: (x) => Math.sign(x), derivative: (u, b) => b.fn('sign', u), big: (x) => x.abs() },
  { name: 'sign', call: 'sign', commands: ['sgn', 'sign'], operatorNames: ['sign', 'sgn', 'signum'], words: ['sgn', 'sign'], latex: '\\operatorname{sign}',
    evaluate: Math.sign, slope: () => 0, derivative: (_u, b) => b.num(0), big: (x, D) => new D(x.isZero() ? 0 : x.isNegative() ? -1 : 1) },
  { name: 'step', latex: '\\mathbb{1}',
    evaluate: (x) => (x > 0 ? 1 : x < 0 ? 0 : NaN), slope: () => 0, derivative: (_u, b) => b.num(0), big: (x, D) => (x.isZero() ? null : new D(x.isNegative() ? 0 : 1)) },
  { name: 'sigmoid', words: ['sigmoid', 'logistic'], latex: '\\sigma', elementwise: 'matrices',
    saturates: (x) => Math.abs(x) > 37,
    evaluate: sigmoid, slope: (x) => sigmoid(x) * (1 - sigmoid(x)),
    derivative: (u, b) => b.mul(b.fn('sigmoid', u), b.sub(b.num(1), b.fn('sigmoid', u))),
    big: (x, D) => new D(1).div(new D(1).plus(x.neg().exp())) },
  { name: 'relu', call: 'relu', commands: ['ReLU'], operatorNames: ['ReLU', 'relu', 'Relu', 'RELU'], words: ['relu'], latex: '\\operatorname{ReLU}', elementwise: 'matrices',
    evaluate: (x) => (x > 0 ? x : 0), slope: (x) => (x > 0 ? 1 : 0), derivative: (u, b) => b.fn('step', u), big: (x, D) => (x.isPositive() ? x : new D(0)) },
  { name: 'softplus', call: 'softplus', operatorNames: ['softplus', 'Softplus'], words: ['softplus'], latex: '\\operatorname{softplus}', elementwise: 'matrices',
    evaluate: (x) => (x > 30 ? x : Math.log1p(Math.exp(x))), slope: sigmoid, derivative: (u, b) => b.fn('sigmoid', u), big: (x, D) => new D(1).plus(x.exp()).ln() },
  { name: 'erf', call: 'erf', commands: ['erf'], operatorNames: ['erf'], words: ['erf'], latex: '\\operatorname{erf}',
    saturates: (x) => Math.abs(x) > 6,
    evaluate: erf, slope: (x) => (2 / Math.sqrt(Math.PI)) * Math.exp(-x * x),
    derivative: (u, b) => b.mul(b.num(2 / Math.sqrt(Math.PI)), b.fn('exp', b.neg(b.pow(u, b.num(2))))), big: null },
];

/** The functions a call node of the parser names (`arcsin` → asin). */
export const BY_CALL: ReadonlyMap<string, LibraryFunction> = new Map(ENTRIES.filter((e) => e.call).map((e) => [e.call!, e]));

/** All entries, in the order above. */
export const LIBRARY_FUNCTIONS: readonly LibraryFunction[] = ENTRIES;
