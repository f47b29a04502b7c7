/**
 * Jupyter notebooks in the editor (LSP notebook document synchronisation). The markdown cells of a notebook are
 * checked as ONE note, in cell order, joined as the CLI joins them (formats/notebook.ts `joinCells`), so a
 * definition in cell 2 holds in cell 5; code cells are not synchronised at all. The service checks that note
 * under the notebook's URI like any document; this module maps between the note and the cells, each its own text
 * document (`vscode-notebook-cell:…`): diagnostics are split into the cells they fall in, and hovers and code
 * actions asked in a cell are asked of the note and brought back.
 *
 * The mapping functions are pure (`joinNotebook`, `toNotePosition`, `toCellRange`, `splitDiagnostics`, …);
 * `NotebookBridge` keeps which notebooks are open and which cells last got diagnostics.
 */
import type { CodeAction, CodeActionParams, Diagnostic, Hover, Position, Range, TextEdit, WorkspaceEdit } from 'vscode-languageserver';
import { joinCells } from '../formats';
import { LineMap } from '../scan/lines';
import type { DocLike } from './service';

/** One markdown cell: its text document's URI and text. */
export interface CellText {
  uri: string;
  text: string;
}

export interface JoinedCell {
  uri: string;
  /** Offsets of the cell's text in the joined note. */
  start: number;
  end: number;
  lines: LineMap;
}

/** A notebook's markdown cells as one note. */
export interface JoinedNotebook {
  text: string;
  lines: LineMap;
  cells: JoinedCell[];
}

export function joinNotebook(cells: readonly CellText[]): JoinedNotebook {
  const { text, starts } = joinCells(cells.map((c) => c.text));
  return {
    text,
    lines: new LineMap(text),
    cells: cells.map((c, i) => ({ uri: c.uri, start: starts[i], end: starts[i] + c.text.length, lines: new LineMap(c.text) })),
  };
}

/** The cell holding an offset of the note: the last cell starting at or before it (the gap after a cell is its end). */
function cellAtOffset(nb: JoinedNotebook, offset: number): JoinedCell | undefined {
  let found: JoinedCell | undefined;
  for (const c of nb.cells) {
    if (c.start <= offset) found = c;
    else break;
  }
  return found ?? nb.cells[0];
}

/** A position in a cell as a position in the note; null for a cell that is not one of the note's. */
export function toNotePosition(nb: JoinedNotebook, cellUri: string, position: Position): Position | null {
  const cell = nb.cells.find((c) => c.uri === cellUri);
  if (!cell) return null;
  return nb.lines.positionAt(cell.start + cell.lines.offsetAt(position));
}

/** A range in a cell as a range in the note (null for a cell that is not one of the note's). */
export function toNoteRange(nb: JoinedNotebook, cellUri: string, range: Range): Range | null {
  const start = toNotePosition(nb, cellUri, range.start);
  const end = toNotePosition(nb, cellUri, range.end);
  return start && end ? { start, end } : null;
}

/**
 * A range of the note as a range in the cell where it starts (a range running on past its cell's end — an
 * unclosed `$$` — is cut there); null when the notebook has no markdown cell.
 */
export function toCellRange(nb: JoinedNotebook, range: Range): { uri: string; range: Range } | null {
  const startOffset = nb.lines.offsetAt(range.start);
  const cell = cellAtOffset(nb, startOffset);
  if (!cell) return null;
  const local = (offset: number) => cell.lines.positionAt(Math.max(0, Math.min(offset, cell.end) - cell.start));
  const endOffset = Math.max(startOffset, nb.lines.offsetAt(range.end));
  return { uri: cell.uri, range: { start: local(startOffset), end: local(endOffset) } };
}

/** The note's diagnostics by cell: every cell of the note has an entry (empty ones clear what it showed). */
export function splitDiagnostics(nb: JoinedNotebook, diagnostics: readonly Diagnostic[]): Map<string, Diagnostic[]> {
  const out = new Map<string, Diagnostic[]>(nb.cells.map((c) => [c.uri, []]));
  for (const d of diagnostics) {
    const at = toCellRange(nb, d.range);
    if (at) out.get(at.uri)?.push({ ...d, range: at.range });
  }
  return out;
}

/** A hover answered on the note, for the cell it was asked in (its range only when it lies in that cell). */
export function toCellHover(nb: JoinedNotebook, cellUri: string, hover: Hover | null): Hover | null {
  if (!hover) return null;
  if (!hover.range) return hover;
  const at = toCellRange(nb, hover.range);
  const { range: _range, ...rest } = hover;
  return at && at.uri === cellUri ? { ...hover, range: at.range } : rest;
}

/** A workspace edit made on the note (its URI), as edits of the cells they fall in. */
export function toCellEdit(nb: JoinedNotebook, noteUri: string, edit: WorkspaceEdit): WorkspaceEdit {
  const edits = edit.changes?.[noteUri];
  if (!edits) return edit;
  const changes: Record<string, TextEdit[]> = {};
  for (const e of edits) {
    const at = toCellRange(nb, e.range);
    if (!at) continue;
    (changes[at.uri] ??= []).push({ range: at.range, newText: e.newText });
  }
  return { changes };
}

/**
 * Code actions asked in a cell, answered on the note: the request's range and diagnostics go to the note's
 * positions, the actions' edits come back to the cells and their diagnostics are the cell's own again.
 */
export function cellCodeActions(
  nb: JoinedNotebook,
  noteUri: string,
  params: CodeActionParams,
  ask: (params: CodeActionParams) => CodeAction[],
): CodeAction[] {
  const cellUri = params.textDocument.uri;
  const range = toNoteRange(nb, cellUri, params.range);
  if (!range) return [];
  const original = new Map<Diagnostic, Diagnostic>();
  const diagnostics: Diagnostic[] = [];
  for (const d of params.context?.diagnostics ?? []) {
    const r = toNoteRange(nb, cellUri, d.range);
    if (!r) continue;
    const mapped = { ...d, range: r };
    original.set(mapped, d);
    diagnostics.push(mapped);
  }
  const actions = ask({ ...params, textDocument: { uri: noteUri }, range, context: { ...params.context, diagnostics } });
  return actions.map((a) => ({
    ...a,
    ...(a.diagnostics ? { diagnostics: a.diagnostics.map((d) => original.get(d) ?? d) } : {}),
    ...(a.edit ? { edit: toCellEdit(nb, noteUri, a.edit) } : {}),
  }));
}

// ---- the open notebooks ----------------------------------------------------------------------------------------

/** What the bridge needs of the synchronised notebooks (vscode-languageserver's `NotebookDocuments` gives it). */
export interface NotebookSource {
  /** The notebook's cells in order, with their text documents' URIs and kinds (1: markup, 2: code). */
  cellsOf(notebookUri: string): { kind: number; document: string }[] | undefined;
  /** The notebook holding a cell. */
  notebookOf(cellUri: string): string | undefined;
  /** A cell's current text. */
  cellText(cellUri: string): string | undefined;
}

const MARKUP = 1;

export class NotebookBridge {
  /** Open notebooks: a version counted up on every change, and the note made of the cells at that version. */
  private readonly open = new Map<string, { version: number; joined?: JoinedNotebook }>();
  /** The cells each notebook last published diagnostics to (cleared when they leave the notebook or it closes). */
  private readonly published = new Map<string, Set<string>>();

  constructor(
    private readonly source: NotebookSource,
    private readonly send: (uri: string, diagnostics: Diagnostic[]) => void,
  ) {}

  opened(uri: string): void {
    this.open.set(uri, { version: 1 });
  }

  changed(uri: string): void {
    const nb = this.open.get(uri);
    if (nb) this.open.set(uri, { version: nb.version + 1 });
  }

  closed(uri: string): void {
    this.open.delete(uri);
  }

  /** The note of an open notebook, made of its markdown cells as they are now. */
  joined(uri: string): JoinedNotebook | undefined {
    const nb = this.open.get(uri);
    if (!nb) return undefined;
    if (!nb.joined) {
      const cells = (this.source.cellsOf(uri) ?? [])
        .filter((c) => c.kind === MARKUP)
        .map((c) => ({ uri: c.document, text: this.source.cellText(c.document) }))
        .filter((c): c is CellText => typeof c.text === 'string');
      nb.joined = joinNotebook(cells);
    }
    return nb.joined;
  }

  /** An open notebook as the document the service checks: its URI, Markdown, the joined markdown cells. */
  document(uri: string): DocLike | undefined {
    const nb = this.open.get(uri);
    if (!nb) return undefined;
    return { uri, languageId: 'markdown', version: nb.version, getText: () => this.joined(uri)?.text ?? '' };
  }

  /** The markdown cells of an open notebook. */
  cellUris(uri: string): string[] {
    return this.joined(uri)?.cells.map((c) => c.uri) ?? [];
  }

  /** The open notebook a cell belongs to (undefined for any other document). */
  notebookOfCell(cellUri: string): string | undefined {
    const nb = this.source.notebookOf(cellUri);
    return nb !== undefined && this.open.has(nb) ? nb : undefined;
  }

  /**
   * Publishes a note's diagnostics when the URI is a notebook's (open, or closing: then every cell is cleared):
   * each cell gets its own, cells that left the notebook are cleared. False for any other document.
   */
  publish(uri: string, diagnostics: Diagnostic[]): boolean {
    const before = this.published.get(uri);
    const nb = this.joined(uri);
    if (!nb) {
      if (!before) return false;
      for (const cell of before) this.send(cell, []);
      this.published.delete(uri);
      return true;
    }
    const split = splitDiagnostics(nb, diagnostics);
    for (const cell of before ?? []) if (!split.has(cell)) this.send(cell, []);
    for (const [cell, ds] of split) this.send(cell, ds);
    this.published.set(uri, new Set(split.keys()));
    return true;
  }

  /** A hover in a notebook's cell (undefined when the document is no such cell). */
  hover(cellUri: string, position: Position, ask: (noteUri: string, position: Position) => Hover | null): Hover | null | undefined {
    const noteUri = this.notebookOfCell(cellUri);
    const nb = noteUri && this.joined(noteUri);
    if (!noteUri || !nb) return undefined;
    const at = toNotePosition(nb, cellUri, position);
    return at ? toCellHover(nb, cellUri, ask(noteUri, at)) : null;
  }

  /** Code actions in a notebook's cell (undefined when the document is no such cell). */
  codeActions(params: CodeActionParams, ask: (params: CodeActionParams) => CodeAction[]): CodeAction[] | undefined {
    const noteUri = this.notebookOfCell(params.textDocument.uri);
    const nb = noteUri && this.joined(noteUri);
    if (!noteUri || !nb) return undefined;
    return cellCodeActions(nb, noteUri, params, ask);
  }
}
