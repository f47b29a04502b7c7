/**
 * How deeply a LaTeX string nests: braces, `\left … \right` and `\begin … \end`, counted together. Libraries that
 * read LaTeX (KaTeX, MathJax) recurse per level and slow down worse than linearly (10,000 nested `\frac` took KaTeX
 * 40 s), so nothing deeper than MAX_LIBRARY_DEPTH is handed to one. Linear, never throws.
 */
export const MAX_LIBRARY_DEPTH = 200;

export function latexDepth(latex: string): number {
  let depth = 0;
  let max = 0;
  for (let i = 0; i < latex.length; i++) {
    const c = latex.charCodeAt(i);
    if (c === 123 /* { */) depth++;
    else if (c === 125 /* } */) depth = Math.max(0, depth - 1);
    else if (c === 92 /* \ */) {
      let j = i + 1;
      while (j < latex.length && /[A-Za-z]/.test(latex[j])) j++;
      const word = latex.slice(i + 1, j);
      if (word === 'left' || word === 'begin') depth++;
      else if (word === 'right' || word === 'end') depth = Math.max(0, depth - 1);
      i = j === i + 1 ? i + 1 : j - 1; // `\{` and `\}` are not braces
    }
    if (depth > max) max = depth;
  }
  return max;
}

/** Is the LaTeX shallow enough to hand to KaTeX or MathJax? */
export function shallowEnough(latex: string): boolean {
  return latexDepth(latex) <= MAX_LIBRARY_DEPTH;
}
