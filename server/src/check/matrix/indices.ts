/**
 * Index notation: claims about entries, such as `\frac{\partial y_i}{\partial x_j} = A_{ij}` after the note
 * defined `y_i = \sum_k A_{ik} x_k`. Symbols with index subscripts are entries of arrays (`A_{ik}` of a matrix A,
 * `x_k` of a vector x), sums over an index are expanded, and the claim is evaluated for every value of its free
 * indices (sizes 3) at several random draws, derivatives by an entry in forward mode.
 *
 * Only claims that differentiate an entry the note defined in index notation are taken (anything else returns
 * null and stays with the other checkers). When a claim fails and an index is free on one side but absent from
 * the other (`\frac{dy_i}{dx_i} = A_{ij}`: j), the message calls it an index mismatch. A repeated index that may
 * be an implicit sum (Einstein convention) makes a failure a doubt, unless the mismatch holds either way.
 */
import type { Node, SymNode } from '../../parse/ast';
import { walk } from '../../parse/walk';
import type { Claim } from '../../interpret/claims';
import type { Binding } from '../../semantics/context';
import { readable, type CheckedClaim } from '../verdict';
import { formatNumber } from '../latex';
import { makeRng } from '../random';
import { QuietError } from '../quiet';
import { doubt, type Doubt } from '../../semantics/reasons';

export interface IndexCheckOptions {
  deadline: number;
  doubts: Doubt[];
}

/** Letters read as indices in subscripts. */
const INDEX = /^[ijklmn]$/;
const SIZE = 3;
const DRAWS = 3;

class NotIndexNotation extends QuietError {}

interface Dual {
  v: number;
  t: number;
}

/** An entry reference: the array's base name and its index letters or digits. */
interface Entry {
  base: string;
  idx: string[];
}

function entryOf(s: SymNode): Entry | null {
  if (!s.sub || s.font || s.accent || s.label) return null;
  if (!/^[a-z0-9]+$/i.test(s.sub) || s.sub.length > 2) return null;
  const idx = s.sub.split('');
  if (!idx.every((c) => INDEX.test(c) || /\d/.test(c))) return null;
  return { base: s.base, idx };
}

interface Seed {
  base: string;
  at: number[];
}

export function checkIndexClaim(claim: Claim, opts: IndexCheckOptions): CheckedClaim | null {
  try {
    return decide(claim, opts);
  } catch (err) {
    if (err instanceof NotIndexNotation) return null;
    throw err;
  }
}

function indexedBindings(claim: Claim): Map<string, { b: Binding; formal: string[] }> {
  const out = new Map<string, { b: Binding; formal: string[] }>();
  const sorted = [...claim.context.bindings.values()].sort((a, b) => a.at - b.at);
  for (const b of sorted) {
    if (b.params) continue;
    const m = /^([A-Za-z]+)_([a-z]{1,2})$/.exec(b.name);
    if (!m || !m[2].split('').every((c) => INDEX.test(c))) continue;
    out.set(m[1], { b, formal: m[2].split('') });
  }
  return out;
}

function decide(claim: Claim, opts: IndexCheckOptions): CheckedClaim | null {
  const bound = indexedBindings(claim);
  const sides = [claim.lhs.node, claim.rhs.node];
  // Applicable only when an entry the note defined in index notation is differentiated.
  let applicable = false;
  for (const side of sides) {
    walk(side, (m) => {
      if (m.type !== 'deriv' || m.form !== 'leibniz' || !m.of || m.of.type !== 'sym') return;
      const e = entryOf(m.of);
      if (e && bound.has(e.base) && m.wrt.length === 1 && m.wrt[0].v.type === 'sym' && entryOf(m.wrt[0].v)) applicable = true;
    });
  }
  if (!applicable) return null;

  // Arrays and their arities, through the definitions.
  const arity = new Map<string, number>();
  const scalars = new Set<string>();
  const seen = new Set<Node>();
  const scan = (n: Node): void =>
    walk(n, (m) => {
      if (seen.has(m)) return;
      seen.add(m);
      if (m.type === 'sym') {
        const e = entryOf(m);
        if (e) {
          // An entry the note defined by itself (`y_1 = …`) is not read through `y_i = …`.
          const b = bound.get(e.base);
          const own = claim.context.bindings.get(m.name);
          if (own && own !== b?.b) throw new NotIndexNotation();
          if (b) {
            if (b.formal.length !== e.idx.length) throw new NotIndexNotation();
            scan(b.b.body);
            return;
          }
          const a = arity.get(e.base);
          if (a !== undefined && a !== e.idx.length) throw new NotIndexNotation();
          arity.set(e.base, e.idx.length);
        } else if (!m.sub && !m.font && !m.accent && /^[a-zA-Z]$/.test(m.base)) scalars.add(m.name);
        else if (m.name !== 'e' && m.name !== 'pi') throw new NotIndexNotation();
      }
    });
  sides.forEach(scan);
  // A plain letter that is also an array (`x` and `x_k`) is not index notation we understand.
  for (const s of scalars) if (arity.has(s)) throw new NotIndexNotation();
  // Sum limits and index letters are not scalars.
  for (const l of ['i', 'j', 'k', 'l', 'm', 'n']) scalars.delete(l);
  const sumLimits = new Set<string>();
  const visitSums = (n: Node): void =>
    walk(n, (m) => {
      if (m.type === 'bigop' && m.upper?.type === 'sym') sumLimits.add(m.upper.name);
    });
  sides.forEach(visitSums);
  for (const b of bound.values()) visitSums(b.b.body);
  for (const s of sumLimits) scalars.delete(s);

  const free = sides.map((s) => freeIndices(s));
  const letters = [...new Set([...free[0], ...free[1]])].sort();
  let maxDigit = 0;
  for (const side of sides)
    walk(side, (m) => {
      if (m.type === 'sym') for (const c of entryOf(m)?.idx ?? []) if (/\d/.test(c)) maxDigit = Math.max(maxDigit, Number(c));
    });
  const N = Math.max(SIZE, maxDigit);

  let checked = 0;
  for (let draw = 0; draw < DRAWS; draw++) {
    if (Date.now() > opts.deadline) return { verdict: 'unchecked', kind: 'derivative', reason: 'not checked: ran out of time' };
    const rng = makeRng(`${claim.latex}#index#${draw}`);
    const arrays = new Map<string, Float64Array>();
    for (const [base, a] of arity) arrays.set(base, Float64Array.from({ length: N ** a }, () => (rng() * 2 - 1) * 1.5));
    const values = new Map<string, number>();
    for (const s of scalars) values.set(s, (rng() * 2 - 1) * 1.5);
    const ev = new IndexEvaluator(bound, arrays, values, N);
    const assignments = allAssignments(letters, N);
    for (const asg of assignments) {
      const l = ev.value(sides[0], asg);
      const r = ev.value(sides[1], asg);
      if (!Number.isFinite(l) || !Number.isFinite(r)) continue;
      const scale = Math.max(Math.abs(l), Math.abs(r));
      if (Math.abs(l - r) <= 1e-9 * scale + 1e-12) {
        checked++;
        continue;
      }
      return failure(claim, opts, free, asg, l, r, arrays, arity, N);
    }
  }
  if (checked === 0) return { verdict: 'unchecked', kind: 'derivative', reason: 'not checked: no values found where both sides are real numbers' };
  const range = letters.length ? ` for all ${letters.join(', ')} in 1…${N}` : '';
  return { verdict: 'verified', kind: 'derivative', reason: `verified${range} at ${DRAWS} random draws (index notation, sizes ${N})` };
}

function failure(
  claim: Claim,
  opts: IndexCheckOptions,
  free: Set<string>[],
  asg: Map<string, number>,
  l: number,
  r: number,
  arrays: Map<string, Float64Array>,
  arity: Map<string, number>,
  N: number,
): CheckedClaim {
  const [fl, fr] = free;
  const counts = [claim.lhs.node, claim.rhs.node].map(indexCounts);
  // An index free on one side, absent from the other, and written once (free under any convention).
  const rightOnly = [...fr].filter((x) => !fl.has(x) && !counts[0].has(x) && counts[1].get(x) === 1);
  const leftOnly = [...fl].filter((x) => !fr.has(x) && !counts[1].has(x) && counts[0].get(x) === 1);
  const mismatch = rightOnly.length > 0 || leftOnly.length > 0;
  const repeated = counts.some((c) => [...c.values()].some((k) => k > 1)) || derivativeRepeats(claim);
  const doubts = [...opts.doubts];
  if (!mismatch && repeated) doubts.push(doubt('ambiguous-notation', 'a repeated index may mean a sum (Einstein convention)'));
  const point = [...asg].map(([k, v]) => `${k} = ${v}`).join(', ');
  const sizes = [...arity].map(([b, a]) => `${b} ∈ ${a === 1 ? `ℝ${N === 3 ? '³' : `^${N}`}` : `ℝ^{${N}×${N}}`}`).join(', ');
  const values = `the left side is ${formatNumber(l)} and the right side is ${formatNumber(r)}`;
  const counterexample = {
    point: [...[...asg].map(([k, v]) => [k, v] as [string, number]), ...entries(arrays, arity, N)],
    functions: [] as [string, string][],
    left: l,
    right: r,
  };
  if (doubts.length) {
    return { verdict: 'unchecked', kind: 'derivative', reason: `not checked: the two sides differ (at ${point}, ${values}), but ${doubts[0].detail}`, reasonCode: doubts[0].code, doubts, counterexample };
  }
  const L = readable(claim.lhs.latex);
  const R = readable(claim.rhs.latex);
  let msg: string;
  if (mismatch) {
    const parts: string[] = [];
    if (rightOnly.length) parts.push(`${rightOnly.join(', ')} ${rightOnly.length > 1 ? 'are free indices' : 'is a free index'} on the right but not on the left`);
    if (leftOnly.length) parts.push(`${leftOnly.join(', ')} ${leftOnly.length > 1 ? 'are free indices' : 'is a free index'} on the left but not on the right`);
    msg = `Index mismatch in ${L} = ${R}: ${parts.join('; ')}. With random ${sizes}, at ${point} ${values}.`;
  } else {
    msg = `${L} is not ${R}: with random ${sizes}, at ${point} ${values}.`;
  }
  return { verdict: 'false', kind: 'derivative', reason: msg, counterexample };
}

function entries(arrays: Map<string, Float64Array>, arity: Map<string, number>, N: number): [string, number][] {
  const out: [string, number][] = [];
  for (const [b, data] of arrays) {
    if (arity.get(b) === 1) data.forEach((v, i) => out.push([`${b}_${i + 1}`, v]));
    else data.forEach((v, k) => out.push([`${b}_${Math.floor(k / N) + 1}${(k % N) + 1}`, v]));
  }
  return out;
}

/** `\frac{dy_i}{dx_i}`: the same index on top and below. */
function derivativeRepeats(claim: Claim): boolean {
  let found = false;
  for (const side of [claim.lhs.node, claim.rhs.node]) {
    walk(side, (m) => {
      if (m.type !== 'deriv' || !m.of || m.of.type !== 'sym') return;
      const top = entryOf(m.of)?.idx ?? [];
      for (const w of m.wrt) if (w.v.type === 'sym' && (entryOf(w.v)?.idx ?? []).some((c) => INDEX.test(c) && top.includes(c))) found = true;
    });
  }
  return found;
}

/** How often each index letter is written on a side (sum indices excluded). */
function indexCounts(n: Node): Map<string, number> {
  const out = new Map<string, number>();
  const bound = new Set<string>();
  const visit = (m: Node): void => {
    if (m.type === 'bigop' && m.index?.type === 'sym') {
      bound.add(m.index.name);
      visit(m.body);
      return;
    }
    if (m.type === 'sym') {
      for (const c of entryOf(m)?.idx ?? []) if (INDEX.test(c) && !bound.has(c)) out.set(c, (out.get(c) ?? 0) + 1);
      return;
    }
    for (const c of directChildren(m)) visit(c);
  };
  visit(n);
  return out;
}

function directChildren(n: Node): Node[] {
  switch (n.type) {
    case 'neg':
      return [n.arg];
    case 'add':
      return n.terms;
    case 'mul':
      return n.factors;
    case 'div':
      return [n.num, n.den];
    case 'pow':
      return [n.base, n.exp];
    case 'call':
      return n.args;
    case 'apply':
      return [n.fn, ...n.args];
    case 'deriv':
      return [...(n.of ? [n.of] : []), ...n.wrt.map((w) => w.v)];
    case 'bigop':
      return [n.body];
    default:
      return [];
  }
}

/** Free index letters of a side as written (indices of sums excluded). */
function freeIndices(n: Node): Set<string> {
  return new Set(indexCounts(n).keys());
}

function allAssignments(letters: string[], N: number): Map<string, number>[] {
  let out: Map<string, number>[] = [new Map()];
  for (const l of letters) {
    const next: Map<string, number>[] = [];
    for (const m of out) for (let v = 1; v <= N; v++) next.push(new Map([...m, [l, v]]));
    out = next;
  }
  return out;
}

class IndexEvaluator {
  constructor(
    private readonly bound: Map<string, { b: Binding; formal: string[] }>,
    private readonly arrays: Map<string, Float64Array>,
    private readonly scalars: Map<string, number>,
    private readonly N: number,
  ) {}

  value(n: Node, asg: Map<string, number>): number {
    return this.ev(n, asg, null).v;
  }

  private position(e: Entry, asg: Map<string, number>): number[] {
    return e.idx.map((c) => {
      const v = /\d/.test(c) ? Number(c) : asg.get(c);
      if (v === undefined || v < 1 || v > this.N) throw new NotIndexNotation();
      return v;
    });
  }

  private ev(n: Node, asg: Map<string, number>, seed: Seed | null): Dual {
    switch (n.type) {
      case 'num':
        return { v: n.value, t: 0 };
      case 'sym': {
        if (n.name === 'e') return { v: Math.E, t: 0 };
        if (n.name === 'pi') return { v: Math.PI, t: 0 };
        const e = entryOf(n);
        if (!e) {
          const v = this.scalars.get(n.name);
          if (v === undefined) throw new NotIndexNotation();
          return { v, t: 0 };
        }
        const at = this.position(e, asg);
        const b = this.bound.get(e.base);
        if (b) {
          const inner = new Map<string, number>();
          b.formal.forEach((f, i) => inner.set(f, at[i]));
          return this.ev(b.b.body, inner, seed);
        }
        const data = this.arrays.get(e.base);
        if (!data) throw new NotIndexNotation();
        const flat = at.reduce((s, v) => s * this.N + (v - 1), 0);
        const isSeed = seed !== null && seed.base === e.base && seed.at.every((v, i) => v === at[i]);
        return { v: data[flat], t: isSeed ? 1 : 0 };
      }
      case 'neg': {
        const a = this.ev(n.arg, asg, seed);
        return { v: -a.v, t: -a.t };
      }
      case 'add': {
        let v = 0;
        let t = 0;
        for (const x of n.terms) {
          const a = this.ev(x, asg, seed);
          v += a.v;
          t += a.t;
        }
        return { v, t };
      }
      case 'mul': {
        if (n.ops.some((o) => o !== 'implicit' && o !== 'cdot' && o !== 'times')) throw new NotIndexNotation();
        let acc: Dual = { v: 1, t: 0 };
        for (const x of n.factors) {
          const a = this.ev(x, asg, seed);
          acc = { v: acc.v * a.v, t: acc.t * a.v + acc.v * a.t };
        }
        return acc;
      }
      case 'div': {
        const a = this.ev(n.num, asg, seed);
        const b = this.ev(n.den, asg, seed);
        return { v: a.v / b.v, t: (a.t * b.v - a.v * b.t) / (b.v * b.v) };
      }
      case 'pow': {
        const a = this.ev(n.base, asg, seed);
        if (n.exp.type !== 'num') throw new NotIndexNotation();
        const p = n.exp.value;
        return { v: a.v ** p, t: p * a.v ** (p - 1) * a.t };
      }
      case 'call': {
        if (n.args.length !== 1 || n.power || n.base || n.index) throw new NotIndexNotation();
        const a = this.ev(n.args[0], asg, seed);
        const F: Record<string, [(x: number) => number, (x: number) => number]> = {
          sin: [Math.sin, Math.cos],
          cos: [Math.cos, (x) => -Math.sin(x)],
          exp: [Math.exp, Math.exp],
          ln: [Math.log, (x) => 1 / x],
          log: [Math.log, (x) => 1 / x],
          tanh: [Math.tanh, (x) => 1 - Math.tanh(x) ** 2],
          sqrt: [Math.sqrt, (x) => 0.5 / Math.sqrt(x)],
        };
        const f = F[n.name];
        if (!f) throw new NotIndexNotation();
        return { v: f[0](a.v), t: f[1](a.v) * a.t };
      }
      case 'bigop': {
        if (n.op !== 'sum' || !n.index || n.index.type !== 'sym' || !INDEX.test(n.index.name)) throw new NotIndexNotation();
        if (n.lower && !(n.lower.type === 'num' && n.lower.value === 1)) throw new NotIndexNotation();
        let hi = this.N;
        if (n.upper?.type === 'num') hi = n.upper.value;
        if (hi > this.N) throw new NotIndexNotation();
        let v = 0;
        let t = 0;
        for (let k = 1; k <= hi; k++) {
          const a = this.ev(n.body, new Map([...asg, [n.index.name, k]]), seed);
          v += a.v;
          t += a.t;
        }
        return { v, t };
      }
      case 'deriv': {
        if (seed !== null) throw new NotIndexNotation(); // no nested derivatives
        if (n.form !== 'leibniz' || !n.of || n.wrt.length !== 1 || n.wrt[0].order !== 1 || n.order !== 1) throw new NotIndexNotation();
        const w = n.wrt[0].v;
        if (w.type !== 'sym') throw new NotIndexNotation();
        const e = entryOf(w);
        if (!e || this.bound.has(e.base) || !this.arrays.has(e.base)) throw new NotIndexNotation();
        const at = this.position(e, asg);
        const r = this.ev(n.of, asg, { base: e.base, at });
        return { v: r.t, t: 0 };
      }
      default:
        throw new NotIndexNotation();
    }
  }
}
