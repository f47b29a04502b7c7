/**
 * LaTeX validation with KaTeX: a fragment KaTeX cannot parse is a syntax error at the position KaTeX reports.
 * KaTeX runs with `trust: false` (no \href, \includegraphics or HTML), a bounded macro expansion, never on LaTeX
 * nested deeper than `depth.ts` allows, and never throws out of here.
 */
import type * as Katex from 'katex';
import { braceGroup, type KatexMacro } from './macros';
import { shallowEnough } from './depth';

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

/**
 * Valid LaTeX that KaTeX does not render (equation numbering and cross-references: MathJax sites and LaTeX read
 * them), with the number of brace arguments each takes. They are never a syntax error: validation blanks them out.
 */
const UNRENDERED: Readonly<Record<string, number>> = {
  label: 1, tag: 1, eqref: 1, ref: 1, pageref: 1, cref: 1, Cref: 1, autoref: 1, nonumber: 0, notag: 0,
  setcounter: 2, addtocounter: 2, stepcounter: 1, refstepcounter: 1, numberwithin: 2, allowdisplaybreaks: 0,
};

const UNRENDERED_RE = new RegExp(`\\\\(${Object.keys(UNRENDERED).join('|')})(?![A-Za-z])\\*?`, 'g');

/** The LaTeX with every command of UNRENDERED and its arguments blanked (same length, so positions stay true). */
export function withoutUnrendered(latex: string): string {
  if (!latex.includes('\\')) return latex;
  let out = '';
  let at = 0;
  UNRENDERED_RE.lastIndex = 0;
  for (let m = UNRENDERED_RE.exec(latex); m; m = UNRENDERED_RE.exec(latex)) {
    let end = m.index + m[0].length;
    let complete = true;
    for (let a = 0; a < UNRENDERED[m[1]]; a++) {
      let j = end;
      while (j < latex.length && /\s/.test(latex[j])) j++;
      const g = braceGroup(latex, j);
      if (!g) {
        complete = false;
        break;
      }
      end = g.next;
    }
    if (!complete) continue;
    out += latex.slice(at, m.index) + latex.slice(m.index, end).replace(/[^\n]/g, ' ');
    at = end;
    UNRENDERED_RE.lastIndex = end;
  }
  return at ? out + latex.slice(at) : latex;
}

/**
 * KaTeX's syntax error in the LaTeX, or null. LaTeX nested deeper than MAX_LIBRARY_DEPTH is not handed to KaTeX
 * (null: not validated; the parser says what it makes of it).
 */
export function validateLatex(source: string, display: boolean, macros?: Record<string, KatexMacro>): LatexError | null {
  if (!shallowEnough(source)) return null;
  const k = katex();
  const latex = withoutUnrendered(source);
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
      // KaTeX quotes the offending character: a control character is named (U+001B), never passed on raw.
      const message = raw
        .replace(/ at position \d+:.*$/s, '')
        .trim()
        .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, (c) => `U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`);
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
