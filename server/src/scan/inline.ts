/**
 * Inline pass of the scanner: walks the text outside the block-level exclusions and finds delimited math
 * (`$…$`, `$$…$$`, `\(…\)`, `\[…\]`, `\\(…\\)`, `\\[…\\]`, bare `\begin{env}…\end{env}`), code spans and
 * inline HTML comments. Delimited math never spans a blank line or a code block; an unclosed delimiter is
 * plain text. Every search for a closer is bounded by the paragraph end, and failed searches are cached, so
 * the pass is linear in practice even on pathological input.
 */
import { Blocks, CommentRegion, Region } from './blocks';
import {
  BACKSLASH,
  BACKTICK,
  DOLLAR,
  LBRACKET,
  LPAREN,
  LT,
  isBlankRange,
  isDigit,
  isWs,
} from './chars';
import { Delimiter, DollarDialect } from './types';

export interface RawFragment {
  start: number;
  end: number;
  outerStart: number;
  outerEnd: number;
  delimiter: Delimiter;
  display: boolean;
}

export interface InlineResult {
  fragments: RawFragment[];
  codeSpans: Region[];
  comments: CommentRegion[];
}

/** Environments recognised when they stand bare in the note (outside other math delimiters). */
export const MATH_ENVIRONMENTS: ReadonlySet<string> = new Set([
  'equation',
  'equation*',
  'align',
  'align*',
  'aligned',
  'alignat',
  'alignat*',
  'alignedat',
  'gather',
  'gather*',
  'gathered',
  'multline',
  'multline*',
  'eqnarray',
  'eqnarray*',
  'flalign',
  'flalign*',
  'displaymath',
  'math',
]);

const DISPLAY_ENV_INLINE = new Set(['math']);

const BEGIN_RE = /\\begin\{([A-Za-z]+\*?)\}/y;

interface Failure {
  from: number;
  to: number;
}

/** A letter, digit or `_` in ASCII: what markdown-it's KaTeX plugin will not let a `$` touch on its outer side. */
function isWordChar(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f;
}

function isAsciiAlnum(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
}

export function scanInline(text: string, blocks: Blocks, dialect: DollarDialect = 'vscode'): InlineResult {
  const N = text.length;
  const fragments: RawFragment[] = [];
  const codeSpans: Region[] = [];
  const comments: CommentRegion[] = [];
  const excluded = blocks.excluded;
  const blanks = blocks.blankStarts;

  // Failed closer searches: "no closer of this kind in [from, to)".
  const failures = new Map<string, Failure>();
  const failedBefore = (key: string, from: number, limit: number): boolean => {
    const f = failures.get(key);
    return f !== undefined && f.from <= from && limit <= f.to;
  };
  const fail = (key: string, from: number, limit: number): void => {
    failures.set(key, { from, to: limit });
  };

  // Cache for `-->` look-ups: the first `-->` at or after `from` is at `at` (-1: none).
  let commentCacheFrom = -1;
  let commentCacheAt = -2;
  const findCommentClose = (from: number): number => {
    if (commentCacheAt !== -2 && commentCacheFrom <= from && (commentCacheAt === -1 || from <= commentCacheAt)) {
      return commentCacheAt;
    }
    commentCacheFrom = from;
    commentCacheAt = text.indexOf('-->', from);
    return commentCacheAt;
  };

  const push = (
    delimiter: Delimiter,
    outerStart: number,
    start: number,
    end: number,
    outerEnd: number,
    display: boolean,
  ): void => {
    if (isBlankRange(text, start, end)) return;
    fragments.push({ start, end, outerStart, outerEnd, delimiter, display });
  };

  /** Offset of `closer` at or after `from` and before `limit` (backslash pairs skipped), or -1. */
  const findClose = (closer: string, from: number, limit: number): number => {
    if (failedBefore(closer, from, limit)) return -1;
    const first = closer.charCodeAt(0);
    const last = limit - closer.length;
    for (let j = from; j <= last; j++) {
      const c = text.charCodeAt(j);
      if (c === first && text.startsWith(closer, j)) return j;
      if (c === BACKSLASH) j++;
    }
    fail(closer, from, limit);
    return -1;
  };

  const findDisplayDollarClose = (from: number, limit: number): number => {
    if (failedBefore('$$', from, limit)) return -1;
    for (let j = from; j + 1 < limit; j++) {
      const c = text.charCodeAt(j);
      if (c === BACKSLASH) j++;
      else if (c === DOLLAR && text.charCodeAt(j + 1) === DOLLAR) return j;
    }
    fail('$$', from, limit);
    return -1;
  };

  /** Pandoc: the closing `$` follows a non-space and is not followed by a digit. */
  const findInlineDollarClose = (from: number, limit: number): number => {
    if (failedBefore('$', from, limit)) return -1;
    for (let j = from; j < limit; j++) {
      const c = text.charCodeAt(j);
      if (c === BACKSLASH) {
        j++;
        continue;
      }
      if (c === DOLLAR && j > from && !isWs(text.charCodeAt(j - 1)) && !isDigit(text.charCodeAt(j + 1))) return j;
    }
    fail('$', from, limit);
    return -1;
  };

  /** The first unescaped `$` at or after `from` and before `limit`, or -1 (markdown-it's KaTeX plugin). */
  const findFirstDollar = (from: number, limit: number): number => {
    if (failedBefore('$1', from, limit)) return -1;
    for (let j = from; j < limit; j++) {
      const c = text.charCodeAt(j);
      if (c === BACKSLASH) j++;
      else if (c === DOLLAR) return j;
    }
    fail('$1', from, limit);
    return -1;
  };

  /** The first unescaped `$$` at or after `from` and before `limit`, or -1. */
  const findFirstDoubleDollar = findDisplayDollarClose;

  /** GitHub: the closing `$` follows a non-space and is not followed by a letter or digit. */
  const findGithubDollarClose = (from: number, limit: number): number => {
    if (failedBefore('$g', from, limit)) return -1;
    for (let j = from; j < limit; j++) {
      const c = text.charCodeAt(j);
      if (c === BACKSLASH) {
        j++;
        continue;
      }
      if (c === DOLLAR && j > from && !isWs(text.charCodeAt(j - 1)) && !isAsciiAlnum(text.charCodeAt(j + 1))) return j;
    }
    fail('$g', from, limit);
    return -1;
  };

  /** The end of the line holding `at` (GitHub's inline math does not run over a line break). */
  const lineEndAfter = (at: number, limit: number): number => {
    const nl = text.indexOf('\n', at);
    return nl < 0 || nl > limit ? limit : nl;
  };

  /** Offset of a run of exactly `n` backticks at or after `from` and before `limit`, or -1. */
  const findBacktickRun = (n: number, from: number, limit: number): number => {
    const key = '`' + n;
    if (failedBefore(key, from, limit)) return -1;
    let j = from;
    while (j < limit) {
      if (text.charCodeAt(j) !== BACKTICK) {
        j++;
        continue;
      }
      let k = j;
      while (k < limit && text.charCodeAt(k) === BACKTICK) k++;
      if (k - j === n) return j;
      j = k;
    }
    fail(key, from, limit);
    return -1;
  };

  /** Offset just past the `\end{name}` matching an opened `\begin{name}`, or -1. */
  const findEnvEnd = (name: string, from: number, limit: number): number => {
    const key = 'env:' + name;
    if (failedBefore(key, from, limit)) return -1;
    const open = '\\begin{' + name + '}';
    const close = '\\end{' + name + '}';
    let depth = 1;
    let sawEnd = false;
    for (let j = from; j < limit; j++) {
      if (text.charCodeAt(j) !== BACKSLASH) continue;
      if (text.startsWith(close, j)) {
        sawEnd = true;
        depth--;
        j += close.length - 1;
        if (depth === 0) return j + 1 <= limit ? j + 1 : -1;
      } else if (text.startsWith(open, j)) {
        depth++;
        j += open.length - 1;
      } else {
        j++;
      }
    }
    if (!sawEnd) fail(key, from, limit);
    return -1;
  };

  type Found = { fragment?: [Delimiter, number, number, number, number, boolean]; resume: number };

  /** GitHub's $`…`$ (all dialects read it: the backticks keep a `$` inside from closing the math). */
  const backtickMath = (i: number, limit: number): Found | null => {
    if (text.charCodeAt(i + 1) !== BACKTICK) return null;
    let k = i + 1;
    while (k < limit && text.charCodeAt(k) === BACKTICK) k++;
    const n = k - i - 1;
    const r = findBacktickRun(n, k, limit);
    if (r >= 0 && text.charCodeAt(r + n) === DOLLAR && r + n < limit) return { fragment: ['$', i, k, r, r + n + 1, false], resume: r + n + 1 };
    return null;
  };

  /** What a `$` at `i` opens (in the note's dialect), and where the scan goes on. */
  const dollarAt = (i: number, limit: number): Found => {
    const double = text.charCodeAt(i + 1) === DOLLAR;
    if (dialect === 'vscode') {
      const prev = i > 0 ? text.charCodeAt(i - 1) : -1;
      if (double) {
        // `$$`: not after a `$` or `\\`, not a third `$`; closed by the next unescaped `$$` not followed by a `$`.
        if (prev === DOLLAR || prev === BACKSLASH || text.charCodeAt(i + 2) === DOLLAR) return { resume: i + 2 };
        // A `$$` that starts a line (and does not close on it) opens a block that runs to the next `$$`, blank
        // lines included.
        const block = lineStartsAt(i) && findFirstDoubleDollar(i + 2, lineEndAfter(i, N)) < 0;
        const r = findFirstDoubleDollar(i + 2, block ? blockLimit() : limit);
        if (r < 0 || r === i + 2) return { resume: i + 2 };
        if (text.charCodeAt(r - 1) === DOLLAR || text.charCodeAt(r - 1) === BACKSLASH || text.charCodeAt(r + 2) === DOLLAR) return { resume: i + 2 };
        return { fragment: ['$$', i, i + 2, r, r + 2, true], resume: r + 2 };
      }
      const tick = backtickMath(i, limit);
      if (tick) return tick;
      // The opening `$` is not escaped and does not follow a letter, digit or `$`; anything may follow it.
      if (prev === BACKSLASH || prev === DOLLAR || isWordChar(prev)) return { resume: i + 1 };
      const r = findFirstDollar(i + 1, limit);
      // The next unescaped `$` closes, unless a letter, digit or `$` follows it: then there is no math here.
      if (r < 0 || text.charCodeAt(r + 1) === DOLLAR || isWordChar(text.charCodeAt(r + 1))) return { resume: i + 1 };
      return { fragment: ['$', i, i + 1, r, r + 1, false], resume: r + 1 };
    }
    if (double) {
      const r = findDisplayDollarClose(i + 2, limit);
      return r >= 0 ? { fragment: ['$$', i, i + 2, r, r + 2, true], resume: r + 2 } : { resume: i + 2 };
    }
    const tick = backtickMath(i, limit);
    if (tick) return tick;
    if (i + 1 >= limit || isWs(text.charCodeAt(i + 1))) return { resume: i + 1 };
    if (dialect === 'github') {
      // The opening `$` starts the line or a table cell, or follows a space.
      const prev = i > 0 ? text.charCodeAt(i - 1) : -1;
      if (prev !== -1 && !isWs(prev) && prev !== 0x7c /* | */) return { resume: i + 1 };
      const r = findGithubDollarClose(i + 1, lineEndAfter(i, limit));
      return r >= 0 ? { fragment: ['$', i, i + 1, r, r + 1, false], resume: r + 1 } : { resume: i + 1 };
    }
    const r = findInlineDollarClose(i + 1, limit);
    return r >= 0 ? { fragment: ['$', i, i + 1, r, r + 1, false], resume: r + 1 } : { resume: i + 1 };
  };

  /** Is `at` the first non-blank character of its line (up to three spaces of indentation)? */
  const lineStartsAt = (at: number): boolean => {
    let k = at - 1;
    let spaces = 0;
    while (k >= 0 && (text.charCodeAt(k) === 0x20 || text.charCodeAt(k) === 0x09)) {
      k--;
      spaces++;
    }
    return (k < 0 || text.charCodeAt(k) === 0x0a) && spaces <= 3;
  };

  /** How far a `$$` block may run: to the next code block or the end of the note (blank lines do not end it). */
  const blockLimit = (): number => (ex < excluded.length ? excluded[ex].start : N);

  let ex = 0; // first excluded region that ends after i
  let bl = 0; // first blank line starting after i
  let ce = 0; // first table cell end at or after i
  const cellEnds = blocks.cellEnds;

  let i = 0;
  while (i < N) {
    while (ex < excluded.length && excluded[ex].end <= i) ex++;
    if (ex < excluded.length && i >= excluded[ex].start) {
      i = excluded[ex].end;
      continue;
    }
    const c = text.charCodeAt(i);
    if (c !== BACKSLASH && c !== DOLLAR && c !== BACKTICK && c !== LT) {
      i++;
      continue;
    }
    while (bl < blanks.length && blanks[bl] <= i) bl++;
    while (ce < cellEnds.length && cellEnds[ce] < i) ce++;
    // Delimited math ends at a blank line, at code, and at the end of a table cell.
    const limit = Math.min(bl < blanks.length ? blanks[bl] : N, ex < excluded.length ? excluded[ex].start : N, ce < cellEnds.length ? cellEnds[ce] : N);

    if (c === BACKSLASH) {
      const c1 = text.charCodeAt(i + 1);
      if (c1 === BACKSLASH) {
        // `\\(…\\)` and `\\[…\\]`: math delimiters written with Markdown-escaped backslashes.
        const c2 = text.charCodeAt(i + 2);
        if (c2 === LPAREN || c2 === LBRACKET) {
          const closer = c2 === LPAREN ? '\\\\)' : '\\\\]';
          const r = findClose(closer, i + 3, limit);
          if (r >= 0) {
            push(c2 === LPAREN ? '\\(' : '\\[', i, i + 3, r, r + 3, c2 === LBRACKET);
            i = r + 3;
            continue;
          }
        }
        i += 2;
        continue;
      }
      if (c1 === LPAREN || c1 === LBRACKET) {
        const closer = c1 === LPAREN ? '\\)' : '\\]';
        const r = findClose(closer, i + 2, limit);
        if (r >= 0) {
          push(c1 === LPAREN ? '\\(' : '\\[', i, i + 2, r, r + 2, c1 === LBRACKET);
          i = r + 2;
          continue;
        }
        i += 2;
        continue;
      }
      if (c1 === 0x62 /* b */) {
        BEGIN_RE.lastIndex = i;
        const m = BEGIN_RE.exec(text);
        if (m && MATH_ENVIRONMENTS.has(m[1])) {
          const r = findEnvEnd(m[1], i + m[0].length, limit);
          if (r >= 0) {
            push('env', i, i, r, r, !DISPLAY_ENV_INLINE.has(m[1]));
            i = r;
            continue;
          }
        }
      }
      i += 2;
      continue;
    }

    if (c === DOLLAR) {
      const next = dollarAt(i, limit);
      if (next.fragment) push(...next.fragment);
      i = next.resume;
      continue;
    }

    if (c === BACKTICK) {
      let k = i;
      while (k < limit && text.charCodeAt(k) === BACKTICK) k++;
      const n = k - i;
      const r = findBacktickRun(n, k, limit);
      if (r >= 0 && text.startsWith('{math}', i - 6) && r > k) {
        // MyST's math role, {math}`…`: the backticks hold inline math.
        push('$', i - 6, k, r, r + n, false);
        i = r + n;
      } else if (r >= 0) {
        codeSpans.push({ start: i, end: r + n });
        i = r + n;
      } else {
        i = k;
      }
      continue;
    }

    // c === LT
    if (text.startsWith('<!--', i)) {
      const r = findCommentClose(i + 4);
      if (r >= 0 && r + 3 <= limit) {
        comments.push({ start: i, end: r + 3, body: text.slice(i + 4, r) });
        i = r + 3;
        continue;
      }
      i += 4;
      continue;
    }
    i++;
  }

  return { fragments, codeSpans, comments };
}
