/**
 * Meanings of marks that the parser leaves neutral. `d` written before a symbol or a bracket outside a Leibniz
 * fraction (`dy = f'(x)\,dx`, `d(\mathbf{XY})`, `d\mathbf{X}`) is a differential, not the product of a quantity d
 * with what follows — unless the note defines d itself.
 */
import type { Node } from '../parse/ast';
import type { NoteContext } from './context';

/** Is `factor`, followed by `next` in a product, the differential mark d? */
export function isDifferentialMark(factor: Node, next: Node | undefined, ctx: NoteContext): boolean {
  if (!next || factor.type !== 'sym' || factor.base !== 'd' || factor.sub || factor.label || factor.accent) return false;
  if (factor.font && factor.font !== 'rm') return false;
  if (ctx.bindings.has(factor.name) || ctx.symbols?.has(factor.name)) return false;
  return next.type === 'sym' || next.type === 'apply' || next.type === 'tuple' || next.type === 'call' || (next.type === 'pow' && next.base.type === 'sym');
}

/** Does a product's factor list hold a differential? */
export function hasDifferential(factors: readonly Node[], ctx: NoteContext): boolean {
  for (let i = 0; i + 1 < factors.length; i++) if (isDifferentialMark(factors[i], factors[i + 1], ctx)) return true;
  return false;
}
