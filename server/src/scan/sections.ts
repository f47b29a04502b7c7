/**
 * Where a Markdown note's ATX headings (`# …` to `###### …`) stand, read line by line before any scanning: lines
 * outside code fences (``` and ~~~, MyST directive fences too), `$$` blocks, environments and HTML comments. The
 * engine cuts a note into sections before the headings that follow a blank line (engine.ts `sectionStarts`).
 * A light reading: a line holding an odd number of `$$` (two inline formulas written `$a$$b$`) is taken to open or
 * close a display block, so a note can lose its later cuts (it is then checked in fewer, larger sections — the
 * same answers, less caching). The semantic model reads headings from the prose between fragments
 * (interpret/claims.ts), which the scanner has already separated from math.
 */
export interface HeadingLine {
  /** Offset of the heading line's start. */
  at: number;
  /** The line before it is blank (or it is the first line). */
  blankBefore: boolean;
}

export function headingLines(text: string): HeadingLine[] {
  const out: HeadingLine[] = [];
  let fence = ''; // the open fence's marker run (``` or ~~~~), '' outside fences
  let displayOpen = false;
  let envDepth = 0;
  let inComment = false;
  let blankBefore = true;
  let pos = 0;
  const n = text.length;
  while (pos < n) {
    let eol = text.indexOf('\n', pos);
    if (eol < 0) eol = n;
    // Indentation of up to three spaces, then the first significant character decides what the line can be.
    let i = pos;
    while (i < eol && i - pos < 4 && text.charCodeAt(i) === 32) i++;
    const c = text.charCodeAt(i);
    const blank = i === eol || /^\s*$/.test(text.slice(i, eol));
    if (fence) {
      if ((c === 96 || c === 126) && i - pos < 4 && text.startsWith(fence, i) && /^[`~]*\s*$/.test(text.slice(i + fence.length, eol)) && text.charCodeAt(i) === fence.charCodeAt(0)) fence = '';
    } else if ((c === 96 || c === 126) && i - pos < 4 && text.charCodeAt(i + 1) === c && text.charCodeAt(i + 2) === c) {
      let j = i;
      while (text.charCodeAt(j) === c) j++;
      fence = text.slice(i, j);
    } else if (!blank) {
      if (c === 35 && i - pos < 4 && !displayOpen && envDepth === 0 && !inComment && /^#{1,6}(?:[ \t]|\r?$)/.test(text.slice(i, Math.min(eol, i + 8)))) {
        out.push({ at: pos, blankBefore: pos === 0 || blankBefore });
      }
      const line = text.slice(i, eol);
      if (line.includes('$$')) {
        const dollars = line.match(/(?<!\\)\$\$/g);
        if (dollars && dollars.length % 2 === 1) displayOpen = !displayOpen;
      }
      if (line.includes('\\begin') || line.includes('\\end')) {
        envDepth += (line.match(/\\begin\s*\{/g)?.length ?? 0) - (line.match(/\\end\s*\{/g)?.length ?? 0);
        if (envDepth < 0) envDepth = 0;
      }
      if (line.includes('<!--') || line.includes('-->')) {
        const lastOpen = line.lastIndexOf('<!--');
        const lastClose = line.lastIndexOf('-->');
        if (lastOpen >= 0 && lastOpen > lastClose) inComment = true;
        else if (lastClose >= 0 && lastClose > lastOpen) inComment = false;
      }
    }
    blankBefore = blank;
    pos = eol + 1;
  }
  return out;
}
