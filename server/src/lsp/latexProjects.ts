/**
 * LaTeX documents in the editor with the files they `\input` or `\include`: a main document and its chapters are
 * checked as ONE note, the chapters spliced in where they are read (formats/latex.ts `expandInputs`, as the CLI
 * reads them), so a definition in chapter 1 holds in chapter 2. The note is checked under the main document's URI
 * whether or not the main document is open; its diagnostics go to the file each stretch comes from (lsp/stretches.ts,
 * the mapping notebooks use too), and hovers and code actions asked in any of its files are answered from it.
 *
 * A "unit" is a main document with at least one file it reads, and the open documents that belong to it: the main
 * document itself, or a chapter whose main document (config/projectMacros.ts `mainDocumentOf`, the one finder) reads
 * it. Files are read only inside the workspace folder holding the main document (its own folder when there is
 * none) — the rule of `texInputPath` —; the text of a file open in an editor is used instead of the disk's. A `.tex`
 * that reads nothing and that nothing reads belongs to no unit and is checked alone, as before.
 *
 * `LatexProjects` keeps the open LaTeX documents and their units; the service schedules and runs the checks.
 */
import * as fs from 'fs';
import * as path from 'path';
import { fileURLToPath, pathToFileURL } from 'url';
import { mainDocumentOf, texInputPath } from '../config/projectMacros';
import { expandInputs, inputsOf } from '../formats';
import { latexToNote } from '../formats/latex';
import { fileKindOf } from './fileKinds';
import { inDocument, joinedNote, type JoinedNote } from './stretches';

/** Largest file read from disk, and most bytes read from disk for one document's view. */
const MAX_TEX_BYTES = 4 * 1024 * 1024;
const MAX_VIEW_BYTES = 16 * 1024 * 1024;

/** A main document with the files it reads spliced in, as the editor's documents and the disk have them now. */
export interface TexView extends JoinedNote {
  /** The main document's path. */
  main: string;
  /** What the engine reads: each file blanked (formats/latex.ts `latexToNote`) and spliced; same offsets as `text`. */
  note: string;
  /** The files read, the main document first (paths). */
  files: string[];
}

/**
 * A main document's view: `read` gives a file's text (an editor's or the disk's) or null, `uriOf` the URI its
 * diagnostics go to, `root` the folder files must lie in. null when the main document cannot be read.
 */
export function texView(main: string, root: string, read: (file: string) => string | null, uriOf: (file: string) => string): TexView | null {
  const texts = new Map<string, string>();
  const readKept = (file: string): string | null => {
    const t = read(file);
    if (t !== null) texts.set(file, t);
    return t;
  };
  const mainText = readKept(main);
  if (mainText === null) return null;
  const dir = path.dirname(main);
  const expanded = expandInputs(main, mainText, (name) => texInputPath(dir, name, root), readKept);
  // The files' own text (what their editors show) at the places the engine reads their blanked text.
  const raw = expanded.pieces.map((p) => (texts.get(p.file) ?? '').slice(p.fileStart, p.fileStart + (p.end - p.start))).join('');
  const files = [main, ...new Set(expanded.included)];
  const stretches = expanded.pieces.map((p) => ({ uri: uriOf(p.file), start: p.start, end: p.end, from: p.fileStart }));
  const note = joinedNote(raw, stretches, new Map([...texts].map(([f, t]) => [uriOf(f), t])), files.map(uriOf));
  return { ...note, main, note: expanded.text, files };
}

/** A file's text from disk: a regular file within the size limits, else null. */
function readDisk(file: string, budget: { bytes: number }): string | null {
  try {
    const st = fs.statSync(file);
    if (!st.isFile() || st.size > MAX_TEX_BYTES || st.size > budget.bytes) return null;
    budget.bytes -= st.size;
    return fs.readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}

/** What the projects need of the editor: the open documents' texts and versions, and the workspace folders. */
export interface TexHost {
  document(uri: string): { getText(): string; version: number; languageId: string } | undefined;
  /** Workspace folders (paths); undefined when the server was given none to respect (then no unit is made). */
  roots(): string[] | undefined;
}

/** A main document with the files it reads, checked as one note under `uri`. */
export interface TexUnit {
  /** The main document's path, and the URI its note is checked under (its open document's when it is open). */
  main: string;
  uri: string;
  /** The open documents that belong to it (the main document and chapters). */
  members: Set<string>;
  /** Counted up on every change of a file of the unit. */
  version: number;
  /** The documents the last check published to. */
  published: Set<string>;
}

interface OpenTex {
  uri: string;
  file: string;
  version?: number;
  /** The `\input`/`\include` names of its text, one a line (a change of them regroups the units). */
  inputs: string;
}

/** What changed when the units were made again. */
export interface Regrouped {
  /** Units that are no more (or are checked under another URI now). */
  ended: TexUnit[];
  /** Open documents that belonged to a unit and now belong to none (checked alone again). */
  left: string[];
  /** Open documents that now belong to a unit and did not (or to another one). */
  joined: string[];
  /** Units to check again: new ones, and those whose open documents or text changed. */
  changed: TexUnit[];
}

export class LatexProjects {
  private readonly open = new Map<string, OpenTex>();
  private readonly byFile = new Map<string, string>();
  private units = new Map<string, TexUnit>();
  private readonly memberOf = new Map<string, TexUnit>();
  private readonly views = new Map<TexUnit, TexView | null>();
  /** Each file's main document (null: none), found once until the inputs of an open file or the configuration change. */
  private readonly mains = new Map<string, string | null>();

  constructor(private readonly host: TexHost) {}

  /** The file-system path of a `file:` URI, or null. */
  private static fileOf(uri: string): string | null {
    if (!uri.startsWith('file:')) return null;
    try {
      return path.resolve(fileURLToPath(uri));
    } catch {
      return null;
    }
  }

  /** Starts following an open document; false when it is no LaTeX file (Markdown and all else: nothing changes). */
  opened(uri: string): boolean {
    if (this.host.roots() === undefined) return false;
    const doc = this.host.document(uri);
    if (!doc || fileKindOf(uri, doc.languageId) !== 'latex') return false;
    const file = LatexProjects.fileOf(uri);
    if (!file) return false;
    const text = doc.getText();
    this.open.set(uri, { uri, file, version: doc.version, inputs: namesOf(text) });
    this.byFile.set(file, uri);
    return true;
  }

  /** Whether an open document is followed here (a LaTeX file). */
  follows(uri: string): boolean {
    return this.open.has(uri);
  }

  /**
   * An open document changed: 'same' when its version was seen already, 'regroup' when the files it reads changed
   * (then call regroup), 'member' when it belongs to a unit (now to be checked again), 'alone' otherwise.
   */
  changed(uri: string): 'same' | 'regroup' | 'member' | 'alone' {
    const o = this.open.get(uri);
    const doc = this.host.document(uri);
    if (!o || !doc) return 'alone';
    if (o.version === doc.version) return 'same';
    o.version = doc.version;
    const inputs = namesOf(doc.getText());
    const unit = this.memberOf.get(uri);
    if (unit) this.edited(unit);
    if (inputs !== o.inputs) {
      o.inputs = inputs;
      this.mains.clear();
      return 'regroup';
    }
    if (unit) return 'member';
    // A closed file's main document may be open: its view reads this one's text only when the unit holds it.
    return 'alone';
  }

  /** Stops following a closed document (call regroup when it belonged to a unit). */
  closed(uri: string): TexUnit | undefined {
    const o = this.open.get(uri);
    if (!o) return undefined;
    this.open.delete(uri);
    if (this.byFile.get(o.file) === uri) this.byFile.delete(o.file);
    const unit = this.memberOf.get(uri);
    if (unit) this.edited(unit); // its text is the disk's again
    return unit;
  }

  /** The configuration or the workspace folders changed: find main documents again. */
  forgetMains(): void {
    this.mains.clear();
  }

  /** The unit an open document belongs to. */
  unitOf(uri: string): TexUnit | undefined {
    return this.memberOf.get(uri);
  }

  /** A unit whose files include this document (open or not), as its view reads them now. */
  unitReading(uri: string): TexUnit | undefined {
    return this.memberOf.get(uri) ?? this.all().find((u) => this.view(u)?.uris.includes(uri));
  }

  /** The unit checked under a URI. */
  unit(key: string): TexUnit | undefined {
    for (const u of this.units.values()) if (u.uri === key) return u;
    return undefined;
  }

  /** The units now. */
  all(): TexUnit[] {
    return [...this.units.values()];
  }

  /** Who publishes a document's diagnostics: the unit it belongs to, 'alone' for an open document of no unit. */
  ownerOf(uri: string): TexUnit | 'alone' | undefined {
    return this.memberOf.get(uri) ?? (this.open.has(uri) ? 'alone' : undefined);
  }

  /** A file of the unit changed: its view is read again when next asked. */
  edited(unit: TexUnit): void {
    unit.version++;
    this.views.delete(unit);
  }

  /** The unit's view as the files are now (read once per change). */
  view(unit: TexUnit): TexView | null {
    let v = this.views.get(unit);
    if (v === undefined) {
      v = this.makeView(unit.main);
      this.views.set(unit, v);
    }
    return v;
  }

  /** The workspace folder holding a file (the deepest), or undefined. */
  workspaceRootOf(file: string): string | undefined {
    return (this.host.roots() ?? [])
      .filter((r) => {
        const rel = path.relative(r, file);
        return !rel.startsWith('..') && !path.isAbsolute(rel);
      })
      .sort((a, b) => b.length - a.length)[0];
  }

  /** A file's text: its editor's when it is open, else the disk's. */
  textOf(file: string, budget = { bytes: MAX_VIEW_BYTES }): string | null {
    const uri = this.byFile.get(file);
    const doc = uri !== undefined ? this.host.document(uri) : undefined;
    return doc ? doc.getText() : readDisk(file, budget);
  }

  /** The URI a file's diagnostics go to: its open document's, else its file URI. */
  uriOf(file: string): string {
    return this.byFile.get(file) ?? pathToFileURL(file).toString();
  }

  /** A file's main document (mainDocumentOf, open editors' texts first), remembered; null when none reads it. */
  mainOf(file: string): string | null {
    let m = this.mains.get(file);
    if (m === undefined) {
      const root = this.workspaceRootOf(file);
      m = mainDocumentOf(file, {
        ...(root !== undefined ? { root } : {}),
        text: (f) => {
          const uri = this.byFile.get(f);
          return uri !== undefined ? this.host.document(uri)?.getText() : undefined;
        },
      });
      if (this.mains.size > 500) this.mains.clear();
      this.mains.set(file, m);
    }
    return m;
  }

  /** A main document's view, read now; `alias` names the URI one file's diagnostics go to (the one asked about). */
  makeView(main: string, alias?: { file: string; uri: string }): TexView | null {
    const budget = { bytes: MAX_VIEW_BYTES };
    const uriOf = (f: string) => (alias && f === alias.file ? alias.uri : this.uriOf(f));
    return texView(main, this.workspaceRootOf(main) ?? path.dirname(main), (f) => this.textOf(f, budget), uriOf);
  }

  /**
   * The unit a closed file belongs to, read from disk as it would be if it were open: its main document's view
   * when that reads it (or it is itself a main document reading others), else null.
   */
  closedView(uri: string): TexView | null {
    if (this.host.roots() === undefined) return null;
    const file = LatexProjects.fileOf(uri);
    if (!file || fileKindOf(uri) !== 'latex') return null;
    const view = this.makeView(this.mainOf(file) ?? file, { file, uri });
    return view && view.files.length > 1 && view.files.includes(file) ? view : null;
  }

  /**
   * Makes the units again from the open LaTeX documents: each belongs to its main document's unit (itself when it
   * reads others), when that document's view reads it. Views are read afresh.
   */
  regroup(): Regrouped {
    const groups = new Map<string, OpenTex[]>();
    for (const o of this.open.values()) {
      const main = this.mainOf(o.file) ?? o.file;
      groups.set(main, [...(groups.get(main) ?? []), o]);
    }
    const next = new Map<string, TexUnit>();
    const changed: TexUnit[] = [];
    const before = new Map(this.memberOf);
    const views = new Map<TexUnit, TexView | null>();
    this.memberOf.clear();
    for (const [main, docs] of groups) {
      const view = this.makeView(main);
      if (!view || view.files.length < 2) continue;
      const members = docs.filter((o) => view.files.includes(o.file));
      if (!members.length) continue;
      const uri = this.uriOf(main);
      const old = this.units.get(main);
      const unit: TexUnit = old && old.uri === uri ? old : { main, uri, members: new Set(), version: 0, published: new Set() };
      const was = this.views.get(unit);
      const same = unit === old && was && was.text === view.text && members.length === unit.members.size && members.every((o) => unit.members.has(o.uri));
      if (!same) {
        unit.members = new Set(members.map((o) => o.uri));
        unit.version++;
        changed.push(unit);
      }
      next.set(main, unit);
      views.set(unit, view);
      for (const o of members) this.memberOf.set(o.uri, unit);
    }
    const ended = [...this.units.values()].filter((u) => next.get(u.main) !== u);
    this.units = next;
    this.views.clear();
    for (const [u, v] of views) this.views.set(u, v);
    const left = [...before.keys()].filter((uri) => this.open.has(uri) && !this.memberOf.has(uri));
    const joined = [...this.memberOf].filter(([uri, unit]) => before.get(uri) !== unit).map(([uri]) => uri);
    return { ended, left, joined, changed };
  }
}

/** The names a LaTeX text `\input`s or `\include`s, one a line. */
function namesOf(text: string): string {
  return /\\(?:input|include)/.test(text) ? inputsOf(latexToNote(text)).map((i) => i.name).join('\n') : '';
}

/** The claims of a report that lie in one document of the view (the status of that document). */
export function claimsIn<C extends { start: number }>(view: JoinedNote, uri: string, claims: readonly C[]): C[] {
  return claims.filter((c) => inDocument(view, uri, c.start));
}
