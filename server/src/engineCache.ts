/**
 * What `checkDocument` may remember between runs, so that after an edit only what changed is done again: parses
 * and KaTeX verdicts by fragment text (and the macros in force), claim verdicts by the claim's content and
 * context — everything a verdict depends on, and nothing that only moves when text is inserted above it
 * (document offsets). Bounded (least recently used entries go first), so a long session cannot grow it forever.
 *
 * A cache never changes an answer: `checkDocument` with a cache returns what it returns without one (a test
 * compares both over the examples, seeds and corpus).
 */
import type { Node, ParseResult } from './parse/ast';
import type { Claim, Condition, ProseMemo } from './interpret/claims';
import type { ProseDeclaration } from './semantics/prose';
import { conventionsKey, nameCore, type Binding, type Conventions, type NoteContext } from './semantics/context';
import { usageOf } from './semantics/scopes';
import type { DocumentReport, EngineChecked } from './report';
import { hash } from 'crypto';
import { FAR_LINES } from './check/verdict';

/**
 * A copy of a string that shares no memory with the string it was cut from. V8 represents `text.slice(a, b)` as a
 * view into `text`, so a cached slice of a note would keep that whole version of the note alive; a cache that
 * lives as long as the server must hold copies.
 */
export function detach(s: string): string {
  return s.length < 16 ? s : (' ' + s).slice(1);
}

/**
 * A Map that forgets its least recently used entries beyond `max` entries, or beyond `maxWeight` in all when it
 * is given a `weigh` function (an estimate of an entry's bytes): bounded by size, not only by count.
 */
export class Lru<K, V> {
  private readonly map = new Map<K, V>();
  private readonly weights = new Map<K, number>();
  hits = 0;
  misses = 0;
  /** The estimated bytes held (0 without a `weigh` function). */
  weight = 0;
  constructor(
    private readonly max: number,
    readonly maxWeight = Infinity,
    private readonly weigh?: (value: V) => number,
  ) {}

  get(key: K): V | undefined {
    const v = this.map.get(key);
    if (v === undefined) {
      this.misses++;
      return undefined;
    }
    this.hits++;
    // Move to the back (most recent).
    this.map.delete(key);
    this.map.set(key, v);
    return v;
  }

  set(key: K, value: V): void {
    this.drop(key);
    this.map.set(key, value);
    if (this.weigh) {
      const w = this.weigh(value);
      this.weights.set(key, w);
      this.weight += w;
    }
    // The newest entry stays even when it alone is over the weight (it is what is being worked on).
    while (this.map.size > this.max || (this.weight > this.maxWeight && this.map.size > 1)) {
      const oldest = this.map.keys().next();
      if (oldest.done) break;
      this.drop(oldest.value);
    }
  }

  private drop(key: K): void {
    if (!this.map.delete(key)) return;
    const w = this.weights.get(key);
    if (w !== undefined) {
      this.weight -= w;
      this.weights.delete(key);
    }
  }

  get size(): number {
    return this.map.size;
  }

  keys(): IterableIterator<K> {
    return this.map.keys();
  }

  values(): IterableIterator<V> {
    return this.map.values();
  }

  clear(): void {
    this.map.clear();
    this.weights.clear();
    this.weight = 0;
    this.hits = 0;
    this.misses = 0;
  }
}

// ---- estimated bytes of what the caches hold (cheap: no walk of the trees) ---------------------------------------

const str = (s: string | undefined) => (s ? 24 + 2 * s.length : 0);

/**
 * A parse result: its trees grow with the LaTeX they span (measured on the bench's notes: about 100 bytes per
 * character of LaTeX).
 */
export function parseWeight(p: ParseResult): number {
  let extent = 0;
  for (const f of p.formulas) extent = Math.max(extent, f.span.end);
  for (const t of p.problems) extent = Math.max(extent, t.span.end);
  return 600 + 100 * extent + 200 * p.problems.length;
}

function checkedWeight(c: EngineChecked): number {
  let w = 500 + str(c.reason) + str(c.expected) + str(c.computed);
  if (c.plot) for (const curve of c.plot.curves) w += 100 + str(curve.expr);
  if (c.counterexample) w += 200 + 64 * c.counterexample.point.length + 64 * c.counterexample.functions.length;
  if (c.doubts) for (const d of c.doubts) w += 80 + str(d.detail);
  return w;
}

/** A remembered section: its report, at the note's offsets of the check that made it (the section then began at `base`). */
export interface SectionEntry {
  report: DocumentReport;
  base: number;
}

/** A report: its fragments, claims and diagnostics with their strings. */
export function reportWeight(r: DocumentReport): number {
  let w = 200;
  for (const f of r.fragments) w += 250 + str(f.latex);
  for (const c of r.claims) w += checkedWeight(c as unknown as EngineChecked) + str(c.latex) + (c.beliefs ? 100 * c.beliefs.length : 0);
  for (const d of r.diagnostics) w += 100 + str(d.message);
  return w;
}

/** Bytes the caches may hold (estimated), per table: about 150 MB in all, within the worker's 400 MB heap. */
export const CACHE_BYTES = { parses: 40e6, katex: 8e6, claims: 32e6, sections: 64e6 };

export interface KatexVerdict {
  error: { message: string; start: number; end: number } | null;
}

export interface CheckCacheOptions {
  /**
   * When a claim's key is computed: `'always'` (the default) for every claim checked, so that after an edit the same
   * claim is found again — what the language server needs; `'repeat'` only once a second claim with the same LaTeX
   * (and check options) is met, the first one's verdict held meanwhile by its text (`firstSight`). For one pass over
   * many notes (the CLI), where few claims repeat: a key costs about what checking the claim costs, and the claims
   * that share a key are the same either way (a key begins with the claim's LaTeX), so are the verdicts.
   */
  claimKeys?: 'always' | 'repeat';
}

/** A claim met once, with its verdict (CheckCacheOptions.claimKeys `'repeat'`); null once it is in `claims` by its key. */
export interface FirstSight {
  claim: Claim;
  result: EngineChecked;
}

export class CheckCache {
  /** Parse results by macros signature + fragment LaTeX (spans in them are relative to the fragment). */
  readonly parses: Lru<string, ParseResult>;
  /** KaTeX validation by macros signature + display flag + LaTeX. */
  readonly katex: Lru<string, KatexVerdict>;
  /** Claim verdicts by check options + claim key. */
  readonly claims: Lru<string, EngineChecked>;
  /**
   * With `claimKeys: 'repeat'`: by check options + claim LaTeX, the first claim met with that text and its verdict,
   * or null once a second one came and the first went into `claims` by its key. Null with `'always'`.
   */
  readonly firstSight: Lru<string, FirstSight | null> | null;
  /**
   * Reports of whole sections (offsets relative to the section) by section text, one table per options + macros
   * (the section's text alone as the key: no long key strings are built on every check).
   */
  private readonly sectionTables = new Lru<string, Lru<string, SectionEntry>>(8);
  /** What a section's prose states of conventions, by the digest of its text (semantics/prose.ts `conventionsIn`). */
  readonly conventions: Lru<string, Conventions | null>;
  /** What a sentence of prose declares, by its text (semantics/prose.ts `readProse`; see `proseMemo`). */
  private readonly prose: Lru<string, ProseDeclaration[]>;
  private readonly maxSections: number;
  private readonly sectionBytes: number;

  /**
   * Entries are bounded by count (`maxEntries`, far more than a 20 MB note needs, so such a note keeps its
   * incremental checks) and by estimated bytes (CACHE_BYTES), whichever comes first.
   */
  constructor(maxEntries = 1_000_000, bytes: Partial<typeof CACHE_BYTES> = {}, options: CheckCacheOptions = {}) {
    const b = { ...CACHE_BYTES, ...bytes };
    this.parses = new Lru(maxEntries, b.parses, parseWeight);
    this.katex = new Lru(maxEntries, b.katex, (v) => 150 + str(v.error?.message));
    this.claims = new Lru(maxEntries, b.claims, checkedWeight);
    // A first sight holds its claim (trees and context): bounded by count and by the claims' byte budget.
    this.firstSight = options.claimKeys === 'repeat' ? new Lru(Math.min(maxEntries, 50_000), b.claims, (v) => (v ? 2000 + checkedWeight(v.result) : 50)) : null;
    this.maxSections = Math.max(16, maxEntries / 10);
    this.sectionBytes = b.sections;
    this.conventions = new Lru(this.maxSections);
    this.prose = new Lru(Math.max(16, maxEntries / 4));
  }

  /**
   * The table of prose readings for `interpret` (InterpretOptions.prose): what it keeps are copies, so that no
   * version of a note's text stays alive through its sentences.
   */
  get proseMemo(): ProseMemo {
    const table = this.prose;
    return {
      get: (text) => table.get(text),
      set: (text, decls) => table.set(detach(text), decls.map((d) => ('names' in d ? { ...d, names: d.names.map(detach) } : d))),
    };
  }

  /**
   * The section table for one set of options and macros. The tables share one byte budget: the tables of other
   * options (settings changed, a note with other macros) are emptied, least recently used first, when all of
   * them together hold more.
   */
  sectionsFor(optionsKey: string): Lru<string, SectionEntry> {
    let t = this.sectionTables.get(optionsKey);
    if (!t) {
      t = new Lru(this.maxSections, this.sectionBytes, (e: SectionEntry) => reportWeight(e.report));
      this.sectionTables.set(optionsKey, t);
    }
    let total = 0;
    for (const table of this.sectionTables.values()) total += table.weight;
    for (const table of this.sectionTables.values()) {
      if (total <= this.sectionBytes) break;
      if (table === t) continue;
      total -= table.weight;
      table.clear();
    }
    return t;
  }

  /** The length of the longest key of every table (tests: no key may be long, see shortKey). */
  longestKey(): number {
    let n = 0;
    const of = (keys: Iterable<unknown>) => {
      for (const k of keys) if (typeof k === 'string') n = Math.max(n, k.length);
    };
    of(this.parses.keys());
    of(this.katex.keys());
    of(this.claims.keys());
    if (this.firstSight) of(this.firstSight.keys());
    of(this.conventions.keys());
    of(this.sectionTables.keys());
    for (const t of this.sectionTables.values()) of(t.keys());
    return n;
  }

  /** Hits of the section tables (for tests and the benchmark). */
  get sectionHits(): number {
    let n = 0;
    for (const t of this.sectionTables.values()) n += t.hits;
    return n;
  }

  clear(): void {
    this.parses.clear();
    this.katex.clear();
    this.claims.clear();
    this.firstSight?.clear();
    this.sectionTables.clear();
    this.conventions.clear();
    this.prose.clear();
  }
}

/** A node's content without its position (spans are relative to a fragment, but a shifted copy is the same). */
const nodeKeys = new WeakMap<object, string>();
function nodeKey(n: Node): string {
  let k = nodeKeys.get(n);
  if (k === undefined) {
    k = JSON.stringify(n, (name, value: unknown) => (name === 'span' ? undefined : value));
    nodeKeys.set(n, k);
  }
  return k;
}

function conditionKey(c: Condition): string {
  return `${nodeKey(c.lhs)}${c.op}${nodeKey(c.rhs)}`;
}

/** One definition's content (its offset only orders it among the others), once per binding object. */
const bindingKeys = new WeakMap<Binding, string>();
function bindingKey(b: Binding): string {
  let k = bindingKeys.get(b);
  if (k === undefined) {
    k = `${b.name}(${b.params?.join(',') ?? '-'})=${nodeKey(b.body)}|${b.bodyLatex}|${b.sentence === undefined ? '' : 's'}|${b.line === undefined ? 'u' : 'l'}`;
    bindingKeys.set(b, k);
  }
  return k;
}

/**
 * What the model says of the names a claim can reach (their cores): declared or inferred functions, kinds,
 * shapes and assumptions — and the conventions in force. What it says of other names cannot change the verdict.
 * The facts are grouped by core once per context object (contexts are shared copy-on-write between claims).
 */
const factsByContext = new WeakMap<NoteContext, { byCore: Map<string, string[]>; conv: string }>();
function declarationKey(ctx: NoteContext, cores: Set<string>): string {
  let facts = factsByContext.get(ctx);
  if (!facts) {
    const byCore = new Map<string, string[]>();
    const add = (name: string, fact: string) => {
      const c = core(name);
      const list = byCore.get(c);
      if (list) list.push(fact);
      else byCore.set(c, [fact]);
    };
    for (const name of ctx.functions) add(name, `f:${name}`);
    for (const [name, d] of ctx.shapes ?? []) add(name, `s:${name}:${nodeKey(d.lhs)}:${nodeKey(d.rhs)}`);
    for (const [name, f] of ctx.symbols ?? []) add(name, `k:${name}:${f.kind}:${f.evidence.certainty}`);
    for (const [name, a] of ctx.assumptions ?? []) add(name, `a:${name}:${a.join(',')}`);
    for (const list of byCore.values()) list.sort();
    const conv = ctx.conventions ? conventionsKey(ctx.conventions) : '';
    facts = { byCore, conv };
    factsByContext.set(ctx, facts);
  }
  const parts: string[] = [];
  for (const c of [...cores].sort()) {
    const list = facts.byCore.get(c);
    if (list) parts.push(list.join(';'));
  }
  return `${parts.join('|')}#${facts.conv}`;
}

/**
 * A name's letters without fonts, accents, subscripts and primes: `\mathbf{x}_i'` → `x`. Loose on purpose — two
 * names with one core are treated as related, which can only cost a cache hit, never change an answer.
 */
const core = nameCore;

/** The cores of the names a tree writes, once per tree (a definition's body is reached from many claims). */
const treeCores = new WeakMap<Node, string[]>();
function coresOf(n: Node): string[] {
  let list = treeCores.get(n);
  if (!list) {
    // From the symbols the semantic model already found in the tree (one walk per tree, shared: semantics/scopes.ts
    // usageOf keeps the first symbol of each name, and a name fixes its base letter).
    const set = new Set<string>();
    for (const m of usageOf(n).symbols) {
      set.add(core(m.name));
      set.add(core(m.base));
    }
    list = [...set];
    treeCores.set(n, list);
  }
  return list;
}

/**
 * The definitions a claim can depend on: those named (by core) in its operands, conditions and declarations, and,
 * following their bodies and parameters, those they name — in definition order. A definition the claim cannot
 * reach does not change its verdict, so editing it leaves the claim's cached verdict in place.
 */
function relevantBindings(claim: Claim, coresOut?: Set<string>): Binding[] {
  const cores = new Set<string>();
  const note = (n: Node) => {
    for (const c of coresOf(n)) cores.add(c);
  };
  note(claim.lhs.node);
  note(claim.rhs.node);
  for (const c of claim.conditions) {
    note(c.lhs);
    note(c.rhs);
  }
  for (const c of claim.declarations ?? []) {
    note(c.lhs);
    note(c.rhs);
  }
  const included = new Set<Binding>();
  for (let changed = true; changed; ) {
    changed = false;
    for (const b of claim.context.bindings.values()) {
      if (included.has(b) || !cores.has(core(b.name))) continue;
      included.add(b);
      note(b.body);
      for (const p of b.params ?? []) cores.add(core(p));
      changed = true;
    }
  }
  if (coresOut) for (const c of cores) coresOut.add(c);
  return [...included].sort((a, b) => a.at - b.at);
}

/**
 * Everything `checkClaim` reads from a claim, without document offsets: the operands' trees and text, the
 * relation, its place in the chain, what the interpreter preset, the doubts, conditions, declarations and
 * assumptions, the context — and, of positions, only what a verdict mentions: how far back a plain-name
 * definition was made, when that is far enough to raise a doubt.
 */
export function claimKey(claim: Claim): string {
  const cores = new Set<string>();
  const relevant = relevantBindings(claim, cores);
  const far: string[] = [];
  if (claim.line !== undefined) {
    for (const b of relevant) {
      // A plain name's doubt says how far back it was defined; for a function only being far matters.
      if (b.line !== undefined && claim.line - b.line > FAR_LINES) far.push(b.params ? `${b.name}@far` : `${b.name}@${claim.line - b.line}`);
    }
  }
  // Whether a definition was made in the claim's own list item (never the offsets themselves).
  for (const b of relevant) if (b.item !== undefined) far.push(`${b.name}:${b.item === claim.item ? 'same' : 'other'}-item`);
  for (const alt of claim.alternatives ?? []) {
    far.push(`alt:${relevantBindings({ ...claim, context: alt, alternatives: undefined }).map(bindingKey).join(';')}`);
  }
  const context = `${relevant.map(bindingKey).join(';')}#${declarationKey(claim.context, cores)}`;
  // The key is a digest: the full description (operand trees, context) runs to kilobytes per claim.
  return digest(claimDescription(claim, context, far));
}

/** A short digest of a long key (SHA-1: collisions are not a practical concern here). */
export function digest(s: string): string {
  return hash('sha1', s, 'base64');
}

/**
 * A key as it is when short, its digest when long. V8 hashes a string longer than 16,383 characters by its length
 * alone, so a Map keyed by such strings degrades to a linear scan with full comparisons: no cache key may be long.
 */
export function shortKey(s: string): string {
  return s.length <= 1024 ? s : `#${digest(s)}`;
}

function claimDescription(claim: Claim, context: string, far: string[]): string {
  return [
    claim.latex,
    claim.op,
    claim.link,
    claim.lhs.latex,
    nodeKey(claim.lhs.node),
    claim.rhs.latex,
    nodeKey(claim.rhs.node),
    claim.preset ? `${claim.preset.kind}:${claim.preset.reason}` : '',
    claim.doubts.map((d) => `${d.code}:${d.detail}`).join('\u0001'),
    claim.chainHasDerivative ? 'D' : '',
    claim.line === undefined ? 'u' : 'l',
    claim.conditions.map(conditionKey).join('\u0001'),
    claim.declarations?.map(conditionKey).join('\u0001') ?? '',
    claim.assumptions?.join(',') ?? '',
    context,
    far.join(','),
    claim.readingsWhy ?? '',
    claim.chainDifferentials?.join(',') ?? '',
  ].join('\u0000');
}
