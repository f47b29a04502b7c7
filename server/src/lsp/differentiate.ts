/**
 * `calcnotes/differentiate`: the derivative of a LaTeX expression, printed as readable LaTeX, and a statement to
 * insert in its place — `\frac{d}{dx}\sin(x^2) = 2x\cos(x^2)` in the note's own way of writing d/dx — that the
 * checker verifies. The engine does the work (`differentiateLatex`, `checkDocument`, with the note's settings:
 * `\log` base, macros); this refuses what is not a formula (prose, an equation) with a message a user reads.
 */
import { checkDocument, differentiateLatex, type EngineOptions } from '../engine';
import type { DifferentiateParams, DifferentiateResult } from './protocol';

export { variableName } from '../engine';

/** Words of three or more letters that a formula may hold without a backslash (function names). */
const FORMULA_WORDS = new Set([
  'sin', 'cos', 'tan', 'sec', 'csc', 'cot', 'exp', 'log', 'ln', 'sinh', 'cosh', 'tanh', 'arcsin', 'arccos', 'arctan',
  'max', 'min', 'det', 'sgn', 'sign', 'erf', 'sqrt', 'abs', 'softmax', 'relu', 'ReLU', 'tr',
]);

/** Why a selection is not a formula to differentiate (null when it is one). */
export function notAFormula(selection: string): string | null {
  const t = selection.replace(/\\(?:text|mathrm|operatorname|mathbf|boldsymbol)\s*\{[^{}]*\}/g, 'f').replace(/\\[A-Za-z]+/g, ' ');
  const words = (t.match(/[A-Za-z]{3,}/g) ?? []).filter((w) => !FORMULA_WORDS.has(w) && !FORMULA_WORDS.has(w.toLowerCase()));
  if (words.length || /(?:^|\s)[A-Za-z]{2,}\s+[A-Za-z]{2,}(?:\s|[.,;:]|$)/.test(t) || /[.,;:!?]\s+[A-Za-z]/.test(t)) {
    return 'the selection is prose, not a formula: select a LaTeX expression such as \\sin(x^2)';
  }
  if (/(?:^|[^\\<>!:])(?:=|<|>)|\\(?:le|leq|ge|geq|neq|approx)\b/.test(selection)) {
    return 'the selection is an equation or relation: select one side of it, an expression such as \\sin(x^2)';
  }
  return null;
}

/** The note's way of writing d/dx: `\frac{d}{dx}`, `\dfrac{d}{dx}`, `\frac{\mathrm{d}}{\mathrm{d}x}` (the most used). */
export function derivativeStyle(note: string | undefined, variable: string): string {
  const v = variable.trim();
  const styles: [RegExp, string][] = [
    [/\\frac\s*\{\s*d\s*\}\s*\{\s*d/g, `\\frac{d}{d${v}}`],
    [/\\dfrac\s*\{\s*d\s*\}\s*\{\s*d/g, `\\dfrac{d}{d${v}}`],
    [/\\frac\s*\{\s*\\mathrm\s*\{?\s*d\s*\}?\s*\}\s*\{\s*\\mathrm/g, `\\frac{\\mathrm{d}}{\\mathrm{d}${v}}`],
    [/\\dfrac\s*\{\s*\\mathrm\s*\{?\s*d\s*\}?\s*\}\s*\{\s*\\mathrm/g, `\\dfrac{\\mathrm{d}}{\\mathrm{d}${v}}`],
  ];
  let best = styles[0][1];
  let most = 0;
  for (const [re, out] of styles) {
    const n = note ? (note.slice(0, 200_000).match(re) ?? []).length : 0;
    if (n > most) {
      most = n;
      best = out;
    }
  }
  // A variable written as a command (\theta) needs a space before a letter would follow it: it never does here.
  return best;
}

/** Does the expression need brackets after d/dx (a sum or difference at its top level)? */
function needsBrackets(latex: string): boolean {
  let depth = 0;
  for (let i = 0; i < latex.length; i++) {
    const c = latex[i];
    if (c === '{' || c === '(' || c === '[') depth++;
    else if (c === '}' || c === ')' || c === ']') depth--;
    else if (c === '\\' && /^\\left\b/.test(latex.slice(i))) depth++;
    else if (c === '\\' && /^\\right\b/.test(latex.slice(i))) depth--;
    else if ((c === '+' || c === '-') && depth === 0 && i > 0 && /\S/.test(latex.slice(0, i))) return true;
  }
  return false;
}

export function differentiate(params: DifferentiateParams, options: EngineOptions = {}, note?: string): DifferentiateResult {
  if (typeof params?.latex !== 'string' || typeof params.variable !== 'string') return { error: 'expected { latex, variable } strings' };
  const body = params.latex.trim().replace(/^\$+|\$+$/g, '').trim();
  const refused = notAFormula(body);
  if (refused) return { error: refused };
  const result = differentiateLatex(body, params.variable, options);
  if ('error' in result) return result;
  const d = derivativeStyle(note, params.variable);
  const plain = `${d}${/^[A-Za-z0-9]/.test(body) && /[A-Za-z]$/.test(d) ? ' ' : ''}${body} = ${result.latex}`;
  const bracketed = `${d}\\left(${body}\\right) = ${result.latex}`;
  // The statement the checker verifies, bare where that reads the same; else the bracketed one.
  const candidates = needsBrackets(body) ? [bracketed] : [plain, bracketed];
  for (const statement of candidates) {
    const r = checkDocument(`$${statement}$`, { ...options, mode: 'markdown' });
    if (r.claims.length && r.claims.every((c) => c.verdict === 'verified')) return { latex: result.latex, statement };
  }
  return { latex: result.latex, statement: candidates[candidates.length - 1] };
}
