/**
 * The checking core, end to end and pure: note text in, claims with verdicts and diagnostics out (document
 * offsets, no LSP types). The command-line checker and the language server both call `checkDocument`, so the
 * editor and CI always agree.
 *
 *   scan (find math) → parse (LaTeX → tree with spans) → interpret (claims in context) → check (verdicts)
 *
 * It is the one door to the checking core: the CLI, the language server's features and (through the server) the
 * preview ask it, with the same EngineOptions — `checkDocument` for a note, `differentiateLatex` for an expression.
 */
import { scanMath } from './scan/scan';
import { withLineFeeds } from './scan/lines';
import type { MathFragment } from './scan/types';
import { parseLatex } from './parse/parser';
import { validateLatex } from './parse/katex';
import { collectMacros, katexMacros, macrosFromSettings, withoutDefinitions, type KatexMacro, type Macro, type MacroTable } from './parse/macros';
import type { Node, ParseResult } from './parse/ast';
import { interpret, type Claim } from './interpret/claims';
import { checkClaim } from './check/check';
import type { CheckedClaim } from './check/verdict';
import { walk } from './parse/walk';
import { CheckCache, claimKey, detach, digest, shortKey } from './engineCache';
import { packPlot } from './check/plotSpec';
import { anySubexpr, size } from './check/expr';
import type { ReasonCode } from './semantics/reasons';
import { EMPTY_CONTEXT, conventionsKey, mergeConventions, type Conventions } from './semantics/context';
import { conventionsIn } from './semantics/prose';
import { describeSymbols, type Belief } from './semantics/describe';
import { Lowerer, show } from './check/lower';
import { diff } from './check/diff';
import { toLatex } from './check/latex';
import { MAX_BUDGET_MS, type ClaimReport, type DocumentReport, type EngineChecked, type EngineDiagnostic, type EngineOptions, type SectionedReport, type Summary } from './report';

export type { ClaimReport, DocumentReport, EngineChecked, EngineDiagnostic, EngineOptions, ReportFragment, SectionedReport, Severity, Summary } from './report';
export { MAX_BUDGET_MS, MIN_BUDGET_MS, clampBudget } from './report';
export { CheckCache } from './engineCache';

/**
 * Check a note. With a `cache` kept by the caller between runs (the language server keeps one per worker),
 * fragments and claims whose text and context did not change since an earlier run are not parsed, validated or
 * checked again; the report is the same as without it. (A fresh cache for a single run does not pay: computing
 * the keys costs about what checking repeated formulas again saves, and the cache's garbage slows the run.)
 */
export function checkDocument(text: string, options: EngineOptions = {}, cache?: CheckCache | null): DocumentReport {
  return joinSections(checkSections(text, options, cache));
}

/** A short note of our own: a definition, a product rule step, a chain rule and a wrong power rule. */
const WARM_UP_NOTE = "Let $f(x) = x^2 \\sin x$. Then $f'(x) = 2x\\sin x + x^2\\cos x$, and\n\n$$\\frac{d}{dx} e^{3x} = 3e^{3x}, \\qquad (x^3)' = 3x$$\n";

/** The rest of the checkers: general rules, a worked chain, partial derivatives, vectors, Taylor, an integral, numbers. */
const WARM_UP_MORE = [
  "## Rules",
  "",
  "For any differentiable functions $f$ and $g$: $(fg)' = f'g + fg'$ and $(f/g)' = \\frac{f'g - fg'}{g^2}$.",
  "",
  "Let $h(x) = \\ln(x^2 + 1)$. Then",
  "$$",
  "\\begin{aligned}",
  "h'(x) &= \\frac{1}{x^2+1}\\cdot 2x \\\\",
  "      &= \\frac{2x}{x^2+1}",
  "\\end{aligned}",
  "$$",
  "",
  "$\\frac{\\partial}{\\partial x}(x^2 y + \\sin(xy)) = 2xy + y\\cos(xy)$, $\\frac{\\partial^2}{\\partial x \\partial y} x^3y^2 = 6x^2y$.",
  "",
  "## Vectors",
  "",
  "Let $\\mathbf{x} \\in \\mathbb{R}^n$ and $A \\in \\mathbb{R}^{n \\times n}$ be symmetric: $\\nabla_{\\mathbf{x}} (\\mathbf{x}^T A \\mathbf{x}) = 2A\\mathbf{x}$.",
  "",
  "## Series and numbers",
  "",
  "$e^x \\approx 1 + x + \\frac{x^2}{2}$, $\\int_0^1 x^2\\,dx = \\frac{1}{3}$, $\\sigma'(z) = \\sigma(z)(1 - \\sigma(z))$, $7 \\times 6 = 42$.",
  "",
].join("\n");

/**
 * Checks a short note of our own and forgets it: loads KaTeX and has V8 compile the scanner, parser, interpreter
 * and checker, so that the first note a user opens does not pay for that (the language server's worker runs it as
 * it starts, while the editor and the server are still shaking hands). `more`: a longer note that reaches the
 * other checkers (vectors, Taylor, integrals, partial derivatives), for a worker that is idle after its first
 * check. Its verdicts, in order.
 */
export function warmUp(more = false): string[] {
  return checkDocument(more ? WARM_UP_MORE : WARM_UP_NOTE, {}, null).claims.map((c) => c.verdict);
}

/**
 * `checkDocument` before its sections are joined (the language server's worker sends only the parts that changed
 * since its last report to the editor's thread).
 */
export function checkSections(note: string, options: EngineOptions = {}, given?: CheckCache | null): SectionedReport {
  // One line model with the editor's: a lone \r (old Mac) breaks a line; read as \n, every offset stays true.
  const text = withLineFeeds(note);
  const cache = given ?? undefined;
  const mode = options.mode ?? 'markdown';
  // The project's preamble, the macros setting and the note's own \newcommand / \def (anywhere in it).
  const macros = new Map([...optionMacros(options), ...collectMacros(text)]);
  // A digest: the table of a long preamble runs to tens of kilobytes, and keys that long hash badly (see shortKey).
  const macrosKey = macros.size ? digest(JSON.stringify([...macros])) : '';
  const starts = mode === 'markdown' ? sectionStarts(text) : [0];
  if (starts.length === 1) return { starts, bases: [0], parts: [checkPart(text, options, macros, macrosKey, cache)] };

  // Sections are independent (a heading starts a fresh context, and no sentence, chain or math crosses one):
  // each is checked on its own text — with a cache or without, so a cache never changes an answer — and
  // remembered by it.
  // The preamble counts through the macros it defines (in macrosKey), not through its text.
  // Conventions a section states (layout, log base, what σ denotes) hold in the sections after it.
  let conventions: Conventions | undefined;
  const sections = cache?.sectionsFor(digest(`${JSON.stringify({ ...options, preamble: undefined })}\u0000${macrosKey}`));
  const bases: number[] = [];
  const parts = starts.map((start, i) => {
    const part = text.slice(start, i + 1 < starts.length ? starts[i + 1] : text.length);
    const inherited = conventions;
    // Keyed by a digest and holding only copies of its strings, a remembered section keeps no version of the
    // note's text alive (V8's slices are views into the whole text).
    const partKey = cache ? digest(part) : '';
    // What the section itself states, read once per section text (an edit elsewhere does not read it again).
    let own = cache?.conventions.get(partKey);
    if (own === undefined) {
      own = conventionsIn(part, undefined) ?? null;
      cache?.conventions.set(partKey, own);
    }
    conventions = own ? mergeConventions(inherited, own) : inherited;
    if (!cache || !sections) {
      bases.push(start);
      return moveReport(checkPart(part, options, macros, macrosKey, undefined, inherited), start);
    }
    const key = inherited ? digest(`${conventionsKey(inherited)}\u0000${partKey}`) : partKey;
    let entry = sections.get(key);
    if (!entry) {
      entry = { report: moveReport(detachReport(checkPart(part, options, macros, macrosKey, cache, inherited)), start), base: start };
      sections.set(key, entry);
    }
    bases.push(entry.base);
    return entry.report;
  });
  return { starts, bases, parts };
}

/**
 * The report with its strings copied, so that they are not views into the text it was made from. In place: the
 * report is checkPart's own, just made, shared with no one (copying every entry again cost ~1 ms a check).
 */
function detachReport(r: DocumentReport): DocumentReport {
  for (const f of r.fragments) f.latex = detach(f.latex);
  for (const c of r.claims) {
    c.latex = detach(c.latex);
    c.reason = detach(c.reason);
  }
  for (const d of r.diagnostics) d.message = detach(d.message);
  return r;
}

/**
 * Moves every offset of a report by `shift`, in place: for a report no one else holds (checkPart's own, just made,
 * or one that arrived from the worker). Copying every entry instead cost ~3 ms on a 1,000-claim note.
 */
export function moveReport(r: DocumentReport, shift: number): DocumentReport {
  if (shift === 0) return r;
  for (const f of r.fragments) {
    f.start += shift;
    f.end += shift;
    f.outerStart += shift;
    f.outerEnd += shift;
  }
  for (const c of r.claims) {
    c.start += shift;
    c.end += shift;
    c.rhsStart += shift;
    c.rhsEnd += shift;
  }
  for (const d of r.diagnostics) {
    d.start += shift;
    d.end += shift;
  }
  return r;
}

/** One report from sections: every offset moved to where its section starts now (copies only where it moved). */
export function joinSections({ starts, bases, parts }: SectionedReport): DocumentReport {
  if (parts.length === 1 && starts[0] === bases[0]) return parts[0];
  const out: DocumentReport = { fragments: [], claims: [], diagnostics: [] };
  parts.forEach((r, i) => appendSection(out, r, starts[i] - bases[i]));
  return out;
}

/** Appends a section's entries to a report, their offsets moved by `shift` (the same objects when it is 0). */
export function appendSection(out: DocumentReport, r: DocumentReport, shift: number): void {
  // Moved: copies of the entries (the section's own stay where they are), moved by moveReport, which knows the offsets.
  const part = shift === 0 ? r : moveReport({ fragments: r.fragments.map((f) => ({ ...f })), claims: r.claims.map((c) => ({ ...c })), diagnostics: r.diagnostics.map((d) => ({ ...d })) }, shift);
  for (const f of part.fragments) out.fragments.push(f);
  for (const c of part.claims) out.claims.push(c);
  for (const d of part.diagnostics) out.diagnostics.push(d);
}

/**
 * Where a note's first part may end so that checking that part alone finds exactly the problems the whole check
 * finds there: the first section start at or after `atLeast` (sections are independent, and conventions only flow
 * forward), provided no macro is defined after it (a note's definitions hold wherever they stand). Null when there is
 * no such place.
 */
export function firstPartEnd(text: string, atLeast: number): number | null {
  const cut = sectionStarts(text).find((s) => s >= atLeast);
  if (cut === undefined) return null;
  return collectMacros(text.slice(cut)).size === 0 ? cut : null;
}

/**
 * Where the note can be cut into independent sections: before an ATX heading (`# …`) that follows a blank line,
 * outside code fences, `$$` blocks, environments and HTML comments. A note with comment directives that reach
 * across sections (`<!-- calcnotes-disable -->`, `<!-- calcnotes: layout=… -->`) is not cut. A light reading, line
 * by line: a line holding an odd number of `$$` (two inline formulas written `$a$$b$`) is taken to open or close a
 * display block, so a note can lose its later cuts (it is then checked in fewer, larger sections: the same answers,
 * less caching).
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

/** Keys a `<!-- calcnotes: … -->` directive may set. */
const DIRECTIVE_KEYS: ReadonlySet<string> = new Set(['layout', 'disable']);

function checkPart(text: string, options: EngineOptions, macros: MacroTable, macrosKey: string, cache: CheckCache | undefined, conventions?: Conventions): DocumentReport {
  const mode = options.mode ?? 'markdown';
  const { fragments, directives, directiveKeys, tables, headings } = scanMath(text, { mode, bareFormulas: options.bareFormulas ?? true, ...(options.dollarDialect ? { dollarDialect: options.dollarDialect } : {}) });
  // No math: nothing to parse, validate or check (only a directive's unknown key is worth a word).
  if (fragments.length === 0 && !directiveKeys?.length) return { fragments: [], claims: [], diagnostics: [] };
  // (Each step is a function of its own: V8 compiles small functions sooner, and a step that meets a new kind of
  // object is recompiled alone — a check's first runs are mostly spent waiting for the optimizing compiler.)
  const diagnostics: EngineDiagnostic[] = [];
  const parses = parsesOf(fragments, macros, macrosKey, cache);
  latexErrors(fragments, macros, macrosKey, cache, diagnostics);
  const suspicions = suspicionsIn(fragments, parses, diagnostics);
  const claims = interpret(fragments, parses, { text, mode, headings, ...(conventions ? { conventions } : {}), ...(tables ? { tables } : {}), ...(cache ? { prose: cache.proseMemo } : {}) });
  // The layout a directive fixes, else the setting's; undefined: as the note's prose says, else both are read.
  const layout = directives.layout === 'numerator' || directives.layout === 'denominator' ? directives.layout : options.matrixLayout;
  const checkOptions = { logBase: options.logBase ?? 'e', budgetMs: Math.min(MAX_BUDGET_MS, options.budgetMs ?? 200), ...(layout ? { matrixLayout: layout } : {}) } as const;
  const check = cachedCheck(checkOptions, cache);
  const reports = claimReports(claims, check, suspicions, diagnostics);
  // A chain verified end to end says nothing about a piece that cannot be read as written.
  reports.push(...chainEnds(claims, reports, check).filter((r) => !suspicions.some((s) => !s.repaired && s.start < r.end && r.start < s.end)));
  // A directive key we do not know is most likely a typo: say so where it stands.
  for (const k of directiveKeys ?? []) {
    if (!DIRECTIVE_KEYS.has(k.key)) {
      diagnostics.push({ start: k.start, end: k.end, severity: 'warning', code: 'unknown-directive', message: `Unknown calcnotes directive "${k.key}" (known: ${[...DIRECTIVE_KEYS].join(', ')}).` });
    }
  }
  reports.sort((a, b) => a.start - b.start || a.end - b.end);
  diagnostics.sort((a, b) => a.start - b.start || a.end - b.end);
  // Codes the user silenced (the setting, and the note's `disable=` directive).
  const silenced = new Set([...(options.disabledCodes ?? []), ...(directives.disable ?? '').split(',').map((c) => c.trim()).filter(Boolean)]);
  const kept = silenced.size ? diagnostics.filter((d) => !silenced.has(d.code)) : diagnostics;
  return { fragments: fragments.map(({ sentence: _s, proseBefore: _b, proseAfter: _a, ...f }) => f), claims: reports, diagnostics: kept };
}

/** Each fragment's parse (with a cache: once per text and macros). */
function parsesOf(fragments: MathFragment[], macros: MacroTable, macrosKey: string, cache: CheckCache | undefined): ParseResult[] {
  return fragments.map((f) => {
    if (!cache) return safeParse(f.latex, macros);
    const key = shortKey(`${macrosKey}\u0000${f.latex}`);
    let p = cache.parses.get(key);
    if (!p) {
      p = safeParse(detach(f.latex), macros); // the cached tree must not hold on to the note's text
      cache.parses.set(key, p);
    }
    return p;
  });
}

/** KaTeX's syntax errors in the fragments, as diagnostics (with a cache: each text validated once). */
function latexErrors(fragments: MathFragment[], macros: MacroTable, macrosKey: string, cache: CheckCache | undefined, diagnostics: EngineDiagnostic[]): void {
  let katexTable: Record<string, KatexMacro> | null = null;
  for (const f of fragments) {
    if (f.disabled || f.delimiter === 'bare' || f.delimiter === 'bare-inline') continue;
    // KaTeX refuses to \newcommand a name it already knows (it has its own \R): validate the fragment with its
    // definitions blanked out and every macro passed in.
    const display = f.display || f.delimiter === 'env';
    const key = shortKey(`${macrosKey}\u0000${display ? 'D' : 'I'}${f.latex}`);
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
}

/** Likely typos (`J^{(1)}{21}`, `\frac{dy}{ty}`), in document offsets; a warning each goes to `diagnostics`. */
function suspicionsIn(fragments: MathFragment[], parses: ParseResult[], diagnostics: EngineDiagnostic[]): Suspicion[] {
  const suspicions: Suspicion[] = [];
  fragments.forEach((f, i) => {
    if (f.disabled || f.delimiter === 'bare-inline') return; // a formula run inside prose is context only
    for (const s of parses[i].suspicious ?? []) {
      const start = f.start + s.span.start;
      const end = f.start + s.span.end;
      suspicions.push({ start, end, message: s.message, reading: s.reading, repaired: s.repaired });
      diagnostics.push({ start, end, severity: 'warning', code: 'suspicious-notation', message: s.message });
    }
  });
  return suspicions;
}

/** The claims' verdicts, in reading order; a false one's diagnostic goes to `diagnostics`. */
function claimReports(claims: Claim[], check: (c: Claim) => EngineChecked, suspicions: Suspicion[], diagnostics: EngineDiagnostic[]): ClaimReport[] {
  const reports: ClaimReport[] = [];
  const wrongChains = new Set<number>();
  // Rows of one block that restate the same left side (`y' &= A \\ y' &= B`): after a wrong row, the next one is
  // only a consequence when B follows from A (the first wrong step is the one reported).
  const wrongRows = new Map<string, Claim>();
  const rowKey = (c: Claim) => `${c.lhs.base}\u0000${c.lhs.latex.replace(/\s+/g, '')}`;
  for (const claim of claims) {
    if (claim.disabled) continue;
    let result: EngineChecked;
    if (wrongChains.has(claim.chain)) {
      const r = check(claim);
      result = r.verdict === 'false' ? { verdict: 'unchecked', kind: r.kind, reason: 'not checked: it follows a wrong step earlier in this chain' } : r;
    } else {
      result = check(claim);
    }
    // (Keyed only while a wrong row is remembered, or to remember one.)
    const row = claim.link === 0 && (wrongRows.size > 0 || result.verdict === 'false') ? rowKey(claim) : '';
    const before = row ? wrongRows.get(row) : undefined;
    let consequence = false;
    if (before && result.verdict === 'false') {
      const step = check({ ...before, lhs: before.rhs, rhs: claim.rhs, latex: `${before.rhs.latex} = ${claim.rhs.latex}`, link: 1, alternatives: undefined });
      consequence = step.verdict === 'verified';
      if (consequence) result = { verdict: 'unchecked', kind: result.kind, reason: 'not checked: it follows from the row above, which is already wrong' };
    }
    if (claim.link === 0 && !claim.preset) {
      if (result.verdict === 'false' || consequence) wrongRows.set(row, claim);
      else if (row) wrongRows.delete(row);
    }
    if (suspicions.length) result = withSuspicions(result, claim, suspicions);
    if (claim.table === 'antiderivative' && result.verdict === 'false') result = asAntiderivative(result);
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
      ...beliefsOf(claim),
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
  return reports;
}

/**
 * A false row of a table of antiderivatives: the claim checked is `d/dx (antiderivative) = function`, so what the
 * check expected is the derivative of the cell, not a replacement for the function cell (no quick fix offers it).
 */
function asAntiderivative(result: EngineChecked): EngineChecked {
  const { expected: _e, ...rest } = result;
  const reason = result.reason.replace(/ Expected (.*)\.$/, ' Its derivative is $1.');
  return { ...rest, reason: `Not an antiderivative of the row's function: ${reason}` };
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

/** What the model believes about the claim's symbols, when it believes anything beyond letter conventions. */
function beliefsOf(claim: Claim): { beliefs?: Belief[] } {
  const vectorial = /\\(?:mathbf|boldsymbol|nabla|vec)|\^\{?(?:T|\\top)\b/.test(claim.latex);
  const beliefs = describeSymbols(claim.context, [claim.lhs.node, claim.rhs.node], show, vectorial);
  // Counted from the claim's start (report.ts), so joining sections does not copy them.
  for (const b of beliefs) if (b.at !== undefined) b.at -= claim.start;
  return beliefs.length ? { beliefs } : {};
}

/** The code of an unchecked verdict's reason: the checker's own, or read from the kind of claim and reason. */
function reasonCodeOf(r: EngineChecked): ReasonCode {
  if (r.reasonCode) return r.reasonCode;
  if (/ran out of time|grows too large|nested too deeply|too large|too many/.test(r.reason)) return 'budget';
  if (r.kind === 'definition' || r.kind === 'value') return 'definition';
  if (r.kind === 'equation') return 'equation';
  return 'not-understood';
}
/** A likely typo in the note, in document offsets (see `SuspiciousNotation`). */
interface Suspicion {
  start: number;
  end: number;
  message: string;
  reading: string | null;
  repaired: boolean;
}

/**
 * A claim's verdict in the light of the likely typos inside it. Where the tree holds the unique repair
 * (`J^{(1)}{21}` read as `J^{(1)}_{21}`) the verdict stands and its reason says how the piece was read; otherwise
 * the claim is not checked (what was written is not what was meant, and nothing is false on a misreading).
 */
function withSuspicions(result: EngineChecked, claim: Claim, suspicions: Suspicion[]): EngineChecked {
  const inside = suspicions.filter((s) => s.start < claim.end && claim.start < s.end);
  if (inside.length === 0) {
    // Nor decided through a definition whose body holds a piece that cannot be read as written.
    const via = suspiciousDefinition(claim, suspicions);
    if (!via) return result;
    const { counterexample: _c, expected: _e, plot: _p, code: _code, ...rest } = result;
    return { ...rest, verdict: 'unchecked', reason: `not checked: it uses the definition of ${via.name}, where ${via.message}`, reasonCode: 'suspicious-notation' };
  }
  const unread = inside.filter((s) => !s.repaired);
  if (unread.length) {
    if (result.verdict === 'unchecked' && result.reason.includes(unread[0].message)) return result;
    const { counterexample: _c, expected: _e, plot: _p, code: _code, ...rest } = result;
    return { ...rest, verdict: 'unchecked', reason: `not checked: ${unread.map((s) => s.message).join('; ')}`, reasonCode: 'suspicious-notation' };
  }
  return { ...result, reason: `${result.reason} (${inside.map((s) => `read as ${s.reading}`).join(', ')})` };
}

/** A definition the claim uses (directly or through other definitions) whose body holds an unrepaired suspicion. */
function suspiciousDefinition(claim: Claim, suspicions: Suspicion[]): { name: string; message: string } | null {
  const unread = suspicions.filter((s) => !s.repaired);
  if (unread.length === 0) return null;
  const seen = new Set<string>();
  const queue: Node[] = [claim.lhs.node, claim.rhs.node];
  while (queue.length) {
    const n = queue.pop()!;
    walk(n, (m) => {
      if (m.type !== 'sym' || seen.has(m.name)) return;
      seen.add(m.name);
      const b = claim.context.bindings.get(m.name);
      if (b) queue.push(b.body);
    });
  }
  for (const name of seen) {
    const b = claim.context.bindings.get(name);
    if (!b) continue;
    const end = b.at + (b.body.span.end - b.body.span.start);
    const s = unread.find((x) => x.start < end && b.at < x.end);
    if (s) return { name: b.name, message: s.message };
  }
  return null;
}


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
  const prefix = shortKey(JSON.stringify(options));
  const byKey = (claim: Claim): EngineChecked => {
    const key = `${prefix}\u0000${claimKey(claim)}`;
    let r = cache.claims.get(key);
    if (!r) {
      r = packed(checkClaim(claim, options));
      cache.claims.set(key, r);
    }
    return r;
  };
  const firstSight = cache.firstSight;
  if (!firstSight) return byKey;
  // Keys only for claims whose text was met before (CheckCacheOptions.claimKeys 'repeat'): the same hits.
  return (claim) => {
    const textKey = shortKey(`${prefix}\u0000${claim.latex}`);
    const first = firstSight.get(textKey);
    if (first === undefined) {
      const r = packed(checkClaim(claim, options));
      firstSight.set(textKey, { claim, result: r });
      return r;
    }
    if (first !== null) {
      cache.claims.set(`${prefix}\u0000${claimKey(first.claim)}`, first.result);
      firstSight.set(textKey, null);
    }
    return byKey(claim);
  };
}

function safeParse(latex: string, macros: MacroTable): ParseResult {
  try {
    return parseLatex(latex, { macros });
  } catch (e) {
    return { formulas: [], texts: [], problems: [{ message: `parser failure: ${(e as Error).message}`, span: { start: 0, end: latex.length } }], suspicious: undefined };
  }
}

function safeValidate(latex: string, display: boolean, macros: Record<string, KatexMacro>): { message: string; start: number; end: number } | null {
  try {
    return validateLatex(latex, display, macros);
  } catch {
    return null;
  }
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

let lastPreamble: { text: string; macros: Map<string, Macro> } | null = null;

/** The macros of the options: the preamble's definitions, then the macros setting (which wins). */
function optionMacros(options: EngineOptions): Map<string, Macro> {
  const settings = macrosFromSettings(options.macros);
  const preamble = options.preamble ?? '';
  if (!preamble) return settings;
  if (lastPreamble?.text !== preamble) lastPreamble = { text: preamble, macros: collectMacros(preamble) };
  return new Map([...lastPreamble.macros, ...settings]);
}

/**
 * Does a plain-text file look like math notes? Markdown is always checked; a `.txt` file only when it writes math
 * the way notes do — a LaTeX command (`\frac`, `\sin`), a prime (`f'(x)`, `y''`), or a power with `^` — so that
 * `todo.txt` with "budget = 3*40 = 100" is left alone. Reads at most the first 200,000 characters.
 */
export function looksLikeMathNotes(text: string): boolean {
  const t = text.length > 200_000 ? text.slice(0, 200_000) : text;
  // A prime: after a one-letter name (f', y'', not don't; I'm is no prime) or a bracket ((fg)').
  return /\\[A-Za-z]{2,}|(?<![A-Za-z'])[A-HJ-Za-z]'|\)'|[A-Za-z0-9)}]\s*\^\s*[-{(A-Za-z0-9]/.test(t);
}

/** Longest expression `differentiateLatex` reads. */
const MAX_DIFFERENTIATE_INPUT = 5000;

/** The canonical name of a variable written in LaTeX: `x`, `\theta` → `theta`, `x_1`, `theta` → `theta`. */
export function variableName(variable: string, options: EngineOptions = {}): string | null {
  const v = variable.trim().replace(/^\$+|\$+$/g, '').trim();
  if (!v) return null;
  if (/^[A-Za-z]{2,}$/.test(v)) return v; // a Greek name written without its backslash
  const parsed = parseLatex(v, { macros: optionMacros(options) });
  if (parsed.problems.length || parsed.formulas.length !== 1) return null;
  const f = parsed.formulas[0];
  if (f.relations.length || f.operands.length !== 1) return null;
  const n = f.operands[0];
  return n.type === 'sym' ? n.name : null;
}

/**
 * The derivative of a LaTeX expression by a variable, printed as readable LaTeX like the checker's messages. The
 * expression is read by the checker's own parser and lowering, with the options' `\log` base and macros, in an
 * empty context (nothing from any note). Never throws: what cannot be done is an `{ error }`.
 */
export function differentiateLatex(latex: string, variable: string, options: EngineOptions = {}): { latex: string } | { error: string } {
  try {
    const body = latex.trim().replace(/^\$+|\$+$/g, '').trim();
    if (!body) return { error: 'nothing to differentiate' };
    if (body.length > MAX_DIFFERENTIATE_INPUT) return { error: 'the expression is too long' };
    const x = variableName(variable, options);
    if (!x) return { error: `${variable} is not a variable` };
    const parsed = parseLatex(body, { macros: optionMacros(options) });
    if (parsed.problems.length) return { error: `could not read the expression: ${parsed.problems[0].message}` };
    if (parsed.formulas.length !== 1) return { error: 'expected one expression' };
    const f = parsed.formulas[0];
    if (f.relations.length || f.leading || f.operands.length !== 1) return { error: 'expected an expression, not an equation or relation' };
    const node = f.operands[0];
    const lw = new Lowerer(EMPTY_CONTEXT, [node], { logBase: options.logBase ?? 'e' });
    // A sum with symbolic bounds is checked written out at small sizes; its derivative is no such expression.
    if (lw.sizeSymbols.size || lw.freeIndices.size) return { error: 'sums and products with symbolic bounds are not differentiated here' };
    return { latex: toLatex(diff(lw.lower(node), x)) };
  } catch (e) {
    return { error: (e as Error)?.message || String(e) };
  }
}
