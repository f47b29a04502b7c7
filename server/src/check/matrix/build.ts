/**
 * From the parse tree to the matrix IR, with shapes. Reading conventions, unless the note declares otherwise
 * (`\mathbf{x} \in \mathbb{R}^n`, `A \in \mathbb{R}^{m \times n}`):
 * - bold or arrowed lowercase letters (`\mathbf{x}`, `\boldsymbol{\theta}`, `\vec x`) are column vectors;
 * - capital letters, plain or bold (`A` and `\mathbf{A}` are the same matrix), are matrices — except a capital
 *   that is differentiated and never defined (`\frac{\partial L}{\partial \mathbf{z}}`: a loss), a scalar;
 * - `I` is the identity, `\mathbf{1}` the vector of ones, `\mathbf{0}` the zero vector;
 * - every other letter is a scalar.
 * The note's definitions (`\mathbf{s} = \operatorname{softmax}(\mathbf{z})`) are used, and a name that is
 * differentiated but never defined is a dependent variable: a random smooth function of what it is
 * differentiated by (the vector chain rule is checked that way).
 *
 * Anything without a sure meaning throws MatrixUnsupported; a possible but doubtful reading is a doubt.
 */
import type { DerivNode, Node, SymNode, WrtVar } from '../../parse/ast';
import { containsNode, nodesWithDefinitions, plainOperands, squareBracketProduct, walk } from '../../parse/walk';
import { nameCore, type NoteContext, type Binding } from '../../semantics/context';
import type { Condition } from '../../interpret/claims';
import { DIFFERENTIAL, show } from '../lower';
import type { ElementFn, Layout, MExpr } from './ir';
import { names, nodes } from './ir';
import { BY_CALL, LIBRARY_FUNCTIONS } from '../../library/functions';
import { Dim, Shape, ShapeError, isMatrix, isOne, isScalar, isVector, shapeText, unifyDims, unifyShapes } from './shapes';
import { QuietError } from '../quiet';
import { doubt, type Doubt, type ReasonCode } from '../../semantics/reasons';
import { isDifferentialApplied, isDifferentialMark, writtenDifferentials } from '../../semantics/notation';
import { GREEK_MATRICES, INDEX_LETTERS, conventionalFunctionLetter, mayBeVectorFunction } from '../../semantics/letters';

export class MatrixUnsupported extends QuietError {
  constructor(
    message: string,
    readonly code: ReasonCode = 'not-understood',
  ) {
    super(message);
  }
}

export interface BuildOptions {
  /** The note's layout for derivatives by vectors and matrices. */
  layout: Layout;
  logBase: 'e' | '10';
  /** The names whose differentials the claim's chain writes (Claim.chainDifferentials): what moves. */
  differentials?: readonly string[];
}

/** A leaf drawn at random. */
export interface Leaf {
  name: string;
  node: Extract<MExpr, { k: 'var' }>;
}

/** A dependent variable or abstract function: a random smooth map with this output shape and these inputs. */
export interface FunctionInfo {
  name: string;
  out: Shape;
  inputs: Shape[];
}

const TRANSPOSE_NAMES = new Set(['T', 'top', 'intercal', 'rm:T', 'sf:T', 'bold:T']);

/** Activations apply entry by entry to matrices too; other functions of a matrix may be matrix functions (e^A). */
const ELEMENTWISE_ON_MATRICES = new Set<ElementFn>(LIBRARY_FUNCTIONS.filter((e) => e.elementwise === 'matrices').map((e) => e.name));

function hasDifferentialIn(e: MExpr): boolean {
  return nodes(e).some((x) => x.k === 'diff');
}

function isCapital(s: SymNode): boolean {
  return /^[A-Z]$/.test(s.base) && !s.accent && (s.font === undefined || s.font === 'bold' || s.font === 'rm' || s.font === 'sf');
}

/** Plain and bold capitals are the same matrix: `A` and `\mathbf{A}`. */
export function canon(s: SymNode): string {
  if (isCapital(s)) return s.name.replace(/^(?:bold|rm|sf):/, '');
  return s.name;
}

export function canonName(name: string): string {
  const m = /^(?:bold|rm|sf):([A-Z])((?:[_^].*)?)$/.exec(name);
  return m ? `${m[1]}${m[2]}` : name;
}

function isBoldLower(s: SymNode): boolean {
  return (s.font === 'bold' || s.accent === 'vec' || s.name.includes('bold:')) && !/^[A-Z]$/.test(s.base) && !/^[A-Z]/.test(s.base);
}

type Guess = 'scalar' | 'vector' | 'matrix';

function typography(s: SymNode): Guess {
  if (isBoldLower(s)) return 'vector';
  if (isCapital(s)) return 'matrix';
  if (s.font === 'bold' && /^[A-Z][a-z]+$/.test(s.base)) return 'matrix'; // \boldsymbol{\Sigma}
  if (!s.font && GREEK_MATRICES.has(s.base)) return 'matrix';
  return 'scalar';
}

function mk<T extends Omit<MExpr, 's'>>(e: T, s: Shape): MExpr {
  return { ...(e as object), s } as MExpr;
}

function symName(n: Node | null | undefined): string | null {
  return n && n.type === 'sym' ? canon(n) : null;
}

interface DepEdge {
  to: string;
}

export class MatrixBuilder {
  readonly doubts: Doubt[] = [];
  readonly leaves = new Map<string, Leaf>();
  readonly functions = new Map<string, FunctionInfo>();
  /** Every dimension created (sizes are drawn for their roots). */
  readonly dims: Dim[] = [];
  /** Vectors that weight a logarithm (`\mathbf{y}^\top \log \mathbf{s}`): labels, drawn as probability vectors. */
  readonly labels = new Set<string>();
  /** Names the claim differentiates by. */
  readonly variables = new Set<string>();
  /** Dependent variables and what they depend on. */
  readonly dependents = new Map<string, string[]>();
  /** Shapes the note declared, by canonical name. */
  readonly declared = new Map<string, Shape>();

  private readonly bindings = new Map<string, Binding>();
  private readonly functionSyms = new Set<string>();
  /** Names the claim writes as plain operands somewhere (not only in front of a bracket). */
  private readonly plainNames = new Set<string>();
  private readonly refs = new Map<string, MExpr>();
  private readonly expanding = new Set<string>();
  private readonly namedDims = new Map<string, Dim>();
  private locals: Map<string, MExpr>[] = [];
  /** Inside `\sum_i …`: symbols subscripted by this index are entries of a vector. */
  private component: string | null = null;
  private readonly boldBases = new Set<string>();
  /** Output shapes of undefined functions, from the names they define. */
  private readonly pendingOut = new Map<string, Shape>();
  /** Capitals used as numbers (`\frac{1}{N}`). */
  private readonly scalarCapitals = new Set<string>();
  /** The first symbol node written for each canonical name. */
  private readonly symNodes = new Map<string, SymNode>();
  /** What moves in a differential: the names whose differential the claim writes (semantics/notation.ts). */
  private readonly moving: ReadonlySet<string>;
  /** How many differentials were built: a product of two needs two (most claims have none, and no walk is done). */
  private differentials = 0;

  constructor(
    private readonly ctx: NoteContext,
    roots: Node[],
    declarations: Condition[],
    private readonly options: BuildOptions,
  ) {
    // The note's definitions by canonical name (the latest wins).
    const sorted = [...ctx.bindings.values()].sort((a, b) => a.at - b.at);
    for (const b of sorted) this.bindings.set(canonName(b.name), b);

    // Declared shapes: the context's, then the sentence's (more recent). Of the context's, those of names the claim
    // refers to (through definitions): the others would draw sizes that have nothing to do with it.
    const decls: [Node, Node][] = [];
    if (ctx.shapes?.size) {
      const cores = new Set<string>();
      for (const m of nodesWithDefinitions([...roots, ...declarations.flatMap((c) => [c.lhs, c.rhs])], (m) => this.bindings.get(canon(m))?.body)) {
        if (m.type === 'sym') cores.add(nameCore(m.name)).add(nameCore(m.base));
      }
      for (const [name, d] of ctx.shapes) if (cores.has(nameCore(name))) decls.push([d.lhs, d.rhs]);
    }
    for (const c of declarations) if (c.op === '\\in') decls.push([c.lhs, c.rhs]);
    for (const [lhs, rhs] of decls) {
      if (lhs.type !== 'sym') continue;
      const shape = this.setShape(rhs);
      if (shape) this.declared.set(canon(lhs), shape);
    }

    this.moving = options.differentials ? new Set(options.differentials.map(canonName)) : roots.some((r) => containsNode(r, (m) => m.type === 'sym' && m.base === 'd')) ? writtenDifferentials(roots, ctx, canon) : new Set();

    // Everything the claim refers to, following definitions.
    const all = nodesWithDefinitions(roots, (m) => this.bindings.get(canon(m))?.body);
    for (const m of plainOperands(all)) this.plainNames.add(canon(m));
    for (const m of all) {
      if (m.type !== 'sym') continue;
      if (isBoldLower(m)) this.boldBases.add(m.base);
      if (!this.symNodes.has(canon(m))) this.symNodes.set(canon(m), m);
    }

    // A capital written as a whole denominator (`\frac{1}{N}`) or as the limit of a sum is a count, not a matrix.
    for (const m of all) {
      if (m.type === 'div' && m.den.type === 'sym' && isCapital(m.den) && !m.den.font) this.scalarCapitals.add(canon(m.den));
      if (m.type === 'bigop' && m.upper?.type === 'sym' && isCapital(m.upper)) this.scalarCapitals.add(canon(m.upper));
    }

    const diffVars = new Set<string>();
    for (const m of all) if (m.type === 'deriv') for (const w of m.wrt) if (w.v.type === 'sym') diffVars.add(canon(w.v));

    for (const [name, b] of this.bindings) if (b.params) this.functionSyms.add(name);
    for (const m of all) {
      if (m.type === 'apply' && m.fn.type === 'sym' && mayBeVectorFunction(m.fn) && m.bracket !== '[') {
        const name = canon(m.fn);
        if (diffVars.has(name) && !conventionalFunctionLetter(m.fn)) continue;
        const b = this.bindings.get(name);
        if (b && !b.params) continue;
        if (m.fn.base === 'sigma' && !m.fn.sub && !b) continue;
        this.functionSyms.add(name);
      }
    }

    // Names used in the definitions the claim refers to are variables, never dependents.
    const usedInDefinitions = new Set<string>();
    for (const root of roots) {
      walk(root, (m) => {
        if (m.type !== 'sym') return;
        const b = this.bindings.get(canon(m));
        if (b)
          walk(b.body, (k) => {
            if (k.type === 'sym') usedInDefinitions.add(canon(k));
          });
      });
    }

    // Dependent variables: names differentiated but never defined.
    const edges = new Map<string, DepEdge[]>();
    for (const m of all) {
      if (m.type !== 'deriv' || m.form === 'D' || m.form === 'subscript') continue;
      const s = symName(m.of);
      if (!s || this.bindings.has(s) || this.functionSyms.has(s) || usedInDefinitions.has(s)) continue;
      const list = edges.get(s) ?? [];
      for (const w of m.wrt) {
        const t = symName(w.v);
        if (!t || t === s || list.some((e) => e.to === t)) continue;
        list.push({ to: t });
      }
      edges.set(s, list);
    }
    // What a defined name is written in: a dependent that depends on z = W x depends on W through z.
    const bodyNames = (name: string): string[] => {
      const b = this.bindings.get(name);
      if (!b || b.params) return [];
      const out: string[] = [];
      walk(b.body, (k) => {
        if (k.type === 'sym' && !out.includes(canon(k))) out.push(canon(k));
      });
      return out;
    };
    const reach = (from: string, to: string, skip: DepEdge | null, depth = 0): boolean => {
      if (depth > 30) return false;
      for (const e of edges.get(from) ?? []) {
        if (e === skip) continue;
        if (e.to === to || reach(e.to, to, null, depth + 1)) return true;
      }
      for (const n of bodyNames(from)) if (n === to || (n !== from && reach(n, to, null, depth + 1))) return true;
      return false;
    };
    for (const [s, list] of edges) {
      if (reach(s, s, null)) throw new MatrixUnsupported(`${show(s)} is differentiated by something that depends on it`);
      if (list.length === 0) continue;
      this.dependents.set(s, list.filter((e) => !reach(s, e.to, e)).map((e) => e.to));
    }
  }

  // ---------------------------------------------------------------------------------------------- shapes

  private dim(n: Node): Dim {
    if (n.type === 'num' && Number.isInteger(n.value) && n.value >= 1) return this.track(n.value === 1 ? Dim.one(true) : Dim.declared(n.value));
    if (n.type === 'sym' && !n.font && /^[a-zA-Z]$/.test(n.base) && !n.sub) {
      let d = this.namedDims.get(n.name);
      if (!d) {
        d = this.track(Dim.named(n.name));
        this.namedDims.set(n.name, d);
      }
      return d;
    }
    throw new MatrixUnsupported('a size in a declaration is not understood');
  }

  private track(d: Dim): Dim {
    this.dims.push(d);
    return d;
  }

  /** `\mathbb{R}`, `\mathbb{R}^n`, `\mathbb{R}^{m \times n}` as a shape; null for other sets. */
  private setShape(n: Node): Shape | null {
    const isR = (x: Node) => x.type === 'sym' && x.font === 'bb' && x.base === 'R';
    // `\mathbb{R}^p \ \mathbf{y}` (the parser joins a following declaration): the set is the first factor.
    if (n.type === 'mul' && n.factors.length > 1) n = n.factors[0];
    if (isR(n)) return [this.track(Dim.one(true)), this.track(Dim.one(true))];
    if (n.type !== 'pow' || !isR(n.base)) return null;
    const e = n.exp;
    try {
      if (e.type === 'mul' && e.factors.length === 2 && e.ops[0] === 'times') return [this.dim(e.factors[0]), this.dim(e.factors[1])];
      return [this.dim(e), this.track(Dim.one(true))];
    } catch {
      return null;
    }
  }

  private fresh(kind: Guess): Shape {
    if (kind === 'scalar') return [this.track(Dim.one()), this.track(Dim.one())];
    if (kind === 'vector') return [this.track(new Dim()), this.track(Dim.one())];
    return [this.track(new Dim()), this.track(new Dim())];
  }

  private unify(a: Shape, b: Shape, what: string): void {
    unifyShapes(a, b, what);
  }

  // ---------------------------------------------------------------------------------------------- building

  build(n: Node): MExpr {
    switch (n.type) {
      case 'num':
        return mk({ k: 'num', v: n.value }, this.fresh('scalar'));
      case 'sym':
        return this.sym(n);
      case 'neg': {
        const a = this.build(n.arg);
        return mk({ k: 'neg', a }, a.s);
      }
      case 'add': {
        const terms = n.terms.map((t) => this.build(t));
        const scal = terms.filter((t) => isScalar(t.s));
        if (scal.length && scal.length < terms.length) throw new MatrixUnsupported('a scalar is added to a vector or matrix');
        for (let i = 1; i < terms.length; i++) this.unify(terms[0].s, terms[i].s, 'a sum of different shapes');
        return mk({ k: 'add', a: terms }, terms[0].s);
      }
      case 'mul':
        return this.product(n);
      case 'div': {
        const a = this.build(n.num);
        const b = this.build(n.den);
        if (!isScalar(b.s)) throw new MatrixUnsupported('division by a vector or matrix');
        return mk({ k: 'div', a, b }, a.s);
      }
      case 'pow':
        return this.power(n.base, n.exp);
      case 'call':
        return this.call(n);
      case 'apply':
        if (isDifferentialApplied(n, this.ctx)) return this.differential(this.build(n.args[0]));
        // `x[…]`: a product unless x is a function here.
        if (n.bracket === '[' && !(n.fn.type === 'sym' && (this.functionSyms.has(canon(n.fn)) || this.bindings.get(canon(n.fn))?.params))) return this.build(squareBracketProduct(n));
        return this.apply(n.fn, n.args);
      case 'prime':
        throw new MatrixUnsupported('primes on vector or matrix expressions are not understood');
      case 'deriv':
        return this.deriv(n);
      case 'bigop':
        if (n.op === 'sum') return this.sum(n);
        throw new MatrixUnsupported(n.op === 'prod' ? 'it contains a product (\\prod)' : 'it contains an integral');
      case 'tuple': {
        const items = n.items.map((x) => this.build(x));
        if (items.length < 2 || items.some((x) => !isScalar(x.s))) throw new MatrixUnsupported('a list of vectors or matrices is not understood');
        return mk({ k: 'stack', rows: items.map((x) => [x]) }, [this.track(Dim.sized(items.length)), this.track(Dim.one(true))]);
      }
      case 'matrix':
        return this.matrix(n);
      case 'norm':
        return this.norm(n.arg, n.sub);
      case 'evalat':
        throw new MatrixUnsupported('evaluation at a point (|_{…}) of a vector expression is not understood');
      case 'limit':
        throw new MatrixUnsupported('it contains a limit');
      case 'ellipsis':
        throw new MatrixUnsupported('it contains an ellipsis (…)');
      case 'unknown':
        throw new MatrixUnsupported(`${n.what.startsWith('operatorname:') ? `\\operatorname{${n.what.slice(13)}}` : n.what} is not understood`);
    }
  }

  private lookupLocal(name: string): MExpr | undefined {
    for (let i = this.locals.length - 1; i >= 0; i--) {
      const r = this.locals[i].get(name);
      if (r) return r;
    }
    return undefined;
  }

  private sym(s: SymNode): MExpr {
    const name = canon(s);
    const local = this.lookupLocal(name);
    if (local) return local;
    if (s.font === 'bb') {
      if (s.base === '1' && !s.sub) return mk({ k: 'ones' }, this.fresh('vector'));
      throw new MatrixUnsupported(`\\mathbb{${s.base}} is a set, not a value`);
    }
    if (this.component && s.sub === this.component) {
      if (s.font === 'bold' || isCapital(s) || s.label) throw new MatrixUnsupported(`a sum over ${show(s.name)} (one vector or matrix per index) is not checked`);
      return this.componentOf(s);
    }
    // Entries in index notation (`A_{ij}`, `x_j` inside a sum over i) are not matrix expressions.
    if (s.sub && /^[ijkl]{1,2}$/.test(s.sub) && (this.component || isCapital(s))) {
      throw new MatrixUnsupported(`the entry ${show(s.name)} in index notation is not understood here`);
    }
    const b = this.bindings.get(name);
    // `\mathbf{x} = [x_1, \dots, x_n]^\top` describes a vector, it does not define one.
    if (b && !b.params && !describesEntries(b.body)) return this.ref(name, b);
    if (b && b.params) {
      // A defined function used bare: f means f(x, y) in its own parameters.
      if (this.expanding.has(name)) throw new MatrixUnsupported(`${show(name)} is defined in terms of itself`);
      return this.callBound(name, b, b.params.map((p) => this.byName(canonName(p))));
    }
    const deps = this.dependents.get(name);
    if (deps) return this.dep(name, deps.map((d) => this.byName(d)), this.dependentShape(s));
    if (this.functionSyms.has(name)) throw new MatrixUnsupported(`${show(name)} is used without its arguments`);
    if (!this.declared.has(name)) {
      if (s.base === 'I' && !s.sub && !s.label && isCapital(s)) {
        const d = this.track(new Dim());
        return mk({ k: 'eye' }, [d, d]);
      }
      if (s.font === 'bold' && s.base === '1' && !s.sub) return mk({ k: 'ones' }, this.fresh('vector'));
      if (s.font === 'bold' && s.base === '0' && !s.sub) return mk({ k: 'zero' }, this.fresh('vector'));
      if (s.name === 'e' || (s.base === 'e' && s.font === 'rm' && !s.sub)) return mk({ k: 'num', v: Math.E }, this.fresh('scalar'));
      if (s.name === 'pi') return mk({ k: 'num', v: Math.PI }, this.fresh('scalar'));
    }
    if (s.base === 'infty') throw new MatrixUnsupported('it involves infinity');
    if (!s.font && !s.accent && s.sub && INDEX_LETTERS.test(s.sub) && this.boldBases.has(s.base)) {
      throw new MatrixUnsupported(`the entry ${show(s.name)} of the vector ${s.base} is not understood here`);
    }
    return this.leaf(name, () => this.declared.get(name) ?? this.fresh(this.scalarCapitals.has(name) ? 'scalar' : typography(s)));
  }

  /** A name from the dependency lists or a function's parameters, as the claim wrote it. */
  private byName(name: string): MExpr {
    return this.sym(this.symNodes.get(name) ?? parseName(name));
  }

  private leaf(name: string, shape: () => Shape): MExpr {
    const existing = this.leaves.get(name);
    if (existing) return existing.node;
    const node = mk({ k: 'var', name }, shape()) as Extract<MExpr, { k: 'var' }>;
    this.leaves.set(name, { name, node });
    return node;
  }

  private ref(name: string, b: Binding): MExpr {
    const cached = this.refs.get(name);
    if (cached) return cached;
    if (this.expanding.has(name)) throw new MatrixUnsupported(`${show(name)} is defined in terms of itself`);
    // `\mathbf{u} = g(\mathbf{x})`: an undefined function's values have the shape of the name it defines.
    const body0 = b.body;
    if (body0.type === 'apply' && body0.fn.type === 'sym' && this.functionSyms.has(canon(body0.fn)) && !this.bindings.has(canon(body0.fn))) {
      const f = canon(body0.fn);
      const target = this.symNodes.get(name) ?? parseName(b.name);
      if (!this.pendingOut.has(f)) this.pendingOut.set(f, this.declared.get(name) ?? this.fresh(typography(target)));
    }
    this.expanding.add(name);
    let body: MExpr;
    const saved = this.component;
    const savedLocals = this.locals;
    this.component = null;
    this.locals = [];
    try {
      body = this.build(b.body);
    } finally {
      this.expanding.delete(name);
      this.component = saved;
      this.locals = savedLocals;
    }
    const declared = this.declared.get(name);
    if (declared) this.unify(declared, body.s, `the definition of ${show(name)}`);
    const r = mk({ k: 'ref', name, e: body }, body.s);
    this.refs.set(name, r);
    return r;
  }

  private dependentShape(s: SymNode): Shape {
    const name = canon(s);
    const declared = this.declared.get(name);
    if (declared) return declared;
    // A capital that is differentiated and never defined is a scalar (a loss L, a cost J), unless bold.
    if (/^[A-Z]$/.test(s.base) && s.font !== 'bold') return this.fresh('scalar');
    if (s.font === 'cal') return this.fresh('scalar');
    return this.fresh(typography(s));
  }

  private dep(name: string, args: MExpr[], out: Shape): MExpr {
    const info = this.functions.get(name);
    if (info) {
      if (info.inputs.length !== args.length) throw new MatrixUnsupported(`${show(name)} is used with different numbers of arguments`);
      info.inputs.forEach((s, i) => this.unify(s, args[i].s, `the arguments of ${show(name)}`));
      return mk({ k: 'dep', name, args }, info.out);
    }
    this.functions.set(name, { name, out, inputs: args.map((a) => a.s) });
    return mk({ k: 'dep', name, args }, out);
  }

  /** Inside `\sum_i`: `z_i` is the vector z, entry by entry. */
  private componentOf(s: SymNode): MExpr {
    // `\hat{y}_i` is an entry of \hat{\mathbf{y}}; a plain name declared or defined as a vector is that vector.
    const accent = s.accent ? `${s.accent}:` : '';
    const plainName = `${accent}${s.base}`;
    const plainIsVector = this.declared.has(plainName) || this.bindings.has(plainName);
    const vectorName = plainIsVector ? plainName : `${accent}bold:${s.base}`;
    const plain: SymNode = { type: 'sym', name: vectorName, base: s.base, span: s.span };
    if (!plainIsVector) plain.font = 'bold';
    if (s.accent) plain.accent = s.accent;
    const saved = this.component;
    this.component = null;
    try {
      const v = this.sym(plain);
      if (!isVector(v.s) || !isOne(v.s[1])) throw new MatrixUnsupported(`${show(s.name)} is not an entry of a column vector`);
      return v;
    } finally {
      this.component = saved;
    }
  }

  private sum(n: Extract<Node, { type: 'bigop' }>): MExpr {
    const idx = n.index;
    if (!idx || idx.type !== 'sym' || !INDEX_LETTERS.test(idx.name)) throw new MatrixUnsupported('it contains a sum (\\sum)');
    if (n.lower && !(n.lower.type === 'num' && (n.lower.value === 1 || n.lower.value === 0))) throw new MatrixUnsupported('a sum with these limits is not understood');
    if (this.component) throw new MatrixUnsupported('nested sums are not understood');
    this.component = idx.name;
    let body: MExpr;
    try {
      body = this.build(n.body);
    } finally {
      this.component = null;
    }
    if (isScalar(body.s)) throw new MatrixUnsupported('a sum whose terms do not depend on the index is not understood');
    if (!isOne(body.s[1])) throw new MatrixUnsupported('a sum over a matrix is not understood');
    if (n.upper) this.sumUpper.push([n.upper, body.s[0]]);
    return mk({ k: 'sum', a: body }, this.fresh('scalar'));
  }

  /** Upper limits of componentwise sums (`\sum_{i=1}^n`): tied to the vector's size when they are a size name. */
  private readonly sumUpper: [Node, Dim][] = [];

  private matrix(n: Extract<Node, { type: 'matrix' }>): MExpr {
    const envs = ['bmatrix', 'pmatrix', 'matrix', 'Bmatrix', 'smallmatrix', 'array', 'vmatrix'];
    if (!envs.includes(n.env)) throw new MatrixUnsupported(`the ${n.env} environment is not understood`);
    const rows = n.rows.filter((r) => r.length > 0).map((r) => r.map((x) => this.build(x)));
    if (rows.length === 0) throw new MatrixUnsupported('an empty matrix');
    const cols = rows[0].length;
    if (rows.some((r) => r.length !== cols)) throw new MatrixUnsupported('a matrix with rows of different lengths');
    if (rows.some((r) => r.some((x) => !isScalar(x.s)))) throw new MatrixUnsupported('a block matrix is not understood');
    const shape: Shape = [this.track(rows.length === 1 ? Dim.one(true) : Dim.sized(rows.length)), this.track(cols === 1 ? Dim.one(true) : Dim.sized(cols))];
    const stack = mk({ k: 'stack', rows }, shape);
    if (n.env === 'vmatrix') {
      if (rows.length !== cols) throw new MatrixUnsupported('the determinant of a matrix that is not square');
      return mk({ k: 'det', a: stack }, this.fresh('scalar'));
    }
    return stack;
  }

  private norm(argNode: Node, sub: string | undefined): MExpr {
    const a = this.build(argNode);
    const p = (sub ?? '').replace(/\\(?:textrm|mathrm|text|rm|mathit)/g, '').replace(/[{}\s]/g, '');
    if (isScalar(a.s)) {
      if (p) throw new MatrixUnsupported('a norm of a scalar with a subscript is not understood');
      return mk({ k: 'fn', f: 'abs', a }, a.s);
    }
    if (isVector(a.s)) {
      if (p === '' || p === '2') return mk({ k: 'norm', a, p: '2' }, this.fresh('scalar'));
      if (p === '1') return mk({ k: 'norm', a, p: '1' }, this.fresh('scalar'));
      throw new MatrixUnsupported(`the norm ‖·‖_${p} is not understood`);
    }
    if (p === 'F') return mk({ k: 'norm', a, p: 'F' }, this.fresh('scalar'));
    throw new MatrixUnsupported(p ? `the matrix norm ‖·‖_${p} is not checked (only the Frobenius norm ‖·‖_F)` : 'a matrix norm without a subscript may be the spectral or the Frobenius norm');
  }

  private product(n: Extract<Node, { type: 'mul' }>): MExpr {
    // `d` before a factor is the differential of that factor (`(d\mathbf{X})\mathbf{Y}`, `\mathbf{X}\,d\mathbf{Y}`).
    const factor = (i: number): MExpr => {
      const of = n.factors[i + 1];
      if (!isDifferentialMark(n.factors[i], of, this.ctx)) return this.build(n.factors[i]);
      if (of.type === 'pow') throw new MatrixUnsupported('d before a power may be the power of a differential', 'differential');
      return this.differential(this.build(of));
    };
    const step = (i: number): number => (isDifferentialMark(n.factors[i], n.factors[i + 1], this.ctx) ? 2 : 1);
    let acc = factor(0);
    for (let i = step(0); i < n.factors.length; i += step(i)) {
      const op = n.ops[i - 1];
      const next = factor(i);
      if (this.differentials > 1 && hasDifferentialIn(acc) && hasDifferentialIn(next)) throw new MatrixUnsupported('a product of differentials is not linear in them', 'differential');
      if (op === 'otimes') throw new MatrixUnsupported('Kronecker products (⊗) are not checked yet');
      if (op === 'circ') throw new MatrixUnsupported('∘ may be composition or the elementwise product');
      if (op === 'odot' || (this.component && !isScalar(acc.s) && !isScalar(next.s))) {
        acc = this.hadamard(acc, next);
        continue;
      }
      if (op === 'times' && isVector(acc.s) && isVector(next.s)) throw new MatrixUnsupported('cross products (×) are not checked');
      if (op === 'cdot' && isVector(acc.s) && isVector(next.s) && isOne(acc.s[1]) && isOne(next.s[1])) {
        this.unify(acc.s, next.s, 'a dot product of vectors of different sizes');
        this.noteLabel(acc, next);
        this.noteLabel(next, acc);
        acc = mk({ k: 'dot', a: acc, b: next }, this.fresh('scalar'));
        continue;
      }
      acc = this.mul(acc, next);
    }
    return acc;
  }

  /** The differential of a built expression: each leaf it depends on moves along a direction of its own shape. */
  private differential(a: MExpr): MExpr {
    const inside = nodes(a);
    if (inside.some((x) => x.k === 'diff')) throw new MatrixUnsupported('a differential of a differential is not checked', 'differential');
    const dirs: [string, MExpr][] = [];
    // (What moves: the names the claim writes differentials of; when none of them is in this operand, everything.)
    const restricted = inside.some((x) => x.k === 'var' && this.moving.has(x.name));
    for (const x of inside) {
      if (x.k !== 'var' || x.name.startsWith(DIFFERENTIAL) || dirs.some(([name]) => name === x.name)) continue;
      if (restricted && !this.moving.has(x.name)) continue;
      dirs.push([x.name, this.leaf(`${DIFFERENTIAL}${x.name}`, () => x.s)]);
    }
    this.differentials++;
    return mk({ k: 'diff', a, dirs }, a.s);
  }

  private hadamard(a: MExpr, b: MExpr): MExpr {
    if (isScalar(a.s) || isScalar(b.s)) return this.mul(a, b);
    this.unify(a.s, b.s, 'an elementwise product of different shapes');
    this.noteLabel(a, b);
    this.noteLabel(b, a);
    return mk({ k: 'had', a, b }, a.s);
  }

  mul(a: MExpr, b: MExpr): MExpr {
    if (isScalar(a.s)) return mk({ k: 'mul', a, b, scalarMul: true }, b.s);
    if (isScalar(b.s)) return mk({ k: 'mul', a, b, scalarMul: true }, a.s);
    unifyDims(a.s[1], b.s[0], () => `a product of a ${shapeText(a.s)} ${kindText(a.s)} and a ${shapeText(b.s)} ${kindText(b.s)}`);
    this.noteLabel(a, b);
    const s: Shape = [a.s[0], b.s[1]];
    return mk({ k: 'mul', a, b, scalarMul: false }, s);
  }

  /** `\mathbf{y}^\top \log \mathbf{p}`: y weights a logarithm (a cross-entropy): a label. */
  private noteLabel(weight: MExpr, other: MExpr): void {
    const leaf = weight.k === 'var' ? weight : weight.k === 'T' && weight.a.k === 'var' ? weight.a : null;
    if (leaf && isVector(leaf.s) && other.k === 'fn' && other.f === 'ln') this.labels.add(leaf.name);
  }

  private power(baseNode: Node, exp: Node): MExpr {
    if (exp.type === 'sym' && TRANSPOSE_NAMES.has(exp.name)) {
      if (baseNode.type === 'tuple') return this.build(baseNode); // [a, b]^T: a column either way
      const a = this.build(baseNode);
      return mk({ k: 'T', a }, [a.s[1], a.s[0]]);
    }
    if (exp.type === 'neg' && exp.arg.type === 'sym' && TRANSPOSE_NAMES.has(exp.arg.name)) {
      const a = this.build(baseNode);
      const t = mk({ k: 'T', a }, [a.s[1], a.s[0]]);
      return this.inverse(t);
    }
    if (baseNode.type === 'sym' && (baseNode.name === 'e' || (baseNode.base === 'e' && baseNode.font === 'rm' && !baseNode.sub)) && !this.bindings.has('e')) {
      const x = this.build(exp);
      if (isMatrix(x.s)) throw new MatrixUnsupported('e to a matrix may be the matrix exponential');
      return mk({ k: 'fn', f: 'exp', a: x }, x.s);
    }
    const a = this.build(baseNode);
    if (exp.type === 'neg' && exp.arg.type === 'num' && exp.arg.value === 1 && !isScalar(a.s)) return this.inverse(a);
    const p = this.build(exp);
    if (!isScalar(p.s)) throw new MatrixUnsupported('a power with a vector or matrix exponent');
    if (isScalar(a.s)) return mk({ k: 'pow', a, p }, a.s);
    // Inside `\sum_i`, `x_i^2` is the square of each entry.
    if (this.component && isVector(a.s) && exp.type === 'num' && Number.isInteger(exp.value) && exp.value >= 1 && exp.value <= 4) {
      let r = a;
      for (let k = 1; k < exp.value; k++) r = mk({ k: 'had', a: r, b: a }, a.s);
      return r;
    }
    if (isMatrix(a.s) && exp.type === 'num' && Number.isInteger(exp.value) && exp.value >= 0 && exp.value <= 12) {
      this.unify([a.s[0], a.s[0]], [a.s[0], a.s[1]], 'a power of a matrix that is not square');
      return mk({ k: 'pow', a, p }, a.s);
    }
    throw new MatrixUnsupported(`a power of a ${kindText(a.s)} is not understood`);
  }

  private inverse(a: MExpr): MExpr {
    if (isScalar(a.s)) return mk({ k: 'pow', a, p: mk({ k: 'num', v: -1 }, this.fresh('scalar')) }, a.s);
    if (!isMatrix(a.s)) throw new MatrixUnsupported('the inverse of a vector');
    unifyDims(a.s[0], a.s[1], () => `the inverse of a matrix that is not square (${shapeText(a.s)})`);
    return mk({ k: 'inv', a }, a.s);
  }

  private call(n: Extract<Node, { type: 'call' }>): MExpr {
    const args = n.args.map((a) => this.build(a));
    const one = (): MExpr => {
      if (args.length !== 1) throw new MatrixUnsupported(`${n.name} takes one argument here`);
      return args[0];
    };
    const elementwise = (f: ElementFn): MExpr => {
      const a = one();
      if (isMatrix(a.s) && !ELEMENTWISE_ON_MATRICES.has(f)) throw new MatrixUnsupported(`${n.name} of a matrix may be the matrix function, not elementwise`);
      return mk({ k: 'fn', f, a }, a.s);
    };
    let r: MExpr;
    // A library function that applies entry by entry (sin, tanh, ReLU, …): elementwise.
    const entry = BY_CALL.get(n.name);
    if (entry?.elementwise && entry.name !== 'ln' && entry.name !== 'sqrt') r = elementwise(entry.name);
    else switch (n.name) {
      case 'ln':
      case 'log':
      case 'lg': {
        if (n.base) throw new MatrixUnsupported('a logarithm with a base is not checked in vector expressions');
        r = elementwise('ln');
        if ((n.name === 'log' && this.options.logBase === '10') || n.name === 'lg') r = mk({ k: 'mul', a: mk({ k: 'num', v: 1 / Math.LN10 }, this.fresh('scalar')), b: r, scalarMul: true }, r.s);
        break;
      }
      case 'sqrt':
        if (n.index) throw new MatrixUnsupported('roots other than the square root are not checked in vector expressions');
        r = elementwise('sqrt');
        break;
      case 'abs': {
        const a = one();
        if (!isScalar(a.s)) throw new MatrixUnsupported('|·| of a vector or matrix may be a norm, a determinant or elementwise');
        r = mk({ k: 'fn', f: 'abs', a }, a.s);
        break;
      }
      case 'softmax': {
        const a = one();
        if (!isVector(a.s)) throw new MatrixUnsupported('softmax of something that is not a vector');
        r = mk({ k: 'softmax', a }, a.s);
        break;
      }
      case 'logsumexp': {
        if (args.length === 1) {
          const a = args[0];
          if (!isVector(a.s)) throw new MatrixUnsupported('log-sum-exp of something that is not a vector');
          r = mk({ k: 'lse', a }, this.fresh('scalar'));
        } else {
          if (args.some((a) => !isScalar(a.s))) throw new MatrixUnsupported('log-sum-exp of several vectors');
          const v = mk({ k: 'stack', rows: args.map((a) => [a]) }, [this.track(Dim.sized(args.length)), this.track(Dim.one(true))]);
          r = mk({ k: 'lse', a: v }, this.fresh('scalar'));
        }
        break;
      }
      case 'det':
      case 'tr': {
        const a = one();
        if (isScalar(a.s)) throw new MatrixUnsupported(`${n.name} of a scalar`);
        if (!isMatrix(a.s)) throw new MatrixUnsupported(`${n.name} of a vector`);
        unifyDims(a.s[0], a.s[1], () => `${n.name} of a matrix that is not square (${shapeText(a.s)})`);
        r = mk({ k: n.name, a }, this.fresh('scalar'));
        break;
      }
      case 'diag': {
        const a = one();
        if (isVector(a.s)) {
          const d = isOne(a.s[1]) ? a.s[0] : a.s[1];
          r = mk({ k: 'diag', a }, [d, d]);
        } else if (isMatrix(a.s)) {
          unifyDims(a.s[0], a.s[1], () => `diag of a matrix that is not square (${shapeText(a.s)})`);
          r = mk({ k: 'diagonal', a }, [a.s[0], this.track(Dim.one())]);
        } else throw new MatrixUnsupported('diag of a scalar');
        break;
      }
      default:
        throw new MatrixUnsupported(`${n.name} is not checked in vector expressions`);
    }
    if (n.power) {
      if (!isScalar(r.s)) throw new MatrixUnsupported(`a power of ${n.name} of a vector`);
      const p = n.power;
      if (p.type === 'neg' && p.arg.type === 'num' && p.arg.value === 1) throw new MatrixUnsupported(`${n.name}^{-1} is ambiguous (inverse or reciprocal)`);
      r = mk({ k: 'pow', a: r, p: this.build(p) }, r.s);
    }
    return r;
  }

  private apply(f: Node, argNodes: Node[]): MExpr {
    if (f.type === 'sym') {
      const name = canon(f);
      const b = this.bindings.get(name);
      if (b?.params) return this.callBound(name, b, argNodes.map((a) => this.build(a)));
      if (f.base === 'sigma' && !f.sub && !b && !this.functionSyms.has(name)) {
        if (this.ctx.conventions?.sigma && this.ctx.conventions.sigma.value !== 'logistic') throw new MatrixUnsupported(`σ is not the logistic function in this note`, 'unknown-convention');
        if (argNodes.length !== 1) throw new MatrixUnsupported('σ with several arguments is not understood');
        const a = this.build(argNodes[0]);
        return mk({ k: 'fn', f: 'sigmoid', a }, a.s);
      }
      if (this.functionSyms.has(name) && !b) {
        if (!conventionalFunctionLetter(f)) this.doubts.push(doubt('ambiguous-application', `reading ${show(name)}(…) as a function applied to an argument`));
        const args = argNodes.map((a) => this.build(a));
        const out = this.functions.get(name)?.out ?? this.pendingOut.get(name) ?? this.functionOutput(f);
        return this.dep(name, args, out);
      }
      if (b || this.dependents.has(name)) {
        // `\mathbf{h}(\mathbf{x})` for a name that stands for an expression: the arguments restate what it depends on.
        if (argNodes.every((a) => a.type === 'sym')) return this.sym(f);
      }
      // Certain when the claim also writes the name as a plain operand (`B\mathbf x` beside `B(B\mathbf x)`) or the
      // note declared its shape, and the bracket holds an expression rather than a lone name.
      const operand = this.plainNames.has(name) || this.ctx.shapes?.has(name) === true;
      if (!(operand && argNodes.length === 1 && argNodes[0].type !== 'sym')) this.doubts.push(doubt('ambiguous-application', `reading ${show(name)}(…) as a product`));
      if (argNodes.length !== 1) throw new MatrixUnsupported(`${show(name)}(…, …) is not understood`);
      return this.mul(this.sym(f), this.build(argNodes[0]));
    }
    if (f.type === 'prime' && f.arg.type === 'sym' && f.arg.base === 'sigma' && !f.arg.sub && f.order === 1 && !this.bindings.has(canon(f.arg)) && !this.ctx.conventions?.sigma) {
      // σ'(z) = σ(z)(1 − σ(z)), elementwise.
      if (argNodes.length !== 1) throw new MatrixUnsupported("σ' with several arguments is not understood");
      const a = this.build(argNodes[0]);
      const s = mk({ k: 'fn', f: 'sigmoid', a }, a.s);
      const oneMinus = mk({ k: 'add', a: [mk({ k: 'ones' }, a.s), mk({ k: 'neg', a: s }, a.s)] }, a.s);
      return isScalar(a.s) ? this.mul(s, mk({ k: 'add', a: [mk({ k: 'num', v: 1 }, this.fresh('scalar')), mk({ k: 'neg', a: s }, a.s)] }, a.s)) : mk({ k: 'had', a: s, b: oneMinus }, a.s);
    }
    throw new MatrixUnsupported('a derivative or expression applied to arguments is not understood here');
  }

  private functionOutput(f: SymNode): Shape {
    if (f.font === 'bold' && !/^[A-Z]$/.test(f.base)) return this.fresh('vector');
    if (f.font === 'bold' && /^[A-Z]$/.test(f.base)) return this.fresh('matrix');
    return this.fresh('scalar');
  }

  /** A defined function applied: its body with the parameters bound to the arguments. */
  private callBound(name: string, b: Binding, args: MExpr[]): MExpr {
    const params = b.params!;
    if (params.length !== args.length) throw new MatrixUnsupported(`${show(name)} is defined with ${params.length} argument(s) but used with ${args.length}`);
    const { body, vars } = this.functionBody(name, b, args.map((a) => a.s));
    return mk({ k: 'at', e: body, bind: vars.map((v, i) => [v.name, args[i]] as [string, MExpr]) }, body.s);
  }

  private functionBody(name: string, b: Binding, shapes: (Shape | null)[]): { body: MExpr; vars: Extract<MExpr, { k: 'var' }>[] } {
    if (this.expanding.has(name)) throw new MatrixUnsupported(`${show(name)} is defined in terms of itself`);
    const params = b.params!;
    const vars = params.map((p, i) => {
      const pnode = parseName(p);
      const shape = shapes[i] ?? this.declared.get(canonName(p)) ?? this.fresh(typography(pnode));
      return mk({ k: 'var', name: `#${name}:${p}` }, shape) as Extract<MExpr, { k: 'var' }>;
    });
    const m = new Map<string, MExpr>();
    params.forEach((p, i) => m.set(canonName(p), vars[i]));
    this.expanding.add(name);
    this.locals.push(m);
    const saved = this.component;
    this.component = null;
    try {
      return { body: this.build(b.body), vars };
    } finally {
      this.locals.pop();
      this.expanding.delete(name);
      this.component = saved;
    }
  }

  // ---------------------------------------------------------------------------------------------- derivatives

  private wrtVar(w: WrtVar): MExpr {
    if (w.v.type !== 'sym') throw new MatrixUnsupported('differentiating by an expression is not understood');
    const x = this.sym(w.v);
    if (x.k !== 'var' && x.k !== 'ref' && x.k !== 'dep') throw new MatrixUnsupported(`differentiating by ${show(canon(w.v))} is not understood`);
    this.variables.add(x.name);
    return x;
  }

  private deriv(d: DerivNode): MExpr {
    if (d.form === 'D') throw new MatrixUnsupported('D-notation for vector derivatives is not understood');
    if (!d.of) throw new MatrixUnsupported('a derivative operator with nothing to act on');
    const order = typeof d.order === 'number' ? d.order : null;
    if (order === null || d.wrt.some((w) => typeof w.order !== 'number')) throw new MatrixUnsupported('a derivative of symbolic order');
    if (d.kind === 'nabla') {
      if (d.wrt.length === 0) return this.nablaBare(d.of, order);
      if (d.wrt.length > 1) throw new MatrixUnsupported('∇ by several variables is not understood');
      const w = this.wrtVar(d.wrt[0]);
      const of = this.build(d.of);
      if (order === 1) return this.derivative(of, [w], isScalar(of.s) ? 'den' : this.options.layout, false);
      if (order === 2) {
        this.doubts.push(doubt('ambiguous-notation', '∇² may mean the Laplacian rather than the Hessian'));
        return this.hessian(of, w);
      }
      throw new MatrixUnsupported('∇ of order above 2');
    }
    const partial = d.kind === 'partial';
    if (d.wrt.length === 1) {
      const wv = d.wrt[0];
      const k = typeof wv.order === 'number' ? wv.order : 1;
      const w = this.wrtVar(wv);
      const of = this.build(d.of);
      if (k === 1 && order === 1) return this.derivative(of, [w], wv.transposed ? 'num' : this.options.layout, partial);
      if (k === 2 && order === 2) {
        if (isVector(w.s)) return this.hessian(of, w);
        if (isScalar(w.s)) return this.derivative(this.derivative(of, [w], this.options.layout, partial), [w], this.options.layout, partial);
      }
      throw new MatrixUnsupported('this higher derivative of a vector expression is not understood');
    }
    if (d.wrt.length === 2 && order === 2 && d.wrt.every((w) => w.order === 1)) {
      const [w1, w2] = d.wrt;
      const a = this.wrtVar(w1);
      const b = this.wrtVar(w2);
      const of = this.build(d.of);
      if (nameOf(a) === nameOf(b) && isVector(a.s)) {
        if (!(w1.transposed || w2.transposed)) this.doubts.push(doubt('ambiguous-notation', '∂²/∂x∂x without a transpose is read as the Hessian'));
        return this.hessian(of, a);
      }
      if (isScalar(a.s) && isScalar(b.s)) return this.derivative(this.derivative(of, [b], this.options.layout, partial), [a], this.options.layout, partial);
    }
    throw new MatrixUnsupported('this mixed derivative of a vector expression is not understood');
  }

  /** `\nabla f`, `\nabla f(0, 0)`: the gradient of a defined function in its parameters, at its arguments. */
  private nablaBare(ofNode: Node, order: number): MExpr {
    let name: string | null = null;
    let argNodes: Node[] | null = null;
    if (ofNode.type === 'sym') name = canon(ofNode);
    else if (ofNode.type === 'apply' && ofNode.fn.type === 'sym') {
      name = canon(ofNode.fn);
      argNodes = ofNode.args;
    }
    const b = name ? this.bindings.get(name) : undefined;
    if (!name || !b?.params) throw new MatrixUnsupported('∇ without a variable, of something that is not a defined function');
    const args = argNodes ? argNodes.map((a) => this.build(a)) : null;
    if (args && args.length !== b.params.length) throw new MatrixUnsupported(`${show(name)} is defined with ${b.params.length} argument(s) but used with ${args.length}`);
    const { body, vars } = this.functionBody(name, b, args ? args.map((a) => a.s) : b.params.map(() => null));
    if (!isScalar(body.s)) throw new MatrixUnsupported(`∇ of the vector-valued ${show(name)} without a variable`);
    if (vars.length > 1 && vars.some((v) => !isScalar(v.s))) throw new MatrixUnsupported(`∇ of ${show(name)}, a function of several vectors`);
    let g: MExpr;
    if (order === 1) g = this.derivative(body, vars, 'den', false);
    else if (order === 2 && vars.length === 1) {
      this.doubts.push(doubt('ambiguous-notation', '∇² may mean the Laplacian rather than the Hessian'));
      g = this.hessian(body, vars[0]);
    } else throw new MatrixUnsupported('∇ of order above 2');
    // Evaluated at the arguments written, or at the note's own variables of the same names.
    const at = args ?? b.params.map((p) => this.byName(canonName(p)));
    at.forEach((a, i) => this.unify(vars[i].s, a.s, `the arguments of ${show(name!)}`));
    for (const a of at) for (const n of names(a)) this.variables.add(n);
    return mk({ k: 'at', e: g, bind: vars.map((v, i) => [v.name, at[i]] as [string, MExpr]) }, g.s);
  }

  private hessian(of: MExpr, w: MExpr): MExpr {
    if (!isScalar(of.s) || !isVector(w.s) || !isOne(w.s[1])) throw new MatrixUnsupported('a Hessian of something that is not a scalar function of a vector');
    const g = this.derivative(of, [w], 'den', false);
    return this.derivative(g, [w], 'den', false);
  }

  /** ∂(of)/∂(wrt) arranged in a layout; its shape follows from the shapes of `of` and the variable. */
  derivative(of: MExpr, wrt: MExpr[], layout: Layout, partial: boolean): MExpr {
    const inOf = names(of);
    for (const w of wrt) {
      if (!inOf.has((w as { name: string }).name)) {
        throw new MatrixUnsupported(`the expression does not depend on ${show((w as { name: string }).name)} (a derivative evaluated at a point?)`);
      }
    }
    let W: Shape;
    if (wrt.length === 1) W = wrt[0].s;
    else {
      if (wrt.some((w) => !isScalar(w.s))) throw new MatrixUnsupported('differentiating by several vectors at once');
      W = [this.track(Dim.sized(wrt.length)), this.track(Dim.one(true))];
    }
    const F = of.s;
    let s: Shape;
    if (isScalar(F)) s = layout === 'den' ? W : [W[1], W[0]];
    else if (isScalar(W)) s = F;
    else if (isVector(F) && isVector(W)) {
      const m = isOne(F[1]) ? F[0] : F[1];
      const n = isOne(W[1]) ? W[0] : W[1];
      s = layout === 'den' ? [n, m] : [m, n];
    } else throw new MatrixUnsupported(`the derivative of a ${kindText(F)} by a ${kindText(W)} is a tensor; not checked`);
    return mk({ k: 'd', of, wrt, layout, partial }, s);
  }

  /** After building: tie the upper limits of componentwise sums (`\sum_{i=1}^n`) to the vector sizes. */
  finish(): void {
    for (const [upper, d] of this.sumUpper) {
      if (upper.type === 'sym' && this.namedDims.has(upper.name)) unifyDims(d, this.namedDims.get(upper.name)!, () => 'the limits of a sum');
    }
  }
}

function describesEntries(n: Node): boolean {
  let found = false;
  walk(n, (m) => {
    if (m.type === 'ellipsis') found = true;
  });
  return found;
}

function nameOf(e: MExpr): string {
  return (e as { name: string }).name;
}

function kindText(s: Shape): string {
  return isScalar(s) ? 'scalar' : isVector(s) ? 'vector' : 'matrix';
}


/** A canonical name back to a symbol node (for a function's parameters). */
function parseName(name: string): SymNode {
  const m = /^((?:\w+:)*)([A-Za-z]+|\d)(?:\^\((.*?)\))?(?:_(.+))?$/.exec(name);
  const s: SymNode = { type: 'sym', name, base: m ? m[2] : name, span: { start: 0, end: 0 } };
  if (m) {
    for (const p of m[1].split(':').filter(Boolean)) {
      if (p === 'bold' || p === 'cal' || p === 'rm' || p === 'sf' || p === 'bb') s.font = p as SymNode['font'];
      else s.accent = p as SymNode['accent'];
    }
    if (m[3]) s.label = m[3];
    if (m[4]) s.sub = m[4];
  }
  return s;
}

export { ShapeError };
