/**
 * Which kind of file an open document is (Markdown, Quarto, R Markdown, plain text, LaTeX, a notebook), whether
 * the settings check it, and how it reaches the engine: the note text and the options `formats/` gives that kind
 * (LaTeX: comments and verbatim blanked, same offsets, read as plain text without bare formulas). The language
 * server's documents all go through here, so the editor reads each kind as the CLI does.
 */
import type { EngineOptions } from '../engine';
import { toNote } from '../formats';
import { engineOptions } from './settings';
import type { CalcnotesSettings, FileKind } from './protocol';

/** VS Code language ids of the kinds (the client's document selector lists the same). */
const BY_LANGUAGE: ReadonlyMap<string, FileKind> = new Map([
  ['markdown', 'markdown'],
  ['quarto', 'quarto'],
  ['rmd', 'rmarkdown'],
  ['latex', 'latex'],
  ['tex', 'latex'],
  ['plaintext', 'text'],
]);

const BY_EXTENSION: ReadonlyMap<string, FileKind> = new Map([
  ['.md', 'markdown'],
  ['.markdown', 'markdown'],
  ['.myst', 'markdown'],
  ['.qmd', 'quarto'],
  ['.rmd', 'rmarkdown'],
  ['.txt', 'text'],
  ['.tex', 'latex'],
  ['.ipynb', 'notebook'],
]);

/**
 * The kind of a document: by its file name's extension when it has one of ours (a `.qmd` opened as plain text
 * because no Quarto extension is installed is still Quarto), else by its language id; 'markdown' otherwise.
 */
export function fileKindOf(uri: string, languageId?: string): FileKind {
  const path = uri.replace(/[?#].*$/, '');
  const ext = /\.[A-Za-z0-9]+$/.exec(path)?.[0].toLowerCase();
  const byExtension = ext ? BY_EXTENSION.get(ext) : undefined;
  if (byExtension) return byExtension;
  return (languageId && BY_LANGUAGE.get(languageId)) || 'markdown';
}

/** Whether the settings check documents of this kind. */
export function kindEnabled(settings: CalcnotesSettings, kind: FileKind): boolean {
  return settings.enable && settings.fileKinds?.[kind] !== false;
}

/** How the engine reads a document of this kind: the text it checks (same offsets) and its options. */
export function noteFor(
  kind: FileKind,
  text: string,
  settings: CalcnotesSettings,
  preamble = '',
): { text: string; options: EngineOptions } {
  // A notebook reaches here as its markdown cells already joined (lsp/notebooks.ts): Markdown.
  const note = toNote(kind === 'latex' ? 'latex' : kind === 'text' ? 'text' : 'markdown', text);
  if ('problem' in note) return { text, options: engineOptions(settings, 'markdown', preamble) }; // (only notebooks' JSON has problems)
  const options = engineOptions(settings, note.mode, preamble);
  if (!note.bareFormulas) options.bareFormulas = false;
  return { text: note.text, options };
}

/**
 * Whether a hover shows the rendered formula: always, but in LaTeX files where the setting says off, or says
 * 'auto' and LaTeX Workshop is installed (its hover previews the formula; ours then gives only the verdicts).
 */
export function formulaInHover(settings: CalcnotesSettings, kind: FileKind, latexWorkshop: boolean): boolean {
  if (kind !== 'latex') return true;
  const s = settings.latexFormulaHover ?? 'auto';
  return s === 'on' || (s === 'auto' && !latexWorkshop);
}
