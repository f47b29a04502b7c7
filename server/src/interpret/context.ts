/**
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
}

export interface NoteContext {
  readonly bindings: ReadonlyMap<string, Binding>;
  /** Symbols declared to be functions (`f: \mathbb{R}^n \to \mathbb{R}`). */
  readonly functions: ReadonlySet<string>;
  /** Shape declarations (`\mathbf{x} \in \mathbb{R}^n`, `A \in \mathbb{R}^{m \times n}`), by symbol name. */
  readonly shapes?: ReadonlyMap<string, ShapeDeclaration>;
}

export interface ShapeDeclaration {
  lhs: Node;
  rhs: Node;
}

export const EMPTY_CONTEXT: NoteContext = { bindings: new Map(), functions: new Set() };

/** Copy-on-write: a new context with one more binding. */
export function withBinding(ctx: NoteContext, b: Binding): NoteContext {
  const bindings = new Map(ctx.bindings);
  bindings.set(b.name, b);
  return ctx.shapes ? { bindings, functions: ctx.functions, shapes: ctx.shapes } : { bindings, functions: ctx.functions };
}

export function withFunction(ctx: NoteContext, name: string): NoteContext {
  if (ctx.functions.has(name)) return ctx;
  const functions = new Set(ctx.functions);
  functions.add(name);
  return ctx.shapes ? { bindings: ctx.bindings, functions, shapes: ctx.shapes } : { bindings: ctx.bindings, functions };
}

export function withoutBinding(ctx: NoteContext, name: string): NoteContext {
  if (!ctx.bindings.has(name)) return ctx;
  const bindings = new Map(ctx.bindings);
  bindings.delete(name);
  return ctx.shapes ? { bindings, functions: ctx.functions, shapes: ctx.shapes } : { bindings, functions: ctx.functions };
}

/** Copy-on-write: a new context where `name` has the declared shape. */
export function withShape(ctx: NoteContext, name: string, decl: ShapeDeclaration): NoteContext {
  const shapes = new Map(ctx.shapes ?? []);
  shapes.set(name, decl);
  return { bindings: ctx.bindings, functions: ctx.functions, shapes };
}
