/**
 * The algebra the checker works in: a small expression IR with resolved meaning (no notation left).
 * Built by `lower.ts` from the parse tree, differentiated by `diff.ts`, evaluated by `evaluate.ts`,
 * printed for people by `latex.ts`.
 */
import type { FunctionName } from '../library/functions';

/** Elementary functions of one argument in the algebra: the library's, but for sqrt (a power here). */
export type FnName = Exclude<FunctionName, 'sqrt'>;

export type Expr =
  | { k: 'num'; v: number }
  | { k: 'var'; name: string }
  | { k: 'add'; a: Expr[] }
  | { k: 'mul'; a: Expr[] }
  | { k: 'pow'; b: Expr; e: Expr }
  | { k: 'fn'; f: FnName; a: Expr }
  /**
   * An abstract function (`f`, `g`, or a dependent variable `y` that depends on others) applied to arguments.
   * `d[i]` is how many times it is differentiated in its i-th argument (all zeros: the function itself).
   */
  | { k: 'app'; f: string; a: Expr[]; d: number[] }
  /**
   * A definite integral of `body` in the bound variable `v` from `lo` to `hi`. Bound names are unique per
   * integral (`t#1`), so substitution never captures them; they print as the note wrote them (`t`).
   */
  | { k: 'int'; v: string; lo: Expr; hi: Expr; body: Expr };

export const num = (v: number): Expr => ({ k: 'num', v });
export const v = (name: string): Expr => ({ k: 'var', name });
export const ZERO = num(0);
export const ONE = num(1);

export function isNum(e: Expr, value?: number): boolean {
  return e.k === 'num' && (value === undefined || e.v === value);
}

/** Sum with light simplification: flattening, constant folding, dropping zeros. */
export function add(...terms: Expr[]): Expr {
  const out: Expr[] = [];
  let c = 0;
  for (const t of terms) {
    if (t.k === 'add') {
      for (const u of t.a) {
        if (u.k === 'num') c += u.v;
        else out.push(u);
      }
    } else if (t.k === 'num') c += t.v;
    else out.push(t);
  }
  if (c !== 0 || Number.isNaN(c)) out.push(num(c));
  if (out.length === 0) return ZERO;
  if (out.length === 1) return out[0];
  return { k: 'add', a: out };
}

/** Product with light simplification: flattening, constant folding, zero and one. */
export function mul(...factors: Expr[]): Expr {
  const out: Expr[] = [];
  let c = 1;
  for (const f of factors) {
    if (f.k === 'mul') {
      for (const u of f.a) {
        if (u.k === 'num') c *= u.v;
        else out.push(u);
      }
    } else if (f.k === 'num') c *= f.v;
    else out.push(f);
  }
  if (c === 0) return ZERO;
  // 2 · 2⁻¹ (a ½ written as 1/2 meeting the 2 of a derivative): the integer quotient, exactly.
  if (Number.isInteger(c) && c !== 1) {
    for (let i = 0; i < out.length; i++) {
      const f = out[i];
      if (f.k === 'pow' && f.b.k === 'num' && isNum(f.e, -1) && Number.isInteger(f.b.v) && f.b.v !== 0 && c % f.b.v === 0) {
        c /= f.b.v;
        out.splice(i, 1);
        break;
      }
    }
  }
  if (c !== 1) out.unshift(num(c));
  if (out.length === 0) return ONE;
  if (out.length === 1) return out[0];
  return { k: 'mul', a: out };
}

export function pow(b: Expr, e: Expr): Expr {
  if (isNum(e, 1)) return b;
  if (isNum(e, 0)) return ONE;
  if (b.k === 'num' && e.k === 'num') {
    const r = Math.pow(b.v, e.v);
    if (Number.isFinite(r) && Number.isInteger(r) && Math.abs(r) < 1e15) return num(r);
  }
  if (isNum(b, 1)) return ONE;
  // (b^p)^q = b^(pq) only for integer q, which is always valid.
  if (b.k === 'pow' && e.k === 'num' && Number.isInteger(e.v) && b.e.k === 'num') return pow(b.b, num(b.e.v * e.v));
  return { k: 'pow', b, e };
}

export const neg = (e: Expr): Expr => mul(num(-1), e);
export const sub = (a: Expr, b: Expr): Expr => add(a, neg(b));
export const div = (a: Expr, b: Expr): Expr => mul(a, pow(b, num(-1)));
export const fn = (f: FnName, a: Expr): Expr => ({ k: 'fn', f, a });
export const app = (f: string, a: Expr[], d?: number[]): Expr => ({ k: 'app', f, a, d: d ?? a.map(() => 0) });

/** Number of nodes, used to cap work on pathological input. */
export function size(e: Expr, cap = Infinity): number {
  let n = 0;
  const stack: Expr[] = [e];
  while (stack.length && n <= cap) {
    const x = stack.pop()!;
    n++;
    for (const y of children(x)) stack.push(y);
  }
  return n;
}

/** The direct subexpressions (an integral's bounds and body; its bound variable is not one). */
export function children(e: Expr): readonly Expr[] {
  switch (e.k) {
    case 'add':
    case 'mul':
    case 'app':
      return e.a;
    case 'pow':
      return [e.b, e.e];
    case 'fn':
      return [e.a];
    case 'int':
      return [e.lo, e.hi, e.body];
    default:
      return [];
  }
}

/** Does any subexpression (the expression itself included) satisfy `test`? */
export function anySubexpr(e: Expr, test: (x: Expr) => boolean): boolean {
  return test(e) || children(e).some((y) => anySubexpr(y, test));
}

/** The number of arguments of each abstract function applied in the expression. */
export function functionArities(e: Expr, out = new Map<string, number>()): Map<string, number> {
  if (e.k === 'app') out.set(e.f, e.a.length);
  for (const y of children(e)) functionArities(y, out);
  return out;
}

/** Free variable names. */
export function freeVars(e: Expr, out = new Set<string>()): Set<string> {
  switch (e.k) {
    case 'var':
      out.add(e.name);
      break;
    case 'add':
    case 'mul':
      for (const y of e.a) freeVars(y, out);
      break;
    case 'pow':
      freeVars(e.b, out);
      freeVars(e.e, out);
      break;
    case 'fn':
      freeVars(e.a, out);
      break;
    case 'app':
      for (const y of e.a) freeVars(y, out);
      break;
    case 'int': {
      freeVars(e.lo, out);
      freeVars(e.hi, out);
      const inner = freeVars(e.body);
      inner.delete(e.v);
      for (const y of inner) out.add(y);
      break;
    }
    default:
      break;
  }
  return out;
}

/** Names of abstract functions used. */
export function abstractFns(e: Expr, out = new Set<string>()): Set<string> {
  if (e.k === 'app') out.add(e.f);
  for (const y of children(e)) abstractFns(y, out);
  return out;
}

/** Replace variables by expressions. */
export function substitute(e: Expr, map: Map<string, Expr>): Expr {
  if (map.size === 0) return e;
  switch (e.k) {
    case 'var':
      return map.get(e.name) ?? e;
    case 'num':
      return e;
    case 'add':
      return add(...e.a.map((y) => substitute(y, map)));
    case 'mul':
      return mul(...e.a.map((y) => substitute(y, map)));
    case 'pow':
      return pow(substitute(e.b, map), substitute(e.e, map));
    case 'fn':
      return fn(e.f, substitute(e.a, map));
    case 'app':
      return { k: 'app', f: e.f, a: e.a.map((y) => substitute(y, map)), d: e.d };
    case 'int':
      return { k: 'int', v: e.v, lo: substitute(e.lo, map), hi: substitute(e.hi, map), body: substitute(e.body, map) };
  }
}

/** Structural equality. */
export function same(a: Expr, b: Expr): boolean {
  if (a.k !== b.k) return false;
  switch (a.k) {
    case 'num':
      return a.v === (b as typeof a).v;
    case 'var':
      return a.name === (b as typeof a).name;
    case 'add':
    case 'mul': {
      const bb = b as typeof a;
      return a.a.length === bb.a.length && a.a.every((x, i) => same(x, bb.a[i]));
    }
    case 'pow': {
      const bb = b as typeof a;
      return same(a.b, bb.b) && same(a.e, bb.e);
    }
    case 'fn': {
      const bb = b as typeof a;
      return a.f === bb.f && same(a.a, bb.a);
    }
    case 'app': {
      const bb = b as typeof a;
      return (
        a.f === bb.f &&
        a.a.length === bb.a.length &&
        a.a.every((x, i) => same(x, bb.a[i])) &&
        a.d.every((x, i) => x === bb.d[i])
      );
    }
    case 'int': {
      const bb = b as typeof a;
      return a.v === bb.v && same(a.lo, bb.lo) && same(a.hi, bb.hi) && same(a.body, bb.body);
    }
  }
}

/**
 * An expression written back in the note's own defined names: every subexpression equal to a definition's value
 * becomes that name (`tanh(wx + b)` → ŷ when the note defined ŷ so), and `sech(u)²` becomes `1 − ŷ²` when ŷ is
 * `tanh(u)` (the form notes use). Equal in value to `e` by construction; used only to print expected sides.
 * Definitions built on others (z → a → L) are folded smallest first.
 */
export function foldDefinitions(e: Expr, definitions: ReadonlyMap<string, Expr>): Expr {
  if (!definitions.size) return e;
  const defs: { name: string; body: Expr }[] = [];
  for (const [name, body] of [...definitions].sort((a, b) => size(a[1], 10_000) - size(b[1], 10_000))) {
    if (body.k === 'num' || body.k === 'var') continue; // a number or a renamed letter says nothing new
    defs.push({ name, body: foldWith(body, defs) });
  }
  return defs.length ? foldWith(e, defs) : e;
}

function foldWith(e: Expr, defs: readonly { name: string; body: Expr }[]): Expr {
  const go = (x: Expr): Expr => {
    let y: Expr;
    switch (x.k) {
      case 'add':
        y = add(...x.a.map(go));
        break;
      case 'mul':
        y = mul(...x.a.map(go));
        break;
      case 'pow': {
        // sech(u)² with tanh(u) defined as t: 1 − t².
        if (x.b.k === 'fn' && x.b.f === 'sech' && isNum(x.e, 2)) {
          const u = go(x.b.a);
          const t = defs.find((d) => d.body.k === 'fn' && d.body.f === 'tanh' && same(d.body.a, u));
          if (t) return sub(num(1), pow(v(t.name), num(2)));
        }
        y = pow(go(x.b), go(x.e));
        break;
      }
      case 'fn':
        y = fn(x.f, go(x.a));
        break;
      case 'app':
        y = { k: 'app', f: x.f, a: x.a.map(go), d: x.d };
        break;
      default:
        y = x;
    }
    for (const d of defs) if (same(y, d.body)) return v(d.name);
    // Part of a sum or product: `w_2 h + b_2 - t` holds z_2 = w_2 h + b_2 → z_2 − t.
    if ((y.k === 'add' || y.k === 'mul') && y.a.length > 2) {
      for (const d of defs) {
        if (d.body.k !== y.k || d.body.a.length >= y.a.length) continue;
        const rest = [...y.a];
        const found = d.body.a.every((t) => {
          const i = rest.findIndex((u) => same(u, t));
          if (i < 0) return false;
          rest.splice(i, 1);
          return true;
        });
        if (found) return y.k === 'add' ? add(v(d.name), ...rest) : mul(v(d.name), ...rest);
      }
    }
    return y;
  };
  return go(e);
}
