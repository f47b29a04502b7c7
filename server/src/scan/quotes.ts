/**
 * Blockquotes (and callouts, `> [!note]`) hold Markdown: their math is read with the `>` marks blanked out, so
 * every offset stays where it is in the note.
 */

/**
 * The text with the marks of blockquotes (`>` at the start of a line, after up to three spaces, nested too)
 * replaced by spaces: the same length and the same offsets. With `midLine`, the text starts inside a line (a
 * fragment of the note): only marks after a line break count.
 */
export function withoutQuoteMarks(text: string, midLine = false): string {
  if (!(midLine ? /\n[ ]{0,3}>/ : /(?:^|\n)[ ]{0,3}>/).test(text)) return text;
  const blank = (lead: string, marks: string) => lead + ' '.repeat(marks.length);
  if (midLine) return text.replace(/(\n[ ]{0,3})((?:>[ ]?)+)/g, (_m, lead: string, marks: string) => blank(lead, marks));
  return text.replace(/^([ ]{0,3})((?:>[ ]?)+)/gm, (_m, lead: string, marks: string) => blank(lead, marks));
}

/** How many columns of the line starting at `ls` are blockquote marks (blanked in the scanned text), 0 if none. */
export function quoteMarksAt(original: string, ls: number): number {
  const m = /^[ ]{0,3}(?:>[ ]?)+/.exec(original.slice(ls, ls + 64));
  return m && m[0].includes('>') ? m[0].length : 0;
}
