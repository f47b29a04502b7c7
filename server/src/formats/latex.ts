/**
 * LaTeX files as notes: the text the checker reads is the file with what is never math blanked out — `%`
 * comments, `\verb|…|`, and the `verbatim`, `lstlisting`, `minted` and `comment` environments — same length, same
 * offsets. Math is then found as in plain text (`$…$`, `\(…\)`, `\[…\]`, `equation`, `align`, `gather`, `multline`
 * and starred forms), the preamble's `\newcommand` and `\DeclareMathOperator` apply to the whole file, and
 * `\section` starts a section. Pure: no file system, no stage imported.
 */

/**
 * A `%` comment that is a calcnotes directive: `%`, then `calcnotes-disable…`, `calcnotes-enable` or `calcnotes:`
 * (its body from `calcnotes` on is group 1). The one definition of the `%` form: the scanner reads it too
 * (scan/directives.ts percentDirectives).
 */
export const LATEX_DIRECTIVE = /^%[ \t]*(calcnotes(?:-disable-next-line|-disable|-enable|[ \t]*:).*)/;

const VERBATIM = /\\begin\{(verbatim|Verbatim|lstlisting|minted|comment)\*?\}[\s\S]*?(?:\\end\{\1\*?\}|$(?![\s\S]))/g;

/** The file with its comments and verbatim text replaced by spaces (line breaks kept). */
export function latexToNote(tex: string): string {
  const blank = (s: string) => s.replace(/[^\n]/g, ' ');
  let out = tex.replace(VERBATIM, blank);
  // `\verb|…|` with any delimiter.
  out = out.replace(/\\verb\*?([^A-Za-z\s])[^\n]*?\1/g, blank);
  // `%` to the end of the line, unless escaped (`\%`) — but a calcnotes directive on a line of its own
  // (`% calcnotes-disable-next-line`, `% calcnotes: layout=numerator`) stays, for the scanner to read
  // (scan/directives.ts, its `%` form).
  const source = out;
  out = out.replace(/(^|[^\\])(%[^\n]*)/g, (_m, before: string, comment: string, at: number) => {
    const from = at + before.length;
    const alone = /^[ \t]*$/.test(source.slice(source.lastIndexOf('\n', from - 1) + 1, from));
    return before + (alone && LATEX_DIRECTIVE.test(comment) ? comment : blank(comment));
  });
  return out;
}

/** The `\input{…}` and `\include{…}` commands of a file's text (blanked by latexToNote: none in comments). */
export function inputsOf(text: string): { name: string; start: number; end: number }[] {
  const out: { name: string; start: number; end: number }[] = [];
  const re = /\\(?:input|include)\s*\{([^{}\n]{1,200})\}/g;
  for (let m = re.exec(text); m; m = re.exec(text)) out.push({ name: m[1].trim(), start: m.index, end: m.index + m[0].length });
  return out;
}

/** A document's preamble: its text before `\begin{document}` (all of it when there is none), comments blanked. */
export function preambleOf(tex: string): string {
  const text = latexToNote(tex);
  const begin = text.indexOf('\\begin{document}');
  return begin >= 0 ? text.slice(0, begin) : text;
}

/** Where a stretch of the expanded text comes from: a file and the offset there. */
export interface TexPiece {
  start: number;
  end: number;
  file: string;
  fileStart: number;
}

/** At most this deep and this many files: `\input` loops and huge projects stay bounded. */
const MAX_INPUT_DEPTH = 8;
const MAX_INPUT_FILES = 200;

/**
 * A LaTeX document with its `\input{…}` and `\include{…}` files read in place, as LaTeX reads them: `resolve` gives
 * the path of a name (relative to the main file's folder, `.tex` added) or null when it may not be read (outside
 * the workspace), `read` its content or null. Every file is blanked (latexToNote) before it is spliced in, and
 * `pieces` map each stretch of the result back to its file, so positions are reported where they were written.
 */
export function expandInputs(
  file: string,
  tex: string,
  resolve: (name: string) => string | null,
  read: (path: string) => string | null,
): { text: string; pieces: TexPiece[]; included: string[] } {
  const parts: string[] = [];
  const pieces: TexPiece[] = [];
  const included: string[] = [];
  let length = 0;
  const emit = (source: string, from: number, to: number, text: string) => {
    if (to <= from) return;
    parts.push(text.slice(from, to));
    pieces.push({ start: length, end: length + (to - from), file: source, fileStart: from });
    length += to - from;
  };
  const visit = (source: string, raw: string, stack: string[]) => {
    const text = latexToNote(raw);
    let last = 0;
    for (const input of inputsOf(text)) {
      const target = stack.length < MAX_INPUT_DEPTH && included.length < MAX_INPUT_FILES ? resolve(input.name) : null;
      const content = target && !stack.includes(target) ? read(target) : null;
      if (!target || content === null) continue;
      emit(source, last, input.start, text);
      included.push(target);
      visit(target, content, [...stack, target]);
      last = input.end;
    }
    emit(source, last, text.length, text);
  };
  visit(file, tex, [file]);
  return { text: parts.join(''), pieces, included };
}

/** The file and offset an offset of the expanded text comes from. */
export function sourceOf(pieces: readonly TexPiece[], offset: number): { file: string; offset: number } {
  let piece = pieces[0];
  for (const p of pieces) {
    if (p.start <= offset) piece = p;
    else break;
  }
  if (!piece) return { file: '', offset };
  return { file: piece.file, offset: piece.fileStart + Math.min(offset, piece.end) - piece.start };
}
