/**
 * Deterministic randomness: every claim seeds its own generator from its text, so verdicts and
 * counterexamples never flicker between runs or between the editor and the command line.
 */
import { Expr, add, fn, mul, num, pow, sub, v } from './expr';
import type { TestFn } from './evaluate';

export type Rng = () => number;

/** FNV-1a hash of a string. */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** mulberry32. */
export function makeRng(seed: string | number): Rng {
  let a = typeof seed === 'number' ? seed >>> 0 : hashString(seed);
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const X = v('#0');
const Y = v('#1');

/** Readable smooth functions of one variable (`show` uses `#0` for the variable). */
const UNARY: { show: string; body: Expr }[] = [
  { show: '\\sin #0', body: fn('sin', X) },
  { show: 'e^{#0}', body: fn('exp', X) },
  { show: '#0^2 + 1', body: add(pow(X, num(2)), num(1)) },
  { show: '\\cos #0 + 2', body: add(fn('cos', X), num(2)) },
  { show: '\\ln(#0^2 + 1)', body: fn('ln', add(pow(X, num(2)), num(1))) },
  { show: '#0^3 - 2#0', body: sub(pow(X, num(3)), mul(num(2), X)) },
  { show: 'e^{-#0/2} + #0', body: add(fn('exp', mul(num(-0.5), X)), X) },
  { show: '\\tanh #0 + 3', body: add(fn('tanh', X), num(3)) },
  { show: '\\sin(2#0) + #0^2', body: add(fn('sin', mul(num(2), X)), pow(X, num(2))) },
  { show: '\\arctan #0', body: fn('atan', X) },
];

const BINARY: { show: string; body: Expr }[] = [
  { show: '\\sin(#0)\\,e^{#1}', body: mul(fn('sin', X), fn('exp', Y)) },
  { show: '#0^2 #1 + \\cos #1', body: add(mul(pow(X, num(2)), Y), fn('cos', Y)) },
  { show: 'e^{#0 - #1} + #0 #1', body: add(fn('exp', sub(X, Y)), mul(X, Y)) },
  { show: '\\ln(1 + #0^2 + #1^2)', body: fn('ln', add(num(1), pow(X, num(2)), pow(Y, num(2)))) },
];

/** A smooth function of n ≥ 3 variables with distinct partial derivatives. */
function nary(n: number, rng: Rng): { show: string; body: Expr } {
  const coeffs = Array.from({ length: n }, (_, i) => num(Math.round((rng() * 2 + 0.5) * 10) / 10 + i / 10));
  const lin = add(...coeffs.map((c, i) => mul(c, v(`#${i}`))));
  const quad = add(...Array.from({ length: n }, (_, i) => pow(v(`#${i}`), num(2))));
  return { show: `\\sin(${'…'}) + …`, body: add(fn('sin', lin), mul(num(0.3), quad), mul(...Array.from({ length: n }, (_, i) => v(`#${i}`)))) };
}

/**
 * Pick a test function for each abstract name. Within one draw the functions differ from each other, so a
 * rule that confuses f and g cannot pass by coincidence.
 */
export function drawTestFunctions(names: Map<string, number>, rng: Rng): Map<string, TestFn> {
  const out = new Map<string, TestFn>();
  const usedU = new Set<number>();
  const usedB = new Set<number>();
  for (const [name, arity] of names) {
    let pick: { show: string; body: Expr };
    if (arity === 1) {
      let i = Math.floor(rng() * UNARY.length);
      while (usedU.has(i) && usedU.size < UNARY.length) i = (i + 1) % UNARY.length;
      usedU.add(i);
      pick = UNARY[i];
    } else if (arity === 2) {
      let i = Math.floor(rng() * BINARY.length);
      while (usedB.has(i) && usedB.size < BINARY.length) i = (i + 1) % BINARY.length;
      usedB.add(i);
      pick = BINARY[i];
    } else if (arity === 0) {
      pick = { show: String(Math.round(rng() * 30) / 10 + 0.5), body: num(Math.round(rng() * 30) / 10 + 0.5) };
    } else {
      pick = nary(arity, rng);
    }
    out.set(name, { show: pick.show, arity, body: pick.body, cache: new Map() });
  }
  return out;
}

/** A readable sample value: two decimals, away from 0 and ±1 where many wrong formulas happen to agree. */
export function sampleValue(rng: Rng, positiveOnly: boolean): number {
  for (;;) {
    const mag = Math.round((0.1 + rng() * 2.9) * 100) / 100;
    if (Math.abs(mag - 1) < 0.05) continue;
    const sign = positiveOnly || rng() < 0.55 ? 1 : -1;
    return sign * mag;
  }
}

export function sampleInteger(rng: Rng): number {
  return 1 + Math.floor(rng() * 4);
}
