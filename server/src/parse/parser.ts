/**
 * Stage 2 — parse. A recursive-descent parser from the lexer's tokens to the syntax tree of `ast.ts`.
 * Commands are looked up in the table of `commands.ts` and dispatched on their kind. The parser never throws:
 * what it cannot read becomes an `unknown` node and a recorded problem.
 */
import type {
  CallName,
  DerivNode,
  Formula,
  MulOp,
  Node,
  ParseProblem,
  ParseResult,
  Relation,
  RelOp,
  Span,
  SuspiciousNotation,
  SymNode,
  TextPiece,
  WrtVar,
} from './ast';
import { symbolName } from './ast';
import {
  BARE_FUNCTION_NAMES,
  COMMANDS,
  INVERSE_FUNCTIONS,
  MATRIX_ENVS,
  NEGATED_RELATIONS,
  OPERATOR_NAMES,
  RELATION_CHARS,
  TEXT_WORDS,
  TRANSPARENT_ENVS,
  TRANSPARENT_ENV_ARGS,
  type CommandEntry,
} from './commands';
import { lex, tokenText, type Token } from './lexer';
import type { MacroTable } from './macros';
import { walk } from './walk';

/** Recursion guard (enter() calls on one path; about four per bracket level): far below the stack limit. */
const MAX_DEPTH = 400;

class TooDeep extends Error {}

/** Sizing commands: `\big( … \big)` is `( … )`. */
const SIZING_COMMANDS = new Set(['big', 'Big', 'bigg', 'Bigg', 'bigl', 'Bigl', 'biggl', 'Biggl', 'bigr', 'Bigr', 'biggr', 'Biggr', 'bigm', 'Bigm', 'biggm', 'Biggm']);

/** Letters after which `D` is read as the derivative operator (`Df(x)`). */
const D_OPERAND_LETTERS = new Set(['f', 'g', 'h', 'F', 'G', 'H', 'y', 'u', 'v', 'w', 'z']);

type Stop = 'comma' | 'bar' | 'none';

export interface ParseOptions {
  /** Macros to expand (`\newcommand`s of the note and from settings). */
  macros?: MacroTable;
}

export function parseLatex(latex: string, options: ParseOptions = {}): ParseResult {
  try {
    return new Parser(latex, options.macros).parseTop();
  } catch (e) {
    return {
      formulas: [],
      texts: [],
      problems: [{ message: `could not parse: ${(e as Error).message}`, span: { start: 0, end: latex.length } }],
      suspicious: undefined,
    };
  }
}

class Parser {
  private readonly tokens: Token[];
  private pos = 0;
  private limit: number;
  private depth = 0;
  private readonly problems: ParseProblem[] = [];
  private readonly texts: TextPiece[] = [];
  /** Inside `|…|`: a bar closes rather than opens. */
  private barDepth = 0;
  /** Nodes that stood alone in brackets, with the opening bracket: `(x)_i` is no symbol `x_i`. */
  private readonly bracketed = new WeakMap<Node, string>();

  constructor(private readonly input: string, macros?: MacroTable) {
    const lexed = lex(input, macros);
    this.tokens = lexed.tokens;
    this.problems.push(...lexed.problems);
    this.limit = this.tokens.length;
  }

  // ---- token helpers ----------------------------------------------------------------------------------------

  private peek(k = 0): Token | null {
    const i = this.pos + k;
    return i < this.limit ? this.tokens[i] : null;
  }

  private next(): Token {
    return this.tokens[this.pos++];
  }

  private isPunct(t: Token | null, v: string): boolean {
    return t !== null && t.type === 'punct' && t.value === v;
  }

  private isCmd(t: Token | null, v?: string): boolean {
    return t !== null && t.type === 'cmd' && (v === undefined || t.value === v);
  }

  private entry(t: Token | null): CommandEntry | undefined {
    return t && t.type === 'cmd' ? COMMANDS.get(t.value) : undefined;
  }

  /** Likely typos met (see `SuspiciousNotation`). */
  private readonly suspicious: SuspiciousNotation[] = [];
  /**
   * `\frac{dy}{ty}`-like fractions met: kept only when the fragment differentiates by one of the denominator's
   * letters elsewhere (see `suspicionsFor`).
   */
  private readonly leibnizLike: { span: Span; written: string; v: string; letters: string[] }[] = [];

  private suspect(span: Span, reading: string | null, message: string, repaired: boolean): void {
    if (this.suspicious.length < 20) this.suspicious.push({ span, written: this.input.slice(span.start, span.end), reading, message, repaired });
  }

  private problem(message: string, start: number, end: number): void {
    if (this.problems.length < 50) this.problems.push({ message, span: { start, end } });
  }

  private spanFrom(startTok: number): Span {
    const a = this.tokens[Math.min(startTok, this.tokens.length - 1)];
    const b = this.tokens[Math.max(startTok, this.pos - 1)] ?? a;
    if (!a) return { start: 0, end: 0 };
    let end = Math.max(a.end, b ? b.end : a.end);
    // The first digit of the current number token was taken as a script or argument (`x^23`, `\frac12`): the span
    // goes on to where the rest of the number starts.
    const c = this.pos > startTok ? this.tokens[this.pos] : undefined;
    if (c && c.cut && c.start > end) end = c.start;
    return { start: a.start, end };
  }

  /** A zero-width span where the parser stands (after the last consumed token): for missing pieces. */
  private here(): Span {
    const c = this.tokens[this.pos];
    if (c && c.cut) return { start: c.start, end: c.start };
    const prev = this.tokens[Math.min(this.pos, this.tokens.length) - 1];
    const at = prev ? prev.end : 0;
    return { start: at, end: at };
  }

  /** Take the first digit of the number token at `pos`, leaving the rest in place (`x^23` is x^2·3). */
  private cutDigit(): Node {
    const t = this.tokens[this.pos];
    const digit = t.value[0];
    this.tokens[this.pos] = { ...t, value: t.value.slice(1), start: t.start + 1, space: false, cut: true };
    return { type: 'num', value: Number(digit), raw: digit, span: { start: t.start, end: t.start + 1 } };
  }

  /** Index of the token closing the group opened at `open` (`{`→`}`, `(`→`)`, `[`→`]`), or -1. */
  private matching(open: number): number {
    const o = this.tokens[open];
    const closeOf: Record<string, string> = { '{': '}', '(': ')', '[': ']' };
    const want = closeOf[o.value];
    let depth = 0;
    for (let i = open; i < this.limit; i++) {
      const t = this.tokens[i];
      if (t.type !== 'punct') continue;
      if (t.value === o.value) depth++;
      else if (t.value === want) {
        depth--;
        if (depth === 0) return i;
      }
    }
    return -1;
  }

  /** Run `f` with the token limit set to `end` (exclusive), then continue after `end`. */
  private within<T>(end: number, f: () => T): T {
    const saved = this.limit;
    this.limit = end;
    try {
      return f();
    } finally {
      this.limit = saved;
    }
  }

  private enter(): void {
    if (++this.depth > MAX_DEPTH) throw new TooDeep('nested too deeply');
  }

  private leave(): void {
    this.depth--;
  }

  private skipIgnorable(): void {
    for (;;) {
      const t = this.peek();
      const e = this.entry(t);
      if (e && e.kind === 'ignore') {
        this.pos++;
        for (let i = 0; i < e.args; i++) this.skipArg();
        continue;
      }
      if (t && ((t.type === 'cmd' && t.value === '') || (t.type === 'punct' && t.value === '~'))) {
        this.pos++;
        continue;
      }
      // An empty group with no script on it writes nothing (`\operatorname{d}\!{}`, a macro's empty argument).
      if (this.isPunct(t, '{') && this.isPunct(this.peek(1), '}') && !this.isPunct(this.peek(2), '^') && !this.isPunct(this.peek(2), '_')) {
        this.pos += 2;
        continue;
      }
      return;
    }
  }

  /** Skip one argument: a brace group or a single token. */
  private skipArg(): void {
    const t = this.peek();
    if (!t) return;
    if (this.isPunct(t, '{')) {
      const m = this.matching(this.pos);
      this.pos = m >= 0 ? m + 1 : this.limit;
    } else if (this.isPunct(t, '[')) {
      const m = this.matching(this.pos);
      this.pos = m >= 0 ? m + 1 : this.pos + 1;
    } else this.pos++;
  }

  /**
   * The source text of tokens `[from, to)`. Tokens made from a Unicode character (`x₁` → `x_{1}`) give their LaTeX,
   * since their spans all cover the one character.
   */
  private rawText(from: number, to: number): string {
    const toks = this.tokens.slice(from, Math.max(from, to));
    if (toks.length === 0) return '';
    if (!toks.some((t) => t.synthetic || t.cut)) return this.input.slice(toks[0].start, toks[toks.length - 1].end);
    let out = '';
    toks.forEach((t, i) => {
      if (i > 0 && t.space) out += ' ';
      const text = t.synthetic ? tokenText(t) : t.cut ? t.value : this.input.slice(t.start, t.end);
      // A command name must not run into a following letter.
      if (t.synthetic && /^[a-zA-Z]/.test(text) && /\\[a-zA-Z]+$/.test(out)) out += ' ';
      out += text;
    });
    return out;
  }

  /** The raw text of a brace group (or single token) argument. */
  private rawArg(): { text: string; span: Span } | null {
    const t = this.peek();
    if (!t) return null;
    if (this.isPunct(t, '{')) {
      const m = this.matching(this.pos);
      const endTok = m >= 0 ? m : this.limit - 1;
      const start = t.start;
      const end = this.tokens[endTok]?.end ?? t.end;
      const text = this.rawText(this.pos + 1, endTok);
      this.pos = endTok + 1;
      return { text, span: { start, end } };
    }
    this.pos++;
    return { text: this.rawText(this.pos - 1, this.pos), span: { start: t.start, end: t.end } };
  }

  // ---- top level --------------------------------------------------------------------------------------------

  parseTop(): ParseResult {
    const formulas: Formula[] = [];
    let formulaStart = this.pos;
    try {
      while (this.pos < this.limit) {
        const before = this.pos;
        if (this.skipSeparator()) continue;
        formulaStart = this.pos;
        const f = this.parseFormula();
        if (f) formulas.push(f);
        if (this.pos === before) {
          const t = this.next();
          this.problem(`unexpected ${t.type === 'cmd' ? '\\' + t.value : t.value}`, t.start, t.end);
        }
      }
    } catch (e) {
      if (!(e instanceof TooDeep)) throw e;
      this.problem('the formula is nested too deeply', 0, this.input.length);
      formulas.push(...this.shallowFormulas(formulaStart));
    }
    const suspicious = this.suspicionsFor(formulas);
    // Every result has the same fields (undefined when absent): one object shape for the interpreter's reads.
    return { formulas, texts: this.texts, problems: this.problems, suspicious: suspicious.length ? suspicious : undefined };
  }

  /**
   * The rest of the input after a formula nested too deeply to parse, read shallowly: split into rows at `\\`
   * and into operands at the relations outside any brackets, each operand an `unknown` node. The claims are still
   * seen (and reported as not checked) instead of vanishing.
   */
  private shallowFormulas(from: number): Formula[] {
    const out: Formula[] = [];
    let operands: Node[] = [];
    let relations: Relation[] = [];
    let leading: Relation | undefined;
    let pendingRelation: Relation | undefined;
    let opStart = from;
    let depth = 0;
    const endOperand = (): void => {
      // Alignment marks are not part of an operand.
      let a = opStart;
      let b = this.pos;
      while (a < b && this.isPunct(this.tokens[a], '&')) a++;
      while (b > a && this.isPunct(this.tokens[b - 1], '&')) b--;
      if (b <= a) return;
      const span = { start: this.tokens[a].start, end: this.tokens[b - 1].end };
      if (pendingRelation) {
        if (operands.length) relations.push(pendingRelation);
        else leading = pendingRelation;
        pendingRelation = undefined;
      }
      operands.push({ type: 'unknown', what: 'a formula nested this deeply', args: [], span });
    };
    const endRow = (): void => {
      endOperand();
      if (operands.length || leading) {
        const first = leading?.span.start ?? operands[0].span.start;
        const last = operands.length ? operands[operands.length - 1].span.end : (leading as Relation).span.end;
        out.push({ operands, relations, ...(leading ? { leading } : {}), span: { start: first, end: last } });
      }
      operands = [];
      relations = [];
      leading = undefined;
      pendingRelation = undefined;
    };
    this.pos = from;
    while (this.pos < this.limit) {
      const t = this.tokens[this.pos];
      if (t.type === 'punct' && (t.value === '{' || t.value === '(' || t.value === '[')) depth++;
      else if (t.type === 'punct' && (t.value === '}' || t.value === ')' || t.value === ']')) depth = Math.max(0, depth - 1);
      else if (depth === 0 && (t.type === 'rowbreak' || this.isCmd(t, 'begin') || this.isCmd(t, 'end'))) {
        // A row ends at `\\`; `\begin{…}` and `\end{…}` (with their name) end a row too.
        endRow();
        this.pos++;
        if (t.type === 'cmd' && this.isPunct(this.peek(), '{')) {
          const m = this.matching(this.pos);
          this.pos = m >= 0 ? m + 1 : this.pos;
        }
        opStart = this.pos;
        continue;
      } else if (depth === 0) {
        const r = this.relationAt();
        if (r) {
          endOperand();
          const end = this.tokens[this.pos + r.len - 1].end;
          if (!pendingRelation) pendingRelation = { op: r.op, span: { start: t.start, end } };
          this.pos += r.len;
          opStart = this.pos;
          continue;
        }
      }
      this.pos++;
    }
    endRow();
    return out;
  }

  /** Consume one statement separator at the top level; true if one was consumed. */
  private skipSeparator(): boolean {
    const t = this.peek();
    if (!t) return false;
    if (t.type === 'rowbreak') {
      this.pos++;
      return true;
    }
    if (t.type === 'punct' && (t.value === ',' || t.value === ';' || t.value === '&' || t.value === '.')) {
      this.pos++;
      return true;
    }
    if (t.type === 'punct' && t.value === ':' && !this.isPunct(this.peek(1), '=')) {
      this.pos++;
      return true;
    }
    const e = this.entry(t);
    if (!e) return false;
    if (e.kind === 'ignore') {
      this.skipIgnorable();
      return true;
    }
    if (e.kind === 'separator') {
      this.pos++;
      for (let i = 0; i < e.args; i++) this.skipArg();
      return true;
    }
    if (e.kind === 'text' && !this.textCallAt(this.pos)) {
      this.pos++;
      const arg = this.rawArg();
      if (arg) this.texts.push({ text: arg.text, span: { start: t.start, end: arg.span.end } });
      return true;
    }
    if (e.kind === 'begin' || e.kind === 'end') {
      const save = this.pos;
      this.pos++;
      const name = this.rawArg();
      if (name && TRANSPARENT_ENVS.has(name.text.trim())) {
        if (e.kind === 'begin') for (let i = 0; i < (TRANSPARENT_ENV_ARGS.get(name.text.trim()) ?? 0); i++) this.skipArg();
        return true;
      }
      if (e.kind === 'end') return true;
      this.pos = save;
      return false;
    }
    return false;
  }

  /**
   * Is the token at `i` a `\text{word}` right followed by an argument list (`\text{ReLU}(x)`,
   * `\textrm{softmax}\left(z\right)`)? Then it names a function rather than being prose.
   */
  private textCallAt(i: number): boolean {
    const t = this.tokens[i];
    if (!t || i >= this.limit || t.type !== 'cmd' || this.entry(t)?.kind !== 'text') return false;
    const open = this.tokens[i + 1];
    if (!open || !this.isPunct(open, '{')) return false;
    let j = i + 2;
    let word = '';
    while (j < this.limit && this.tokens[j].type === 'letter' && (j === i + 2 || !this.tokens[j].space)) word += this.tokens[j++].value;
    const close = this.tokens[j];
    if (!word || !close || j >= this.limit || !this.isPunct(close, '}')) return false;
    if (this.input.slice(open.end, close.start) !== word || TEXT_WORDS.has(word.toLowerCase())) return false;
    const after = this.tokens[j + 1];
    if (!after || j + 1 >= this.limit) return false;
    return this.isPunct(after, '(') || (this.isCmd(after, 'left') && this.isPunct(this.tokens[j + 2] ?? null, '('));
  }

  private relationAt(): { op: RelOp; len: number } | null {
    const t = this.peek();
    if (!t) return null;
    if (t.type === 'punct') {
      if (t.value === ':' && this.isPunct(this.peek(1), '=')) return { op: ':=', len: 2 };
      const r = RELATION_CHARS.get(t.value);
      if (r) {
        // `<=` and `>=` written with ASCII.
        if ((t.value === '<' || t.value === '>') && this.isPunct(this.peek(1), '=')) return { op: t.value === '<' ? '\\le' : '\\ge', len: 2 };
        return { op: r, len: 1 };
      }
      return null;
    }
    const e = this.entry(t);
    if (!e) return null;
    if (e.kind === 'relation') return { op: e.op, len: 1 };
    if (e.kind === 'not') {
      const n = this.peek(1);
      if (n && n.type === 'punct' && RELATION_CHARS.has(n.value)) return { op: NEGATED_RELATIONS.get(RELATION_CHARS.get(n.value)!) ?? '\\neq', len: 2 };
      const ne = this.entry(n);
      if (ne && ne.kind === 'relation') return { op: NEGATED_RELATIONS.get(ne.op) ?? '\\neq', len: 2 };
      return null;
    }
    if (e.kind === 'overset') {
      // \overset{def}{=}: a relation when the base is one.
      const save = this.pos;
      this.pos++;
      this.skipArg();
      const base = this.peek();
      let rel: RelOp | null = null;
      let len = 0;
      if (this.isPunct(base, '{')) {
        const m = this.matching(this.pos);
        if (m === this.pos + 2) {
          const inner = this.tokens[this.pos + 1];
          rel = inner.type === 'punct' ? RELATION_CHARS.get(inner.value) ?? null : (() => {
            const ie = this.entry(inner);
            return ie && ie.kind === 'relation' ? ie.op : null;
          })();
          len = m + 1 - save;
        }
      }
      this.pos = save;
      return rel ? { op: rel === '=' ? ':=' : rel, len } : null;
    }
    return null;
  }

  private parseFormula(): Formula | null {
    const startTok = this.pos;
    const operands: Node[] = [];
    const relations: Relation[] = [];
    let leading: Relation | undefined;
    let trailing: Relation | undefined;
    const first = this.relationAt();
    if (first) {
      const t = this.peek()!;
      const end = this.tokens[this.pos + first.len - 1].end;
      this.pos += first.len;
      leading = { op: first.op, span: { start: t.start, end } };
    }
    this.skipIgnorable();
    if (this.atStatementEnd()) {
      if (!leading) return null;
      return { operands, relations, leading, span: this.spanFrom(startTok) };
    }
    operands.push(this.parseExpr('comma'));
    for (;;) {
      this.skipAmpersands();
      const r = this.relationAt();
      if (!r) break;
      const t = this.peek()!;
      const end = this.tokens[this.pos + r.len - 1].end;
      this.pos += r.len;
      // `u &= & v &= x^4`: the `&` right after the relation ends the column pair (amsmath's even marks), so the
      // left equation has nothing on its right — it is not `u = v`.
      const blank = this.isPunct(this.peek(), '&') && this.ampersandsInRow(this.pos) % 2 === 1;
      if (!blank) this.skipAmpersands();
      if (blank || this.atStatementEnd()) {
        // A trailing relation (`x =`) has nothing on its right.
        trailing = { op: r.op, span: { start: t.start, end } };
        break;
      }
      relations.push({ op: r.op, span: { start: t.start, end } });
      operands.push(this.parseExpr('comma'));
    }
    return { operands, relations, ...(leading ? { leading } : {}), ...(trailing ? { trailing } : {}), span: this.spanFrom(startTok) };
  }

  /** How many `&` marks of this row (not inside a nested environment) come before token `pos`. */
  private ampersandsInRow(pos: number): number {
    let count = 0;
    let depth = 0;
    for (let i = pos - 1; i >= 0; i--) {
      const t = this.tokens[i];
      if (t.type === 'rowbreak' && depth === 0) break;
      if (t.type === 'cmd' && t.value === 'end') depth++;
      else if (t.type === 'cmd' && t.value === 'begin') {
        if (depth === 0) break;
        depth--;
      } else if (depth === 0 && t.type === 'punct' && t.value === '&') count++;
    }
    return count;
  }

  private skipAmpersands(): void {
    while (this.isPunct(this.peek(), '&')) {
      // `&&` followed by text is a comment column, handled as a separator by the caller.
      if (this.isPunct(this.peek(1), '&')) return;
      this.pos++;
      this.skipIgnorable();
    }
  }

  private atStatementEnd(): boolean {
    const t = this.peek();
    if (!t) return true;
    if (t.type === 'rowbreak') return true;
    if (t.type === 'punct' && (t.value === ',' || t.value === ';' || t.value === '&')) return true;
    if (t.type === 'punct' && t.value === ':' && !this.isPunct(this.peek(1), '=')) return true;
    if (t.type === 'punct' && t.value === '.' && this.pos + 1 >= this.limit) return true;
    const e = this.entry(t);
    return e !== undefined && (e.kind === 'separator' || (e.kind === 'text' && !this.textCallAt(this.pos)) || e.kind === 'end');
  }

  // ---- expressions ------------------------------------------------------------------------------------------

  /** Is the next token the end of an expression? */
  private atExprEnd(stop: Stop): boolean {
    const t = this.peek();
    if (!t) return true;
    if (t.type === 'rowbreak') return true;
    if (t.type === 'punct') {
      if (')]}&;'.includes(t.value)) return true;
      if (t.value === ',' && stop === 'comma') return true;
      if (t.value === ',') return true;
      if (t.value === ':' ) return true;
      if (t.value === '|' && this.barDepth > 0 && !this.isPunct(this.peek(1), '_')) return true;
      if (RELATION_CHARS.has(t.value)) return true;
      return false;
    }
    if (t.type === 'cmd') {
      const e = this.entry(t);
      if (!e) return false;
      switch (e.kind) {
        case 'text':
          return !this.textCallAt(this.pos);
        case 'relation':
        case 'separator':
        case 'right':
        case 'middle':
        case 'end':
        case 'close':
        case 'not':
          return true;
        case 'overset':
          return this.relationAt() !== null;
        case 'open':
          // A closing `\|` inside a norm.
          return e.delim === '\\|' && this.normDepth > 0;
        default:
          return false;
      }
    }
    return false;
  }

  private normDepth = 0;

  parseExpr(stop: Stop): Node {
    this.enter();
    try {
      return this.parseAdd(stop);
    } finally {
      this.leave();
    }
  }

  private parseAdd(stop: Stop): Node {
    const startTok = this.pos;
    const terms: Node[] = [];
    this.skipIgnorable();
    let sign: '+' | '-' | null = null;
    if (this.isPunct(this.peek(), '-') || this.isPunct(this.peek(), '+')) sign = this.next().value as '+' | '-';
    const first = this.parseMul(stop);
    terms.push(sign === '-' ? { type: 'neg', arg: first, span: { start: this.tokens[startTok].start, end: first.span.end } } : first);
    for (;;) {
      this.skipIgnorable();
      const t = this.peek();
      if (!t) break;
      if (this.isPunct(t, '+') || this.isPunct(t, '-')) {
        this.pos++;
        if (this.atExprEnd(stop)) {
          // `a + \right.\\ …`: the expression goes on in the next row; we cannot see all of it.
          terms.push({ type: 'unknown', what: 'incomplete expression', args: [], span: { start: t.start, end: t.end } });
          break;
        }
        const m = this.parseMul(stop);
        terms.push(t.value === '-' ? { type: 'neg', arg: m, span: { start: t.start, end: m.span.end } } : m);
        continue;
      }
      const e = this.entry(t);
      if (e && (e.kind === 'pm' || (e.kind === 'opaque-infix' && e.level === 'add'))) {
        this.pos++;
        const m = this.atExprEnd(stop) ? null : this.parseMul(stop);
        const prev = terms.pop()!;
        terms.push({ type: 'unknown', what: `\\${t.value}`, args: m ? [prev, m] : [prev], span: { start: prev.span.start, end: (m ?? prev).span.end } });
        continue;
      }
      break;
    }
    if (terms.length === 1) return terms[0];
    return { type: 'add', terms, span: { start: terms[0].span.start, end: terms[terms.length - 1].span.end } };
  }

  /** Can the next token start a factor (for implicit multiplication)? */
  private startsFactor(stop: Stop): boolean {
    if (this.atExprEnd(stop)) return false;
    const t = this.peek()!;
    if (t.type === 'num' || t.type === 'letter') return true;
    if (t.type === 'prime' || t.type === 'rowbreak') return false;
    if (t.type === 'punct') {
      if (t.value === '(' || t.value === '[' || t.value === '{') return true;
      if (t.value === '|') return !this.isPunct(this.peek(1), '_') && (this.barDepth === 0 || this.isPunct(this.peek(1), '|'));
      return false;
    }
    const e = this.entry(t);
    if (!e) return true; // an unknown command: an unknown factor
    switch (e.kind) {
      case 'mulop':
      case 'divop':
      case 'opaque-infix':
      case 'pm':
      case 'text':
        return this.textCallAt(this.pos);
      case 'relation':
      case 'separator':
      case 'right':
      case 'middle':
      case 'end':
      case 'close':
      case 'not':
      case 'prime':
        return false;
      case 'ignore':
        return false;
      default:
        return true;
    }
  }

  /**
   * A product. `operand` mode (function arguments, derivative operands) stops before another function call
   * or derivative operator and before explicit operators.
   */
  private parseMul(stop: Stop, operand: false | 'function' | 'operator' = false): Node {
    this.enter();
    try {
      const factors: Node[] = [];
      const ops: MulOp[] = [];
      let first = this.parseUnary(stop, operand);
      factors.push(first);
      for (;;) {
        if (operand === 'function' && this.atSpace()) break;
        this.skipIgnorable();
        const t = this.peek();
        if (!t) break;
        // Evaluation bar: E \bigg|_{x_0}
        // (not inside a derivative's operand: `\frac{d}{dx}(x^2)\big|_{x=3}` evaluates the derivative).
        if (this.isPunct(t, '|') && this.isPunct(this.peek(1), '_') && this.barDepth === 0 && operand !== 'operator') {
          const barTok = this.pos;
          this.pos++;
          const wrapped = this.buildProduct(factors, ops);
          factors.length = 0;
          ops.length = 0;
          factors.push(this.parseEvalAt(wrapped, barTok));
          continue;
        }
        const e = this.entry(t);
        if (!operand && (this.isPunct(t, '*') || (e && e.kind === 'mulop'))) {
          this.pos++;
          const op: MulOp = this.isPunct(t, '*') ? 'ast' : (e as { op: MulOp }).op;
          if (this.atExprEnd(stop)) {
            ops.push(op);
            factors.push({ type: 'unknown', what: 'incomplete expression', args: [], span: { start: t.start, end: t.end } });
            break;
          }
          ops.push(op);
          factors.push(this.parseUnary(stop, false));
          continue;
        }
        if (!operand && (this.isPunct(t, '/') || (e && e.kind === 'divop'))) {
          this.pos++;
          if (this.atExprEnd(stop)) break;
          const den = this.parseUnary(stop, false);
          const num = this.buildProduct(factors, ops);
          factors.length = 0;
          ops.length = 0;
          factors.push({ type: 'div', num, den, form: 'slash', span: { start: num.span.start, end: den.span.end } });
          continue;
        }
        if (!operand && e && e.kind === 'opaque-infix' && e.level === 'mul') {
          this.pos++;
          const rhs = this.atExprEnd(stop) ? null : this.parseUnary(stop, false);
          const lhs = this.buildProduct(factors, ops);
          factors.length = 0;
          ops.length = 0;
          factors.push({ type: 'unknown', what: `\\${t.value}`, args: rhs ? [lhs, rhs] : [lhs], span: { start: lhs.span.start, end: (rhs ?? lhs).span.end } });
          continue;
        }
        if (!this.startsFactor(stop)) break;
        if (operand === 'function' && (this.startsNewCall() || this.startsExponential())) break;
        if (operand === 'function' && this.integralDepth > 0 && this.atDifferential()) break;
        if (operand === 'operator' && this.startsDerivOperator()) break;
        const last = factors[factors.length - 1];
        if (last.type === 'pow' && last.base.type === 'deriv' && last.base.of === null && last.base.wrt.length === 1) {
          // (d/dx)^n f: the operator applied n times.
          const op = last.base;
          const of = this.parseMul(stop, 'operator');
          factors[factors.length - 1] = {
            type: 'deriv', kind: op.kind, form: 'operator', of,
            wrt: [{ ...op.wrt[0], order: last.exp.type === 'num' ? last.exp.value : last.exp }],
            order: last.exp.type === 'num' ? last.exp.value : last.exp,
            span: { start: last.span.start, end: of.span.end },
          };
          continue;
        }
        ops.push('implicit');
        factors.push(this.parseUnary(stop, operand));
      }
      first = this.buildProduct(factors, ops);
      return first;
    } finally {
      this.leave();
    }
  }

  /** Inside the body of an integral: a closing `dx` is no part of a function's argument (`\int \sin x dx`). */
  private integralDepth = 0;

  /** Does a closing differential `dx`, `\mathrm{d}x` (the last thing of the expression) start here? */
  private atDifferential(): boolean {
    const m = this.markerAt(this.pos);
    if (!m || m.kind !== 'd') return false;
    const v = this.tokens[this.pos + m.len];
    if (!v || this.pos + m.len >= this.limit || !(v.type === 'letter' || this.entry(v)?.kind === 'symbol')) return false;
    return this.pos + m.len + 1 >= this.limit || this.atExprEndAt(this.pos + m.len + 1);
  }

  /** Is the next token a visible space (`\,`, `\;`, `\ `)? It ends a function's implicit argument. */
  private atSpace(): boolean {
    const e = this.entry(this.peek());
    return e !== undefined && e.kind === 'ignore' && e.space === true;
  }

  private buildProduct(factors: Node[], ops: MulOp[]): Node {
    if (factors.length === 1) return factors[0];
    return { type: 'mul', factors: factors.slice(), ops: ops.slice(), span: { start: factors[0].span.start, end: factors[factors.length - 1].span.end } };
  }

  /** Does a function call (`\sin`, `\frac`, a big operator) start here? Function arguments stop before one. */
  private startsNewCall(): boolean {
    const t = this.peek();
    const e = this.entry(t);
    if (!e) return false;
    return e.kind === 'function' || e.kind === 'frac' || e.kind === 'bigop' || e.kind === 'limit' || e.kind === 'operatorname' || e.kind === 'opaque-function' || e.kind === 'left';
  }

  /** `e^{…}`: the exponential function, which ends a bare argument before it as `\cos` does (`\sin x e^{x}`). */
  private startsExponential(): boolean {
    const t = this.peek();
    return !!t && t.type === 'letter' && t.value === 'e' && this.isPunct(this.peek(1), '^');
  }

  private startsDerivOperator(): boolean {
    const t = this.peek();
    const e = this.entry(t);
    if (!e || e.kind !== 'frac') return false;
    // \frac{d}{dx}: peek the numerator.
    const n = this.peek(1);
    const n2 = this.peek(2);
    const n3 = this.peek(3);
    return this.isPunct(n, '{') && ((n2?.type === 'letter' && n2.value === 'd') || this.isCmd(n2, 'partial')) && this.isPunct(n3, '}');
  }

  private parseUnary(stop: Stop, operand: false | 'function' | 'operator'): Node {
    this.skipIgnorable();
    const t = this.peek();
    if (t && (this.isPunct(t, '-') || this.isPunct(t, '+'))) {
      this.pos++;
      this.enter();
      try {
        const arg = this.parseUnary(stop, operand);
        return t.value === '-' ? { type: 'neg', arg, span: { start: t.start, end: arg.span.end } } : arg;
      } finally {
        this.leave();
      }
    }
    return this.parsePostfix(stop, operand);
  }

  // ---- postfix: scripts, primes, factorial, application --------------------------------------------------------

  private parsePostfix(stop: Stop, operand: false | 'function' | 'operator'): Node {
    this.enter();
    try {
      const startTok = this.pos;
      let node = this.parseAtom(stop, operand);
      for (;;) {
        const t = this.peek();
        if (!t) break;
        if (t.type === 'prime') {
          let n = 0;
          while (this.peek()?.type === 'prime') {
            this.pos++;
            n++;
          }
          node = this.makePrime(node, n, startTok);
          continue;
        }
        if (this.isPunct(t, '_') || this.isPunct(t, '^')) {
          node = this.parseScripts(node, startTok);
          continue;
        }
        if (this.isPunct(t, '!') && !this.isPunct(this.peek(1), '=')) {
          this.pos++;
          node = { type: 'call', name: 'factorial', args: [node], span: this.spanFrom(startTok) };
          continue;
        }
        if (this.startsArgList() && node.type === 'pow' && node.base.type === 'sym' && /^[fghFGH]$/.test(node.base.name)) {
          // g^2(x) is (g(x))^2.
          const args = this.parseArgList();
          if (args) {
            const applied: Node = { type: 'apply', fn: node.base, args: args.args, span: { start: node.base.span.start, end: args.end } };
            node = { type: 'pow', base: applied, exp: node.exp, span: { start: node.span.start, end: args.end } };
            continue;
          }
        }
        if (this.startsArgList() && this.canApply(node)) {
          const args = this.parseArgList();
          if (args) {
            node = { type: 'apply', fn: node, args: args.args, span: { start: node.span.start, end: args.end } };
            continue;
          }
        }
        if (this.startsSquareArgList() && this.canApplySquare(node)) {
          const args = this.parseArgList();
          if (args) {
            node = { type: 'apply', fn: node, args: args.args, bracket: '[', span: { start: node.span.start, end: args.end } };
            continue;
          }
        }
        break;
      }
      return node;
    } finally {
      this.leave();
    }
  }

  private makePrime(node: Node, n: number, startTok: number): Node {
    if (node.type === 'prime' && typeof node.order === 'number') return { type: 'prime', arg: node.arg, order: node.order + n, span: this.spanFrom(startTok) };
    return { type: 'prime', arg: node, order: n, span: this.spanFrom(startTok) };
  }

  /** `f[x]`, `f'[x]`: a plain letter (not bold, blackboard or a number) or its prime before square brackets. */
  private canApplySquare(node: Node): boolean {
    const letter = (n: Node): boolean => n.type === 'sym' && (n.font === undefined || n.font === 'cal') && !/^[0-9]/.test(n.base);
    return letter(node) || (node.type === 'prime' && letter(node.arg));
  }

  private canApply(node: Node): boolean {
    if (node.type === 'sym') return node.font !== 'bb' && !/^[0-9]/.test(node.base);
    if (node.type === 'prime') return true;
    if (node.type === 'deriv') return node.form === 'leibniz';
    if (node.type === 'mul') return node.ops.includes('circ');
    return false;
  }

  /** How many sizing commands (`\big`, `\Bigl`, `\biggr`, …) stand at `pos + k`: they change no meaning. */
  private sizingAt(k: number): number {
    let n = 0;
    while (n < 4) {
      const t = this.peek(k + n);
      if (!t || t.type !== 'cmd' || !SIZING_COMMANDS.has(t.value)) break;
      n++;
    }
    return n;
  }

  /** An opening bracket `open` here: plain, sized (`\big(`, `\Bigl(`) or `\left(`. */
  private opensWith(open: string): boolean {
    const k = this.sizingAt(0);
    const t = this.peek(k);
    if (this.isPunct(t, open)) return true;
    if (k === 0 && this.isCmd(t, 'left') && this.isPunct(this.peek(1), open)) return true;
    return false;
  }

  private startsArgList(): boolean {
    return this.opensWith('(');
  }

  private startsSquareArgList(): boolean {
    return this.opensWith('[');
  }

  /** `( a, b )`, `\big( a, b \big)`, `\left( a, b \right)`, or the same with square brackets. */
  private parseArgList(): { args: Node[]; end: number } | null {
    const sized = this.sizingAt(0);
    if (sized > 0) {
      const save = this.pos;
      this.pos += sized;
      const r = this.parseArgList();
      if (!r) this.pos = save;
      return r;
    }
    const t = this.peek()!;
    if (this.isCmd(t, 'left')) {
      const save = this.pos;
      this.pos += 2;
      const items = this.parseItems(() => this.isCmd(this.peek(), 'right'));
      if (!this.isCmd(this.peek(), 'right')) {
        this.pos = save;
        return null;
      }
      this.pos++;
      const close = this.next();
      return { args: items, end: close ? close.end : t.end };
    }
    const m = this.matching(this.pos);
    if (m < 0) return null;
    this.pos++;
    const items = this.within(m, () => this.parseItems(() => false));
    this.pos = m + 1;
    return { args: items, end: this.tokens[m].end };
  }

  /** Comma-separated expressions until the limit or `atEnd()`. */
  private parseItems(atEnd: () => boolean): Node[] {
    const items: Node[] = [];
    const saveBar = this.barDepth;
    const saveNorm = this.normDepth;
    this.barDepth = 0;
    this.normDepth = 0;
    try {
      while (this.pos < this.limit && !atEnd()) {
        const before = this.pos;
        this.skipIgnorable();
        if (this.pos >= this.limit || atEnd()) break;
        items.push(this.parseExprWithRelations());
        this.skipIgnorable();
        if (this.isPunct(this.peek(), ',') || this.isPunct(this.peek(), ';')) {
          this.pos++;
          continue;
        }
        if (this.pos === before || (this.pos < this.limit && !atEnd())) {
          // Something we could not read: keep it as unknown and move on.
          const t = this.next();
          if (!t) break;
          this.problem(`unexpected ${t.type === 'cmd' ? '\\' + t.value : t.value}`, t.start, t.end);
        }
      }
    } finally {
      this.barDepth = saveBar;
      this.normDepth = saveNorm;
    }
    return items;
  }

  /** An expression that may contain a relation (inside brackets: `(x = 1)`), kept as unknown then. */
  private parseExprWithRelations(): Node {
    const e = this.parseExpr('comma');
    const r = this.relationAt();
    if (!r) return e;
    this.pos += r.len;
    const rhs = this.atExprEnd('comma') ? e : this.parseExpr('comma');
    return { type: 'unknown', what: `relation ${r.op}`, args: [e, rhs], span: { start: e.span.start, end: rhs.span.end } };
  }

  /** `_{…}` and `^{…}` after a base, in either order. */
  private parseScripts(base: Node, startTok: number): Node {
    let sub: { node: Node; raw: string; span: Span } | null = null;
    let sup: { node: Node; raw: string; span: Span; tokens: [number, number] } | null = null;
    for (let k = 0; k < 2; k++) {
      const t = this.peek();
      if (this.isPunct(t, '_') && !sub) {
        this.pos++;
        sub = this.parseScriptArg();
      } else if (this.isPunct(t, '^') && !sup) {
        this.pos++;
        const from = this.pos;
        const a = this.parseScriptArg();
        sup = { ...a, tokens: [from, this.pos] };
      } else break;
    }
    if (sup && !sub && this.missingSubscriptAt(base, sup.raw)) {
      // `J^{(1)}{21}`: the `_` before the braced number is missing (read as J^{(1)}_{21}, and said so).
      const supEnd = sup.span.end;
      const a = this.parseScriptArg();
      const written = { start: base.span.start, end: a.span.end };
      const reading = `${this.input.slice(base.span.start, supEnd)}_${this.input.slice(a.span.start, a.span.end)}`;
      this.suspect(written, reading, `${this.input.slice(written.start, written.end)} looks like ${reading} with the _ missing`, true);
      sub = a;
    }
    let node = base;
    const open = this.bracketed.get(base);
    if (sub && sup && (open === '[' || open === '\\lbrack')) {
      // `\left[ F(x) \right]_a^b`: F(b) - F(a), not a subscripted power.
      return { type: 'unknown', what: 'evaluation between bounds', args: [base, sub.node, sup.node], span: this.spanFrom(startTok) };
    }
    if (sub) node = this.attachSub(node, sub, startTok);
    if (sup) {
      // Primes written as superscripts: f^\prime, f^{\prime\prime}, f^{(n)}.
      const primes = this.primeCount(sup.tokens);
      if (primes > 0) return this.makePrime(node, primes, startTok);
      const supNode = sup.node;
      const lab = this.labelled(node, sup, this.spanFrom(startTok));
      if (lab) return lab;
      if (supNode.type === 'tuple' && supNode.open === '(' && supNode.items.length === 1 && (node.type === 'sym' || node.type === 'prime')) {
        return { type: 'prime', arg: node, order: supNode.items[0].type === 'num' ? supNode.items[0].value : supNode.items[0], span: this.spanFrom(startTok) };
      }
      if (sup.raw.startsWith('(') && sup.raw.endsWith(')') && node.type === 'sym' && /^[fghyFGH]$/.test(node.base)) {
        const inner = supNode;
        return { type: 'prime', arg: node, order: inner.type === 'num' ? inner.value : inner, span: this.spanFrom(startTok) };
      }
      node = { type: 'pow', base: node, exp: supNode, span: this.spanFrom(startTok) };
    }
    return node;
  }

  /**
   * After a symbol with a bracketed superscript label and no subscript (`J^{(1)}`, `W^{[2]}`): a braced group of
   * digits right after it (`{21}`, no space between). Nothing writes a number that way: it is a subscript whose
   * `_` was lost (a product would be written `21 J^{(1)}`).
   */
  private missingSubscriptAt(base: Node, supRaw: string): boolean {
    if (base.type !== 'sym' || base.sub || !/^\s*(?:\([^()]*\)|\[[^[\]]*\])\s*$/.test(supRaw)) return false;
    const open = this.peek();
    if (!open || !this.isPunct(open, '{') || open.space) return false;
    const digits = this.peek(1);
    return digits !== null && digits.type === 'num' && /^[0-9]{1,3}$/.test(digits.value) && this.isPunct(this.peek(2), '}');
  }

  private primeCount(range: [number, number]): number {
    let n = 0;
    for (let i = range[0]; i < range[1]; i++) {
      const t = this.tokens[i];
      if (this.isCmd(t, 'prime') || t.type === 'prime') n++;
      else if (!(t.type === 'punct' && (t.value === '{' || t.value === '}'))) return 0;
    }
    return n;
  }

  private attachSub(node: Node, sub: { node: Node; raw: string; span: Span }, startTok: number): Node {
    const raw = sub.raw.replace(/[{}\s]/g, '');
    // The subscript may have been read after a superscript (`x^2_i`): the span ends where the subscript does.
    const span = { start: Math.min(node.span.start, this.tokens[startTok]?.start ?? node.span.start), end: Math.max(node.span.end, sub.span.end) };
    const bracketed = this.bracketed.has(node);
    if (node.type === 'sym' && !node.sub && !bracketed) {
      const simple = sub.node.type === 'sym' || sub.node.type === 'num';
      const s: SymNode = { ...node, sub: raw, name: `${node.name}_${raw}`, span };
      if (!simple || raw.length > 1) s.subNode = sub.node;
      return s;
    }
    if (node.type === 'norm' && !node.sub && !bracketed) return { ...node, sub: raw, span };
    if (node.type === 'call' && (node.name === 'max' || node.name === 'min' || node.name === 'argmax' || node.name === 'argmin')) return { ...node, span };
    return { type: 'unknown', what: 'subscript', args: [node, sub.node], span };
  }

  /** A script argument: a brace group or one token (`x^2`, `x^{ab}`, `e^\pi`). */
  private parseScriptArg(): { node: Node; raw: string; span: Span } {
    this.skipIgnorable();
    const t = this.peek();
    if (!t) {
      const span = this.here();
      return { node: { type: 'unknown', what: 'missing script', args: [], span }, raw: '', span };
    }
    if (this.isPunct(t, '{')) {
      const m = this.matching(this.pos);
      if (m < 0) {
        this.pos++;
        const node = this.parseExpr('none');
        return { node, raw: this.input.slice(t.start, node.span.end), span: { start: t.start, end: node.span.end } };
      }
      const raw = this.rawText(this.pos + 1, m);
      this.pos++;
      const node = this.within(m, () => this.parseGroupContent(t.start, this.tokens[m].end));
      this.pos = m + 1;
      return { node, raw, span: { start: t.start, end: this.tokens[m].end } };
    }
    // One token; a number token counts one digit (x^23 is x^2·3).
    if (t.type === 'num') {
      if (t.value.length > 1 && /^\d/.test(t.value)) {
        // Split: take one digit; the rest stays as a number token.
        const node = this.cutDigit();
        return { node, raw: node.type === 'num' ? node.raw : '', span: node.span };
      }
      this.pos++;
      return { node: { type: 'num', value: Number(t.value), raw: t.value, span: { start: t.start, end: t.end } }, raw: t.value, span: { start: t.start, end: t.end } };
    }
    if (t.type === 'letter') {
      this.pos++;
      return { node: this.sym(t.value, t.start, t.end), raw: t.value, span: { start: t.start, end: t.end } };
    }
    if (this.isPunct(t, '-') || this.isPunct(t, '+')) {
      // Not valid LaTeX, but common in pasted notes: x^-1.
      this.pos++;
      const a = this.parseScriptArg();
      const node: Node = t.value === '-' ? { type: 'neg', arg: a.node, span: { start: t.start, end: a.span.end } } : a.node;
      return { node, raw: t.value + a.raw, span: { start: t.start, end: a.span.end } };
    }
    // A command: parse one atom (\pi, \top, \frac{1}{2}, \mathbf{x}).
    const start = t.start;
    const from = this.pos;
    const node = this.parseAtom('none', false);
    return { node, raw: this.rawText(from, this.pos), span: { start, end: Math.max(node.span.end, t.end) } };
  }

  /** The content of a brace group: usually an expression; a relation inside (`\sum_{i=1}`) becomes unknown. */
  private parseGroupContent(start: number, end: number): Node {
    this.skipIgnorable();
    if (this.pos >= this.limit) return { type: 'unknown', what: 'empty group', args: [], span: { start, end } };
    const saveBar = this.barDepth;
    const saveNorm = this.normDepth;
    this.barDepth = 0;
    this.normDepth = 0;
    try {
      const items = this.parseItems(() => false);
      if (items.length === 1) return items[0];
      if (items.length === 0) return { type: 'unknown', what: 'empty group', args: [], span: { start, end } };
      return { type: 'tuple', items, open: '{', close: '}', span: { start, end } };
    } finally {
      this.barDepth = saveBar;
      this.normDepth = saveNorm;
    }
  }

  // ---- atoms -----------------------------------------------------------------------------------------------

  /** The canonical name: `x`, `bold:x`, `hat:y`, `hat:bold:y`, then a label `^(2)`, then `_sub`. */

  /**
   * `W^{(2)}`, `x^{(i)}`, `\theta^{(t+1)}`: a parenthesised superscript that labels a symbol (not `e`, not a
   * function letter whose `f^{(n)}` is a derivative). The labelled symbol, or null.
   */
  private labelled(node: Node, sup: { node: Node; raw: string }, span: Span): SymNode | null {
    if (node.type !== 'sym' || node.label !== undefined || this.bracketed.has(node) || node.base === 'e') return null;
    if (/^[fghyFGH]$/.test(node.base) && !node.font) return null;
    const raw = sup.raw.trim();
    if (this.bracketed.get(sup.node) !== '(' || !raw.startsWith('(') || !raw.endsWith(')')) return null;
    const simple = (k: Node, top = false): boolean => k.type === 'num' || (k.type === 'sym' && (top || !this.bracketed.has(k)))
      || (k.type === 'neg' && simple(k.arg)) || (k.type === 'add' && k.terms.every((t) => simple(t)));
    if (!simple(sup.node, true)) return null;
    const label = raw.slice(1, -1).replace(/[{}\s]/g, '');
    return { ...node, label, name: symbolName(node.base, node.font, node.accent, node.sub, label), span };
  }

  private sym(base: string, start: number, end: number, font?: SymNode['font'], accent?: SymNode['accent']): SymNode {
    const s: SymNode = { type: 'sym', name: symbolName(base, font, accent), base, span: { start, end } };
    if (font) s.font = font;
    if (accent) s.accent = accent;
    return s;
  }

  private unknownTok(t: Token, what: string): Node {
    return { type: 'unknown', what, args: [], span: { start: t.start, end: t.end } };
  }

  private parseAtom(stop: Stop, operand: false | 'function' | 'operator'): Node {
    this.enter();
    try {
      return this.parseAtomInner(stop, operand);
    } finally {
      this.leave();
    }
  }

  private parseAtomInner(stop: Stop, operand: false | 'function' | 'operator'): Node {
    this.skipIgnorable();
    const t = this.peek();
    if (!t) return { type: 'unknown', what: 'missing operand', args: [], span: this.here() };
    const startTok = this.pos;
    switch (t.type) {
      case 'num':
        this.pos++;
        return { type: 'num', value: Number(t.value), raw: t.value, span: { start: t.start, end: t.end } };
      case 'letter':
        return this.parseLetter(stop, operand);
      case 'prime':
        this.pos++;
        return this.unknownTok(t, "stray '");
      case 'rowbreak':
        this.pos++;
        return this.unknownTok(t, 'row break');
      case 'punct':
        return this.parsePunctAtom(t, stop);
      case 'cmd':
        return this.parseCommand(t, stop, operand, startTok);
    }
  }

  private parseLetter(stop: Stop, operand: false | 'function' | 'operator'): Node {
    const t = this.next();
    // Function names spelled with letters and followed by a parenthesis: max(0, x), log(x).
    if (!t.space) {
      for (const [name, call] of BARE_FUNCTION_NAMES) {
        if (this.tokens[this.pos - 1].start !== t.start) break;
        if (this.lettersAhead(name, this.pos - 1) && this.isPunct(this.tokens[this.pos - 1 + name.length] ?? null, '(')) {
          this.pos = this.pos - 1 + name.length;
          const args = this.parseArgList();
          if (args) return { type: 'call', name: call, args: args.args, span: { start: t.start, end: args.end } };
        }
      }
    }
    // Leibniz with a slash: dy/dx, d^2y/dx^2.
    if (t.value === 'd') {
      const d = this.tryLeibnizSlash(this.pos - 1);
      if (d) return d;
    }
    // D_x f, Df(x): the derivative operator.
    if (t.value === 'D') {
      const d = this.tryDOperator(t, stop);
      if (d) return d;
    }
    void operand;
    return this.sym(t.value, t.start, t.end);
  }

  private lettersAhead(word: string, from: number): boolean {
    for (let i = 0; i < word.length; i++) {
      const t = this.tokens[from + i];
      if (!t || from + i >= this.limit || t.type !== 'letter' || t.value !== word[i] || (i > 0 && t.space)) return false;
    }
    return true;
  }

  private parsePunctAtom(t: Token, stop: Stop): Node {
    switch (t.value) {
      case '(':
      case '[': {
        const m = this.matching(this.pos);
        if (m < 0) {
          this.pos++;
          this.problem(`unclosed ${t.value}`, t.start, t.end);
          return this.parseAtom(stop, false);
        }
        this.pos++;
        const items = this.within(m, () => this.parseItems(() => false));
        this.pos = m + 1;
        const span = { start: t.start, end: this.tokens[m].end };
        if (items.length === 1) return this.mark(this.regroup(items[0], span), t.value);
        if (items.length === 0) return { type: 'unknown', what: 'empty brackets', args: [], span };
        return { type: 'tuple', items, open: t.value, close: t.value === '(' ? ')' : ']', span };
      }
      case '{': {
        const m = this.matching(this.pos);
        if (m < 0) {
          this.pos++;
          this.problem('unclosed {', t.start, t.end);
          return this.parseAtom(stop, false);
        }
        this.pos++;
        const node = this.within(m, () => this.parseGroupContent(t.start, this.tokens[m].end));
        this.pos = m + 1;
        return this.regroup(node, { start: t.start, end: this.tokens[m].end });
      }
      case '|': {
        if (this.isPunct(this.peek(1), '|')) return this.parseDelimited(t, '||', 'norm');
        return this.parseDelimited(t, '|', 'abs');
      }
      default:
        this.pos++;
        return this.unknownTok(t, t.value);
    }
  }

  /** A bracketed expression keeps its inner node but takes the bracket's span (so `(fg)'` spans the parens). */
  private regroup(inner: Node, span: Span): Node {
    return { ...inner, span } as Node;
  }

  private mark(node: Node, open: string): Node {
    this.bracketed.set(node, open);
    return node;
  }

  /** `|x|` or `||x||`: parse up to the matching bar(s). */
  private parseDelimited(open: Token, kind: '|' | '||', what: 'abs' | 'norm'): Node {
    this.pos += kind.length;
    if (what === 'abs') this.barDepth++;
    else this.normDepth++;
    const savedBar = this.barDepth;
    let inner: Node;
    try {
      if (what === 'norm') this.barDepth++;
      inner = this.parseExpr('none');
    } finally {
      if (what === 'norm') this.barDepth = savedBar;
      if (what === 'abs') this.barDepth--;
      else this.normDepth--;
    }
    let end = inner.span.end;
    if (kind === '||' && this.isPunct(this.peek(), '|') && this.isPunct(this.peek(1), '|')) {
      end = this.tokens[this.pos + 1].end;
      this.pos += 2;
    } else if (this.isPunct(this.peek(), '|')) {
      end = this.peek()!.end;
      this.pos++;
    } else {
      this.problem(`unclosed ${kind}`, open.start, open.end);
    }
    const span = { start: open.start, end };
    if (what === 'abs' && kind === '|') return { type: 'call', name: 'abs', args: [inner], span };
    return { type: 'norm', arg: inner, span };
  }

  private parseCommand(t: Token, stop: Stop, operand: false | 'function' | 'operator', startTok: number): Node {
    const e = COMMANDS.get(t.value);
    if (!e) {
      // An unknown command, with the brace groups right after it.
      this.pos++;
      const args: Node[] = [];
      while (this.isPunct(this.peek(), '{') && args.length < 3) args.push(this.parsePunctAtom(this.peek()!, 'none'));
      return { type: 'unknown', what: `\\${t.value}`, args, span: this.spanFrom(startTok) };
    }
    switch (e.kind) {
      case 'symbol':
        this.pos++;
        return this.sym(e.base, t.start, t.end);
      case 'function':
        return this.parseFunction(t, e.call, startTok);
      case 'opaque-function': {
        this.pos++;
        const arg = this.parseFunctionArg();
        return { type: 'unknown', what: `\\${e.name}`, args: arg ? arg : [], span: this.spanFrom(startTok) };
      }
      case 'font':
      case 'accent':
        return this.parseStyled(t, e, startTok);
      case 'ellipsis':
        this.pos++;
        return { type: 'ellipsis', span: { start: t.start, end: t.end } };
      case 'bigop':
        return this.parseBigOp(t, e.op, startTok);
      case 'limit':
        return this.parseLimit(t, startTok);
      case 'frac':
        return this.parseFrac(t, startTok);
      case 'binom': {
        this.pos++;
        const a = this.parseBraceArg();
        const b = this.parseBraceArg();
        return { type: 'call', name: 'binom', args: [a, b], span: this.spanFrom(startTok) };
      }
      case 'operatorname':
        return this.parseOperatorName(t, startTok);
      case 'partial':
        return this.parsePartial(t, startTok);
      case 'nabla':
        return this.parseNabla(t, startTok);
      case 'transparent': {
        this.pos++;
        const inner = this.parseBraceArg();
        for (let i = 1; i < e.args; i++) this.skipArg();
        if (e.dropScripts) {
          while (this.isPunct(this.peek(), '_') || this.isPunct(this.peek(), '^')) {
            this.pos++;
            this.skipArg();
          }
        }
        return this.regroup(inner, this.spanFrom(startTok));
      }
      case 'open':
        return this.parseOpenDelim(t, e.delim, startTok);
      case 'left':
        return this.parseLeftRight(t, startTok);
      case 'begin':
        return this.parseEnvironment(t, startTok);
      case 'definition': {
        this.pos++;
        for (let i = 0; i < 3 && this.peek() && (this.isPunct(this.peek(), '{') || this.isPunct(this.peek(), '[') || this.peek()!.type === 'cmd'); i++) this.skipArg();
        return { type: 'unknown', what: `\\${t.value}`, args: [], span: this.spanFrom(startTok) };
      }
      case 'overset': {
        this.pos++;
        this.skipArg();
        return this.parseBraceArg();
      }
      case 'pm': {
        this.pos++;
        const arg = this.atExprEnd(stop) ? null : this.parseUnary(stop, false);
        return { type: 'unknown', what: `\\${e.name}`, args: arg ? [arg] : [], span: this.spanFrom(startTok) };
      }
      case 'separator': {
        // A separator where an operand starts, inside brackets (`\left. \quad 2 …`): spacing.
        for (let k = this.entry(this.peek()); k && k.kind === 'separator'; k = this.entry(this.peek())) {
          this.pos++;
          for (let i = 0; i < k.args; i++) this.skipArg();
          this.skipIgnorable();
        }
        return this.parseAtom(stop, operand);
      }
      case 'text': {
        // `\text{ReLU}(x)`: a function name written as text.
        if (this.textCallAt(this.pos)) return this.parseOperatorName(t, startTok);
        // Text inside an expression (not at the top level): skipped.
        this.pos++;
        this.skipArg();
        return { type: 'unknown', what: 'text', args: [], span: this.spanFrom(startTok) };
      }
      default:
        this.pos++;
        void operand;
        return { type: 'unknown', what: `\\${t.value}`, args: [], span: { start: t.start, end: t.end } };
    }
  }

  /** A mandatory argument: a brace group's content or a single atom. */
  private parseBraceArg(): Node {
    this.skipIgnorable();
    const t = this.peek();
    if (!t) return { type: 'unknown', what: 'missing argument', args: [], span: this.here() };
    if (this.isPunct(t, '{')) {
      const m = this.matching(this.pos);
      if (m < 0) {
        this.pos++;
        this.problem('unclosed {', t.start, t.end);
        return this.parseExpr('none');
      }
      this.pos++;
      const node = this.within(m, () => this.parseGroupContent(t.start, this.tokens[m].end));
      this.pos = m + 1;
      return node;
    }
    if (t.type === 'num' && t.value.length > 1 && /^\d/.test(t.value)) return this.cutDigit();
    return this.parseAtom('none', false);
  }

  private parseStyled(t: Token, e: CommandEntry, startTok: number): Node {
    this.pos++;
    const argTok = this.pos;
    const arg = this.rawArg();
    if (!arg) return this.unknownTok(t, `\\${t.value}`);
    const text = arg.text.replace(/\s+/g, '');
    const font = e.kind === 'font' ? e.font ?? undefined : undefined;
    const accent = e.kind === 'accent' ? e.accent : undefined;
    const span = this.spanFrom(startTok);
    // \mathrm{d}, \mathbf{x}, \boldsymbol{\theta}, \hat{y}, \mathbf{1}
    const greek = /^\\([a-zA-Z]+)$/.exec(text);
    if (greek) {
      const ge = COMMANDS.get(greek[1]);
      if (ge && ge.kind === 'symbol') return this.sym(ge.base, span.start, span.end, font, accent);
      if (ge && ge.kind === 'nabla') return this.parseNablaAfter(t, startTok);
    }
    if (/^[a-zA-Z0-9]$/.test(text)) return this.sym(text, span.start, span.end, font, accent);
    if (font === 'rm' || e.kind === 'font') {
      const call = OPERATOR_NAMES.get(text);
      if (call && (font === 'rm' || font === undefined)) return this.finishCall(call, startTok);
      if (/^[a-zA-Z]+$/.test(text) && (font === 'rm' || font === undefined)) return this.sym(text, span.start, span.end, font === 'rm' ? 'rm' : undefined);
    }
    // Anything else: parse the argument in place. A styled symbol (\hat{\mathbf{y}}, \mathbf{x_i}) or, for a font,
    // a product of symbols (\mathbf{W x}: one bold symbol per letter) takes the style; the rest stays unknown with
    // the parsed content (\hat{f(x)}).
    this.pos = argTok;
    const inner = this.parseBraceArg();
    if (this.pos < argTok + 1) this.pos = argTok + 1;
    const whole = this.spanFrom(startTok);
    const styled = this.restyle(inner, font, accent, e.kind === 'font');
    if (styled) return { ...styled, span: whole } as Node;
    return { type: 'unknown', what: `\\${t.value}`, args: [inner], span: whole };
  }

  /** `inner` with a font or accent added, or null when it is not a symbol (or a product of symbols, for a font). */
  private restyle(inner: Node, font: SymNode['font'], accent: SymNode['accent'], isFont: boolean): Node | null {
    if (inner.type === 'sym' && !this.bracketed.has(inner)) {
      if ((font && inner.font && inner.font !== font) || (accent && inner.accent)) return null;
      const f = font ?? inner.font;
      const a = accent ?? inner.accent;
      const s: SymNode = { ...inner, name: symbolName(inner.base, f, a, inner.sub, inner.label) };
      if (f) s.font = f;
      if (a) s.accent = a;
      return s;
    }
    if (isFont && inner.type === 'mul' && inner.ops.every((o) => o === 'implicit') && inner.factors.every((k) => k.type === 'sym')) {
      const factors = inner.factors.map((k) => this.restyle(k, font, undefined, true));
      if (factors.some((k) => k === null)) return null;
      return { ...inner, factors: factors as Node[] };
    }
    return null;
  }

  private parseFunction(t: Token, call: CallName, startTok: number): Node {
    this.pos++;
    if (call === 'sqrt') {
      let index: Node | undefined;
      if (this.isPunct(this.peek(), '[')) {
        const m = this.matching(this.pos);
        if (m > 0) {
          this.pos++;
          index = this.within(m, () => this.parseExpr('none'));
          this.pos = m + 1;
        }
      }
      const arg = this.parseBraceArg();
      const node: Node = { type: 'call', name: 'sqrt', args: [arg], span: this.spanFrom(startTok) };
      if (index) node.index = index;
      return node;
    }
    return this.finishCall(call, startTok);
  }

  /** After the function name: optional `^power`, `_base`, then the argument. */
  private finishCall(call: CallName, startTok: number): Node {
    let power: Node | undefined;
    let base: Node | undefined;
    let name = call;
    for (let k = 0; k < 2; k++) {
      this.skipIgnorable();
      if (this.isPunct(this.peek(), '^') && !power) {
        this.pos++;
        power = this.parseScriptArg().node;
      } else if (this.isPunct(this.peek(), '_') && !base) {
        this.pos++;
        base = this.parseScriptArg().node;
      } else break;
    }
    if (power && power.type === 'neg' && power.arg.type === 'num' && power.arg.value === 1 && INVERSE_FUNCTIONS.has(name)) {
      name = INVERSE_FUNCTIONS.get(name)!;
      power = undefined;
    }
    const args = this.parseFunctionArg() ?? [];
    const node: Node = { type: 'call', name, args, span: this.spanFrom(startTok) };
    if (this.lastArgBare) node.bare = true;
    if (power) node.power = power;
    if (base && name === 'log') node.base = base;
    if (args.length === 0) this.problem(`\\${call} has no argument`, node.span.start, node.span.end);
    return node;
  }

  /** A function's argument: a parenthesised list, or the implicit product that follows. */
  private parseFunctionArg(): Node[] | null {
    this.skipIgnorable();
    this.lastArgBare = false;
    if (this.startsArgList()) {
      const args = this.parseArgList();
      if (args) return args.args;
    }
    if (this.atExprEnd('comma') || !this.startsFactor('comma')) return null;
    const arg = this.parseMul('comma', 'function');
    this.lastArgBare = true;
    return [arg];
  }

  /** Whether the argument parseFunctionArg read last was written without brackets (`\sin 2x`). */
  private lastArgBare = false;

  private parseOperatorName(t: Token, startTok: number): Node {
    this.pos++;
    const arg = this.rawArg();
    const name = (arg?.text ?? '').replace(/\s+/g, ' ').trim();
    const plain = name.replace(/\\[,;! ]/g, '').replace(/\s+/g, '');
    const call = OPERATOR_NAMES.get(plain) ?? OPERATOR_NAMES.get(name);
    if (call) return this.finishCall(call, startTok);
    if (plain === 'd') return this.sym('d', t.start, this.spanFrom(startTok).end, 'rm');
    const args = this.parseFunctionArg() ?? [];
    return { type: 'unknown', what: `operatorname:${plain}`, args, span: this.spanFrom(startTok) };
  }

  private parseBigOp(t: Token, op: 'sum' | 'prod' | 'int' | 'oint', startTok: number): Node {
    this.pos++;
    let lower: Node | undefined;
    let upper: Node | undefined;
    let index: Node | undefined;
    for (let k = 0; k < 2; k++) {
      this.skipIgnorable();
      if (this.isPunct(this.peek(), '_') && !lower) {
        this.pos++;
        const a = this.parseScriptArg();
        lower = a.node;
        if (lower.type === 'unknown' && lower.what === 'relation =' && lower.args.length === 2) {
          index = lower.args[0];
          lower = lower.args[1];
        } else if (lower.type === 'sym' && op !== 'int' && op !== 'oint') {
          // \sum_k: the index; \int_a: the lower bound.
          index = lower;
          lower = undefined;
        }
      } else if (this.isPunct(this.peek(), '^') && !upper) {
        this.pos++;
        upper = this.parseScriptArg().node;
      } else break;
    }
    let body: Node;
    if (this.atExprEnd('comma')) body = { type: 'unknown', what: 'missing body', args: [], span: { start: t.end, end: t.end } };
    else {
      if (op === 'int' || op === 'oint') this.integralDepth++;
      try {
        body = this.parseMul('comma', false);
      } finally {
        if (op === 'int' || op === 'oint') this.integralDepth--;
      }
    }
    const node: Node = { type: 'bigop', op, body, span: this.spanFrom(startTok) };
    if (index) node.index = index;
    if (lower) node.lower = lower;
    if (upper) node.upper = upper;
    if (op === 'int' || op === 'oint') {
      // ∫ f(x) dx: strip the trailing differential.
      if (body.type === 'mul' && body.factors.length >= 2) {
        const d = body.factors[body.factors.length - 2];
        const x = body.factors[body.factors.length - 1];
        if (d.type === 'sym' && (d.name === 'd' || d.name === 'rm:d') && x.type === 'sym') {
          node.differential = x;
          const rest = body.factors.slice(0, -2);
          if (rest.length === 0) node.body = { type: 'num', value: 1, raw: '1', span: d.span };
          else if (rest.length === 1) node.body = rest[0];
          else node.body = { type: 'mul', factors: rest, ops: body.ops.slice(0, rest.length - 1), span: { start: rest[0].span.start, end: rest[rest.length - 1].span.end } };
        }
      }
    }
    return node;
  }

  private parseLimit(t: Token, startTok: number): Node {
    this.pos++;
    let variable: Node | null = null;
    let to: Node | null = null;
    this.skipIgnorable();
    if (this.isPunct(this.peek(), '_')) {
      this.pos++;
      const a = this.parseScriptArg();
      if (a.node.type === 'unknown' && a.node.what.startsWith('relation') && a.node.args.length === 2) {
        variable = a.node.args[0];
        to = a.node.args[1];
      }
    }
    const body = this.atExprEnd('comma') ? ({ type: 'unknown', what: 'missing body', args: [], span: { start: t.end, end: t.end } } as Node) : this.parseMul('comma', false);
    return { type: 'limit', variable, to, body, span: this.spanFrom(startTok) };
  }

  private parseOpenDelim(t: Token, delim: string, startTok: number): Node {
    if (delim === '\\|') {
      // \| … \|
      this.pos++;
      this.normDepth++;
      let inner: Node;
      try {
        inner = this.parseExpr('none');
      } finally {
        this.normDepth--;
      }
      const close = this.peek();
      if (this.isCmd(close) && (close!.value === '|' || close!.value === 'Vert' || close!.value === 'rVert')) this.pos++;
      else this.problem('unclosed \\|', t.start, t.end);
      return { type: 'norm', arg: inner, span: this.spanFrom(startTok) };
    }
    if (delim === '|') {
      this.pos++;
      this.barDepth++;
      let inner: Node;
      try {
        inner = this.parseExpr('none');
      } finally {
        this.barDepth--;
      }
      const close = this.peek();
      if (this.isCmd(close) && (close!.value === 'vert' || close!.value === 'rvert')) this.pos++;
      else if (this.isPunct(close, '|')) this.pos++;
      return { type: 'call', name: 'abs', args: [inner], span: this.spanFrom(startTok) };
    }
    // \{ … \}, \langle … \rangle, floors and ceilings.
    this.pos++;
    const items = this.parseItems(() => {
      const c = this.peek();
      const ce = this.entry(c);
      return ce !== undefined && ce.kind === 'close';
    });
    if (this.entry(this.peek())?.kind === 'close') this.pos++;
    const span = this.spanFrom(startTok);
    if (delim === '\\{') return { type: 'tuple', items, open: '\\{', close: '\\}', span };
    return { type: 'unknown', what: delim, args: items, span };
  }

  /** `\left( … \right)` and friends, including `\left. … \right|_{x=0}`. */
  private parseLeftRight(t: Token, startTok: number): Node {
    this.pos++;
    const open = this.next();
    if (!open) return this.unknownTok(t, '\\left');
    const openText = open.type === 'cmd' ? '\\' + open.value : open.value;
    const saveBar = this.barDepth;
    const saveNorm = this.normDepth;
    this.barDepth = 0;
    this.normDepth = 0;
    let items: Node[];
    try {
      items = this.parseItems(() => this.isCmd(this.peek(), 'right'));
    } finally {
      this.barDepth = saveBar;
      this.normDepth = saveNorm;
    }
    let closeText = '';
    if (this.isCmd(this.peek(), 'right')) {
      this.pos++;
      const c = this.next();
      if (c) closeText = c.type === 'cmd' ? '\\' + c.value : c.value;
    } else {
      this.problem('\\left without \\right', t.start, open.end);
    }
    const span = this.spanFrom(startTok);
    const inner: Node = items.length === 1 ? items[0] : items.length === 0 ? { type: 'unknown', what: 'empty brackets', args: [], span } : { type: 'tuple', items, open: openText, close: closeText, span };
    if (openText === '|' || openText === '\\vert' || openText === '\\lvert') {
      if (closeText === '|' || closeText === '\\vert' || closeText === '\\rvert') return { type: 'call', name: 'abs', args: [inner], span };
    }
    if (openText === '\\|' || openText === '\\Vert' || openText === '\\lVert') return { type: 'norm', arg: inner, span };
    if (openText === '.' && (closeText === '|' || closeText === '\\vert') && this.isPunct(this.peek(), '_')) {
      return this.parseEvalAt(this.regroup(inner, span), -1);
    }
    if (items.length === 1) return this.mark(this.regroup(inner, span), openText);
    return inner;
  }

  /** After an evaluation bar `|`: the subscript `_{x_0}` or `_{x = x_0}` (and an ignored `^{…}`). */
  private parseEvalAt(expr: Node, barTok: number): Node {
    void barTok;
    let variable: Node | undefined;
    let at: Node = { type: 'unknown', what: 'missing point', args: [], span: expr.span };
    let written: Node = at;
    if (this.isPunct(this.peek(), '_')) {
      this.pos++;
      const a = this.parseScriptArg();
      at = a.node;
      written = at;
      if (at.type === 'unknown' && at.what === 'relation =' && at.args.length === 2) {
        variable = at.args[0];
        at = at.args[1];
      }
    }
    const end = (): number => Math.max(expr.span.end, this.here().end);
    if (this.isPunct(this.peek(), '^')) {
      // `F \Big|_a^b` is F(b) - F(a): not modelled, and not to be read as F(a).
      this.pos++;
      const upper = this.parseScriptArg().node;
      return { type: 'unknown', what: 'evaluation between bounds', args: [expr, written, upper], span: { start: expr.span.start, end: end() } };
    }
    const node: Node = { type: 'evalat', expr, at, span: { start: expr.span.start, end: end() } };
    if (variable) node.variable = variable;
    return node;
  }

  private parseEnvironment(t: Token, startTok: number): Node {
    this.pos++;
    const nameArg = this.rawArg();
    const name = nameArg?.text.trim() ?? '';
    // Find the matching \end{name}.
    let depth = 1;
    let endTok = -1;
    for (let i = this.pos; i < this.limit; i++) {
      const tk = this.tokens[i];
      if (tk.type === 'cmd' && (tk.value === 'begin' || tk.value === 'end')) {
        const n = this.tokens[i + 1];
        const n2 = this.tokens[i + 2];
        const n3 = this.tokens[i + 3];
        if (this.isPunct(n ?? null, '{') && n2 && this.isPunct(n3 ?? null, '}') || (n && this.isPunct(n, '{'))) {
          // Read the environment name between braces.
          let j = i + 2;
          let text = '';
          while (j < this.limit && !this.isPunct(this.tokens[j], '}')) {
            text += this.input.slice(this.tokens[j].start, this.tokens[j].end);
            j++;
          }
          if (text === name) {
            depth += tk.value === 'begin' ? 1 : -1;
            if (depth === 0) {
              endTok = i;
              break;
            }
          }
        }
      }
    }
    if (endTok < 0) {
      this.problem(`\\begin{${name}} without \\end{${name}}`, t.start, t.end);
      return { type: 'unknown', what: `env:${name}`, args: [], span: this.spanFrom(startTok) };
    }
    const argCount = MATRIX_ENVS.get(name) ?? TRANSPARENT_ENV_ARGS.get(name) ?? 0;
    for (let i = 0; i < argCount; i++) this.skipArg();
    const bodyStart = this.pos;
    // Skip past \end{name}.
    let after = endTok + 2;
    while (after < this.limit && !this.isPunct(this.tokens[after], '}')) after++;
    after++;
    if (MATRIX_ENVS.has(name)) {
      const rows: Node[][] = [];
      let row: Node[] = [];
      this.within(endTok, () => {
        this.pos = bodyStart;
        while (this.pos < this.limit) {
          const before = this.pos;
          this.skipIgnorable();
          if (this.pos >= this.limit) break;
          const tk = this.peek()!;
          if (tk.type === 'rowbreak') {
            this.pos++;
            rows.push(row);
            row = [];
            continue;
          }
          if (this.isPunct(tk, '&')) {
            this.pos++;
            continue;
          }
          row.push(this.parseExprWithRelations());
          if (this.pos === before) this.pos++;
          else if (this.pos < this.limit && !this.isPunct(this.peek(), '&') && this.peek()!.type !== 'rowbreak') {
            // Text or something odd inside a cell: skip it.
            this.pos++;
          }
        }
      });
      if (row.length) rows.push(row);
      this.pos = Math.min(after, this.limit);
      return { type: 'matrix', env: name, rows, span: this.spanFrom(startTok) };
    }
    this.pos = Math.min(after, this.limit);
    return { type: 'unknown', what: `env:${name}`, args: [], span: this.spanFrom(startTok) };
  }

  // ---- derivatives ------------------------------------------------------------------------------------------

  /** Is the token at `i` a differential marker (d, \partial, \mathrm{d}, \text{d}, \operatorname{d})? Returns its token length. */
  private markerAt(i: number): { kind: 'd' | 'partial'; len: number } | null {
    const t = this.tokens[i];
    if (!t || i >= this.limit) return null;
    if (t.type === 'letter' && t.value === 'd') return { kind: 'd', len: 1 };
    if (t.type === 'cmd' && t.value === 'partial') return { kind: 'partial', len: 1 };
    if (t.type === 'cmd' && (t.value === 'mathrm' || t.value === 'text' || t.value === 'operatorname' || t.value === 'textrm' || t.value === 'rm')) {
      const a = this.tokens[i + 1];
      const b = this.tokens[i + 2];
      const c = this.tokens[i + 3];
      if (a && a.type === 'punct' && a.value === '{' && b && b.type === 'letter' && b.value === 'd' && c && c.type === 'punct' && c.value === '}') return { kind: 'd', len: 4 };
      if (a && a.type === 'letter' && a.value === 'd') return { kind: 'd', len: 2 };
    }
    return null;
  }

  /** Optional `^n` / `^{n}` after a differential marker: the order. */
  private parseOrder(): number | Node {
    this.orderInParens = false;
    if (!this.isPunct(this.peek(), '^')) return 1;
    this.pos++;
    const a = this.parseScriptArg();
    this.orderInParens = this.bracketed.get(a.node) === '(';
    if (a.node.type === 'num' && Number.isInteger(a.node.value)) return a.node.value;
    // d^{(i)}: an order in parentheses.
    return a.node;
  }

  /** The last `parseOrder` read an order in parentheses (`d^{(n)}`): then `dx^{(n)}` is an order, not a label. */
  private orderInParens = false;

  /** The denominator of a Leibniz fraction: one or more `d x`, `\partial x^2`, `\partial \mathbf{x}^T`. */
  private parseWrtList(slash: boolean, labels = true): WrtVar[] | null {
    const out: WrtVar[] = [];
    while (this.pos < this.limit) {
      this.skipIgnorable();
      if (this.pos >= this.limit) break;
      const m = this.markerAt(this.pos);
      if (!m) {
        // `\partial x_i x_j`: a second variable without its own marker (a common slip): accept.
        if (out.length && (this.peek()?.type === 'letter' || this.entry(this.peek())?.kind === 'symbol') && !slash) {
          const v = this.parseWrtVarAtom(labels);
          if (!v) return null;
          out.push({ v: v.node, order: 1, span: v.node.span });
          continue;
        }
        if (slash) break;
        return null;
      }
      const markTok = this.tokens[this.pos];
      this.pos += m.len;
      this.skipIgnorable();
      const v = slash ? this.parseSlashWrt() : this.parseWrtVarAtom(labels);
      if (!v) return null;
      out.push({ v: v.node, order: v.order, ...(v.transposed ? { transposed: true } : {}), span: { start: markTok.start, end: this.tokens[this.pos - 1].end } });
      if (slash) break;
    }
    return out.length ? out : null;
  }

  /** A variable of differentiation: a symbol with subscript, then `^2` (order) or `^T` (transposed). */
  private parseWrtVarAtom(labels: boolean): { node: Node; order: number | Node; transposed?: boolean } | null {
    const t = this.peek();
    if (!t) return null;
    let node: Node;
    const startTok = this.pos;
    const inner = this.peek(1);
    if (t.type === 'letter') {
      this.pos++;
      node = this.sym(t.value, t.start, t.end);
    } else if (t.type === 'cmd') {
      const e = this.entry(t);
      if (!e || !(e.kind === 'symbol' || e.kind === 'font' || e.kind === 'accent')) return null;
      node = this.parseAtom('none', false);
    } else if (this.isPunct(t, '{') && inner && this.matching(this.pos) === this.pos + 2
      && (inner.type === 'letter' || (inner.type === 'cmd' && this.entry(inner)?.kind === 'symbol'))) {
      // `d{x}` (what a macro's `\\d{#1}` leaves): the braces around one variable say nothing.
      this.pos++;
      node = this.parseAtom('none', false);
      this.pos++;
    } else return null;
    if (this.isPunct(this.peek(), '_')) {
      this.pos++;
      node = this.attachSub(node, this.parseScriptArg(), startTok);
    }
    let order: number | Node = 1;
    let transposed = false;
    if (this.isPunct(this.peek(), '^')) {
      this.pos++;
      const a = this.parseScriptArg();
      const lab = labels ? this.labelled(node, a, this.spanFrom(startTok)) : null;
      if (lab) node = lab;
      else if (a.node.type === 'sym' && (a.node.name === 'T' || a.node.name === 'top')) transposed = true;
      else if (a.node.type === 'num' && Number.isInteger(a.node.value)) order = a.node.value;
      else order = a.node;
    }
    return { node, order, transposed };
  }

  /** In `\partial x^6/\partial x^2` the variable may be an expression (a postfix atom). */
  private parseSlashWrt(): { node: Node; order: number | Node; transposed?: boolean } | null {
    const t = this.peek();
    if (!t || !(t.type === 'letter' || (t.type === 'cmd' && ['symbol', 'font', 'accent'].includes(this.entry(t)?.kind ?? '')))) return null;
    const saveBar = this.barDepth;
    const node = this.parsePostfixNoApply();
    this.barDepth = saveBar;
    return { node, order: 1 };
  }

  /** A postfix atom without application (for slash-Leibniz operands: `x^6`, `y`, `z_i`). */
  private parsePostfixNoApply(): Node {
    const startTok = this.pos;
    let node = this.parseAtom('none', false);
    while (this.isPunct(this.peek(), '_') || this.isPunct(this.peek(), '^')) node = this.parseScripts(node, startTok);
    return node;
  }

  /** `dy/dx`, `d^2y/dx^2`, `\partial y/\partial x`, `\partial x^6/\partial x^2` starting at token `at`. */
  private tryLeibnizSlash(at: number): Node | null {
    const save = this.pos;
    const saveProblems = this.problems.length;
    this.pos = at;
    const m = this.markerAt(this.pos);
    if (!m) {
      this.pos = save;
      return null;
    }
    const startTok = this.pos;
    this.pos += m.len;
    const order = this.parseOrder();
    this.skipIgnorable();
    const t = this.peek();
    if (!t || !(t.type === 'letter' || (t.type === 'cmd' && ['symbol', 'font', 'accent'].includes(this.entry(t)?.kind ?? ''))) || t.space && m.kind === 'd') {
      this.pos = save;
      this.problems.length = saveProblems;
      return null;
    }
    const of = this.parsePostfixNoApply();
    this.skipIgnorable();
    if (!this.isPunct(this.peek(), '/')) {
      this.pos = save;
      this.problems.length = saveProblems;
      return null;
    }
    this.pos++;
    this.skipIgnorable();
    const dm = this.markerAt(this.pos);
    if (!dm || dm.kind !== m.kind) {
      this.pos = save;
      this.problems.length = saveProblems;
      return null;
    }
    let wrt: WrtVar[] | null;
    if (order !== 1) wrt = this.parseWrtList(false, !this.orderInParens);
    else wrt = this.parseWrtList(true);
    if (!wrt) {
      this.pos = save;
      this.problems.length = saveProblems;
      return null;
    }
    const node: DerivNode = { type: 'deriv', kind: m.kind, form: 'leibniz', of, wrt: wrt.slice(0, 1), order, span: this.spanFrom(startTok) };
    return node;
  }

  private parseFrac(t: Token, startTok: number): Node {
    this.pos++;
    const numTok = this.pos;
    const leib = this.tryLeibnizFrac(startTok);
    if (leib) return leib;
    this.pos = numTok;
    const num = this.parseBraceArg();
    const denTok = this.pos;
    const den = this.parseBraceArg();
    const span = this.spanFrom(startTok);
    this.checkDerivativeLike(numTok, denTok, span);
    return { type: 'div', num, den, form: 'frac', span };
  }

  /**
   * A `\frac` that was not read as a derivative but starts like one. Above the bar `\partial …` while nothing
   * below is a differential (`\frac{\partial A x}{x^T}`): the ∂ below is missing, since ∂ stands for nothing on
   * its own. `\frac{dy}{ty}`: a differential over two letters, noted here and kept by `suspicionsFor` only when
   * the fragment differentiates by one of those letters (`\frac{dx}{x}` under an integral and `\frac{d}{2}` are
   * fine).
   */
  private checkDerivativeLike(numTok: number, denTok: number, span: Span): void {
    const group = (open: number): [number, number] | null => {
      if (!this.isPunct(this.tokens[open] ?? null, '{')) return null;
      const close = this.matching(open);
      return close > open ? [open + 1, close] : null;
    };
    const num = group(numTok);
    const den = group(denTok);
    if (!num || !den || num[1] - num[0] < 1 || den[1] - den[0] < 1) return;
    const text = (r: [number, number]) => this.input.slice(this.tokens[r[0]].start, this.tokens[r[1] - 1].end);
    const hasMarker = (r: [number, number]): boolean => {
      for (let i = r[0]; i < r[1]; i++) {
        const t = this.tokens[i];
        if (this.markerAt(i) || this.isCmd(t, 'nabla') || this.isCmd(t, 'delta') || this.isCmd(t, 'Delta')) return true;
      }
      return false;
    };
    const first = this.tokens[num[0]];
    if (this.isCmd(first, 'partial')) {
      if (hasMarker(den)) return;
      const reading = `\\frac{${text(num)}}{\\partial ${text(den)}}`;
      this.suspect(span, reading, `${this.input.slice(span.start, span.end)} has ∂ above the bar and no ∂ below: it looks like ${reading}`, false);
      return;
    }
    // \frac{dy}{ty}: exactly `d v` over exactly two letters, neither a d.
    const isLetter = (i: number) => this.tokens[i].type === 'letter' && this.tokens[i].value.length === 1;
    if (num[1] - num[0] !== 2 || den[1] - den[0] !== 2) return;
    if (!(first.type === 'letter' && first.value === 'd' && isLetter(num[0] + 1) && this.tokens[num[0] + 1].value !== 'd')) return;
    if (!isLetter(den[0]) || !isLetter(den[0] + 1) || this.tokens[den[0]].value === 'd' || this.tokens[den[0] + 1].value === 'd') return;
    this.leibnizLike.push({ span, written: this.input.slice(span.start, span.end), v: this.tokens[num[0] + 1].value, letters: [this.tokens[den[0]].value, this.tokens[den[0] + 1].value] });
  }

  /** The suspicions of the whole fragment, the `\frac{dy}{ty}` ones confirmed by its other derivatives. */
  private suspicionsFor(formulas: Formula[]): SuspiciousNotation[] {
    if (this.leibnizLike.length === 0) return this.suspicious;
    const wrt = new Set<string>();
    let integral = false;
    for (const f of formulas) {
      for (const op of f.operands) {
        walk(op, (n) => {
          if (n.type === 'deriv') for (const w of n.wrt) if (w.v.type === 'sym') wrt.add(w.v.name);
          if (n.type === 'bigop' && (n.op === 'int' || n.op === 'oint')) integral = true;
        });
      }
    }
    if (integral) return this.suspicious;
    for (const c of this.leibnizLike) {
      const meant = [...new Set(c.letters)].filter((l) => l !== c.v && wrt.has(l));
      if (meant.length !== 1) continue;
      const reading = `\\frac{d${c.v}}{d${meant[0]}}`;
      this.suspect(c.span, reading, `${c.written} has a differential above the bar but none below: it looks like ${reading}`, false);
    }
    return this.suspicious.sort((a, b) => a.span.start - b.span.start);
  }

  /** `\frac{d…}{d…}`: a Leibniz derivative (with its operand for the operator form), or null. */
  private tryLeibnizFrac(startTok: number): Node | null {
    const save = this.pos;
    const saveProblems = this.problems.length;
    const fail = (): null => {
      this.pos = save;
      this.problems.length = saveProblems;
      return null;
    };
    if (!this.isPunct(this.peek(), '{')) return fail();
    const numEnd = this.matching(this.pos);
    if (numEnd < 0) return fail();
    this.pos++;
    const m = this.markerAt(this.pos);
    if (!m) return fail();
    const parsedNum = this.within(numEnd, () => {
      this.pos += m.len;
      const order = this.parseOrder();
      const parens = this.orderInParens;
      this.skipIgnorable();
      if (this.pos >= this.limit) return { order, of: null as Node | null, parens };
      const of = this.parseExpr('none');
      if (this.pos < this.limit) return null;
      return { order, of, parens };
    });
    if (!parsedNum) return fail();
    this.pos = numEnd + 1;
    this.skipIgnorable();
    if (!this.isPunct(this.peek(), '{')) return fail();
    const denEnd = this.matching(this.pos);
    if (denEnd < 0) return fail();
    this.pos++;
    const wrt = this.within(denEnd, () => {
      const w = this.parseWrtList(false, !parsedNum.parens);
      this.skipIgnorable();
      if (!w || this.pos < this.limit) return null;
      return w;
    });
    if (!wrt) return fail();
    // Every marker must be of the numerator's kind (d…/d…, ∂…/∂…).
    this.pos = denEnd + 1;
    const kind = m.kind;
    if (parsedNum.of) {
      return { type: 'deriv', kind, form: 'leibniz', of: parsedNum.of, wrt, order: parsedNum.order, span: this.spanFrom(startTok) };
    }
    // Operator form: the operand is the implicit product that follows.
    const head: DerivNode = { type: 'deriv', kind, form: 'operator', of: null, wrt, order: parsedNum.order, span: this.spanFrom(startTok) };
    return this.attachOperand(head, startTok);
  }

  private attachOperand(head: DerivNode, startTok: number): Node {
    this.skipIgnorable();
    if (this.atExprEnd('comma') || !this.startsFactor('comma')) return head;
    // `\frac{d}{dx}` followed by `\right)` etc. has no operand; a following bracket group is the operand.
    const of = this.parseMul('comma', 'operator');
    return { ...head, of, span: this.spanFrom(startTok) };
  }

  private parsePartial(t: Token, startTok: number): Node {
    // ∂_x f
    if (this.isPunct(this.peek(1), '_')) {
      this.pos += 2;
      const sub = this.parseScriptArg();
      const head: DerivNode = { type: 'deriv', kind: 'partial', form: 'subscript', of: null, wrt: [{ v: sub.node, order: 1, span: sub.span }], order: 1, span: this.spanFrom(startTok) };
      return this.attachOperand(head, startTok);
    }
    const slash = this.tryLeibnizSlash(this.pos);
    if (slash) return slash;
    this.pos++;
    return this.unknownTok(t, 'partial');
  }

  private parseNabla(t: Token, startTok: number): Node {
    this.pos++;
    return this.parseNablaAfter(t, startTok);
  }

  private parseNablaAfter(_t: Token, startTok: number): Node {
    const wrt: WrtVar[] = [];
    if (this.isPunct(this.peek(), '_')) {
      this.pos++;
      const sub = this.parseScriptArg();
      wrt.push({ v: sub.node, order: 1, span: sub.span });
    }
    const head: DerivNode = { type: 'deriv', kind: 'nabla', form: 'nabla', of: null, wrt, order: 1, span: this.spanFrom(startTok) };
    return this.attachOperand(head, startTok);
  }

  /** `D_x f`, `D_{x_i} f`, `D f(x)`, `Df(x)`: the derivative operator, or null when D is just a letter. */
  private tryDOperator(t: Token, stop: Stop): Node | null {
    const startTok = this.pos - 1;
    const next = this.peek();
    if (this.isPunct(next, '_')) {
      const save = this.pos;
      this.pos++;
      const sub = this.parseScriptArg();
      this.skipIgnorable();
      const op = this.peek();
      if (op && (op.type === 'letter' || op.type === 'cmd') && !this.atExprEnd(stop)) {
        const head: DerivNode = { type: 'deriv', kind: 'd', form: 'D', of: null, wrt: [{ v: sub.node, order: 1, span: sub.span }], order: 1, span: this.spanFrom(startTok) };
        return this.attachOperand(head, startTok);
      }
      this.pos = save;
      return null;
    }
    if (next && next.type === 'letter' && D_OPERAND_LETTERS.has(next.value)) {
      const after = this.peek(1);
      const applied = this.isPunct(after, '(');
      const bare = !after || this.atExprEndAt(this.pos + 1);
      if (applied || bare) {
        const head: DerivNode = { type: 'deriv', kind: 'd', form: 'D', of: null, wrt: [], order: 1, span: { start: t.start, end: t.end } };
        return this.attachOperand(head, startTok);
      }
    }
    return null;
  }

  private atExprEndAt(i: number): boolean {
    const save = this.pos;
    this.pos = i;
    const r = this.atExprEnd('comma');
    this.pos = save;
    return r;
  }
}
