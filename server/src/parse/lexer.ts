/**
 * Stage 2 — parse. The LaTeX math lexer: turns a fragment into tokens with spans (offsets into the input, end
 * exclusive). Unicode math characters are mapped to the LaTeX they stand for (`θ` → `\theta`, `²` → `^{2}`); the
 * resulting tokens keep the span of the original character.
 */

import type { ParseProblem } from './ast';
import { expandAt, type MacroTable } from './macros';
import {
  MATH_ALPHA_STYLES,
  MATH_DIGIT_STYLES,
  UNICODE,
  UNICODE_SUBSCRIPTS,
  UNICODE_SUPERSCRIPTS,
} from './commands';

export type TokenType =
  /** `\name` or a single-character command `\,`; `value` is the name without the backslash. */
  | 'cmd'
  /** One letter. */
  | 'letter'
  /** A number: `12`, `0.5`, `.5`. */
  | 'num'
  /** One punctuation character: `^ _ { } ( ) [ ] | & , ; : = + - * / < > ! .` and anything else. */
  | 'punct'
  /** One `'`. */
  | 'prime'
  /** `\\` (with an optional `[2pt]`). */
  | 'rowbreak';

export interface Token {
  type: TokenType;
  value: string;
  start: number;
  end: number;
  /** Whitespace (or a comment) came right before this token. */
  space: boolean;
  /** The token was made from the replacement text of one Unicode character (`²` → `^{2}`): its span is the character's. */
  synthetic?: boolean;
  /** Set by the parser on what is left of a number token after its first digit was taken (`x^23`). */
  cut?: boolean;
}

export interface LexResult {
  tokens: Token[];
  problems: ParseProblem[];
}

const DIMENSION = /^\[\s*-?\d*\.?\d+\s*(pt|em|ex|mm|cm|in|mu|bp|pc|sp|dd|cc)\s*\]/;

function isAsciiLetter(c: string): boolean {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= '0' && c <= '9';
}

const LETTER_RE = /^\p{L}$/u;

/** The LaTeX a Mathematical Alphanumeric Symbol stands for, or null. */
function mathAlphanumeric(cp: number): string | null {
  if (cp >= 0x1d400 && cp < 0x1d400 + 52 * MATH_ALPHA_STYLES.length) {
    const style = Math.floor((cp - 0x1d400) / 52);
    const idx = (cp - 0x1d400) % 52;
    const letter = idx < 26 ? String.fromCharCode(65 + idx) : String.fromCharCode(97 + idx - 26);
    const font = MATH_ALPHA_STYLES[style];
    return font ? `\\${font}{${letter}}` : letter;
  }
  if (cp >= 0x1d6a8 && cp < 0x1d6a8 + 58 * 5) {
    const style = Math.floor((cp - 0x1d6a8) / 58);
    const idx = (cp - 0x1d6a8) % 58;
    let ch: string;
    if (idx < 25) ch = idx === 17 ? 'Θ' : String.fromCharCode(0x391 + idx);
    else if (idx === 25) ch = '∇';
    else if (idx < 51) ch = String.fromCharCode(0x3b1 + idx - 26);
    else ch = ['∂', 'ϵ', 'ϑ', 'ϰ', 'ϕ', 'ϱ', 'ϖ'][idx - 51] ?? '?';
    const latex = UNICODE.get(ch) ?? ch;
    return style === 1 ? latex : `\\boldsymbol{${latex}}`;
  }
  if (cp >= 0x1d7ce && cp <= 0x1d7ff) {
    const style = Math.floor((cp - 0x1d7ce) / 10);
    const digit = String((cp - 0x1d7ce) % 10);
    const font = MATH_DIGIT_STYLES[style];
    return font ? `\\${font}{${digit}}` : digit;
  }
  return null;
}

/** Macro expansion state: the table and a budget, so `\def\a{\a}` loops stop. */
interface Expansion {
  macros: MacroTable;
  budget: number;
  /** Characters expansion may still add. */
  chars: number;
}

const MAX_MACRO_DEPTH = 16;

/** At most this many characters are added by macro expansion in one formula. */
export const MAX_EXPANDED_CHARS = 50_000;

/** Lex `input`, expanding the given macros. Never throws. */
export function lex(input: string, macros?: MacroTable): LexResult {
  const tokens: Token[] = [];
  const problems: ParseProblem[] = [];
  // Bounded twice: the number of expansions, and the characters they may add (2,000 expansions of 2,000-character
  // bodies made millions of tokens: the worker ran out of memory).
  const expansion = macros && macros.size ? { macros, budget: 2000, chars: MAX_EXPANDED_CHARS } : null;
  lexInto(input, 0, input.length, tokens, problems, null, 0, expansion);
  return { tokens: tokens.some((t) => t.type === 'cmd' && t.value === 'over') ? withoutOver(tokens) : tokens, problems };
}

const isPunctToken = (t: Token, v: string) => t.type === 'punct' && t.value === v;

/**
 * TeX's infix fraction, `{a \over b}` (what many MathJax macros expand to), rewritten as `\frac{a}{b}`: the
 * group around `\over` splits into numerator and denominator. The tokens added are synthetic, spanning nothing of
 * their own. An `\over` outside braces is left alone (it would take the whole formula).
 */
function withoutOver(tokens: Token[]): Token[] {
  let out = tokens;
  for (let guard = 0; guard < 100; guard++) {
    const at = out.findIndex((t) => t.type === 'cmd' && t.value === 'over');
    if (at < 0) break;
    let open = -1;
    for (let i = at - 1, depth = 0; i >= 0; i--) {
      if (isPunctToken(out[i], '}')) depth++;
      else if (isPunctToken(out[i], '{') && depth-- === 0) {
        open = i;
        break;
      }
    }
    let close = -1;
    for (let i = at + 1, depth = 0; i < out.length; i++) {
      if (isPunctToken(out[i], '{')) depth++;
      else if (isPunctToken(out[i], '}') && depth-- === 0) {
        close = i;
        break;
      }
    }
    const over = out[at];
    if (open < 0 || close < 0) {
      // Not inside a group: leave this one (renamed, so the loop moves on) for the parser to report.
      out = [...out.slice(0, at), { ...over, value: 'over ' }, ...out.slice(at + 1)];
      continue;
    }
    const made = (type: TokenType, value: string, start: number, end: number): Token => ({ type, value, start, end, space: false, synthetic: true });
    // The group's own braces become the numerator's opening and the denominator's closing brace.
    const from = out[open].start;
    out = [
      ...out.slice(0, open),
      made('cmd', 'frac', from, from),
      ...out.slice(open, at),
      made('punct', '}', over.start, over.start),
      made('punct', '{', over.end, over.end),
      ...out.slice(at + 1),
    ];
  }
  return out.map((t) => (t.type === 'cmd' && t.value === 'over ' ? { ...t, value: 'over' } : t));
}

/**
 * Lex `input[from, to)`, pushing tokens. With `fixed` set, every token gets that span (used for the replacement
 * text of a Unicode character).
 */
function lexInto(
  input: string,
  from: number,
  to: number,
  tokens: Token[],
  problems: ParseProblem[],
  fixed: { start: number; end: number; space: boolean } | null,
  level: number,
  expansion: Expansion | null = null,
): void {
  let i = from;
  let space = fixed ? fixed.space : false;
  const push = (type: TokenType, value: string, start: number, end: number): void => {
    if (fixed) tokens.push({ type, value, start: fixed.start, end: fixed.end, space, synthetic: true });
    else tokens.push({ type, value, start, end, space });
    space = false;
  };
  while (i < to) {
    const c = input[i];
    // Whitespace
    if (/\s/.test(c)) {
      space = true;
      i++;
      continue;
    }
    // Comments
    if (c === '%') {
      while (i < to && input[i] !== '\n') i++;
      space = true;
      continue;
    }
    if (c === '\\') {
      const n = input[i + 1];
      if (n === undefined || i + 1 >= to) {
        problems.push({ message: 'Lone backslash at the end of the formula', span: fixed ? { start: fixed.start, end: fixed.end } : { start: i, end: i + 1 } });
        push('cmd', '', i, i + 1);
        i++;
        continue;
      }
      if (n === '\\') {
        let end = i + 2;
        const m = DIMENSION.exec(input.slice(end, Math.min(to, end + 20)).replace(/^\s+/, (s) => s));
        if (m) end += m[0].length;
        push('rowbreak', '\\\\', i, end);
        i = end;
        continue;
      }
      if (isAsciiLetter(n)) {
        let j = i + 1;
        while (j < to && isAsciiLetter(input[j])) j++;
        let name = input.slice(i + 1, j);
        // Starred forms that matter: \operatorname*, \hspace*, \tag*.
        if (input[j] === '*' && (name === 'operatorname' || name === 'hspace' || name === 'tag' || name === 'vspace'
          || name === 'DeclareMathOperator')) {
          if (name !== 'operatorname') name += '*';
          j++;
        }
        const macro = expansion?.macros.get(`\\${name}`);
        if (macro && expansion) {
          if (expansion.budget <= 0 || level >= MAX_MACRO_DEPTH) {
            problems.push({ message: `macro \\${name} expands too deeply`, span: fixed ? { start: fixed.start, end: fixed.end } : { start: i, end: j } });
            push('cmd', name, i, j);
            i = j;
            continue;
          }
          const exp = expandAt(input, j, to, macro);
          if (exp && exp.text.length > expansion.chars) {
            expansion.budget = 0;
            problems.push({ message: `macro \\${name} expands too far`, span: fixed ? { start: fixed.start, end: fixed.end } : { start: i, end: j } });
            push('cmd', name, i, j);
            i = j;
            continue;
          }
          if (exp) {
            expansion.chars -= exp.text.length;
            expansion.budget--;
            replace(exp.text, i, exp.next, true);
            i = exp.next;
            continue;
          }
        }
        push('cmd', name, i, j);
        i = j;
        continue;
      }
      // Single-character command: \, \; \! \  \{ \} \| etc. A backslash before a newline is a control space.
      const cp = input.codePointAt(i + 1) ?? 0;
      const len = cp > 0xffff ? 2 : 1;
      const ch = input.slice(i + 1, i + 1 + len);
      push('cmd', /\s/.test(ch) ? ' ' : ch, i, i + 1 + len);
      i += 1 + len;
      continue;
    }
    if (isDigit(c) || (c === '.' && isDigit(input[i + 1]) && i + 1 < to)) {
      let j = i;
      while (j < to && isDigit(input[j])) j++;
      if (input[j] === '.' && isDigit(input[j + 1]) && j + 1 < to) {
        j++;
        while (j < to && isDigit(input[j])) j++;
      }
      push('num', input.slice(i, j), i, j);
      i = j;
      continue;
    }
    if (c === '.' && input[i + 1] === '.' && input[i + 2] === '.' && i + 2 < to) {
      push('cmd', 'ldots', i, i + 3);
      i += 3;
      continue;
    }
    if (c === "'") {
      push('prime', "'", i, i + 1);
      i++;
      continue;
    }
    if (isAsciiLetter(c)) {
      push('letter', c, i, i + 1);
      i++;
      continue;
    }
    // An empty script (`d^{} y`, what a macro's empty argument leaves, `\\dd{}{y}{x}`) writes nothing.
    if ((c === '^' || c === '_') && i + 1 < to) {
      const empty = /^\s*\{\s*\}/.exec(input.slice(i + 1, Math.min(to, i + 20)));
      if (empty) {
        space = true;
        i += 1 + empty[0].length;
        continue;
      }
    }
    if (c.charCodeAt(0) < 128) {
      push('punct', c, i, i + 1);
      i++;
      continue;
    }
    // Non-ASCII.
    const cp = input.codePointAt(i) ?? 0;
    const len = cp > 0xffff ? 2 : 1;
    const ch = input.slice(i, i + len);
    if (UNICODE_SUPERSCRIPTS.has(ch) || UNICODE_SUBSCRIPTS.has(ch)) {
      const table = UNICODE_SUPERSCRIPTS.has(ch) ? UNICODE_SUPERSCRIPTS : UNICODE_SUBSCRIPTS;
      let j = i;
      let text = '';
      while (j < to && table.has(input[j])) {
        text += table.get(input[j]);
        j++;
      }
      const repl = (table === UNICODE_SUPERSCRIPTS ? '^{' : '_{') + text + '}';
      replace(repl, i, j);
      i = j;
      continue;
    }
    const mapped = UNICODE.get(ch) ?? mathAlphanumeric(cp);
    if (mapped !== null && mapped !== undefined && level < 2) {
      replace(mapped, i, i + len);
      i += len;
      continue;
    }
    if (LETTER_RE.test(ch)) push('letter', ch, i, i + len);
    else push('punct', ch, i, i + len);
    i += len;
  }

  function replace(repl: string, start: number, end: number, keepProblems = false): void {
    const span = fixed ? { start: fixed.start, end: fixed.end, space } : { start, end, space };
    lexInto(repl, 0, repl.length, tokens, keepProblems ? problems : [], span, level + 1, expansion);
    space = false;
  }
}

/** The source text of a token (for messages). */
export function tokenText(t: Token): string {
  switch (t.type) {
    case 'cmd':
      return '\\' + t.value;
    default:
      return t.value;
  }
}
