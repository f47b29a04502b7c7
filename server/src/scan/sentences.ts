/**
 * Sentence segmentation around fragments. A sentence ends at `.`, `?` or `!` followed by white space (outside
 * math and code, common abbreviations excepted), at a blank line, around a heading, table row or rule, at
 * the start of a list item and around a code block. Math (even display math) never ends a sentence.
 */
import { Blocks, LineKind, Region } from './blocks';
import { isWs, lowerBound, upperBound } from './chars';
import { LineMap } from './lines';

export const MAX_PROSE = 400;

export interface SentenceInfo {
  sentence: number;
  proseBefore: string;
  proseAfter: string;
}

const ABBREVIATIONS: ReadonlySet<string> = new Set([
  'e.g', 'i.e', 'eg', 'ie', 'cf', 'vs', 'viz', 'al', 'fig', 'figs', 'eq', 'eqs', 'eqn', 'eqns', 'sec', 'secs',
  'ch', 'chap', 'no', 'nos', 'vol', 'pp', 'resp', 'approx', 'dr', 'mr', 'mrs', 'ms', 'prof', 'wrt', 'w.r.t',
  's.t', 'thm', 'lem', 'prop', 'cor', 'def', 'defn', 'ex', 'incl', 'ref', 'refs', 'cca', 'ca', 'et',
]);

function isCloser(c: number): boolean {
  // " ' ) ] * _ ” ’ »
  return c === 0x22 || c === 0x27 || c === 0x29 || c === 0x5d || c === 0x2a || c === 0x5f || c === 0x201d || c === 0x2019 || c === 0xbb;
}

function isWordChar(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x2e;
}

/** Sorted, de-duplicated sentence boundary offsets. */
export function sentenceBoundaries(
  text: string,
  lines: LineMap,
  blocks: Blocks,
  fragments: ReadonlyArray<Region>,
  opaque: ReadonlyArray<Region>,
): number[] {
  const N = text.length;
  const b: number[] = [];
  for (const r of blocks.code) b.push(r.start, r.end);

  // Line-based boundaries, except inside a fragment (a `- b` line inside $$…$$ is no list item).
  let fp = 0;
  const insideFragment = (pos: number): boolean => {
    while (fp < fragments.length && fragments[fp].end <= pos) fp++;
    return fp < fragments.length && fragments[fp].start < pos;
  };
  const n = lines.lineCount;
  for (let i = 0; i < n; i++) {
    const kind = blocks.kinds[i];
    const ls = lines.lineStart(i);
    switch (kind) {
      case LineKind.Blank:
        if (!insideFragment(ls)) b.push(ls, lines.lineEnd(i));
        break;
      case LineKind.Heading:
      case LineKind.Rule:
      case LineKind.Table:
        if (!insideFragment(ls)) b.push(ls, blocks.contentStart[i], lines.lineEnd(i));
        break;
      case LineKind.ListItem:
        // The bullet belongs to neither sentence: one ends before it, the next starts after it.
        if (!insideFragment(ls)) b.push(ls, blocks.contentStart[i]);
        break;
      default:
        break;
    }
  }

  // Punctuation in prose (between opaque ranges).
  let pos = 0;
  const scanGap = (from: number, to: number): void => {
    for (let k = from; k < to; k++) {
      const c = text.charCodeAt(k);
      if (c !== 0x2e && c !== 0x3f && c !== 0x21) continue;
      let j = k + 1;
      while (j < N && j < k + 4 && isCloser(text.charCodeAt(j))) j++;
      if (j < N && !isWs(text.charCodeAt(j))) continue;
      if (c === 0x2e) {
        let w = k;
        while (w > from && k - w < 12 && isWordChar(text.charCodeAt(w - 1))) w--;
        const word = text.slice(w, k).toLowerCase();
        if (word.length > 0 && ABBREVIATIONS.has(word)) continue;
      }
      b.push(j);
    }
  };
  for (const o of opaque) {
    if (o.start > pos) scanGap(pos, o.start);
    if (o.end > pos) pos = o.end;
  }
  if (pos < N) scanGap(pos, N);

  b.sort((x, y) => x - y);
  const out: number[] = [];
  for (const x of b) if (out.length === 0 || out[out.length - 1] !== x) out.push(x);
  return out;
}

/** Sentence index (dense, in document order) and surrounding prose for each fragment (sorted by outerStart). */
export function assignSentences(
  text: string,
  boundaries: number[],
  fragments: ReadonlyArray<{ outerStart: number; outerEnd: number }>,
): SentenceInfo[] {
  const N = text.length;
  const out: SentenceInfo[] = [];
  let sentence = -1;
  let prevKey = Number.NaN;
  for (const f of fragments) {
    const key = upperBound(boundaries, f.outerStart) - 1;
    if (key !== prevKey) {
      sentence++;
      prevKey = key;
    }
    const sentStart = key >= 0 ? boundaries[key] : 0;
    const endIdx = lowerBound(boundaries, f.outerEnd);
    const sentEnd = endIdx < boundaries.length ? boundaries[endIdx] : N;

    let from = sentStart;
    if (f.outerStart - from > MAX_PROSE) {
      from = f.outerStart - MAX_PROSE;
      // Start at a word boundary when one is near.
      for (let k = from; k < from + 40 && k < f.outerStart; k++) {
        if (isWs(text.charCodeAt(k))) {
          from = k + 1;
          break;
        }
      }
      if (isLowSurrogate(text.charCodeAt(from))) from++;
    }
    // Leading white space and block-quote markers are not part of the sentence.
    while (from < f.outerStart && (isWs(text.charCodeAt(from)) || text.charCodeAt(from) === 0x3e)) from++;

    let to = Math.max(sentEnd, f.outerEnd);
    if (to - f.outerEnd > MAX_PROSE) {
      to = f.outerEnd + MAX_PROSE;
      for (let k = to; k > to - 40 && k > f.outerEnd; k--) {
        if (isWs(text.charCodeAt(k - 1))) {
          to = k - 1;
          break;
        }
      }
      if (isHighSurrogate(text.charCodeAt(to - 1))) to--;
    }
    while (to > f.outerEnd && isWs(text.charCodeAt(to - 1))) to--;

    out.push({
      sentence,
      proseBefore: text.slice(from, Math.max(from, f.outerStart)),
      proseAfter: text.slice(f.outerEnd, Math.max(f.outerEnd, to)),
    });
  }
  return out;
}

function isLowSurrogate(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}

function isHighSurrogate(c: number): boolean {
  return c >= 0xd800 && c <= 0xdbff;
}
