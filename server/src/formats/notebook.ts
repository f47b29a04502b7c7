/**
 * Jupyter notebooks (nbformat 4) as notes: their markdown cells, in order, are one note (a definition in cell 2
 * holds in cell 5); code cells are not math. Positions in the joined note map back to a cell and a line in it.
 * Pure: no file system, no stage imported.
 */

/** Where one markdown cell's text sits in the joined note. */
export interface CellSpan {
  /** The cell's number in the notebook, counting every cell from 1 (as Jupyter shows them). */
  cell: number;
  /** Offsets of the cell's text in the joined note. */
  start: number;
  end: number;
}

export interface NotebookNote {
  text: string;
  cells: CellSpan[];
}

/** At most this many cells are read (a generated notebook can hold far more than anyone writes by hand). */
const MAX_CELLS = 10_000;

/** The markdown cells of a notebook's JSON as one note, or a one-line problem when it is not a notebook. */
export function notebookToNote(json: string): NotebookNote | { problem: string } {
  let nb: unknown;
  try {
    nb = JSON.parse(json);
  } catch (e) {
    return { problem: `not a notebook: the JSON is broken (${(e as Error).message.split('\n')[0].slice(0, 120)})` };
  }
  const cells = (nb as { cells?: unknown })?.cells;
  if (!Array.isArray(cells)) return { problem: 'not a notebook: no "cells" list (nbformat 4 is read)' };
  const numbers: number[] = [];
  const sources: string[] = [];
  cells.slice(0, MAX_CELLS).forEach((c, i) => {
    const cell = c as { cell_type?: unknown; source?: unknown };
    if (cell?.cell_type !== 'markdown') return;
    numbers.push(i + 1);
    sources.push(Array.isArray(cell.source) ? cell.source.filter((s) => typeof s === 'string').join('') : typeof cell.source === 'string' ? cell.source : '');
  });
  const joined = joinCells(sources);
  return { text: joined.text, cells: joined.starts.map((start, k) => ({ cell: numbers[k], start, end: start + sources[k].length })) };
}

/** Between two cells in the joined note: a blank line, so each cell is a block of its own, as Jupyter renders them. */
export const CELL_SEPARATOR = '\n\n';

/**
 * Markdown cells' texts, in order, as one note, and where each starts in it. The one way cells are joined: the
 * CLI (a notebook file) and the language server (a notebook open in the editor) read the same note.
 */
export function joinCells(sources: readonly string[]): { text: string; starts: number[] } {
  const starts: number[] = [];
  let offset = 0;
  for (let i = 0; i < sources.length; i++) {
    if (i > 0) offset += CELL_SEPARATOR.length;
    starts.push(offset);
    offset += sources[i].length;
  }
  return { text: sources.join(CELL_SEPARATOR), starts };
}

/** The cell holding an offset of the joined note, and the line and column in that cell (0-based). */
export function cellPosition(note: NotebookNote, offset: number): { cell: number; line: number; character: number } {
  let span = note.cells[0];
  for (const s of note.cells) {
    if (s.start <= offset) span = s;
    else break;
  }
  if (!span) return { cell: 1, line: 0, character: 0 };
  const inCell = Math.max(0, Math.min(offset, span.end) - span.start);
  const before = note.text.slice(span.start, span.start + inCell);
  const lines = before.split('\n');
  return { cell: span.cell, line: lines.length - 1, character: lines[lines.length - 1].length };
}
