/**
 * Coded reasons. Every doubt about a claim's reading, and every "not checked" verdict that comes from one,
 * carries a code from this table and a detail for the author. The README lists the codes; the setting
 * `calcnotes.disabledCodes` and the directive `<!-- calcnotes: disable=CODE -->` silence one.
 *
 * A doubt says the claim may not mean what the reading that failed (or held) assumed. `binds` says what it
 * blocks: 'false' (the default) — a failing check is not a counterexample; 'both' — the reading is one of several
 * plausible ones, so a passing check under it is no proof either (the claim is then not checked, naming the
 * readings).
 */
export type ReasonCode =
  /** A name's definition may not be the one meant here (far away, an older sibling, beside general functions). */
  | 'stale-definition'
  /** `x(…)`, `a[…]`: a product or a function applied, and the note does not say which. */
  | 'ambiguous-application'
  /** Notation with several standard meanings (∇², A^{-1}, an evaluation bar, a repeated index). */
  | 'ambiguous-notation'
  /** The verdict depends on a convention (layout, log base, what σ denotes) the note never fixed. */
  | 'unknown-convention'
  /** A written decimal, held to within one unit of its last digit. */
  | 'rounded-value'
  /** An equation to solve, a condition or a differential equation, not an identity. */
  | 'equation'
  /** The sentence asks a question. */
  | 'question'
  /** The note presents the claim as a mistake ("you cannot do", "this is wrong", "a common mistake"). */
  | 'shown-as-wrong'
  /** The sentence speaks of large values: an asymptotic statement. */
  | 'asymptotic'
  /** A name appears on one side only and is defined nowhere. */
  | 'undefined-symbol'
  /** Notation that looks mistyped (`J^{(1)}{21}`, `\frac{dy}{ty}`). */
  | 'suspicious-notation'
  /** A definition the note gives that we could not read. */
  | 'definition-not-understood'
  /** Conditions stated in the sentence that this checker cannot apply. */
  | 'conditions-not-applied'
  /** Two independent computations of ours disagree: we do not trust either. */
  | 'internal-disagreement'
  /** `dy`, `d\mathbf X` outside a Leibniz fraction: a differential. */
  | 'differential'
  /** The notation is not understood (the fallback for unchecked claims without another code). */
  | 'not-understood'
  /** The claim is a definition, a value or a template: nothing to check. */
  | 'definition'
  /** The check ran out of its time or size budget. */
  | 'budget';

export interface Doubt {
  code: ReasonCode;
  detail: string;
  /** 'both': a reading among several — it blocks "verified" as well as "false". Default 'false'. */
  binds?: 'false' | 'both';
}

export function doubt(code: ReasonCode, detail: string, binds?: 'both'): Doubt {
  return binds ? { code, detail, binds } : { code, detail };
}

/** Every code, for the README, settings validation and directive parsing. */
export const REASON_CODES: readonly ReasonCode[] = [
  'stale-definition',
  'ambiguous-application',
  'ambiguous-notation',
  'unknown-convention',
  'rounded-value',
  'equation',
  'question',
  'shown-as-wrong',
  'asymptotic',
  'undefined-symbol',
  'suspicious-notation',
  'definition-not-understood',
  'conditions-not-applied',
  'internal-disagreement',
  'differential',
  'not-understood',
  'definition',
  'budget',
];

/** The doubts that also block "verified" (a reading among several plausible ones). */
export function bindingDoubts(doubts: readonly Doubt[]): Doubt[] {
  return doubts.filter((d) => d.binds === 'both');
}
