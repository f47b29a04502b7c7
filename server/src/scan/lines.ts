/**
 * Line/offset bookkeeping shared by the stages. Lines end at `\n` (a `\r` right before it belongs to the
 * line break, not to the line). Positions are 0-based; `character` counts UTF-16 code units, as in LSP.
 */

export interface Position {
  line: number;
  character: number;
}

export class LineMap {
  /** Offset of the first character of every line; always starts with 0. */
  readonly lineStarts: number[];

  constructor(readonly text: string) {
    const starts = [0];
    let i = text.indexOf('\n');
    while (i !== -1) {
      starts.push(i + 1);
      i = text.indexOf('\n', i + 1);
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

  /** Offset just past the last character of `line`, line break (`\n` or `\r\n`) excluded. */
  lineEnd(line: number): number {
    if (line < 0) return 0;
    if (line >= this.lineStarts.length) return this.text.length;
    let end = line + 1 < this.lineStarts.length ? this.lineStarts[line + 1] - 1 : this.text.length;
    if (end > this.lineStarts[line] && line + 1 < this.lineStarts.length && this.text.charCodeAt(end - 1) === 13) end--;
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

  /** 0-based line and UTF-16 character of `offset`; an offset inside a `\r\n` maps to the end of its line. */
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
