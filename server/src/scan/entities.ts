/**
 * HTML character references inside the math of a Markdown note. A Markdown page is HTML: `&amp;`, `&lt;`, `&gt;`,
 * `&nbsp;` and numeric references such as `&#38;` show as `&`, `<`, `>` and a space, and the math renderer sees
 * those characters. Notes exported from HTML, or written to survive an HTML pipeline, use them for the column
 * separators of matrices and for inequalities.
 *
 * Decoding keeps every offset: each reference becomes its character followed by spaces up to the reference's
 * length, so position k of the decoded LaTeX is still position k of the note's text.
 */
import { withoutQuoteMarks } from './quotes';
import { withLineFeeds } from './lines';

const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', nbsp: ' ', quot: '"', apos: "'" };

const REFERENCE = /&(?:(amp|lt|gt|nbsp|quot|apos)|#([0-9]{1,7})|#[xX]([0-9a-fA-F]{1,6}));/g;

/** The character a numeric reference stands for, when it is printable ASCII or a no-break space (else null). */
function fromCode(code: number): string | null {
  if (code === 0xa0) return ' ';
  if (code >= 0x20 && code < 0x7f) return String.fromCharCode(code);
  return null;
}

/** The LaTeX as the rendered page shows it, the same length as `latex` (see above). */
export function decodeMathEntities(latex: string): string {
  if (!latex.includes('&')) return latex;
  return latex.replace(REFERENCE, (whole: string, name?: string, dec?: string, hex?: string) => {
    const ch = name !== undefined ? NAMED[name] : fromCode(dec !== undefined ? parseInt(dec, 10) : parseInt(hex as string, 16));
    return ch === null ? whole : ch + ' '.repeat(whole.length - 1);
  });
}

/**
 * Is `latex` what the note's text `source` shows (the text itself, or it with its references decoded)? A lone
 * `\r` in the source is the `\n` the engine read (scan/lines.ts `withLineFeeds`).
 */
export function showsAs(source: string, latex: string): boolean {
  if (source === latex) return true;
  if (source.length !== latex.length) return false;
  // Lone CRs read as line feeds; entities decoded in place; in a blockquote, its marks blanked out (scan/quotes.ts).
  const s = withoutQuoteMarks(withLineFeeds(source), true);
  return s === latex || decodeMathEntities(s) === latex;
}
