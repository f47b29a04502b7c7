/** Small character helpers shared by the scanner modules (all take UTF-16 code units). */

export const BACKSLASH = 0x5c;
export const DOLLAR = 0x24;
export const BACKTICK = 0x60;
export const TILDE = 0x7e;
export const LT = 0x3c;
export const LPAREN = 0x28;
export const RPAREN = 0x29;
export const LBRACKET = 0x5b;
export const RBRACKET = 0x5d;
export const LBRACE = 0x7b;
export const RBRACE = 0x7d;
export const NL = 0x0a;
export const CR = 0x0d;

/** Horizontal or vertical white space, including NBSP and the other Unicode spaces. */
export function isWs(c: number): boolean {
  return (
    c === 0x20 ||
    c === 0x09 ||
    c === 0x0a ||
    c === 0x0d ||
    c === 0x0b ||
    c === 0x0c ||
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000 ||
    c === 0xfeff
  );
}

export function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

export function isAsciiLetter(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
}

const LETTER_RE = /\p{L}/u;

/** A letter in any script (surrogate halves count as non-letters). */
export function isLetter(c: number): boolean {
  if (c < 0x80) return isAsciiLetter(c);
  if (c >= 0xd800 && c <= 0xdfff) return false;
  return LETTER_RE.test(String.fromCharCode(c));
}

export function isGreek(c: number): boolean {
  return c >= 0x370 && c <= 0x3ff;
}

/** True when text[from, to) holds only white space. */
export function isBlankRange(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (!isWs(text.charCodeAt(i))) return false;
  return true;
}

/** First non-white-space offset in [from, to), or `to`. */
export function skipWs(text: string, from: number, to: number): number {
  while (from < to && isWs(text.charCodeAt(from))) from++;
  return from;
}

/** Offset just past the last non-white-space character in [from, to), or `from`. */
export function trimEnd(text: string, from: number, to: number): number {
  while (to > from && isWs(text.charCodeAt(to - 1))) to--;
  return to;
}

/** Index of the first element of a sorted array that is > value. */
export function upperBound(arr: ArrayLike<number>, value: number): number {
  let lo = 0;
  let hi = arr.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (arr[mid] <= value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Index of the first element of a sorted array that is >= value. */
export function lowerBound(arr: ArrayLike<number>, value: number): number {
  let lo = 0;
  let hi = arr.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (arr[mid] < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
