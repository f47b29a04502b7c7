/**
 * HTML-comment directives:
 *   <!-- calcnotes-disable --> … <!-- calcnotes-enable -->   fragments in between are disabled
 *   <!-- calcnotes-disable-next-line -->                       fragments starting on the next non-blank line
 *   <!-- calcnotes: key=value key2="a value" -->              settings (later comments override earlier ones)
 * In plain text and LaTeX the same directives may stand on a line of their own after `%` (`% calcnotes-disable-next-line`).
 * Comments inside code are not comments; comments inside math are not looked for.
 */
import { LATEX_DIRECTIVE } from '../formats/latex';
import { CommentRegion } from './blocks';
import { isBlankRange } from './chars';
import { LineMap } from './lines';

const DISABLE_RE = /^calcnotes-(disable-next-line|disable|enable)(?:\s|$)/;
const SETTINGS_RE = /^calcnotes\s*:([\s\S]*)$/;
const PAIR_RE = /([A-Za-z0-9_.\-]+)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s"']\S*|))?/g;
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

export interface CommentEffects {
  /** Offset ranges [start, end) in which a fragment starting there is disabled, sorted by start. */
  disabledRanges: Array<{ start: number; end: number }>;
  directives: Record<string, string>;
  /** Where each settings key was written (`<!-- calcnotes: key=value -->`), for warnings about unknown keys. */
  directiveKeys: Array<{ key: string; start: number; end: number }>;
}

/** Parses `key=value key2="quoted value" flag` (a key without value gets "true"). */
export function parseSettings(src: string, into: Record<string, string>): void {
  PAIR_RE.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = PAIR_RE.exec(src)) !== null) {
    if (m[0].length === 0) {
      PAIR_RE.lastIndex++;
      continue;
    }
    const key = m[1];
    if (FORBIDDEN_KEYS.has(key)) continue;
    let value = m[2] === undefined ? 'true' : m[2];
    if (value.length >= 2 && (value[0] === '"' || value[0] === "'") && value[value.length - 1] === value[0]) {
      value = value.slice(1, -1);
    }
    into[key] = value;
  }
}

/**
 * The `%` form of the directives, for plain text and LaTeX (where an HTML comment would be text): a line holding
 * only `% calcnotes-disable-next-line`, `% calcnotes-disable`, `% calcnotes-enable` or `% calcnotes: key=value`.
 * Read as the same comments (the LaTeX reader keeps these lines, formats/latex.ts).
 */
export function percentDirectives(text: string): CommentRegion[] {
  if (!text.includes('calcnotes')) return [];
  const out: CommentRegion[] = [];
  for (const m of text.matchAll(/^([ \t]*)(%.*)$/gm)) {
    const d = LATEX_DIRECTIVE.exec(m[2]);
    if (d) out.push({ start: m.index + m[1].length, end: m.index + m[0].length, body: d[1].replace(/\r$/, '') });
  }
  return out;
}

/** `comments` must be sorted by start. */
export function commentEffects(text: string, lines: LineMap, comments: ReadonlyArray<CommentRegion>): CommentEffects {
  const disabledRanges: Array<{ start: number; end: number }> = [];
  const directives: Record<string, string> = {};
  const directiveKeys: CommentEffects['directiveKeys'] = [];
  let disabledFrom = -1;
  for (const c of comments) {
    const body = c.body.trim();
    const d = DISABLE_RE.exec(body);
    if (d) {
      if (d[1] === 'disable') {
        if (disabledFrom < 0) disabledFrom = c.end;
      } else if (d[1] === 'enable') {
        if (disabledFrom >= 0) {
          disabledRanges.push({ start: disabledFrom, end: c.start });
          disabledFrom = -1;
        }
      } else {
        let line = lines.lineAt(Math.max(0, c.end - 1)) + 1;
        while (line < lines.lineCount && isBlankRange(text, lines.lineStart(line), lines.lineEnd(line))) line++;
        if (line < lines.lineCount) {
          disabledRanges.push({ start: lines.lineStart(line), end: lines.nextLineStart(line) });
        }
      }
      continue;
    }
    const s = SETTINGS_RE.exec(body);
    if (s) {
      parseSettings(s[1], directives);
      const bodyStart = text.indexOf(s[1], c.start);
      if (bodyStart >= 0) {
        for (const m of s[1].matchAll(/([A-Za-z0-9_.\-]+)(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"']\S*|))?/g)) {
          if (m[0].length) directiveKeys.push({ key: m[1], start: bodyStart + (m.index ?? 0), end: bodyStart + (m.index ?? 0) + m[1].length });
        }
      }
    }
  }
  if (disabledFrom >= 0) disabledRanges.push({ start: disabledFrom, end: text.length + 1 });
  disabledRanges.sort((a, b) => a.start - b.start);
  return { disabledRanges, directives, directiveKeys };
}

/** Marks fragments (sorted by outerStart) whose outerStart falls in one of the ranges (sorted by start). */
export function disabledFlags(
  fragments: ReadonlyArray<{ outerStart: number }>,
  ranges: ReadonlyArray<{ start: number; end: number }>,
): boolean[] {
  const out: boolean[] = new Array(fragments.length).fill(false);
  // Union of the (possibly overlapping) ranges as disjoint intervals.
  const merged: Array<{ start: number; end: number }> = [];
  for (const r of ranges) {
    const last = merged[merged.length - 1];
    if (last && r.start <= last.end) last.end = Math.max(last.end, r.end);
    else merged.push({ start: r.start, end: r.end });
  }
  let m = 0;
  for (let k = 0; k < fragments.length; k++) {
    const p = fragments[k].outerStart;
    while (m < merged.length && merged[m].end <= p) m++;
    out[k] = m < merged.length && merged[m].start <= p;
  }
  return out;
}
