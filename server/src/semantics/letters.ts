/**
 * Letter conventions: the weakest evidence about what a symbol is, used only when the note says nothing
 * stronger (a definition, a declaration, a phrase of its prose, or how the symbol is used in its scope).
 * Everything the checkers need to know about a letter's conventional role is here, once: the lowering of
 * scalars (check/lower.ts) and of vectors and matrices (check/matrix/build.ts) ask these functions.
 * Evidence from this table is "guessed": a reading that rests on it is doubted (it never makes a claim false
 * on its own, see check/check.ts).
 */
import type { SymNode } from '../parse/ast';

/** Latin letters that, applied to an argument, are read as functions without a second thought. */
const FUNCTION_LETTERS: ReadonlySet<string> = new Set('fghpqruvwyzFGHJLPQRSUVWYZ'.split(''));
/** Latin letters usually numbers, indices or variables: followed by a parenthesis, more likely a product. */
const PRODUCT_LETTERS: ReadonlySet<string> = new Set('abcdeijklmnstxABCDIKMNOTX'.split(''));
/** Greek letters that conventionally name functions (σ is the logistic function unless the note says otherwise). */
const GREEK_FUNCTIONS: ReadonlySet<string> = new Set(['phi', 'varphi', 'psi', 'Phi', 'Psi', 'ell', 'sigma', 'rho', 'gamma']);
/** Greek letters that name functions in vector calculus (φ(𝐱), ℓ(𝐲)). */
const GREEK_VECTOR_FUNCTIONS: ReadonlySet<string> = new Set(['phi', 'varphi', 'psi', 'Phi', 'Psi', 'ell']);
/** Capital Greek letters conventionally matrices (covariances, diagonal matrices of eigenvalues). */
export const GREEK_MATRICES: ReadonlySet<string> = new Set(['Sigma', 'Lambda']);
/** Index letters: a subscript made of these is an index, not a label. */
export const INDEX_LETTERS = /^[ijklmn]$/;

/** Latin letters conventionally constants (coefficients a, b, c, k; constant matrices A, B, C). */
const CONSTANT_LETTERS: ReadonlySet<string> = new Set('abckABC'.split(''));

/** Is this letter conventionally a constant (held fixed in a differential, `d(ax^2)`, `d(A\mathbf{X})`)? */
export function conventionalConstantLetter(s: SymNode): boolean {
  return CONSTANT_LETTERS.has(s.base) && !s.sub && !s.label && !s.accent;
}

/** Is this letter conventionally a function name (f, g, h, …)? */
export function conventionalFunctionLetter(s: SymNode): boolean {
  return FUNCTION_LETTERS.has(s.base);
}

/**
 * Could this symbol, followed by a parenthesis, be a function applied to an argument (scalar notes)? True for
 * function letters and calligraphic names; false for letters that are usually numbers or variables; other
 * Latin letters possibly (the caller records a doubt when it reads them as functions).
 */
export function mayBeFunction(s: SymNode): boolean {
  if (s.font === 'bold' || s.font === 'bb') return false;
  if (FUNCTION_LETTERS.has(s.base) || s.font === 'cal') return true;
  if (PRODUCT_LETTERS.has(s.base)) return false;
  if (s.base.length > 1) return GREEK_FUNCTIONS.has(s.base);
  return /^[a-zA-Z]$/.test(s.base);
}

/** The same question in vector calculus: bold capitals are matrices, never functions. */
export function mayBeVectorFunction(s: SymNode): boolean {
  if (s.font === 'bb') return false;
  if (s.font === 'bold') return !/^[A-Z]$/.test(s.base) && (FUNCTION_LETTERS.has(s.base) || GREEK_VECTOR_FUNCTIONS.has(s.base));
  if (FUNCTION_LETTERS.has(s.base) || s.font === 'cal') return true;
  return GREEK_VECTOR_FUNCTIONS.has(s.base);
}
