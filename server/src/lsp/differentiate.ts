/**
 * `calcnotes/differentiate`: the derivative of a LaTeX expression, printed as readable LaTeX. The engine does the
 * work (`differentiateLatex`, with the note's settings: `\log` base, macros); this only checks the request's shape.
 */
import { differentiateLatex, type EngineOptions } from '../engine';
import type { DifferentiateParams, DifferentiateResult } from './protocol';

export { variableName } from '../engine';

export function differentiate(params: DifferentiateParams, options: EngineOptions = {}): DifferentiateResult {
  if (typeof params?.latex !== 'string' || typeof params.variable !== 'string') return { error: 'expected { latex, variable } strings' };
  return differentiateLatex(params.latex, params.variable, options);
}
