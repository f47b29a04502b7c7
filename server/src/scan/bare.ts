/**
 * Formulas written without delimiters (notes pasted from the web).
 *
 * Whole lines (`bare`, display). After removing the list bullet, white space, one trailing `.`/`,`, a
 * wrapping `$…$` pair that did not qualify as delimiters and a leading prose label (`Quotient rule: `),
 * a line is a formula when
 *   - it has a math signal: a relation (`=` `<` `>` `≤` `≥` `≠` `≈` `→` …), a LaTeX command, `^` or `_`;
 *   - it has at most one prose word: an alphabetic run outside braces and command names that is 3+ letters
 *     (not a math name like sin, log, softmax, ReLU; not a vowel-less run like dx, RNN; not Greek) or a
 *     two-letter English function word (is, of, to, do, …);
 *   - it does not look like code, markup or a URL (`np.sum`, `==`, `+=`, `"…"`, `` ` ``, `<tag`, `](`,
 *     `://`, a leading `#`, `$`).
 * In Markdown only lines that form a paragraph (or list item) on their own, or belong to a paragraph made
 * only of formula lines and delimited math, qualify; in plain text every line outside math/code does.
 *
 * Runs inside prose lines (`bare-inline`, text mode only). The line is split at white space outside braces;
 * each token is prose, math-looking (contains `\`, `^`, `_`, a relation, `f(x)`-style parentheses, `/`,
 * `'`, operators), a standalone relation/operator, or weak (a single letter, a number, `2x`, a two-letter
 * symbol product). Weak tokens join only next to math-looking ones (`a`, `A`, `I` only next to a relation
 * or operator). Runs end at sentence punctuation outside parentheses; leading/trailing operators,
 * punctuation and unbalanced parentheses are trimmed. A run is kept when it has a LaTeX command, a
 * relation or a script — only a LaTeX command on lines that also hold delimited math or code.
 */
import { Blocks, LineKind } from './blocks';
import { LIBRARY_FUNCTIONS } from '../library/functions';
import { BACKSLASH, LBRACE, RBRACE, isAsciiLetter, isGreek, isLetter, isWs } from './chars';
import { RawFragment } from './inline';
import { LineMap } from './lines';

/** A range the bare detector must not look into (delimited math, code, comments). */
export interface Opaque {
  start: number;
  end: number;
  kind: 'math' | 'code' | 'comment';
}

/** Alphabetic tokens that are mathematical names rather than prose (compared in lower case). */
const MATH_WORDS: ReadonlySet<string> = new Set([
  ...LIBRARY_FUNCTIONS.flatMap((f) => f.words ?? []),
  'arccot', 'arsinh', 'arcosh', 'artanh',
  'log', 'lg', 'lim', 'liminf', 'limsup', 'sup', 'inf', 'max', 'min', 'argmax', 'argmin',
  'det', 'tr', 'trace', 'diag', 'rank', 'dim', 'ker', 'span', 'erfc',
  'softmax', 'softsign', 'gelu', 'elu', 'selu', 'logsumexp', 'logit',
  'var', 'cov', 'corr', 'mod', 'gcd', 'lcm', 'grad', 'div', 'curl', 'sinc', 'arg',
  'deg', 'sum', 'prod', 'int', 'const', 'proj', 'vec', 'id',
]);

/** Two-letter English words that count as prose words (other 1–2 letter tokens are variables). */
const SHORT_WORDS: ReadonlySet<string> = new Set([
  'is', 'of', 'to', 'in', 'be', 'we', 'if', 'as', 'at', 'by', 'on', 'or', 'an', 'it', 'do', 'so', 'no',
  'us', 'up', 'he', 'me', 'my', 'am', 'ie', 'eg',
]);

const FN_TIMES_VAR_RE = /^(?:sin|cos|tan|cot|sec|csc|ln|log|exp|sinh|cosh|tanh)[xyzuvw]$/;
const CJK_RE = /[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]/;

function isProseWord(word: string): boolean {
  let ascii = true;
  let greek = true;
  let vowel = false;
  for (let k = 0; k < word.length; k++) {
    const c = word.charCodeAt(k);
    if (c >= 0x80) ascii = false;
    if (!isGreek(c)) greek = false;
    // a e i o u y, either case
    const l = c | 0x20;
    if (l === 0x61 || l === 0x65 || l === 0x69 || l === 0x6f || l === 0x75 || l === 0x79) vowel = true;
  }
  if (greek) return false;
  if (!ascii && CJK_RE.test(word)) return true;
  const lower = word.toLowerCase();
  if (word.length < 3) return SHORT_WORDS.has(lower);
  if (MATH_WORDS.has(lower)) return false;
  if (FN_TIMES_VAR_RE.test(lower)) return false;
  // Letter runs without vowels are symbol products or abbreviations (dx, fg, dxdt, RNN), not prose.
  if (ascii && !vowel) return false;
  return true;
}

/**
 * Number of prose words in text[from, to): alphabetic runs outside braces that are not LaTeX command
 * names, not math function names, and either 3+ letters or a short English function word. Stops counting
 * once the count exceeds `max`.
 */
export function countProseWords(text: string, from: number, to: number, max: number): number {
  let depth = 0;
  let count = 0;
  let k = from;
  while (k < to) {
    const c = text.charCodeAt(k);
    if (c === BACKSLASH) {
      k++;
      if (k < to && isAsciiLetter(text.charCodeAt(k))) {
        while (k < to && isAsciiLetter(text.charCodeAt(k))) k++;
      } else {
        k++;
      }
      continue;
    }
    if (c === LBRACE) {
      depth++;
      k++;
      continue;
    }
    if (c === RBRACE) {
      if (depth > 0) depth--;
      k++;
      continue;
    }
    if (depth > 0 || !isLetter(c)) {
      k++;
      continue;
    }
    let j = k + 1;
    while (j < to && isLetter(text.charCodeAt(j))) j++;
    if (isProseWord(text.slice(k, j))) {
      count++;
      if (count > max) return count;
    }
    k = j;
  }
  return count;
}

const SIGNAL_RE = /[=<>^_\u2264\u2265\u2260\u2248\u2192\u21d2\u21a6\u2261]|\\[A-Za-z]/;
const ALNUM_RE = /[A-Za-z0-9\u0370-\u03ff]/;
const CODE_OPS_RE = /==|\+=|-=|\*=|\/=|&&|\bdef\b|\breturn\b|\bimport\b|\blambda\b/;
/** `name.attr` with a multi-letter side: method calls and attribute access (`np.sum`, `x.grad`). */
const CODE_DOT_RE = /(?:^|[^\\A-Za-z0-9_])(?:[A-Za-z_][A-Za-z0-9_]+\.[A-Za-z_]|[A-Za-z_]\.[A-Za-z_][A-Za-z0-9_])/;
const HTML_RE = /^(?:<[A-Za-z/!?]|#)/;
const HTML_TAG_RE = /<\/?[A-Za-z][^>]*>/;
const MAX_FORMULA_LINE = 4000;

/** Whole-line test on text[s, e) (already trimmed, bullet and trailing punctuation removed). */
export function looksLikeFormula(text: string, s: number, e: number): boolean {
  if (e <= s || e - s > MAX_FORMULA_LINE) return false;
  const str = text.slice(s, e);
  if (!SIGNAL_RE.test(str) || !ALNUM_RE.test(str)) return false;
  if (str.includes('$') || str.includes('://') || str.includes('`') || str.includes('](') || /"[^"]*"/.test(str)) return false;
  if (HTML_RE.test(str) || HTML_TAG_RE.test(str)) return false;
  if (CODE_OPS_RE.test(str) || CODE_DOT_RE.test(str)) return false;
  return countProseWords(str, 0, str.length, 1) <= 1;
}

/**
 * The formula of a whole line whose prose starts at `from` and whose content ends at `to`, or undefined.
 * Trims white space, a trailing `.` or `,` and a wrapping pair of `$` that did not qualify as delimiters.
 */
export function wholeLineFormula(text: string, from: number, to: number): { start: number; end: number } | undefined {
  let s = from;
  let e = to;
  while (s < e && isWs(text.charCodeAt(s))) s++;
  while (e > s && isWs(text.charCodeAt(e - 1))) e--;
  if (e > s) {
    const last = text.charCodeAt(e - 1);
    if ((last === 0x2e || last === 0x2c) && text.charCodeAt(e - 2) !== 0x2e) {
      e--;
      while (e > s && isWs(text.charCodeAt(e - 1))) e--;
    }
  }
  if (e - s >= 3 && text.charCodeAt(s) === 0x24 && text.charCodeAt(e - 1) === 0x24 && text.charCodeAt(s + 1) !== 0x24) {
    s++;
    e--;
    while (s < e && isWs(text.charCodeAt(s))) s++;
    while (e > s && isWs(text.charCodeAt(e - 1))) e--;
  }
  // A leading prose label (`Quotient rule: (f/g)' = …`) is not part of the formula.
  LABEL_RE.lastIndex = s;
  const label = LABEL_RE.exec(text);
  if (label && label.index === s && s + label[0].length < e && countProseWords(label[1], 0, label[1].length, 0) > 0) {
    const rest = s + label[0].length;
    if (looksLikeFormula(text, rest, e)) return { start: rest, end: e };
  }
  if (!looksLikeFormula(text, s, e)) return undefined;
  return { start: s, end: e };
}

const LABEL_RE = /([A-Za-z][A-Za-z' -]{1,40}):[ \t]+/y;

// ---------------------------------------------------------------------------------------------------------
// Runs inside prose lines

const enum Cls {
  /** Prose or anything that is not math. */
  P,
  /** A math-looking token. */
  M,
  /** A standalone relation (`=`, `\to`, `->`). */
  R,
  /** A standalone operator or ellipsis (`+`, `-`, `\cdot`-free `*`, `...`). */
  O,
  /** A single letter, a number, `2x`, a short symbol product: math only next to math. */
  W,
  /** `a`, `A`, `I`: math only next to a relation or operator. */
  A,
}

interface Token {
  start: number;
  /** End without trailing sentence punctuation. */
  coreEnd: number;
  end: number;
  cls: Cls;
  /** Trailing `,` `;` `.` `:` `!` `?` was stripped. */
  punct: boolean;
  /** `(`/`[` minus `)`/`]` inside the token. */
  parenDelta: number;
}

const REL_TOKEN_RE = /^(?:[-=<>~]*[=<>][-=<>~]*|[\u2264\u2265\u2260\u2248\u2192\u21d2\u21a6\u2261\u223c\u221d\u2208]|\\(?:to|approx|le|leq|ge|geq|neq|ne|rightarrow|Rightarrow|longrightarrow|mapsto|equiv|sim|simeq|propto|lt|gt|ll|gg|in|coloneqq|triangleq)(?![A-Za-z]))$/;
const OP_TOKEN_RE = /^(?:[-+*/\u00d7\u00b7\u2212\u00b1\u2213\u00f7]|\\(?:cdot|times|pm|mp|div|circ)|\.{2,}|\u2026|\\l?dots|\\cdots)$/;
const SINGLE_RE = /^[A-Za-z\u0370-\u03ff]'*$/;
const NUMBER_RE = /^[-+\u2212]?\d+(?:\.\d+)?$/;
const COEF_RE = /^\d+[A-Za-z]$/;
const SHORT_SYMBOLS_RE = /^[A-Za-z]{2}$/;
const MATHY_CHAR_RE = /[\\^_=<>()/+*'|\u2264\u2265\u2260\u2248\u2192\u2211\u222b\u2202\u2207\u00b7\u00d7\u2212\u00b1\u221a\u221e]|[A-Za-z0-9]-[A-Za-z0-9]/;
const CMD_RE = /\\[A-Za-z]/;
const REL_RE = /[=<>\u2264\u2265\u2260\u2248\u2192\u21d2\u21a6\u2261]|\\(?:to|approx|le|leq|ge|geq|neq|ne|rightarrow|Rightarrow|longrightarrow|mapsto|equiv|sim|simeq|propto|lt|gt|ll|gg|coloneqq|triangleq)(?![A-Za-z])/;
const SCRIPT_RE = /[\^_]/;
const MAX_TOKEN = 200;
const MAX_RUN = 300;

function isTrailingPunct(c: number): boolean {
  return c === 0x2c || c === 0x3b || c === 0x2e || c === 0x3a || c === 0x21 || c === 0x3f;
}

/** Splits text[from, to) at white space outside braces. */
function tokenize(text: string, from: number, to: number): Array<{ start: number; end: number }> {
  const out: Array<{ start: number; end: number }> = [];
  let k = from;
  while (k < to) {
    while (k < to && isWs(text.charCodeAt(k))) k++;
    if (k >= to) break;
    const start = k;
    let depth = 0;
    while (k < to) {
      const c = text.charCodeAt(k);
      if (c === BACKSLASH) {
        k += 2;
        continue;
      }
      if (c === LBRACE) depth++;
      else if (c === RBRACE) {
        if (depth > 0) depth--;
      } else if (depth === 0 && isWs(c)) break;
      k++;
    }
    if (k > to) k = to;
    out.push({ start, end: k });
  }
  return out;
}

function classify(text: string, start: number, end: number): Token {
  let coreEnd = end;
  while (coreEnd > start && isTrailingPunct(text.charCodeAt(coreEnd - 1))) coreEnd--;
  const punct = coreEnd < end;
  const tok: Token = { start, coreEnd, end, cls: Cls.P, punct, parenDelta: 0 };
  // Fast path: a plain ASCII word (most prose tokens).
  let plain = coreEnd > start;
  for (let k = start; k < coreEnd; k++) {
    if (!isAsciiLetter(text.charCodeAt(k))) {
      plain = false;
      break;
    }
  }
  if (plain) {
    const len = coreEnd - start;
    if (len === 1) {
      const c = text.charCodeAt(start);
      tok.cls = c === 0x61 || c === 0x41 || c === 0x49 ? Cls.A : Cls.W;
    } else if (!isProseWord(text.slice(start, coreEnd))) {
      tok.cls = len === 2 ? Cls.W : Cls.P;
    }
    return tok;
  }
  const raw = text.slice(start, end);
  if (coreEnd === start) {
    if (/^(?:\.{2,}|\u2026),?$/.test(raw)) tok.cls = Cls.O;
    return tok;
  }
  if (end - start > MAX_TOKEN) return tok;
  const core = text.slice(start, coreEnd);
  if (/^\.{3}$/.test(raw) || raw === '\u2026') {
    tok.cls = Cls.O;
    return tok;
  }
  for (let k = 0; k < core.length; k++) {
    const c = core.charCodeAt(k);
    if (c === 0x28 || c === 0x5b) tok.parenDelta++;
    else if (c === 0x29 || c === 0x5d) tok.parenDelta--;
  }
  if (/[$`"@]|:\/\/|\]\(|^#/.test(core)) return tok;
  if (HTML_TAG_RE.test(core) || /^<\/?[A-Za-z]/.test(core) || /^\|+$/.test(core) || /^\*{1,2}[^*\s]/.test(core)) return tok;
  if (REL_TOKEN_RE.test(core)) {
    tok.cls = Cls.R;
    return tok;
  }
  if (OP_TOKEN_RE.test(core)) {
    tok.cls = Cls.O;
    return tok;
  }
  if (countProseWords(core, 0, core.length, 0) > 0) return tok;
  if (CODE_DOT_RE.test(core) || CODE_OPS_RE.test(core)) return tok;
  const bare = core.replace(/^[([]+/, '').replace(/[)\]]+$/, '');
  if (bare === 'a' || bare === 'A' || bare === 'I') {
    tok.cls = Cls.A;
    return tok;
  }
  if (SINGLE_RE.test(bare) || NUMBER_RE.test(bare) || COEF_RE.test(bare)) {
    tok.cls = bare.includes("'") ? Cls.M : Cls.W;
    return tok;
  }
  if (MATHY_CHAR_RE.test(core)) {
    tok.cls = Cls.M;
    return tok;
  }
  if (SHORT_SYMBOLS_RE.test(bare)) tok.cls = Cls.W;
  return tok;
}

function isMathCls(c: Cls): boolean {
  return c === Cls.M || c === Cls.R || c === Cls.O;
}

/**
 * Formula-looking runs in text[from, to). `strict`: keep only runs with a LaTeX command.
 * Pushes `{start, end}` ranges (trimmed) into `out`.
 */
export function findInlineRuns(
  text: string,
  from: number,
  to: number,
  strict: boolean,
  out: Array<{ start: number; end: number }>,
): void {
  const spans = tokenize(text, from, to);
  if (spans.length === 0) return;
  const toks = spans.map((s) => classify(text, s.start, s.end));
  const n = toks.length;
  const keep = new Uint8Array(n);
  for (let k = 0; k < n; k++) {
    const c = toks[k].cls;
    if (isMathCls(c)) keep[k] = 1;
    else if (c === Cls.W) {
      const prev = k > 0 ? toks[k - 1] : undefined;
      const next = k + 1 < n ? toks[k + 1] : undefined;
      // A word followed by sentence punctuation does not reach over it.
      if ((prev && !prev.punct && isMathCls(prev.cls)) || (next && !toks[k].punct && isMathCls(next.cls))) keep[k] = 1;
    } else if (c === Cls.A) {
      const prev = k > 0 ? toks[k - 1] : undefined;
      const next = k + 1 < n ? toks[k + 1] : undefined;
      const bridge = (t: Token | undefined): boolean => t !== undefined && (t.cls === Cls.R || t.cls === Cls.O);
      if ((bridge(prev) && !prev!.punct) || (bridge(next) && !toks[k].punct)) keep[k] = 1;
    }
  }
  let k = 0;
  while (k < n) {
    if (!keep[k]) {
      k++;
      continue;
    }
    let j = k;
    let depth = toks[k].parenDelta;
    while (j + 1 < n && keep[j + 1] && !(toks[j].punct && depth <= 0)) {
      j++;
      depth += toks[j].parenDelta;
    }
    emitRun(text, toks, k, j, strict, out);
    k = j + 1;
  }
}

function emitRun(
  text: string,
  toks: Token[],
  a: number,
  b: number,
  strict: boolean,
  out: Array<{ start: number; end: number }>,
): void {
  // Standalone relations/operators cannot start or end a formula.
  while (a <= b && (toks[a].cls === Cls.R || toks[a].cls === Cls.O)) a++;
  while (b >= a && (toks[b].cls === Cls.R || toks[b].cls === Cls.O)) b--;
  if (a > b) return;
  let hasM = false;
  for (let k = a; k <= b; k++) if (toks[k].cls === Cls.M || toks[k].cls === Cls.R) hasM = true;
  if (!hasM) return;
  let s = toks[a].start;
  let e = toks[b].coreEnd;
  const fixed = balanceParens(text, s, e);
  if (!fixed) return;
  s = fixed.start;
  e = fixed.end;
  while (e > s && (isWs(text.charCodeAt(e - 1)) || isTrailingPunct(text.charCodeAt(e - 1)))) e--;
  while (s < e && isWs(text.charCodeAt(s))) s++;
  if (e <= s || e - s > MAX_RUN) return;
  const str = text.slice(s, e);
  if (!ALNUM_RE.test(str)) return;
  if (strict ? !CMD_RE.test(str) : !(CMD_RE.test(str) || REL_RE.test(str) || SCRIPT_RE.test(str))) return;
  // A relation glued to the end of the last token (`y=` before prose) leaves the formula incomplete.
  if (/[=<>]$/.test(str)) return;
  out.push({ start: s, end: e });
}

/**
 * Cuts a run at its first unmatched `)` and before its first unmatched `(` (dropping a leading one), and
 * removes one pair of parentheses wrapping the whole run.
 */
function balanceParens(text: string, s: number, e: number): { start: number; end: number } | undefined {
  for (let round = 0; round < 8 && s < e; round++) {
    const stack: number[] = [];
    let cut = -1;
    for (let k = s; k < e; k++) {
      const c = text.charCodeAt(k);
      if (c === BACKSLASH) {
        k++;
        continue;
      }
      if (c === 0x28) stack.push(k);
      else if (c === 0x29) {
        if (stack.length === 0) {
          cut = k;
          break;
        }
        stack.pop();
      }
    }
    if (cut >= 0) {
      if (cut === s) s++;
      else e = cut;
    } else if (stack.length > 0) {
      if (stack[0] === s) s++;
      else e = stack[0];
    } else {
      // Balanced: unwrap `( … )` around the whole run.
      if (text.charCodeAt(s) === 0x28 && text.charCodeAt(e - 1) === 0x29 && matchingClose(text, s, e) === e - 1) {
        s++;
        e--;
        continue;
      }
      while (e > s && (isWs(text.charCodeAt(e - 1)) || isTrailingPunct(text.charCodeAt(e - 1)))) e--;
      while (s < e && isWs(text.charCodeAt(s))) s++;
      return { start: s, end: e };
    }
    while (e > s && (isWs(text.charCodeAt(e - 1)) || isTrailingPunct(text.charCodeAt(e - 1)))) e--;
    while (s < e && isWs(text.charCodeAt(s))) s++;
  }
  return s < e ? { start: s, end: e } : undefined;
}

function matchingClose(text: string, open: number, e: number): number {
  let depth = 0;
  for (let k = open; k < e; k++) {
    const c = text.charCodeAt(k);
    if (c === BACKSLASH) {
      k++;
      continue;
    }
    if (c === 0x28) depth++;
    else if (c === 0x29) {
      depth--;
      if (depth === 0) return k;
    }
  }
  return -1;
}

// ---------------------------------------------------------------------------------------------------------
// Driver

/**
 * Finds bare formulas. `opaque` must be sorted by start and non-overlapping (delimited math, code spans,
 * code blocks, comments).
 */
export function findBareFormulas(
  text: string,
  lines: LineMap,
  blocks: Blocks,
  opaque: Opaque[],
  mode: 'markdown' | 'text',
): RawFragment[] {
  const out: RawFragment[] = [];
  const n = lines.lineCount;
  const kinds = blocks.kinds;

  // Per line: the prose segments outside opaque ranges, and what the opaque parts were.
  interface LineInfo {
    segments: Array<{ start: number; end: number }>;
    math: boolean;
    other: boolean; // code or comment
    covered: boolean; // no prose left besides white space and punctuation
  }
  let op = 0;
  const lineInfo = (i: number): LineInfo => {
    const ls = lines.lineStart(i);
    const le = lines.lineEnd(i);
    while (op < opaque.length && opaque[op].end <= ls) op++;
    const segments: Array<{ start: number; end: number }> = [];
    let pos = ls;
    let math = false;
    let other = false;
    for (let k = op; k < opaque.length && opaque[k].start < le; k++) {
      const o = opaque[k];
      if (o.end <= ls) continue;
      if (o.kind === 'math') math = true;
      else other = true;
      if (o.start > pos) segments.push({ start: pos, end: o.start });
      if (o.end > pos) pos = o.end;
    }
    if (pos < le) segments.push({ start: pos, end: le });
    let covered = true;
    for (const sg of segments) {
      for (let q = sg.start; q < sg.end; q++) {
        const c = text.charCodeAt(q);
        if (!isWs(c) && !isTrailingPunct(c)) {
          covered = false;
          break;
        }
      }
      if (!covered) break;
    }
    return { segments, math, other, covered };
  };

  const runs: Array<{ start: number; end: number }> = [];

  if (mode === 'text') {
    for (let i = 0; i < n; i++) {
      const kind = kinds[i];
      if (kind === LineKind.Blank || kind === LineKind.Code || kind === LineKind.MathFence || kind === LineKind.Comment) continue;
      const info = lineInfo(i);
      if (info.segments.length === 0) continue;
      if (!info.math && !info.other) {
        const f = kind === LineKind.Table ? undefined : wholeLineFormula(text, blocks.contentStart[i], lines.lineEnd(i));
        if (f) {
          out.push({ start: f.start, end: f.end, outerStart: f.start, outerEnd: f.end, delimiter: 'bare', display: true });
          continue;
        }
        runs.length = 0;
        findInlineRuns(text, info.segments[0].start, info.segments[0].end, false, runs);
      } else {
        runs.length = 0;
        for (const sg of info.segments) findInlineRuns(text, sg.start, sg.end, true, runs);
      }
      for (const r of runs) out.push({ start: r.start, end: r.end, outerStart: r.start, outerEnd: r.end, delimiter: 'bare-inline', display: false });
    }
    return out;
  }

  // Markdown: group lines into paragraphs (a list item starts a new one); a paragraph qualifies when each
  // of its lines is a formula line or display-only delimited math, with at least one formula line.
  let group: Array<{ start: number; end: number } | null> = [];
  let groupOk = true;
  const flush = (): void => {
    if (groupOk) {
      for (const f of group) {
        if (f) out.push({ start: f.start, end: f.end, outerStart: f.start, outerEnd: f.end, delimiter: 'bare', display: true });
      }
    }
    group = [];
    groupOk = true;
  };
  for (let i = 0; i < n; i++) {
    const kind = kinds[i];
    if (kind !== LineKind.Text && kind !== LineKind.ListItem) {
      flush();
      continue;
    }
    if (kind === LineKind.ListItem) flush();
    const info = lineInfo(i);
    if (info.other) {
      groupOk = false;
      continue;
    }
    if (info.math) {
      if (!info.covered) groupOk = false;
      continue;
    }
    if (!groupOk) continue;
    const f = wholeLineFormula(text, blocks.contentStart[i], lines.lineEnd(i));
    if (f) group.push(f);
    else groupOk = false;
  }
  flush();
  return out;
}
