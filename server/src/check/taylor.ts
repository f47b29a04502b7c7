/**
 * Approximations (`E \approx P`) checked as Taylor polynomials. P must be a polynomial in one variable x (written
 * in x, or in shifts `(x - x_0)`); it is verified when it is the Taylor polynomial of E of its own degree at the
 * expansion point: the coefficients E⁽ᵏ⁾(x₀)/k! (symbolic derivatives, evaluated) and P⁽ᵏ⁾(x₀)/k! are compared,
 * with abstract functions replaced by random smooth test functions and symbolic points and parameters sampled.
 *
 * An approximation is called false only when every sign says it is meant as a Taylor polynomial at that point and
 * the mismatch is proven: the values at x₀ agree (so it is an approximation near x₀, not for large x or near
 * another point), P is written term by term, the wrong coefficient is one P writes out, the difference survives
 * high precision (and, with abstract functions, several choices of them), and nothing in the reading is doubtful.
 * Everything else that is not verified stays "not checked" with the reason.
 */
import type { Claim } from '../interpret/claims';
import type { Node, SymNode } from '../parse/ast';
import { containsNode } from '../parse/walk';
import { rangeReason, type CheckedClaim } from './verdict';
import type { PlotSpec } from './plotSpec';
import { Expr, ONE, ZERO, abstractFns, add, anySubexpr, functionArities, freeVars, isNum, mul, neg, num, pow, same, size, substitute, v as mkVar } from './expr';
import { TooBig, diff } from './diff';
import { Lowerer, LowerOptions, Unsupported, show } from './lower';
import { type Env, type TestFn, evaluate, instantiate } from './evaluate';
import { differsInHighPrecision } from './bignum';
import { derivativeAgrees } from './crosscheck';
import { type Rng, drawTestFunctions, makeRng, sampleValue } from './random';
import { formatNumber, symbolLatex, toLatex } from './latex';
import { plainText } from './plain';
import { doubt, type Doubt } from '../semantics/reasons';

export interface ApproximationOptions extends LowerOptions {
  /** Epoch ms after which the check gives up. */
  deadline: number;
  /** Doubts about the note's definitions used by the claim (check.ts `contextDoubts`). */
  contextDoubts?: (hasAbstract: boolean) => Doubt[];
  /** Conditions stated with the claim (`a > 0`), as predicates on sampled values. */
  conditions?: ((env: Env, fns: Map<string, TestFn>) => boolean)[];
}

/** Highest degree of P checked. */
const MAX_DEGREE = 8;
/** Values of a symbolic upper bound `n` checked (`\sum_{i=0}^{n}`). */
const SYMBOLIC_N = [0, 1, 2, 3, 4];
/** Functions whose derivatives are not those of a smooth function. */
const NOT_SMOOTH = new Set(['abs', 'sign', 'step', 'relu']);

const unchecked = (why: string): CheckedClaim => ({ verdict: 'unchecked', kind: 'approximation', reason: `not checked: ${why}` });

export function checkApproximation(claim: Claim, options: ApproximationOptions): CheckedClaim {
  try {
    return approximation(claim, options);
  } catch (err) {
    if (err instanceof Unsupported) return unchecked(err.message);
    if (err instanceof TooBig) return unchecked('the derivatives grow too large');
    if (err instanceof RangeError) return unchecked(rangeReason(err));
    return unchecked((err as Error).message ?? 'internal error');
  }
}

// ---- the parse tree: sums expanded, evaluation bars read -------------------------------------------------------

const isEllipsis = (m: Node): boolean => m.type === 'ellipsis';

function isNodeLike(x: unknown): x is Node {
  return typeof x === 'object' && x !== null && typeof (x as { type?: unknown }).type === 'string' && typeof (x as { span?: unknown }).span === 'object';
}

/** A copy of a tree in which `f` replaces the nodes it returns something for (children of a replacement are not visited). */
function mapTree(n: Node, f: (m: Node) => Node | null): Node {
  const go = (x: unknown): unknown => {
    if (Array.isArray(x)) return x.map(go);
    if (typeof x !== 'object' || x === null) return x;
    if (isNodeLike(x)) {
      const r = f(x);
      if (r) return r;
    }
    const out: Record<string, unknown> = {};
    for (const [k, val] of Object.entries(x)) out[k] = k === 'span' ? val : go(val);
    return out;
  };
  return go(n) as Node;
}

const numNode = (k: number, span: Node['span']): Node => ({ type: 'num', value: k, raw: String(k), span });

function replaceSym(n: Node, name: string, k: number): Node {
  return mapTree(n, (m) => (m.type === 'sym' && m.name === name ? numNode(k, m.span) : null));
}

/** A number written as the bound of a sum, or null. */
function boundValue(n: Node | undefined): number | null {
  if (!n) return null;
  if (n.type === 'num' && Number.isInteger(n.value)) return n.value;
  if (n.type === 'neg' && n.arg.type === 'num' && Number.isInteger(n.arg.value)) return -n.arg.value;
  return null;
}

/** Symbolic upper bounds of sums (`n` in `\sum_{i=0}^{n}`). */
function symbolicBounds(n: Node): Set<string> {
  const out = new Set<string>();
  mapTree(n, (m) => {
    if (m.type === 'bigop' && m.op === 'sum' && m.upper?.type === 'sym' && !m.upper.font && m.upper.base !== 'infty') out.add(m.upper.name);
    return null;
  });
  return out;
}

/** Every finite sum written out term by term (the bounds must be numbers by now). */
function expandSums(n: Node): Node {
  return mapTree(n, (m) => {
    if (m.type !== 'bigop') return null;
    if (m.op !== 'sum') throw new Unsupported(m.op === 'int' || m.op === 'oint' ? 'it contains an integral' : 'it contains a product (\\prod)');
    if (m.upper?.type === 'sym' && m.upper.base === 'infty') throw new Unsupported('an infinite series is not a polynomial: its approximation is not checked');
    const index = m.index?.type === 'sym' ? m.index.name : null;
    const lo = boundValue(m.lower);
    const hi = boundValue(m.upper);
    if (!index || lo === null || hi === null) throw new Unsupported('a sum whose index or bounds are not understood');
    if (hi - lo > 12) throw new Unsupported('a sum of more than 12 terms');
    const terms: Node[] = [];
    for (let k = lo; k <= hi; k++) terms.push(expandSums(replaceSym(m.body, index, k)));
    if (terms.length === 0) return numNode(0, m.span);
    return terms.length === 1 ? terms[0] : { type: 'add', terms, span: m.span };
  });
}

const hasDerivative = (m: Node): boolean => containsNode(m, (k) => k.type === 'deriv' || k.type === 'prime');

function mentionsSym(m: Node, name: string): boolean {
  return containsNode(m, (k) => k.type === 'sym' && k.name === name);
}

/**
 * `(x - x_0) \frac{df}{dx}\Big|_{x_0}`: the parser gives the bar the whole product before it, which would put x₀
 * into `(x - x_0)` too. In a Taylor term the bar belongs to the derivative: the factors that hold the variable but
 * no derivative are taken out of the evaluation (a doubt is recorded, so this reading never makes a claim false).
 */
function readEvaluationBars(n: Node, variable: string, doubts: Doubt[]): Node {
  return mapTree(n, (m) => {
    if (m.type !== 'evalat' || m.expr.type !== 'mul') return null;
    const x = m.variable?.type === 'sym' ? m.variable.name : variable;
    const outside = m.expr.factors.filter((f) => !hasDerivative(f) && mentionsSym(f, x));
    if (outside.length === 0) return null;
    const inside = m.expr.factors.filter((f) => !outside.includes(f));
    if (inside.length === 0) return null;
    doubts.push(doubt('ambiguous-notation', 'the evaluation bar | is read as applying to the derivative before it, not to the whole product'));
    const innerExpr: Node = inside.length === 1 ? inside[0] : { type: 'mul', factors: inside, ops: inside.slice(1).map(() => 'implicit' as const), span: m.expr.span };
    const evaluated: Node = { ...m, expr: readEvaluationBars(innerExpr, variable, doubts) };
    const factors = [...outside.map((f) => readEvaluationBars(f, variable, doubts)), evaluated];
    return { type: 'mul', factors, ops: factors.slice(1).map(() => 'implicit' as const), span: m.span };
  });
}

// ---- polynomials in the IR --------------------------------------------------------------------------------------

/** Degree of `e` as a polynomial in `x` (coefficients free of x), or null when it is not one. */
export function polyDegree(e: Expr, x: string): number | null {
  if (!freeVars(e).has(x)) return 0;
  switch (e.k) {
    case 'var':
      return 1;
    case 'num':
      return 0;
    case 'add': {
      let d = 0;
      for (const t of e.a) {
        const k = polyDegree(t, x);
        if (k === null) return null;
        d = Math.max(d, k);
      }
      return d;
    }
    case 'mul': {
      let d = 0;
      for (const t of e.a) {
        const k = polyDegree(t, x);
        if (k === null) return null;
        d += k;
      }
      return d;
    }
    case 'pow': {
      if (e.e.k !== 'num' || !Number.isInteger(e.e.v) || e.e.v < 0) return null;
      const k = polyDegree(e.b, x);
      return k === null ? null : k * e.e.v;
    }
    default:
      return null;
  }
}

/** `x + c` or `c - x` with c free of x: the point where it vanishes, else null. */
function shiftPoint(e: Expr, x: string): Expr | null {
  if (e.k !== 'add') return null;
  let sign = 0;
  const rest: Expr[] = [];
  for (const t of e.a) {
    if (t.k === 'var' && t.name === x) {
      if (sign) return null;
      sign = 1;
    } else if (t.k === 'mul' && t.a.length === 2 && isNum(t.a[0], -1) && t.a[1].k === 'var' && t.a[1].name === x) {
      if (sign) return null;
      sign = -1;
    } else if (freeVars(t).has(x)) return null;
    else rest.push(t);
  }
  if (!sign || rest.length === 0) return null;
  const c = add(...rest);
  return sign === 1 ? neg(c) : c;
}

/** The points P is written around: the zeros of its shifts `(x - a)`, and 0 when x also appears on its own. */
function writtenPoints(p: Expr, x: string): { points: Expr[]; bare: boolean } {
  const points: Expr[] = [];
  let bare = false;
  const visit = (e: Expr, top: boolean): void => {
    if (!top) {
      const s = shiftPoint(e, x);
      if (s) {
        if (!points.some((q) => same(q, s))) points.push(s);
        return;
      }
    }
    switch (e.k) {
      case 'var':
        if (e.name === x) bare = true;
        break;
      case 'add':
        for (const t of e.a) visit(t, top);
        break;
      case 'mul':
        for (const t of e.a) visit(t, false);
        break;
      case 'pow':
        visit(e.b, false);
        visit(e.e, false);
        break;
      case 'fn':
        visit(e.a, false);
        break;
      case 'app':
        for (const t of e.a) visit(t, false);
        break;
      default:
        break;
    }
  };
  visit(p, true);
  return { points, bare };
}

/** The terms of P as written, with constant factors distributed over sums that are not shifts. */
function writtenTerms(p: Expr, x: string): Expr[] {
  if (p.k === 'add') return p.a.flatMap((t) => writtenTerms(t, x));
  if (p.k === 'mul') {
    const withX = p.a.filter((f) => freeVars(f).has(x));
    if (withX.length === 1 && withX[0].k === 'add' && !shiftPoint(withX[0], x)) {
      const others = p.a.filter((f) => f !== withX[0]);
      return withX[0].a.flatMap((t) => writtenTerms(mul(...others, t), x));
    }
  }
  return [p];
}

// ---- light simplification, for coefficients shown to people ------------------------------------------------------

function splitCoefficient(t: Expr): { c: number; rest: Expr } {
  if (t.k === 'num') return { c: t.v, rest: ONE };
  if (t.k === 'mul' && t.a[0].k === 'num') return { c: t.a[0].v, rest: t.a.length === 2 ? t.a[1] : { k: 'mul', a: t.a.slice(1) } };
  return { c: 1, rest: t };
}

export function simplify(e: Expr): Expr {
  switch (e.k) {
    case 'num':
    case 'var':
      return e;
    case 'fn': {
      const a = simplify(e.a);
      if (a.k === 'num') {
        const val = evaluate({ k: 'fn', f: e.f, a }, new Map(), new Map()).v;
        if (Number.isInteger(val)) return num(val);
      }
      return { k: 'fn', f: e.f, a };
    }
    case 'app':
      return { k: 'app', f: e.f, a: e.a.map(simplify), d: e.d };
    case 'int':
      return { k: 'int', v: e.v, lo: simplify(e.lo), hi: simplify(e.hi), body: simplify(e.body) };
    case 'pow':
      return pow(simplify(e.b), simplify(e.e));
    case 'mul': {
      const parts = mul(...e.a.map(simplify));
      if (parts.k !== 'mul') return parts;
      const bases: { b: Expr; n: Expr }[] = [];
      let c = 1;
      for (const f of parts.a) {
        if (f.k === 'num') {
          c *= f.v;
          continue;
        }
        const b = f.k === 'pow' ? f.b : f;
        const n = f.k === 'pow' ? f.e : ONE;
        const have = bases.find((q) => same(q.b, b));
        if (have && have.n.k === 'num' && n.k === 'num') have.n = num(have.n.v + n.v);
        else bases.push({ b, n });
      }
      return mul(num(c), ...bases.map((q) => pow(q.b, q.n)));
    }
    case 'add': {
      const parts = add(...e.a.map(simplify));
      if (parts.k !== 'add') return parts;
      const terms: { c: number; rest: Expr }[] = [];
      for (const t of parts.a) {
        const s = splitCoefficient(t);
        const have = terms.find((q) => same(q.rest, s.rest));
        if (have) have.c += s.c;
        else terms.push(s);
      }
      return add(...terms.filter((q) => Math.abs(q.c) > 1e-15).map((q) => mul(num(q.c), q.rest)));
    }
  }
}

// ---- numbers for people --------------------------------------------------------------------------------------------

interface Nice {
  negative: boolean;
  /** The numerator as LaTeX (`1`, `3`, `e`, `3\pi`, `\sqrt{2}`), or a decimal. */
  top: string;
  den: number;
}

const CONSTANTS: [number, string][] = [
  [Math.E, 'e'],
  [Math.PI, '\\pi'],
  [Math.SQRT2, '\\sqrt{2}'],
  [Math.sqrt(3), '\\sqrt{3}'],
  [1 / Math.E, 'e^{-1}'],
  [Math.LN2, '\\ln 2'],
];

function rational(v: number, maxDen: number): { p: number; q: number } | null {
  for (let q = 1; q <= maxDen; q++) {
    const p = Math.round(v * q);
    if (Math.abs(p) > 1e7) return null;
    if (Math.abs(v - p / q) <= 1e-10 * Math.max(1, Math.abs(v))) return { p, q };
  }
  return null;
}

function nice(v: number): Nice {
  const negative = v < 0;
  const a = Math.abs(v);
  const r = rational(a, 5040);
  if (r) return { negative, top: String(r.p), den: r.q };
  for (const [k, latex] of CONSTANTS) {
    const s = rational(a / k, 720);
    if (s && s.p !== 0) return { negative, top: s.p === 1 ? latex : `${s.p}${latex.startsWith('\\') ? ' ' : ''}${latex}`, den: s.q };
  }
  return { negative, top: formatNumber(a).replace('−', '-'), den: 1 };
}

function niceLatex(v: number): string {
  const n = nice(v);
  const body = n.den === 1 ? n.top : `\\frac{${n.top}}{${n.den}}`;
  return n.negative ? `-${body}` : body;
}

/**
 * Join a numerator and a monomial: `3x^2`, `3(x - 1)`, but `e \cdot (x - 1)` and `\ln 2 \cdot x` (`e(x - 1)` would read
 * as a function e applied to x − 1, `\ln 2x` as ln(2x)).
 */
function joinTop(top: string, mono: string): string {
  if (!mono) return top;
  if (top === '1') return mono;
  return /^[0-9.]+$/.test(top) ? `${top}${mono}` : `${top} \\cdot ${mono}`;
}

/** A polynomial with numeric coefficients as LaTeX: `1 + x + \frac{x^2}{2}`, `e + e(x - 1)`. */
function polynomialLatex(coeffs: number[], base: string): string {
  let s = '';
  coeffs.forEach((c, k) => {
    if (c === 0) return;
    const mono = k === 0 ? '' : k === 1 ? base : `${base}^${k < 10 ? k : `{${k}}`}`;
    const n = nice(c);
    const top = joinTop(n.top, mono);
    const body = n.den === 1 ? top : `\\frac{${top}}{${n.den}}`;
    if (!s) s = n.negative ? `-${body}` : body;
    else s += n.negative ? ` - ${body}` : ` + ${body}`;
  });
  return s || '0';
}

/** `x`, `(x - 1)`, `(x + 2)`, `(x - x_0)`: the base the polynomial is written in. */
function shiftLatex(x: string, x0: Expr): string {
  const xl = symbolLatex(x);
  if (isNum(x0, 0)) return xl;
  if (x0.k === 'num') return x0.v < 0 ? `(${xl} + ${niceLatex(-x0.v)})` : `(${xl} - ${niceLatex(x0.v)})`;
  return `(${xl} - ${toLatex(x0)})`;
}

function monomialText(x: string, x0: Expr, k: number): string {
  if (k === 0) return 'constant term';
  const base = shiftLatex(x, x0);
  return `${plainText(k === 1 ? base : `${base}^${k}`)} coefficient`;
}

function pointText(x0: Expr): string {
  return plainText(x0.k === 'num' ? niceLatex(x0.v) : toLatex(x0));
}

/** Does plain text have a + or − outside brackets (`a + b`, not `n(n − 1)`)? */
function topLevelSum(text: string): boolean {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '(') depth++;
    else if (ch === ')') depth--;
    else if (depth === 0 && i > 0 && (ch === '+' || ch === '−' || ch === '-') && text[i - 1] === ' ') return true;
  }
  return false;
}

/** Plain text of a coefficient: a nice number, or a small expression. */
function coefficientText(sym: Expr | null, value: number): string {
  if (!sym || sym.k === 'num' || size(sym, 40) > 40) return plainText(niceLatex(value));
  // f''(x₀)/2 rather than (f''(x₀))/2.
  if (sym.k === 'mul' && sym.a[0].k === 'num' && sym.a[0].v > 0 && sym.a[0].v < 1) {
    const den = 1 / sym.a[0].v;
    if (Math.abs(den - Math.round(den)) < 1e-9) {
      const rest = plainText(toLatex(sym.a.length === 2 ? sym.a[1] : { k: 'mul', a: sym.a.slice(1) }));
      return `${topLevelSum(rest) ? `(${rest})` : rest}/${Math.round(den)}`;
    }
  }
  return plainText(toLatex(sym));
}

// ---- the check ----------------------------------------------------------------------------------------------------

interface Variant {
  /** The value of the symbolic bound `n`, when there is one. */
  n: number | null;
  lw: Lowerer;
  l: Expr;
  r: Expr;
  doubts: Doubt[];
}

interface Draw {
  env: Env;
  fns: Map<string, TestFn>;
  x0: number;
  /** Coefficients of E and of P at x₀, with their round-off scales. */
  c: { v: number; m: number }[];
  d: { v: number; m: number }[];
}

type Outcome =
  | { kind: 'match'; draws: Draw[]; near: boolean }
  | { kind: 'mismatch'; draws: Draw[]; k: number; at: Draw; count: number; cZero: boolean }
  | { kind: 'singular'; why: string }
  | { kind: 'undecided'; why: string };

interface Setup {
  claim: Claim;
  options: ApproximationOptions;
  x: string;
  e: Expr;
  p: Expr;
  /** E is the right side (the note wrote the polynomial first). */
  swapped: boolean;
  params: string[];
  arities: Map<string, number>;
  abstract: boolean;
  /** Half a unit in the last place of the decimals P is written with (`0.17`: 0.005), else 0. */
  rounding: number;
}

function approximation(claim: Claim, options: ApproximationOptions): CheckedClaim {
  const lhsNode = claim.lhs.node;
  const rhsNode = claim.rhs.node;
  if (containsNode(lhsNode, isEllipsis)) return unchecked('the left side is written with “…” (a series or a list), not as a function: its approximation is not checked');
  if (containsNode(rhsNode, isEllipsis)) return unchecked('the right side is written with “…”: such an approximation is not checked');
  const series = (m: Node) => m.type === 'bigop' || m.type === 'limit';
  if (containsNode(lhsNode, series) && containsNode(rhsNode, series)) return unchecked('both sides are sums, integrals or limits: such approximations are not checked');

  // Symbolic bounds (`\sum_{i=0}^{n}`): the claim is checked for n = 0, …, 4, or for the value the sentence gives n.
  const bounds = new Set([...symbolicBounds(lhsNode), ...symbolicBounds(rhsNode)]);
  if (bounds.size > 1) return unchecked('sums with several symbolic bounds are not checked');
  const bound = bounds.size ? [...bounds][0] : null;
  let ns: (number | null)[] = [null];
  if (bound) {
    const stated = claim.conditions.find((c) => c.op === '=' && c.lhs.type === 'sym' && c.lhs.name === bound && boundValue(c.rhs) !== null);
    ns = stated ? [boundValue(stated.rhs)!] : SYMBOLIC_N;
  }

  const variants: Variant[] = [];
  for (const n of ns) {
    const doubts: Doubt[] = [];
    const prep = (node: Node): Node => {
      let out = bound && n !== null ? replaceSym(node, bound, n) : node;
      out = expandSums(out);
      return out;
    };
    const l0 = prep(lhsNode);
    const r0 = prep(rhsNode);
    // The variable the evaluation bars refer to, when they do not say: the one the Lowerer would pick.
    const probe = new Lowerer(claim.context, [l0, r0], options);
    const l = readEvaluationBars(l0, probe.implicitVar, doubts);
    const r = readEvaluationBars(r0, probe.implicitVar, doubts);
    const lw = new Lowerer(claim.context, [l, r], options);
    const le = lw.lower(l);
    const re = lw.lower(r);
    if (lw.orderSymbols.size) return unchecked('it has a derivative of symbolic order');
    variants.push({ n, lw, l: le, r: re, doubts });
  }
  if (Date.now() > options.deadline) return unchecked('ran out of time');

  // The variable: a letter in which one side is a polynomial (of degree ≥ 1) and the other depends on. When several
  // qualify (`(x + \delta)^2 \approx x^2 + 2x\delta`), the first reading that verifies wins; else the preferred one speaks.
  const main = variants[variants.length - 1];
  const chosen = chooseVariables(claim, main);
  if (typeof chosen === 'string') return unchecked(chosen);
  let first: CheckedClaim | null = null;
  for (const choice of chosen.choices) {
    const r = analyse(claim, options, variants, bound, ns, choice.x, choice.swapped);
    if (r.verdict === 'verified') return r;
    if (!first) first = r;
    if (Date.now() > options.deadline) break;
  }
  if (first!.verdict === 'unchecked' && chosen.several) return unchecked(chosen.several);
  return first!;
}

function analyse(claim: Claim, options: ApproximationOptions, variants: Variant[], bound: string | null, ns: (number | null)[], x: string, swapped: boolean): CheckedClaim {
  const main = variants[variants.length - 1];
  // Values the sentence gives other letters (`at $x_0 = 0$`).
  const points = statedValues(claim, options);
  const stated = points.get(x) ?? null;
  points.delete(x);
  const side = (vr: Variant) => {
    const e0 = swapped ? vr.r : vr.l;
    const p0 = swapped ? vr.l : vr.r;
    return { e: substitute(e0, points), p: substitute(p0, points) };
  };

  // The expansion point: stated in the sentence, read from the shifts of P, or 0 for a polynomial in x itself.
  const written = writtenPoints(side(main).p, x);
  const candidates: Expr[] = [];
  const addCandidate = (c: Expr) => {
    if (!candidates.some((q) => same(q, c) || (q.k === 'num' && c.k === 'num' && Math.abs(q.v - c.v) < 1e-12))) candidates.push(c);
  };
  if (stated) addCandidate(stated);
  for (const q of written.points) addCandidate(q);
  if (written.bare || candidates.length === 0) addCandidate(ZERO);

  const results: { n: number | null; verdict: CheckedClaim }[] = [];
  for (const vr of variants) {
    const { e, p } = side(vr);
    const verdict = checkVariant(claim, options, vr, e, p, x, swapped, candidates);
    results.push({ n: vr.n, verdict });
    if (verdict.verdict !== 'verified') break;
  }
  const last = results[results.length - 1];
  if (bound === null) return last.verdict;
  const all = ns.length > 1 && last.verdict.verdict === 'verified';
  const label = `for ${show(bound)} = ${all ? ns.join(', ') : last.n}`;
  const v = last.verdict;
  if (v.verdict === 'verified') {
    const plot = results.find((q) => q.n === 2)?.verdict.plot ?? v.plot;
    const out: CheckedClaim = { ...v, reason: v.reason.replace(/^verified: /, `verified ${label}: `).replace(/ of degree \d+ /, ' ') };
    if (plot) out.plot = plot;
    return out;
  }
  // The right side is a sum: the quick fix would replace it by one expansion, so no `expected`.
  if (v.verdict === 'false') return { ...v, reason: `${cap(label)}: ${uncap(v.reason)}`, expected: undefined };
  return { ...v, reason: v.reason.replace(/^not checked: /, `not checked (${label}): `) };
}

const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
const uncap = (s: string) => (/^[A-Z][a-z]/.test(s) ? s.charAt(0).toLowerCase() + s.slice(1) : s);

interface Choice {
  x: string;
  /** E is the right side (the note wrote the polynomial first). */
  swapped: boolean;
}

/** The readings to try, preferred first, and the reason to give when they read as several variables. */
function chooseVariables(claim: Claim, vr: Variant): { choices: Choice[]; several: string | null } | string {
  const vars = new Set([...freeVars(vr.l), ...freeVars(vr.r)]);
  const hasAbstract = abstractFns(vr.l).size + abstractFns(vr.r).size > 0;
  if (vars.size === 0) return hasAbstract ? 'an approximation (≈) without a variable is not checked' : 'a numerical approximation (≈): approximations between numbers are not checked';
  const candidatesFor = (p: Expr, e: Expr) => [...vars].filter((x) => (polyDegree(p, x) ?? 0) >= 1 && freeVars(e).has(x)).sort();
  let swapped = false;
  let cands = candidatesFor(vr.r, vr.l);
  if (cands.length === 0) {
    cands = candidatesFor(vr.l, vr.r);
    swapped = cands.length > 0;
  }
  if (cands.length === 0) {
    // `\cos x \approx 1`: a number is a polynomial of degree 0 in the one variable of the other side.
    const one = (e: Expr) => (abstractFns(e).size === 0 && freeVars(e).size === 1 ? [...freeVars(e)][0] : null);
    if (freeVars(vr.r).size === 0 && abstractFns(vr.r).size === 0 && one(vr.l)) return { choices: [{ x: one(vr.l)!, swapped: false }], several: null };
    if (freeVars(vr.l).size === 0 && abstractFns(vr.l).size === 0 && one(vr.r)) return { choices: [{ x: one(vr.r)!, swapped: true }], several: null };
    return 'an approximation (≈) that is not a Taylor polynomial: neither side is a polynomial in a variable the other side depends on (finite differences and other approximations are not checked)';
  }
  const statedFor = (c: string) => claim.conditions.some((k) => k.op === '=' && k.lhs.type === 'sym' && k.lhs.name === c);
  const rank = (c: string) => (c === vr.lw.implicitVar ? 0 : statedFor(c) ? 1 : 2);
  cands.sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
  // `e^{x+y} \approx 1 + x + y`: another variable with terms of its own is a linearization in several variables.
  const p = swapped ? vr.l : vr.r;
  let several: string | null = null;
  for (const u of cands.slice(1)) {
    if (writtenTerms(p, cands[0]).some((t) => freeVars(t).has(u) && !freeVars(t).has(cands[0]))) {
      several = `an approximation (≈) in several variables (${[cands[0], u].map(show).join(', ')}): linearizations in several variables are not checked`;
      break;
    }
  }
  return { choices: cands.map((x) => ({ x, swapped })), several };
}

function statedValues(claim: Claim, options: ApproximationOptions): Map<string, Expr> {
  const out = new Map<string, Expr>();
  for (const c of claim.conditions) {
    if (c.op !== '=' || c.lhs.type !== 'sym') continue;
    const name = (c.lhs as SymNode).name;
    try {
      const val = new Lowerer(claim.context, [c.rhs], options).lower(c.rhs);
      if (freeVars(val).size || abstractFns(val).size) continue;
      if (!out.has(name)) out.set(name, val);
    } catch {
      // A value we cannot read: ignored.
    }
  }
  return out;
}

function checkVariant(
  claim: Claim,
  options: ApproximationOptions,
  vr: Variant,
  e: Expr,
  p: Expr,
  x: string,
  swapped: boolean,
  candidates: Expr[],
): CheckedClaim {
  const fnsE = abstractFns(e);
  const fnsP = abstractFns(p);
  for (const f of fnsE) if (!fnsP.has(f)) return unchecked(`${show(f)} appears only on the side that is approximated`);
  for (const f of fnsP) if (!fnsE.has(f)) return unchecked(`${show(f)} appears only in the polynomial`);
  if (usesNonSmooth(e)) return unchecked('the function is not smooth (|x|, sign, ReLU, step): no Taylor polynomial is checked');
  if (!freeVars(e).has(x)) return unchecked(`the approximated side does not depend on ${show(x)}`);
  const n = polyDegree(p, x);
  if (n === null) return unchecked(`the ${swapped ? 'left' : 'right'} side is not a polynomial in ${show(x)}`);
  if (n > MAX_DEGREE) return unchecked(`polynomials of degree above ${MAX_DEGREE} are not checked`);

  const params = [...new Set([...freeVars(e), ...freeVars(p), ...candidates.flatMap((c) => [...freeVars(c)])])].filter((v) => v !== x).sort();
  const arities = functionArities(p, functionArities(e));
  const setup: Setup = { claim, options, x, e, p, swapped, params, arities, abstract: arities.size > 0, rounding: rounding(swapped ? claim.lhs.latex : claim.rhs.latex) };

  const dl: Expr[] = [];
  const dr: Expr[] = [];
  dl.push(e);
  dr.push(p);
  for (let k = 1; k <= n; k++) {
    dl.push(diff(dl[k - 1], x));
    dr.push(diff(dr[k - 1], x));
  }

  const outcomes = candidates.map((x0, i) => ({ x0, out: judge(setup, dl, dr, n, x0, i) }));
  const doubts = [...claim.doubts, ...vr.doubts, ...vr.lw.doubts, ...(options.contextDoubts?.(setup.abstract) ?? [])];

  const match = outcomes.find((o) => o.out.kind === 'match' && !o.out.near) ?? outcomes.find((o) => o.out.kind === 'match');
  if (match && match.out.kind === 'match') {
    if (match.out.near && !hasDecimal(claim, swapped)) {
      return unchecked(`the coefficients agree with the Taylor polynomial of ${sideText(claim, swapped)} at ${pointText(match.x0)} only to about two digits`);
    }
    return verified(setup, dl, n, match.x0, match.out.draws, match.out.near);
  }
  if (Date.now() > options.deadline) return unchecked('ran out of time');

  const reasonFor = (o: Outcome, x0: Expr): string => {
    if (o.kind === 'singular' || o.kind === 'undecided') return o.why;
    if (o.kind !== 'mismatch') return 'not understood';
    return o.k === 0
      ? `the two sides differ at ${show(x)} = ${pointText(x0)} itself, so this is not a Taylor polynomial there (an approximation for large values or near another point is not checked)`
      : `it is not the Taylor polynomial of ${sideText(claim, swapped)} at ${pointText(x0)} (the ${monomialText(x, x0, o.k)} differs)`;
  };
  const first = outcomes[0];
  const o = first.out;
  // Not the Taylor polynomial at the point P is written around, not even in value: is it one at another point
  // (`\ln x \approx x - 1` around 1, a tangent line written out in x)? Only verification can come from this search.
  if (n >= 1 && !setup.abstract && setup.params.length === 0 && (o.kind === 'singular' || (o.kind === 'mismatch' && o.k === 0))) {
    const a = tangencyPoint(setup, dl, dr, n);
    if (a !== null) {
      const at = judge(setup, dl, dr, n, num(a), 99);
      if (at.kind === 'match') return verified(setup, dl, n, num(a), at.draws, at.near);
    }
  }
  if (outcomes.length > 1) {
    return unchecked(`the polynomial is written around several points (${outcomes.map((q) => `${show(x)} = ${pointText(q.x0)}`).join(', ')}) and is not the Taylor polynomial at any of them`);
  }
  if (o.kind !== 'mismatch' || o.k === 0) return unchecked(reasonFor(o, first.x0));

  // A wrong coefficient: false only when every sign says a Taylor polynomial at x₀ was meant.
  const profiles = writtenTerms(p, x).map((t) => termDegrees(t, setup, n, o.at));
  const expanded = profiles.every((ks) => ks !== null && ks.length <= 1);
  const written = profiles.some((ks) => ks?.includes(o.k));
  // What the prose says (an asymptotic approximation, a question, a condition) speaks first.
  const why: string[] = claim.doubts.map((d) => d.detail);
  if (!expanded) why.push('the polynomial is not written term by term (a product of approximations is read only to its lowest order)');
  else if (!written) why.push(`the polynomial has no ${monomialText(x, first.x0, o.k).replace(/ coefficient$/, '')} term of its own`);
  if (setup.abstract || setup.params.length) {
    if (o.count < 2) why.push('the difference shows for one random choice only');
  }
  // `dy \approx f'(x)\,dx`, `\Delta f \approx f'(x) \Delta x`: differentials read as products are polynomials too.
  if (polyDegree(e, x) !== null) why.push(`both sides are polynomials in ${show(x)}, so this is not the Taylor polynomial of a function`);
  why.push(...doubts.filter((d) => !claim.doubts.includes(d)).map((d) => d.detail));
  if (why.length) return unchecked(`${reasonFor(o, first.x0)}, but ${why[0]}`);
  const confirmed = confirm(setup, dl, dr, o.k, o.at);
  if (confirmed !== true) return unchecked(`${reasonFor(o, first.x0)}, but ${confirmed === false ? 'the difference vanishes in high precision' : 'the difference could not be confirmed'}`);
  return falseVerdict(setup, dl, dr, n, first.x0, o);
}

function usesNonSmooth(e: Expr): boolean {
  return anySubexpr(e, (x) => x.k === 'fn' && NOT_SMOOTH.has(x.f));
}

/** Half a unit in the last place of the coarsest decimal written (`x - 0.17x^3`: 0.005), 0 without decimals. */
function rounding(latex: string): number {
  let places = Infinity;
  for (const m of latex.matchAll(/\d*\.(\d+)/g)) places = Math.min(places, m[1].length);
  return places === Infinity ? 0 : 0.5 * Math.pow(10, -places);
}

function hasDecimal(claim: Claim, swapped: boolean): boolean {
  return /\d\.\d/.test(swapped ? claim.lhs.latex : claim.rhs.latex);
}

function sideText(claim: Claim, swapped: boolean): string {
  return plainText((swapped ? claim.rhs.latex : claim.lhs.latex).trim());
}

const FACTORIAL = [1, 1, 2, 6, 24, 120, 720, 5040, 40320, 362880, 3628800];

/** Test functions that are not polynomials (a cubic has no x⁴ coefficient to get wrong). */
function drawSmooth(arities: Map<string, number>, rng: Rng): Map<string, TestFn> {
  let fns = drawTestFunctions(arities, rng);
  for (let i = 0; i < 10 && [...fns.values()].some((t) => t.arity === 1 && polyDegree(t.body, '#0') !== null); i++) fns = drawTestFunctions(arities, rng);
  return fns;
}

const REL_TOL = 1e-8;

function judge(s: Setup, dl: Expr[], dr: Expr[], n: number, x0: Expr, salt: number): Outcome {
  const random = s.abstract || s.params.length > 0;
  const needed = random ? 3 : 1;
  const rng = makeRng(`${s.claim.latex}#taylor#${salt}#${n}`);
  const draws: Draw[] = [];
  let singular = false;
  for (let attempt = 0; attempt < 60 && draws.length < needed; attempt++) {
    if (Date.now() > s.options.deadline) return { kind: 'undecided', why: 'ran out of time' };
    const fns = s.abstract ? drawSmooth(s.arities, rng) : new Map<string, TestFn>();
    const env: Env = new Map();
    for (const q of s.params) env.set(q, sampleValue(rng, attempt >= 20));
    if (s.options.conditions && !s.options.conditions.every((c) => safely(() => c(env, fns)))) continue;
    const x0v = evaluate(x0, env, fns).v;
    if (!Number.isFinite(x0v)) continue;
    const at = new Map(env);
    at.set(s.x, x0v);
    const c = dl.slice(0, n + 1).map((d, k) => scaled(evaluate(d, at, fns), k));
    const d = dr.slice(0, n + 1).map((q, k) => scaled(evaluate(q, at, fns), k));
    if (c.some((q) => !Number.isFinite(q.v) || Math.abs(q.v) > 1e100)) {
      singular = true;
      if (!random) break;
      continue;
    }
    if (d.some((q) => !Number.isFinite(q.v))) continue;
    draws.push({ env: at, fns, x0: x0v, c, d });
  }
  if (draws.length < needed) {
    const where = random ? `near ${show(s.x)} = ${pointText(x0)}` : `at ${show(s.x)} = ${pointText(x0)}`;
    if (singular) return { kind: 'singular', why: `${sideText(s.claim, s.swapped)} is not smooth ${where} (its derivatives are not finite there)` };
    return { kind: 'undecided', why: `no point found where both sides are real numbers ${where}` };
  }
  let near = false;
  const firstBad = draws.map((dw) => {
    for (let k = 0; k <= n; k++) {
      const state = compareCoefficient(dw.c[k], dw.d[k], s.rounding);
      if (state === 'near') near = true;
      if (state === 'differ') return k;
    }
    return Infinity;
  });
  if (firstBad.every((k) => k === Infinity)) return { kind: 'match', draws, near };
  // The values at x₀ must agree in every draw for a mismatch to say anything about the other coefficients.
  const coefficientDiffers = (dw: Draw, k: number) => compareCoefficient(dw.c[k], dw.d[k], s.rounding) === 'differ';
  const cZero = draws.every((dw) => !coefficientDiffers(dw, 0));
  const k = cZero ? Math.min(...firstBad) : 0;
  const at = draws[firstBad.indexOf(k)] ?? draws.find((dw) => coefficientDiffers(dw, k))!;
  const count = draws.filter((dw) => coefficientDiffers(dw, k)).length;
  return { kind: 'mismatch', draws, k, at, count, cZero };
}

function safely(f: () => boolean): boolean {
  try {
    return f();
  } catch {
    return false;
  }
}

function scaled(val: { v: number; m: number }, k: number): { v: number; m: number } {
  return { v: val.v / FACTORIAL[k], m: val.m / FACTORIAL[k] };
}

/** Equal up to round-off; near (within 1%, or within the rounding of the decimals written); or different. */
function compareCoefficient(a: { v: number; m: number }, b: { v: number; m: number }, rounding: number): 'match' | 'near' | 'differ' {
  const scale = Math.max(a.m, b.m, Math.abs(a.v), Math.abs(b.v));
  const diffAbs = Math.abs(a.v - b.v);
  if (diffAbs <= REL_TOL * scale || diffAbs < 1e-300) return 'match';
  if (diffAbs < 1e-2 * Math.max(Math.abs(a.v), Math.abs(b.v)) || diffAbs <= rounding * (1 + 1e-9)) return 'near';
  return 'differ';
}

/** Which degrees a written term contributes to (its nonzero coefficients at x₀), or null when it cannot tell. */
function termDegrees(t: Expr, s: Setup, n: number, dw: Draw): number[] | null {
  const out: number[] = [];
  let cur = t;
  for (let k = 0; k <= n; k++) {
    if (k > 0) cur = diff(cur, s.x);
    const val = evaluate(cur, dw.env, dw.fns);
    if (!Number.isFinite(val.v)) return null;
    if (Math.abs(val.v) > 1e-9 * Math.max(1, val.m)) out.push(k);
  }
  return out;
}

/** The mismatch at degree k, confirmed in high precision: true, false (round-off), or null (cannot tell). */
function confirm(s: Setup, dl: Expr[], dr: Expr[], k: number, dw: Draw): boolean | null {
  const l = s.abstract ? instantiate(dl[k], dw.fns) : dl[k];
  const r = s.abstract ? instantiate(dr[k], dw.fns) : dr[k];
  const c = dw.c[k];
  const d = dw.d[k];
  const hp = differsInHighPrecision(l, r, dw.env, Math.max(c.m, d.m) * FACTORIAL[k]);
  if (hp !== null) return hp;
  return Math.abs(c.v - d.v) > 1e-5 * Math.max(c.m, d.m, Math.abs(c.v), Math.abs(d.v)) ? true : null;
}

/**
 * A point a where P is the Taylor polynomial of E (all of E − P, …, (E − P)⁽ⁿ⁾ vanish), searched on [−10, 10]
 * through the sign changes of (E − P)⁽ⁿ⁾; null when there is none.
 */
function tangencyPoint(s: Setup, dl: Expr[], dr: Expr[], n: number): number | null {
  const g = (k: number, a: number): number => {
    const env: Env = new Map([[s.x, a]]);
    return evaluate(dl[k], env, new Map()).v - evaluate(dr[k], env, new Map()).v;
  };
  const scaleAt = (k: number, a: number): number => {
    const env: Env = new Map([[s.x, a]]);
    const u = evaluate(dl[k], env, new Map());
    const w = evaluate(dr[k], env, new Map());
    return Math.max(1, u.m, w.m, Math.abs(u.v), Math.abs(w.v));
  };
  const step = 0.05;
  let prev = g(n, -10);
  for (let i = 1; i <= 400; i++) {
    if (Date.now() > s.options.deadline) return null;
    const b = -10 + i * step;
    const cur = g(n, b);
    if (Number.isFinite(prev) && Number.isFinite(cur) && (cur === 0 || prev * cur < 0)) {
      let lo = b - step;
      let hi = b;
      let flo = prev;
      for (let j = 0; j < 80 && cur !== 0; j++) {
        const mid = (lo + hi) / 2;
        const fm = g(n, mid);
        if (!Number.isFinite(fm)) break;
        if (fm === 0 || (flo < 0) !== (fm < 0)) hi = mid;
        else {
          lo = mid;
          flo = fm;
        }
      }
      let a = cur === 0 ? b : (lo + hi) / 2;
      const r = Math.round(a);
      if (Math.abs(a - r) < 1e-9) a = r;
      let ok = true;
      for (let k = 0; k < n && ok; k++) ok = Math.abs(g(k, a)) <= 1e-7 * scaleAt(k, a);
      if (ok) return a;
    }
    prev = cur;
  }
  return null;
}

// ---- verdicts -----------------------------------------------------------------------------------------------------

function fnText(s: Setup, dw: Draw): string {
  return [...dw.fns].map(([name, t]) => plainText(`${symbolLatex(name)} = ${t.show.split('#0').join(symbolLatex(s.x)).split('#1').join('y')}`)).join(', ');
}

/** Concrete curves for the hover plot: E and P (and the right polynomial) with this draw's functions and values. */
function plotFor(s: Setup, dw: Draw, curves: { label: string; expr: Expr }[]): PlotSpec {
  const fixed = new Map<string, Expr>();
  for (const [name, val] of dw.env) if (name !== s.x) fixed.set(name, num(val));
  const concrete = (e: Expr) => substitute(s.abstract ? instantiate(e, dw.fns) : e, fixed);
  return { kind: 'taylor', variable: show(s.x), x0: dw.x0, curves: curves.map((c) => ({ label: c.label, expr: concrete(c.expr) })) };
}

function eLabel(s: Setup, dw: Draw): string {
  const text = sideText(s.claim, s.swapped);
  return s.abstract ? `${text}, ${fnText(s, dw)}` : text;
}

function verified(s: Setup, dl: Expr[], n: number, x0: Expr, draws: Draw[], near: boolean): CheckedClaim {
  const e = sideText(s.claim, s.swapped);
  const at = `${show(s.x)} = ${pointText(x0)}`;
  const notes: string[] = [];
  if (near) notes.push('to the precision its decimals are written with');
  if (!s.abstract && s.params.length === 0) {
    // sin x ≈ x: the degree is read from P, and the next coefficient of E may be 0 as well.
    try {
      const next = diff(dl[n], s.x);
      const c = evaluate(next, new Map([[s.x, draws[0].x0]]), new Map());
      if (Number.isFinite(c.v) && Math.abs(c.v) <= 1e-12 * Math.max(1, c.m)) {
        notes.push(`the degree is that of the polynomial; the ${monomialText(s.x, x0, n + 1)} of ${e} is 0 too`);
      }
    } catch {
      // Too large to say: no note.
    }
  }
  const symbols = [...s.arities.keys(), ...s.params].map(show);
  const how = s.abstract || s.params.length ? `coefficients compared under ${draws.length} random choices of ${symbols.join(', ')}` : 'coefficients compared';
  const reason = `verified: the Taylor polynomial of degree ${n} of ${e} at ${at} (${how}${notes.length ? `; ${notes.join('; ')}` : ''})`;
  const dw = draws[0];
  const plot = plotFor(s, dw, [
    { label: eLabel(s, dw), expr: s.e },
    { label: 'Taylor polynomial', expr: s.p },
  ]);
  return { verdict: 'verified', kind: 'approximation', reason, plot };
}

/** The Taylor polynomial of E at x₀ of degree n, as IR (for the plot and, symbolically, for the expected text). */
function taylorExpr(s: Setup, coeffs: Expr[], x0: Expr): Expr {
  const base = isNum(x0, 0) ? mkVar(s.x) : add(mkVar(s.x), neg(x0));
  return add(...coeffs.map((c, k) => mul(c, pow(base, num(k)))));
}

/** `c_0 + c_1 (x - x_0) + …` term by term, in increasing degree. */
function termsLatex(coeffs: Expr[], base: Expr): string {
  let out = '';
  coeffs.forEach((c, k) => {
    if (isNum(c, 0)) return;
    let term = simplify(mul(c, pow(base, num(k))));
    const negative = (term.k === 'num' && term.v < 0) || (term.k === 'mul' && term.a[0].k === 'num' && term.a[0].v < 0);
    if (negative) term = simplify(mul(num(-1), term));
    const t = toLatex(term);
    if (!out) out = negative ? `-${t}` : t;
    else out += negative ? ` - ${t}` : ` + ${t}`;
  });
  return out || '0';
}

function falseVerdict(s: Setup, dl: Expr[], dr: Expr[], n: number, x0: Expr, o: Extract<Outcome, { kind: 'mismatch' }>): CheckedClaim {
  const dw = o.at;
  const concrete = !s.abstract && s.params.length === 0 && x0.k === 'num';
  // Our derivatives must agree with an independent one (numerical, high precision; mathjs where that fails)
  // before we call a coefficient wrong.
  if (concrete) {
    for (let k = 0; k < o.k; k++) {
      if (derivativeAgrees(dl[k], s.x, dl[k + 1], dw.env) === false) {
        return unchecked(`it is not the Taylor polynomial of ${sideText(s.claim, s.swapped)} at ${pointText(x0)}, but our derivative and an independent one disagree here (please report this note)`);
      }
    }
  }
  const symbolic = (d: Expr, k: number): Expr => simplify(mul(num(1 / FACTORIAL[k]), substitute(d, new Map([[s.x, x0]]))));
  const e = sideText(s.claim, s.swapped);
  const mono = monomialText(s.x, x0, o.k);
  let expected: string;
  let right: Expr;
  let msg: string;
  if (concrete) {
    const coeffs = dw.c.map((c) => c.v);
    expected = polynomialLatex(coeffs, shiftLatex(s.x, x0));
    right = taylorExpr(s, coeffs.map((c) => num(c)), x0);
    msg = `The ${mono} of the Taylor polynomial of ${e} at ${pointText(x0)} is ${plainText(niceLatex(dw.c[o.k].v))}, not ${plainText(niceLatex(dw.d[o.k].v))}`;
  } else {
    const cs = dl.slice(0, n + 1).map((d, k) => symbolic(d, k));
    const cSym = cs[o.k];
    const dSym = symbolic(dr[o.k], o.k);
    const readableSym = size(cSym, 40) <= 40 && size(dSym, 40) <= 40;
    right = taylorExpr(s, cs, x0);
    expected = termsLatex(cs, isNum(x0, 0) ? mkVar(s.x) : add(mkVar(s.x), neg(x0)));
    if (readableSym) {
      msg = `The ${mono} of the Taylor polynomial of ${e} at ${pointText(x0)} is ${coefficientText(cSym, dw.c[o.k].v)}, not ${coefficientText(dSym, dw.d[o.k].v)}`;
    } else {
      const where = [...dw.env].map(([name, val]) => `${show(name)} = ${formatNumber(val)}`).join(', ');
      const fns = s.abstract ? `with ${fnText(s, dw)} ` : '';
      msg = `The ${mono} of the Taylor polynomial of ${e} at ${pointText(x0)} is not the stated one: ${fns}at ${where} it is ${formatNumber(dw.c[o.k].v)}, not ${formatNumber(dw.d[o.k].v)}`;
    }
  }
  const reason = `${msg}. Expected ${plainText(expected)}.`;
  const plot = plotFor(s, dw, [
    { label: eLabel(s, dw), expr: s.e },
    { label: 'stated', expr: s.p },
    { label: 'Taylor polynomial', expr: right },
  ]);
  const out: CheckedClaim = { verdict: 'false', kind: 'approximation', reason, plot };
  // The quick fix replaces the right side: only when the polynomial is the right side.
  if (!s.swapped) out.expected = expected;
  return out;
}
