/**
 * `calcnotes/differentiate`: the derivative of a LaTeX expression, printed as readable LaTeX. The expression is
 * read by the checker's own parser and lowering (in an empty context: nothing from any note), differentiated
 * symbolically and printed like the checker's messages.
 */
import { parseLatex } from '../parse/parser';
import { EMPTY_CONTEXT } from '../semantics/context';
import { Lowerer } from '../check/lower';
import { diff } from '../check/diff';
import { toLatex } from '../check/latex';
import type { DifferentiateParams, DifferentiateResult } from './protocol';

const MAX_INPUT = 5000;

/** The canonical name of a variable written in LaTeX: `x`, `\theta` → `theta`, `x_1`, `theta` → `theta`. */
export function variableName(variable: string): string | null {
  const v = variable.trim().replace(/^\$+|\$+$/g, '').trim();
  if (!v) return null;
  if (/^[A-Za-z]{2,}$/.test(v)) return v; // a Greek name written without its backslash
  const parsed = parseLatex(v);
  if (parsed.problems.length || parsed.formulas.length !== 1) return null;
  const f = parsed.formulas[0];
  if (f.relations.length || f.operands.length !== 1) return null;
  const n = f.operands[0];
  return n.type === 'sym' ? n.name : null;
}

export function differentiate(params: DifferentiateParams, logBase: 'e' | '10' = 'e'): DifferentiateResult {
  try {
    if (typeof params?.latex !== 'string' || typeof params.variable !== 'string') return { error: 'expected { latex, variable } strings' };
    const latex = params.latex.trim().replace(/^\$+|\$+$/g, '').trim();
    if (!latex) return { error: 'nothing to differentiate' };
    if (latex.length > MAX_INPUT) return { error: 'the expression is too long' };
    const x = variableName(params.variable);
    if (!x) return { error: `${params.variable} is not a variable` };
    const parsed = parseLatex(latex);
    if (parsed.problems.length) return { error: `could not read the expression: ${parsed.problems[0].message}` };
    if (parsed.formulas.length !== 1) return { error: 'expected one expression' };
    const f = parsed.formulas[0];
    if (f.relations.length || f.leading || f.operands.length !== 1) return { error: 'expected an expression, not an equation or relation' };
    const node = f.operands[0];
    const lw = new Lowerer(EMPTY_CONTEXT, [node], { logBase });
    const e = lw.lower(node);
    return { latex: toLatex(diff(e, x)) };
  } catch (e) {
    return { error: (e as Error)?.message || String(e) };
  }
}
