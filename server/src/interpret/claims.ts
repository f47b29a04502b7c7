/**
 * Stage 3 — interpret. Turns the parsed fragments of a note, in reading order, into claims: each `=` between
 * neighbours of a chain `A = B = C` (rows of aligned blocks and lines starting with `=` continue the chain),
 * with the note's context as it stood, the conditions stated with it, and what the prose around it says.
 * Definitions and values are recorded as claims that are not checked, with the reason; approximations (`≈`) are
 * checked as Taylor polynomials by the checker.
 */
import type { Formula, Node, ParseResult, RelOp, Span } from '../parse/ast';
import { containsNode } from '../parse/walk';
import type { MathFragment } from '../scan/types';
import { LineMap } from '../scan/lines';
import { Binding, EMPTY_CONTEXT, NoteContext, withBinding, withoutBinding, withShape } from './context';

export type ClaimKind =
  | 'derivative' // a derivative of a concrete expression
  | 'rule' // a general rule over abstract functions
  | 'step' // a worked step following a previous expression
  | 'notation' // two notations for the same derivative
  | 'identity' // an algebraic identity without derivatives
  | 'definition'
  | 'value'
  | 'approximation'
  | 'equation'
  | 'chain'; // a whole chain whose first and last sides agree (its middle steps not understood)

export interface Operand {
  node: Node;
  /** Document offset of the fragment's LaTeX start (node spans are relative to it). */
  base: number;
  latex: string;
}

export interface Condition {
  lhs: Node;
  op: RelOp;
  rhs: Node;
}

export interface Claim {
  fragment: number;
  lhs: Operand;
  rhs: Operand;
  op: RelOp;
  /** Document offsets of the claim: from the left operand's start to the right operand's end. */
  start: number;
  end: number;
  latex: string;
  /** Position in its chain: 0 for `A = B`, 1 for `B = C`, … */
  link: number;
  /** All operands of the chain (for "worked steps" reporting). */
  chain: number;
  context: NoteContext;
  conditions: Condition[];
  /** Set when the interpreter already knows the claim is not to be checked. */
  preset?: { kind: ClaimKind; reason: string };
  /** Reasons from the prose why a failing check may not mean the claim is wrong. */
  doubts: string[];
  disabled: boolean;
  /** True when some operand of the chain uses derivative notation. */
  chainHasDerivative: boolean;
  /** 0-based line of the claim's start, when the note's text is known. */
  line?: number;
  /** Shape declarations stated in the claim's sentence (`A \in \mathbb{R}^{m \times n}`), for vector claims. */
  declarations?: Condition[];
  /** Assumptions the claim's sentence states about its matrices ("for symmetric $\Sigma$"): `symmetric`. */
  assumptions?: string[];
}

export interface InterpretOptions {
  /** Claims are made only from these delimiters ('bare-inline' runs only feed context). */
  contextOnly?: (f: MathFragment) => boolean;
  /** The note's text and kind, to see section headings (definitions are local to their section). */
  text?: string;
  mode?: 'markdown' | 'text';
}

/** Is there a section heading in this stretch of prose? Markdown `#` headings, or in plain text a short title line. */
export function hasHeading(prose: string, mode: 'markdown' | 'text'): boolean {
  if (mode === 'markdown') return /(^|\n)[ ]{0,3}#{1,6}[ \t]/.test(prose);
  const lines = prose.split(/\r?\n/);
  for (let i = 1; i + 1 < lines.length; i++) {
    const l = lines[i].trim();
    if (!l || lines[i - 1].trim() !== '' || lines[i + 1].trim() !== '') continue;
    // A title: short, capitalised, no sentence punctuation, not a clause that leads into a formula ("Hence, we have").
    if (
      l.length <= 60 &&
      l.split(/\s+/).length <= 6 &&
      /^[A-Z0-9]/.test(l) &&
      !/[.,:;=?!]$/.test(l) &&
      !/[=\\^_,]/.test(l) &&
      !/\b(we|have|get|is|are|by|of|that|as|where|then|gives)$/i.test(l)
    ) {
      return true;
    }
  }
  return false;
}

const CLAIM_OPS = new Set<RelOp>(['=', '\\approx', ':=', '\\equiv']);
const CONDITION_OPS = new Set<RelOp>(['<', '>', '\\le', '\\ge', '\\neq']);

const SOLVING = /\b(setting|set|solv(?:e|es|ing)|suppose|assume|assuming|if|when|whenever|such that|requires?|satisf(?:y|ies|ied)|provided|only when|for some|what does|means? that)\b[^.]*$/i;

/** A claim's LaTeX without alignment marks and row breaks (`a &= b \\ &= c` reads `a = b`). */
function tidy(latex: string): string {
  return latex
    .replace(/\\\\(\[[^\]]*\])?\s*&?\s*(?==)/g, ' ')
    .replace(/(^|[^\\])&\s*(?==)/g, '$1')
    .replace(/=\s*&/g, '=')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Raw prose with its inline math replaced by a placeholder (so `0.1` or `?` inside math does not count). */
function maskMath(prose: string): string {
  return prose.replace(/\$\$[\s\S]*?\$\$|\$[^$]*\$|\\\([\s\S]*?\\\)|\\\[[\s\S]*?\\\]/g, 'M');
}

/** Prose with fenced code blocks removed (a `# comment` in code is not a heading). */
function withoutCode(prose: string): string {
  return prose.replace(/^[ \t]*(```|~~~)[^\n]*\n[\s\S]*?^[ \t]*\1[^\n]*$/gm, '');
}

const CONSTANT_NAMES = new Set(['pi', 'e', 'infty']);

/** A number or an expression of numbers and constants only (`2`, `\pi`, `\sqrt{2}`, `-3/4`). */
export function isConstant(n: Node): boolean {
  return !containsNode(n, (m) => (m.type === 'sym' && !CONSTANT_NAMES.has(m.name)) || m.type === 'apply' || m.type === 'deriv' || m.type === 'prime' || m.type === 'unknown' || m.type === 'ellipsis');
}

function sliceLatex(f: MathFragment, s: Span): string {
  return f.latex.slice(s.start, s.end);
}

const isDerivativeNode = (m: Node): boolean => m.type === 'deriv' || m.type === 'prime';

/** `f(x, y) = …` or `u = …`: what the left side defines, or null when it is not a definition's shape. */
function definitionTarget(lhs: Node): { name: string; params: string[] | null } | null {
  if (lhs.type === 'sym') return { name: lhs.name, params: null };
  if (lhs.type === 'apply' && !lhs.bracket && lhs.fn.type === 'sym' && lhs.args.length > 0 && lhs.args.every((a) => a.type === 'sym')) {
    const params = lhs.args.map((a) => (a as { name: string }).name);
    if (new Set(params).size !== params.length) return null;
    return { name: lhs.fn.name, params };
  }
  return null;
}

const isRealSpace = (n: Node): boolean =>
  (n.type === 'sym' && n.font === 'bb' && n.base === 'R') || (n.type === 'pow' && n.base.type === 'sym' && n.base.font === 'bb' && n.base.base === 'R');

/**
 * Shape declarations in a fragment's formulas: `\mathbf{x} \in \mathbb{R}^n`, `A \in \mathbb{R}^{m \times n}`,
 * `\mathbf{x}, \mathbf{y} \in \mathbb{R}^n`, and chains such as `\mathbf{x} \in \mathbb{R}^p \ \mathbf{y} \in \mathbb{R}^r`
 * (where the parser joins the set and the next name into one product).
 */
export function shapeDeclarations(formulas: Formula[]): Condition[] {
  const out: Condition[] = [];
  let pending: Node[] = [];
  for (const formula of formulas) {
    const lone = formula.operands.length === 1 && !formula.leading ? formula.operands[0] : null;
    if (lone && lone.type === 'sym') {
      pending.push(lone);
      continue;
    }
    let declared = false;
    formula.relations.forEach((r, k) => {
      if (r.op !== '\\in') return;
      let lhs = formula.operands[k];
      let rhs = formula.operands[k + 1];
      if (lhs.type === 'mul' && lhs.factors.length >= 2 && isRealSpace(lhs.factors[0])) lhs = lhs.factors[lhs.factors.length - 1];
      if (rhs.type === 'mul' && rhs.factors.length >= 2) rhs = rhs.factors[0];
      if (lhs.type !== 'sym' || !isRealSpace(rhs)) return;
      if (k === 0) for (const p of pending) out.push({ lhs: p, op: '\\in', rhs });
      out.push({ lhs, op: '\\in', rhs });
      declared = true;
    });
    if (!declared || formula.relations.length) pending = [];
  }
  return out;
}

function mentions(n: Node, name: string): boolean {
  return containsNode(n, (m) => m.type === 'sym' && m.name === name);
}

export function interpret(
  fragments: MathFragment[],
  parses: ParseResult[],
  options: InterpretOptions = {},
): Claim[] {
  const contextOnly = options.contextOnly ?? ((f: MathFragment) => f.delimiter === 'bare-inline');

  // Conditions stated anywhere in a sentence apply to the claims of that sentence.
  const sentenceConditions = new Map<number, Condition[]>();
  const sentenceDeclarations = new Map<number, Condition[]>();
  const fragmentDeclarations: Condition[][] = [];
  fragments.forEach((f, i) => {
    const decls = shapeDeclarations(parses[i].formulas);
    fragmentDeclarations.push(decls);
    if (decls.length) sentenceDeclarations.set(f.sentence, [...(sentenceDeclarations.get(f.sentence) ?? []), ...decls]);
    for (const formula of parses[i].formulas) {
      formula.relations.forEach((r, k) => {
        const lhs = formula.operands[k];
        const rhs = formula.operands[k + 1];
        // `x = 2` in the sentence: the claims there are stated at that point.
        const point = r.op === '=' && formula.relations.length === 1 && !formula.leading && lhs.type === 'sym' && !lhs.font && isConstant(rhs);
        if (!CONDITION_OPS.has(r.op) && !point) return;
        const list = sentenceConditions.get(f.sentence) ?? [];
        list.push({ lhs, op: r.op, rhs });
        sentenceConditions.set(f.sentence, list);
      });
    }
  });

  const claims: Claim[] = [];
  let ctx: NoteContext = EMPTY_CONTEXT;
  let chainId = 0;
  let previous: { operand: Operand; fragment: number; chain: number; link: number; hasDerivative: boolean } | null = null;

  const lines = options.text !== undefined ? new LineMap(options.text) : null;
  fragments.forEach((f, fi) => {
    const parse = parses[fi];
    ctx = leaveSentence(ctx, f.sentence);
    // Only whitespace between two fragments lets a `= …` line continue the previous chain.
    let adjacent = fi > 0;
    if (options.text !== undefined && fi > 0) {
      const gap = options.text.slice(fragments[fi - 1].outerEnd, f.outerStart);
      adjacent = /^\s*$/.test(gap);
      if (hasHeading(withoutCode(gap), options.mode ?? 'markdown')) ctx = EMPTY_CONTEXT;
    }
    // A bare mention `z(x, y)` declares what z depends on: it forgets an earlier plain definition of z (a
    // function defined with other parameters is forgotten too; `f(x)` after `f(x) = …` is just a mention).
    for (const formula of parse.formulas) {
      const only = formula.operands.length === 1 && !formula.leading ? formula.operands[0] : null;
      if (only && only.type === 'apply' && !only.bracket && only.fn.type === 'sym' && only.args.every((a) => a.type === 'sym')) {
        const b = ctx.bindings.get(only.fn.name);
        const args = only.args.map((a) => (a as { name: string }).name);
        if (b && (!b.params || b.params.join(',') !== args.join(','))) ctx = withoutBinding(ctx, only.fn.name);
      }
    }
    const onlyContext = contextOnly(f);
    const before = maskMath(f.proseBefore).slice(-200);
    const solving = SOLVING.exec(before);
    // "If x > 0, then …": the claim is the consequence, not the condition.
    const consequent = solving !== null && /\b(then|we (?:have|get|find))\b/i.test(before.slice(solving.index + solving[1].length));
    const proseDoubt = /^[^.!]*\?/.test(maskMath(f.proseAfter))
      ? 'the sentence is a question'
      : solving && !consequent
        ? `the sentence sets up an equation or condition ("${solving[1]}…")`
        : null;
    const conditions = sentenceConditions.get(f.sentence) ?? [];
    const declarations = sentenceDeclarations.get(f.sentence);
    const assumptions = statedAssumptions(`${maskMath(f.proseBefore)} ${maskMath(f.proseAfter)}`);
    for (const d of fragmentDeclarations[fi]) if (d.lhs.type === 'sym') ctx = withShape(ctx, d.lhs.name, { lhs: d.lhs, rhs: d.rhs });

    // A chain may continue from the previous fragment only when this one starts with a relation.
    if (previous && (previous.fragment !== fi - 1 || !adjacent)) previous = null;

    parse.formulas.forEach((formula: Formula) => {
      let operands: Operand[] = formula.operands.map((node) => ({ node, base: f.start, latex: sliceLatex(f, node.span) }));
      let relations = formula.relations.map((r) => r.op);
      let link0 = 0;
      let chain: number;
      let carriedDerivative = false;
      if (formula.leading && previous && operands.length >= 1) {
        operands = [previous.operand, ...operands];
        relations = [formula.leading.op, ...relations];
        chain = previous.chain;
        link0 = previous.link + 1;
        carriedDerivative = previous.hasDerivative;
      } else {
        chain = ++chainId;
      }
      if (formula.leading && !previous) {
        // A dangling continuation: nothing to compare it with.
        if (operands.length < 2) return;
      }
      const hasDerivative = carriedDerivative || operands.some((o) => containsNode(o.node, isDerivativeNode));

      let definingChain = true;
      for (let k = 0; k < relations.length; k++) {
        const op = relations[k];
        const lhs = operands[k];
        const rhs = operands[k + 1];
        if (!lhs || !rhs || !CLAIM_OPS.has(op)) continue;
        const start = lhs.base + lhs.node.span.start;
        const end = rhs.base + rhs.node.span.end;
        const claim: Claim = {
          fragment: fi,
          lhs,
          rhs,
          op,
          start,
          end,
          latex: tidy(lhs.base === rhs.base ? f.latex.slice(lhs.node.span.start, rhs.node.span.end) : `${lhs.latex} ${op} ${rhs.latex}`),
          link: link0 + k,
          chain,
          context: ctx,
          conditions,
          // "When $x$ is small, …", "Assume $h$ is small: …" state the range of an approximation, not an equation to solve.
          doubts: proseDoubt && !(op === '\\approx' && proseDoubt.startsWith('the sentence sets up')) ? [proseDoubt] : [],
          disabled: f.disabled,
          chainHasDerivative: hasDerivative,
          line: lines ? lines.positionAt(start).line : undefined,
        };
        if (declarations) claim.declarations = declarations;
        if (assumptions.length) claim.assumptions = assumptions;

        // `y = f(x) = x^3 - 1/x` defines both y and f: a chain of definitions ends at its first non-target.
        const isFirst = link0 + k === 0 || (definingChain && link0 === 0);
        const target = isFirst && op !== '\\approx' ? definitionTarget(lhs.node) : null;
        if (!target) definingChain = false;
        if (op === '\\approx') {
          // Checked as a Taylor polynomial (check/taylor.ts); what the prose says about its range is kept.
          if (ASYMPTOTIC.test(`${f.proseBefore.slice(-200)} ${f.proseAfter.slice(0, 200)}`)) {
            claim.doubts.push('the sentence speaks of large values: an asymptotic approximation, not a Taylor polynomial');
          }
        } else if (op === ':=' || op === '\\equiv') {
          claim.preset = { kind: 'definition', reason: `a definition (${op === ':=' ? ':=' : '≡'})` };
          if (target) ctx = bind(ctx, target, rhs, f, lines);
        } else if (target && !containsNode(lhs.node, isDerivativeNode)) {
          const selfRef = mentions(rhs.node, target.name);
          const isValue = isConstant(rhs.node);
          if (isPointName(lhs.node, rhs.node)) {
            // `x = x_0` ("at $x = x_0$"): a point, not a definition of x.
            claim.preset = { kind: 'value', reason: `gives ${lhs.latex.trim()} the value ${rhs.latex.trim()} (a point)` };
          } else if (isValue) {
            // `x = 2`, or `f(x, y) = -12` at a point: a value, not a definition.
            claim.preset = { kind: 'value', reason: `gives ${lhs.latex.trim()} a value` };
          } else {
            claim.preset = { kind: 'definition', reason: `defines ${lhs.latex.trim()}` };
            if (!selfRef) ctx = bind(ctx, target, rhs, f, lines);
          }
        } else if (containsNode(rhs.node, (m) => m.type === 'limit') || containsNode(lhs.node, (m) => m.type === 'limit')) {
          claim.preset = { kind: 'definition', reason: 'a definition by a limit' };
        }
        if (!onlyContext) claims.push(claim);
      }

      const last = operands[operands.length - 1];
      if (last) previous = { operand: last, fragment: fi, chain, link: link0 + relations.length - 1, hasDerivative };
    });
  });
  return claims;
}

/** Prose that makes an approximation asymptotic ("for large $x$", "as $n \\to \\infty$"), not one near a point. */
const ASYMPTOTIC = /\b(large|big|huge|asymptotic(?:ally)?|dominat(?:es|ing)|dominant|leading[- ]order|leading term)\b|\\infty|∞/i;

/** `x = x_0`, `y = y_1`: a letter set to a point named after it. */
function isPointName(lhs: Node, rhs: Node): boolean {
  return lhs.type === 'sym' && rhs.type === 'sym' && !lhs.sub && !lhs.font && rhs.base === lhs.base && rhs.name !== lhs.name && !rhs.font;
}

/** Assumptions about matrices stated in a sentence ("for symmetric A", "symmetric positive definite"). */
function statedAssumptions(prose: string): string[] {
  const out: string[] = [];
  // "only right for symmetric B", "unless A is symmetric", "not symmetric": no assumption.
  const denied = /\b(not|non|nor)[- ]symmetric\b|\basymmetric\b|\bskew[- ]symmetric\b|\b(only|unless|except)\b[^.]*\bsymmetric\b/i;
  if (/\bsymmetric\b/i.test(prose) && !denied.test(prose)) out.push('symmetric');
  return out;
}

const CONDITIONAL = /\b(if|suppose|supposing|when|whenever|assume|assuming)\b[^.]*$/i;

function bind(ctx: NoteContext, target: { name: string; params: string[] | null }, rhs: Operand, f: MathFragment, lines: LineMap | null): NoteContext {
  const at = f.start + rhs.node.span.start;
  const b: Binding = {
    name: target.name,
    params: target.params,
    body: rhs.node,
    bodyLatex: rhs.latex,
    at,
  };
  if (lines) b.line = lines.positionAt(at).line;
  if (CONDITIONAL.test(f.proseBefore.slice(-200))) b.sentence = f.sentence;
  return withBinding(ctx, b);
}

/** Drop definitions made in a conditional sentence once reading has left that sentence. */
function leaveSentence(ctx: NoteContext, sentence: number): NoteContext {
  let out = ctx;
  for (const b of ctx.bindings.values()) if (b.sentence !== undefined && b.sentence !== sentence) out = withoutBinding(out, b.name);
  return out;
}
