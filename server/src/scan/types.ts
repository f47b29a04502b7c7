/**
 * Stage 1 — scan. Types of what the scanner finds in a note.
 * All offsets are UTF-16 code-unit offsets into the document text (JavaScript string indices).
 */

/** How a fragment was delimited in the note. */
export type Delimiter =
  | '$' // $…$
  | '$$' // $$…$$
  | '\\(' // \(…\)
  | '\\[' // \[…\]
  | 'env' // \begin{equation|align|aligned|gather|…}…\end{…} standing bare in the note
  | 'math-fence' // ```math fenced block
  | 'bare' // a whole line detected as a formula without any delimiter
  | 'bare-inline'; // a formula-looking run inside a prose line of a plain-text note (context only)

export interface MathFragment {
  /**
   * The LaTeX source: `text.slice(start, end)`, except that in Markdown notes HTML character references (`&amp;`,
   * `&lt;`, `&#38;`…) outside code are decoded, each padded with spaces to its own length: always of length
   * `end - start`, and an offset into it is an offset into the text from `start`.
   */
  latex: string;
  /** Offsets of the LaTeX content (without delimiters). */
  start: number;
  end: number;
  /** Offsets including the delimiters (equal to start/end for bare fragments). */
  outerStart: number;
  outerEnd: number;
  delimiter: Delimiter;
  /** Display (block) math: `$$`, `\[`, environments, math fences and bare lines. */
  display: boolean;
  /** Index of the prose sentence this fragment belongs to (fragments in one sentence share it). */
  sentence: number;
  /** Prose of the same sentence before the fragment (raw note text, other math included). */
  proseBefore: string;
  /** Prose of the same sentence after the fragment (raw note text, other math included). */
  proseAfter: string;
  /** True inside a `<!-- calcnotes-disable -->` region or on the line after `<!-- calcnotes-disable-next-line -->`. */
  disabled: boolean;
}

export interface ScanOptions {
  /** 'markdown' for .md/.markdown, 'text' for .txt and other plain text. */
  mode: 'markdown' | 'text';
  /** Detect formulas written without delimiters (default true). */
  bareFormulas?: boolean;
}

export interface ScanResult {
  fragments: MathFragment[];
  /** Directives found in HTML comments, e.g. `<!-- calcnotes: layout=numerator -->` gives { layout: 'numerator' }. */
  directives: Record<string, string>;
  /** Where each directive key was written (absent when there is none). */
  directiveKeys?: Array<{ key: string; start: number; end: number }>;
}
