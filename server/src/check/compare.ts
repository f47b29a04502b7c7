/**
 * Are two expressions equal? Decided by evaluation at seeded random points (and, with abstract functions,
 * under several random instantiations of those functions). Points where a side is not a real number are
 * skipped; a mismatch is confirmed in high precision before it counts.
 */
import { Expr, abstractFns, freeVars, functionArities, size } from './expr';
import { Env, TestFn, evaluate, instantiate, resetSaturations, saturations } from './evaluate';
import { differsInHighPrecision } from './bignum';
import { Rng, drawTestFunctions, makeRng, sampleInteger, sampleValue } from './random';

export interface CompareOptions {
  seed: string;
  /** Epoch ms after which we give up (undecided). */
  deadline: number;
  /** Conditions the point must satisfy (from `x > 0` stated with the claim). */
  conditions?: ((env: Env, fns: Map<string, TestFn>) => boolean)[];
  /** Variables that only take positive values (stated conditions). */
  positive?: Set<string>;
  /** Variables that take integer values (orders, indices). */
  integers?: Set<string>;
  /** Agreeing points required for "equal". */
  minAgree?: number;
}

export interface Counterexample {
  point: [string, number][];
  functions: [string, TestFn][];
  left: number;
  right: number;
}

export type CompareResult =
  | { kind: 'equal'; points: number; draws: number }
  | { kind: 'differ'; at: Counterexample }
  | { kind: 'undecided'; reason: string };

const REL_TOL = 1e-8;
/**
 * A relative difference this large is not excused by a round-off estimate this many times the values without a
 * high-precision check.
 */
const VISIBLE = 1e-2;
const LOOSE = 1e13;

export function compare(lhs: Expr, rhs: Expr, opts: CompareOptions): CompareResult {
  const vars = [...new Set([...freeVars(lhs), ...freeVars(rhs)])].sort();
  const arities = functionArities(rhs, functionArities(lhs));
  const hasAbstract = abstractFns(lhs).size + abstractFns(rhs).size > 0;
  const draws = hasAbstract ? 3 : 1;
  const minAgree = opts.minAgree ?? 8;
  const perDraw = Math.ceil(minAgree / draws) + (hasAbstract ? 1 : 0);
  const rng = makeRng(opts.seed);
  let agreed = 0;
  let drawsDone = 0;
  let lastReason = 'no point found where both sides are real numbers';

  for (let draw = 0; draw < draws; draw++) {
    const fns = drawTestFunctions(arities, rng);
    let l: Expr;
    let r: Expr;
    try {
      l = hasAbstract ? instantiate(lhs, fns) : lhs;
      r = hasAbstract ? instantiate(rhs, fns) : rhs;
    } catch {
      return { kind: 'undecided', reason: 'the expressions grow too large to evaluate' };
    }
    if (size(l, 50000) > 50000 || size(r, 50000) > 50000) return { kind: 'undecided', reason: 'the expressions are too large to evaluate' };
    let got = 0;
    for (let attempt = 0; attempt < 60 && got < perDraw; attempt++) {
      if (Date.now() > opts.deadline) return { kind: 'undecided', reason: 'ran out of time' };
      const env = samplePoint(vars, rng, opts, attempt);
      if (opts.conditions && !opts.conditions.every((c) => safe(() => c(env, fns)))) continue;
      resetSaturations();
      const a = evaluate(l, env, fns);
      const b = evaluate(r, env, fns);
      if (!Number.isFinite(a.v) || !Number.isFinite(b.v)) continue;
      // Agreement through a function that is flat here (σ of a large argument is exactly 1) is no evidence.
      const flat = saturations() > 0;
      const scale = Math.max(a.m, b.m, Math.abs(a.v), Math.abs(b.v));
      if (scale > 1e150) continue;
      if (Math.abs(a.v - b.v) <= REL_TOL * scale) {
        // Agreeing within a round-off estimate that dwarfs the values while they differ visibly proves nothing
        // (towers of powers: x^{x^{…}} with 30 levels has values near 1 and an estimate of 10²⁰): the high
        // precision decides.
        const visible = Math.abs(a.v - b.v) > VISIBLE * Math.max(Math.abs(a.v), Math.abs(b.v));
        if (flat) {
          lastReason = 'the functions are flat at the points tried (e.g. σ of a large argument is exactly 1 in floating point)';
          continue;
        }
        if (!visible || scale <= LOOSE * Math.max(Math.abs(a.v), Math.abs(b.v), 1)) {
          got++;
          continue;
        }
        const loose = differsInHighPrecision(l, r, env, scale);
        if (loose === false) {
          got++;
          continue;
        }
        if (loose === null) {
          lastReason = 'the two sides cannot be evaluated precisely enough';
          continue;
        }
        return {
          kind: 'differ',
          at: { point: vars.map((x) => [x, env.get(x)!]), functions: [...fns], left: a.v, right: b.v },
        };
      }
      // Suspected counterexample: confirm in high precision.
      const hp = differsInHighPrecision(l, r, env, scale);
      if (hp === false) {
        if (!flat) got++;
        continue;
      }
      if (hp === null) {
        // Could not re-check (e.g. erf): accept the double-precision verdict only for a clear difference.
        if (Math.abs(a.v - b.v) <= 1e-5 * scale) {
          lastReason = 'the two sides differ only at round-off level';
          continue;
        }
      }
      return {
        kind: 'differ',
        at: { point: vars.map((x) => [x, env.get(x)!]), functions: [...fns], left: a.v, right: b.v },
      };
    }
    agreed += got;
    if (got > 0) drawsDone++;
  }
  if (agreed >= minAgree) return { kind: 'equal', points: agreed, draws: drawsDone };
  if (agreed > 0) lastReason = `only ${agreed} point(s) found where both sides are real numbers`;
  return { kind: 'undecided', reason: lastReason };
}

function safe(f: () => boolean): boolean {
  try {
    return f();
  } catch {
    return false;
  }
}

function samplePoint(vars: string[], rng: Rng, opts: CompareOptions, attempt: number): Env {
  const env: Env = new Map();
  // Early attempts mix signs; later ones lean positive so that logs and roots find their domain.
  const positiveBias = attempt >= 20;
  for (const x of vars) {
    if (opts.integers?.has(x)) env.set(x, sampleInteger(rng));
    else env.set(x, sampleValue(rng, positiveBias || (opts.positive?.has(x) ?? false)));
  }
  return env;
}
