/**
 * From the parse tree to the IR: notation is resolved here. Derivatives in any notation become symbolic
 * derivatives; the note's definitions are substituted; letters that are applied or primed become abstract
 * functions; a name that is differentiated but never defined (`y` in `dy/dx = dy/dz · dz/dx`) becomes a
 * dependent variable, an abstract function of what it is differentiated by.
 *
 * Anything we cannot give a sure meaning throws `Unsupported` (the claim is then "not checked"); a reading
 * that is possible but doubtful is recorded in `doubts` (a claim that fails only under it is not called false).
 */
import type { DerivNode, Node, SymNode, WrtVar } from '../parse/ast';
import { symbolName } from '../parse/ast';
import { containsNode, nodesWithDefinitions, plainOperands, squareBracketProduct, walk } from '../parse/walk';
import { isDeclaredConstant, type NoteContext } from '../semantics/context';
import { Expr, FnName, abstractFns, add, app, div, fn, freeVars, mul, neg, num, pow, same, substitute, v, v as mkVar } from './expr';
import { BY_CALL, LIBRARY_FUNCTIONS } from '../library/functions';
import { diff } from './diff';
import { QuietError } from './quiet';
import { conventionalFunctionLetter, mayBeFunction } from '../semantics/letters';
import { doubt, type Doubt, type ReasonCode } from '../semantics/reasons';
import { abstractSubscriptPartial, hasDifferential, isDifferentialApplied, isDifferentialMark, subscriptPartial, writtenDifferentials } from '../semantics/notation';

export class Unsupported extends QuietError {
  constructor(
    message: string,
    /** The kind of reason (semantics/reasons.ts). */
    readonly code: ReasonCode = 'not-understood',
  ) {
    super(message);
  }
}
/** Unsupported because the claim involves vectors or matrices: the matrix checker may read it. */
export class VectorUnsupported extends Unsupported {}

export interface LowerOptions {
  logBase: 'e' | '10';
  /** The names whose differentials the claim's chain writes (Claim.chainDifferentials): what moves. */
  differentials?: readonly string[];
  /** How `\sin^{-1} x` is read: the inverse function or the reciprocal. Unset: it is ambiguous (not understood). */
  inverseReading?: 'inverse' | 'reciprocal';
}

/** The message of the ambiguity the caller may resolve by reading the claim both ways. */
export const INVERSE_OR_RECIPROCAL = 'is ambiguous (inverse or reciprocal)';

const CONSTANTS: Record<string, number> = { pi: Math.PI };

const NO_NAMES: ReadonlySet<string> = new Set();

/** Differentials are variables of their own: `d:x` is dx. */
export const DIFFERENTIAL = 'd:';

/** The name of the size of sums written without bounds (`\sum_k`): the number of their terms. */
export const TERMS = '#terms';
/** Which entry of a one-hot vector is 1 (see lowerSym). */
export const HOT = '#hot';

/**
 * What a sum or product runs over: its index and bounds as written. `\sum_{i=1}^n` (both bounds), `\sum_k` (all
 * values of k: no bounds), `\sum_{k \ne i}` (all but one). Null when no index is written, or only one bound.
 */
function sumRange(n: Extract<Node, { type: 'bigop' }>): { index: string; lower?: Node; upper?: Node; except?: Node } | null {
  if (n.index?.type === 'sym') {
    if (n.lower && n.upper) return { index: n.index.name, lower: n.lower, upper: n.upper };
    if (!n.lower && !n.upper) return { index: n.index.name };
    return null;
  }
  const l = n.lower;
  if (!n.upper && l?.type === 'unknown' && l.what === 'relation \\neq' && l.args.length === 2 && l.args[0].type === 'sym') {
    return { index: l.args[0].name, except: l.args[1] };
  }
  return null;
}

/** Function names that notes write without a backslash (`sinx`, `lnx`; `shx`, `chx` for sinh and cosh). */
const SPELLED_FUNCTIONS = [...new Set([...LIBRARY_FUNCTIONS.flatMap((f) => f.words ?? []).filter((w) => w.length >= 3), 'log'])].sort((a, b) => b.length - a.length);
const SPELLED_SHORT = ['sh', 'ch', 'th', 'ln', 'lg', 'tg'];

/**
 * A run of single letters written side by side that spells a function name: `s i n x`, `c h x`. The word, or null.
 * (Two-letter names only at the start of a run of three or more letters: `chx`, not `2th`.)
 */
function spelledFunction(factors: readonly Node[]): string | null {
  let run = '';
  let end = -1;
  const check = (): string | null => {
    for (const w of SPELLED_FUNCTIONS) if (run.includes(w)) return w;
    if (run.length >= 3) for (const w of SPELLED_SHORT) if (run.startsWith(w)) return w;
    return null;
  };
  for (const f of factors) {
    const letter = f.type === 'sym' && /^[a-z]$/.test(f.base) && !f.sub && !f.font && !f.accent && !f.label;
    if (letter && (run === '' || f.span.start === end)) {
      run += f.base;
      end = f.span.end;
      continue;
    }
    const found = run.length >= 3 ? check() : null;
    if (found) return found;
    run = letter ? f.base : '';
    end = letter ? f.span.end : -1;
  }
  return run.length >= 3 ? check() : null;
}

/** Does a subscript hold the index letter i (`x_i`, `A_{ij}`, `x_{i+1}`)? */
function indexIn(sub: string | undefined, subNode: Node | undefined, i: string): boolean {
  if (sub === undefined) return false;
  if (sub === i) return true;
  if (/^[a-zA-Z0-9]{2,3}$/.test(sub)) return sub.includes(i);
  return !!subNode && containsNode(subNode, (m) => m.type === 'sym' && m.name === i);
}

/** A sum's size until the caller fixes it, and the most terms a sum or product is written out to. */
const DEFAULT_SIZE = 3;
const MAX_TERMS = 12;

function symName(n: Node | null | undefined): string | null {
  return n && n.type === 'sym' ? n.name : null;
}

interface DepEdge {
  to: string;
  partial: boolean;
}

export class Lowerer {
  /** Reasons a false result may be a misreading. */
  readonly doubts: Doubt[] = [];
  /** Symbolic derivative orders met (`d^n f/dx^n`): the caller checks several values. */
  readonly orderSymbols = new Set<string>();
  /**
   * Letters that bound a sum or product (`n` in `\sum_{i=1}^n`): a size, which the caller fixes at several small
   * values (orderValues), 3 until it does. Not a letter the note defines.
   */
  readonly sizeSymbols = new Set<string>();
  /**
   * Free indices (`j` in `\frac{\partial}{\partial w_j}\sum_i w_i x_i`): a letter written as the subscript of a name
   * that a sum runs over with its own index. The caller fixes it (orderValues) at the sum's first values; the
   * value here is the first one.
   */
  readonly freeIndices = new Map<string, number>();
  /** `f_x` of a function the note does not define, as ∂f/∂x (semantics/notation.ts abstractSubscriptPartial). */
  private readonly abstractPartials = new Map<string, { base: string; vars: string[] }>();
  /** One-hot vectors (the note says so) whose entries were given their 0/1 values here. */
  readonly oneHotApplied = new Set<string>();
  /** Bases of the names some sum runs over by its index (x in `\sum_i x_i`). */
  private summedBases = new Set<string>();
  /** True once any derivative notation was lowered. */
  usedDerivative = false;
  /** Abstract functions and dependent variables, with how they are shown in messages. */
  readonly abstractNames = new Set<string>();
  readonly dependents = new Map<string, string[]>();

  private readonly functionSyms = new Set<string>();
  /** Names the claim writes as plain operands somewhere (not only in front of a parenthesis). */
  private readonly plainNames = new Set<string>();
  private readonly implicitArgs = new Map<string, Node[] | null>();
  private readonly diffVars = new Set<string>();
  private locals: Map<string, Expr>[] = [];
  private expanding = new Set<string>();
  /** The note's plain definitions this lowering substituted (name → its value), so results can be written back in them. */
  readonly expandedDefinitions = new Map<string, Expr>();
  /** Functions whose implicit arguments are being lowered (see implicitArgExprs). */
  private readonly implicitExpanding = new Set<string>();
  private opaque: Set<string> | null = null;
  private implicitVarName: string;
  /** The implicit variable is a guess: x by convention, while the claim has other letters and no x. */
  private implicitVarGuessed = false;

  constructor(
    private readonly ctx: NoteContext,
    roots: Node[],
    private readonly options: LowerOptions,
    private readonly orderValues: Map<string, number> = new Map(),
  ) {
    // Everything the claim refers to, following the note's definitions.
    const all = nodesWithDefinitions(roots, (m) => ctx.bindings.get(m.name)?.body);

    // Variables of differentiation.
    for (const m of all) if (m.type === 'deriv') for (const w of m.wrt) if (w.v.type === 'sym') this.diffVars.add(w.v.name);

    // (Most claims have no d at all: no walk.)
    const anyD = all.some((m) => m.type === 'sym' && m.base === 'd');
    this.moving = options.differentials ? new Set(options.differentials) : anyD ? writtenDifferentials(roots, ctx) : NO_NAMES;

    // Sums and products with bounds: the letters of their bounds are sizes, and a name summed over by its index
    // that is also written with another letter as subscript has that letter as a free index.
    if (all.some((m) => m.type === 'bigop')) this.findSizesAndIndices(all);

    // Function symbols: declared, defined with parameters, applied, or primed.
    for (const name of ctx.functions) this.functionSyms.add(name);
    // What σ denotes, when the note said: a general function is one like f.
    if (ctx.conventions?.sigma?.value === 'function' && !ctx.bindings.has('sigma')) this.functionSyms.add('sigma');
    for (const m of plainOperands(all)) this.plainNames.add(m.name);
    for (const [name, b] of ctx.bindings) if (b.params) this.functionSyms.add(name);
    const addFunctionUse = (s: SymNode, args: Node[] | null) => {
      // `x(y + 1)` with x the variable is a product; `\frac{df}{dg}` with g(x) applied keeps g a function.
      if (this.diffVars.has(s.name) && !conventionalFunctionLetter(s)) return;
      const b = ctx.bindings.get(s.name);
      if (b && !b.params) return; // a defined name, not a function
      if (s.base === 'sigma' && !s.sub && !b) return; // the logistic function
      this.functionSyms.add(s.name);
      if (args) {
        const prev = this.implicitArgs.get(s.name);
        if (prev === undefined) this.implicitArgs.set(s.name, args);
        else if (prev !== null && !sameArgs(prev, args)) this.implicitArgs.set(s.name, null);
      }
    };
    for (const m of all) {
      if (m.type === 'apply' && m.bracket === '[') continue; // `x[…]` says nothing; read once the functions are known
      if (m.type === 'apply' && m.fn.type === 'sym') {
        // (`y_i(1 - a_i)` with a sum over the y_k: an entry times a bracket, not a function.)
        if ((mayBeFunction(m.fn) || ctx.functions.has(m.fn.name)) && !(m.fn.sub !== undefined && this.summedBases.has(m.fn.base))) addFunctionUse(m.fn, m.args);
      } else if (m.type === 'apply' && m.fn.type === 'prime' && m.fn.arg.type === 'sym') {
        addFunctionUse(m.fn.arg, m.args);
      } else if (m.type === 'prime' && m.arg.type === 'sym' && !ctx.bindings.has(m.arg.name) && mayBeFunction(m.arg)) {
        addFunctionUse(m.arg, null);
      }
    }

    for (const m of all) if (m.type === 'apply' && m.bracket === '[' && m.fn.type === 'sym' && this.functionSyms.has(m.fn.name)) addFunctionUse(m.fn, m.args);

    // Names the claim's definitions are written in (x in z = x^2) are variables, never dependents.
    const usedInDefinitions = new Set<string>();
    for (const root of roots) {
      walk(root, (m) => {
        if (m.type !== 'sym') return;
        const b = ctx.bindings.get(m.name);
        if (b) walk(b.body, (k) => {
          if (k.type === 'sym') usedInDefinitions.add(k.name);
        });
      });
    }

    // Dependent variables: undefined names that are differentiated.
    const edges = new Map<string, DepEdge[]>();
    const totalAlso = new Set<string>();
    for (const m of all) {
      if (m.type !== 'deriv' || m.form !== 'leibniz' || m.kind !== 'd') continue;
      const s = symName(m.of);
      for (const w of m.wrt) if (s && symName(w.v)) totalAlso.add(`${s}|${symName(w.v)}`);
    }
    // (A name the definitions are written in that the claim differentiates, `\frac{dr}{dt}` with V = \frac43\pi r^3,
    // depends on what it is differentiated by — related rates — unless that is itself defined in terms of it:
    // `\frac{dx}{du}` with u = 2x keeps x a variable.)
    const definedThrough = (t: string, s: string, depth = 0): boolean => {
      const b = ctx.bindings.get(t);
      if (!b || depth > 8) return false;
      return containsNode(b.body, (k) => k.type === 'sym' && (k.name === s || (k.name !== t && definedThrough(k.name, s, depth + 1))));
    };
    for (const m of all) {
      if (m.type !== 'deriv' || m.form !== 'leibniz') continue;
      const s = symName(m.of);
      if (!s || ctx.bindings.has(s) || this.functionSyms.has(s)) continue;
      if (usedInDefinitions.has(s) && m.wrt.some((w) => { const t = symName(w.v); return !t || !ctx.bindings.has(t) ? m.kind === 'partial' : definedThrough(t, s); })) continue;
      const list = edges.get(s) ?? [];
      for (const w of m.wrt) {
        const t = symName(w.v);
        if (!t || t === s) continue;
        const existing = list.find((e) => e.to === t);
        if (existing) existing.partial = existing.partial || m.kind === 'partial';
        else list.push({ to: t, partial: m.kind === 'partial' });
      }
      edges.set(s, list);
    }
    // `f_x`, `f_y` of a function the note does not define (`\frac{\partial f}{\partial x} = f_y`): ∂f/∂x, ∂f/∂y, and f
    // depends on those variables.
    for (const m of all) {
      if (m.type !== 'sym' || m.sub === undefined) continue;
      const p = abstractSubscriptPartial(m, ctx, (name) => this.functionSyms.has(name) || edges.has(name) || ctx.functions.has(name));
      if (!p) continue;
      this.abstractPartials.set(m.name, p);
      if (this.functionSyms.has(p.base)) continue;
      const list = edges.get(p.base) ?? [];
      for (const v of p.vars) if (v !== p.base && !list.some((e) => e.to === v)) list.push({ to: v, partial: true });
      edges.set(p.base, list);
    }
    const reach = (from: string, to: string, skip: DepEdge | null, depth = 0): boolean => {
      if (depth > 50) return false;
      for (const e of edges.get(from) ?? []) {
        if (e === skip) continue;
        if (e.to === to || reach(e.to, to, null, depth + 1)) return true;
      }
      return false;
    };
    for (const [s, list] of edges) {
      if (reach(s, s, null)) throw new Unsupported(`${show(s)} is differentiated with respect to something that depends on it`);
      // An edge implied by others is dropped (y(z(x)): dy/dx goes through z), unless the claim tells a partial
      // derivative from a total one for the same pair (dz/dx = ∂z/∂x + ∂z/∂y dy/dx): then z depends on x directly.
      const kept = list.filter((e) => (e.partial && totalAlso.has(`${s}|${e.to}`)) || !reach(s, e.to, e));
      this.dependents.set(s, kept.map((e) => e.to));
      this.abstractNames.add(s);
    }

    // An undefined quantity differentiated by entries of a summed vector (`\frac{\partial L}{\partial w_{jk}}` with
    // `z_j = \sum_k w_{jk}a_k`): which entries it depends on is not known, so nothing is decided about it.
    // (Only where a free index is written in those names: a sum elsewhere, `a_k = \sum_j v_{kj} z_j`, leaves the chain
    // rule ∂E/∂v_{kj} = ∂E/∂a_k ∂a_k/∂v_{kj} readable as before.)
    if (this.freeIndices.size && this.dependents.size) {
      const indexed = (name: string) => [...this.freeIndices.keys()].some((j) => new RegExp(`_[^_]*${j}`).test(name));
      for (const [s, deps] of this.dependents) {
        if (indexed(s) || deps.some(indexed)) throw new Unsupported(`${show(s)} is differentiated by entries of a sum and is not defined`);
      }
    }
    this.implicitVarName = this.pickImplicitVar(all);
  }

  /** The variable of `(E)'`, `f'` and of bare function names: x when present, else the one free letter. */
  private pickImplicitVar(all: Node[]): string {
    const leaves = new Set<string>();
    // σ(…) is the logistic function, not a letter of the claim.
    const logistic = new Set<Node>();
    for (const m of all) if (m.type === 'apply' && m.fn.type === 'sym' && m.fn.base === 'sigma' && !m.fn.sub && !this.ctx.bindings.has(m.fn.name)) logistic.add(m.fn);
    for (const m of all) {
      if (m.type !== 'sym' || logistic.has(m)) continue;
      if (this.functionSyms.has(m.name) || this.dependents.has(m.name) || this.ctx.bindings.has(m.name)) continue;
      if (m.name === 'e' || m.name in CONSTANTS) continue;
      if (isDeclaredConstant(this.ctx, m.name)) continue; // "let $c$ be a constant": never the variable
      leaves.add(m.name);
    }
    for (const d of this.diffVars) if (!this.dependents.has(d) && !this.functionSyms.has(d)) return d;
    for (const pref of ['x', 't', 'z', 's', 'u']) if (leaves.has(pref)) return pref;
    // The one free letter, unless functions are used bare: in (cf)' the letter c is a constant and f is f(x).
    const bareFunctions = all.some((m) => m.type === 'sym' && this.functionSyms.has(m.name));
    if (leaves.size === 1 && !bareFunctions) return [...leaves][0];
    this.implicitVarGuessed = leaves.size > 0;
    return 'x';
  }

  get implicitVar(): string {
    return this.implicitVarName;
  }

  isFunctionSymbol(name: string): boolean {
    return this.functionSyms.has(name);
  }

  /** `f[…]` is f applied when f is a function here (or f', or a defined function); else `x[…]` is a product. */
  private appliesSquare(f: Node): boolean {
    if (f.type === 'prime') return true;
    return f.type === 'sym' && (this.functionSyms.has(f.name) || !!this.ctx.bindings.get(f.name)?.params);
  }

  /** Names that stand for something else (definitions and dependent variables): opaque in partial derivatives. */
  private isIntermediate(name: string): boolean {
    return this.ctx.bindings.has(name) || this.dependents.has(name);
  }

  private lookupLocal(name: string): Expr | undefined {
    for (let i = this.locals.length - 1; i >= 0; i--) {
      const r = this.locals[i].get(name);
      if (r) return r;
    }
    return undefined;
  }

  private withLocals<T>(m: Map<string, Expr>, f: () => T): T {
    this.locals.push(m);
    try {
      return f();
    } finally {
      this.locals.pop();
    }
  }

  private withOpaque<T>(names: Set<string> | null, f: () => T): T {
    const prev = this.opaque;
    this.opaque = names;
    try {
      return f();
    } finally {
      this.opaque = prev;
    }
  }

  private allIntermediates(): Set<string> {
    const s = new Set<string>();
    for (const name of this.ctx.bindings.keys()) s.add(name);
    for (const name of this.dependents.keys()) s.add(name);
    return s;
  }

  /** Derivatives of concrete expressions taken while lowering, for the independent cross-check. */
  readonly derivativesTaken: { expr: Expr; variable: string; result: Expr }[] = [];

  private d(e: Expr, x: string): Expr {
    const r = diff(e, x);
    if (this.derivativesTaken.length < 20 && abstractFns(e).size === 0) this.derivativesTaken.push({ expr: e, variable: x, result: r });
    return r;
  }

  lower(n: Node): Expr {
    switch (n.type) {
      case 'num':
        return num(n.value);
      case 'sym':
        return this.lowerSym(n);
      case 'neg':
        return neg(this.lower(n.arg));
      case 'add':
        return add(...n.terms.map((t) => this.lower(t)));
      case 'mul': {
        const word = spelledFunction(n.factors);
        if (word) this.doubts.push(doubt('ambiguous-notation', `"${word}" may be the function ${word} written without its backslash, not a product of letters`));
        if (hasDifferential(n.factors, this.ctx)) return this.withDifferentials(n);
        for (const op of n.ops) {
          if (op === 'odot' || op === 'otimes') throw new VectorUnsupported('elementwise and Kronecker products are vector calculus, not checked yet');
          if (op === 'circ') throw new Unsupported('function composition with \\circ is not understood yet');
        }
        return mul(...n.factors.map((t) => this.lower(t)));
      }
      case 'div':
        return div(this.lower(n.num), this.lower(n.den));
      case 'pow':
        return this.lowerPow(n.base, n.exp);
      case 'call':
        return this.lowerCall(n);
      case 'apply':
        if (isDifferentialApplied(n, this.ctx)) return this.differential(n.args[0]);
        if (n.bracket === '[' && !this.appliesSquare(n.fn)) return this.lower(squareBracketProduct(n));
        return this.lowerApply(n.fn, n.args);
      case 'prime':
        return this.lowerPrime(n.arg, n.order, null);
      case 'deriv':
        return this.lowerDeriv(n);
      case 'evalat':
        return this.lowerEvalAt(n.expr, n.variable ?? null, n.at);
      case 'limit':
        throw new Unsupported('it contains a limit');
      case 'bigop':
        if (n.op === 'int') return this.lowerIntegral(n);
        if (n.op === 'sum' || n.op === 'prod') return this.lowerBigSum(n);
        throw new Unsupported('it contains an integral');
      case 'tuple':
        throw new VectorUnsupported('it contains a vector or list');
      case 'matrix':
        throw new VectorUnsupported('it contains a matrix');
      case 'norm':
        throw new VectorUnsupported('it contains a norm (vector calculus is not checked yet)');
      case 'ellipsis':
        throw new Unsupported('it contains an ellipsis (…)');
      case 'unknown':
        throw new Unsupported(`${n.what.startsWith('operatorname:') ? `\\operatorname{${n.what.slice(13)}}` : n.what} is not understood`);
    }
  }

  private lowerSym(s: SymNode): Expr {
    const local = this.lookupLocal(s.name);
    if (local) return local;
    if (this.sizeSymbols.has(s.name) || this.freeIndices.has(s.name)) return num(this.orderValues.get(s.name) ?? this.freeIndices.get(s.name) ?? DEFAULT_SIZE);
    const partial = s.sub !== undefined ? this.subscriptPartial(s) : null;
    if (partial) return this.lowerSubscriptPartial(partial, null);
    const abstract = this.abstractPartials.get(s.name);
    if (abstract && !this.lookupLocal(s.name)) {
      this.usedDerivative = true;
      let e = this.lowerName(abstract.base);
      for (const v of abstract.vars) {
        if (!freeVars(e).has(v)) throw new Unsupported(`${show(s.name)}: ${show(abstract.base)} does not depend on ${show(v)} here`);
        e = this.d(e, v);
      }
      return e;
    }
    if ((s.sub !== undefined || s.label !== undefined) && (this.locals.length || this.freeIndices.size)) {
      const name = this.concreteName(s);
      if (name !== s.name) {
        // `\delta_{mn}` with values for its indices: Kronecker's delta (unless the note defines δ).
        const entries = name.slice(name.indexOf('_') + 1).split(',');
        if (s.base === 'delta' && !s.font && !s.accent && entries.length === 2 && entries.every((e) => /^-?\d+$/.test(e)) && !this.ctx.bindings.has(s.name)) {
          return num(entries[0] === entries[1] ? 1 : 0);
        }
        // `y_2` of a vector the note says is one-hot: 1 at the hot entry (the caller varies it), 0 elsewhere.
        if (entries.length === 1 && /^\d+$/.test(entries[0]) && !this.ctx.bindings.has(name) && this.ctx.conventions?.oneHot?.names.includes(s.base)) {
          this.oneHotApplied.add(s.base);
          return num(Number(entries[0]) === (this.orderValues.get(HOT) ?? 1) ? 1 : 0);
        }
        // `a_1` where the note defines the family `a_m = …`: that definition with m = 1.
        const family = this.ctx.bindings.has(name) ? null : this.familyOf(s, name);
        if (family) return family;
        return this.lowerSym({ ...s, name, sub: undefined, subNode: undefined, label: undefined });
      }
    }
    if (s.font === 'bold' || s.accent === 'vec') throw new VectorUnsupported(`${s.font === 'bold' ? 'bold' : 'arrowed'} ${s.base} is a vector; vector calculus is not checked yet`);
    if (s.font === 'bb') throw new Unsupported(`\\mathbb{${s.base}} is a set, not a value`);
    if (this.opaque?.has(s.name)) return mkVar(s.name);
    const b = this.ctx.bindings.get(s.name);
    if (b && !b.params && !this.expanding.has(s.name)) {
      this.expanding.add(s.name);
      try {
        const body = this.lower(b.body);
        if (!this.locals.length && !this.expandedDefinitions.has(s.name)) this.expandedDefinitions.set(s.name, body);
        return body;
      } finally {
        this.expanding.delete(s.name);
      }
    }
    if (b && b.params) {
      // A defined function used bare: f means f(x) in its own parameters, and parameters that are themselves
      // defined functions (f(u, v) with u(a, b) = …) stand for those functions.
      if (this.expanding.has(s.name)) return mkVar(s.name);
      this.expanding.add(s.name);
      let args: Expr[];
      try {
        args = b.params.map((p) => (p !== s.name && this.ctx.bindings.has(p) ? this.lowerName(p) : mkVar(p)));
      } finally {
        this.expanding.delete(s.name);
      }
      return this.callBound(s.name, args);
    }
    const deps = this.dependents.get(s.name);
    if (deps) return app(s.name, deps.map((d) => this.lowerName(d)));
    if (this.functionSyms.has(s.name)) {
      this.abstractNames.add(s.name);
      return app(s.name, this.implicitArgExprs(s.name));
    }
    if (s.name === 'e' || (s.base === 'e' && s.font === 'rm' && !s.sub)) return num(Math.E);
    if (s.name in CONSTANTS) return num(CONSTANTS[s.name]);
    if (s.base === 'infty') throw new Unsupported('it involves infinity');
    return mkVar(s.name);
  }

  /**
   * A definite integral `\\int_a^b body \\, dt` with finite bounds and one plain integration variable. The bound
   * variable is renamed apart (`t#1`), so it never meets a free `t` of the claim. Indefinite, improper (∞, read by
   * the bounds' lowering), multiple and nested integrals, and integration variables that are functions in the
   * note, stay not understood.
   */
  /** A product with differentials in it (`2x\,dx`, `\frac{dy}{dx}dx`): each `d` makes the differential of what follows. */
  private withDifferentials(n: Extract<Node, { type: 'mul' }>): Expr {
    for (const op of n.ops) if (op !== 'implicit' && op !== 'cdot' && op !== 'times') throw new Unsupported('this product of differentials is not understood', 'differential');
    const factors: Expr[] = [];
    for (let i = 0; i < n.factors.length; i++) {
      if (isDifferentialMark(n.factors[i], n.factors[i + 1], this.ctx)) {
        const of = n.factors[i + 1];
        if (of.type === 'pow' && of.base.type === 'sym') throw new Unsupported(`d${show(of.base.name)}^… may be (d${show(of.base.name)})^… or d(${show(of.base.name)}^…)`, 'differential');
        factors.push(this.differential(of));
        i++;
      } else factors.push(this.lower(n.factors[i]));
    }
    return mul(...factors);
  }

  /**
   * The differential of an expression: its change along a random direction of every variable it depends on,
   * `d(E) = Σ ∂E/∂v dv`, with `dv` a variable of its own (shown dv). `dx` is the direction of x itself.
   */
  private differential(of: Node): Expr {
    this.usedDifferential = true;
    this.usedDerivative = true;
    const e = this.lower(of);
    const terms: Expr[] = [];
    const vars = freeVars(e);
    // (What moves: the names the claim writes differentials of; when none of them is in this operand, everything.)
    const restricted = [...vars].some((x) => this.moving.has(x));
    for (const x of vars) {
      if (x.startsWith(DIFFERENTIAL)) throw new Unsupported('a differential of a differential is not checked', 'differential');
      if (restricted && !this.moving.has(x)) continue;
      terms.push(mul(diff(e, x), mkVar(`${DIFFERENTIAL}${x}`)));
    }
    return terms.length ? add(...terms) : num(0);
  }

  /** What moves in a differential: the names whose differential the claim writes (semantics/notation.ts). */
  private readonly moving: ReadonlySet<string>;

  /** Set when the claim has differentials (`dx`, `d(uv)`): it must be linear in them (see check.ts). */
  usedDifferential = false;

  /** `f_x` as ∂f/∂x (semantics/notation.ts), unless a local or f itself being expanded says otherwise. */
  private subscriptPartial(s: SymNode): { base: string; vars: string[] } | null {
    if (this.lookupLocal(s.name)) return null;
    const p = subscriptPartial(s, this.ctx);
    return p && !this.expanding.has(p.base) ? p : null;
  }

  private lowerSubscriptPartial(p: { base: string; vars: string[] }, argNodes: Node[] | null): Expr {
    this.usedDerivative = true;
    const b = this.ctx.bindings.get(p.base)!;
    if (!b.params) {
      if (argNodes) throw new Unsupported(`${show(p.base)}_${p.vars.join('')}(…) is not understood for a name that stands for an expression`);
      let e = this.lowerName(p.base);
      for (const v of p.vars) e = this.d(e, v);
      return e;
    }
    const params = b.params;
    let e = this.callBound(p.base, params.map((q) => mkVar(`#sub:${q}`)));
    for (const v of p.vars) e = this.d(e, `#sub:${v}`);
    const at = argNodes ? argNodes.map((a) => this.lower(a)) : params.map((q) => (q !== p.base && this.ctx.bindings.has(q) && !this.ctx.bindings.get(q)!.params ? this.lowerName(q) : mkVar(q)));
    if (at.length !== params.length) throw new Unsupported(`${show(p.base)} takes ${params.length} argument(s)`);
    return substitute(e, new Map(params.map((q, i) => [`#sub:${q}`, at[i]] as [string, Expr])));
  }

  /** See sizeSymbols and freeIndices. */
  private findSizesAndIndices(all: Node[]): void {
    const summed = new Map<string, number>(); // base of a name summed over by its index → the sum's first value
    const indices = new Set<string>();
    for (const m of all) {
      if (m.type !== 'bigop' || (m.op !== 'sum' && m.op !== 'prod')) continue;
      const range = sumRange(m);
      if (!range) continue;
      const i = range.index;
      indices.add(i);
      if (!range.upper) this.sizeSymbols.add(TERMS);
      for (const bound of [range.lower, range.upper]) {
        if (!bound) continue;
        walk(bound, (k) => {
          if (k.type === 'sym' && k.name !== i && !this.ctx.bindings.has(k.name) && !(k.name in CONSTANTS) && k.name !== 'e') this.sizeSymbols.add(k.name);
        });
      }
      const first = range.lower?.type === 'num' && Number.isInteger(range.lower.value) ? range.lower.value : 1;
      walk(m.body, (k) => {
        if (k.type === 'sym' && (indexIn(k.sub, k.subNode, i) || k.label === i) && !summed.has(k.base)) summed.set(k.base, first);
      });
    }
    if (!summed.size) return;
    this.summedBases = new Set(summed.keys());
    for (const m of all) {
      if (m.type !== 'sym' || !summed.has(m.base)) continue;
      // `\sigma(A) = \frac{\exp(A)}{\sum_j \exp(A_{ij})}`: the name written bare is the whole vector or matrix.
      if (m.sub === undefined && m.label === undefined && !m.accent && !this.ctx.bindings.has(m.name)) {
        throw new VectorUnsupported(`${show(m.name)} is written with an index in a sum and without one: it is a vector or matrix here`);
      }
      // `\bar x` beside a sum over x_i: most likely their mean, which the note may not have written as a definition.
      if (m.accent === 'bar' && m.sub === undefined && !this.ctx.bindings.has(m.name)) {
        this.doubts.push(doubt('undefined-symbol', `${show(m.name)} may be the mean of the ${show(m.base)}_i, which the claim does not say`));
      }
      for (const letter of [m.sub, m.label]) {
        if (letter && /^[a-zA-Z]$/.test(letter) && !indices.has(letter) && !this.sizeSymbols.has(letter) && !this.ctx.bindings.has(letter)) {
          this.freeIndices.set(letter, summed.get(m.base)!);
        }
      }
    }
  }

  /**
   * `\sum_{i=1}^{n} body` with bounds that are numbers once the sizes are fixed: the terms written out, the index
   * a number in each (so `x_i` is `x_2` in the second term).
   */
  private lowerBigSum(n: Extract<Node, { type: 'bigop' }>): Expr {
    const what = n.op === 'sum' ? 'sum' : 'product';
    const range = sumRange(n);
    if (!range) throw new Unsupported(`a ${what} without its index written (\\${n.op}_{i=1}^n) is not checked`);
    const i = range.index;
    // `\sum_k y_k`, `\sum_{k \ne i}`: over all the index's values, 1 to a size the caller fixes.
    const lo = range.lower ? this.integerBound(range.lower, what) : 1;
    const hi = range.upper ? this.integerBound(range.upper, what) : this.orderValues.get(TERMS) ?? DEFAULT_SIZE;
    const skip = range.except ? this.integerBound(range.except, what) : null;
    if (hi - lo + 1 > MAX_TERMS) throw new Unsupported(`a ${what} of more than ${MAX_TERMS} terms is not checked`);
    const terms: Expr[] = [];
    for (let k = lo; k <= hi; k++) if (k !== skip) terms.push(this.withLocals(new Map([[i, num(k)]]), () => this.lower(n.body)));
    if (!terms.length) return num(n.op === 'sum' ? 0 : 1);
    return n.op === 'sum' ? add(...terms) : mul(...terms);
  }

  private integerBound(b: Node, what: string): number {
    const e = this.lower(b);
    const value = e.k === 'num' ? e.v : NaN;
    if (!Number.isInteger(value)) throw new Unsupported(`the bounds of this ${what} are not whole numbers`);
    return value;
  }

  /** `a_2` when the note defines `a_m = \frac{e^{z_m}}{…}` (a family by one index letter): its body with m = 2. */
  private familyOf(s: SymNode, concrete: string): Expr | null {
    const value = /_(-?\d+)$/.exec(concrete);
    if (!value || s.label !== undefined) return null;
    const prefix = `${symbolName(s.base, s.font, s.accent)}_`;
    for (const [name, b] of this.ctx.bindings) {
      if (b.params || !name.startsWith(prefix) || !/^[a-zA-Z]$/.test(name.slice(prefix.length))) continue;
      if (this.expanding.has(name)) return null;
      const letter = name.slice(prefix.length);
      this.expanding.add(name);
      try {
        return this.withLocals(new Map([[letter, num(Number(value[1]))]]), () => this.lower(b.body));
      } finally {
        this.expanding.delete(name);
      }
    }
    return null;
  }

  /** A name whose subscript or label holds an index with a value here: `x_i` with i = 2 is `x_2`, `w_{ij}` is `w_{2,1}`. */
  private concreteName(s: SymNode): string {
    const valueOf = (letter: string): number | null => {
      const local = this.lookupLocal(letter);
      if (local) return local.k === 'num' ? local.v : null;
      if (this.freeIndices.has(letter)) return this.orderValues.get(letter) ?? this.freeIndices.get(letter)!;
      return null;
    };
    const concrete = (text: string | undefined, node: Node | undefined): string | undefined => {
      if (text === undefined) return undefined;
      if (/^[a-zA-Z]$/.test(text)) {
        const v = valueOf(text);
        return v === null ? text : String(v);
      }
      if (/^[a-zA-Z0-9]+$/.test(text) && text.length <= 3 && [...text].some((c) => valueOf(c) !== null)) {
        return [...text].map((c) => (/[a-zA-Z]/.test(c) ? String(valueOf(c) ?? c) : c)).join(',');
      }
      if (node && /[+-]/.test(text)) {
        // `x_{i+1}`: the subscript's value.
        try {
          const e = this.lower(node);
          if (e.k === 'num' && Number.isInteger(e.v)) return String(e.v);
        } catch {
          // not an index expression
        }
      }
      return text;
    };
    const sub = concrete(s.sub, s.subNode);
    const label = concrete(s.label, undefined);
    if (sub === s.sub && label === s.label) return s.name;
    return symbolName(s.base, s.font, s.accent, sub, label);
  }

  private lowerIntegral(n: Extract<Node, { type: 'bigop' }>): Expr {
    if (!n.lower || !n.upper) throw new Unsupported('it contains an indefinite integral');
    const dv = n.differential;
    if (!dv || dv.type !== 'sym' || dv.font === 'bold' || dv.accent) throw new Unsupported('it contains an integral without a plain dx');
    if (containsNode(n.body, (m) => m.type === 'bigop')) throw new Unsupported('it contains a multiple integral');
    const t = dv.name;
    if (this.ctx.bindings.get(t)?.params || this.dependents.has(t) || this.functionSyms.has(t)) {
      throw new Unsupported(`the integration variable ${show(t)} is a function in this note`);
    }
    const lo = this.lower(n.lower);
    const hi = this.lower(n.upper);
    // The integration variable is bound: a definition of the same name (`u = -y^2` before substituting) does not
    // reach inside the integral.
    const body = this.withOpaque(new Set([...(this.opaque ?? []), t]), () => this.lower(n.body));
    const bound = `${t}#${++this.integrals}`;
    return { k: 'int', v: bound, lo, hi, body: substitute(body, new Map([[t, mkVar(bound)]])) };
  }

  /** Numbers the bound variables of this claim's integrals apart. */
  private integrals = 0;

  /** Lower a bare name (used for dependencies of dependent variables). */
  private lowerName(name: string): Expr {
    return this.lowerSym({ type: 'sym', name, base: name, span: { start: 0, end: 0 } });
  }

  private implicitArgExprs(name: string): Expr[] {
    const args = this.implicitArgs.get(name);
    if (args) {
      // `u(u)`, `u(-u)`: a function whose argument is itself would lower forever.
      if (this.implicitExpanding.has(name)) throw new Unsupported(`${show(name)} is applied to an expression in ${show(name)} itself`);
      this.implicitExpanding.add(name);
      try {
        return args.map((a) => this.lower(a));
      } finally {
        this.implicitExpanding.delete(name);
      }
    }
    return [mkVar(this.implicitVarName)];
  }

  private callBound(name: string, args: Expr[]): Expr {
    const b = this.ctx.bindings.get(name)!;
    const params = b.params!;
    if (params.length !== args.length) throw new Unsupported(`${show(name)} is defined with ${params.length} argument(s) but used with ${args.length}`);
    if (this.expanding.has(name)) throw new Unsupported(`${show(name)} is defined in terms of itself`);
    const m = new Map<string, Expr>();
    params.forEach((p, i) => m.set(p, mkVar(`#param:${p}`)));
    this.expanding.add(name);
    let body: Expr;
    try {
      body = this.withLocals(m, () => this.withOpaque(null, () => this.lower(b.body)));
    } catch (err) {
      if (!(err instanceof Unsupported)) throw err;
      // A definition we cannot read (an integral, a sum): the function stays abstract, and a claim that would
      // need its definition cannot be called false.
      this.doubts.push(doubt('definition-not-understood', `the definition of ${show(name)} is not understood (${err.message})`));
      this.abstractNames.add(name);
      return app(name, args);
    } finally {
      this.expanding.delete(name);
    }
    const sub = new Map<string, Expr>();
    params.forEach((p, i) => sub.set(`#param:${p}`, args[i]));
    return substitute(body, sub);
  }

  private lowerPow(base: Node, exp: Node): Expr {
    // `x(x^2 + 1)^2` read as a product: the power belongs to the bracket (f(x)^2 stays (f(x))^2).
    // (A bracket around the whole product, `(x(x+1))^2`, shows in the span: the base starts before its head.)
    if (base.type === 'apply' && base.fn.type === 'sym' && base.args.length === 1 && base.span.start >= base.fn.span.start && this.readsAsProduct(base.fn)) {
      return mul(this.lowerSym(base.fn), this.lowerPow(base.args[0], exp));
    }
    if (exp.type === 'sym' && (exp.name === 'T' || exp.name === 'top' || exp.name === 'intercal' || exp.name === 'rm:T')) {
      throw new VectorUnsupported('it contains a transpose; matrix calculus is not checked yet');
    }
    if (base.type === 'sym' && (base.name === 'e' || (base.base === 'e' && base.font === 'rm' && !base.sub)) && !this.ctx.bindings.has(base.name)) {
      return fn('exp', this.lower(exp));
    }
    if (base.type === 'sym' && /^[A-Z]$/.test(base.base) && exp.type === 'neg' && !this.functionSyms.has(base.name)) {
      this.doubts.push(doubt('ambiguous-notation', `${base.base}^{-1} may be a matrix inverse`));
    }
    return pow(this.lower(base), this.lower(exp));
  }

  private lowerCall(n: Extract<Node, { type: 'call' }>): Expr {
    // `\sin x(-\sin x)`, `\cos 2(x+1)`: a bracket after a bare argument may be a factor outside the function.
    if (n.bare && n.args.length === 1 && bracketAfterBareArgument(n.args[0])) {
      this.doubts.push(doubt('ambiguous-application', `the bracket after ${n.name}'s argument may be a factor outside ${n.name}`));
    }
    const args = n.args.map((a) => this.lower(a));
    const one = (): Expr => {
      if (args.length !== 1) throw new Unsupported(`${n.name} takes one argument here`);
      return args[0];
    };
    let r: Expr;
    // A function of the library (sin, arcsin → asin, ReLU, …): one argument, its canonical name.
    const entry = BY_CALL.get(n.name);
    if (entry && entry.scalar !== false) r = fn(entry.name as FnName, one());
    else switch (n.name) {
      case 'log': {
        const x = fn('ln', one());
        if (n.base) r = div(x, fn('ln', this.lower(n.base)));
        else r = this.options.logBase === '10' ? div(x, num(Math.LN10)) : x;
        break;
      }
      case 'lg':
        r = div(fn('ln', one()), num(Math.LN10));
        break;
      case 'sqrt':
        r = pow(one(), n.index ? div(num(1), this.lower(n.index)) : num(0.5));
        break;
      case 'logsumexp':
        if (args.length < 2) throw new VectorUnsupported('log-sum-exp of a vector is vector calculus, not checked yet');
        r = fn('ln', add(...args.map((a) => fn('exp', a))));
        break;
      case 'factorial': {
        // `3!`, and `i!` once a sum's index is a number: only non-negative integers.
        const k = one();
        if (k.k !== 'num' || !Number.isInteger(k.v) || k.v < 0 || k.v > 20) throw new Unsupported('factorial is not checked yet');
        let f = 1;
        for (let i = 2; i <= k.v; i++) f *= i;
        r = num(f);
        break;
      }
      default:
        if (n.name === 'softmax' || n.name === 'det' || n.name === 'tr' || n.name === 'diag') throw new VectorUnsupported(`${n.name} is not checked yet`);
        throw new Unsupported(`${n.name} is not checked yet`);
    }
    if (n.power) {
      const p = n.power;
      if (p.type === 'neg' && p.arg.type === 'num' && p.arg.value === 1) {
        const reading = this.options.inverseReading;
        if (!reading) throw new Unsupported(`${n.name}^{-1} ${INVERSE_OR_RECIPROCAL}`, 'ambiguous-notation');
        return reading === 'reciprocal' ? pow(r, num(-1)) : inverseFunction(n.name, args);
      }
      r = pow(r, this.lower(p));
    }
    return r;
  }

  /** Is `f(…)` read as the product f·(…) (f neither defined, nor a function, nor a dependent name here)? */
  private readsAsProduct(f: SymNode): boolean {
    const b = this.ctx.bindings.get(f.name);
    if (b?.params || this.functionSyms.has(f.name) || this.dependents.has(f.name) || (b && !b.params)) return false;
    if (f.base === 'sigma' && !f.sub) return false;
    return true;
  }

  private lowerApply(f: Node, argNodes: Node[]): Expr {
    const partial = f.type === 'sym' && f.sub !== undefined ? this.subscriptPartial(f) : null;
    if (partial) return this.lowerSubscriptPartial(partial, argNodes);
    if (f.type === 'sym') {
      const b = this.ctx.bindings.get(f.name);
      if (b?.params) return this.callBound(f.name, argNodes.map((a) => this.lower(a)));
      if (f.base === 'sigma' && !f.sub && !b && !this.functionSyms.has(f.name)) {
        const sigma = this.ctx.conventions?.sigma?.value;
        if (sigma === 'softmax') throw new VectorUnsupported('σ denotes the softmax in this note');
        if (sigma === 'constant') throw new Unsupported('σ is a constant in this note, and σ(…) is not understood');
        if (argNodes.length !== 1) throw new Unsupported('σ with several arguments is not understood');
        return fn('sigmoid', this.lower(argNodes[0]));
      }
      if (this.functionSyms.has(f.name) && !b) {
        if (!conventionalFunctionLetter(f) && !this.ctx.functions.has(f.name)) this.doubts.push(doubt('ambiguous-application', `reading ${show(f.name)}(…) as a function applied to an argument`));
        this.abstractNames.add(f.name);
        return app(f.name, argNodes.map((a) => this.lower(a)));
      }
      if (b || this.dependents.has(f.name)) {
        // `z(x, y)` for a name that stands for an expression: the arguments restate what it depends on.
        if (argNodes.every((a) => a.type === 'sym')) return this.lowerSym(f);
      }
      // A variable or constant followed by a parenthesis: a product. Certain when the claim also writes the
      // letter as a plain operand and the bracket holds an expression, not a lone name (`4x(x^2 - 1)` with x
      // the variable; `x(t)` may still name a function of t).
      const entry = f.sub !== undefined && this.summedBases.has(f.base);
      const certain = (entry || this.plainNames.has(f.name)) && argNodes.length === 1 && argNodes[0].type !== 'sym' && !this.ctx.functions.has(f.name);
      if (!certain) this.doubts.push(doubt('ambiguous-application', `reading ${show(f.name)}(…) as a product`));
      const arg = argNodes.length === 1 ? this.lower(argNodes[0]) : null;
      if (!arg) throw new Unsupported(`${show(f.name)}(…, …) is not understood`);
      return mul(this.lowerSym(f), arg);
    }
    if (f.type === 'prime') return this.lowerPrime(f.arg, f.order, argNodes);
    if (f.type === 'deriv') return this.lowerDerivAt(f, argNodes);
    // (f + g)(x) and the like: apply the expression's functions at the point, else a product.
    this.doubts.push(doubt('ambiguous-application', 'reading a bracket followed by a parenthesis as a product'));
    if (argNodes.length !== 1) throw new Unsupported('an expression applied to several arguments is not understood');
    return mul(this.lower(f), this.lower(argNodes[0]));
  }

  private order(o: number | Node): number {
    if (typeof o === 'number') return o;
    if (o.type === 'num' && Number.isInteger(o.value) && o.value >= 0) return o.value;
    if (o.type === 'sym') {
      this.orderSymbols.add(o.name);
      return this.orderValues.get(o.name) ?? 1;
    }
    throw new Unsupported('the order of this derivative is not understood');
  }

  private lowerPrime(arg: Node, orderNode: number | Node, argNodes: Node[] | null): Expr {
    this.usedDerivative = true;
    const k = this.order(orderNode);
    if (k > 8) throw new Unsupported('derivatives above order 8 are not checked');
    if (arg.type === 'sym') {
      const b = this.ctx.bindings.get(arg.name);
      if (b?.params) {
        if (b.params.length !== 1) throw new Unsupported(`${show(arg.name)} has several variables: say which one the prime differentiates`);
        const p = b.params[0];
        // A bare f' stands at f's own argument, which is itself a defined name where the note defines it (as for a
        // bare f: f = e^u with u = x^2 read as a function of u).
        const own = (): Expr => (p !== arg.name && this.ctx.bindings.has(p) && !this.ctx.bindings.get(p)!.params ? this.lowerName(p) : mkVar(p));
        const at = argNodes ? argNodes.map((a) => this.lower(a)) : [own()];
        if (at.length !== 1) throw new Unsupported(`${show(arg.name)} takes one argument`);
        let body = this.callBound(arg.name, [mkVar(`#prime:${p}`)]);
        for (let i = 0; i < k; i++) body = diff(body, `#prime:${p}`);
        return substitute(body, new Map([[`#prime:${p}`, at[0]]]));
      }
      if (this.functionSyms.has(arg.name) && !b) {
        this.abstractNames.add(arg.name);
        const at = argNodes ? argNodes.map((a) => this.lower(a)) : this.implicitArgExprs(arg.name);
        if (at.length !== 1) throw new Unsupported(`${show(arg.name)}' with several arguments is not understood`);
        // A bare f' is the derivative function at f's own argument (f'(g(x)) when the note writes f(g(x))).
        return app(arg.name, at, [k]);
      }
      if (b || this.dependents.has(arg.name)) {
        if (argNodes) throw new Unsupported(`${show(arg.name)}'(…) is not understood for a name that stands for an expression`);
        let r = this.lowerSym(arg);
        for (let i = 0; i < k; i++) r = this.d(r, this.implicitVarName);
        return r;
      }
      if (arg.base === 'sigma' && !arg.sub && !b) {
        const sigma = this.ctx.conventions?.sigma?.value;
        if (sigma === 'softmax') throw new VectorUnsupported('σ denotes the softmax in this note');
        if (sigma === 'constant') throw new Unsupported("σ is a constant in this note, and σ' is not understood");
        // σ' is the derivative of the logistic function.
        const at = argNodes ? argNodes.map((a) => this.lower(a)) : [mkVar(this.implicitVarName)];
        if (at.length !== 1) throw new Unsupported("σ' takes one argument");
        let r = fn('sigmoid', mkVar('#sigma'));
        for (let i = 0; i < k; i++) r = diff(r, '#sigma');
        return substitute(r, new Map([['#sigma', at[0]]]));
      }
      throw new Unsupported(`${show(arg.name)}' is not understood (${show(arg.name)} is not a function here)`);
    }
    // (E)': the derivative of an expression in its one variable.
    if (argNodes) throw new Unsupported('(…)\'(…) is not understood');
    let r = this.lower(arg);
    const x = this.implicitVarName;
    if (this.implicitVarGuessed && !freeVars(r).has(x)) throw new Unsupported('the variable the prime differentiates by is not clear');
    for (let i = 0; i < k; i++) r = this.d(r, x);
    return r;
  }

  /** `\frac{dg}{dh}(h(x))`: the derivative function evaluated at a point. */
  private lowerDerivAt(d: DerivNode, argNodes: Node[]): Expr {
    this.usedDerivative = true;
    if (argNodes.some((a) => containsDerivative(a))) this.doubts.push(doubt('ambiguous-application', 'a derivative written in front of a bracket may mean "apply to", not "evaluate at"'));
    const f = symName(d.of);
    if (f && this.functionSyms.has(f) && d.wrt.length <= 1 && argNodes.length === 1) {
      const k = this.order(d.wrt.length ? d.wrt[0].order : d.order);
      const b = this.ctx.bindings.get(f);
      const at = this.lower(argNodes[0]);
      if (b?.params) {
        if (b.params.length !== 1) throw new Unsupported(`${show(f)} has several variables`);
        let body = this.callBound(f, [mkVar('#at')]);
        for (let i = 0; i < k; i++) body = diff(body, '#at');
        return substitute(body, new Map([['#at', at]]));
      }
      this.abstractNames.add(f);
      return app(f, [at], [k]);
    }
    // Otherwise: the derivative as an expression in its variable, evaluated at the argument.
    const val = this.lowerDeriv(d);
    if (d.wrt.length === 1 && d.wrt[0].v.type === 'sym' && argNodes.length === 1) {
      const x = d.wrt[0].v.name;
      if (argNodes[0].type === 'sym' && argNodes[0].name === x) return val;
      return substitute(val, new Map([[x, this.lower(argNodes[0])]]));
    }
    throw new Unsupported('a derivative applied to arguments is not understood here');
  }

  private lowerEvalAt(expr: Node, variable: Node | null, at: Node): Expr {
    const inner = this.lower(expr);
    let x = symName(variable);
    if (!x && expr.type === 'deriv' && expr.wrt.length === 1) x = symName(expr.wrt[0].v);
    if (!x) x = this.implicitVarName;
    return substitute(inner, new Map([[x, this.lower(at)]]));
  }

  private lowerDeriv(d: DerivNode): Expr {
    this.usedDerivative = true;
    if (d.kind === 'nabla') throw new VectorUnsupported('gradients (\\nabla) are vector calculus, not checked yet');
    if (!d.of) throw new Unsupported('a derivative operator with nothing to act on');
    let wrt: WrtVar[] = d.wrt;
    if (wrt.length === 0) {
      if (d.form !== 'D') throw new Unsupported('a derivative without a variable');
      wrt = [{ v: { type: 'sym', name: this.implicitVarName, base: this.implicitVarName, span: d.span }, order: d.order, span: d.span }];
    }
    for (const w of wrt) {
      if (w.transposed) throw new VectorUnsupported('derivatives by a transposed vector are matrix calculus, not checked yet');
      if (w.v.type === 'sym' && (w.v.font === 'bold' || /^[A-Z]$/.test(w.v.base))) {
        throw new VectorUnsupported(`differentiating by ${w.v.font === 'bold' ? 'a vector' : 'a matrix'} is not checked yet`);
      }
      if (w.v.type === 'sym' && (d.form === 'D' || d.form === 'subscript') && /^[ijk]$/.test(w.v.name)) {
        throw new Unsupported(`${d.form === 'D' ? 'D' : '\\partial'}_${w.v.name} (by index) is not understood`);
      }
    }
    // Total order: when written d^2 y / dx^2 the per-variable orders carry it.
    const plan: { node: Node; k: number }[] = wrt.map((w) => ({ node: w.v, k: this.order(w.order) }));
    if (plan.length === 1 && typeof d.order !== 'number') plan[0].k = this.order(d.order);
    if (plan.reduce((s, p) => s + p.k, 0) > 8) throw new Unsupported('derivatives above order 8 are not checked');
    const of = d.of;
    // Differentiate from the innermost written variable outwards (∂²f/∂x∂y = ∂/∂x (∂f/∂y)).
    let current: { direct: Expr; full: () => Expr } = this.directAndFull(of);
    // `\frac{dV}{dt}` with V = \frac43\pi r^3 and nothing in the claim saying how r moves with t: as written V does not
    // depend on t at all, and a derivative that is 0 for that reason says nothing (related rates: r changes with t).
    if (d.kind === 'd' && plan.length === 1 && plan[0].node.type === 'sym' && of.type === 'sym' && this.ctx.bindings.has(of.name)) {
      const t = (plan[0].node as SymNode).name;
      // (By a name that is itself defined or depends on others, `\frac{dy}{dz}` with z = x^2, the derivative goes through
      // what they share.)
      if (this.isIntermediate(t) || this.functionSyms.has(t)) return this.finishDeriv(current, plan, d);
      const full = current.full();
      const vars = freeVars(full);
      if (vars.size && !vars.has(t) && abstractFns(full).size === 0) {
        throw new Unsupported(`${show(of.name)} does not depend on ${show(t)} as written (what it is written in may change with ${show(t)})`);
      }
    }
    return this.finishDeriv(current, plan, d);
  }

  private finishDeriv(start: { direct: Expr; full: () => Expr }, plan: { node: Node; k: number }[], d: DerivNode): Expr {
    let current = start;
    for (let i = plan.length - 1; i >= 0; i--) {
      for (let j = 0; j < plan[i].k; j++) current = this.derivOnce(current, plan[i].node, d.kind === 'partial');
    }
    return current.full();
  }

  /** An expression both as written one level deep (definitions and dependents as variables) and in full. */
  private directAndFull(n: Node): { direct: Expr; full: () => Expr } {
    const opaque = this.allIntermediates();
    const s = symName(n);
    let direct: Expr;
    if (s && this.isIntermediate(s)) {
      const b = this.ctx.bindings.get(s);
      if (b && !b.params) direct = this.withOpaque(opaque, () => this.lower(b.body));
      else if (b && b.params) direct = this.callBound(s, b.params.map((p) => mkVar(p)));
      else direct = this.withOpaque(opaque, () => app(s, (this.dependents.get(s) ?? []).map((x) => mkVar(x))));
    } else {
      direct = this.withOpaque(opaque, () => this.lower(n));
    }
    return { direct, full: () => this.expandAll(direct) };
  }

  /** An intermediate's meaning one level deep, other intermediates left as variables. */
  private directOf(name: string): Expr {
    const opaque = this.allIntermediates();
    const b = this.ctx.bindings.get(name);
    if (b && !b.params) return this.withOpaque(opaque, () => this.lower(b.body));
    if (b && b.params) return this.callBound(name, b.params.map((p) => mkVar(p)));
    return app(name, (this.dependents.get(name) ?? []).map((d) => mkVar(d)));
  }

  private dependsOn(name: string, x: string, depth = 0): boolean {
    if (depth > 20) return false;
    const vars = freeVars(this.directOf(name));
    if (vars.has(x)) return true;
    for (const n of vars) if (n !== name && this.isIntermediate(n) && this.dependsOn(n, x, depth + 1)) return true;
    return false;
  }

  /** Substitute, level by level, the intermediates that depend on `x`, until `x` appears (or nothing changes). */
  private openUpTo(e: Expr, x: string): Expr | null {
    let cur = e;
    for (let round = 0; round < 10; round++) {
      if (freeVars(cur).has(x)) return cur;
      const m = new Map<string, Expr>();
      for (const n of freeVars(cur)) if (n !== x && this.isIntermediate(n) && this.dependsOn(n, x)) m.set(n, this.directOf(n));
      if (m.size === 0) return null;
      cur = substitute(cur, m);
    }
    return freeVars(cur).has(x) ? cur : null;
  }

  /** Substitute every intermediate name in an expression by its full meaning. */
  private expandAll(e: Expr): Expr {
    const m = new Map<string, Expr>();
    for (const name of freeVars(e)) if (this.isIntermediate(name)) m.set(name, this.withOpaque(null, () => this.lowerName(name)));
    return m.size ? substitute(e, m) : e;
  }

  private derivOnce(cur: { direct: Expr; full: () => Expr }, varNode: Node, partial: boolean): { direct: Expr; full: () => Expr } {
    const x = varNode.type === 'sym' ? this.concreteName(varNode) : null;
    if (x && this.functionSyms.has(x) && !this.isIntermediate(x)) {
      // ∂f/∂g_1 for f(g_1(x), g_2(x)): the derivative in the argument g_1(x) stands in; else through x.
      return this.byArgument(cur, this.lower(varNode));
    }
    if (x && !this.isIntermediate(x)) {
      // A leaf variable.
      if (partial && freeVars(cur.direct).has(x)) {
        const dd = this.d(cur.direct, x);
        return { direct: dd, full: () => this.expandAll(dd) };
      }
      const total = this.d(cur.full(), x);
      return { direct: total, full: () => total };
    }
    if (x && freeVars(cur.direct).has(x)) {
      // Differentiating by an intermediate the expression is written in: hold the others fixed.
      const dd = this.d(cur.direct, x);
      return { direct: dd, full: () => this.expandAll(dd) };
    }
    if (x && this.isIntermediate(x)) {
      // By an intermediate one level further down (∂f/∂a for f(u, v), u(a, b)): open up the intermediates
      // that depend on it, hold the others fixed.
      const opened = this.openUpTo(cur.direct, x);
      if (opened && freeVars(opened).has(x)) {
        const dd = this.d(opened, x);
        return { direct: dd, full: () => this.expandAll(dd) };
      }
    }
    // By an expression or by an intermediate not written directly: divide through the common variable.
    return this.chainThrough(cur, x ? this.lowerName(x) : this.lower(varNode));
  }

  /** Differentiate by a sub-expression (an argument such as g(x)) where it appears, else through the variable. */
  private byArgument(cur: { direct: Expr; full: () => Expr }, by: Expr): { direct: Expr; full: () => Expr } {
    const full = cur.full();
    const hole = '#by';
    const replaced = replaceSub(full, by, v(hole));
    if (!freeVars(replaced).has(hole)) return this.chainThrough(cur, by);
    const r = substitute(diff(replaced, hole), new Map([[hole, by]]));
    return { direct: r, full: () => r };
  }

  private chainThrough(cur: { direct: Expr; full: () => Expr }, by: Expr): { direct: Expr; full: () => Expr } {
    const full = cur.full();
    const leaves = new Set([...freeVars(by)]);
    if (leaves.size !== 1) throw new Unsupported('differentiating by an expression of several variables is not understood');
    const t = [...leaves][0];
    const r = div(this.d(full, t), this.d(by, t));
    return { direct: r, full: () => r };
  }
}

/** Replace every occurrence of `target` in `e` by `by` (structural match). */
function replaceSub(e: Expr, target: Expr, by: Expr): Expr {
  if (same(e, target)) return by;
  switch (e.k) {
    case 'num':
    case 'var':
      return e;
    case 'add':
      return add(...e.a.map((x) => replaceSub(x, target, by)));
    case 'mul':
      return mul(...e.a.map((x) => replaceSub(x, target, by)));
    case 'pow':
      return pow(replaceSub(e.b, target, by), replaceSub(e.e, target, by));
    case 'fn':
      return fn(e.f, replaceSub(e.a, target, by));
    case 'app':
      return { k: 'app', f: e.f, a: e.a.map((x) => replaceSub(x, target, by)), d: e.d };
    case 'int':
      return { k: 'int', v: e.v, lo: replaceSub(e.lo, target, by), hi: replaceSub(e.hi, target, by), body: replaceSub(e.body, target, by) };
  }
}

function containsDerivative(n: Node): boolean {
  let found = false;
  walk(n, (m) => {
    if (m.type === 'deriv' || m.type === 'prime') found = true;
  });
  return found;
}


function sameArgs(a: Node[], b: Node[]): boolean {
  return a.length === b.length && a.every((x, i) => nodeKey(x) === nodeKey(b[i]));
}

/** A structural key for small trees (spans ignored). */
/** An argument written without brackets that ends in a bracket group: `x(…)`, `2x(…)`, `2(x + 1)`. */
function bracketAfterBareArgument(arg: Node): boolean {
  const grouped = (m: Node): boolean => (m.type === 'apply' && m.fn.type === 'sym' && m.bracket !== '[') || m.type === 'add';
  if (grouped(arg)) return arg.type === 'apply';
  return arg.type === 'mul' && arg.factors.slice(1).some(grouped);
}

export function nodeKey(n: Node): string {
  return JSON.stringify(n, (k, val) => (k === 'span' || k === 'bare' ? undefined : val));
}

/** How a canonical symbol name is shown in messages. */
const SHOWN_GREEK: Readonly<Record<string, string>> = {
  alpha: 'α', beta: 'β', gamma: 'γ', delta: 'δ', epsilon: 'ε', theta: 'θ', lambda: 'λ', mu: 'μ', sigma: 'σ',
  phi: 'φ', varphi: 'φ', psi: 'ψ', omega: 'ω', tau: 'τ', eta: 'η', xi: 'ξ', rho: 'ρ', pi: 'π', nu: 'ν', kappa: 'κ',
  zeta: 'ζ', varepsilon: 'ε', chi: 'χ', ell: 'ℓ', Sigma: 'Σ', Lambda: 'Λ', Phi: 'Φ', Psi: 'Ψ', Omega: 'Ω', Gamma: 'Γ',
  Delta: 'Δ', Theta: 'Θ',
};

export function show(name: string): string {
  if (name === TERMS) return 'the number of terms';
  if (name.startsWith(DIFFERENTIAL)) return `d${show(name.slice(DIFFERENTIAL.length))}`;
  if (name === HOT) return 'the one-hot entry';
  const m = /^(?:\w+:)*([A-Za-z]+)(\^\(.*?\))?(?:_(.+))?$/.exec(name);
  if (!m) return name;
  const [, base, label, sub] = m;
  const b = (SHOWN_GREEK[base] ?? base) + (label ?? '');
  return sub ? `${b}_${sub}` : b;
}

/** The inverse of a trigonometric function written `f^{-1}` (principal branches, as calculus texts use them). */
function inverseFunction(name: string, args: Expr[]): Expr {
  if (args.length !== 1) throw new Unsupported(`${name}^{-1} takes one argument here`);
  const x = args[0];
  switch (name) {
    case 'sin':
      return fn('asin', x);
    case 'cos':
      return fn('acos', x);
    case 'tan':
      return fn('atan', x);
    case 'cot':
      return add(num(Math.PI / 2), neg(fn('atan', x)));
    case 'sec':
      return fn('acos', pow(x, num(-1)));
    case 'csc':
      return fn('asin', pow(x, num(-1)));
    default:
      throw new Unsupported(`${name}^{-1} as an inverse function is not checked yet`);
  }
}
