/**
 * LaTeX validation with KaTeX: a fragment KaTeX cannot parse is a syntax error at the position KaTeX reports.
 * KaTeX runs with `trust: false` (no \href, \includegraphics or HTML), a bounded macro expansion, and never
 * throws out of here.
 */
import katex from 'katex';

export interface LatexError {
  message: string;
  /** Offsets into the validated string, end exclusive. */
  start: number;
  end: number;
}

export function validateLatex(latex: string, display: boolean, macros?: Record<string, string>): LatexError | null {
  try {
    katex.renderToString(latex, {
      throwOnError: true,
      displayMode: display,
      strict: 'ignore',
      trust: false,
      maxExpand: 1000,
      maxSize: 100,
      output: 'mathml',
      macros: macros ? { ...macros } : {},
    });
    return null;
  } catch (e) {
    if (e instanceof katex.ParseError) {
      const err = e as katex.ParseError & { position?: number; length?: number; rawMessage?: string };
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
