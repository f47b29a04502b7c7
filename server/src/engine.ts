/**
 * The checking core, end to end and pure: note text in, claims with verdicts and diagnostics out (document
 * offsets, no LSP types). The command-line checker and the language server both call `checkDocument`, so the
 * editor and CI always agree.
 *
 *   scan (find math) → parse (LaTeX → tree with spans) → interpret (claims in context) → check (verdicts)
 */
import { scanMath } from './scan/scan';
import type { MathFragment } from './scan/types';
import { parseLatex } from './parse/parser';
import { validateLatex } from './parse/katex';
import { collectMacros, katexMacros, macrosFromSettings, withoutDefinitions, type MacroTable } from './parse/macros';
import type { ParseResult } from './parse/ast';
import { interpret, type Claim, type ClaimKind } from './interpret/claims';
import { checkClaim, type CheckedClaim, type VerdictName } from './check/check';
import { CheckCache, claimKey, detach, digest } from './engineCache';
import { packPlot, type PackedPlot } from './check/plotSpec';
import { anySubexpr, size } from './check/expr';
import type { Doubt, ReasonCode } from './semantics/reasons';

export { CheckCache } from './engineCache';

export interface EngineOptions {
  /** 'markdown' for .md/.markdown, 'text' for .txt. Default 'markdown'. */
  mode?: 'markdown' | 'text';
  /** Meaning of `\log` without a base. Default 'e'. */
  logBase?: 'e' | '10';
  /** Time budget per claim, ms. Default 200. */
  budgetMs?: number;
  /** Detect formulas written without delimiters. Default true. */
  bareFormulas?: boolean;
  /** Extra macros, `{ "\\R": "\\mathbb{R}" }` (the note's own \newcommand and \def are always honoured). */
  macros?: Record<string, string>;
  /**
   * Layout of derivatives by vectors and matrices. Default 'denominator' (a gradient has the variable's shape).
   * A note's `<!-- calcnotes: layout=numerator -->` overrides it.
   */
  matrixLayout?: 'denominator' | 'numerator';
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
  code: 'false-claim' | 'latex-syntax' | 'shape-mismatch';
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
 * Check a note. With a `cache` kept by the caller between runs (the language server keeps one per worker),
 * fragments and claims whose text and context did not change since an earlier run are not parsed, validated or
 * checked again; the report is the same as without it. (A fresh cache for a single run does not pay: computing
 * the keys costs about what checking repeated formulas again saves, and the cache's garbage slows the run.)
 */
export function checkDocument(text: string, options: EngineOptions = {}, cache?: CheckCache | null): DocumentReport {
  return joinSections(checkSections(text, options, cache));
}

/** A note's report in independent sections: each part's offsets are relative to its start. */
export interface SectionedReport {
  starts: number[];
  /** With a cache, an unchanged section's part is the very object an earlier check returned for it. */
  parts: DocumentReport[];
}

/**
 * `checkDocument` before its sections are joined (the language server's worker sends only the parts that changed
 * since its last report to the editor's thread).
 */
export function checkSections(text: string, options: EngineOptions = {}, given?: CheckCache | null): SectionedReport {
  const cache = given ?? undefined;
  const mode = options.mode ?? 'markdown';
  // The note's own \newcommand / \def (anywhere in it) and the macros setting.
  const macros = new Map([...macrosFromSettings(options.macros), ...collectMacros(text)]);
  const macrosKey = macros.size ? JSON.stringify([...macros]) : '';
  const starts = cache && mode === 'markdown' ? sectionStarts(text) : [0];
  if (starts.length === 1) return { starts, parts: [checkPart(text, options, macros, macrosKey, cache)] };

  // Sections are independent (a heading starts a fresh context, and no sentence, chain or math crosses one):
  // each is checked on its own text and remembered by it.
  const sections = cache!.sectionsFor(`${JSON.stringify(options)}\u0000${macrosKey}`);
  const parts = starts.map((start, i) => {
    const part = text.slice(start, i + 1 < starts.length ? starts[i + 1] : text.length);
    // Keyed by a digest and holding only copies of its strings, a remembered section keeps no version of the
    // note's text alive (V8's slices are views into the whole text).
    const key = digest(part);
    let r = sections.get(key);
    if (!r) {
      r = detachReport(checkPart(part, options, macros, macrosKey, cache));
      sections.set(key, r);
    }
    return r;
  });
  return { starts, parts };
}

/** A report whose strings are copies, not views into the text it was made from. */
function detachReport(r: DocumentReport): DocumentReport {
  return {
    fragments: r.fragments.map((f) => ({ ...f, latex: detach(f.latex) })),
    claims: r.claims.map((c) => ({ ...c, latex: detach(c.latex), reason: detach(c.reason) })),
    diagnostics: r.diagnostics.map((d) => ({ ...d, message: detach(d.message) })),
  };
}

/** One report from sections: every offset moved to where its section starts. */
export function joinSections({ starts, parts }: SectionedReport): DocumentReport {
  if (parts.length === 1 && starts[0] === 0) return parts[0];
  const out: DocumentReport = { fragments: [], claims: [], diagnostics: [] };
  parts.forEach((r, i) => appendSection(out, r, starts[i]));
  return out;
}

/** Appends a section's entries to a report, their offsets moved by `shift` (the same objects when it is 0). */
export function appendSection(out: DocumentReport, r: DocumentReport, shift: number): void {
  for (const f of r.fragments) out.fragments.push(shift === 0 ? f : { ...f, start: f.start + shift, end: f.end + shift, outerStart: f.outerStart + shift, outerEnd: f.outerEnd + shift });
  for (const c of r.claims) out.claims.push(shift === 0 ? c : { ...c, start: c.start + shift, end: c.end + shift, rhsStart: c.rhsStart + shift, rhsEnd: c.rhsEnd + shift });
  for (const d of r.diagnostics) out.diagnostics.push(shift === 0 ? d : { ...d, start: d.start + shift, end: d.end + shift });
}

/**
 * Where the note can be cut into independent sections: before an ATX heading (`# …`) that follows a blank line,
 * outside code fences, `$$` blocks, environments and HTML comments. A note with comment directives that reach
 * across sections (`<!-- calcnotes-disable -->`, `<!-- calcnotes: layout=… -->`) is not cut.
 */
export function sectionStarts(text: string): number[] {
  const starts = [0];
  if (/<!--\s*calcnotes(?!-disable-next-line)/.test(text)) return starts;
  let fence = ''; // the open fence's marker run (``` or ~~~~), '' outside fences
  let displayOpen = false;
  let envDepth = 0;
  let inComment = false;
  let blankBefore = true;
  let pos = 0;
  const n = text.length;
  while (pos < n) {
    let eol = text.indexOf('\n', pos);
    if (eol < 0) eol = n;
    // Indentation of up to three spaces, then the first significant character decides what the line can be.
    let i = pos;
    while (i < eol && i - pos < 4 && text.charCodeAt(i) === 32) i++;
    const c = text.charCodeAt(i);
    const blank = i === eol || /^\s*$/.test(text.slice(i, eol));
    if (fence) {
      if ((c === 96 || c === 126) && i - pos < 4 && text.startsWith(fence, i) && /^[`~]*\s*$/.test(text.slice(i + fence.length, eol)) && text.charCodeAt(i) === fence.charCodeAt(0)) fence = '';
    } else if ((c === 96 || c === 126) && i - pos < 4 && text.charCodeAt(i + 1) === c && text.charCodeAt(i + 2) === c) {
      let j = i;
      while (text.charCodeAt(j) === c) j++;
      fence = text.slice(i, j);
    } else if (!blank) {
      if (c === 35 && i - pos < 4 && blankBefore && pos > 0 && !displayOpen && envDepth === 0 && !inComment && /^#{1,6}(?:[ \t]|\r?$)/.test(text.slice(i, Math.min(eol, i + 8)))) {
        starts.push(pos);
      }
      const line = text.slice(i, eol);
      if (line.includes('$$')) {
        const dollars = line.match(/(?<!\\)\$\$/g);
        if (dollars && dollars.length % 2 === 1) displayOpen = !displayOpen;
      }
      if (line.includes('\\begin') || line.includes('\\end')) {
        envDepth += (line.match(/\\begin\s*\{/g)?.length ?? 0) - (line.match(/\\end\s*\{/g)?.length ?? 0);
        if (envDepth < 0) envDepth = 0;
      }
      if (line.includes('<!--') || line.includes('-->')) {
        const lastOpen = line.lastIndexOf('<!--');
        const lastClose = line.lastIndexOf('-->');
        if (lastOpen >= 0 && lastOpen > lastClose) inComment = true;
        else if (lastClose >= 0 && lastClose > lastOpen) inComment = false;
      }
    }
    blankBefore = blank;
    pos = eol + 1;
  }
  return starts;
}

function checkPart(text: string, options: EngineOptions, macros: MacroTable, macrosKey: string, cache: CheckCache | undefined): DocumentReport {
  const mode = options.mode ?? 'markdown';
  const { fragments, directives } = scanMath(text, { mode, bareFormulas: options.bareFormulas ?? true });
  const diagnostics: EngineDiagnostic[] = [];
  const parses: ParseResult[] = fragments.map((f) => {
    if (!cache) return safeParse(f.latex, macros);
    const key = `${macrosKey}\u0000${f.latex}`;
    let p = cache.parses.get(key);
    if (!p) {
      p = safeParse(detach(f.latex), macros); // the cached tree must not hold on to the note's text
      cache.parses.set(key, p);
    }
    return p;
  });

  let katexTable: Record<string, string> | null = null;
  for (const f of fragments) {
    if (f.disabled || f.delimiter === 'bare' || f.delimiter === 'bare-inline') continue;
    // KaTeX refuses to \newcommand a name it already knows (it has its own \R): validate the fragment with its
    // definitions blanked out and every macro passed in.
    const display = f.display || f.delimiter === 'env';
    const key = `${macrosKey}\u0000${display ? 'D' : 'I'}${f.latex}`;
    let verdict = cache?.katex.get(key);
    if (!verdict) {
      katexTable ??= katexMacros(macros);
      verdict = { error: safeValidate(withoutDefinitions(f.latex), display, katexTable) };
      cache?.katex.set(key, verdict);
    }
    const err = verdict.error;
    if (err) {
      const start = f.start + Math.max(0, Math.min(err.start, f.latex.length));
      const end = Math.max(start + 1, f.start + Math.max(0, Math.min(err.end, f.latex.length)));
      diagnostics.push({ start, end: Math.min(end, f.end || end), severity: 'error', code: 'latex-syntax', message: `LaTeX error: ${err.message}` });
    }
  }

  const claims = interpret(fragments, parses, { text, mode });
  const layout = directives.layout === 'numerator' || directives.layout === 'denominator' ? directives.layout : (options.matrixLayout ?? 'denominator');
  const checkOptions = { logBase: options.logBase ?? 'e', budgetMs: options.budgetMs ?? 200, matrixLayout: layout } as const;
  const check = cachedCheck(checkOptions, cache);
  const reports: ClaimReport[] = [];
  const wrongChains = new Set<number>();
  for (const claim of claims) {
    if (claim.disabled) continue;
    let result: EngineChecked;
    if (wrongChains.has(claim.chain)) {
      const r = check(claim);
      result = r.verdict === 'false' ? { verdict: 'unchecked', kind: r.kind, reason: 'not checked: it follows a wrong step earlier in this chain' } : r;
    } else {
      result = check(claim);
    }
    if (result.verdict === 'false') wrongChains.add(claim.chain);
    reports.push({
      start: claim.start,
      end: claim.end,
      latex: claim.latex,
      kind: result.kind,
      verdict: result.verdict,
      reason: result.reason,
      // A verified claim carries a code only as information (`rounded-value`: verified to the precision written).
      ...(result.verdict === 'unchecked' ? { reasonCode: reasonCodeOf(result) } : result.verdict === 'verified' && result.reasonCode ? { reasonCode: result.reasonCode } : {}),
      ...(result.doubts?.length ? { doubts: result.doubts } : {}),
      counterexample: result.counterexample,
      expected: result.expected,
      computed: result.computed,
      ...(result.plot ? { plot: result.plot } : {}),
      rhsStart: claim.rhs.base + claim.rhs.node.span.start,
      rhsEnd: claim.rhs.base + claim.rhs.node.span.end,
    });
    if (result.verdict === 'false') {
      diagnostics.push({ start: claim.start, end: claim.end, severity: 'error', code: result.code ?? 'false-claim', message: result.reason });
    }
  }
  reports.push(...chainEnds(claims, reports, check));
  reports.sort((a, b) => a.start - b.start || a.end - b.end);
  diagnostics.sort((a, b) => a.start - b.start || a.end - b.end);
  return { fragments: fragments.map(({ sentence: _s, proseBefore: _b, proseAfter: _a, ...f }) => f), claims: reports, diagnostics };
}

/**
 * A chain whose middle steps cannot be read (matrices written entry by entry with `\vdots`, sums) can still say
 * something checkable end to end: `\frac{d\mathbf y}{d\mathbf x} = [\ldots] = [\ldots] = \mathbf A^T`. When its
 * first and last sides agree, that is reported as one more verified claim over the whole chain; when they do
 * not, nothing is said (the wrong step cannot be pinpointed).
 */
function chainEnds(claims: Claim[], reports: ClaimReport[], check: (claim: Claim) => EngineChecked): ClaimReport[] {
  const byChain = new Map<number, { claim: Claim; report: ClaimReport }[]>();
  let r = 0;
  for (const claim of claims) {
    if (claim.disabled) continue;
    const report = reports[r++];
    const list = byChain.get(claim.chain) ?? [];
    list.push({ claim, report });
    byChain.set(claim.chain, list);
  }
  const out: ClaimReport[] = [];
  for (const links of byChain.values()) {
    if (links.length < 2) continue;
    if (links.some((l) => l.claim.op !== '=' || l.claim.preset || l.report.verdict === 'false')) continue;
    if (!links.some((l) => l.report.verdict === 'unchecked')) continue;
    const first = links[0].claim;
    const last = links[links.length - 1].claim;
    const whole: Claim = {
      ...last,
      lhs: first.lhs,
      start: first.start,
      link: 0,
      latex: `${first.lhs.latex.trim()} = ${last.rhs.latex.trim()}`,
      doubts: [...first.doubts, ...last.doubts],
    };
    const result = check(whole);
    if (result.verdict !== 'verified') continue;
    out.push({
      start: whole.start,
      end: whole.end,
      latex: whole.latex,
      kind: 'chain',
      verdict: 'verified',
      reason: `${result.reason}: the first and last sides of the chain agree, though the steps between are not checked`,
      rhsStart: last.rhs.base + last.rhs.node.span.start,
      rhsEnd: last.rhs.base + last.rhs.node.span.end,
    });
  }
  return out;
}

/** The code of an unchecked verdict's reason: the checker's own, or read from the kind of claim and reason. */
function reasonCodeOf(r: EngineChecked): ReasonCode {
  if (r.reasonCode) return r.reasonCode;
  if (/ran out of time|grows too large|nested too deeply|too large|too many/.test(r.reason)) return 'budget';
  if (r.kind === 'definition' || r.kind === 'value') return 'definition';
  if (r.kind === 'equation') return 'equation';
  return 'not-understood';
}

/** A verdict as the engine keeps it: its plot already packed (the expression trees are garbage at once). */
export type EngineChecked = Omit<CheckedClaim, 'plot'> & { plot?: PackedPlot };

function packed(r: CheckedClaim): EngineChecked {
  if (!r.plot) return r as EngineChecked;
  // A curve with an integral in it costs a quadrature per sample: too slow for a hover on the editor's thread.
  if (r.plot.curves.some((c) => size(c.expr, 5000) > 5000 || anySubexpr(c.expr, (x) => x.k === 'int'))) {
    const { plot: _dropped, ...rest } = r;
    return rest;
  }
  return { ...r, plot: packPlot(r.plot) };
}

/** `checkClaim` with these options, through the cache when there is one. */
function cachedCheck(options: Parameters<typeof checkClaim>[1], cache: CheckCache | undefined): (claim: Claim) => EngineChecked {
  if (!cache) return (claim) => packed(checkClaim(claim, options));
  const prefix = JSON.stringify(options);
  return (claim) => {
    const key = `${prefix}\u0000${claimKey(claim)}`;
    let r = cache.claims.get(key);
    if (!r) {
      r = packed(checkClaim(claim, options));
      cache.claims.set(key, r);
    }
    return r;
  };
}

function safeParse(latex: string, macros: MacroTable): ParseResult {
  try {
    return parseLatex(latex, { macros });
  } catch (e) {
    return { formulas: [], texts: [], problems: [{ message: `parser failure: ${(e as Error).message}`, span: { start: 0, end: latex.length } }] };
  }
}

function safeValidate(latex: string, display: boolean, macros: Record<string, string>): { message: string; start: number; end: number } | null {
  try {
    return validateLatex(latex, display, macros);
  } catch {
    return null;
  }
}

export interface Summary {
  claims: number;
  verified: number;
  false: number;
  unchecked: number;
}

export function summarize(reports: { claims: ClaimReport[] }[]): Summary {
  const s: Summary = { claims: 0, verified: 0, false: 0, unchecked: 0 };
  for (const r of reports) {
    for (const c of r.claims) {
      s.claims++;
      s[c.verdict]++;
    }
  }
  return s;
}
