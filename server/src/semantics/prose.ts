/**
 * What a note's prose says about its symbols: a small grammar of phrases, each a rule with an id. A rule reads
 * one sentence (its math kept as written, `$f$`) and gives declarations; interpret/claims.ts applies them to
 * the semantic model from that sentence on. Every rule states a general way notes give symbols meaning:
 *
 * - `prose.function` — "for any differentiable functions $f$ and $g$", "let $k$ be a function", "$u$ and $v$
 *   are functions of $x$": the names are general functions (this shadows an earlier definition of them).
 * - `prose.constant` — "let $c$ be a constant", "where $a$ and $b$ are constants": the names are constants.
 * - `prose.symmetric` — "let $A$ be symmetric", "for symmetric $B$", "$\Sigma$ is a symmetric matrix".
 * - `prose.layout` — "we use (the) numerator layout", "in denominator layout": the layout of derivatives by
 *   vectors and matrices.
 * - `prose.log-base` — "log is base 10", "\log denotes the natural logarithm".
 * - `prose.sigma` — "$\sigma$ denotes the softmax / the standard deviation / an activation function".
 * - `prose.one-hot` — "$Y$ is a one-hot vector", "one-hot labels $\mathbf{y}$": its entries are 0 or 1.
 * - `prose.assignment` — "u=exp(a<sub>0</sub>)+… とおいて": a letter given a value in plain text (outside math),
 *   where the checker cannot read the definition.
 *
 * Negated phrases ("not symmetric", "is not a constant") declare nothing.
 */
import { parseLatex } from '../parse/parser';
import type { Node } from '../parse/ast';
import type { Conventions, Evidence } from './context';

export type ProseDeclaration =
  | { rule: 'prose.function'; names: string[] }
  | { rule: 'prose.constant'; names: string[] }
  | { rule: 'prose.symmetric'; names: string[] }
  | { rule: 'prose.layout'; value: 'numerator' | 'denominator' }
  | { rule: 'prose.log-base'; value: 'e' | '10' }
  | { rule: 'prose.sigma'; value: 'softmax' | 'function' | 'constant' | 'logistic' }
  | { rule: 'prose.one-hot'; names: string[] }
  | { rule: 'prose.assignment'; names: string[] };

/** Inline math as prose holds it. */
const M = String.raw`(?:\$[^$\n]{1,80}\$|\\\([^\n]{1,80}?\\\))`;
/** A list of inline math names: `$f$ and $g$`, `$f$, $g$, and $h$`, `$f, g$`. */
const NAMES = String.raw`${M}(?:\s*(?:,\s*and|,|and|or|&)\s*${M})*`;
const ADJ = String.raw`(?:(?:real|real-valued|scalar|differentiable|twice[- ]differentiable|smooth|continuous|arbitrary|general|given|nice|well-behaved|invertible|nonzero|non-zero)[\s,]+)*`;

/**
 * A rule "NAMES, then this": the whole pattern, and its tail alone — a cheap search that most sentences fail, so
 * the costly one (a list of inline math at every `$`) runs only where the tail matched. (`tails` holds the cheap
 * search of other rules too, see withPrefilter.)
 */
const tails = new Map<RegExp, RegExp>();
function namesThen(tail: string): RegExp {
  const full = new RegExp(String.raw`(${NAMES})\s+${tail}`, 'i');
  tails.set(full, new RegExp(String.raw`\s${tail}`, 'i'));
  return full;
}

/** A rule with a cheap search that every sentence it matches passes (the rule's noun right before inline math). */
function withPrefilter(rule: RegExp, prefilter: RegExp): RegExp {
  tails.set(rule, prefilter);
  return rule;
}

const FUNCTION_RULES: RegExp[] = [
  // "for any (two) differentiable functions $f$ and $g$", "given functions $u$ and $v$"
  withPrefilter(
    new RegExp(String.raw`\b(?:for|given|take|consider|let)\s+(?:any|all|every|each|arbitrary|some|two|general|the)?\s*(?:two\s+)?${ADJ}functions?\s+(${NAMES})`, 'i'),
    /functions?\s+(?:\$|\\\()/i,
  ),
  // "let $k$ be a differentiable function", "$u$ and $v$ are (differentiable) functions (of $x$)", "where $g$ is any function"
  namesThen(String.raw`(?:be|is|are|denotes?|represents?)\s+(?:any|some|an?|two|arbitrary|general)?\s*(?:two\s+)?${ADJ}functions?\b`),
];
const CONSTANT_RULES: RegExp[] = [
  namesThen(String.raw`(?:be|is|are|denotes?)\s+(?:any|some|an?|arbitrary)?\s*(?:(?:real|positive|negative|fixed|arbitrary|nonzero|non-zero)\s+)*(?:constants?|scalar constants?)\b`),
  withPrefilter(new RegExp(String.raw`\bfor\s+(?:any|some|a|every|all)\s+(?:(?:real|positive|fixed|nonzero)\s+)*constants?\s+(${NAMES})`, 'i'), /constants?\s+(?:\$|\\\()/i),
];
const SYMMETRIC_RULES: RegExp[] = [
  namesThen(String.raw`(?:be|is|are)\s+(?:an?\s+)?(?:real\s+|square\s+)*symmetric\b`),
  new RegExp(String.raw`(?<!\bnon[- ]?|\bskew[- ]|\bnot\s)\bsymmetric\s+(?:(?:positive|negative)\s+(?:semi-?)?definite\s+)?(?:matri(?:x|ces)\s+)?(${NAMES})`, 'i'),
];

const ONE_HOT_RULES: RegExp[] = [
  namesThen(String.raw`(?:is|are|be)\s+(?:an?\s+)?one[- ]hot`),
  // A letter named in plain text: "since Y is a one-hot vector".
  /(?:^|[\s(])([A-Za-z])\s+(?:is|are)\s+(?:an?\s+)?one[- ]hot/,
  new RegExp(String.raw`one[- ]hot(?:[- ]encoded)?\s+(?:vectors?|labels?|targets?|encodings?)?\s*(?:\(\s*)?(${NAMES})`, 'i'),
];

/**
 * Letters given a value in the prose's plain text, outside math: `u=exp(a<sub>0</sub>)+…`, "where k = 3". The
 * text is not read as a formula, but the letter is not free either.
 */
function plainTextAssignments(sentence: string): string[] {
  // A cheap look first: most sentences have no letter followed by `=` and an expression at all.
  if (!/(?:^|[\s(（,，:：])[A-Za-z]\s*=\s*[A-Za-z\\(]/.test(sentence)) return [];
  const text = sentence.replace(/\$\$[\s\S]*?\$\$|\$[^$]*\$|\\\([\s\S]*?\\\)|\\\[[\s\S]*?\\\]|`[^`]*`/g, ' § ');
  const out: string[] = [];
  for (const m of text.matchAll(/(?:^|[\s(（,，:：])([A-Za-z])\s*=\s*(?=[A-Za-z\\(])/g)) out.push(m[1]);
  return [...new Set(out)];
}

/** The symbol names of a list of inline math (`$f$ and $g$` → f, g). Names only: anything else gives none. */
export function namesIn(list: string): string[] {
  const out: string[] = [];
  const re = new RegExp(M, 'g');
  for (const m of list.matchAll(re)) {
    const inner = m[0].startsWith('$') ? m[0].slice(1, -1) : m[0].slice(2, -2);
    for (const part of inner.split(/,|\\text\{\s*and\s*\}|\\(?:quad|,|;)/)) {
      const node = parseOne(part);
      if (!node) continue;
      // `f(x)` names f; a plain symbol names itself.
      if (node.type === 'sym') out.push(node.name);
      else if (node.type === 'apply' && node.fn.type === 'sym') out.push(node.fn.name);
    }
  }
  return out;
}

function parseOne(latex: string): Node | null {
  if (!latex.trim() || latex.length > 60) return null;
  try {
    const r = parseLatex(latex);
    const f = r.formulas.length === 1 ? r.formulas[0] : null;
    if (!f || f.relations.length || f.operands.length !== 1) return null;
    return f.operands[0];
  } catch {
    return null;
  }
}

const globals = new Map<RegExp, RegExp>();

/** The rule's global twin, compiled once (matchAll needs the g flag). */
function globalOf(rule: RegExp): RegExp {
  let g = globals.get(rule);
  if (!g) {
    g = new RegExp(rule.source, rule.flags.includes('g') ? rule.flags : `${rule.flags}g`);
    globals.set(rule, g);
  }
  return g;
}

const NEGATED = /\b(?:not|never|no longer|isn't|aren't|non)\s*$/i;

function matchNames(rules: RegExp[], sentence: string): string[] {
  const out: string[] = [];
  for (const rule of rules) {
    const tail = tails.get(rule);
    if (tail && !tail.test(sentence)) continue;
    for (const m of sentence.matchAll(globalOf(rule))) {
      const phrase = m[0];
      // "… is not a function": the negation sits between the names and the noun.
      if (/\b(?:not|never|isn't|aren't)\b/i.test(phrase.slice(m[1] ? phrase.indexOf(m[1]) + m[1].length : 0))) continue;
      if (NEGATED.test(sentence.slice(0, m.index ?? 0))) continue;
      // "only right for symmetric $B$", "unless $A$ is symmetric": a condition the claim needs, not a declaration.
      if (/\b(?:only|unless|except)\b[^.;:]*$/i.test(sentence.slice(0, m.index ?? 0))) continue;
      out.push(...(/^[A-Za-z]$/.test(m[1]) ? [m[1]] : namesIn(m[1])));
    }
  }
  return [...new Set(out)];
}

/** Display math, and inline math longer than a list of names. */
const LONG_MATH = /\$\$[\s\S]*?\$\$|\\\[[\s\S]*?\\\]|\\begin\{[a-z*]+\}[\s\S]*?\\end\{[a-z*]+\}|\$[^$\n]{81,}?\$/g;

/**
 * Words without which no rule can match: most sentences are passed over at the cost of one search. Every rule
 * below needs one of them in the prose itself (outside the math), so a caller may test the prose with its math
 * masked.
 */
export const PROSE_RULE_WORDS = /function|constant|symmetric|layout|\blog|sigma|σ|softmax|sigmoid|logistic|deviation|variance|activation|nonlinearity|non-linearity|scale|noise|parameter|one[- ]hot|[A-Za-z]\s*=\s*[A-Za-z\\(]/i;

/** The declarations one sentence of prose makes (its inline math kept as written). */
export function readProse(text: string): ProseDeclaration[] {
  const out: ProseDeclaration[] = [];
  const sentence = ruledSentence(text);
  if (sentence === null) return out;
  if (/function/i.test(sentence)) {
    const names = matchNames(FUNCTION_RULES, sentence);
    if (names.length) out.push({ rule: 'prose.function', names });
  }
  if (/constant/i.test(sentence)) {
    const names = matchNames(CONSTANT_RULES, sentence);
    if (names.length) out.push({ rule: 'prose.constant', names });
  }
  if (/symmetric/i.test(sentence)) {
    const names = matchNames(SYMMETRIC_RULES, sentence);
    if (names.length) out.push({ rule: 'prose.symmetric', names });
  }
  if (/one[- ]hot/i.test(sentence)) {
    const names = matchNames(ONE_HOT_RULES, sentence);
    if (names.length) out.push({ rule: 'prose.one-hot', names });
  }
  const assigned = plainTextAssignments(sentence);
  if (assigned.length) out.push({ rule: 'prose.assignment', names: assigned });
  conventionRules(sentence, out);
  return out;
}

/** The sentence the rules read (display and long inline math set aside), or null when no rule can match. */
function ruledSentence(text: string): string | null {
  if (!PROSE_RULE_WORDS.test(text)) return null;
  // Display math and long inline math name nothing the rules read: they are set aside before the rules run.
  const sentence = (text.length > 2000 ? text.slice(0, 2000) : text).replace(LONG_MATH, ' § ');
  return PROSE_RULE_WORDS.test(sentence) ? sentence : null;
}

/** The declarations of the rules that state conventions (layout, log base, σ), in readProse's order. */
function conventionRules(sentence: string, out: ProseDeclaration[]): void {
  const layout = layoutOf(sentence);
  if (layout) out.push({ rule: 'prose.layout', value: layout });
  const base = logBaseOf(sentence);
  if (base) out.push({ rule: 'prose.log-base', value: base });
  const sigma = sigmaOf(sentence);
  if (sigma) out.push({ rule: 'prose.sigma', value: sigma });
}

/**
 * The declarations of a sentence that say something of conventions (what `stateConvention` reads): those of
 * `readProse` without the rules about names, which a reading of conventions would throw away.
 */
function conventionDeclarations(text: string): ProseDeclaration[] {
  const out: ProseDeclaration[] = [];
  const sentence = ruledSentence(text);
  if (sentence === null) return out;
  if (/one[- ]hot/i.test(sentence)) {
    const names = matchNames(ONE_HOT_RULES, sentence);
    if (names.length) out.push({ rule: 'prose.one-hot', names });
  }
  conventionRules(sentence, out);
  return out;
}

/**
 * "we use the numerator layout", "in denominator layout (which this note follows)": a layout is fixed when the
 * sentence names one layout, or names both and says which one it uses. A sentence that only contrasts them
 * ("numerator layout gives the transpose of denominator layout") fixes nothing.
 */
function layoutOf(sentence: string): 'numerator' | 'denominator' | null {
  if (!/numerator|denominator/i.test(sentence)) return null;
  const mentions = [...sentence.matchAll(/\b(numerator|denominator)[- ](?:layout|convention|notation)\b/gi)].map((m) => ({ value: m[1].toLowerCase() as 'numerator' | 'denominator', at: m.index ?? 0 }));
  if (!mentions.length) return null;
  const kinds = new Set(mentions.map((m) => m.value));
  if (kinds.size === 1) {
    const m = mentions[0];
    const before = sentence.slice(0, m.at);
    const after = sentence.slice(m.at).replace(/^\S+[- ]\S+/, '');
    if (/\b(?:not|instead of|rather than|unlike|versus|vs\.?|or)\s*(?:the\s+)?$/i.test(before)) return null;
    // "we use (the) numerator layout", "in denominator layout", "denominator layout is used here".
    if (/\b(?:use|uses|using|adopt|adopts|adopting|follow|follows|following|choose|chose|in|with)\s+(?:the\s+)?$/i.test(before) || /^\s*(?:is|will be)\s+used\b/i.test(after)) return m.value;
    return null;
  }
  for (const m of mentions) {
    if (/\b(?:use|uses|using|adopt|adopts|follow|follows|choose|chose)\s+(?:the\s+)?$/i.test(sentence.slice(0, m.at))) return m.value;
  }
  return null;
}

function logBaseOf(sentence: string): 'e' | '10' | null {
  if (!/\blog/i.test(sentence)) return null;
  if (/\blog(?:arithm)?s?\b[^.]{0,40}\b(?:base|to the base)[- ]?(?:10|ten)\b/i.test(sentence) || /\\log\b[^.]{0,30}\b(?:common|decimal|base[- ]10)\s+log/i.test(sentence)) return '10';
  if (/\blog(?:arithm)?s?\b[^.]{0,40}\b(?:base|to the base)[- ]?e\b/i.test(sentence) || /\\log\b[^.]{0,30}\b(?:denotes?|means?|is)\s+(?:the\s+)?natural\s+log/i.test(sentence)) return 'e';
  return null;
}

function sigmaOf(sentence: string): 'softmax' | 'function' | 'constant' | 'logistic' | null {
  if (!/\\sigma|σ/.test(sentence)) return null;
  const m = /(?:\$\\sigma\$|\\\(\\sigma\\\)|σ)\s*(?:,\s*)?(?:denotes|is|stands for|represents|will denote|means|here is|being)\s+(?:the\s+|an?\s+|some\s+|any\s+)?([a-z -]{3,40})/i.exec(sentence);
  if (!m) return null;
  const what = m[1].toLowerCase();
  if (/^softmax/.test(what)) return 'softmax';
  if (/^(?:sigmoid|logistic)/.test(what)) return 'logistic';
  if (/^(?:standard deviation|variance|scale|noise|constant|positive constant|parameter)/.test(what)) return 'constant';
  if (/(?:activation|nonlinearity|non-linearity|function)/.test(what)) return 'function';
  return null;
}

/**
 * What one declaration says of the note's conventions, on top of `before`: a layout, log base or meaning of σ
 * replaces the earlier one; one-hot names (their letters, without subscripts) accumulate. Other declarations say
 * nothing of conventions: `before` is returned as it is.
 */
export function stateConvention(before: Conventions | undefined, d: ProseDeclaration, evidence: Evidence): Conventions | undefined {
  switch (d.rule) {
    case 'prose.layout':
      return { ...before, layout: { value: d.value, evidence } };
    case 'prose.log-base':
      return { ...before, logBase: { value: d.value, evidence } };
    case 'prose.sigma':
      return { ...before, sigma: { value: d.value, evidence } };
    case 'prose.one-hot': {
      const names = d.names.map((n) => n.replace(/_.*$/, ''));
      return { ...before, oneHot: { names: [...new Set([...(before?.oneHot?.names ?? []), ...names])], evidence } };
    }
    default:
      return before;
  }
}

const CONVENTION_WORDS = /layout|one[- ]hot|\\sigma|σ|\blog/i;

/**
 * What a text must hold somewhere for a convention rule to match in one of its sentences (each is a part of the
 * rule's own pattern that no setting aside of math can create): a note that mentions `\sigma` and "logarithmic"
 * in passing, as most do, is passed over at the cost of two searches.
 */
const CONVENTION_PHRASES = /(?:numerator|denominator)[- ](?:layout|convention|notation)|one[- ]hot|(?:\$\\sigma\$|\\\(\\sigma\\\)|σ)\s*(?:,\s*)?(?:denotes|is|stands for|represents|will denote|means|here is|being)/i;
/** The same for logBaseOf: the words its patterns end with ("base 10", "base e", "common log", "natural log"). */
const LOG_BASE_PHRASES = /base[- ]?(?:10|ten|e)|(?:common|decimal|base[- ]10)\s+log|natural\s+log/i;
function mayStateConvention(text: string): boolean {
  return CONVENTION_PHRASES.test(text) || (/\blog/i.test(text) && LOG_BASE_PHRASES.test(text));
}

/**
 * The conventions a stretch of a note states (layout, log base, what σ denotes, one-hot names), on top of
 * `before`: what the note's earlier sections state holds in the later ones. Reads the text sentence by sentence
 * (a blank line or a sentence end splits), so reading two stretches one after the other gives what reading them
 * together does, when they are cut at a blank line.
 */
export function conventionsIn(text: string, before: Conventions | undefined): Conventions | undefined {
  if (!CONVENTION_WORDS.test(text) || !mayStateConvention(text)) return before;
  // Display math holds no convention phrase, and `\log`, `\sigma` inside it would wake every rule: set it aside.
  const prose = text.replace(LONG_MATH, ' § ');
  if (!CONVENTION_WORDS.test(prose)) return before;
  let out: Conventions | undefined = before;
  for (const piece of prose.split(/\n[ \t]*\n/)) {
    if (!CONVENTION_WORDS.test(piece)) continue;
    for (const sentence of piece.split(/(?<=[.!?])\s+/)) {
      if (!CONVENTION_WORDS.test(sentence)) continue;
      for (const d of conventionDeclarations(sentence)) out = stateConvention(out, d, { rule: d.rule, certainty: 'stated' });
    }
  }
  return out;
}
