/**
 * LaTeX files as notes: the text the checker reads is the file with what is never math blanked out — `%`
 * comments, `\verb|…|`, and the `verbatim`, `lstlisting`, `minted` and `comment` environments — same length, same
 * offsets. Math is then found as in plain text (`$…$`, `\(…\)`, `\[…\]`, `equation`, `align`, `gather`, `multline`
 * and starred forms), the preamble's `\newcommand` and `\DeclareMathOperator` apply to the whole file, and
 * `\section` starts a section. Pure: no file system, no stage imported.
 */

const VERBATIM = /\\begin\{(verbatim|Verbatim|lstlisting|minted|comment)\*?\}[\s\S]*?(?:\\end\{\1\*?\}|$(?![\s\S]))/g;

/** The file with its comments and verbatim text replaced by spaces (line breaks kept). */
export function latexToNote(tex: string): string {
  const blank = (s: string) => s.replace(/[^\n]/g, ' ');
  let out = tex.replace(VERBATIM, blank);
  // `\verb|…|` with any delimiter.
  out = out.replace(/\\verb\*?([^A-Za-z\s])[^\n]*?\1/g, blank);
  // `%` to the end of the line, unless escaped (`\%`).
  out = out.replace(/(^|[^\\])(%[^\n]*)/g, (_m, before: string, comment: string) => before + blank(comment));
  return out;
}
