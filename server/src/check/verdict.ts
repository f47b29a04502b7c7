/**
 * What every checker (scalar, matrix, index notation, Taylor) returns, and what they share about a claim's
 * context: the verdict types, how LaTeX is shown in messages, and the doubts a note's own definitions raise.
 * It sits below check.ts, matrix/* and taylor.ts so that they import it and not each other.
 */
import type { Claim, ClaimKind } from '../interpret/claims';
import type { Node } from '../parse/ast';
import { walk } from '../parse/walk';
import { show } from './lower';
import { plainText } from './plain';
import type { PlotSpec } from './plotSpec';
import { doubt, type Doubt, type ReasonCode } from '../semantics/reasons';

export type VerdictName = 'verified' | 'false' | 'unchecked';

export interface CheckedClaim {
  verdict: VerdictName;
  kind: ClaimKind;
  /** verified: how; false: the message for the author; unchecked: why not. */
  reason: string;
  counterexample?: {
    point: [string, number][];
    functions: [string, string][];
    left: number;
    right: number;
  };
  /** LaTeX of what the right side should be, when we can compute it. */
  expected?: string;
  /** LaTeX of the computed left side (derivatives), for hovers. */
  computed?: string;
  /** Set when a false claim is a shape mismatch (a vector added to a matrix, a product of the wrong sizes). */
  code?: 'shape-mismatch';
  /** What kind of reason an unchecked verdict has (the first doubt's code, or another). */
  reasonCode?: ReasonCode;
  /** Every doubt that applied, strongest first (all reach the hover). */
  doubts?: Doubt[];
  /**
   * What the hover plots (false claims with a scalar counterexample, verified derivatives of one variable, Taylor
   * approximations): the curves' expressions only — sampled and drawn lazily when the claim is hovered.
   */
  plot?: PlotSpec;
}

/** A LaTeX fragment as plain text for a message. */
/** Why a RangeError stopped a check: the stack (deep nesting) or an array or number too large to make. */
export function rangeReason(err: RangeError): string {
  return /call stack/i.test(err.message) ? 'the expression is nested too deeply' : 'it is too large to evaluate';
}

export function readable(latex: string): string {
  return plainText(latex);
}

/** A plain name (y, u) defined further back than this is not trusted to mean the same thing. */
export const FAR_LINES = 20;

/** Doubts about the note's own definitions: an old definition that may not be meant here. */
export function contextDoubts(claim: Claim, hasAbstract: boolean, oneHotApplied: ReadonlySet<string> = new Set()): Doubt[] {
  const out: Doubt[] = [];
  const used = new Set<string>();
  for (const side of [claim.lhs.node, claim.rhs.node]) {
    walk(side, (m) => {
      if (m.type === 'sym' && claim.context.bindings.has(m.name)) used.add(m.name);
    });
  }
  const baseOf = (name: string) => name.replace(/_.*$/, '');
  for (const name of used) {
    const b = claim.context.bindings.get(name)!;
    if (b.item !== undefined && b.item !== claim.item) {
      out.push(doubt('stale-definition', `${show(name)} was defined in another item of a list (${readable(b.bodyLatex)}); it may mean something else here`));
    }
    if (!b.params && b.line !== undefined && claim.line !== undefined && claim.line - b.line > FAR_LINES) {
      out.push(doubt('stale-definition', `${show(name)} was defined ${claim.line - b.line} lines earlier (${readable(b.bodyLatex)}); it may mean something else here`));
    }
    if (b.params && hasAbstract) {
      out.push(doubt('stale-definition', `${show(name)} was defined earlier (${readable(b.bodyLatex)}) but appears here beside general functions`));
    }
    for (const other of claim.context.bindings.values()) {
      // (Not when the claim writes both — the note tells them apart — nor when one line defines both, as the
      // layers of a network `z_1 = …, z_2 = …`: a family of quantities, not one name redefined.)
      if (other.name !== name && baseOf(other.name) === baseOf(name) && other.at > b.at && !used.has(other.name) && !(b.line !== undefined && other.line === b.line)) {
        out.push(doubt('stale-definition', `${show(name)} may stand for ${show(other.name)}, defined more recently`));
      }
    }
  }
  // Names the note gave a value in prose we cannot read, and one-hot vectors (their entries are 0 or 1).
  const oneHot = new Set(claim.context.conventions?.oneHot?.names ?? []);
  const seen = new Set<string>();
  for (const side of [claim.lhs.node, claim.rhs.node]) {
    walk(side, (m) => {
      if (m.type !== 'sym' || seen.has(m.name)) return;
      seen.add(m.name);
      if (!claim.context.bindings.has(m.name) && claim.context.symbols?.get(m.name)?.kind === 'quantity') {
        out.push(doubt('definition-not-understood', `${show(m.name)} is given a value in the prose, which is not read as a formula`));
      }
      if (oneHot.has(m.base) && !oneHotApplied.has(m.base)) out.push(doubt('conditions-not-applied', `${show(m.base)} is one-hot in this note (its entries are 0 or 1), which random values do not respect`));
    });
  }
  // `f'(x) = 0`: a condition on a named function, not an identity.
  const isZero = (n: Node) => n.type === 'num' && n.value === 0;
  const namedDerivative = (n: Node): boolean =>
    (n.type === 'prime' && n.arg.type === 'sym') ||
    (n.type === 'apply' && n.fn.type === 'prime' && n.fn.arg.type === 'sym') ||
    (n.type === 'deriv' && n.of?.type === 'sym') ||
    (n.type === 'apply' && n.fn.type === 'deriv' && n.fn.of?.type === 'sym');
  if ((isZero(claim.rhs.node) && namedDerivative(claim.lhs.node)) || (isZero(claim.lhs.node) && namedDerivative(claim.rhs.node))) {
    out.push(doubt('equation', 'it reads as an equation (… = 0) to solve, not an identity'));
  }
  return out;
}
