/**
 * Meanings of marks that the parser leaves neutral. `d` written before a symbol or a bracket outside a Leibniz
 * fraction (`dy = f'(x)\,dx`, `d(\mathbf{XY})`, `d\mathbf{X}`) is a differential, not the product of a quantity d
 * with what follows — unless the note defines d itself.
 */
import type { Node } from '../parse/ast';
import { children as childNodes } from '../parse/walk';
import { conventionalConstantLetter } from './letters';
import type { NoteContext } from './context';

/** Is `factor`, followed by `next` in a product, the differential mark d? */
export function isDifferentialMark(factor: Node, next: Node | undefined, ctx: NoteContext): boolean {
  if (!next || !isDifferentialLetter(factor, ctx)) return false;
  return next.type === 'sym' || next.type === 'apply' || next.type === 'tuple' || next.type === 'call' || (next.type === 'pow' && next.base.type === 'sym');
}

/** `d(x^2)`, `d(\mathbf{XY})`: the differential of the bracket (parsed as d applied to it). */
export function isDifferentialApplied(n: Node, ctx: NoteContext): boolean {
  return n.type === 'apply' && n.args.length === 1 && n.bracket !== '[' && isDifferentialLetter(n.fn, ctx);
}

function isDifferentialLetter(n: Node, ctx: NoteContext): boolean {
  if (n.type !== 'sym' || n.base !== 'd' || n.sub || n.label || n.accent) return false;
  if (n.font && n.font !== 'rm') return false;
  return !ctx.bindings.has(n.name) && !ctx.symbols?.has(n.name);
}

/** Does a product's factor list hold a differential? */
export function hasDifferential(factors: readonly Node[], ctx: NoteContext): boolean {
  for (let i = 0; i + 1 < factors.length; i++) if (isDifferentialMark(factors[i], factors[i + 1], ctx)) return true;
  return false;
}

/**
 * The names whose differential the claim writes on its own (`dx`, `d\mathbf{X}`): what moves. In differential
 * notation the others are held fixed (`dy = \mathrm{tr}(A\,dX)`: A is a constant); a claim that writes no bare
 * differential (`d(uv) = d(vu)`) moves everything. With `operands`, the names written inside a differential's
 * operand count too (see below); without, only the bare differentials.
 */
export function writtenDifferentials(
  roots: readonly Node[],
  ctx: NoteContext,
  nameOf: (s: Extract<Node, { type: 'sym' }>) => string = (s) => s.name,
  operands = true,
): Set<string> {
  const out = new Set<string>();
  // Names written inside the operand of a differential (`d(\mathbf{XY})`, `d\,\mathrm{tr}(X^TX)`) move too, but for
  // letters that are conventionally constants (`d(ax^2) = 2ax\,dx`).
  const inside = (operand: Node) => {
    const names: Node[] = [operand];
    while (names.length) {
      const m = names.pop()!;
      if (m.type === 'sym' && !conventionalConstantLetter(m) && !ctx.bindings.has(m.name)) out.add(nameOf(m));
      for (const c of childNodes(m)) names.push(c);
    }
  };
  const stack = [...roots];
  while (stack.length) {
    const n = stack.pop()!;
    if (n.type === 'mul') {
      for (let i = 0; i + 1 < n.factors.length; i++) {
        const next = n.factors[i + 1];
        if (!isDifferentialMark(n.factors[i], next, ctx)) continue;
        if (next.type === 'sym') out.add(nameOf(next));
        else if (operands) inside(next);
      }
    }
    if (operands && isDifferentialApplied(n, ctx) && n.type === 'apply') inside(n.args[0]);
    for (const c of childNodes(n)) stack.push(c);
  }
  return out;
}

/**
 * `f_x`, `f_{xy}`, `u_{tt}`, `f_{x_1}`: a partial derivative written as a subscript, when the note defines f in those
 * variables (`f(x, y) = …` with x, y among its parameters, or `u = …` written in them) and does not define the
 * subscripted name itself. The function's name and the variables in order; null when the subscript is just part
 * of a name.
 */
export function subscriptPartial(s: Extract<Node, { type: 'sym' }>, ctx: NoteContext): { base: string; vars: string[] } | null {
  const sub = s.sub;
  if (sub === undefined || s.label !== undefined || ctx.bindings.has(s.name) || !s.name.endsWith(`_${sub}`)) return null;
  const base = s.name.slice(0, s.name.length - sub.length - 1);
  const b = ctx.bindings.get(base);
  if (!b) return null;
  const variables = new Set(b.params ?? []);
  if (!b.params) {
    const stack: Node[] = [b.body];
    while (stack.length) {
      const m = stack.pop()!;
      if (m.type === 'sym' && !ctx.bindings.has(m.name)) variables.add(m.name);
      for (const c of childNodes(m)) stack.push(c);
    }
  }
  if (variables.has(sub)) return { base, vars: [sub] };
  if (/^[a-zA-Z]{1,4}$/.test(sub) && [...sub].every((c) => variables.has(c))) return { base, vars: [...sub] };
  return null;
}

/**
 * `f_x`, `f_{xy}` of a function the note does not define: the partial derivative, when the letter is f, g or h, or a
 * name the claim differentiates or the note declares a function (`isFunction`), and the subscript is made of
 * variable letters (not indices i–n, not digits). `y_t`, `x_i`, `a_1` stay names.
 */
export function abstractSubscriptPartial(s: Extract<Node, { type: 'sym' }>, ctx: NoteContext, isFunction: (name: string) => boolean): { base: string; vars: string[] } | null {
  const sub = s.sub;
  if (sub === undefined || s.label !== undefined || s.font || s.accent || ctx.bindings.has(s.name)) return null;
  const base = s.name.slice(0, s.name.length - sub.length - 1);
  if (base !== s.base || ctx.bindings.has(base) || !/^[a-hopq-z]{1,3}$/.test(sub)) return null;
  if (!/^[fgh]$/.test(base) && !isFunction(base)) return null;
  return { base, vars: [...sub] };
}
