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
import type { Claim, Condition } from './interpret/claims';
import type { NoteContext } from './interpret/context';
import type { DocumentReport, EngineChecked } from './engine';
import { createHash } from 'crypto';
import { FAR_LINES } from './check/check';

/**
 * A copy of a string that shares no memory with the string it was cut from. V8 represents `text.slice(a, b)` as a
 * view into `text`, so a cached slice of a note would keep that whole version of the note alive; a cache that
 * lives as long as the server must hold copies.
 */
export function detach(s: string): string {
  return s.length < 16 ? s : (' ' + s).slice(1);
}

/** A Map that forgets its least recently used entries beyond `max`. */
export class Lru<K, V> {
  private readonly map = new Map<K, V>();
  hits = 0;
  misses = 0;
  constructor(private readonly max: number) {}

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
    this.map.delete(key);
    this.map.set(key, value);
    if (this.map.size > this.max) {
      const oldest = this.map.keys().next();
      if (!oldest.done) this.map.delete(oldest.value);
    }
  }

  get size(): number {
    return this.map.size;
  }

  values(): IterableIterator<V> {
    return this.map.values();
  }

  clear(): void {
    this.map.clear();
    this.hits = 0;
    this.misses = 0;
  }
}

export interface KatexVerdict {
  error: { message: string; start: number; end: number } | null;
}

export class CheckCache {
  /** Parse results by macros signature + fragment LaTeX (spans in them are relative to the fragment). */
  readonly parses: Lru<string, ParseResult>;
  /** KaTeX validation by macros signature + display flag + LaTeX. */
  readonly katex: Lru<string, KatexVerdict>;
  /** Claim verdicts by check options + claim key. */
  readonly claims: Lru<string, EngineChecked>;
  /**
   * Reports of whole sections (offsets relative to the section) by section text, one table per options + macros
   * (the section's text alone as the key: no long key strings are built on every check).
   */
  private readonly sectionTables = new Lru<string, Lru<string, DocumentReport>>(8);
  private readonly maxSections: number;

  constructor(maxEntries = 20_000) {
    this.parses = new Lru(maxEntries);
    this.katex = new Lru(maxEntries);
    this.claims = new Lru(maxEntries);
    this.maxSections = Math.max(16, maxEntries / 10);
  }

  /** The section table for one set of options and macros. */
  sectionsFor(optionsKey: string): Lru<string, DocumentReport> {
    let t = this.sectionTables.get(optionsKey);
    if (!t) {
      t = new Lru(this.maxSections);
      this.sectionTables.set(optionsKey, t);
    }
    return t;
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
    this.sectionTables.clear();
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

/**
 * The context's content: bindings in the order they were made (their document offsets only order them), with
 * bodies; declared functions; declared shapes. Contexts are shared copy-on-write between claims, so this is
 * computed once per context object.
 */
const contextKeys = new WeakMap<NoteContext, string>();
function contextKey(ctx: NoteContext): string {
  let k = contextKeys.get(ctx);
  if (k !== undefined) return k;
  const bindings = [...ctx.bindings.values()]
    .sort((a, b) => a.at - b.at)
    .map((b) => `${b.name}(${b.params?.join(',') ?? '-'})=${nodeKey(b.body)}|${b.bodyLatex}|${b.sentence === undefined ? '' : 's'}|${b.line === undefined ? 'u' : 'l'}`);
  const shapes = ctx.shapes ? [...ctx.shapes].map(([name, d]) => `${name}:${nodeKey(d.lhs)}:${nodeKey(d.rhs)}`) : [];
  k = `${bindings.join(';')}#${[...ctx.functions].sort().join(',')}#${shapes.join(';')}`;
  contextKeys.set(ctx, k);
  return k;
}

/**
 * Everything `checkClaim` reads from a claim, without document offsets: the operands' trees and text, the
 * relation, its place in the chain, what the interpreter preset, the doubts, conditions, declarations and
 * assumptions, the context — and, of positions, only what a verdict mentions: how far back a plain-name
 * definition was made, when that is far enough to raise a doubt.
 */
export function claimKey(claim: Claim): string {
  const far: string[] = [];
  if (claim.line !== undefined) {
    for (const b of claim.context.bindings.values()) {
      if (!b.params && b.line !== undefined && claim.line - b.line > FAR_LINES) far.push(`${b.name}@${claim.line - b.line}`);
    }
  }
  // The key is a digest: the full description (operand trees, context) runs to kilobytes per claim.
  return digest(claimDescription(claim, far));
}

/** A short digest of a long key (SHA-1: collisions are not a practical concern here). */
export function digest(s: string): string {
  return createHash('sha1').update(s).digest('base64');
}

function claimDescription(claim: Claim, far: string[]): string {
  return [
    claim.latex,
    claim.op,
    claim.link,
    claim.lhs.latex,
    nodeKey(claim.lhs.node),
    claim.rhs.latex,
    nodeKey(claim.rhs.node),
    claim.preset ? `${claim.preset.kind}:${claim.preset.reason}` : '',
    claim.doubts.join('\u0001'),
    claim.chainHasDerivative ? 'D' : '',
    claim.line === undefined ? 'u' : 'l',
    claim.conditions.map(conditionKey).join('\u0001'),
    claim.declarations?.map(conditionKey).join('\u0001') ?? '',
    claim.assumptions?.join(',') ?? '',
    contextKey(claim.context),
    far.join(','),
  ].join('\u0000');
}
