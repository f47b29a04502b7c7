/**
 * Stage 3 — interpret. Turns the parsed fragments of a note, in reading order, into claims: each `=` between
 * neighbours of a chain `A = B = C` (rows of aligned blocks and lines starting with `=` continue the chain),
 * with the note's context as it stood, the conditions stated with it, and what the prose around it says.
 * Definitions and values are recorded as claims that are not checked, with the reason; approximations (`≈`) are
 * checked as Taylor polynomials by the checker.
 */
import type { Formula, Node, ParseResult, RelOp, Span, SymNode, TextPiece } from '../parse/ast';
import { containsNode } from '../parse/walk';
import type { MathFragment, ScannedTable } from '../scan/types';
import { LineMap } from '../scan/lines';
import { Binding, Conventions, EMPTY_CONTEXT, NoteContext, forgetKind, functionCertainty, withAssumption, withBinding, withConstant, withConvention, withFunction, withoutBinding, withQuantity, withShape } from '../semantics/context';
import { PROSE_RULE_WORDS, conventionsIn, namesIn, readProse as readSentence, stateConvention, type ProseDeclaration } from '../semantics/prose';
import { listItems, primedFunctions, usageOf } from '../semantics/scopes';
import { subscriptPartial, writtenDifferentials } from '../semantics/notation';
import { doubt, type Doubt } from '../semantics/reasons';
import { derivativeOf, tableClaims } from './tables';
import { plainText } from '../check/plain';

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
  doubts: Doubt[];
  disabled: boolean;
  /** True when some operand of the chain uses derivative notation. */
  chainHasDerivative: boolean;
  /** 0-based line of the claim's start, when the note's text is known. */
  line?: number;
  /** Shape declarations stated in the claim's sentence (`A \in \mathbb{R}^{m \times n}`), for vector claims. */
  declarations?: Condition[];
  /** Assumptions the claim's sentence states about its matrices ("for symmetric $\Sigma$"): `symmetric`. */
  assumptions?: string[];
  /** The list item (offset of its first line) the claim is in, when it is in one. */
  item?: number;
  /**
   * Other plausible readings of the claim's context (a block that defined its subject several ways): the claim
   * is false only when it fails under every reading, verified only when it holds under every one.
   */
  alternatives?: NoteContext[];
  /** What the alternatives are readings of, for the message when they disagree. */
  readingsWhy?: string;
  /**
   * In a chain of several links with differentials, the names whose differentials the chain writes (`dW` in
   * `2y^T d(Wx + b) = 2y^T (dW)x`): a derivation works with one set of variables, which its differentials name.
   */
  chainDifferentials?: string[];
  /** A row of a table of derivatives (or antiderivatives): its cells are the claim's sides. */
  table?: 'derivative' | 'antiderivative';
}

export interface InterpretOptions {
  /** Claims are made only from these delimiters ('bare-inline' runs only feed context). */
  contextOnly?: (f: MathFragment) => boolean;
  /** The note's text and kind, to see section headings (definitions are local to their section). */
  text?: string;
  mode?: 'markdown' | 'text';
  /** Conventions the note's earlier sections stated (when this text is one section of a longer note). */
  conventions?: Conventions;
  /** The note's Markdown tables (from the scanner): a table whose header states a relation claims it on each row. */
  tables?: ScannedTable[];
  /**
   * What sentences of prose declare, by their text (`readProse` is a pure function of it): the engine passes its
   * cache's table, so that a sentence repeated across sections is read once per run. Without it, a table for
   * this call.
   */
  prose?: ProseMemo;
  /**
   * Markdown: where the note's headings start, as the scanner's block pass found them (ScanResult.headings: not in
   * code, comments or math fences); they start its sections. None given: no headings. (Plain text has no marked
   * headings: a short title line between blank lines in the prose between fragments starts a section.)
   */
  headings?: readonly number[];
}

/** A table of `readProse` answers by text (a Map, or the engine cache's bounded one). */
export interface ProseMemo {
  get(text: string): ProseDeclaration[] | undefined;
  set(text: string, decls: ProseDeclaration[]): void;
}

/** Is there a section heading in this stretch of prose? Markdown `#` headings, or in plain text a short title line. */
export function hasHeading(prose: string, mode: 'markdown' | 'text'): boolean {
  if (mode === 'markdown') return prose.includes('#') && /(^|\n)[ ]{0,3}#{1,6}[ \t]/.test(prose);
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

/**
 * Prose that asks for the zeros of an expression: "set the derivative to zero", "setting it equal to $0$", "solve
 * for", "has a root near", "find where …", "critical points". A link `… = c` (a constant side) stated with it is an
 * equation to solve, not an identity. (Math in the prose is masked to `M`; "square root" alone does not count.)
 */
const ZERO_PROSE =
  /\bset(?:s|ting)?\b[^.;:]{0,60}?\b(?:to|equal to|equals?)\s+(?:zero|0|M)\b|\bequal to (?:zero|0)\b|\bsolv(?:e|es|ed|ing)\b|\b(?:has|have|having|find|finding|its|the)\s+(?:a|an|one|two|three|no|real|its|the|\d+)?\s*(?:real\s+|double\s+|single\s+)?roots?\b(?!\s+mean)|\bzeros?\s+of\b|\bfind(?:ing)?\s+(?:where|when)\b|\b(?:critical|stationary|turning)\s+points?\b/i;

/** Words without which ZERO_PROSE cannot match (each of its phrases holds one). */
const ZERO_WORDS = /set|equal|solv|root|zero|find|point/i;

/**
 * The prose that introduces a fragment: its own sentence, and the line just before it (the bullet or line that
 * leads into a display, "Set the derivative to zero." followed by the formula). Math is masked. Empty when none of
 * it holds a word of ZERO_WORDS (the only use is a search for ZERO_PROSE; masking is the costly part).
 */
function leadingProse(f: MathFragment, text: string | undefined, maskedBefore: string, maskedAfter: string): string {
  const sentence = `${maskedBefore.slice(-200)} ${maskedAfter.replace(/[.!?][\s\S]*$/, '')}`;
  if (text === undefined) return ZERO_WORDS.test(sentence) ? sentence : '';
  // Only the 2,000 characters before the fragment are looked at: a note written on one long line must not cost a
  // pass over the whole line per formula. Lines are cut to their last 400 characters.
  const base = Math.max(0, f.outerStart - 2000);
  const window = text.slice(base, f.outerStart);
  let lineStart = window.lastIndexOf('\n') + 1;
  const own = window.slice(Math.max(lineStart, window.length - 400));
  // The previous line that holds something besides quote marks (`>`) and list marks.
  let prev = '';
  for (let k = 0; k < 3 && lineStart > 0; k++) {
    const end = lineStart - 1;
    lineStart = window.lastIndexOf('\n', end - 1) + 1;
    const line = window.slice(Math.max(lineStart, end - 400), end);
    if (/^[\s>*+-]*$/.test(line)) continue;
    prev = line;
    break;
  }
  if (!ZERO_WORDS.test(sentence) && !ZERO_WORDS.test(own) && !ZERO_WORDS.test(prev)) return '';
  return `${maskMath(prev)} ${maskMath(own)} ${sentence}`;
}

/**
 * Prose that presents what follows as a mistake: "you cannot do", "don't write", "this is wrong", "a common
 * mistake". Notes show wrong steps on purpose; the claim is then the note's example of an error, not its claim.
 */
const WRONG_PROSE =
  /\b(?:cannot|can ?not|can't|must not|mustn't|should not|shouldn't|do not|don't|never)\s+(?:do|write|say|conclude|claim|assume)\b|\b(?:is|are)\s+(?:wrong|incorrect|invalid|not (?:true|correct|valid))\b|\b(?:common|frequent|typical|classic)\s+(?:mistake|error|misconception)s?\b|\b(?:mistake|misconception|fallacy)\s*(?:is|:)/i;

/** A word every WRONG_PROSE phrase holds (most prose has none: no pass of the phrase rules over it). */
const WRONG_WORDS = /cannot|\bnot\b|n't|never|wrong|incorrect|invalid|mistake|error|misconception|fallacy/i;

/**
 * The prose that leads into a fragment: its own sentence before it and, for display math, the paragraph right
 * before it when that paragraph does not end a sentence ("You cannot do" followed by the formula).
 */
function introducedAsWrong(f: MathFragment, text: string | undefined, maskedBefore: string): RegExpExecArray | null {
  const before = maskedBefore.slice(-200);
  const own = WRONG_WORDS.test(before) ? WRONG_PROSE.exec(before.replace(/[*_]/g, '')) : null;
  if (own || !f.display || text === undefined) return own;
  const near = text.slice(Math.max(0, f.outerStart - 400), f.outerStart);
  if (!WRONG_WORDS.test(near)) return null;
  const window = near.replace(/\s+$/, '');
  const paragraph = window.slice(window.search(/(?:\n[ \t>]*\n)(?![\s\S]*\n[ \t>]*\n)/) + 1);
  if (!paragraph.trim() || /[.!?]\s*$/.test(paragraph)) return null;
  return WRONG_PROSE.exec(maskMath(paragraph).replace(/[*_]/g, ''));
}

/**
 * A sentence about percentages or money ("$1 + 100\%$ of $1 = 1 + 1$"): its numbers may carry units or be parts of
 * a phrase in words, so its arithmetic is not read as plain numbers.
 */
const MONEY_OR_PERCENT = /%|\\\$|[€£¥]|\b(?:dollars?|euros?|cents?|USD|EUR|GBP|percent(?:age)?s?|per cent)\b/i;

/** Text right after a value that reads as its unit (`3\text{cm}`, `0.5\text{ m/s}`): short, no prose word. */
const PROSE_WORDS = /^(and|or|if|for|when|where|with|so|then|at|as|is|are|since|because|thus|hence|else|otherwise|by|from|to|in|on|of|the|a|an|we|it|which|but|not|all|any|some|each|every|also|i\.e\.|e\.g\.|iff|only|near|about|here|there|get|gives?|yields?|means?)$/i;
function unitAfter(f: MathFragment, texts: TextPiece[], end: number): TextPiece | null {
  for (const t of texts) {
    if (t.span.start < end) continue;
    const gap = f.latex.slice(end, t.span.start);
    if (!/^(\s|\\[,;:! ]|~)*$/.test(gap)) continue;
    const word = t.text.trim();
    if (!word || word.length > 16 || !/^[A-Za-z°µ%$\\/^{}0-9.\s-]+$/.test(word) || /\s/.test(word) || PROSE_WORDS.test(word)) return null;
    return t;
  }
  return null;
}

/** A `\text{…}` right before a formula's leading relation (`\text{Tangent slope} &= -12`): its left side, in words. */
function textBefore(f: MathFragment, texts: TextPiece[], start: number): TextPiece | null {
  for (const t of texts) {
    if (t.span.end > start || !t.text.trim()) continue;
    // The words stand alone at the start of their row, right before the relation.
    const rowStart = /(^|\\\\(\[[^\]]*\])?|\\begin\{[a-zA-Z*]+\}(\{[^}]*\})?)\s*$/.test(f.latex.slice(0, t.span.start));
    if (rowStart && /^[\s&]*$/.test(f.latex.slice(t.span.end, start))) return t;
  }
  return null;
}

/** A claim's LaTeX without alignment marks and row breaks (`a &= b \\ &= c` reads `a = b`). */
function tidy(latex: string): string {
  if (!latex.includes('&') && !latex.includes('\\\\')) return /\s\s|[^\S ]/.test(latex) ? latex.replace(/\s+/g, ' ').trim() : latex.trim();
  return latex
    .replace(/\\\\(\[[^\]]*\])?\s*&?\s*(?==)/g, ' ')
    .replace(/(^|[^\\])&\s*(?==)/g, '$1')
    .replace(/=\s*&/g, '=')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Raw prose with its inline math replaced by a placeholder (so `0.1` or `?` inside math does not count). */
function maskMath(prose: string): string {
  // (Most prose holds no math at all: no pass of the pattern over it.)
  if (!prose.includes('$') && !prose.includes('\\')) return prose;
  return prose.replace(/\$\$[\s\S]*?\$\$|\$[^$]*\$|\\\([\s\S]*?\\\)|\\\[[\s\S]*?\\\]/g, 'M');
}

/** Prose with fenced code blocks removed (a `# comment` in code is not a heading). */
function withoutCode(prose: string): string {
  if (!prose.includes('```') && !prose.includes('~~~')) return prose;
  return prose.replace(/^[ \t]*(```|~~~)[^\n]*\n[\s\S]*?^[ \t]*\1[^\n]*$/gm, '');
}

/** Conditional words of Chinese, Japanese and Korean prose ("if", "suppose", "in the case that"). */
const CONDITIONAL_CJK = /(若|如果|假如|假设|假定|もし|ならば|場合|경우|만약)[^。．！？]*$/;

/** A number or an expression of numbers and constants only (`2`, `\pi`, `\sqrt{2}`, `-3/4`). */
export function isConstant(n: Node): boolean {
  return factsOf(n).constant;
}

/** What the rules below ask of a tree (constant, holds a derivative, a limit): semantics/scopes.ts `usageOf`. */
const factsOf = usageOf;

function sliceLatex(f: MathFragment, s: Span): string {
  return f.latex.slice(s.start, s.end);
}

/** Does a tree hold a derivative (`\frac{d}{dx}`, a prime)? */
const holdsDerivative = (n: Node): boolean => factsOf(n).derivative;

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
  // Read once: callers pass options objects of several shapes, and the loops below read these for every fragment.
  const noteText = options.text;
  const mode = options.mode ?? 'markdown';
  // Notes repeat their sentences ("Here $x$ is real."): each text is read once.
  const proseMemo: ProseMemo = options.prose ?? new Map<string, ProseDeclaration[]>();
  const readProse = (text: string): ProseDeclaration[] => {
    if (text.length > 4000) return readSentence(text);
    let decls = proseMemo.get(text);
    if (decls === undefined) {
      decls = readSentence(text);
      proseMemo.set(text, decls);
    }
    return decls;
  };

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
  const rowClaims = tableClaims(options.tables, fragments, parses);
  let ctx: NoteContext = options.conventions ? { ...EMPTY_CONTEXT, conventions: options.conventions } : EMPTY_CONTEXT;
  let chainId = 0;
  let previous: { operand: Operand; fragment: number; chain: number; link: number; hasDerivative: boolean } | null = null;

  const lines = noteText !== undefined ? new LineMap(noteText) : null;
  // Scopes: the section of each fragment (a heading starts one) and the list item it is in.
  const sectionOf: number[] = [];
  // The last heading between each fragment and the one before it (-1: none), from the scanner's headings.
  const headingBefore: number[] = [];
  const headings = mode === 'markdown' ? options.headings ?? [] : undefined;
  let h = 0;
  fragments.forEach((f, fi) => {
    if (headings) {
      let last = -1;
      while (h < headings.length && headings[h] < f.outerStart) {
        if (fi > 0 && headings[h] >= fragments[fi - 1].outerEnd) last = headings[h];
        h++;
      }
      headingBefore.push(last);
      sectionOf.push(fi === 0 ? 0 : sectionOf[fi - 1] + (last >= 0 ? 1 : 0));
      return;
    }
    const gap = fi > 0 && noteText !== undefined ? noteText.slice(fragments[fi - 1].outerEnd, f.outerStart) : '';
    sectionOf.push(fi === 0 ? 0 : sectionOf[fi - 1] + (gap && hasHeading(withoutCode(gap), mode) ? 1 : 0));
  });
  const itemOf = lines ? listItems(lines, fragments.map((f) => f.start)) : fragments.map(() => -1);
  // The definitions made in the list item being read, per name, in order (see differentiatedReadings).
  let itemHistory: { item: number; defs: Map<string, Binding[]> } = { item: -1, defs: new Map() };
  // The point the prose stated last ("at the point $x = 0$"), in its section (see the claims below).
  let statedPoint: { name: string; sym: Node; rhs: Node; section: number } | null = null;
  // Usage in each section: letters primed on their own there are functions throughout the section — unless the
  // section also uses them as variables (all of its formulas are looked at together).
  const usage = new Map<number, Node[]>();
  fragments.forEach((f, fi) => {
    const list = usage.get(sectionOf[fi]) ?? [];
    for (const formula of parses[fi].formulas) list.push(...formula.operands);
    usage.set(sectionOf[fi], list);
  });
  const enterSection = (c: NoteContext, section: number, line: number | undefined): NoteContext => {
    let out = c;
    const trees = usage.get(section) ?? [];
    for (const name of primedFunctions(trees)) out = withFunction(out, name, { rule: 'usage.primed', certainty: 'inferred', line });
    return out;
  };
  ctx = enterSection(ctx, 0, undefined);
  let lastSentence = -1;
  /** Conventions stated in the text before `offset` (read up to the latest section start). */
  const readUpTo: { offset: number; conventions: Conventions | undefined } = { offset: 0, conventions: options.conventions };
  /** Operands of the equations met just before in the section (the latest 8), compared by structure on demand. */
  const recentOperands: Node[] = [];
  /** Declarations that hold for their sentence and the display math right after it ("For symmetric $B$: …"). */
  let sentenceScoped: { sentence: number; undo: NoteContext } | null = null;
  fragments.forEach((f, fi) => {
    const parse = parses[fi];
    // The fragment's prose with its math masked, once (several rules below read it).
    const maskedBefore = maskMath(f.proseBefore);
    const maskedAfter = maskMath(f.proseAfter);
    ctx = leaveSentence(ctx, f.sentence);
    // Only whitespace between two fragments lets a `= …` line continue the previous chain.
    let adjacent = fi > 0;
    if (noteText !== undefined && fi > 0) {
      const gap = noteText.slice(fragments[fi - 1].outerEnd, f.outerStart);
      adjacent = /^\s*$/.test(gap);
      if (sectionOf[fi] !== sectionOf[fi - 1]) {
        // A new section: its own definitions and declarations; the conventions the note fixed before it hold
        // (read from the whole text before the section, as when the sections are checked one by one).
        // (Incrementally: each stretch of text is read once, so a note with many sections stays linear.)
        const heading = headings ? headingBefore[fi] : fragments[fi - 1].outerEnd;
        readUpTo.conventions = conventionsIn(noteText.slice(readUpTo.offset, heading), readUpTo.conventions);
        readUpTo.offset = heading;
        const conventions = readUpTo.conventions;
        ctx = conventions ? { ...EMPTY_CONTEXT, conventions } : EMPTY_CONTEXT;
        ctx = enterSection(ctx, sectionOf[fi], lines?.positionAt(f.start).line);
        sentenceScoped = null;
      }
    }
    // Sentences between the previous fragment and this one that hold no math of their own ("Here we use
    // numerator layout.") declare things too.
    if (noteText !== undefined) {
      // (What the previous fragment's sentence and this one's hold is read with them, below: not twice.)
      const gapStart = fi > 0 ? fragments[fi - 1].outerEnd + fragments[fi - 1].proseAfter.length : 0;
      const gapEnd = f.outerStart - f.proseBefore.length;
      const gap = gapEnd - gapStart > 8 ? noteText.slice(Math.max(gapStart, gapEnd - 4000), gapEnd) : '';
      if (PROSE_RULE_WORDS.test(gap)) {
        for (const piece of withoutCode(gap).split(/(?<=[.!?])\s+|\n\s*\n/)) {
          if (piece.length <= 8 || /^\s*#/.test(piece)) continue;
          const decls = readProse(piece);
          if (decls.length) ctx = applyProse(ctx, decls, lines?.positionAt(f.start).line);
        }
      }
    }
    if (f.sentence !== lastSentence) {
      lastSentence = f.sentence;
      // Prose rules need one of their words outside the math; most sentences have none.
      const worded = PROSE_RULE_WORDS.test(maskedBefore) || PROSE_RULE_WORDS.test(maskedAfter);
      const prose = worded ? `${f.proseBefore}${noteText !== undefined ? noteText.slice(f.outerStart, f.outerEnd) : `$${f.latex}$`}${f.proseAfter}` : '';
      // A sentence with words of its own ends what the previous sentence declared for itself.
      if (sentenceScoped && /[A-Za-z]{2,}/.test(`${maskedBefore} ${maskedAfter}`)) {
        ctx = restoreAfterSentence(ctx, sentenceScoped.undo);
        sentenceScoped = null;
      }
      const decls = worded ? readProse(prose.slice(0, 2000)) : [];
      const line = decls.length ? lines?.positionAt(f.start).line : undefined;

      const before = ctx;
      if (decls.length) {
        // "For any functions $f$, $g$: …", "if $A$ is symmetric, …": declarations for this sentence only.
        const conditional = /\b(?:if|when|whenever|for|any|every|all|arbitrary)\b/i.test(`${maskedBefore} M ${maskedAfter}`.split(/[:]/)[0]);
        ctx = applyProse(ctx, decls, line);
        if (conditional && ctx !== before) sentenceScoped = { sentence: f.sentence, undo: before };
      }
    }
    // Signatures `g: \mathbb{R} \to \mathbb{R}` state that g is a function.
    for (const name of signatures(f.latex)) ctx = withFunction(ctx, name, { rule: 'signature', certainty: 'stated', line: lines?.positionAt(f.start).line });
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
    const before = maskedBefore.slice(-200);
    // "If …" in other languages (若, 如果, もし, 경우 …): a conditional clause before the claim in its sentence.
    const solving = SOLVING.exec(before) ?? CONDITIONAL_CJK.exec(before);
    // "If x > 0, then …": the claim is the consequence, not the condition.
    const consequent = solving !== null && /\b(then|we (?:have|get|find))\b/i.test(before.slice(solving.index + solving[1].length));
    const wrong = introducedAsWrong(f, noteText, maskedBefore);
    const proseDoubt = wrong
      ? doubt('shown-as-wrong', `the note presents it as a mistake ("${wrong[0].trim()}")`)
      : /^[^.!]*\?/.test(maskedAfter)
      ? doubt('question', 'the sentence is a question')
      : solving && !consequent
        ? doubt('equation', `the sentence sets up an equation or condition ("${solving[1]}…")`)
        : null;
    const conditions = sentenceConditions.get(f.sentence) ?? [];
    const declarations = sentenceDeclarations.get(f.sentence);
    // "For symmetric matrices, …" without naming them: every square matrix of the sentence (named ones are in ctx).
    const assumptions = (/\bsymmetric\b/i.test(f.proseBefore) || /\bsymmetric\b/i.test(f.proseAfter)) && !readProse(`${f.proseBefore} ${f.proseAfter}`).some((d) => d.rule === 'prose.symmetric') ? statedAssumptions(`${maskedBefore} ${maskedAfter}`) : [];
    for (const d of fragmentDeclarations[fi]) if (d.lhs.type === 'sym') ctx = withShape(ctx, d.lhs.name, { lhs: d.lhs, rhs: d.rhs });
    // `\mathbf{S} = \mathbf{S}^T` states that S is symmetric (rule `math.symmetric`).
    if (/\^\s*\{?\s*(?:T|\\top|\\intercal|\\mathrm)/.test(f.latex)) for (const name of symmetricStatements(parse.formulas)) ctx = withAssumption(ctx, name, 'symmetric');
    // `\frac{df}{d\mathbf{x}} = \begin{bmatrix} \frac{df}{dx_1} \\ \vdots \end{bmatrix}` writes the derivative of a scalar
    // by a vector out as a column (denominator layout) or a row (numerator layout): the note shows its layout, for
    // the rest of the section (rule `usage.layout`), unless it stated one.
    if (!ctx.conventions?.layout && f.latex.includes('matrix')) {
      const shown = layoutShown(parse.formulas);
      if (shown) ctx = withConvention(ctx, 'layout', { value: shown, evidence: { rule: 'usage.layout', certainty: 'inferred', line: lines?.positionAt(f.start).line } });
    }

    // Operands of the equations written in the last fragments of the section (see `derivativeOperand` below).
    if (fi > 0 && sectionOf[fi] !== sectionOf[fi - 1]) recentOperands.length = 0;
    // A chain may continue from the previous fragment only when this one starts with a relation.
    if (previous && (previous.fragment !== fi - 1 || !adjacent)) previous = null;

    // Read only when a link has a constant side (the only links they can change), once per fragment.
    let zeroProse: RegExpExecArray | null | undefined;
    const zeroProseOf = () => {
      if (zeroProse === undefined) {
        const lead = leadingProse(f, noteText, maskedBefore, maskedAfter);
        zeroProse = lead ? ZERO_PROSE.exec(lead) : null;
      }
      return zeroProse;
    };
    let moneyOrPercent: RegExpExecArray | null | undefined;
    const moneyOrPercentOf = () => (moneyOrPercent === undefined ? (moneyOrPercent = MONEY_OR_PERCENT.exec(`${f.proseBefore} ${f.latex} ${f.proseAfter}`)) : moneyOrPercent);

    const secondAligns = f.latex.includes('&') ? secondAlignmentMarks(f.latex) : [];
    // The function a display block works on: its last plain definition `y = …` (see subjectReading).
    let subjects: Binding[] = [];
    // Equations this block found for a derivative of an undefined name (`y' = \frac{4}{2-2y}`, implicit
    // differentiation): later steps of the block may substitute them.
    const found = new Map<string, string>();
    parse.formulas.forEach((formula: Formula) => {
      // `f'(x) = \quad g'(x) =`: a formula that ends in a relation with nothing after it is a blank to fill in
      // (a worksheet, an exercise): it states nothing.
      // (Only `=`: a `>` at the end is more often a blockquote mark inside the math than a relation.)
      if (formula.trailing?.op === '=') {
        // `u &= & v &= x^4`: the name is defined again with a blank right side: what it meant before ends here,
        // and what it means now is not known.
        const blank = formula.operands.length === 1 ? definitionTarget(formula.operands[0]) : null;
        if (blank && ctx.bindings.has(blank.name)) {
          const end = formula.trailing.span.end;
          const node: Node = { type: 'unknown', what: `${blank.name} defined with a blank right side`, args: [], span: { start: end, end } };
          ctx = bind(ctx, blank, { node, base: f.start, latex: '' }, f, lines, itemOf[fi]);
        }
        previous = null;
        return;
      }
      // Built by push, not map: one kind of array with the spread ones below (V8 optimizes this loop for one kind).
      let operands: Operand[] = [];
      for (const node of formula.operands) operands.push({ node, base: f.start, latex: sliceLatex(f, node.span) });
      let relations: RelOp[] = [];
      for (const r of formula.relations) relations.push(r.op);
      let link0 = 0;
      let chain: number;
      let carriedDerivative = false;
      // `\text{Tangent slope} &= -12`: the words before the relation are its left side, a quantity named in words
      // (not the previous row's last expression): the row states that quantity's value.
      const named = formula.leading && operands.length >= 1 ? textBefore(f, parse.texts, formula.leading.span.start) : null;
      if (named && formula.leading) {
        const node: Node = { type: 'unknown', what: 'text', args: [], span: named.span };
        operands = [{ node, base: f.start, latex: sliceLatex(f, named.span) }, ...operands];
        relations = [formula.leading.op, ...relations];
        chain = ++chainId;
      } else if (formula.leading && previous && operands.length >= 1) {
        operands = [previous.operand, ...operands];
        relations = [formula.leading.op, ...relations];
        chain = previous.chain;
        link0 = previous.link + 1;
        carriedDerivative = previous.hasDerivative;
      } else {
        chain = ++chainId;
      }
      if (formula.leading && !previous && !named) {
        // A dangling continuation: nothing to compare it with.
        if (operands.length < 2) return;
      }
      // (Each operand's tree is walked once: the formula's own operands decide both facts below.)
      const ownDerivative = formula.operands.some(holdsDerivative);
      const hasDerivative = carriedDerivative || ownDerivative || (operands.length > formula.operands.length && holdsDerivative(operands[0].node));

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
          doubts: proseDoubt && !(op === '\\approx' && proseDoubt.code === 'equation') ? [proseDoubt] : [],
          disabled: f.disabled,
          chainHasDerivative: hasDerivative,
          line: lines ? lines.positionAt(start).line : undefined,
        };
        if (itemOf[fi] >= 0) claim.item = itemOf[fi];
        // `y' = 1` a few rows after "at the point $x = 0$": a derivative set equal to a number is read at the point
        // the note stated (false there means false as an identity too; verified there is said so).
        if (statedPoint && statedPoint.section === sectionOf[fi] && (isConstant(rhs.node) !== isConstant(lhs.node)) && (holdsDerivative(lhs.node) || holdsDerivative(rhs.node))) {
          const point = statedPoint;
          if (!claim.conditions.some((c) => c.lhs.type === 'sym' && c.lhs.name === point.name)) {
            claim.conditions = [...claim.conditions, { lhs: point.sym, op: '=', rhs: point.rhs }];
          }
        }
        // The parser recovered from LaTeX that is not well-formed here (`P(A|B)` with an unclosed bar): its tree
        // is a best guess, and a failure under it is no counterexample.
        if (lhs.base === rhs.base) {
          const problem = parse.problems.find((p) => p.span.start < rhs.node.span.end && lhs.node.span.start < p.span.end);
          if (problem) claim.doubts.push(doubt('ambiguous-notation', `the LaTeX is read by a best guess here (${problem.message})`));
        }
        if (declarations) claim.declarations = declarations;
        if (assumptions.length) claim.assumptions = assumptions;
        // "Set the derivative to zero", "solve", "has a root": a link with a constant side is the equation to solve.
        const zero = op === '=' && (isConstant(lhs.node) || isConstant(rhs.node)) ? zeroProseOf() : null;
        if (zero && !claim.doubts.some((d) => d.code === 'equation')) {
          claim.doubts.push(doubt('equation', `the prose asks to solve it ("${zero[0].trim()}"): an equation, not an identity`));
        }
        // Arithmetic in a fragment the parser had to repair (`\frac{1}{2 = 3`): the numbers it read may not be the
        // ones written.
        if (parse.problems.length && isConstant(lhs.node) && isConstant(rhs.node)) {
          claim.doubts.push(doubt('not-understood', `the LaTeX has a problem (${parse.problems[0].message}): the numbers may not be read as written`));
        }
        const money = isConstant(lhs.node) && isConstant(rhs.node) ? moneyOrPercentOf() : null;
        if (money) {
          claim.doubts.push(doubt('ambiguous-notation', `the sentence speaks of percentages or money ("${money[0]}"): its numbers may carry units`));
        }
        const unit = isConstant(rhs.node) && rhs.base === f.start ? unitAfter(f, parse.texts, rhs.node.span.end) : null;

        // `y = f(x) = x^3 - 1/x` defines both y and f: a chain of definitions ends at its first non-target.
        const isFirst = link0 + k === 0 || (definingChain && link0 === 0);
        // (`f_x = 2xy` after `f(x, y) = x^2y` is a partial derivative, not a definition of f_x.)
        const partial = lhs.node.type === 'sym' ? subscriptPartial(lhs.node, ctx) : lhs.node.type === 'apply' && lhs.node.fn.type === 'sym' ? subscriptPartial(lhs.node.fn, ctx) : null;
        const target = isFirst && op !== '\\approx' && !partial ? definitionTarget(lhs.node) : null;
        if (!target) definingChain = false;
        if (named && k === 0) {
          const defines = op !== '=' || !isConstant(rhs.node);
          claim.preset = { kind: defines ? 'definition' : 'value', reason: `${defines ? 'defines' : 'gives the value of'} ${named.text.trim()} (a quantity named in words)` };
        } else if (unit) {
          // `\frac{dA}{dt} = -0.5\text{cm}^2/\text{min}`: a measured value with its unit, not an expression to evaluate.
          claim.preset = { kind: 'value', reason: `a value with a unit (${unit.text.trim()})` };
        } else if (op === '\\approx') {
          // Checked as a Taylor polynomial (check/taylor.ts); what the prose says about its range is kept.
          if (ASYMPTOTIC.test(`${f.proseBefore.slice(-200)} ${f.proseAfter.slice(0, 200)}`)) {
            claim.doubts.push(doubt('asymptotic', 'the sentence speaks of large values: an asymptotic approximation, not a Taylor polynomial'));
          }
        } else if (op === ':=' || op === '\\equiv') {
          claim.preset = { kind: 'definition', reason: `a definition (${op === ':=' ? ':=' : '≡'})` };
          if (target) ctx = bind(ctx, target, rhs, f, lines, itemOf[fi]);
        } else if (target && !holdsDerivative(lhs.node)) {
          const selfRef = mentions(rhs.node, target.name);
          const isValue = isConstant(rhs.node);
          if (isPointName(lhs.node, rhs.node)) {
            // `x = x_0` ("at $x = x_0$"): a point, not a definition of x.
            claim.preset = { kind: 'value', reason: `gives ${plainText(lhs.latex.trim())} the value ${plainText(rhs.latex.trim())} (a point)` };
          } else if (isValue) {
            // `x = 2`, or `f(x, y) = -12` at a point: a value, not a definition.
            claim.preset = { kind: 'value', reason: `gives ${plainText(lhs.latex.trim())} a value` };
            // "at the point $x = 0$": the point the rows after it may evaluate at.
            if (lhs.node.type === 'sym' && /\b(?:at|point|when)\s*$/i.test(maskedBefore)) statedPoint = { name: lhs.node.name, sym: lhs.node, rhs: rhs.node, section: sectionOf[fi] };
            // `d = 3`: d is a quantity of this note, not the differential mark (semantics/notation.ts).
            if (target.name === 'd' || target.name === 'rm:d') ctx = withQuantity(ctx, target.name, { rule: 'formula.value', certainty: 'stated', line: lines?.positionAt(f.start + lhs.node.span.start).line });
          } else {
            claim.preset = { kind: 'definition', reason: `defines ${plainText(lhs.latex.trim())}` };
            if (!selfRef) ctx = bind(ctx, target, rhs, f, lines, itemOf[fi]);
          }
        } else if (factsOf(rhs.node).limit || factsOf(lhs.node).limit) {
          claim.preset = { kind: 'definition', reason: 'a definition by a limit' };
        }
        // A row of an aligned block with a second `&=` (`y' &= A\, y' &= B`): in amsmath that `&` starts another
        // column, so a `\\` is most likely missing and the operand around it runs into the next row.
        if (lhs.base === rhs.base && secondAligns.some((p) => p >= lhs.node.span.start && p <= rhs.node.span.end + 1)) {
          claim.doubts.push(doubt('suspicious-notation', 'this row of the aligned block has a second &= (a \\\\ may be missing), so its sides may run into the next row'));
        }
        // `\frac{d(A)}{dx} = \frac{d(B)}{dx}` after the note stated A = B (with y never defined): both sides of an
        // equation differentiated — it holds on that curve, not for every function y.
        const differentiated = derivativeOperand(lhs.node);
        if (differentiated && holdsDerivative(rhs.node) && !claim.preset && recentOperands.some((o) => o.type === differentiated.type && shapeKey(o) === shapeKey(differentiated))) {
          claim.doubts.push(doubt('equation', 'it differentiates both sides of an equation stated before: it holds where that equation holds, not for every function'));
        }
        const primedHere = claim.latex.includes("'") ? primedNamesOf(lhs.node, rhs.node) : NO_NAMES;
        for (const name of primedHere) {
          const eq = found.get(name);
          if (eq && !claim.preset) claim.doubts.push(doubt('equation', `this block found ${eq} earlier, and the step may substitute it`));
        }
        const solved = lhs.node.type === 'prime' && lhs.node.arg.type === 'sym' && !ctx.bindings.has(lhs.node.arg.name) ? lhs.node.arg.name : null;
        if (solved && !found.has(solved)) found.set(solved, `${lhs.latex.trim()} = ${rhs.latex.trim()}`);
        // Several rows redefining the subject (`y = x^{1-1/2}`, `y = x^{1/2}`): each is a plausible reading.
        const readings = !claim.preset && subjects.length ? subjects.map((b) => subjectReading(claim, b)).filter((r): r is NoteContext => r !== null) : [];
        if (readings.length) {
          claim.context = readings[readings.length - 1];
          if (readings.length > 1) claim.alternatives = readings.slice(0, -1);
        }
        if (!claim.preset && !claim.alternatives) differentiatedReadings(claim, itemHistory.item === itemOf[fi] ? itemHistory.defs : null, f, subjects);
        if (!onlyContext) claims.push(claim);
        if (claim.preset?.kind === 'definition' && target) {
          const b = ctx.bindings.get(target.name);
          if (b && b.body === rhs.node && !target.params && f.display) subjects = subjects.length && subjects[0].name === b.name ? [...subjects, b] : [b];
          if (b && b.body === rhs.node && itemOf[fi] >= 0) {
            if (itemHistory.item !== itemOf[fi]) itemHistory = { item: itemOf[fi], defs: new Map() };
            itemHistory.defs.set(b.name, [...(itemHistory.defs.get(b.name) ?? []), b]);
          }
        }
      }

      // Only equations without derivatives (`y^{1/2} = x^{1/2}y^{1/2} - 2x^{1/2}`), not derivative claims.
      const equationOnly = formula.relations.length > 0 && !ownDerivative;
      if (equationOnly) {
        recentOperands.push(...formula.operands);
        if (recentOperands.length > 8) recentOperands.splice(0, recentOperands.length - 8);
      }
      const last = operands[operands.length - 1];
      if (last) previous = { operand: last, fragment: fi, chain, link: link0 + relations.length - 1, hasDerivative };
    });

    // A row of a table of derivatives: `\frac{d}{dx}` of the function cell is this cell (for an antiderivative
    // cell: `\frac{d}{dx}` of this cell is the function cell), reported in this cell.
    for (const row of rowClaims.get(fi) ?? []) {
      if (onlyContext) break;
      const fnFrag = fragments[row.fn];
      const fn: Operand = { node: parses[row.fn].formulas[0].operands[0], base: fnFrag.start, latex: fnFrag.latex };
      const own: Operand = { node: parse.formulas[0].operands[0], base: f.start, latex: f.latex };
      const [of, other] = row.kind === 'derivative' ? [fn, own] : [own, fn];
      const d = row.order === 1 ? `\\frac{d}{d${row.variable}}` : `\\frac{d^{${row.order}}}{d${row.variable}^{${row.order}}}`;
      const lhs: Operand = { node: derivativeOf(of.node, row.variable, row.order), base: of.base, latex: `${d}\\left(${of.latex.trim()}\\right)` };
      const claim: Claim = {
        fragment: fi,
        lhs,
        rhs: other,
        op: '=',
        start: f.start + own.node.span.start,
        end: f.start + own.node.span.end,
        latex: `${lhs.latex} = ${other.latex.trim()}`,
        link: 0,
        chain: ++chainId,
        context: ctx,
        conditions: sentenceConditions.get(f.sentence) ?? [],
        doubts: row.guessedVariable ? [doubt('ambiguous-notation', `the row does not use ${row.variable}, and which letter is the variable is not said`)] : [],
        disabled: f.disabled,
        chainHasDerivative: true,
        line: lines ? lines.positionAt(f.start).line : undefined,
        table: row.kind,
      };
      claims.push(claim);
    }
  });
  markChainDifferentials(claims);
  return claims;
}

/** See Claim.chainDifferentials. */
function markChainDifferentials(claims: Claim[]): void {
  const byChain = new Map<number, Claim[]>();
  for (const c of claims) if (!c.preset) byChain.set(c.chain, [...(byChain.get(c.chain) ?? []), c]);
  for (const links of byChain.values()) {
    if (links.length < 2) continue;
    const names = new Set<string>();
    for (const c of links) for (const name of writtenDifferentials([c.lhs.node, c.rhs.node], c.context, undefined, false)) names.add(name);
    if (names.size) for (const c of links) c.chainDifferentials = [...names].sort();
  }
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

function bind(ctx: NoteContext, target: { name: string; params: string[] | null }, rhs: Operand, f: MathFragment, lines: LineMap | null, item = -1): NoteContext {
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
  if (item >= 0) b.item = item;
  // A definition ends what the note said of the name before (a declared function, a constant).
  return withBinding(forgetKind(ctx, target.name), b);
}

/** The name a claim's left side differentiates: `f'`, `f'(x)`, `\frac{df}{dx}`. */
function differentiatedName(n: Node): SymNode | null {
  if (n.type === 'prime' && n.arg.type === 'sym') return n.arg;
  if (n.type === 'apply' && n.fn.type === 'prime' && n.fn.arg.type === 'sym') return n.fn.arg;
  if (n.type === 'deriv' && n.of?.type === 'sym') return n.of;
  return null;
}

/**
 * Other plausible readings of what a claim differentiates, set as its alternatives:
 * - a worked exercise that defines the name several times (`f(x) = e^{\cos^2 x}`, then `f = e^u` and `f = u^2` for
 *   the steps of its chain rule): each definition the exercise made is a reading;
 * - a bare `f'` of a name written in one intermediate (`f = e^u` with `u = x^2`): Lagrange's prime is the derivative
 *   in the argument the definition is written in, df/du, as well as df/dx. Only when the right side has no
 *   derivative of its own (`f' = \sec^2 u \cdot u'` is df/dx).
 */
function differentiatedReadings(claim: Claim, itemDefs: Map<string, Binding[]> | null, f: MathFragment, blockDefs: Binding[]): void {
  const subject = differentiatedName(claim.lhs.node);
  if (!subject) return;
  const current = claim.context.bindings.get(subject.name);
  const alternatives: NoteContext[] = [];
  const why: string[] = [];
  // A block that writes the name several ways on its way to a result (`c = 8w^2 + 14wh`, then `c = 8w^2 + 85.75w^{-1}`):
  // each row is a reading (a slip in one of them does not make the derivative after it wrong).
  const others = current && blockDefs.length > 1 && blockDefs[0].name === subject.name ? blockDefs.filter((b) => b !== current && b.bodyLatex.trim() !== current.bodyLatex.trim()) : [];
  if (others.length) {
    alternatives.push(...others.map((b) => withBinding(claim.context, b)));
    why.push(`this block writes ${subject.name} ${others.length + 1} ways`);
  }
  // A definition made in the claim's own display block is the one it works with.
  const sameBlock = current !== undefined && current.at >= f.start && current.at <= f.end;
  const earlier = (itemDefs?.get(subject.name) ?? []).filter((b) => b !== current && b.bodyLatex.trim() !== current?.bodyLatex.trim());
  if (current && earlier.length && !sameBlock && !others.length) {
    alternatives.push(...earlier.map((b) => withBinding(claim.context, b)));
    why.push(`this exercise defines ${subject.name} ${earlier.length + 1} times`);
  }
  const n = claim.lhs.node;
  if (current && !current.params && n.type === 'prime' && !derivativeIn(claim.rhs.node) && !mentions(claim.rhs.node, subject.name)) {
    const free = new Set<string>();
    walkSyms(current.body, (name) => free.add(name));
    const [u] = free;
    const inner = free.size === 1 ? claim.context.bindings.get(u) : undefined;
    if (inner && !inner.params) {
      alternatives.push(withBinding(claim.context, { ...current, params: [u] }));
      why.push(`${subject.name}' may mean d${subject.name}/d${u} (${subject.name} is written in ${u})`);
    }
  }
  if (!alternatives.length) return;
  claim.alternatives = alternatives;
  claim.readingsWhy = why.join('; ');
}

function derivativeIn(n: Node): boolean {
  return containsNode(n, (m) => m.type === 'prime' || m.type === 'deriv');
}

/** Drop definitions made in a conditional sentence once reading has left that sentence. */
function leaveSentence(ctx: NoteContext, sentence: number): NoteContext {
  let out = ctx;
  for (const b of ctx.bindings.values()) if (b.sentence !== undefined && b.sentence !== sentence) out = withoutBinding(out, b.name);
  return out;
}

/** Apply what a sentence's prose declares to the model. */
function applyProse(ctx: NoteContext, decls: readonly ProseDeclaration[], line: number | undefined): NoteContext {
  let out = ctx;
  for (const d of decls) {
    const evidence = { rule: d.rule, certainty: 'stated' as const, line };
    switch (d.rule) {
      case 'prose.function':
        for (const name of d.names) out = withFunction(out, name, evidence);
        break;
      case 'prose.constant':
        for (const name of d.names) out = withConstant(out, name, evidence);
        break;
      case 'prose.symmetric':
        for (const name of d.names) out = withAssumption(out, name, 'symmetric');
        break;
      case 'prose.assignment':
        for (const name of d.names) out = withQuantity(out, name, evidence);
        break;
      default:
        // Layout, log base, σ, one-hot: conventions, stated the same way as when earlier sections are read.
        out = { ...out, conventions: stateConvention(out.conventions, d, evidence) };
    }
  }
  return out;
}

/**
 * Leaving a sentence that declared something for itself ("For symmetric $B$, …"): its assumptions and
 * declarations end, what was defined since stays.
 */
function restoreAfterSentence(ctx: NoteContext, before: NoteContext): NoteContext {
  // Definitions the sentence shadowed ("for any functions $f$ and $g$") hold again, unless redefined since.
  let bindings: Map<string, Binding> | null = null;
  for (const [name, b] of before.bindings) {
    if (ctx.bindings.has(name)) continue;
    bindings ??= new Map(ctx.bindings);
    bindings.set(name, b);
  }
  return { ...ctx, ...(bindings ? { bindings } : {}), functions: before.functions, symbols: before.symbols, assumptions: before.assumptions };
}

/** Names given a signature in a formula: `g: \mathbb{R} \to \mathbb{R}`, `f\colon \mathbb R^n \to \mathbb R`. */
function signatures(latex: string): string[] {
  if (!latex.includes(':') && !latex.includes('colon')) return [];
  const out: string[] = [];
  const re = /(?:^|[\s,;(])((?:\\[a-zA-Z]+\s*|[a-zA-Z])(?:_\{?[a-zA-Z0-9]+\}?)?)\s*(?::|\\colon)\s*(?:\\mathbb\s*\{?[RCNZ]|\\R\b|\\mathcal\s*\{?[A-Z]|[A-Z]\s*\\(?:to|rightarrow))/g;
  for (const m of latex.matchAll(re)) out.push(...namesIn(`$${m[1]}$`));
  return out;
}

/**
 * In a worked block that defines one function (`y = x^{1/2}`) and then states `f' = …`, where f is not defined
 * in the block's scope (never, or only in another list item), f' is the derivative of the function the block
 * just defined: a prime on a name the block never defined refers to the block's subject. The claim is read with
 * f bound to that function (rule `usage.block-subject`).
 */
function subjectReading(claim: Claim, subject: Binding): NoteContext | null {
  const n = claim.lhs.node;
  const primed = n.type === 'prime' && n.arg.type === 'sym' ? n.arg : n.type === 'apply' && n.fn.type === 'prime' && n.fn.arg.type === 'sym' ? n.fn.arg : null;
  if (!primed || primed.name === subject.name || primed.font) return null;
  const own = claim.context.bindings.get(primed.name);
  if (own && (own.item === undefined || own.item === claim.item)) return null;
  if (!own && functionCertainty(claim.context, primed.name) === 'stated') return null;
  // The subject's variable: x when it has one, else its one free letter.
  const free = new Set<string>();
  walkSyms(subject.body, (name) => free.add(name));
  const v = free.has('x') ? 'x' : free.size === 1 ? [...free][0] : null;
  if (!v) return null;
  return withBinding(claim.context, { ...subject, name: primed.name, params: [v] });
}

function walkSyms(n: Node, visit: (name: string) => void): void {
  containsNode(n, (m) => {
    if (m.type === 'sym' && m.name !== 'e' && m.name !== 'pi') visit(m.name);
    return false;
  });
}

const NO_NAMES: ReadonlySet<string> = new Set();

/** Names primed on their own in either side (`y'` in `\frac{2}{(1-y)^2}y'`). */
function primedNamesOf(...nodes: Node[]): Set<string> {
  const out = new Set<string>();
  for (const n of nodes) {
    containsNode(n, (m) => {
      if (m.type === 'prime' && m.arg.type === 'sym') out.add(m.arg.name);
      return false;
    });
  }
  return out;
}

const TRANSPOSE = new Set(['T', 'top', 'intercal', 'rm:T', 'sf:T', 'bold:T']);

/** Names a formula states to be symmetric: a relation `X = X^T` (or `X^T = X`). */
function symmetricStatements(formulas: Formula[]): string[] {
  const out: string[] = [];
  const transposeOf = (n: Node): string | null => (n.type === 'pow' && n.base.type === 'sym' && n.exp.type === 'sym' && TRANSPOSE.has(n.exp.name) ? n.base.name : null);
  for (const f of formulas) {
    f.relations.forEach((r, k) => {
      if (r.op !== '=') return;
      const a = f.operands[k];
      const b = f.operands[k + 1];
      if (!a || !b) return;
      if (a.type === 'sym' && transposeOf(b) === a.name) out.push(a.name);
      else if (b.type === 'sym' && transposeOf(a) === b.name) out.push(b.name);
    });
  }
  return out;
}

/** The expression a Leibniz derivative `\frac{d(A)}{dx}` / `\frac{d}{dx}(A)` differentiates, when it is a compound one. */
function derivativeOperand(n: Node): Node | null {
  if (n.type === 'deriv' && n.of && n.of.type !== 'sym') return n.of;
  if (n.type === 'mul' && n.factors.length === 2 && n.factors[0].type === 'deriv' && !n.factors[0].of && n.factors[1].type !== 'sym') return n.factors[1];
  return null;
}

const shapeKeys = new WeakMap<Node, string>();

/** A tree's structure without spans, for comparing what two formulas wrote (memoised per tree). */
function shapeKey(n: Node): string {
  let k = shapeKeys.get(n);
  if (k === undefined) {
    k = JSON.stringify(n, (key, v) => (key === 'span' || key === 'raw' || key === 'bare' ? undefined : v));
    shapeKeys.set(n, k);
  }
  return k;
}

/**
 * Offsets of `&` marks that begin a third (fifth, …) column of an aligned row and are followed by a relation:
 * `a &= b &= c` on one row. (In `a &= b & c &= d` the relation is after the fourth mark: two equations side by
 * side, which is how amsmath means it, and nothing is suspicious.)
 */
function secondAlignmentMarks(latex: string): number[] {
  const out: number[] = [];
  let count = 0;
  for (let i = 0; i < latex.length; i++) {
    const c = latex[i];
    if (c === '\\') {
      if (latex[i + 1] === '\\') count = 0;
      i++;
      continue;
    }
    if (c !== '&') continue;
    count++;
    if (count % 2 === 0 && /^\s*(?:=|\\approx\b|\\le\b|\\ge\b)/.test(latex.slice(i + 1, i + 12))) out.push(i);
  }
  return out;
}

/** The layout a formula shows by writing a scalar's derivative by a vector out entry by entry (see above). */
function layoutShown(formulas: Formula[]): 'numerator' | 'denominator' | null {
  const scalarByVector = (n: Node): boolean =>
    n.type === 'deriv' && n.form === 'leibniz' && n.of?.type === 'sym' && n.of.font !== 'bold' && n.wrt.length === 1 && n.wrt[0].v.type === 'sym' && n.wrt[0].v.font === 'bold';
  const entries = (m: Extract<Node, { type: 'matrix' }>): Node[] => m.rows.flat().filter((e) => e.type !== 'ellipsis');
  const ofEntries = (m: Extract<Node, { type: 'matrix' }>): boolean => entries(m).length >= 2 && entries(m).every((e) => e.type === 'deriv');
  for (const f of formulas) {
    for (let k = 0; k < f.relations.length; k++) {
      if (f.relations[k].op !== '=') continue;
      const [a, b] = [f.operands[k], f.operands[k + 1]];
      const [d, m] = a && scalarByVector(a) ? [a, b] : b && scalarByVector(b) ? [b, a] : [null, null];
      if (!d || !m || m.type !== 'matrix' || !ofEntries(m)) continue;
      const rows = m.rows.length;
      const cols = Math.max(...m.rows.map((r) => r.length));
      if (rows >= 2 && cols === 1) return 'denominator';
      if (rows === 1 && cols >= 2) return 'numerator';
    }
  }
  return null;
}
