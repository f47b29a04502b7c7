/**
 * The Markdown preview plugin. The built-in markdown-math extension already renders the math with KaTeX; this
 * plugin renders nothing itself. It runs the checking core on the note's source and marks the block (paragraph,
 * list item, heading, math block, …) that contains a false claim: a CSS class on the block and a small "✗" badge
 * whose title is the message. It never throws: a failure leaves the preview as it was.
 *
 * No `vscode` import here, so the plugin can be exercised with plain markdown-it under Node.
 */
import { checkDocument, type EngineOptions } from '../../server/out/engine';
import { CODE_FALSE_CLAIM } from '../../server/out/lsp/protocol';

/** The parts of markdown-it's API used here (markdown-it ships no types in this repository). */
export interface MdToken {
  type: string;
  tag: string;
  nesting: number;
  level: number;
  map: [number, number] | null;
  block: boolean;
  hidden: boolean;
  content: string;
  children: MdToken[] | null;
  attrJoin(name: string, value: string): void;
}
export interface MdCoreState {
  src: string;
  env: unknown;
  tokens: MdToken[];
  Token: new (type: string, tag: string, nesting: number) => MdToken;
}
export interface MarkdownItLike {
  core: { ruler: { push(name: string, rule: (state: MdCoreState) => void): void } };
}

/** Engine options for a render, or null when checking is off for that document. */
export type PreviewOptionsProvider = (env: unknown) => EngineOptions | null;

export const FALSE_CLASS = 'calcnotes-false';
export const BADGE_CLASS = 'calcnotes-badge';

/** Adds the annotating core rule to `md` and returns it (the shape `extendMarkdownIt` wants). */
export function calcnotesMarkdownIt<T extends MarkdownItLike>(md: T, options: PreviewOptionsProvider): T {
  md.core.ruler.push('calcnotes_false_claims', (state) => {
    try {
      const opts = options(state.env);
      if (opts) annotateFalseClaims(state, falseClaimsByLine(state.src, opts));
    } catch {
      // Never break the preview.
    }
  });
  return md;
}

const cache = new Map<string, Map<number, string[]>>();
const CACHE_SIZE = 8;

/** 0-based line → messages of the false claims starting on it. Cached on the text and options. */
export function falseClaimsByLine(src: string, opts: EngineOptions): Map<number, string[]> {
  const key = JSON.stringify(opts) + '\u0000' + src;
  const hit = cache.get(key);
  if (hit) {
    cache.delete(key);
    cache.set(key, hit);
    return hit;
  }
  const report = checkDocument(src, opts);
  const lineStarts = [0];
  for (let i = src.indexOf('\n'); i >= 0; i = src.indexOf('\n', i + 1)) lineStarts.push(i + 1);
  const byLine = new Map<number, string[]>();
  for (const d of report.diagnostics) {
    if (d.code !== CODE_FALSE_CLAIM) continue;
    const line = lineOf(lineStarts, d.start);
    const list = byLine.get(line) ?? [];
    if (!list.includes(d.message)) list.push(d.message);
    byLine.set(line, list);
  }
  cache.set(key, byLine);
  while (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value as string);
  return byLine;
}

function lineOf(lineStarts: number[], offset: number): number {
  let lo = 0;
  let hi = lineStarts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (lineStarts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/**
 * Marks, for each line with a false claim, the innermost visible block token whose `map` contains the line.
 * An opening token (paragraph, heading, list item, …) gets the class, and the badge goes at the end of its
 * first inline content; a self-contained block (math block, fence, HTML) is wrapped in a marked <div>.
 */
export function annotateFalseClaims(state: MdCoreState, byLine: Map<number, string[]>): void {
  if (byLine.size === 0) return;
  const tokens = state.tokens;
  const targets = new Map<number, string[]>();
  for (const [line, messages] of byLine) {
    let best = -1;
    let bestSize = Infinity;
    for (let i = 0; i < tokens.length; i++) {
      const t = tokens[i];
      if (!t.map || !t.block || t.hidden || t.nesting === -1 || t.type === 'inline') continue;
      if (line < t.map[0] || line >= t.map[1]) continue;
      const size = t.map[1] - t.map[0];
      if (size <= bestSize) {
        best = i;
        bestSize = size;
      }
    }
    if (best < 0) continue;
    const list = targets.get(best) ?? [];
    for (const m of messages) if (!list.includes(m)) list.push(m);
    targets.set(best, list);
  }
  // Back to front, so insertions do not move the indices still to be handled.
  for (const index of [...targets.keys()].sort((a, b) => b - a)) {
    const t = tokens[index];
    const badge = badgeHtml(targets.get(index) ?? []);
    if (t.nesting === 1) {
      t.attrJoin('class', FALSE_CLASS);
      const inline = firstInlineInside(tokens, index);
      if (inline && inline.children) {
        const tok = new state.Token('html_inline', '', 0);
        tok.content = badge;
        inline.children.push(tok);
      } else {
        const tok = new state.Token('html_block', '', 0);
        tok.content = badge + '\n';
        tok.block = true;
        tokens.splice(index + 1, 0, tok);
      }
    } else {
      const open = new state.Token('html_block', '', 0);
      open.content = `<div class="${FALSE_CLASS} calcnotes-false-block">${badge}\n`;
      open.block = true;
      const close = new state.Token('html_block', '', 0);
      close.content = '</div>\n';
      close.block = true;
      tokens.splice(index + 1, 0, close);
      tokens.splice(index, 0, open);
    }
  }
}

function firstInlineInside(tokens: MdToken[], openIndex: number): MdToken | undefined {
  const level = tokens[openIndex].level;
  for (let j = openIndex + 1; j < tokens.length; j++) {
    const t = tokens[j];
    if (t.nesting === -1 && t.level === level) return undefined;
    if (t.type === 'inline') return t;
  }
  return undefined;
}

function badgeHtml(messages: string[]): string {
  const title = escapeHtml(messages.join('\n'));
  return `<span class="${BADGE_CLASS}" title="${title}" aria-label="false claim">✗</span>`;
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}
