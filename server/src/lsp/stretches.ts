/**
 * A note made of stretches of several documents, and the mapping between the note and those documents: a
 * notebook's markdown cells joined (lsp/notebooks.ts), a LaTeX document with the files it `\input`s spliced in
 * (lsp/latexProjects.ts). The service checks the note as one document; diagnostics are split into the documents
 * they fall in, and hovers and code actions asked in a document are asked of the note and brought back.
 *
 * Pure: no connection, no file system. Positions in the note are those of `lines`; in a document, those of its own
 * text (`Stretch.lines`), so a position goes to the note and back through offsets only.
 */
import type { CodeAction, CodeActionParams, Diagnostic, Hover, Position, Range, TextEdit, WorkspaceEdit } from 'vscode-languageserver';
import { LineMap } from '../scan/lines';

/** One stretch of the note: a piece of one document's text. */
export interface Stretch {
  /** The document's URI. */
  uri: string;
  /** Offsets of the stretch in the note. */
  start: number;
  end: number;
  /** Where the stretch starts in its document's text (0 for a notebook cell, which is one stretch). */
  from: number;
  /** The lines of the document's whole text (one LineMap shared by the stretches of a document). */
  lines: LineMap;
}

export interface JoinedNote {
  text: string;
  lines: LineMap;
  /** In the note's order, without overlaps; what lies between two stretches counts as the end of the first. */
  stretches: Stretch[];
  /** Every document of the note, those with no stretch (an empty file) too, in order of first appearance. */
  uris: string[];
}

/**
 * The note `text` with the stretches its joiner made (in order; `uri`, offsets in the note, `from` in the
 * document), and each document's whole text (`documents`, for its lines). `uris`: the documents in order, those
 * without a stretch too (default: those of the stretches).
 */
export function joinedNote(
  text: string,
  stretches: readonly Omit<Stretch, 'lines'>[],
  documents: ReadonlyMap<string, string>,
  uris: readonly string[] = [],
): JoinedNote {
  const lineMaps = new Map<string, LineMap>();
  const linesOf = (uri: string) => {
    let lm = lineMaps.get(uri);
    if (!lm) lineMaps.set(uri, (lm = new LineMap(documents.get(uri) ?? '')));
    return lm;
  };
  return {
    text,
    lines: new LineMap(text),
    stretches: stretches.map((s) => ({ uri: s.uri, start: s.start, end: s.end, from: s.from, lines: linesOf(s.uri) })),
    uris: [...new Set([...stretches.map((s) => s.uri), ...uris])],
  };
}

/** The stretch holding an offset of the note: the last one starting at or before it (the first for none). */
export function stretchAt(note: JoinedNote, offset: number): Stretch | undefined {
  let found: Stretch | undefined;
  for (const s of note.stretches) {
    if (s.start <= offset) found = s;
    else break;
  }
  return found ?? note.stretches[0];
}

/**
 * An offset of a document as an offset of the note: in the stretch of that document holding it, else at the end of
 * the last of its stretches before it (a LaTeX `\input{…}` command, replaced by what it reads); null for a document
 * that is not one of the note's.
 */
function noteOffset(note: JoinedNote, uri: string, docOffset: number): number | null {
  let before: Stretch | undefined;
  let first: Stretch | undefined;
  for (const s of note.stretches) {
    if (s.uri !== uri) continue;
    first ??= s;
    if (s.from <= docOffset && docOffset < s.from + (s.end - s.start)) return s.start + docOffset - s.from;
    if (s.from <= docOffset) before = s;
  }
  if (before) return before.start + Math.min(docOffset - before.from, before.end - before.start);
  return first ? first.start : null;
}

/** A position in a document as a position in the note; null for a document that is not one of the note's. */
export function toNotePosition(note: JoinedNote, uri: string, position: Position): Position | null {
  const lines = note.stretches.find((s) => s.uri === uri)?.lines;
  if (!lines) return null;
  const at = noteOffset(note, uri, lines.offsetAt(position));
  return at === null ? null : note.lines.positionAt(at);
}

/** A range in a document as a range in the note (null for a document that is not one of the note's). */
export function toNoteRange(note: JoinedNote, uri: string, range: Range): Range | null {
  const start = toNotePosition(note, uri, range.start);
  const end = toNotePosition(note, uri, range.end);
  return start && end ? { start, end } : null;
}

/**
 * A range of the note as a range in the document where it starts (a range running on past its stretch's end — an
 * unclosed `$$` — is cut there); null when the note has no stretch.
 */
export function toDocumentRange(note: JoinedNote, range: Range): { uri: string; range: Range } | null {
  const startOffset = note.lines.offsetAt(range.start);
  const s = stretchAt(note, startOffset);
  if (!s) return null;
  const local = (offset: number) => s.lines.positionAt(s.from + Math.max(0, Math.min(offset, s.end) - s.start));
  const endOffset = Math.max(startOffset, note.lines.offsetAt(range.end));
  return { uri: s.uri, range: { start: local(startOffset), end: local(endOffset) } };
}

/** The note's diagnostics by document: every document of the note has an entry (empty ones clear what it showed). */
export function splitDiagnostics(note: JoinedNote, diagnostics: readonly Diagnostic[]): Map<string, Diagnostic[]> {
  const out = new Map<string, Diagnostic[]>(note.uris.map((u) => [u, []]));
  for (const d of diagnostics) {
    const at = toDocumentRange(note, d.range);
    if (at) out.get(at.uri)?.push({ ...d, range: at.range });
  }
  return out;
}

/** A hover answered on the note, for the document it was asked in (its range only when it lies in that document). */
export function toDocumentHover(note: JoinedNote, uri: string, hover: Hover | null): Hover | null {
  if (!hover) return null;
  if (!hover.range) return hover;
  const at = toDocumentRange(note, hover.range);
  const { range: _range, ...rest } = hover;
  return at && at.uri === uri ? { ...hover, range: at.range } : rest;
}

/** A workspace edit made on the note (its URI), as edits of the documents they fall in. */
export function toDocumentEdit(note: JoinedNote, noteUri: string, edit: WorkspaceEdit): WorkspaceEdit {
  const edits = edit.changes?.[noteUri];
  if (!edits) return edit;
  const changes: Record<string, TextEdit[]> = {};
  for (const e of edits) {
    const at = toDocumentRange(note, e.range);
    if (!at) continue;
    (changes[at.uri] ??= []).push({ range: at.range, newText: e.newText });
  }
  return { changes };
}

/**
 * Code actions asked in a document, answered on the note: the request's range and diagnostics go to the note's
 * positions, the actions' edits come back to the documents and their diagnostics are the document's own again.
 */
export function documentCodeActions(
  note: JoinedNote,
  noteUri: string,
  params: CodeActionParams,
  ask: (params: CodeActionParams) => CodeAction[],
): CodeAction[] {
  const uri = params.textDocument.uri;
  const range = toNoteRange(note, uri, params.range);
  if (!range) return [];
  const original = new Map<Diagnostic, Diagnostic>();
  const diagnostics: Diagnostic[] = [];
  for (const d of params.context?.diagnostics ?? []) {
    const r = toNoteRange(note, uri, d.range);
    if (!r) continue;
    const mapped = { ...d, range: r };
    original.set(mapped, d);
    diagnostics.push(mapped);
  }
  const actions = ask({ ...params, textDocument: { uri: noteUri }, range, context: { ...params.context, diagnostics } });
  return actions.map((a) => ({
    ...a,
    ...(a.diagnostics ? { diagnostics: a.diagnostics.map((d) => original.get(d) ?? d) } : {}),
    ...(a.edit ? { edit: toDocumentEdit(note, noteUri, a.edit) } : {}),
  }));
}

/** Whether an offset of the note lies in a stretch of this document. */
export function inDocument(note: JoinedNote, uri: string, offset: number): boolean {
  return stretchAt(note, offset)?.uri === uri;
}

/**
 * Where an offset of the note is, said to a reader of one of its documents: `line N` of that document, or
 * `line N of <name>` in another (`name` gives a document's name, e.g. its file name).
 */
export function placeOf(note: JoinedNote, uri: string, offset: number, name: (uri: string) => string): string {
  const s = stretchAt(note, offset);
  if (!s) return `line ${note.lines.positionAt(offset).line + 1}`;
  const line = s.lines.positionAt(s.from + Math.max(0, Math.min(offset, s.end) - s.start)).line + 1;
  return s.uri === uri ? `line ${line}` : `line ${line} of ${name(s.uri)}`;
}
