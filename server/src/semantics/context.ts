/**
 * The semantic model of a note at one point of reading: what its symbols mean there. One model, asked by every
 * checker (scalar, matrix, Taylor, index notation), the cache keys and the hover; built in reading order by
 * interpret/claims.ts from the note's definitions (strongest), signatures and memberships, prose declarations
 * (semantics/prose.ts), usage in the scope (semantics/usage.ts) and, weakest, letter conventions
 * (semantics/letters.ts).
 *
 * The note's own context, tracked in reading order: names the note has defined ("Let $f(x) = x^2\sin x$",
 * "$y = f(u)$, $u = g(x)$", "Set $u = x^3$") and symbols it has declared to be functions ("$f: \mathbb{R} \to
 * \mathbb{R}$"). Each claim sees the context as it stood when the claim was read.
 */
import type { Node } from '../parse/ast';

export interface Binding {
  /** Canonical symbol name (see SymNode.name). */
  name: string;
  /** Parameter names for a function definition `f(x, y) = …`; null for a plain name `u = x^3`. */
  params: string[] | null;
  body: Node;
  /** The LaTeX of the body, for messages. */
  bodyLatex: string;
  /** Document offset where the definition was made. */
  at: number;
  /** 0-based line of the definition, when the note's text is known. */
  line?: number;
  /** Set for a definition made in a conditional sentence ("If $y = x^2$ then …"): it holds in that sentence only. */
  sentence?: number;
  /**
   * Set for a definition made inside an item of a list (an exercise, a step of a worked example): it holds with
   * certainty inside that item only; after it, reading the name by this definition is one plausible reading
   * among others (a stale definition).
   */
  item?: number;
}

/** How sure the model is of a fact: stated by the note, inferred from its usage, or guessed from conventions. */
export type Certainty = 'stated' | 'inferred' | 'guessed';

/** Why the model believes a fact: the rule that produced it and where in the note. */
export interface Evidence {
  /** Rule id (semantics/prose.ts and semantics/usage.ts name theirs), e.g. `prose.function`, `usage.primed`. */
  rule: string;
  certainty: Certainty;
  /** 0-based line where the note states it, when known. */
  line?: number;
}

/** 'quantity': given a value in prose the checker cannot read (never a free variable). */
export type SymbolKind = 'function' | 'constant' | 'quantity';

export interface SymbolFact {
  kind: SymbolKind;
  evidence: Evidence;
}

/** Conventions the note fixed (in prose or by a directive), with where. */
export interface Conventions {
  layout?: { value: 'numerator' | 'denominator'; evidence: Evidence };
  logBase?: { value: 'e' | '10'; evidence: Evidence };
  /** What σ denotes when the note says so ('logistic' is also the convention when it says nothing). */
  sigma?: { value: 'logistic' | 'softmax' | 'function' | 'constant'; evidence: Evidence };
  /** Names (their letters, without subscripts) of one-hot vectors: entries are 0 or 1, one of them 1. */
  oneHot?: { names: readonly string[]; evidence: Evidence };
}

export interface NoteContext {
  readonly bindings: ReadonlyMap<string, Binding>;
  /** Symbols declared to be functions (`f: \mathbb{R}^n \to \mathbb{R}`). */
  readonly functions: ReadonlySet<string>;
  /** Shape declarations (`\mathbf{x} \in \mathbb{R}^n`, `A \in \mathbb{R}^{m \times n}`), by symbol name. */
  readonly shapes?: ReadonlyMap<string, ShapeDeclaration>;
  /** Kinds the note gave symbols (declared or inferred functions, constants), with the evidence. */
  readonly symbols?: ReadonlyMap<string, SymbolFact>;
  /** Assumptions about symbols in scope (`symmetric`), by symbol name. */
  readonly assumptions?: ReadonlyMap<string, readonly string[]>;
  readonly conventions?: Conventions;
}

export interface ShapeDeclaration {
  lhs: Node;
  rhs: Node;
}

/**
 * Every context has all its fields, in this order (absent ones undefined), and every change copies it with a
 * spread: one object shape for all contexts, so the checkers' many reads of a context stay fast.
 */
export const EMPTY_CONTEXT: NoteContext = { bindings: new Map(), functions: new Set(), shapes: undefined, symbols: undefined, assumptions: undefined, conventions: undefined };

/** Copy-on-write: a new context with one more binding. */
export function withBinding(ctx: NoteContext, b: Binding): NoteContext {
  const bindings = new Map(ctx.bindings);
  bindings.set(b.name, b);
  return { ...ctx, bindings };
}

/** A name declared (or inferred) to be a function: any plain definition of it no longer holds. */
export function withFunction(ctx: NoteContext, name: string, evidence?: Evidence): NoteContext {
  let out = ctx.bindings.has(name) ? withoutBinding(ctx, name) : ctx;
  if (!out.functions.has(name)) {
    const functions = new Set(out.functions);
    functions.add(name);
    out = { ...out, functions };
  }
  if (evidence) out = withSymbol(out, name, { kind: 'function', evidence });
  return out;
}

/** A name declared a constant (`let $c$ be a constant`). */
export function withConstant(ctx: NoteContext, name: string, evidence: Evidence): NoteContext {
  let out = ctx.bindings.has(name) ? withoutBinding(ctx, name) : ctx;
  if (out.functions.has(name)) {
    const functions = new Set(out.functions);
    functions.delete(name);
    out = { ...out, functions };
  }
  return withSymbol(out, name, { kind: 'constant', evidence });
}

function withSymbol(ctx: NoteContext, name: string, fact: SymbolFact): NoteContext {
  const symbols = new Map(ctx.symbols ?? []);
  symbols.set(name, fact);
  return { ...ctx, symbols };
}

export function withoutBinding(ctx: NoteContext, name: string): NoteContext {
  if (!ctx.bindings.has(name)) return ctx;
  const bindings = new Map(ctx.bindings);
  bindings.delete(name);
  return { ...ctx, bindings };
}

/** A definition ends what the note said about the name before: it is now what the definition says. */
export function forgetKind(ctx: NoteContext, name: string): NoteContext {
  let out = ctx;
  if (out.functions.has(name)) {
    const functions = new Set(out.functions);
    functions.delete(name);
    out = { ...out, functions };
  }
  if (out.symbols?.has(name)) {
    const symbols = new Map(out.symbols);
    symbols.delete(name);
    out = { ...out, symbols };
  }
  return out;
}

/** Copy-on-write: a new context where `name` has the declared shape. */
export function withShape(ctx: NoteContext, name: string, decl: ShapeDeclaration): NoteContext {
  const shapes = new Map(ctx.shapes ?? []);
  shapes.set(name, decl);
  return { ...ctx, shapes };
}

/** An assumption about a symbol (`symmetric`) from here on in the scope. */
export function withAssumption(ctx: NoteContext, name: string, assumption: string): NoteContext {
  const prev = ctx.assumptions?.get(name) ?? [];
  if (prev.includes(assumption)) return ctx;
  const assumptions = new Map(ctx.assumptions ?? []);
  assumptions.set(name, [...prev, assumption]);
  return { ...ctx, assumptions };
}

export function withConvention<K extends keyof Conventions>(ctx: NoteContext, key: K, value: Conventions[K]): NoteContext {
  return { ...ctx, conventions: { ...(ctx.conventions ?? {}), [key]: value } };
}

/** Is `name` a function here, and how sure is the model? null when nothing but conventions could say. */
export function functionCertainty(ctx: NoteContext, name: string): Certainty | null {
  const b = ctx.bindings.get(name);
  if (b) return b.params ? 'stated' : null;
  const fact = ctx.symbols?.get(name);
  if (fact) return fact.kind === 'function' ? fact.evidence.certainty : null;
  return ctx.functions.has(name) ? 'stated' : null;
}

/** Is `name` declared a constant here? */
export function isDeclaredConstant(ctx: NoteContext, name: string): boolean {
  return ctx.symbols?.get(name)?.kind === 'constant' && !ctx.bindings.has(name);
}

/** A name given a value in prose the checker cannot read. */
export function withQuantity(ctx: NoteContext, name: string, evidence: Evidence): NoteContext {
  if (ctx.bindings.has(name) || ctx.symbols?.get(name)?.kind === 'quantity') return ctx;
  const symbols = new Map(ctx.symbols ?? []);
  symbols.set(name, { kind: 'quantity', evidence });
  return { ...ctx, symbols };
}

/** `later` on top of `before`: conventions stated later win; one-hot names accumulate. */
export function mergeConventions(before: Conventions | undefined, later: Conventions): Conventions {
  if (!before) return later;
  const oneHot = before.oneHot && later.oneHot ? { ...later.oneHot, names: [...new Set([...before.oneHot.names, ...later.oneHot.names])] } : (later.oneHot ?? before.oneHot);
  return { ...before, ...later, ...(oneHot ? { oneHot } : {}) };
}

/** The values of conventions (not their evidence), for a cache key. */
export function conventionsKey(c: Conventions): string {
  return JSON.stringify([c.layout?.value, c.logBase?.value, c.sigma?.value, c.oneHot?.names]);
}

/**
 * A name without its decorations: fonts, accents, subscripts, superscripts and primes (`\mathbf{x}_i` → x). What
 * a declaration or a definition is about, for deciding what a claim may depend on (the cache's keys and the
 * matrix checker's declarations agree on it).
 */
export function nameCore(name: string): string {
  let core = cores.get(name);
  if (core === undefined) {
    core = coreOf(name);
    if (cores.size > 10_000) cores.clear();
    cores.set(name, core);
  }
  return core;
}
const cores = new Map<string, string>();

function coreOf(name: string): string {
  return name
    .replace(/\\(?:mathbf|boldsymbol|bm|vec|mathrm|mathit|mathcal|mathsf|hat|bar|tilde|dot|ddot)\b/g, '')
    .replace(/[_^'].*$/s, '')
    .replace(/[{}\\\s]/g, '');
}
