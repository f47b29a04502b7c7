/**
 * LaTeX validation with KaTeX: a fragment KaTeX cannot parse is a syntax error at the position KaTeX reports.
 * KaTeX runs with `trust: false` (no \href, \includegraphics or HTML), a bounded macro expansion, and never
 * throws out of here.
 */
import type * as Katex from 'katex';

type KatexModule = typeof Katex & { __parse?: (latex: string, options: Katex.KatexOptions) => unknown };
let katexModule: KatexModule | null = null;

/**
 * KaTeX, loaded on first use: the language server's own thread (hovers, code actions) never validates, so only
 * the checker's worker pays for loading it.
 */
function katex(): KatexModule {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  katexModule ??= require('katex') as KatexModule;
  return katexModule;
}

export interface LatexError {
  message: string;
  /** Offsets into the validated string, end exclusive. */
  start: number;
  end: number;
}

export function validateLatex(latex: string, display: boolean, macros?: Record<string, string>): LatexError | null {
  const k = katex();
  const options: Katex.KatexOptions = {
    throwOnError: true,
    displayMode: display,
    strict: 'ignore',
    trust: false,
    maxExpand: 1000,
    maxSize: 100,
    output: 'mathml',
    macros: macros ? { ...macros } : {},
  };
  try {
    // Parsing is what finds syntax errors; building the MathML tree as well costs half the time again.
    // `__parse` is KaTeX's parser entry (exported for tools such as this); without it, a full render.
    if (typeof k.__parse === 'function') k.__parse(latex, options);
    else k.renderToString(latex, options);
    return null;
  } catch (e) {
    if (e instanceof k.ParseError) {
      const err = e as Katex.ParseError & { position?: number; length?: number; rawMessage?: string };
      const raw = err.rawMessage ?? String(err.message).replace(/^KaTeX parse error: /, '');
      const message = raw.replace(/ at position \d+:.*$/s, '').trim();
      if (typeof err.position === 'number' && err.position >= 0) {
        const start = Math.min(err.position, latex.length);
        const len = typeof err.length === 'number' && err.length > 0 ? err.length : 1;
        return { message, start, end: Math.min(latex.length, start + len) };
      }
      return { message, start: 0, end: latex.length };
    }
    return null;
  }
}
