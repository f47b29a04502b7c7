/**
 * Deciding a vector or matrix claim. Both sides are built into the matrix IR with shapes (build.ts), unified
 * (the two sides must have one shape), then evaluated at several seeded random draws: random sizes for what the
 * note left free (2–4), random entries, random smooth functions for dependent variables. Derivatives are computed
 * numerically in forward mode (evaluate.ts), in the layout the note uses.
 *
 * When the sides differ, before calling the claim false we look for the reason a reader would want to know:
 * - it holds in the other layout: "holds in numerator layout, not in the denominator layout this note uses";
 * - it holds once a square matrix is made symmetric (A := (A + Aᵀ)/2): "holds only when A is symmetric".
 * Both are still false claims (the note's statement is wrong as written), but the message says why.
 * A claim that fails only under a doubtful reading is "not checked", with the counterexample in the reason.
 */
import type { Claim, ClaimKind } from '../../interpret/claims';
import { contextDoubts, readable, type CheckedClaim } from '../verdict';
import { DIFFERENTIAL, show as showName } from '../lower';
import { formatNumber } from '../latex';
import { makeRng } from '../random';
import * as D from './dense';
import { Mat } from './dense';
import { EvalError, Evaluator, randomMap, type EvalEnv } from './evaluate';
import { MatrixBuilder, MatrixUnsupported, canonName } from './build';
import type { Layout, MExpr } from './ir';
import { hasDerivative, nodes } from './ir';
import { Dim, ShapeError, assignSizes, find, isScalar, largeSizes, unifyShapes } from './shapes';
import { doubt, type Doubt } from '../../semantics/reasons';

export { MatrixUnsupported };

const CAPITAL_GREEK: Record<string, string> = { Sigma: 'Σ', Lambda: 'Λ', Phi: 'Φ', Psi: 'Ψ', Omega: 'Ω', Gamma: 'Γ', Delta: 'Δ', Theta: 'Θ' };

/** A canonical name for people: `x` for \mathbf{x}, `Σ` for \Sigma, `W^(1)`. */
function show(name: string): string {
  return showName(name).replace(/^[A-Z][a-z]+/, (m) => CAPITAL_GREEK[m] ?? m);
}

export type MatrixLayout = 'denominator' | 'numerator';

export interface MatrixCheckOptions {
  layout: MatrixLayout;
  logBase: 'e' | '10';
  /** Epoch ms after which we give up. */
  deadline: number;
  /** Reasons from the prose why a failing check may not mean the claim is wrong. */
  doubts: Doubt[];
}

/** Number of random draws (sizes and values) a claim must pass. */
const DRAWS = 4;
const ATTEMPTS = 12;

const layoutName = (l: Layout): MatrixLayout => (l === 'den' ? 'denominator' : 'numerator');
const toLayout = (l: MatrixLayout): Layout => (l === 'denominator' ? 'den' : 'num');

interface Built {
  b: MatrixBuilder;
  l: MExpr;
  r: MExpr;
}

function buildClaim(claim: Claim, layout: Layout, logBase: 'e' | '10'): Built {
  const b = new MatrixBuilder(claim.context, [claim.lhs.node, claim.rhs.node], claim.declarations ?? [], { layout, logBase, differentials: claim.chainDifferentials });
  let l = b.build(claim.lhs.node);
  let r = b.build(claim.rhs.node);
  // `\nabla f = 0`: a written 0 beside a vector or matrix is the zero of that shape.
  const isZero = (e: MExpr) => e.k === 'num' && e.v === 0;
  if (isZero(l) && !isScalar(r.s)) l = { k: 'zero', s: r.s };
  if (isZero(r) && !isScalar(l.s)) r = { k: 'zero', s: l.s };
  unifyShapes(l.s, r.s, 'the two sides have different shapes');
  b.finish();
  return { b, l, r };
}

interface DrawResult {
  env: EvalEnv;
  sizes: Map<Dim, number>;
  left: Mat;
  right: Mat;
}

type RunResult =
  | { kind: 'equal'; draws: number; first: DrawResult; finiteDifferences: boolean }
  | { kind: 'differ'; at: DrawResult; entry: number }
  | { kind: 'undecided'; reason: string };

interface Variant {
  /** Leaves replaced by their symmetric part. */
  symmetrize?: string[];
}

function sizeOfShape(sizes: Map<Dim, number>, s: [Dim, Dim]): [number, number] {
  return [sizes.get(find(s[0])) ?? 1, sizes.get(find(s[1])) ?? 1];
}

function drawValues(built: Built, sizes: Map<Dim, number>, rng: () => number, positive: boolean, variant: Variant): EvalEnv {
  const values = new Map<string, Mat>();
  for (const [name, leaf] of built.b.leaves) {
    const [r, c] = sizeOfShape(sizes, leaf.node.s);
    const m = new Mat(r, c);
    if (built.b.labels.has(name)) {
      // A label: a probability vector.
      for (let k = 0; k < m.size; k++) m.data[k] = 0.1 + rng();
      const s = D.sumAll(m);
      for (let k = 0; k < m.size; k++) m.data[k] /= s;
    } else {
      for (let k = 0; k < m.size; k++) m.data[k] = positive ? 0.2 + 1.5 * rng() : (rng() * 2 - 1) * 1.5;
    }
    values.set(name, variant.symmetrize?.includes(name) && r === c ? D.scale(0.5, D.add(m, D.transpose(m))) : m);
  }
  const maps = new Map<string, ReturnType<typeof randomMap>>();
  for (const [name, info] of built.b.functions) {
    const inputs = info.inputs.reduce((s, x) => {
      const [r, c] = sizeOfShape(sizes, x);
      return s + r * c;
    }, 0);
    const [r, c] = sizeOfShape(sizes, info.out);
    maps.set(name, randomMap(inputs, r, c, rng));
  }
  return { values, maps };
}

/** Square leaves: candidates for "holds only when A is symmetric". */
function squareLeaves(built: Built): string[] {
  const out: string[] = [];
  for (const [name, leaf] of built.b.leaves) if (!isScalar(leaf.node.s) && find(leaf.node.s[0]) === find(leaf.node.s[1])) out.push(name);
  return out;
}

/** Is a random square matrix too close to singular to trust (it would be inverted or its determinant used)? */
function illConditioned(env: EvalEnv): boolean {
  for (const m of env.values.values()) {
    if (m.rows !== m.cols || m.rows < 2) continue;
    if (Math.abs(D.det(m)) < 0.05) return true;
  }
  return false;
}

function run(built: Built, seed: string, deadline: number, variant: Variant = {}): RunResult {
  let agreed = 0;
  let first: DrawResult | null = null;
  let fd = false;
  let lastReason = 'no draw found where both sides are real numbers';
  for (let draw = 0; draw < DRAWS; draw++) {
    const rng = makeRng(`${seed}#${draw}`);
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      if (Date.now() > deadline) return { kind: 'undecided', reason: 'ran out of time' };
      const sizes = assignSizes(built.b.dims, rng);
      const env = drawValues(built, sizes, rng, attempt >= 4, variant);
      if (illConditioned(env)) continue;
      const ev = new Evaluator(env, (e) => sizeOfShape(sizes, e.s), deadline);
      let left: Mat;
      let right: Mat;
      try {
        left = ev.value(built.l);
        right = ev.value(built.r);
      } catch (err) {
        if (err instanceof EvalError && /time/.test(err.message)) return { kind: 'undecided', reason: 'ran out of time' };
        if (err instanceof EvalError || err instanceof D.SingularMatrix) continue;
        throw err;
      }
      if (!D.isFinite(left) || !D.isFinite(right)) continue;
      if (left.rows !== right.rows || left.cols !== right.cols) {
        // Same shapes by unification; different only for a row against a column of a written-out list.
        if (left.size !== right.size || !(left.isVector && right.isVector)) throw new MatrixUnsupported('the two sides have different shapes');
      }
      fd = fd || ev.usedFiniteDifferences;
      const tol = ev.usedFiniteDifferences ? 1e-6 : 1e-9;
      const clear = ev.usedFiniteDifferences ? 1e-4 : 1e-6;
      const scale = Math.max(D.maxAbs(left), D.maxAbs(right));
      let worst = 0;
      let entry = 0;
      for (let k = 0; k < left.size; k++) {
        const d = Math.abs(left.data[k] - right.data[k]);
        if (d > worst) {
          worst = d;
          entry = k;
        }
      }
      const result: DrawResult = { env, sizes, left, right };
      if (worst <= tol * scale + 1e-12) {
        agreed++;
        if (!first) first = result;
        break;
      }
      if (worst > clear * scale + 1e-9) return { kind: 'differ', at: result, entry };
      lastReason = 'the two sides differ only at round-off level';
    }
  }
  if (agreed >= DRAWS - 1 && first) return { kind: 'equal', draws: agreed, first, finiteDifferences: fd };
  return { kind: 'undecided', reason: agreed ? `only ${agreed} draw(s) found where both sides are real numbers` : lastReason };
}

/** `x ∈ ℝ³, A ∈ ℝ^{3×3}` for the leaves of a draw. */
function sizesText(built: Built, sizes: Map<Dim, number>): string {
  const parts: string[] = [];
  const space = (s: [Dim, Dim]) => {
    const [r, c] = sizeOfShape(sizes, s);
    return c === 1 ? `ℝ${superscript(r)}` : `ℝ^{${r}×${c}}`;
  };
  for (const [name, leaf] of built.b.leaves) if (!isScalar(leaf.node.s)) parts.push(`${show(name)} ∈ ${space(leaf.node.s)}`);
  const fns = [...built.b.functions.values()];
  for (const f of fns) if (!isScalar(f.out)) parts.push(`${show(f.name)} ∈ ${space(f.out)}`);
  if (fns.length) parts.push(`${fns.map((f) => show(f.name)).join(', ')} random smooth function${fns.length > 1 ? 's' : ''}`);
  const stand = standIns(built, sizes);
  if (stand) parts.push(stand);
  return parts.join(', ');
}

/** "the declared size 3000 checked as 13": the representative sizes of a draw. */
function standIns(built: Built, sizes: Map<Dim, number>): string {
  const large = largeSizes(built.b.dims);
  if (!large.length) return '';
  const as = new Map<number, number>();
  for (const [d, v] of sizes) if (d.value !== undefined && large.includes(d.value)) as.set(d.value, v);
  const list = large.map((n) => `${n} as ${as.get(n) ?? '?'}`).join(', ');
  return `the declared size${large.length > 1 ? 's' : ''} ${list} (large sizes are checked at small representative sizes)`;
}

function superscript(n: number): string {
  const map: Record<string, string> = { '0': '⁰', '1': '¹', '2': '²', '3': '³', '4': '⁴', '5': '⁵', '6': '⁶', '7': '⁷', '8': '⁸', '9': '⁹' };
  return String(n)
    .split('')
    .map((c) => map[c] ?? c)
    .join('');
}

function entryText(m: Mat, k: number): string {
  if (m.isScalar) return '';
  if (m.isVector) return ` entry ${k + 1} of`;
  return ` entry (${Math.floor(k / m.cols) + 1}, ${(k % m.cols) + 1}) of`;
}

/** The layouts of the claim's derivatives, in order. */
function layoutsOf(built: Built): string {
  return [built.l, built.r].map((side) => nodes(side).filter((n) => n.k === 'd').map((n) => (n as { layout: Layout }).layout).join(',')).join('|');
}

function usesVectorDerivative(built: Built): boolean {
  return [built.l, built.r].some((side) => nodes(side).some((n) => n.k === 'd' && n.wrt.some((w) => !isScalar(w.s))));
}

/** Leaves and dependents, not the variables of differentiation nor a function's own parameters. */
function mentioned(e: MExpr): Set<string> {
  const out = new Set<string>();
  for (const n of nodes(e)) if ((n.k === 'var' || n.k === 'dep') && !n.name.startsWith('#')) out.add(n.name);
  return out;
}

function guessKind(claim: Claim, built: Built | null): ClaimKind {
  const der = built ? hasDerivative(built.l) || hasDerivative(built.r) : claim.chainHasDerivative;
  const abstract = built ? built.b.functions.size > 0 : false;
  if (abstract && der) return 'rule';
  if (claim.link > 0) return 'step';
  return der ? 'derivative' : claim.chainHasDerivative ? 'step' : 'identity';
}

export function checkMatrixClaim(claim: Claim, opts: MatrixCheckOptions): CheckedClaim {
  const layout = toLayout(opts.layout);
  const otherLayout: Layout = layout === 'den' ? 'num' : 'den';
  const seed = `${claim.latex}#matrix`;
  let built: Built;
  try {
    built = buildClaim(claim, layout, opts.logBase);
  } catch (err) {
    if (!(err instanceof ShapeError)) throw err;
    return shapeProblem(claim, opts, err, otherLayout, seed);
  }
  const kind = guessKind(claim, built);
  // Large declared sizes are evaluated at representative sizes, which a claim about the size itself cannot be.
  const large = largeSizes(built.b.dims).filter((n) => new RegExp(`(?<![\\d.])${n}(?![\\d.])`).test(claim.latex));
  if (large.length) return { verdict: 'unchecked', kind, reason: `not checked: it mentions the declared size ${large[0]}, and sizes that large are checked at small representative sizes`, reasonCode: 'not-understood' };
  // "For symmetric Σ, …": the sentence's assumption; square matrices are drawn symmetric.
  // Named in the note's scope ("let $A$ be symmetric"), or all square matrices when the sentence names none.
  const named = new Set([...(claim.context.assumptions ?? [])].filter(([, a]) => a.includes('symmetric')).map(([n]) => canonName(n)));
  const assumeSymmetric = claim.assumptions?.includes('symmetric') ? squareLeaves(built) : squareLeaves(built).filter((n) => named.has(n));
  const base: Variant = assumeSymmetric.length ? { symmetrize: assumeSymmetric } : {};
  const res = run(built, seed, opts.deadline, base);
  if (res.kind === 'undecided') return { verdict: 'unchecked', kind, reason: `not checked: ${res.reason}` };
  if (res.kind === 'equal') {
    const sizes = sizesText(built, res.first.sizes);
    const parts = [`verified at ${res.draws} random draws`];
    if (sizes) parts.push(sizes);
    if (usesVectorDerivative(built)) parts.push(`${opts.layout} layout`);
    if (assumeSymmetric.length) parts.push(`${assumeSymmetric.map(show).join(', ')} drawn symmetric, as the note assumes`);
    if (built.b.labels.size) parts.push(`${[...built.b.labels].map(show).join(', ')} drawn as ${built.b.labels.size > 1 ? 'probability vectors (labels)' : 'a probability vector (a label)'}`);
    return { verdict: 'verified', kind, reason: parts.join(', ') };
  }

  // The sides differ. Why?
  const doubts = [...opts.doubts, ...contextDoubts(claim, built.b.functions.size > 0), ...built.b.doubts, ...sideDoubts(built, kind)];
  // Conditions and values stated in the sentence (`x > 0`, `at t = 2`) are not applied to vector claims.
  if (claim.conditions.length) doubts.push(doubt('conditions-not-applied', 'the sentence states conditions that are not applied to vector claims'));
  let why = '';
  const alt = tryBuild(claim, otherLayout, opts.logBase);
  if (alt && layoutsOf(alt) !== layoutsOf(built)) {
    if (run(alt, seed, opts.deadline, base).kind === 'equal') {
      why = `it holds in ${layoutName(otherLayout)} layout, not in the ${opts.layout} layout this note uses`;
    }
  }
  if (!why) {
    const square = squareLeaves(built);
    const tries = square.length > 1 ? [...square.map((s) => [s]), square] : square.map((s) => [s]);
    for (const names of tries) {
      if (run(built, seed, opts.deadline, { symmetrize: names }).kind === 'equal') {
        const list = names.map(show).join(' and ');
        why = `it holds only when ${list} ${names.length > 1 ? 'are' : 'is'} symmetric`;
        break;
      }
    }
  }
  return falseVerdict(claim, kind, built, res.at, res.entry, why, doubts);
}

function tryBuild(claim: Claim, layout: Layout, logBase: 'e' | '10'): Built | null {
  try {
    return buildClaim(claim, layout, logBase);
  } catch {
    return null;
  }
}

/** Reasons a difference may not disprove the claim, from what the two sides mention. */
function sideDoubts(built: Built, kind: ClaimKind): Doubt[] {
  const out: Doubt[] = [];
  // Algebra outside a chain of derivatives may be an equation (A x = b); a worked step of a derivation is checked.
  if (kind === 'identity') out.push(doubt('equation', 'it involves no derivative: read as an equation, not an identity'));
  const ml = mentioned(built.l);
  const mr = mentioned(built.r);
  const vars = new Set(built.b.variables);
  // The direction dX of a name both sides are written in is a free direction, not an unknown (`d(XY) = (dX)Y`
  // forgets dY).
  for (const x of [...ml, ...mr]) {
    const of = x.slice(DIFFERENTIAL.length);
    if (x.startsWith(DIFFERENTIAL) && ml.has(of) && mr.has(of)) vars.add(x);
  }
  for (const x of ml) if (!mr.has(x) && !vars.has(x)) out.push(doubt('undefined-symbol', `${show(x)} appears only on the left`));
  for (const x of mr) if (!ml.has(x) && !vars.has(x)) out.push(doubt('undefined-symbol', `${show(x)} appears only on the right`));
  if (ml.size === 0 || mr.size === 0) out.push(doubt('equation', 'one side is a constant: a value at a point, not an identity'));
  return out;
}

function falseVerdict(claim: Claim, kind: ClaimKind, built: Built, at: DrawResult, entryIndex: number, why: string, doubts: Doubt[]): CheckedClaim {
  const L = readable(claim.lhs.latex);
  const R = readable(claim.rhs.latex);
  const sizes = sizesText(built, at.sizes);
  const where = sizes ? `at random ${sizes}` : 'at a random point';
  const values = `${entryText(at.left, entryIndex)} the left side is ${formatNumber(at.left.data[entryIndex])} and ${entryText(at.left, entryIndex) ? 'of ' : ''}the right side ${formatNumber(at.right.data[entryIndex])}`;
  const counterexample = {
    point: pointOf(at),
    functions: [...built.b.functions.keys()].map((f) => [f, `${show(f)}: a random smooth function`] as [string, string]),
    left: at.left.data[entryIndex],
    right: at.right.data[entryIndex],
  };
  if (doubts.length) {
    return { verdict: 'unchecked', kind, reason: `not checked: the two sides differ (${where},${values}), but ${doubts[0].detail}`, reasonCode: doubts[0].code, doubts, counterexample };
  }
  let msg: string;
  if (claim.link > 0) {
    const entry = entryText(at.left, entryIndex).replace(/ of$/, '');
    const a = formatNumber(at.left.data[entryIndex]);
    const b = formatNumber(at.right.data[entryIndex]);
    const detail = entry ? `${entry} of the previous expression ${L} is ${a} but of ${R} it is ${b}` : ` the previous expression ${L} is ${a} but ${R} is ${b}`;
    msg = `This step does not follow: ${why ? `${why}; ` : ''}${where},${detail}.`;
  } else msg = `${L} is not ${R}: ${why ? `${why}. ${capitalize(where)}` : where},${values}.`;
  return { verdict: 'false', kind, reason: tidy(msg), counterexample };
}

function tidy(s: string): string {
  return s.replace(/,\s*,/g, ',').replace(/\s+/g, ' ').replace(/ ,/g, ',');
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** The random inputs of a draw, entry by entry (for the JSON report). */
function pointOf(at: DrawResult): [string, number][] {
  const out: [string, number][] = [];
  for (const [name, m] of at.env.values) {
    if (m.isScalar) out.push([show(name), m.data[0]]);
    else if (m.isVector) m.data.forEach((v, i) => out.push([`${show(name)}_${i + 1}`, v]));
    else for (let i = 0; i < m.rows; i++) for (let j = 0; j < m.cols; j++) out.push([`${show(name)}_${i + 1}${j + 1}`, m.get(i, j)]);
  }
  return out;
}

/** A claim whose sides cannot have one shape. */
function shapeProblem(claim: Claim, opts: MatrixCheckOptions, err: ShapeError, otherLayout: Layout, seed: string): CheckedClaim {
  const kind = guessKind(claim, null);
  // Written in the other layout (a product of Jacobians in the other order)?
  const alt = tryBuild(claim, otherLayout, opts.logBase);
  if (alt && usesVectorDerivative(alt)) {
    const res = run(alt, seed, opts.deadline);
    if (res.kind === 'equal') {
      const doubts = [...opts.doubts, ...contextDoubts(claim, alt.b.functions.size > 0), ...alt.b.doubts];
      const detail = err.message.includes('?') ? 'the two sides do not even have the same shape' : err.message;
      const why = `it holds in ${layoutName(otherLayout)} layout, not in the ${opts.layout} layout this note uses (in ${opts.layout} layout ${detail})`;
      if (doubts.length) return { verdict: 'unchecked', kind, reason: `not checked: ${why}, but ${doubts[0].detail}`, reasonCode: doubts[0].code, doubts };
      return { verdict: 'false', kind, reason: `${readable(claim.lhs.latex)} is not ${readable(claim.rhs.latex)}: ${why}.` };
    }
  }
  // Sizes do not depend on values: a doubt about which values the entries take (one-hot) does not block a shape mismatch.
  if (err.proven && opts.doubts.length === 0 && contextDoubts(claim, false).filter((d) => d.code !== 'conditions-not-applied').length === 0) {
    return { verdict: 'false', kind, reason: `Shape mismatch in ${readable(claim.latex)}: ${err.message}, with the sizes the note gave.`, code: 'shape-mismatch' };
  }
  return { verdict: 'unchecked', kind, reason: `not checked: the shapes do not fit (${err.message})` };
}
