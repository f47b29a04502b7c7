/**
 * Jupyter notebooks in the editor (LSP notebook document synchronisation). The markdown cells of a notebook are
 * checked as ONE note, in cell order, joined as the CLI joins them (formats/notebook.ts `joinCells`), so a
 * definition in cell 2 holds in cell 5; code cells are not synchronised at all. The service checks that note
 * under the notebook's URI like any document; this module maps between the note and the cells, each its own text
 * document (`vscode-notebook-cell:…`): diagnostics are split into the cells they fall in, and hovers and code
 * actions asked in a cell are asked of the note and brought back.
 *
 * The mapping is the general one of a note made of stretches of several documents (lsp/stretches.ts, shared with
 * LaTeX documents and the files they `\input`): here each cell is one stretch. `NotebookBridge` keeps which
 * notebooks are open and which cells last got diagnostics.
 */
import type { CodeAction, CodeActionParams, Diagnostic, Hover, Position } from 'vscode-languageserver';
import { joinCells } from '../formats';
import type { DocLike } from './service';
import { documentCodeActions, joinedNote, placeOf, splitDiagnostics, toDocumentHover, toDocumentRange, toNotePosition, type JoinedNote, type Stretch } from './stretches';

export { splitDiagnostics, toNotePosition } from './stretches';

/** One markdown cell: its text document's URI and text. */
export interface CellText {
  uri: string;
  text: string;
}

/** A cell's stretch of the joined note (its whole text: `from` is 0). */
export type JoinedCell = Stretch;

/** A notebook's markdown cells as one note: each cell one stretch (`cells` and `stretches` are the same list). */
export interface JoinedNotebook extends JoinedNote {
  cells: JoinedCell[];
}

/** The cells joined as the CLI joins them (formats/notebook.ts `joinCells`). */
export function joinNotebook(cells: readonly CellText[]): JoinedNotebook {
  const { text, starts } = joinCells(cells.map((c) => c.text));
  const stretches = cells.map((c, i) => ({ uri: c.uri, start: starts[i], end: starts[i] + c.text.length, from: 0 }));
  const note = joinedNote(text, stretches, new Map(cells.map((c) => [c.uri, c.text])));
  return { ...note, cells: note.stretches };
}

/** A range of the note as a range in the cell where it starts (lsp/stretches.ts `toDocumentRange`). */
export const toCellRange = toDocumentRange;

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

  /**
   * A hover in a notebook's cell (undefined when the document is no such cell). `ask` answers on the joined note;
   * the place it names (where a symbol was defined) is counted in its cell: "line 2", or "line 2 of cell 3" for
   * another cell (numbered as the notebook shows them, code cells included).
   */
  hover(cellUri: string, position: Position, ask: (noteUri: string, position: Position, placeOf: (offset: number) => string) => Hover | null): Hover | null | undefined {
    const noteUri = this.notebookOfCell(cellUri);
    const nb = noteUri && this.joined(noteUri);
    if (!noteUri || !nb) return undefined;
    const at = toNotePosition(nb, cellUri, position);
    const cells = this.source.cellsOf(noteUri) ?? [];
    const cellName = (uri: string) => `cell ${cells.findIndex((c) => c.document === uri) + 1}`;
    return at ? toDocumentHover(nb, cellUri, ask(noteUri, at, (offset) => placeOf(nb, cellUri, offset, cellName))) : null;
  }

  /** Code actions in a notebook's cell (undefined when the document is no such cell). */
  codeActions(params: CodeActionParams, ask: (params: CodeActionParams) => CodeAction[]): CodeAction[] | undefined {
    const noteUri = this.notebookOfCell(params.textDocument.uri);
    const nb = noteUri && this.joined(noteUri);
    if (!noteUri || !nb) return undefined;
    return documentCodeActions(nb, noteUri, params, ask);
  }
}
