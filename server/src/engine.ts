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
  counterexample?: CheckedClaim['counterexample'];
  expected?: string;
  computed?: string;
  /** What the hover plots for this claim (drawn lazily by the hover). */
  plot?: CheckedClaim['plot'];
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

export interface DocumentReport {
  fragments: MathFragment[];
  claims: ClaimReport[];
  diagnostics: EngineDiagnostic[];
}

export function checkDocument(text: string, options: EngineOptions = {}): DocumentReport {
  const mode = options.mode ?? 'markdown';
  const { fragments, directives } = scanMath(text, { mode, bareFormulas: options.bareFormulas ?? true });
  const diagnostics: EngineDiagnostic[] = [];
  // The note's own \newcommand / \def (anywhere in it) and the macros setting.
  const macros = new Map([...macrosFromSettings(options.macros), ...collectMacros(text)]);
  const parses: ParseResult[] = fragments.map((f) => safeParse(f.latex, macros));

  for (const f of fragments) {
    if (f.disabled || f.delimiter === 'bare' || f.delimiter === 'bare-inline') continue;
    // KaTeX refuses to \newcommand a name it already knows (it has its own \R): validate the fragment with its
    // definitions blanked out and every macro passed in.
    const err = safeValidate(withoutDefinitions(f.latex), f.display || f.delimiter === 'env', katexMacros(macros));
    if (err) {
      const start = f.start + Math.max(0, Math.min(err.start, f.latex.length));
      const end = Math.max(start + 1, f.start + Math.max(0, Math.min(err.end, f.latex.length)));
      diagnostics.push({ start, end: Math.min(end, f.end || end), severity: 'error', code: 'latex-syntax', message: `LaTeX error: ${err.message}` });
    }
  }

  const claims = interpret(fragments, parses, { text, mode });
  const layout = directives.layout === 'numerator' || directives.layout === 'denominator' ? directives.layout : (options.matrixLayout ?? 'denominator');
  const checkOptions = { logBase: options.logBase ?? 'e', budgetMs: options.budgetMs ?? 200, matrixLayout: layout } as const;
  const reports: ClaimReport[] = [];
  const wrongChains = new Set<number>();
  for (const claim of claims) {
    if (claim.disabled) continue;
    let result: CheckedClaim;
    if (wrongChains.has(claim.chain)) {
      const r = checkClaim(claim, checkOptions);
      result = r.verdict === 'false' ? { verdict: 'unchecked', kind: r.kind, reason: 'not checked: it follows a wrong step earlier in this chain' } : r;
    } else {
      result = checkClaim(claim, checkOptions);
    }
    if (result.verdict === 'false') wrongChains.add(claim.chain);
    reports.push({
      start: claim.start,
      end: claim.end,
      latex: claim.latex,
      kind: result.kind,
      verdict: result.verdict,
      reason: result.reason,
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
  reports.push(...chainEnds(claims, reports, checkOptions));
  reports.sort((a, b) => a.start - b.start || a.end - b.end);
  diagnostics.sort((a, b) => a.start - b.start || a.end - b.end);
  return { fragments, claims: reports, diagnostics };
}

/**
 * A chain whose middle steps cannot be read (matrices written entry by entry with `\vdots`, sums) can still say
 * something checkable end to end: `\frac{d\mathbf y}{d\mathbf x} = [\ldots] = [\ldots] = \mathbf A^T`. When its
 * first and last sides agree, that is reported as one more verified claim over the whole chain; when they do
 * not, nothing is said (the wrong step cannot be pinpointed).
 */
function chainEnds(claims: Claim[], reports: ClaimReport[], options: Parameters<typeof checkClaim>[1]): ClaimReport[] {
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
    const result = checkClaim(whole, options);
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
