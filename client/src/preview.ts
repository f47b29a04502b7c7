/**
 * The Markdown preview plugin. The built-in markdown-math extension already renders the math with KaTeX; this
 * plugin renders nothing itself. It marks the block (paragraph, list item, heading, math block, …) that contains
 * a false claim: a CSS class on the block and a small "✗" badge whose title is the message. It never throws: a
 * failure leaves the preview as it was.
 *
 * The marks come from the language server (`calcnotes/previewMarks`): the extension host never runs the checker.
 * markdown-it renders synchronously, so a text not yet answered is rendered with the marks it can carry over from
 * the last answer, and the preview is refreshed when the server's answer arrives (`PreviewMarkStore`).
 *
 * No `vscode` import here, so the plugin can be exercised with plain markdown-it under Node.
 */
import type { PreviewMark, PreviewMarksParams, PreviewMarksResult } from '../../server/out/lsp/protocol';

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

/** 0-based line → messages of the false claims starting on it, for a render; null when checking is off. */
export type PreviewMarksProvider = (src: string, env: unknown) => Map<number, string[]> | null;

export const FALSE_CLASS = 'calcnotes-false';
export const BADGE_CLASS = 'calcnotes-badge';
export const MESSAGE_CLASS = 'calcnotes-message';

/** Adds the annotating core rule to `md` and returns it (the shape `extendMarkdownIt` wants). */
export function calcnotesMarkdownIt<T extends MarkdownItLike>(md: T, marks: PreviewMarksProvider): T {
  md.core.ruler.push('calcnotes_false_claims', (state) => {
    try {
      const byLine = marks(state.src, state.env);
      if (byLine) annotateFalseClaims(state, byLine);
    } catch {
      // Never break the preview.
    }
  });
  return md;
}

/** The server's marks as a map from line to messages. */
export function marksByLine(marks: PreviewMark[]): Map<number, string[]> {
  const out = new Map<number, string[]>();
  for (const m of marks ?? []) if (Number.isInteger(m?.line) && Array.isArray(m.messages)) out.set(m.line, m.messages.map(String));
  return out;
}

/**
 * The marks of the texts the preview renders, as the language server answered them. Asking is asynchronous and
 * rendering is not: `marksFor` answers at once — the server's marks for this very text when it has them, else
 * the last marks of the same note on the lines whose text has not changed — and asks the server, then calls
 * `refresh` (which renders the preview again) when the answer comes.
 */
export class PreviewMarkStore {
  private readonly answers = new Map<string, Map<number, string[]>>();
  private readonly pending = new Set<string>();
  private readonly last = new Map<string, { lines: string[]; marks: Map<number, string[]> }>();

  /**
   * @param ask sends the request; null when there is no server to ask (then nothing is marked).
   * @param refresh renders the previews again.
   */
  constructor(
    private readonly ask: (params: PreviewMarksParams) => Promise<PreviewMarksResult> | null,
    private readonly refresh: () => void,
    private readonly size = 8,
  ) {}

  marksFor(uri: string, src: string): Map<number, string[]> {
    const key = `${uri}\u0000${src}`;
    const hit = this.answers.get(key);
    if (hit) {
      this.answers.delete(key);
      this.answers.set(key, hit);
      return hit;
    }
    if (!this.pending.has(key)) {
      const asked = this.ask({ uri, text: src });
      if (asked) {
        this.pending.add(key);
        asked.then(
          (r) => {
            const marks = marksByLine(r?.marks ?? []);
            this.remember(key, marks);
            this.last.set(uri, { lines: src.split('\n'), marks });
            this.refresh();
          },
          () => this.remember(key, new Map()),
        ).finally(() => this.pending.delete(key));
      }
    }
    return this.carried(uri, src);
  }

  /** Forget every answer (the settings changed). */
  clear(): void {
    this.answers.clear();
    this.last.clear();
  }

  private remember(key: string, marks: Map<number, string[]>): void {
    this.answers.set(key, marks);
    while (this.answers.size > this.size) this.answers.delete(this.answers.keys().next().value as string);
  }

  /** The note's last marks on the lines that read the same in `src` (an edit elsewhere does not blink them). */
  private carried(uri: string, src: string): Map<number, string[]> {
    const before = this.last.get(uri);
    const out = new Map<number, string[]>();
    if (!before) return out;
    const lines = src.split('\n');
    for (const [line, messages] of before.marks) if (line < lines.length && lines[line] === before.lines[line]) out.set(line, messages);
    return out;
  }
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

/**
 * The mark of a block with false claims: a focusable "✗" (Tab reaches it) and the messages beside it, shown when
 * the block is hovered or the badge focused (client/media/preview.css), and read by screen readers through
 * aria-describedby; the native tooltip stays for what CSS cannot reach.
 */
let badgeIds = 0;
function badgeHtml(messages: string[]): string {
  const id = `calcnotes-message-${++badgeIds}`;
  const title = escapeHtml(messages.join('\n'));
  const body = messages.map((m) => `<span class="${MESSAGE_CLASS}-line">${escapeHtml(m)}</span>`).join('');
  return (
    `<span class="${BADGE_CLASS}" tabindex="0" role="note" title="${title}" aria-label="false claim" aria-describedby="${id}">✗</span>` +
    `<span class="${MESSAGE_CLASS}" id="${id}" role="tooltip">${body}</span>`
  );
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}
