/**
 * The matrix expression IR: what a vector/matrix claim means, built from the parse tree with every node's shape
 * (see shapes.ts). Evaluated numerically (evaluate.ts), never simplified.
 */
import type { Shape } from './shapes';
import type { FunctionName } from '../../library/functions';

/** Scalar functions applied entry by entry: the library's (library/functions.ts: value, slope, where they apply). */
export type ElementFn = FunctionName;

/** How a derivative is laid out: `den` (denominator layout: a gradient has the variable's shape), `num`. */
export type Layout = 'den' | 'num';

export type MExpr = (
  | { k: 'num'; v: number }
  /** A leaf: drawn at random (matrices, vectors, scalars). */
  | { k: 'var'; name: string }
  /** A name the note defined (`\mathbf{y} = A\mathbf{x}`): its definition, but differentiable "by" the name. */
  | { k: 'ref'; name: string; e: MExpr }
  /** A dependent variable or an abstract function applied (`f(\mathbf{x})`): a random smooth map of `args`. */
  | { k: 'dep'; name: string; args: MExpr[] }
  | { k: 'add'; a: MExpr[] }
  | { k: 'neg'; a: MExpr }
  /** Scalar × anything, or a matrix product (shapes decide, see `scalarMul`). */
  | { k: 'mul'; a: MExpr; b: MExpr; scalarMul: boolean }
  /** Division by a scalar. */
  | { k: 'div'; a: MExpr; b: MExpr }
  | { k: 'had'; a: MExpr; b: MExpr }
  /** The dot product of two vectors of the same shape (`\mathbf{u} \cdot \mathbf{v}`). */
  | { k: 'dot'; a: MExpr; b: MExpr }
  /** A scalar power, or a square matrix to a whole power. */
  | { k: 'pow'; a: MExpr; p: MExpr }
  | { k: 'T'; a: MExpr }
  | { k: 'inv'; a: MExpr }
  | { k: 'tr'; a: MExpr }
  | { k: 'det'; a: MExpr }
  | { k: 'norm'; a: MExpr; p: '1' | '2' | 'F' }
  | { k: 'fn'; f: ElementFn; a: MExpr }
  | { k: 'softmax'; a: MExpr }
  | { k: 'lse'; a: MExpr }
  /** The sum of all entries. */
  | { k: 'sum'; a: MExpr }
  /** A vector to a diagonal matrix. */
  | { k: 'diag'; a: MExpr }
  /** The diagonal of a square matrix, as a column. */
  | { k: 'diagonal'; a: MExpr }
  | { k: 'ones' }
  | { k: 'eye' }
  | { k: 'zero' }
  /** A written-out matrix or vector: scalar entries by rows. */
  | { k: 'stack'; rows: MExpr[][] }
  /**
   * A derivative of `of` by the variable `wrt` (a var, ref or dep; several scalars form one column vector),
   * arranged in `layout`. `partial`: hold the other names `of` is written in fixed when the variable appears in
   * it directly.
   */
  | { k: 'd'; of: MExpr; wrt: MExpr[]; layout: Layout; partial: boolean }
  /**
   * The differential of `a` (`d(\mathbf{XY})`, `d\mathbf{X}`): its change when every leaf X it depends on moves
   * along the direction `d:X`, a leaf of its own with X's shape (forward mode, one pass). `dirs` pairs each leaf
   * with its direction.
   */
  | { k: 'diff'; a: MExpr; dirs: [string, MExpr][] }
  /** `e` with some leaves set to values (a function's gradient evaluated at a point). */
  | { k: 'at'; e: MExpr; bind: [string, MExpr][] }
) & { s: Shape };

export type MKind = MExpr['k'];

/** Every node below (and including) `e`, definitions included. */
export function nodes(e: MExpr, out: MExpr[] = [], seen = new Set<MExpr>()): MExpr[] {
  if (seen.has(e)) return out;
  seen.add(e);
  out.push(e);
  for (const c of children(e)) nodes(c, out, seen);
  return out;
}

export function children(e: MExpr): MExpr[] {
  switch (e.k) {
    case 'num':
    case 'var':
    case 'ones':
    case 'eye':
    case 'zero':
      return [];
    case 'ref':
      return [e.e];
    case 'dep':
      return e.args;
    case 'add':
      return e.a;
    case 'neg':
    case 'T':
    case 'inv':
    case 'tr':
    case 'det':
    case 'norm':
    case 'fn':
    case 'softmax':
    case 'lse':
    case 'sum':
    case 'diag':
    case 'diagonal':
      return [e.a];
    case 'mul':
    case 'div':
    case 'had':
    case 'dot':
      return [e.a, e.b];
    case 'pow':
      return [e.a, e.p];
    case 'stack':
      return e.rows.flat();
    case 'd':
      return [e.of, ...e.wrt];
    case 'at':
      return [e.e, ...e.bind.map(([, x]) => x)];
    case 'diff':
      return [e.a, ...e.dirs.map(([, x]) => x)];
  }
}

/** Names of the leaves, definitions and dependents an expression mentions (through definitions). */
export function names(e: MExpr): Set<string> {
  const out = new Set<string>();
  for (const n of nodes(e)) if (n.k === 'var' || n.k === 'ref' || n.k === 'dep') out.add(n.name);
  return out;
}

/** Does any derivative appear? */
export function hasDerivative(e: MExpr): boolean {
  return nodes(e).some((n) => n.k === 'd' || n.k === 'diff');
}
