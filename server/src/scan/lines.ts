/**
 * Line/offset bookkeeping shared by the stages, the language server and the command line: the one line model.
 * Lines end at `\n`, `\r\n` or a lone `\r` (old Mac), as in LSP and VS Code; mixed endings are fine. Positions
 * are 0-based; `character` counts UTF-16 code units, as in LSP. The engine reads a note through
 * `withLineFeeds`, which turns each lone `\r` into `\n` (same length, so every offset stays true), so its stages
 * only ever see `\n` and `\r\n`, and their lines are these.
 */

/** The text with every lone `\r` replaced by `\n`: the same length and offsets, and the same lines. */
export function withLineFeeds(text: string): string {
  return text.indexOf('\r') < 0 ? text : text.replace(/\r(?!\n)/g, '\n');
}

export interface Position {
  line: number;
  character: number;
}

export class LineMap {
  /** Offset of the first character of every line; always starts with 0. */
  readonly lineStarts: number[];

  constructor(readonly text: string) {
    const starts = [0];
    if (text.indexOf('\r') < 0) {
      let i = text.indexOf('\n');
      while (i !== -1) {
        starts.push(i + 1);
        i = text.indexOf('\n', i + 1);
      }
    } else {
      for (let i = 0; i < text.length; i++) {
        const c = text.charCodeAt(i);
        if (c === 10) starts.push(i + 1);
        else if (c === 13) {
          if (text.charCodeAt(i + 1) === 10) i++;
          starts.push(i + 1);
        }
      }
    }
    this.lineStarts = starts;
  }

  get lineCount(): number {
    return this.lineStarts.length;
  }

  /** Offset of the first character of `line` (clamped to the document). */
  lineStart(line: number): number {
    if (line <= 0) return 0;
    if (line >= this.lineStarts.length) return this.text.length;
    return this.lineStarts[line];
  }

  /** Offset just past the last character of `line`, line break (`\n`, `\r\n` or `\r`) excluded. */
  lineEnd(line: number): number {
    if (line < 0) return 0;
    if (line >= this.lineStarts.length) return this.text.length;
    if (line + 1 >= this.lineStarts.length) return this.text.length;
    let end = this.lineStarts[line + 1] - 1; // the \n or the lone \r
    if (end > this.lineStarts[line] && this.text.charCodeAt(end) === 10 && this.text.charCodeAt(end - 1) === 13) end--;
    return end;
  }

  /** Offset of the start of the next line (or the document length for the last line). */
  nextLineStart(line: number): number {
    if (line + 1 < this.lineStarts.length) return this.lineStarts[line + 1];
    return this.text.length;
  }

  /** The text of `line` without its line break. */
  lineText(line: number): string {
    return this.text.slice(this.lineStart(line), this.lineEnd(line));
  }

  /** The line containing `offset` (offsets are clamped to [0, text.length]). */
  lineAt(offset: number): number {
    const starts = this.lineStarts;
    if (!(offset > 0)) return 0;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** 0-based line and UTF-16 character of `offset`; an offset inside a line break maps to the end of its line. */
  positionAt(offset: number): Position {
    const off = Math.max(0, Math.min(Number.isFinite(offset) ? Math.floor(offset) : 0, this.text.length));
    const line = this.lineAt(off);
    const end = this.lineEnd(line);
    return { line, character: Math.min(off, end) - this.lineStarts[line] };
  }

  /** Offset of a position; out-of-range lines/characters are clamped (a character past the end → line end). */
  offsetAt(pos: Position): number {
    const line = Number.isFinite(pos.line) ? Math.floor(pos.line) : 0;
    if (line < 0) return 0;
    if (line >= this.lineStarts.length) return this.text.length;
    const ch = Number.isFinite(pos.character) ? Math.max(0, Math.floor(pos.character)) : 0;
    return Math.min(this.lineStarts[line] + ch, this.lineEnd(line));
  }
}
