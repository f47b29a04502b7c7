/**
 * Stage 4 — check. Decides one claim: verified, false (with a counterexample that was confirmed in high
 * precision), or unchecked with the reason. A claim is only called false when evaluation proves it and no
 * doubtful reading of the notation was involved.
 */
import type { Claim, ClaimKind, Condition } from '../interpret/claims';
import { Expr, abstractFns, foldDefinitions, freeVars, same, size, substitute } from './expr';
import { TooBig, diff } from './diff';
import { DIFFERENTIAL, HOT, INVERSE_OR_RECIPROCAL, Lowerer, LowerOptions, Unsupported, VectorUnsupported, show } from './lower';
import { children, containsNode, walk } from '../parse/walk';
import type { Node } from '../parse/ast';
import { juxtaposedNumerals, preciseNumber, writtenNumber } from './numbers';
import { compare, CompareResult, Counterexample } from './compare';
import { evaluate, type Env, type TestFn } from './evaluate';
import { formatNumber, toLatex } from './latex';
import { derivativeAgrees } from './crosscheck';
import { checkMatrixClaim, MatrixUnsupported, type MatrixLayout } from './matrix/check';
import { checkIndexClaim } from './matrix/indices';
import type { PlotSpec } from './plotSpec';
import { counterexamplePlot, derivativePlot } from './plotFor';
import { checkApproximation } from './taylor';
import { doubt, type Doubt } from '../semantics/reasons';
import { withoutBinding } from '../semantics/context';
import { usageOf } from '../semantics/scopes';
import { FAR_LINES, contextDoubts, rangeReason, readable, type CheckedClaim } from './verdict';

export { FAR_LINES, contextDoubts, readable, type CheckedClaim, type VerdictName } from './verdict';

export interface CheckOptions extends LowerOptions {
  /** Time budget per claim in ms. */
  budgetMs: number;
  /**
   * Layout of derivatives by vectors and matrices, when the user or a directive fixed it. Unset: the layout the
   * note states (its conventions), else a vector claim is read in both layouts (see `eitherLayout`).
   */
  matrixLayout?: MatrixLayout;
}

const DEFAULT_OPTIONS: CheckOptions = { logBase: 'e', budgetMs: 200 };

export function checkClaim(claim: Claim, options: Partial<CheckOptions> = {}): CheckedClaim {
  // A log base the note states ("log is base 10") is the note's; so is one the user set. Otherwise the natural
  // logarithm is the usual reading, and a claim that fails in it but holds in base 10 is not called false.
  const stated = claim.context.conventions?.logBase?.value;
  const result = checkClaimIn(claim, stated ? { ...options, logBase: stated } : options);
  // (A setting of base 10 is the user fixing the convention; the default, e, is only the usual reading.)
  if (stated || options.logBase === '10' || result.verdict !== 'false' || !/\\log(?![_a-zA-Z])/.test(claim.latex)) return result;
  const base = options.logBase ?? DEFAULT_OPTIONS.logBase;
  const other = base === 'e' ? '10' : 'e';
  if (checkClaimIn(claim, { ...options, logBase: other }).verdict !== 'verified') return result;
  const d = doubt('unknown-convention', `it holds if \\log is base ${other === 'e' ? 'e (the natural logarithm)' : '10'}, and the note does not say which base it uses`, 'both');
  return notCheckedFor(d, result.kind);
}

/** Not checked because of one doubt (a reading among several, a convention the note never fixed). */
function notCheckedFor(d: Doubt, kind: ClaimKind): CheckedClaim {
  return { verdict: 'unchecked', kind, reason: `not checked: ${d.detail}`, reasonCode: d.code, doubts: [d] };
}

function checkClaimIn(claim: Claim, options: Partial<CheckOptions>): CheckedClaim {
  const opts = { ...DEFAULT_OPTIONS, ...options };
  if (claim.preset) return { verdict: 'unchecked', kind: claim.preset.kind, reason: claim.preset.reason };
  const deadline = Date.now() + opts.budgetMs;
  if (claim.op === '\\approx') {
    return checkApproximation(claim, {
      logBase: opts.logBase,
      deadline,
      contextDoubts: (hasAbstract) => contextDoubts(claim, hasAbstract),
      conditions: conditionPredicates(claim, opts),
    });
  }
  // `\frac{\partial y_i}{\partial x_j}` after `y_i = \sum_k A_{ik} x_k`: index notation, where x_i and x_j are entries
  // of one vector (the scalar reading would take them for unrelated letters).
  const byIndex = indexNotation(claim, deadline);
  if (byIndex) return byIndex;
  if (claim.alternatives?.length) return combineReadings(claim, opts);
  try {
    const fresh = freshReading(claim, opts, deadline);
    if (fresh) return fresh;
    return decide(claim, opts, deadline);
  } catch (err) {
    if (err instanceof Unsupported && err.message.includes(INVERSE_OR_RECIPROCAL) && !opts.inverseReading) {
      // `\sec^{-1} x`: read both ways. False only when both readings fail, verified only when both hold.
      const inverse = checkClaimIn(claim, { ...options, inverseReading: 'inverse' });
      const reciprocal = checkClaimIn(claim, { ...options, inverseReading: 'reciprocal' });
      if (inverse.verdict === reciprocal.verdict && inverse.verdict !== 'unchecked') {
        return inverse.verdict === 'false' ? { ...inverse, reason: `${inverse.reason} (read with ^{-1} as the inverse function; as a reciprocal it is wrong too)` } : inverse;
      }
      const holds = inverse.verdict === 'verified' ? 'the inverse function' : reciprocal.verdict === 'verified' ? 'the reciprocal' : null;
      const d = doubt('ambiguous-notation', holds ? `it holds when ^{-1} means ${holds}, not otherwise` : `^{-1} may mean the inverse function or the reciprocal`, 'both');
      return notCheckedFor(d, inverse.kind);
    }
    if (err instanceof Unsupported) {
      // Vectors and matrices have their own checker; what it cannot read keeps its reason.
      const other = checkVectorClaim(claim, opts, deadline, err);
      if (other) return other;
      return { verdict: 'unchecked', kind: guessKind(claim), reason: `not checked: ${err.message}`, reasonCode: err.code };
    }
    if (err instanceof TooBig) return { verdict: 'unchecked', kind: guessKind(claim), reason: 'not checked: the derivative grows too large' };
    if (err instanceof RangeError) return { verdict: 'unchecked', kind: guessKind(claim), reason: `not checked: ${rangeReason(err)}` };
    return { verdict: 'unchecked', kind: guessKind(claim), reason: `not checked: ${(err as Error).message ?? 'internal error'}` };
  }
}

/**
 * Readings of a name whose definition may be stale (made in another list item, far back, or beside general
 * functions): the claim is also read with those names free — general functions or unknowns. What holds for
 * every function holds for the defined one too, so when that reading verifies, the claim is verified; otherwise
 * the defined reading decides, and its failure is not a counterexample (the doubt stays).
 */
function freshReading(claim: Claim, opts: CheckOptions, deadline: number): CheckedClaim | null {
  const stale = staleNames(claim);
  if (!stale.length) return null;
  let ctx = claim.context;
  for (const name of stale) ctx = withoutBinding(ctx, name);
  try {
    const r = decide({ ...claim, context: ctx }, opts, Math.min(deadline, Date.now() + opts.budgetMs / 2));
    if (r.verdict === 'verified' && r.reason.includes('random choices')) {
      return { ...r, reason: `${r.reason} (it holds for any ${stale.map(show).join(', ')}, so also as defined earlier)` };
    }
  } catch {
    // That reading is not understood: the defined reading decides.
  }
  return null;
}

/**
 * A claim with several plausible readings of its context: false only when every reading fails, verified only
 * when every reading holds; otherwise not checked, saying so.
 */
function combineReadings(claim: Claim, opts: CheckOptions): CheckedClaim {
  const readings = [claim.context, ...(claim.alternatives ?? [])];
  const budget = Math.max(20, opts.budgetMs / readings.length);
  const results = readings.map((context) => checkClaim({ ...claim, context, alternatives: undefined }, { ...opts, budgetMs: budget }));
  if (results.every((r) => r.verdict === results[0].verdict && r.verdict !== 'unchecked')) return results[0];
  const held = results.filter((r) => r.verdict === 'verified').length;
  const why = claim.readingsWhy ?? `the block defines the function it works on in ${readings.length} ways`;
  const d = doubt('stale-definition', `${why}, and the claim holds under ${held} of its ${readings.length} readings`, 'both');
  return notCheckedFor(d, results[0].kind);
}

/** Names the claim uses whose definition may not be the one meant here. */
function staleNames(claim: Claim): string[] {
  const out = new Set<string>();
  if (claim.context.bindings.size === 0) return [];
  for (const side of [claim.lhs.node, claim.rhs.node]) {
    // (What is asked depends on the name only: the first symbol of each name is enough.)
    for (const m of usageOf(side).symbols) {
      const b = claim.context.bindings.get(m.name);
      if (!b) continue;
      if (b.item !== undefined && b.item !== claim.item) out.add(m.name);
      else if (b.params && b.line !== undefined && claim.line !== undefined && claim.line - b.line > FAR_LINES) out.add(m.name);
    }
  }
  return [...out];
}

/** A claim that differentiates an entry the note defined in index notation, or null. */
function indexNotation(claim: Claim, deadline: number): CheckedClaim | null {
  try {
    return checkIndexClaim(claim, { deadline, doubts: [...claim.doubts, ...contextDoubts(claim, false)] });
  } catch {
    return null;
  }
}

/** A claim the scalar path could not read because of its vectors or matrices, given to the matrix checker. */
function checkVectorClaim(claim: Claim, opts: CheckOptions, deadline: number, err: Unsupported): CheckedClaim | null {
  try {
    if (!(err instanceof VectorUnsupported)) return null;
    // ∇ is the gradient whatever the layout: a column with the variable's shape (denominator layout's reading).
    const stated = opts.matrixLayout ?? claim.context.conventions?.layout?.value ?? (onlyGradients(claim) ? 'denominator' : undefined);
    if (stated) return checkMatrixClaim(claim, { layout: stated, logBase: opts.logBase, deadline, doubts: claim.doubts });
    return eitherLayout(claim, opts, deadline);
  } catch (e) {
    if (e instanceof MatrixUnsupported) return { verdict: 'unchecked', kind: guessKind(claim), reason: `not checked: ${e.message}`, reasonCode: e.code };
    if (e instanceof RangeError) return { verdict: 'unchecked', kind: guessKind(claim), reason: `not checked: ${rangeReason(e)}` };
    return { verdict: 'unchecked', kind: guessKind(claim), reason: `not checked: ${(e as Error).message ?? 'internal error'}` };
  }
}

/** Are all the claim's derivatives gradients (∇)? Then no layout convention is involved. */
function onlyGradients(claim: Claim): boolean {
  let nabla = false;
  let other = false;
  for (const side of [claim.lhs.node, claim.rhs.node]) {
    walk(side, (m) => {
      if (m.type === 'deriv') {
        if (m.form === 'nabla') nabla = true;
        else other = true;
      }
    });
  }
  return nabla && !other;
}

/**
 * A vector claim in a note that never said which layout it uses: read in both. One verdict when they agree;
 * when the claim holds in one layout only, it is not checked (unknown-convention), and the reason says where
 * it holds.
 */
function eitherLayout(claim: Claim, opts: CheckOptions, deadline: number): CheckedClaim {
  const run = (layout: MatrixLayout, until: number): CheckedClaim => {
    try {
      return checkMatrixClaim(claim, { layout, logBase: opts.logBase, deadline: until, doubts: claim.doubts });
    } catch (e) {
      if (e instanceof MatrixUnsupported) return { verdict: 'unchecked', kind: guessKind(claim), reason: `not checked: ${e.message}`, reasonCode: e.code };
      throw e;
    }
  };
  const unknown = (holds: MatrixLayout, kind: ClaimKind): CheckedClaim => {
    const d = doubt('unknown-convention', `it holds in ${holds} layout only, and the note does not say which layout it uses (say "we use ${holds} layout", or set calcnotes.matrixLayout)`, 'both');
    return notCheckedFor(d, kind);
  };
  const half = Date.now() + Math.max(10, (deadline - Date.now()) / 2);
  const den = run('denominator', half);
  // A failure in denominator layout: the matrix checker has already tried the other layout and says when it holds there.
  if (den.verdict === 'false') {
    return /it holds in numerator layout, not in the denominator layout/.test(den.reason) ? unknown(/* holds in */ 'numerator', den.kind) : den;
  }
  // Verified without a derivative by a vector or matrix: no layout was involved.
  if (den.verdict === 'verified' && !/\bdenominator layout\b/.test(den.reason)) return den;
  const num = run('numerator', deadline);
  if (den.verdict === 'verified') return num.verdict === 'verified' ? den : unknown('denominator', den.kind);
  return num.verdict === 'verified' ? unknown('numerator', num.kind) : den;
}

function guessKind(claim: Claim): ClaimKind {
  if (claim.link > 0 && !claim.chainHasDerivative) return 'identity';
  if (claim.link > 0) return 'step';
  return claim.chainHasDerivative ? 'derivative' : 'identity';
}

interface Lowered {
  lw: Lowerer;
  l: Expr;
  r: Expr;
}

function lowerClaim(claim: Claim, opts: CheckOptions, orders: Map<string, number>): Lowered {
  const lw = new Lowerer(claim.context, [claim.lhs.node, claim.rhs.node], claim.chainDifferentials ? { ...opts, differentials: claim.chainDifferentials } : opts, orders);
  const l = lw.lower(claim.lhs.node);
  const r = lw.lower(claim.rhs.node);
  return { lw, l, r };
}

function decide(claim: Claim, opts: CheckOptions, deadline: number): CheckedClaim {
  const first = lowerClaim(claim, opts, new Map());
  const { lw } = first;
  const abstract = new Set([...abstractFns(first.l), ...abstractFns(first.r)]);
  const kind: ClaimKind =
    abstract.size > 0 && lw.usedDerivative
      ? 'rule'
      : claim.link > 0 && !lw.usedDerivative
        ? 'step'
        : lw.usedDerivative
          ? 'derivative'
          : claim.chainHasDerivative
            ? 'step'
            : 'identity';

  // Differentials: each side a linear form in them (`dy = 2x\,dx`); `(dx)^2` and the like are not checked.
  if (lw.usedDifferential && !linearInDifferentials(first.l, first.r)) {
    return { verdict: 'unchecked', kind, reason: 'not checked: a side is not linear in the differentials', reasonCode: 'differential' };
  }
  // `d(x^2) = 2x`: d may be meant as "the derivative of" (a differential on one side only, the other a function).
  if (lw.usedDifferential && hasDifferentialVar(first.l) !== hasDifferentialVar(first.r) && !isZeroExpr(first.l) && !isZeroExpr(first.r)) {
    return { verdict: 'unchecked', kind, reason: 'not checked: one side is a differential and the other is not (d may be meant as "the derivative of")', reasonCode: 'differential' };
  }
  // Variants for symbolic derivative orders (d^n f / dx^n): check n = 1, 2, 3; for the sizes of sums with symbolic
  // bounds (\sum_{i=1}^n): n = 2, 3, 4; for a free index (∂/∂w_j of a sum over w_i): its first two values.
  // Several free indices (∂a_m/∂z_n) take equal values and distinct ones: a claim that holds only one way is a case
  // of a case split (m ≠ n), not false.
  const variants: { l: Expr; r: Expr; orders: Map<string, number>; lw: Lowerer; indices?: 'equal' | 'distinct' }[] = [];
  if (lw.orderSymbols.size || lw.sizeSymbols.size || lw.freeIndices.size) {
    const free = [...lw.freeIndices];
    const choices: { shifts: number[]; indices?: 'equal' | 'distinct' }[] =
      free.length === 0 ? [{ shifts: [] }] : free.length === 1 ? [{ shifts: [0] }, { shifts: [1] }] : [
        { shifts: free.map(() => 0), indices: 'equal' },
        { shifts: free.map(() => 1), indices: 'equal' },
        { shifts: free.map((_, k) => k), indices: 'distinct' },
        { shifts: free.map((_, k) => free.length - 1 - k), indices: 'distinct' },
      ];
    for (const n of [1, 2, 3]) {
      for (const choice of choices) {
        const orders = new Map<string, number>([
          ...[...lw.orderSymbols].map((s) => [s, n] as [string, number]),
          ...[...lw.sizeSymbols].map((s) => [s, Math.max(n + 1, free.length)] as [string, number]),
          ...free.map(([j, firstValue], k) => [j, firstValue + choice.shifts[k]] as [string, number]),
        ]);
        if (claim.context.conventions?.oneHot && lw.sizeSymbols.size) orders.set(HOT, 1 + (n % 2));
        const lo = lowerClaim(claim, opts, orders);
        variants.push({ l: lo.l, r: lo.r, orders, lw: lo.lw, ...(choice.indices ? { indices: choice.indices } : {}) });
      }
    }
  } else variants.push({ l: first.l, r: first.r, orders: new Map(), lw });

  if (variants.every((x) => same(x.l, x.r))) {
    const finalKind = kind === 'derivative' && isNotation(claim) ? 'notation' : kind;
    return withPlot(
      {
        verdict: 'verified',
        kind: finalKind,
        reason: 'verified: both sides are the same expression',
        computed: computedLatex(claim, first.l, lw),
      },
      () => (finalKind === 'derivative' && variants.length === 1 ? derivativePlot(claim, lw, first.l, new Map()) : undefined),
    );
  }

  if (Date.now() > deadline) return { verdict: 'unchecked', kind, reason: 'not checked: ran out of time' };
  // Values stated in the sentence (`At $x = 2$, …`): the claim is checked at that point.
  const at = pointValues(claim, opts, new Set([...freeVars(first.l), ...freeVars(first.r)]));
  if (at.size) {
    for (const variant of variants) {
      variant.l = substitute(variant.l, at);
      variant.r = substitute(variant.r, at);
    }
  }
  // An evaluation: no free letter is left (pure arithmetic, or every letter has a value at the stated point). A
  // side written as a decimal is a rounded value: it holds to within one unit of its last written digit.
  if (variants.length === 1 && isClosed(variants[0].l) && isClosed(variants[0].r)) {
    const rounded = roundedVerdict(claim, kind, lw, variants[0].l, variants[0].r, at);
    if (rounded) return rounded;
  }
  const integers = new Set(lw.orderSymbols);
  const conditions = conditionPredicates(claim, opts);
  // A derivative is only claimed where its function is defined: d/dx ln(2x+1) says nothing at x = −1.3, even
  // though 2/(2x+1) has a value there. Points outside the domain of a differentiated expression are skipped.
  // (Only for derivatives whose variables are all sampled: not at a stated point, not eliminated by lowering.)
  // (Each variant's own: a sum written out to another size has other variables.)
  const domainOf = (variant: (typeof variants)[number]) => {
    const sampled = new Set([...freeVars(variant.l), ...freeVars(variant.r)]);
    const own = [...conditions];
    for (const t of variant.lw.derivativesTaken) {
      if ([...freeVars(t.expr)].some((name) => at.has(name) || !sampled.has(name))) continue;
      own.push((env) => Number.isFinite(evaluate(t.expr, env, new Map()).v));
    }
    return own;
  };
  let points = 0;
  let draws = 0;
  const failedIndices = new Set<string>();
  let firstFailure: { variant: (typeof variants)[number]; res: Extract<CompareResult, { kind: 'differ' }> } | null = null;
  for (const variant of variants) {
    const res: CompareResult = compare(variant.l, variant.r, {
      seed: `${claim.latex}#${[...variant.orders.values()].join(',')}`,
      deadline,
      conditions: domainOf(variant),
      integers,
    });
    if (res.kind === 'undecided') return { verdict: 'unchecked', kind, reason: `not checked: ${res.reason}` };
    if (res.kind === 'differ' && variant.indices) {
      // Decided below, once both the equal and the distinct indices are tried.
      failedIndices.add(variant.indices);
      firstFailure ??= { variant, res };
      continue;
    }
    if (res.kind === 'differ') {
      // Show the stated point (At $x = 2$) with the counterexample.
      for (const [name, e] of at) res.at.point.unshift([name, evaluate(e, new Map(), new Map()).v]);
      return falseVerdict(claim, kind, lw, variant.l, variant.r, res.at, variant.orders);
    }
    points += res.points;
    draws = Math.max(draws, res.draws);
  }
  if (firstFailure) {
    const names = [...lw.freeIndices.keys()].map(show).join(', ');
    if (failedIndices.size === 1) {
      const holds = failedIndices.has('equal') ? 'distinct' : 'equal';
      const d = doubt('ambiguous-notation', `it holds when the indices ${names} are ${holds}, not otherwise: one case of a case split`, 'both');
      return notCheckedFor(d, kind);
    }
    const { variant, res } = firstFailure;
    for (const [name, e] of at) res.at.point.unshift([name, evaluate(e, new Map(), new Map()).v]);
    return falseVerdict(claim, kind, lw, variant.l, variant.r, res.at, variant.orders);
  }
  const fnNames = [...abstract].filter((f) => !lw.dependents.has(f));
  const stated = [...at].map(([name, e]) => `${show(name)} = ${formatNumber(evaluate(e, new Map(), new Map()).v)}`).join(', ');
  const how =
    fnNames.length || lw.dependents.size
      ? `verified at ${points} points, with ${draws} random choices of ${[...abstract].map(show).join(', ')}${stated ? ` (at ${stated}, the point the note states)` : ''}`
      : stated && isClosed(variants[0].l) && isClosed(variants[0].r)
        ? `verified at ${stated}, the point the note states`
        : `verified at ${points} random points${stated ? ` (at ${stated}, the point the note states)` : ''}`;
  const finalKind = kind === 'derivative' && isNotation(claim) ? 'notation' : kind;
  return withPlot(
    {
      verdict: 'verified',
      kind: finalKind,
      reason: how,
      computed: computedLatex(claim, first.l, lw),
    },
    () => (finalKind === 'derivative' && variants.length === 1 ? derivativePlot(claim, lw, first.l, at) : undefined),
  );
}

function hasDifferentialVar(e: Expr): boolean {
  for (const x of freeVars(e)) if (x.startsWith(DIFFERENTIAL)) return true;
  return false;
}

function isZeroExpr(e: Expr): boolean {
  return e.k === 'num' && e.v === 0;
}

/** Is every side linear in the differentials (`d:x`): its derivative by each is free of them all? */
function linearInDifferentials(...sides: Expr[]): boolean {
  for (const e of sides) {
    const ds = [...freeVars(e)].filter((x) => x.startsWith(DIFFERENTIAL));
    for (const d of ds) if ([...freeVars(diff(e, d))].some((x) => x.startsWith(DIFFERENTIAL))) return false;
  }
  return true;
}

const isDerivativeNode = (m: Node): boolean => m.type === 'deriv' || m.type === 'prime';

/** No free letter and no abstract function: a number. */
function isClosed(e: Expr): boolean {
  return freeVars(e).size === 0 && abstractFns(e).size === 0;
}

/**
 * An evaluation one of whose sides is a number as written (`\frac{5}{7} = 0.714`, `0.7^7 \times 0.3^3 = 0.00222`).
 * A written decimal stands for the values it could be a rounding or truncation of: it is verified "to the
 * precision written" when it is the value rounded to its last written digit (within half a unit) or truncated
 * there (cut off toward zero); within one unit but only by rounding away from zero, it is not checked; further
 * than one unit of its last written digit from the value, it is false. A whole number where the value is not
 * whole (`e^{10} = 22026`) may be rounded too: within one unit it is not checked. Null when no side is a written
 * number, or the sides agree exactly (the ordinary comparison decides).
 */
function roundedVerdict(claim: Claim, kind: ClaimKind, lw: Lowerer, l: Expr, r: Expr, at: Map<string, Expr>): CheckedClaim | null {
  const wl = writtenNumber(claim.lhs.node);
  const wr = writtenNumber(claim.rhs.node);
  if (!wl && !wr) return null;
  const a = evaluate(l, new Map(), new Map()).v;
  const b = evaluate(r, new Map(), new Map()).v;
  if (!Number.isFinite(a) || !Number.isFinite(b)) return null;
  const diff = Math.abs(a - b);
  if (diff <= 1e-12 * Math.max(Math.abs(a), Math.abs(b))) return null;
  const written = wl && wr ? (wl.unit >= wr.unit ? wl : wr) : (wr ?? wl)!;
  const writtenSide = written === wr ? claim.rhs.latex : claim.lhs.latex;
  const exact = wl && wr ? (written === wr ? a : b) : wr ? a : b;
  const unit = written.unit;
  const slack = 1 + 1e-9;
  const within = diff <= unit * slack;
  const roundedOrCut =
    diff <= 0.5 * unit * slack ||
    (Math.sign(written.value) * Math.sign(exact) >= 0 && Math.abs(written.value) <= Math.abs(exact) * slack && Math.abs(exact) < Math.abs(written.value) + unit * slack);
  if (written.whole) {
    // A whole number for a whole value must be that value: the ordinary comparison decides.
    if (Math.abs(exact - Math.round(exact)) <= 1e-9 * Math.max(1, Math.abs(exact))) return null;
    if (within) {
      const d = doubt('rounded-value', `${readable(writtenSide)} may be the value ${preciseNumber(exact)} rounded to a whole number`);
      return notCheckedFor(d, kind);
    }
  } else if (within && !roundedOrCut) {
    const d = doubt('rounded-value', `${readable(writtenSide)} is the value ${preciseNumber(exact)} neither rounded nor truncated to its last digit (only rounded away from zero)`);
    return notCheckedFor(d, kind);
  } else if (within) {
    return {
      verdict: 'verified',
      kind,
      reason: `verified to the precision written: the value is ${preciseNumber(exact)}, and ${readable(writtenSide)} is it ${diff <= 0.5 * unit * slack ? 'rounded' : 'truncated'} to its last digit (${preciseNumber(unit)})`,
      reasonCode: 'rounded-value',
    };
  }
  const point: [string, number][] = [...at].map(([name, e]) => [name, evaluate(e, new Map(), new Map()).v]);
  const res = falseVerdict(claim, kind, lw, l, r, { point, functions: [], left: a, right: b }, new Map());
  // Say why rounding does not excuse it only where rounding could have been meant (close, but not close enough).
  if (res.verdict !== 'false' || diff > 100 * unit) return res;
  return {
    ...res,
    reason: `${res.reason} Even read as rounded or truncated, ${readable(writtenSide)} is more than one unit of its last digit (${preciseNumber(unit)}) from the value ${preciseNumber(exact)}.`,
  };
}

/**
 * Derivatives used as unknowns. In `3x^2y' - 2xyy' = y^2 - 6xy` (implicit differentiation, y defined nowhere) no
 * derivative of any expression is taken: every derivative in the claim is that of a bare name the note never
 * defines, and that name also appears undifferentiated beside it. Such a claim asserts no rule of
 * differentiation: it is algebra among the unknowns x, y and y', which the note's curve (or differential
 * equation) constrains — an equation that holds on that curve, not an identity for every function y. Returns the
 * name, or null. `(y^2)' = 2y` differentiates a compound expression and is still a rule (false for every y);
 * `\frac{dy}{dx} = \frac{dy}{du}\frac{du}{dx}` never uses y as a value and is still a rule.
 */
function derivativeUnknown(claim: Claim): string | null {
  const differentiated = new Set<string>();
  const values = new Set<string>();
  const bare = (n: Node | null): string | null => (n && n.type === 'sym' && !claim.context.bindings.has(n.name) ? n.name : null);
  const stack: Node[] = [claim.lhs.node, claim.rhs.node];
  while (stack.length) {
    const m = stack.pop()!;
    if (m.type === 'prime' || m.type === 'deriv') {
      const name = m.type === 'prime' ? bare(m.arg) : m.form === 'nabla' ? null : bare(m.of);
      if (!name) return null;
      differentiated.add(name);
      continue;
    }
    if (m.type === 'sym') values.add(m.name);
    for (const c of children(m)) stack.push(c);
  }
  for (const name of differentiated) if (values.has(name)) return name;
  return null;
}

/** The verdict with its hover plot, when there is one (a plot never changes or breaks a verdict). */
function withPlot(result: CheckedClaim, make: () => PlotSpec | undefined): CheckedClaim {
  let plot: PlotSpec | undefined;
  try {
    plot = make();
  } catch {
    plot = undefined;
  }
  if (plot) result.plot = plot;
  return result;
}

/** Both sides are derivative notations of the same thing (`f'(x) = \frac{df}{dx}`). */
function isNotation(claim: Claim): boolean {
  const isDer = (n: Claim['lhs']['node']): boolean =>
    n.type === 'deriv' || n.type === 'prime' || (n.type === 'apply' && (n.fn.type === 'prime' || n.fn.type === 'deriv'));
  return isDer(claim.lhs.node) && isDer(claim.rhs.node);
}

function computedLatex(claim: Claim, l: Expr, lw: Lowerer): string | undefined {
  const n = claim.lhs.node;
  const isDer = n.type === 'deriv' || n.type === 'prime' || (n.type === 'apply' && n.fn.type === 'prime');
  if (!isDer || size(l, 300) > 300) return undefined;
  // In the note's own names where it defined them (`(\hat y - y)(1 - \hat y^2)x`, not the expansion).
  return toLatex(foldDefinitions(l, lw.expandedDefinitions), { bareVariable: bareStyle(claim) ? lw.implicitVar : undefined });
}

/** Did the note write abstract functions without arguments (`(fg)' = fg' + f'g`)? */
/** Does the note write its functions bare (`(f/g)'`), not applied (`f(x)`)? Commands (`\\left(`) do not count. */
function bareStyle(claim: Claim): boolean {
  return !/[a-zA-Z]'*\s*\(/.test(claim.latex.replace(/\\[a-zA-Z]+/g, ' '));
}

function pointValues(claim: Claim, opts: CheckOptions, vars: Set<string>): Map<string, Expr> {
  const out = new Map<string, Expr>();
  for (const c of claim.conditions) {
    if (c.op !== '=' || c.lhs.type !== 'sym' || !vars.has(c.lhs.name)) continue;
    try {
      out.set(c.lhs.name, new Lowerer(claim.context, [c.rhs], opts).lower(c.rhs));
    } catch {
      // A value we cannot read: ignore it.
    }
  }
  return out;
}

function conditionPredicates(claim: Claim, opts: CheckOptions): ((env: Env, fns: Map<string, TestFn>) => boolean)[] {
  const out: ((env: Env, fns: Map<string, TestFn>) => boolean)[] = [];
  for (const c of claim.conditions) {
    if (c.op === '=') continue;
    const p = conditionPredicate(c, claim, opts);
    if (p) out.push(p);
  }
  return out;
}

function conditionPredicate(c: Condition, claim: Claim, opts: CheckOptions): ((env: Env, fns: Map<string, TestFn>) => boolean) | null {
  try {
    const cl = new Lowerer(claim.context, [c.lhs, c.rhs], opts);
    const a = cl.lower(c.lhs);
    const b = cl.lower(c.rhs);
    if (abstractFns(a).size || abstractFns(b).size) return null;
    const vars = new Set([...freeVars(a), ...freeVars(b)]);
    if (vars.size === 0) return null;
    return (env, fns) => {
      for (const x of vars) if (!env.has(x)) return true; // a condition on something this claim does not use
      const u = evaluate(a, env, fns).v;
      const w = evaluate(b, env, fns).v;
      switch (c.op) {
        case '<':
          return u < w;
        case '>':
          return u > w;
        case '\\le':
          return u <= w;
        case '\\ge':
          return u >= w;
        case '\\neq':
          return Math.abs(u - w) > 1e-9;
        default:
          return true;
      }
    };
  } catch {
    return null;
  }
}

function showFunction(name: string, t: TestFn, lw: Lowerer): string {
  const deps = lw.dependents.get(name);
  let body = t.show;
  for (let i = 0; i < t.arity; i++) {
    const x = deps?.[i] ? show(deps[i]) : t.arity === 1 ? lw.implicitVar : `x_${i + 1}`;
    body = body.split(`#${i}`).join(x);
  }
  return `${show(name)} = ${body}`;
}

/** The symbol names a claim writes on its two sides. */
function writtenNames(claim: Claim): Set<string> {
  const names = new Set<string>();
  for (const side of [claim.lhs.node, claim.rhs.node]) {
    walk(side, (m) => {
      if (m.type !== 'sym') return;
      names.add(m.name);
      // An entry written with an index (`p_k`, `y_i`) stands for every entry of its vector (`p_1`, `p_2`, …).
      if (m.sub !== undefined && /^[a-zA-Z]{1,3}$/.test(m.sub)) names.add(`${m.name.slice(0, m.name.length - m.sub.length)}#entry`);
    });
  }
  return names;
}

/** Is this lowered name (`p_2`) one the claim wrote, itself or as an indexed entry (`p_k`)? */
function writtenIn(names: Set<string>, name: string): boolean {
  if (names.has(name)) return true;
  if (name.startsWith(DIFFERENTIAL)) return writtenIn(names, name.slice(DIFFERENTIAL.length));
  const m = /^(.*_)-?\d+(?:,-?\d+)*$/.exec(name);
  return !!m && names.has(`${m[1]}#entry`);
}

function falseVerdict(
  claim: Claim,
  kind: ClaimKind,
  lw: Lowerer,
  l: Expr,
  r: Expr,
  at: Counterexample,
  orders: Map<string, number>,
): CheckedClaim {
  const doubts = [...claim.doubts, ...lw.doubts];
  const closedL = isClosed(l);
  const closedR = isClosed(r);
  const derivativeWritten = containsNode(claim.lhs.node, isDerivativeNode) || containsNode(claim.rhs.node, isDerivativeNode);
  // `-9x^2 = -12`, `x^2 - 1 = 0`: without derivatives, one side a constant and the other depending on free letters,
  // the claim cannot be meant for all values of those letters — it is an equation to solve.
  if (!derivativeWritten && closedL !== closedR) {
    const vars = [...freeVars(closedL ? r : l)].map(show).join(', ');
    doubts.unshift(doubt('equation', `one side is a constant and the other depends on ${vars || 'a function'}: an equation to solve, not an identity`));
  }
  const unknown = derivativeUnknown(claim);
  if (unknown) {
    doubts.unshift(doubt('equation', `it relates ${show(unknown)} and its derivative, which the note never defines: an equation on a curve (implicit differentiation) or a differential equation, not a rule for every ${show(unknown)}`));
  }
  // `2\frac{1}{2}` (a mixed number), `1.2.3` (a version): numerals side by side are not a product.
  if (juxtaposedNumerals(claim.lhs.node) || juxtaposedNumerals(claim.rhs.node)) {
    doubts.push(doubt('ambiguous-notation', 'two numbers are written side by side (a mixed number, a version or a grouped numeral?), not as a product'));
  }
  // A side that mentions a function or name the other side does not is a condition or a definition, not a rule.
  const fl = abstractFns(l);
  const fr = abstractFns(r);
  for (const f of fl) if (!fr.has(f)) doubts.push(doubt('undefined-symbol', `${show(f)} appears only on the left and is not defined`));
  for (const f of fr) if (!fl.has(f)) doubts.push(doubt('undefined-symbol', `${show(f)} appears only on the right and is not defined`));
  // `dy/dx = -x/y`: a dependent variable differentiated on one side and only used as a value on the other is
  // a differential equation (or an implicit relation) for it, not a rule that holds for every function.
  const ordersL = derivativeOrders(l);
  const ordersR = derivativeOrders(r);
  for (const [f, keys] of ordersL) {
    const other = ordersR.get(f);
    if (other && ![...keys].some((k) => other.has(k))) doubts.push(doubt('equation', `it is an equation for ${show(f)} (a differential equation), not a rule for every ${show(f)}`));
  }
  const vl = freeVars(l);
  const vr = freeVars(r);
  const variable = lw.implicitVar;
  // (A letter the claim never writes, that reaches one side only through a definition the note made — `L` defined
  // with the target `y` — is a parameter of that definition: the claim is about the defined quantity, for every
  // value of the parameter the note left free. Only a letter written on one side may be a value to solve for — or,
  // when the other side is a number (`∂f/∂y = 4`), any letter: that is a value at a point the prose may have given.)
  const written = closedL || closedR ? null : writtenNames(claim);
  // (Between differential forms, `d(uv) = u\,dv + du`, a plain letter on one side is no unknown: only an undefined
  // quantity's differential is, `dz = 5\,dx`.)
  // (The direction dp of a name both sides are written in is a free direction, not an unknown: `d(pq) = p\,dq`
  // forgets q\,dp.)
  const freeDirection = (x: string) => x.startsWith(DIFFERENTIAL) && vl.has(x.slice(DIFFERENTIAL.length)) && vr.has(x.slice(DIFFERENTIAL.length));
  const mayBeValue = (x: string) => (!written || writtenIn(written, x)) && (!lw.usedDifferential || (x.startsWith(DIFFERENTIAL) && !freeDirection(x)));
  for (const x of vl) if (!vr.has(x) && x !== variable && mayBeValue(x)) doubts.push(doubt('undefined-symbol', `${show(x)} appears only on the left`));
  for (const x of vr) if (!vl.has(x) && x !== variable && mayBeValue(x)) doubts.push(doubt('undefined-symbol', `${show(x)} appears only on the right`));
  // Algebra without derivatives is read as an equation — except arithmetic (no free letter on either side, `7 \times 6
  // = 48`), which is checkable whatever it was meant for.
  if (kind === 'identity' && !(closedL && closedR)) doubts.push(doubt('equation', 'it involves no derivative: read as an equation, not an identity'));
  doubts.push(...contextDoubts(claim, abstractFns(l).size + abstractFns(r).size > 0, lw.oneHotApplied));
  if ((r.k === 'num' || l.k === 'num') && /\(\s*[a-zA-Z]_?\{?0\}?\s*\)|\|_/.test(claim.latex)) doubts.push(doubt('equation', 'a condition at a point, not an identity'));

  const counterexample = {
    point: at.point,
    functions: at.functions.map(([n, t]) => [n, showFunction(n, t, lw)] as [string, string]),
    left: at.left,
    right: at.right,
  };
  // Before calling a concrete derivative wrong, a second, independent differentiation must agree with ours (not
  // needed when a doubt already keeps the claim from being false).
  const env = new Map(at.point);
  for (const t of doubts.length ? [] : lw.derivativesTaken) {
    if (derivativeAgrees(t.expr, t.variable, t.result, env) === false) {
      doubts.push(doubt('internal-disagreement', 'our derivative and an independent one disagree here (please report this note)'));
      break;
    }
  }
  if (doubts.length) {
    return {
      verdict: 'unchecked',
      kind,
      reason: `not checked: the two sides differ (${pointText(at, orders) || `${formatNumber(at.left)} and ${formatNumber(at.right)}`}), but ${doubts[0].detail}`,
      reasonCode: doubts[0].code,
      doubts,
      counterexample,
    };
  }
  const L = readable(claim.lhs.latex);
  const R = readable(claim.rhs.latex);
  const withFns = counterexample.functions.length ? `with ${counterexample.functions.map(([, s]) => readable(s)).join(', ')} ` : '';
  const where = pointText(at, orders);
  let msg: string;
  if (claim.link > 0) {
    msg = `This step does not follow: ${withFns}${where ? `at ${where} ` : ''}the previous expression ${L} is ${formatNumber(at.left)} but ${R} is ${formatNumber(at.right)}.`;
  } else {
    msg = `${L} is not ${R}: ${withFns}${where ? `at ${where} ` : ''}the left side is ${formatNumber(at.left)} and the right side is ${formatNumber(at.right)}.`;
  }
  // (A sum written out at one size is no expected side to show: the note's sum is for every size.)
  const writtenOut = lw.sizeSymbols.size > 0 || lw.freeIndices.size > 0;
  const expected = writtenOut ? undefined : computedLatex(claim, l, lw);
  if (expected && claim.link === 0) msg += ` Expected ${readable(expected)}.`;
  return withPlot({ verdict: 'false', kind, reason: msg, counterexample, expected }, () => counterexamplePlot(l, r, at, variable));
}

/** For each abstract function, the derivative indices it is used with (`0` for the function itself). */
function derivativeOrders(e: Expr): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  const visit = (x: Expr): void => {
    switch (x.k) {
      case 'app': {
        const set = out.get(x.f) ?? new Set<string>();
        set.add(x.d.join(','));
        out.set(x.f, set);
        x.a.forEach(visit);
        break;
      }
      case 'add':
      case 'mul':
        x.a.forEach(visit);
        break;
      case 'pow':
        visit(x.b);
        visit(x.e);
        break;
      case 'fn':
        visit(x.a);
        break;
      default:
        break;
    }
  };
  visit(e);
  return out;
}

function pointText(at: Counterexample, orders: Map<string, number>): string {
  const parts = at.point.map(([x, val]) => `${show(x)} = ${formatNumber(val)}`);
  for (const [n, val] of orders) if (!at.point.some(([x]) => x === n)) parts.push(`${show(n)} = ${val}`);
  return parts.join(', ');
}
