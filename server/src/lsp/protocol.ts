/**
 * The contract between the calcnotes client and server, beyond standard LSP. Shared by both sides: the client
 * imports this file (it has no runtime dependencies).
 */

/**
 * Node options the client starts the server with (and the benchmark too, to measure what users run): a small
 * young generation for the connection's thread, which only relays messages and renders hovers — V8's default
 * (16 MB semi-spaces) keeps ~30 MB of RSS that a server running all day beside the editor does not need.
 */
export const SERVER_EXEC_ARGV: readonly string[] = ['--max-semi-space-size=1'];

/** Settings under `calcnotes.*`, read per resource. */
export interface CalcnotesSettings {
  enable: boolean;
  /** Meaning of `\log` without a base. */
  logBase: 'e' | '10';
  /** Matrix-calculus layout (used by vector checks). */
  matrixLayout: 'auto' | 'denominator' | 'numerator';
  /** Detect formulas written without delimiters. */
  bareFormulas: boolean;
  /** How `$` delimits math: VS Code's preview (the default), pandoc's or GitHub's rules. */
  dollarDialect: 'vscode' | 'pandoc' | 'github';
  /** Severity of a false claim's diagnostic. */
  falseClaimSeverity: 'error' | 'warning' | 'information' | 'hint';
  /** Show "not checked" claims as hints. */
  showUnchecked: boolean;
  /** Per-claim time budget in milliseconds. */
  timeBudgetMs: number;
  /** Extra macros, e.g. { "\\R": "\\mathbb{R}" }. */
  macros: Record<string, string>;
  /** Plots in hovers (false claims, verified derivatives). */
  plots: boolean;
  /** Codes silenced for these notes (diagnostic codes and reason codes; see the README). */
  disabledCodes: string[];
  /** Globs of files always checked (plain-text files that do not look like math notes, too). */
  include: string[];
  /** Globs of files never checked (this wins over `include`). */
  exclude: string[];
  /** Claims hidden as false positives, by their LaTeX (spaces do not count): no diagnostic is shown for them. */
  hiddenClaims: string[];
  /** Which kinds of files are checked (lsp/fileKinds.ts); a kind left out is checked. */
  fileKinds: Record<FileKind, boolean>;
  /**
   * The rendered formula in hovers over LaTeX (`.tex`) files: 'auto' shows it unless LaTeX Workshop is installed
   * (its own hover previews the formula); the verdicts are shown either way.
   */
  latexFormulaHover: 'auto' | 'on' | 'off';
}

/** The kinds of files calcnotes checks, each turned on or off by `calcnotes.fileKinds`. */
export type FileKind = 'markdown' | 'quarto' | 'rmarkdown' | 'text' | 'latex' | 'notebook';
export const FILE_KINDS: readonly FileKind[] = ['markdown', 'quarto', 'rmarkdown', 'text', 'latex', 'notebook'];

/** The extension whose hover already previews formulas in `.tex` files. */
export const LATEX_WORKSHOP_ID = 'James-Yu.latex-workshop';

/**
 * The extensions of the files Check All Notes in Workspace reads (without the dot): the command line's
 * (formats/index.ts NOTE_EXTENSIONS; a test keeps the two equal), so that both count the same notes in a folder.
 */
export const NOTE_FILE_EXTENSIONS: readonly string[] = ['md', 'markdown', 'myst', 'qmd', 'rmd', 'Rmd', 'txt', 'tex', 'ipynb'];

/** What the client tells the server when it starts (`initializationOptions`). */
export interface CalcnotesInitOptions {
  /** Whether LaTeX Workshop is installed (then `latexFormulaHover: 'auto'` means off). */
  latexWorkshop?: boolean;
}

export const DEFAULT_SETTINGS: CalcnotesSettings = {
  enable: true,
  logBase: 'e',
  matrixLayout: 'auto',
  disabledCodes: [],
  bareFormulas: true,
  dollarDialect: 'vscode',
  falseClaimSeverity: 'error',
  showUnchecked: false,
  timeBudgetMs: 200,
  macros: {},
  plots: true,
  include: [],
  exclude: [],
  hiddenClaims: [],
  fileKinds: { markdown: true, quarto: true, rmarkdown: true, text: true, latex: true, notebook: true },
  latexFormulaHover: 'auto',
};

/**
 * The project configuration files whose macros the server reads (config/projectMacros.ts, which a test keeps equal):
 * the client watches them and the server reads them again when one changes.
 */
export const CONFIG_FILE_NAMES: readonly string[] = ['_config.yml', 'myst.yml', 'mkdocs.yml', '_quarto.yml', 'katex-macros.json', 'macros.json', 'preamble.tex', 'macros.tex'];

/** Client → server notification: the colour theme, at start and on every change. */
export const THEME_NOTIFICATION = 'calcnotes/theme';
export interface ThemeParams {
  kind: 'light' | 'dark' | 'highContrast' | 'highContrastLight';
  /** The editor foreground as a CSS colour (#rrggbb), used as the ink of rendered math. */
  foreground: string;
}

/** Server → client notification after each check of a document: counts for the status bar. */
export const STATUS_NOTIFICATION = 'calcnotes/status';
export interface StatusParams {
  uri: string;
  verified: number;
  false: number;
  unchecked: number;
  /** The note is not checked (a plain-text file that does not look like math notes, or an excluded file). */
  skipped?: boolean;
}

/**
 * Client → server request: check a note that is not open (for "Check All Notes in Workspace"); the server
 * publishes its diagnostics and returns the counts.
 */
export const CHECK_TEXT_REQUEST = 'calcnotes/checkText';
export interface CheckTextParams {
  uri: string;
  text: string;
}
export type CheckTextResult = StatusParams;

/** Client → server request: the derivative of a LaTeX expression, as readable LaTeX. */
export const DIFFERENTIATE_REQUEST = 'calcnotes/differentiate';
export interface DifferentiateParams {
  latex: string;
  /** Variable of differentiation, e.g. `x` or `\theta`. */
  variable: string;
  /** The note the expression comes from: its settings (`\log` base, macros) apply. */
  uri?: string;
}
/**
 * `latex` is the derivative; `statement` what Differentiate Selection puts in place of the selection: the derivative
 * written as a claim in the note's style (`\frac{d}{dx}\sin(x^2) = 2x\cos(x^2)`), which the checker verifies.
 * `error` says why nothing was done (prose, an equation, what cannot be read).
 */
export type DifferentiateResult = { latex: string; statement?: string } | { error: string };

/**
 * Client → server request: the false claims of a note's text, by line, for the Markdown preview's marks (the
 * extension host never runs the checker). Checked with the note's settings, like its diagnostics; nothing when
 * checking is off for the note.
 */
export const PREVIEW_MARKS_REQUEST = 'calcnotes/previewMarks';
export interface PreviewMarksParams {
  /** The note (its settings apply); '' for a text without one. */
  uri: string;
  /** The text the preview renders. */
  text: string;
}
export interface PreviewMark {
  /** 0-based line on which a false claim starts. */
  line: number;
  /** The messages of the false claims starting on it, without repeats. */
  messages: string[];
}
export interface PreviewMarksResult {
  marks: PreviewMark[];
}

/** Diagnostic codes. */
export const CODE_FALSE_CLAIM = 'false-claim';
export const CODE_LATEX_SYNTAX = 'latex-syntax';
export const CODE_UNCHECKED = 'unchecked';
/** A claim whose vectors and matrices cannot have the sizes the note gave them. */
export const CODE_SHAPE_MISMATCH = 'shape-mismatch';
/** Notation that is most likely a typo (`J^{(1)}{21}`, `\frac{dy}{ty}`): a warning naming the likely reading. */
export const CODE_SUSPICIOUS_NOTATION = 'suspicious-notation';
export const CODE_UNKNOWN_DIRECTIVE = 'unknown-directive';
/** A note whose check failed (the checker ran out of memory or stopped): one warning at its top, saying why. */
export const CODE_CHECK_FAILED = 'check-failed';

/**
 * Client commands that code actions run (the client changes the workspace settings):
 * `calcnotes.hideClaim` (arguments: the note's URI, the claim's LaTeX) adds the claim to `calcnotes.hiddenClaims`;
 * `calcnotes.disableCode` (arguments: the note's URI, a code) adds the code to `calcnotes.disabledCodes`.
 */
export const HIDE_CLAIM_COMMAND = 'calcnotes.hideClaim';
export const DISABLE_CODE_COMMAND = 'calcnotes.disableCode';

/** The comment that "ignore this claim" inserts above the line. */
export const DISABLE_NEXT_LINE = '<!-- calcnotes-disable-next-line -->';
/** The same directive in LaTeX (and plain text): a `%` comment line. */
export const DISABLE_NEXT_LINE_LATEX = '% calcnotes-disable-next-line';
