/**
 * Stage 2 — parse. The syntax tree of one LaTeX math fragment.
 *
 * The tree is mathematical but uncommitted: it records what was written (`f(x)` is an `apply`, whether f is a
 * function or a factor is decided by the interpreter), and every node keeps the span of source it came from.
 * Spans are offsets into the string given to the parser (the fragment's LaTeX), end exclusive.
 */

export interface Span {
  start: number;
  end: number;
}

/** Functions the parser recognises by name (from `\sin`, `\operatorname{ReLU}`, `|x|`, `n!`, …). */
export type CallName =
  | 'sin' | 'cos' | 'tan' | 'cot' | 'sec' | 'csc'
  | 'arcsin' | 'arccos' | 'arctan'
  | 'sinh' | 'cosh' | 'tanh' | 'coth' | 'sech' | 'csch'
  | 'exp' | 'ln' | 'log' | 'lg' | 'sqrt' | 'abs' | 'factorial' | 'binom'
  | 'relu' | 'softplus' | 'logsumexp' | 'softmax' | 'sign' | 'max' | 'min' | 'argmax' | 'argmin'
  | 'det' | 'tr' | 'diag' | 'erf';

export type Node =
  | NumNode
  | SymNode
  | NegNode
  | AddNode
  | MulNode
  | DivNode
  | PowNode
  | CallNode
  | ApplyNode
  | PrimeNode
  | DerivNode
  | EvalAtNode
  | LimitNode
  | BigOpNode
  | TupleNode
  | MatrixNode
  | NormNode
  | EllipsisNode
  | UnknownNode;

interface Base {
  span: Span;
}

export interface NumNode extends Base {
  type: 'num';
  value: number;
  raw: string;
}

/**
 * A symbol. `name` is a canonical key that tells symbols apart: base letter or Greek name without backslash,
 * then font/accent prefix and subscript: `x`, `x_1`, `x_ij` (from `x_{ij}` or `x_{i j}`), `alpha`, `bold:x`,
 * `bold:theta_i`, `cal:L`, `bb:R`, `hat:y`, `rm:d`. An accent on a styled symbol comes first: `hat:bold:y`.
 * A parenthesised superscript label follows the base: `W^(2)` (from `W^{(2)}`), `bold:W^(l+1)`, `x^(i)_j`.
 */
/** The canonical name of a symbol (see SymNode.name): accent, font, base, then a label `^(…)` and a subscript `_…`. */
export function symbolName(base: string, font?: SymNode['font'], accent?: SymNode['accent'], sub?: string, label?: string): string {
  return (accent ? `${accent}:` : '') + (font ? `${font}:` : '') + base + (label !== undefined ? `^(${label})` : '') + (sub !== undefined ? `_${sub}` : '');
}

export interface SymNode extends Base {
  type: 'sym';
  name: string;
  /** Letter or Greek name without backslash: `x`, `theta`, `L`. */
  base: string;
  /** Canonical subscript text with braces and spaces removed (`{i j}` → `ij`, `{i+1}` → `i+1`). */
  sub?: string;
  /** The subscript as parsed, when it is more than a plain letter or digit. */
  subNode?: Node;
  font?: 'bold' | 'cal' | 'bb' | 'rm' | 'frak' | 'scr' | 'sf';
  accent?: 'hat' | 'bar' | 'tilde' | 'vec' | 'dot' | 'ddot' | 'check' | 'breve';
  /**
   * A superscript in parentheses that labels rather than raises: `W^{(2)}` (layer 2), `x^{(i)}` (sample i),
   * `\theta^{(t+1)}` (step t + 1) give `2`, `i`, `t+1`. Not for `f`, `g`, `h`, `y`… where `f^{(n)}` is a derivative
   * (a PrimeNode), nor for `e`.
   */
  label?: string;
}

export interface NegNode extends Base {
  type: 'neg';
  arg: Node;
}

/** A sum; `a - b` is `add[a, neg b]`. */
export interface AddNode extends Base {
  type: 'add';
  terms: Node[];
}

export type MulOp = 'implicit' | 'cdot' | 'times' | 'ast' | 'odot' | 'otimes' | 'circ';

/** A product; `ops[i]` is the operator written between `factors[i]` and `factors[i + 1]`. */
export interface MulNode extends Base {
  type: 'mul';
  factors: Node[];
  ops: MulOp[];
}

/** `\frac{a}{b}`, `\dfrac`, `\tfrac`, `a/b`, `a/{b c}` (braces group: `1/{2x}` is 1/(2x)). */
export interface DivNode extends Base {
  type: 'div';
  num: Node;
  den: Node;
  form: 'frac' | 'slash';
}

/** `a^b`. Transposes (`^T`, `^\top`) and inverses (`^{-1}`) are powers here; the interpreter reads them. */
export interface PowNode extends Base {
  type: 'pow';
  base: Node;
  exp: Node;
}

/**
 * A known function applied: `\sin x`, `\sin^2 x` (power 2), `\log_a x` (base a), `\sqrt[n]{x}` (index n),
 * `|x|` (abs), `n!` (factorial), `\operatorname{ReLU}(x)`.
 * `\sin^{-1} x` is `arcsin`. `power` applies to the result (`\sin^2 x` = (sin x)²).
 */
export interface CallNode extends Base {
  type: 'call';
  name: CallName;
  args: Node[];
  power?: Node;
  base?: Node;
  index?: Node;
  /** The argument was written without brackets (`\sin 2x`, `\ln x`): where it ends is the parser's reading. */
  bare?: boolean;
}

/**
 * Something followed by parenthesised arguments: `f(x)`, `f'(x)`, `g(h(x))`, `\sigma(z)`, `x(y + 1)`,
 * `\frac{dg}{dx}(x)`, `(f \circ g)(x)`. Whether it is an application or a product is the interpreter's call.
 * Sized brackets are brackets: `f\big(g(x)\big)`, `f\left(x\right)`, `f\bigl(x\bigr)` are `f(g(x))`, `f(x)`.
 * A letter (or a primed letter) followed by square brackets, `f[g(x)]`, `f\Big[x\Big]`, is an apply too, with
 * `bracket: '['`: it is an application only where the letter is known to be a function (`E[X]`, `a[n]` are not).
 */
export interface ApplyNode extends Base {
  type: 'apply';
  fn: Node;
  args: Node[];
  /** Set when the arguments were written in square brackets. */
  bracket?: '[';
}

/** Primes: `f'`, `f''`, `(fg)'`, `f^{\prime}`, `f^{(n)}` (order is then a node), `y'`. */
export interface PrimeNode extends Base {
  type: 'prime';
  arg: Node;
  order: number | Node;
}

/** One variable of differentiation: `dx` → x, `dx^2` → x order 2, `\partial \mathbf{x}^T` → x transposed. */
export interface WrtVar {
  v: Node;
  order: number | Node;
  transposed?: boolean;
  span: Span;
}

/**
 * A derivative.
 * - `\frac{dy}{dx}`, `\frac{d^2 y}{dx^2}`, `\frac{\partial^2 f}{\partial x \partial y}`, `\frac{d X^T Y}{dX}`,
 *   `dy/dx`, `\partial y/\partial x`: form 'leibniz', `of` is the numerator's expression.
 * - `\frac{d}{dx} E`, `\frac{\partial}{\partial x} E`: form 'operator', `of` is the operand (the implicit product
 *   that follows), or null when nothing follows.
 * - `\partial_x f`, `\partial_{x_1} f(\mathbf{x})`: form 'subscript'.
 * - `D_x f`, `D f(x)`, `D_i f`: form 'D'.
 * - `\nabla_{\mathbf x} f`, `\nabla f`: form 'nabla' (kind 'nabla').
 * `order` is the total order (`d^2`, `\partial^2`, `d^n`); `wrt` lists the variables in the order written
 * (empty for `D f` and `\nabla f` without subscript).
 */
export interface DerivNode extends Base {
  type: 'deriv';
  kind: 'd' | 'partial' | 'nabla';
  form: 'leibniz' | 'operator' | 'subscript' | 'D' | 'nabla';
  of: Node | null;
  wrt: WrtVar[];
  order: number | Node;
}

/** `E \bigg|_{x_0}`, `E \Big|_{x = x_0}`, `\left. E \right|_{x=a}`: `at` holds the subscript. */
export interface EvalAtNode extends Base {
  type: 'evalat';
  expr: Node;
  /** The variable when written `x = x_0`. */
  variable?: Node;
  at: Node;
}

/** `\lim_{h \to 0} body`. */
export interface LimitNode extends Base {
  type: 'limit';
  variable: Node | null;
  to: Node | null;
  body: Node;
}

/** `\sum_{i=0}^{n} body`, `\prod`, `\int_a^b body \, dx`. */
export interface BigOpNode extends Base {
  type: 'bigop';
  op: 'sum' | 'prod' | 'int' | 'oint';
  /** The index variable when the lower limit is written `i = 0` (or just `k`). */
  index?: Node;
  lower?: Node;
  upper?: Node;
  body: Node;
  /** For integrals, the variable of `dx` when written. */
  differential?: Node;
}

/** Bracketed comma lists: `[a, b, c]`, `(x_1, x_2)`, `\{a, b\}`. */
export interface TupleNode extends Base {
  type: 'tuple';
  items: Node[];
  open: string;
  close: string;
}

/** `bmatrix`, `pmatrix`, `matrix`, `vmatrix`, `array`, `cases`… */
export interface MatrixNode extends Base {
  type: 'matrix';
  env: string;
  rows: Node[][];
}

/** `\|x\|`, `||X||_F`, `\lVert x \rVert_2`. */
export interface NormNode extends Base {
  type: 'norm';
  arg: Node;
  sub?: string;
}

export interface EllipsisNode extends Base {
  type: 'ellipsis';
}

/**
 * Anything the parser cannot give a meaning: an unknown command (`\foo`), a stray `\partial`, an operator it
 * does not model. `args` holds whatever brace groups were consumed, parsed where possible.
 */
export interface UnknownNode extends Base {
  type: 'unknown';
  what: string;
  args: Node[];
}

export type RelOp =
  | '=' | '\\approx' | '<' | '>' | '\\le' | '\\ge' | '\\neq' | '\\to' | '\\in' | '\\notin' | ':='
  | '\\equiv' | '\\propto' | '\\sim' | '\\mapsto' | '\\Rightarrow' | '\\Leftarrow' | '\\iff' | '\\subset'
  | '\\subseteq' | '\\ll' | '\\gg' | '\\simeq' | '\\cong';

export interface Relation {
  op: RelOp;
  span: Span;
}

/**
 * One statement: operands joined by relations, `A = B = C`. A row of an aligned block or a comma/`\text`
 * separated piece is its own formula. A row that starts with a relation (`&= B`) has `leading` set and
 * continues the previous formula.
 */
export interface Formula {
  operands: Node[];
  /** relations[i] stands between operands[i] and operands[i + 1]. */
  relations: Relation[];
  leading?: Relation;
  /** A relation at the end with nothing on its right (`f'(x) = \quad g'(x) =`, a blank to fill in). */
  trailing?: Relation;
  span: Span;
}

/** A `\text{…}`, `\textrm{…}`, `\mbox{…}` or `\quad`-separated word between formulas. */
export interface TextPiece {
  text: string;
  span: Span;
}

export interface ParseProblem {
  message: string;
  span: Span;
}

/**
 * Notation that parses but is most likely a typo: a symbol with a superscript label followed by a braced number
 * (`J^{(1)}{21}`, the `_` missing), a fraction that looks like a derivative but whose denominator is no
 * differential (`\frac{dy}{ty}`, `\frac{\partial A x}{x^T}`). The checker warns, and never calls a claim holding
 * it false as written.
 */
export interface SuspiciousNotation {
  span: Span;
  /** The piece as written. */
  written: string;
  /** The likely intended LaTeX, when there is one. */
  reading: string | null;
  /** One sentence naming the likely intended reading. */
  message: string;
  /**
   * The tree holds the intended reading (the repair is unique: `J^{(1)}{21}` is `J^{(1)}_{21}`); otherwise it holds
   * what was written and a claim containing the piece cannot be checked.
   */
  repaired: boolean;
}

export interface ParseResult {
  formulas: Formula[];
  texts: TextPiece[];
  /** Problems the parser worked around (the affected part became an `unknown` node). Never thrown. */
  problems: ParseProblem[];
  /** Likely typos in notation that parses (see `SuspiciousNotation`). Absent when there are none. */
  suspicious?: SuspiciousNotation[];
}
