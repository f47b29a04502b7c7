/**
 * The kinds of files course notes are written in, and how each becomes the note the engine checks: Markdown and
 * its dialects (Quarto `.qmd`, R Markdown `.Rmd`, MyST) as they are, plain text, LaTeX with its comments and
 * verbatim blanked (latex.ts), and Jupyter notebooks by their markdown cells (notebook.ts). Pure: used by the CLI
 * and the language server alike.
 */
import { latexToNote } from './latex';
import { notebookToNote, type NotebookNote } from './notebook';

export { cellPosition, joinCells, type CellSpan, type NotebookNote } from './notebook';
export { expandInputs, inputsOf, preambleOf, sourceOf, type TexPiece } from './latex';

export type NoteKind = 'markdown' | 'text' | 'latex' | 'notebook';

const KINDS: ReadonlyMap<string, NoteKind> = new Map([
  ['.md', 'markdown'],
  ['.markdown', 'markdown'],
  ['.qmd', 'markdown'],
  ['.rmd', 'markdown'],
  ['.myst', 'markdown'],
  ['.txt', 'text'],
  ['.tex', 'latex'],
  ['.ipynb', 'notebook'],
]);

/** The kind of a note by its file name's extension, or null when it is not a note. */
export function noteKind(fileName: string): NoteKind | null {
  const m = /\.[A-Za-z0-9]+$/.exec(fileName);
  return m ? KINDS.get(m[0].toLowerCase()) ?? null : null;
}

/** Extensions of the files that are notes (lower case, with the dot). */
export const NOTE_EXTENSIONS: readonly string[] = [...KINDS.keys()];

export interface Note {
  /** What the engine reads (same offsets as the file, but for notebooks: the markdown cells joined). */
  text: string;
  mode: 'markdown' | 'text';
  /** Whether formulas written without delimiters are looked for (plain text and Markdown: yes; LaTeX: no). */
  bareFormulas: boolean;
  /** For a notebook: where each markdown cell sits in `text`. */
  notebook?: NotebookNote;
}

/** A file's content as a note, or why it cannot be read as one (a broken notebook). */
export function toNote(kind: NoteKind, content: string): Note | { problem: string } {
  switch (kind) {
    case 'markdown':
      return { text: content, mode: 'markdown', bareFormulas: true };
    case 'text':
      return { text: content, mode: 'text', bareFormulas: true };
    case 'latex':
      return { text: latexToNote(content), mode: 'text', bareFormulas: false };
    case 'notebook': {
      const nb = notebookToNote(content);
      if ('problem' in nb) return nb;
      return { text: nb.text, mode: 'markdown', bareFormulas: true, notebook: nb };
    }
  }
}
