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
  /** The Markdown table cell the fragment stands in (absent outside tables). */
  cell?: TableCellRef;
}

/** Where a fragment stands in a Markdown table. */
export interface TableCellRef {
  /** Index into `ScanResult.tables`. */
  table: number;
  /** 0 for the header row, 1 for the first body row, … */
  row: number;
  /** 0-based column. */
  col: number;
  /** True when the fragment (with its delimiters) is all the cell holds. */
  alone: boolean;
}

/** A Markdown table (a header row, a delimiter row `|---|:--:|`, body rows); each cell as trimmed offsets. */
export interface ScannedTable {
  /** Rows in order, the header first (the delimiter row is not among them); each row its cells. */
  rows: Array<Array<{ start: number; end: number }>>;
  /** The header cells' text as written. */
  header: string[];
}

/**
 * How `$` delimits math: the rules of the platform that renders the note.
 * - `vscode`: VS Code's Markdown preview (markdown-it with its KaTeX plugin): an opening `$` may be followed by a
 *   space or a line break but not preceded by a letter or digit; the closing `$` is the next unescaped one and must
 *   not be followed by a letter or digit, else there is no math; a `$$` that starts a line opens a block that may
 *   hold blank lines.
 * - `pandoc`: pandoc's tex_math_dollars: the opening `$` is followed by a non-space, the closing `$` follows a
 *   non-space and is not followed by a digit.
 * - `github`: GitHub: the opening `$` starts the line or follows a space and is followed by a non-space; the
 *   closing `$` follows a non-space and is not followed by a letter or digit; inline math stays on one line.
 * In all of them `$5 and $6` is prose and a table cell is a boundary (a `$` never pairs across a `|`).
 */
export type DollarDialect = 'vscode' | 'pandoc' | 'github';

export const DOLLAR_DIALECTS: readonly DollarDialect[] = ['vscode', 'pandoc', 'github'];

export interface ScanOptions {
  /** 'markdown' for .md/.markdown, 'text' for .txt and other plain text. */
  mode: 'markdown' | 'text';
  /** Detect formulas written without delimiters (default true). */
  bareFormulas?: boolean;
  /** How `$` delimits math (default: `vscode` in Markdown, `pandoc` in plain text, which no preview renders). */
  dollarDialect?: DollarDialect;
}

export interface ScanResult {
  fragments: MathFragment[];
  /** Directives found in HTML comments, e.g. `<!-- calcnotes: layout=numerator -->` gives { layout: 'numerator' }. */
  directives: Record<string, string>;
  /** Where each directive key was written (absent when there is none). */
  directiveKeys?: Array<{ key: string; start: number; end: number }>;
  /** The note's Markdown tables (absent when there is none); fragments in them carry a `cell`. */
  tables?: ScannedTable[];
  /**
   * Markdown: where each ATX heading line starts, ascending — outside code blocks, comments and math fences, as the
   * block pass reads the lines (absent in plain text). A heading starts a section: a scope of the note.
   */
  headings?: number[];
}
