/**
 * What the engine takes and gives: its options and the report of a note (document offsets, no LSP types). Shared
 * by engine.ts, engineCache.ts and every feature that reads a report; it imports only types.
 */
import type { DollarDialect, MathFragment } from './scan/types';
import type { ClaimKind } from './interpret/claims';
import type { CheckedClaim, VerdictName } from './check/verdict';
import type { PackedPlot } from './check/plotSpec';
import type { Doubt, ReasonCode } from './semantics/reasons';
import type { Belief } from './semantics/describe';

/**
 * Bounds of the per-claim time budget (ms), the same for every door: the settings validation and the CLI clamp
 * to them, package.json's `calcnotes.timeBudgetMs` declares them, and the engine never runs a claim longer than
 * MAX_BUDGET_MS (a smaller budget, even one already spent, is a caller's to give).
 */
export const MIN_BUDGET_MS = 10;
export const MAX_BUDGET_MS = 10_000;

export function clampBudget(ms: number | undefined, fallback = 200): number {
  if (typeof ms !== 'number' || !Number.isFinite(ms)) return fallback;
  return Math.round(Math.min(MAX_BUDGET_MS, Math.max(MIN_BUDGET_MS, ms)));
}

export interface EngineOptions {
  /** 'markdown' for .md/.markdown, 'text' for .txt. Default 'markdown'. */
  mode?: 'markdown' | 'text';
  /** Meaning of `\log` without a base. Default 'e'. */
  logBase?: 'e' | '10';
  /** Time budget per claim, ms. Default 200; at most MAX_BUDGET_MS. */
  budgetMs?: number;
  /** Detect formulas written without delimiters. Default true. */
  bareFormulas?: boolean;
  /** How `$` delimits math: the rules of the platform the note is written for. Default: 'vscode' (VS Code's preview) for Markdown, 'pandoc' for plain text. */
  dollarDialect?: DollarDialect;
  /** Extra macros, `{ "\\R": "\\mathbb{R}" }` (the note's own \newcommand and \def are always honoured). */
  macros?: Record<string, string>;
  /**
   * TeX definitions read before the note (`\newcommand`, `\def`, `\DeclareMathOperator`; other text is
   * ignored): the macros of the project's configuration (config/projectMacros.ts). `macros` wins over them, the
   * note's own definitions over both.
   */
  preamble?: string;
  /**
   * Layout of derivatives by vectors and matrices. Unset (the default): the layout the note states in prose or by
   * `<!-- calcnotes: layout=numerator -->`; where it states none, a claim that holds in one layout only is not
   * checked. A directive overrides this option; the option overrides prose.
   */
  matrixLayout?: 'denominator' | 'numerator';
  /**
   * Codes to silence: diagnostics with these codes (`false-claim`, `suspicious-notation`, …) are not reported,
   * and claims whose reason has one of these codes are reported without it. A note adds its own with
   * `<!-- calcnotes: disable=code,code -->`.
   */
  disabledCodes?: string[];
}

export interface ClaimReport {
  start: number;
  end: number;
  latex: string;
  kind: ClaimKind;
  verdict: VerdictName;
  reason: string;
  /** The reason's code (unchecked claims; see semantics/reasons.ts). */
  reasonCode?: ReasonCode;
  /** Every doubt that applied to the claim's reading (the hover lists them). */
  doubts?: Doubt[];
  /**
   * What the semantic model believes about the claim's symbols (the hover shows them). A belief's `at` is counted
   * from the claim's `start` (the evidence usually stands before it: negative), so a section's report moves to its
   * place in the note without copying its beliefs.
   */
  beliefs?: Belief[];
  counterexample?: CheckedClaim['counterexample'];
  expected?: string;
  computed?: string;
  /** What the hover plots for this claim (unpacked and drawn lazily by the hover). */
  plot?: PackedPlot;
  /** Document range of the right-hand side (what a quick fix replaces). */
  rhsStart: number;
  rhsEnd: number;
}

export type Severity = 'error' | 'warning' | 'information' | 'hint';

export interface EngineDiagnostic {
  start: number;
  end: number;
  severity: Severity;
  code: 'false-claim' | 'latex-syntax' | 'shape-mismatch' | 'suspicious-notation' | 'unknown-directive';
  message: string;
}

/** A fragment as reports carry it: where it is and what it says (the prose around it stays in the checker). */
export type ReportFragment = Omit<MathFragment, 'sentence' | 'proseBefore' | 'proseAfter'>;

export interface DocumentReport {
  fragments: ReportFragment[];
  claims: ClaimReport[];
  diagnostics: EngineDiagnostic[];
}

/**
 * A note's report in independent sections. A part's offsets are where its section stood when it was checked,
 * `bases[i]` (the note's offsets then): moved by `starts[i] - bases[i]` they are the note's offsets now. A section
 * checked in this run, or remembered where it still stands, needs no moving — no copy.
 */
export interface SectionedReport {
  starts: number[];
  bases: number[];
  /** With a cache, an unchanged section's part is the very object an earlier check returned for it. */
  parts: DocumentReport[];
}

/** A verdict as the engine keeps it: its plot already packed (the expression trees are garbage at once). */
export type EngineChecked = Omit<CheckedClaim, 'plot'> & { plot?: PackedPlot };

export interface Summary {
  claims: number;
  verified: number;
  false: number;
  unchecked: number;
}
