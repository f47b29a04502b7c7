/**
 * The language server's behaviour, without the connection: what happens when documents open and change (a
 * debounced check, stale results dropped), settings change, the theme changes, and what hovers, code actions and
 * the custom requests answer. server.ts only wires LSP events to these methods, so all of this is testable.
 *
 * Staleness: every scheduled check of a document takes a new generation number; a result that comes back for an
 * older generation is dropped (never published). Hover and code actions use the last finished report, with the
 * text it was made from, so they answer at once even while a long check runs in the worker.
 */
import * as path from 'path';
import { fileURLToPath, pathToFileURL } from 'url';
import type { CodeAction, CodeActionParams, Diagnostic, Hover, Position } from 'vscode-languageserver';
import { findProjectMacros } from '../config/projectMacros';
import * as fs from 'fs';
import { firstPartEnd, looksLikeMathNotes, summarize, type DocumentReport } from '../engine';
import { preambleOf, toNote } from '../formats';
import { LineMap } from '../scan/lines';
import { initMathJax, renderSvg, safeColor, DEFAULT_INK } from '../render/svg';
import { plotImageUri, warmUpPlots } from '../render/plotImage';
import type { CheckOutcome, Runner } from './checkRunner';
import { codeActions } from './codeActions';
import { checkFailedDiagnostic, toDiagnostics } from './diagnostics';
import { differentiate } from './differentiate';
import { hover } from './hover';
import { previewMarks } from './preview';
import { fileKindOf, formulaInHover, kindEnabled, noteFor } from './fileKinds';
import { LatexProjects, claimsIn, type TexUnit, type TexView } from './latexProjects';
import { documentCodeActions, placeOf, splitDiagnostics, toDocumentHover, toNotePosition } from './stretches';
import { matchesAny, modeFor } from './settings';
import { trace } from './trace';
import {
  DEFAULT_SETTINGS,
  DISABLE_NEXT_LINE_LATEX,
  type CalcnotesSettings,
  type CheckTextParams,
  type CheckTextResult,
  type DifferentiateParams,
  type DifferentiateResult,
  type PreviewMarksParams,
  type PreviewMarksResult,
  type StatusParams,
  type ThemeParams,
} from './protocol';

/**
 * A long note opened in the editor shows the problems of its first part first: a note of at least
 * `HEAD_MIN_CHARS` is checked up to the first section that starts after `HEAD_CHARS` characters, that is
 * published, and then the whole note. Sections are independent (engine.ts), so the first part's problems are those
 * the whole check finds there; the whole check finds the first part's sections in the worker's cache.
 */
const HEAD_MIN_CHARS = 32_000;
const HEAD_CHARS = 5_000;
/** How long the rest of a long note waits after its first part is published (ms). */
const HEAD_PAUSE_MS = 150;

/** Where a long note's first part ends (engine.ts firstPartEnd), or null when it is checked whole at once. */
export function headEnd(text: string): number | null {
  if (text.length < HEAD_MIN_CHARS) return null;
  const cut = firstPartEnd(text, HEAD_CHARS);
  return cut !== null && text.length - cut >= HEAD_CHARS ? cut : null;
}

/** How long the check of a closed LaTeX document is shared by its files asked about one after another (ms). */
const CLOSED_UNIT_MS = 60_000;

/** Plots of false claims drawn ahead of the first hover, per report, and the time each may take (ms). */
const PREDRAWN_PLOTS = 12;
const PREDRAW_BUDGET_MS = 200;

export interface DocLike {
  uri: string;
  languageId: string;
  version: number;
  getText(): string;
}

export interface ServiceDeps {
  getDocument(uri: string): DocLike | undefined;
  /** The settings for a resource (the server asks `workspace/configuration`, or uses defaults). */
  getSettings(uri: string): Promise<CalcnotesSettings>;
  publishDiagnostics(uri: string, diagnostics: Diagnostic[], version?: number): void;
  sendStatus(params: StatusParams): void;
  /** Errors. */
  log(message: string): void;
  /** Progress and other information (default: nowhere). */
  info?(message: string): void;
  runner: Runner;
  /** Delay after a change before checking. Default 150 ms. */
  debounceMs?: number;
  /**
   * The workspace folders (file-system paths): a note's project configuration is looked for from its folder up to
   * the workspace folder holding it, never above; for a note in none, in its own folder only. Without this
   * dependency no configuration is read.
   */
  workspaceFolders?(): string[];
  /** Whether LaTeX Workshop is installed in the editor (the client says so when it starts). Default false. */
  latexWorkshop?(): boolean;
}

interface Finished {
  text: string;
  version: number;
  report: DocumentReport;
  settings: CalcnotesSettings;
  /** The macros of the note's project configuration (TeX), for the hover's renderer. */
  preamble: string;
  /** For a LaTeX unit: the view checked (its files spliced; `text` is its text). */
  view?: TexView;
}

interface DocState {
  generation: number;
  /** The document version the latest check was scheduled for. */
  version?: number;
  timer?: NodeJS.Timeout;
  last?: Finished;
  /** Why the check of the latest version failed (cleared by the next check that succeeds). */
  failed?: string;
  /** Resolves when the check of the current generation has finished (or been dropped). */
  done?: Promise<void>;
  release?: () => void;
  /** A check is due or running (until `done` of the latest generation). */
  busy?: boolean;
  /** A long note's first part was checked on its own already (once per open: an edit is checked whole). */
  firstPart?: boolean;
}

/** A document's file name, for a hover's reader (`ch1.tex`). */
function fileName(uri: string): string {
  try {
    return path.basename(fileURLToPath(uri));
  } catch {
    return uri;
  }
}

export function statusOf(uri: string, report: Pick<DocumentReport, 'claims'>): StatusParams {
  const s = summarize([report]);
  return { uri, verified: s.verified, false: s.false, unchecked: s.unchecked };
}

export class CalcnotesService {
  private readonly docs = new Map<string, DocState>();
  private readonly settingsCache = new Map<string, Promise<CalcnotesSettings>>();
  /** The project macros by the note's folder (until a configuration file changes). */
  private readonly preambles = new Map<string, string>();
  /** Open LaTeX documents and the main documents they belong to (lsp/latexProjects.ts). */
  private readonly tex: LatexProjects;
  /** A regrouping of the LaTeX documents that is due (regroupSoon), and when it is done. */
  private regroup?: { timer: NodeJS.Timeout; done: Promise<void>; release: () => void };
  /** Warnings about configuration files already logged (each once until the files change). */
  private readonly warned = new Set<string>();
  private theme: ThemeParams = { kind: 'dark', foreground: DEFAULT_INK };
  private disposed = false;
  private previewVersion = 0;
  /**
   * Closed LaTeX documents checked for Check All Notes, by main document: the text checked and its outcome, so that
   * the main document and each of its chapters, asked one after another, share one check (for a short while).
   */
  private readonly closedUnits = new Map<string, { text: string; options: string; at: number; outcome: Promise<CheckOutcome> }>();
  /** Notes that "Check All Notes" checked: their problems stay when their editor closes. */
  private readonly workspaceChecked = new Set<string>();
  private readonly debounceMs: number;

  constructor(private readonly deps: ServiceDeps) {
    this.debounceMs = deps.debounceMs ?? 150;
    this.tex = new LatexProjects({ document: (uri) => deps.getDocument(uri), roots: () => deps.workspaceFolders?.() });
  }

  get ink(): string {
    return this.theme.foreground;
  }

  // ---- documents -------------------------------------------------------------------------------------------

  opened(uri: string): void {
    trace(uri, 'opened', true);
    // A LaTeX file may be a main document reading others, or a file one reads: then its unit is checked.
    if (this.tex.opened(uri)) {
      this.regroupTex();
      if (this.tex.unitOf(uri)) return;
    }
    this.schedule(uri, 0);
  }

  changed(uri: string): void {
    trace(uri, 'changed', true);
    if (this.tex.follows(uri)) {
      const what = this.tex.changed(uri);
      if (what === 'same') return;
      if (what === 'regroup') this.regroupSoon();
      const unit = this.tex.unitOf(uri);
      if (unit) {
        this.schedule(unit.uri, this.debounceMs);
        return;
      }
    }
    // TextDocuments reports an open as a change too: a version already scheduled is not checked twice.
    const st = this.docs.get(uri);
    const version = this.deps.getDocument(uri)?.version;
    if (st && version !== undefined && st.version === version) return;
    this.schedule(uri, this.debounceMs);
  }

  closed(uri: string): void {
    if (this.tex.follows(uri)) {
      const unit = this.tex.closed(uri);
      if (unit) {
        // Its diagnostics belong to the unit's check: kept while another file of the unit is open.
        this.regroupTex();
        this.settingsCache.delete(uri);
        return;
      }
    }
    this.dropState(uri); // an in-flight check finds no state and is dropped
    this.deps.runner.forget?.(`preview:${uri}`);
    this.settingsCache.delete(uri);
    // A note that "Check All Notes" checked keeps its problems: checked again as it is on disk (closing discards
    // unsaved edits). Any other note's problems go with its editor.
    this.clearClosed(uri);
  }

  /**
   * Makes the LaTeX units again (a LaTeX file opened or closed, the files one reads changed, the configuration
   * changed) and schedules what that changes: a unit new or changed is checked, a document that left its unit is
   * checked on its own, one that joined a unit no longer is, and what an ended unit published is cleared.
   */
  private regroupTex(): void {
    const { ended, left, joined, changed } = this.tex.regroup();
    const units = this.tex.all();
    const keys = new Set(units.map((u) => u.uri));
    for (const uri of joined) {
      if (keys.has(uri)) continue;
      this.dropState(uri); // a chapter's own check: its unit's check publishes for it now
    }
    for (const unit of ended) {
      if (!keys.has(unit.uri) && !this.deps.getDocument(unit.uri)) this.dropState(unit.uri);
      for (const uri of unit.published) if (this.tex.ownerOf(uri) === undefined) this.clearClosed(uri);
    }
    for (const uri of left) this.schedule(uri, 0);
    for (const unit of changed) this.schedule(unit.uri, 0);
  }

  /**
   * Regroups once typing pauses (a `\input{…}` being typed changes the files read at every key): what the
   * document reads is read again after the same delay as a check.
   */
  private regroupSoon(): void {
    const pending = this.regroup;
    if (pending) clearTimeout(pending.timer);
    let release = pending?.release ?? (() => undefined);
    const done = pending?.done ?? new Promise<void>((r) => (release = r));
    const timer = setTimeout(() => {
      this.regroup = undefined;
      try {
        if (!this.disposed) this.regroupTex();
      } finally {
        release();
      }
    }, this.debounceMs);
    this.regroup = { timer, done, release };
  }

  /** Forgets a check's state (its timer, its pending check, what the runner holds for it). */
  private dropState(key: string): void {
    const st = this.docs.get(key);
    if (st?.timer) clearTimeout(st.timer);
    st?.release?.();
    this.docs.delete(key);
    this.deps.runner.forget?.(key);
  }

  /** A closed document's diagnostics, no longer anyone's: checked again from disk after Check All Notes, else cleared. */
  private clearClosed(uri: string): void {
    if (this.workspaceChecked.has(uri) && !this.disposed) void this.recheckClosed(uri);
    else this.deps.publishDiagnostics(uri, []);
  }

  /** Publishes a unit's diagnostics to each file of its view (not to a file another check publishes for). */
  private publishUnit(unit: TexUnit, view: TexView | null, diagnostics: Diagnostic[]): void {
    const split = view ? splitDiagnostics(view, diagnostics) : new Map<string, Diagnostic[]>();
    const mine = (uri: string) => {
      const owner = this.tex.ownerOf(uri);
      return owner === undefined || owner === unit;
    };
    for (const uri of unit.published) if (!split.has(uri) && mine(uri)) this.clearClosed(uri);
    const published = new Set<string>();
    for (const [uri, ds] of split) {
      if (!mine(uri)) continue;
      published.add(uri);
      this.deps.publishDiagnostics(uri, ds);
    }
    unit.published = published;
  }

  /** Each open document of a unit gets its own counts (the claims written in it). */
  private sendUnitStatus(unit: TexUnit, view: TexView | null, report: DocumentReport | null, skipped = false): void {
    for (const uri of unit.members) {
      const claims = report && view ? claimsIn(view, uri, report.claims) : [];
      this.deps.sendStatus({ ...statusOf(uri, { claims }), ...(skipped ? { skipped } : {}) });
    }
  }

  /** Checks a closed note from disk and publishes its problems (nothing when it cannot be read or is open again). */
  private async recheckClosed(uri: string): Promise<void> {
    let text: string;
    try {
      text = fs.readFileSync(fileURLToPath(uri), 'utf8');
    } catch {
      this.deps.publishDiagnostics(uri, []);
      return;
    }
    try {
      await this.checkClosed(uri, text);
    } catch (e) {
      this.deps.log(`calcnotes: check of closed ${uri} failed: ${(e as Error)?.message ?? e}`);
    }
  }

  /**
   * Is this note checked at all? Never when it matches `calcnotes.exclude`; always when it matches
   * `calcnotes.include`; Markdown always; a plain-text file when it looks like math notes.
   */
  shouldCheck(uri: string, languageId: string | undefined, text: string, settings: CalcnotesSettings): boolean {
    const rel = this.relativePath(uri);
    if (rel !== null && settings.exclude.length && matchesAny(rel, settings.exclude)) return false;
    if (rel !== null && settings.include.length && matchesAny(rel, settings.include)) return true;
    return modeFor(uri, languageId) === 'markdown' || looksLikeMathNotes(text);
  }

  /** The note's path relative to the workspace folder holding it (`/`-separated), or its whole path; null if no file. */
  private relativePath(uri: string): string | null {
    if (!uri.startsWith('file:')) return null;
    let file: string;
    try {
      file = fileURLToPath(uri);
    } catch {
      return null;
    }
    const root = this.workspaceFolderOf(file);
    return (root ? path.relative(root, file) : file).split(path.sep).join('/');
  }

  /** A configuration file (`_config.yml`, `macros.json`, …) changed: read them again and check every open note. */
  configFilesChanged(): void {
    this.preambles.clear();
    this.closedUnits.clear();
    this.tex.forgetMains();
    this.warned.clear();
    this.regroupTex();
    for (const uri of this.docs.keys()) this.schedule(uri, 0);
  }

  /**
   * The macros the project's configuration defines for a note (TeX), read from its folder up to its workspace
   * folder; '' for a note that is not a file. Never throws; each broken file is logged once.
   */
  preambleFor(uri: string): string {
    if (!this.deps.workspaceFolders || !uri.startsWith('file:')) return '';
    let file: string;
    try {
      file = fileURLToPath(uri);
    } catch {
      return '';
    }
    const dir = path.dirname(file);
    let p = this.preambles.get(dir);
    if (p === undefined) {
      const root = this.workspaceFolderOf(dir) ?? dir;
      const found = findProjectMacros(file, { root });
      for (const w of found.warnings) {
        if (this.warned.has(w)) continue;
        this.warned.add(w);
        this.deps.log(`calcnotes: warning: ${w}`);
      }
      p = found.preamble;
      if (this.preambles.size > 500) this.preambles.clear();
      this.preambles.set(dir, p);
    }
    // A LaTeX chapter checked on its own (its main document's view does not read it): the main file's macros
    // apply to it too. (A chapter its main document reads is checked within that document, preamble and all.)
    const main = /\.tex$/i.test(file) ? this.mainTexMacros(file) : '';
    return main ? `${p}\n${main}` : p;
  }

  /** The preamble of a LaTeX chapter's main document (the one finder, LatexProjects.mainOf), or ''. */
  private mainTexMacros(file: string): string {
    const main = this.tex.mainOf(path.resolve(file));
    const tex = main ? this.tex.textOf(main) : null;
    return tex ? preambleOf(tex) : '';
  }

  /** Settings changed: forget cached settings and check every open document again. */
  settingsChanged(): void {
    this.settingsCache.clear();
    for (const uri of this.docs.keys()) this.schedule(uri, 0);
  }

  setTheme(params: ThemeParams): void {
    if (!params || typeof params !== 'object') return;
    const foreground = safeColor(typeof params.foreground === 'string' ? params.foreground : undefined);
    const kinds: ThemeParams['kind'][] = ['light', 'dark', 'highContrast', 'highContrastLight'];
    this.theme = { kind: kinds.includes(params.kind) ? params.kind : this.theme.kind, foreground };
  }

  /** The last finished check of an open document (for tests and the status of a document). */
  lastReport(uri: string): DocumentReport | undefined {
    return this.docs.get(this.checkKey(uri))?.last?.report;
  }

  /** Under which URI an open document is checked: its LaTeX unit's main document's, else its own. */
  private checkKey(uri: string): string {
    return this.tex.unitOf(uri)?.uri ?? uri;
  }

  /** Resolves once the document's latest scheduled check has finished (or been dropped). */
  async settled(uri: string): Promise<void> {
    if (this.regroup) await this.regroup.done;
    uri = this.checkKey(uri);
    for (;;) {
      const st = this.docs.get(uri);
      if (!st?.done) return;
      const gen = st.generation;
      await st.done;
      if (this.docs.get(uri)?.generation === gen && !this.docs.get(uri)?.timer) return;
    }
  }

  /** The workspace folder holding a file or folder (the deepest), or undefined. */
  private workspaceFolderOf(file: string): string | undefined {
    return this.tex.workspaceRootOf(file);
  }

  /**
   * A document's settings, asked once per workspace folder: VS Code resolves a resource's settings by its workspace
   * folder (user, workspace and folder settings; the client asks by URI, so no language overrides), so every note
   * of a folder has the same. Opening a note then costs no round trip to the editor, which is busy opening it.
   */
  private settingsFor(uri: string): Promise<CalcnotesSettings> {
    let key = uri;
    if (uri.startsWith('file:')) {
      try {
        key = this.workspaceFolderOf(fileURLToPath(uri)) ?? uri;
      } catch {
        // not a file path: asked for itself
      }
    }
    let p = this.settingsCache.get(key);
    if (!p) {
      if (this.settingsCache.size > 500) this.settingsCache.clear();
      p = this.deps.getSettings(uri).catch((e: unknown) => {
        this.deps.log(`calcnotes: cannot read settings for ${uri}: ${(e as Error)?.message ?? e}`);
        return DEFAULT_SETTINGS;
      });
      this.settingsCache.set(key, p);
    }
    return p;
  }

  private schedule(uri: string, delay: number): void {
    if (this.disposed) return;
    let st = this.docs.get(uri);
    if (!st) {
      st = { generation: 0 };
      this.docs.set(uri, st);
    }
    const state = st;
    state.generation++;
    state.version = this.deps.getDocument(uri)?.version;
    if (state.timer) {
      clearTimeout(state.timer);
      state.release?.(); // that check will never run
    }
    let release: () => void = () => undefined;
    const done = new Promise<void>((r) => (release = r));
    state.done = done;
    state.release = release;
    state.busy = true;
    void done.then(() => {
      if (state.done === done) state.busy = false;
    });
    state.timer = setTimeout(() => {
      state.timer = undefined;
      this.run(uri, state, state.generation)
        .catch((e: unknown) => this.deps.log(`calcnotes: check of ${uri} failed: ${(e as Error)?.stack ?? e}`))
        .finally(release);
    }, delay);
  }

  private isCurrent(uri: string, st: DocState, generation: number): boolean {
    return !this.disposed && this.docs.get(uri) === st && st.generation === generation;
  }

  private async run(uri: string, st: DocState, generation: number): Promise<void> {
    const unit = this.tex.unit(uri);
    if (unit) return this.runUnit(unit, st, generation);
    trace(uri, 'run');
    const settings = await this.settingsFor(uri);
    trace(uri, 'settings');
    if (!this.isCurrent(uri, st, generation)) return;
    const doc = this.deps.getDocument(uri);
    if (!doc) return;
    const kind = fileKindOf(uri, doc.languageId);
    if (!kindEnabled(settings, kind)) {
      st.last = undefined;
      this.deps.publishDiagnostics(uri, [], doc.version);
      this.deps.sendStatus({ uri, verified: 0, false: 0, unchecked: 0 });
      return;
    }
    const text = doc.getText();
    const version = doc.version;
    if (!this.shouldCheck(uri, doc.languageId, text, settings)) {
      st.last = undefined;
      this.deps.publishDiagnostics(uri, [], version);
      this.deps.sendStatus({ uri, verified: 0, false: 0, unchecked: 0, skipped: true });
      return;
    }
    const preamble = this.preambleFor(uri);
    // The kind's reading (LaTeX: comments blanked, same offsets); diagnostics and hovers stay on `text`.
    const note = noteFor(kind, text, settings, preamble);
    // The first check of a long Markdown note: its first part's problems first (what the editor shows at the top).
    // (Once per open: when the user types before the whole note's first check is done, the next check is whole.)
    const head = st.last === undefined && !st.firstPart && (note.options.mode ?? 'markdown') === 'markdown' ? headEnd(note.text) : null;
    if (head !== null) {
      st.firstPart = true;
      trace(uri, 'submit head');
      const first = await this.deps.runner.submit({ key: `${uri}\u0000head`, version: generation, text: note.text.slice(0, head), options: note.options });
      this.deps.runner.forget?.(`${uri}\u0000head`);
      if (!this.isCurrent(uri, st, generation)) return;
      if (first.status === 'done' && st.last === undefined) {
        const shown = toDiagnostics(first.report, new LineMap(text), settings);
        this.deps.publishDiagnostics(uri, shown, version);
        trace(uri, `published head (checked in ${first.ms} ms)`);
        // The rest waits a moment, so the editor shows these while no check competes with it for the processor
        // (its problems are further down the note, out of view; on two cores the whole check starting at once
        // delayed the first part's squiggles by 100–350 ms in the end-to-end run). Nothing to show: no wait.
        if (shown.length) {
          await new Promise((r) => setTimeout(r, HEAD_PAUSE_MS));
          if (!this.isCurrent(uri, st, generation)) return;
        }
      }
    }
    trace(uri, 'submit');
    const outcome = await this.deps.runner.submit({
      key: uri,
      version: generation,
      text: note.text,
      options: note.options,
    });
    if (outcome.status === 'failed') {
      this.deps.log(`calcnotes: check of ${uri} failed: ${outcome.error}`);
      if (!this.isCurrent(uri, st, generation)) return;
      // The user is told, on the note itself; its old diagnostics would sit on the wrong text.
      st.failed = outcome.error;
      this.deps.publishDiagnostics(uri, [checkFailedDiagnostic(outcome.error)], version);
      return;
    }
    if (outcome.status !== 'done' || !this.isCurrent(uri, st, generation)) return; // a newer version is coming
    st.failed = undefined;
    trace(uri, `checked (${outcome.report.claims.length} claims in ${outcome.ms} ms)`);
    st.last = { text, version, report: outcome.report, settings, preamble };
    this.deps.publishDiagnostics(uri, toDiagnostics(outcome.report, new LineMap(text), settings), version);
    this.deps.sendStatus(statusOf(uri, outcome.report));
    trace(uri, 'published');
    if (settings.plots !== false) this.predrawPlots(st, outcome.report);
  }

  /**
   * Checks a LaTeX unit: its main document with the files it reads spliced in, as one note under the main
   * document's URI; each file gets the diagnostics of its stretches, each open file its own counts.
   */
  private async runUnit(unit: TexUnit, st: DocState, generation: number): Promise<void> {
    const uri = unit.uri;
    const settings = await this.settingsFor(uri);
    if (!this.isCurrent(uri, st, generation)) return;
    const view = this.tex.view(unit);
    if (!view) {
      // The main document cannot be read any more (deleted): its files are checked as what they are now.
      st.last = undefined;
      this.publishUnit(unit, null, []);
      this.regroupTex();
      return;
    }
    if (!kindEnabled(settings, 'latex') || !this.shouldCheck(uri, 'latex', view.note, settings)) {
      st.last = undefined;
      this.publishUnit(unit, view, []);
      this.sendUnitStatus(unit, view, null, kindEnabled(settings, 'latex'));
      return;
    }
    const version = unit.version;
    const preamble = this.preambleFor(uri);
    const note = noteFor('latex', view.note, settings, preamble);
    const outcome = await this.deps.runner.submit({ key: uri, version: generation, text: note.text, options: note.options });
    if (outcome.status === 'failed') {
      this.deps.log(`calcnotes: check of ${uri} failed: ${outcome.error}`);
      if (!this.isCurrent(uri, st, generation)) return;
      st.failed = outcome.error;
      for (const member of unit.members) this.deps.publishDiagnostics(member, [checkFailedDiagnostic(outcome.error)]);
      return;
    }
    if (outcome.status !== 'done' || !this.isCurrent(uri, st, generation)) return;
    st.failed = undefined;
    st.last = { text: view.text, version, report: outcome.report, settings, preamble, view };
    this.publishUnit(unit, view, toDiagnostics(outcome.report, view.lines, settings));
    this.sendUnitStatus(unit, view, outcome.report);
    if (settings.plots !== false) this.predrawPlots(st, outcome.report);
  }

  /**
   * Draws the plots of the report's false claims while the editor is idle, one per turn of the event loop, so
   * that the first hover of a false claim finds its plot drawn (a cold plot on a busy machine can take longer
   * than a hover's own budget). Stops when a newer report replaces this one; at most PREDRAWN_PLOTS plots.
   */
  private predrawPlots(st: DocState, report: DocumentReport): void {
    const specs = report.claims.filter((c) => c.verdict === 'false' && c.plot).slice(0, PREDRAWN_PLOTS);
    const color = this.theme.foreground;
    const next = (i: number): void => {
      if (i >= specs.length || this.disposed || st.last?.report !== report) return;
      plotImageUri(specs[i].plot!, color, PREDRAW_BUDGET_MS);
      setImmediate(() => next(i + 1));
    };
    setImmediate(() => next(0));
  }

  // ---- requests ----------------------------------------------------------------------------------------------

  /** `placeOf` names where an offset of the note lies, when the note is joined from several documents (a notebook's cells). */
  hover(uri: string, position: Position, placeOfOffset?: (offset: number) => string): Hover | null {
    const unit = this.tex.unitOf(uri);
    if (unit) {
      // Asked in a file of a LaTeX unit: answered on the unit's note, as the files are now, and brought back.
      const last = this.docs.get(unit.uri)?.last;
      const view = this.tex.view(unit);
      const at = view && toNotePosition(view, uri, position);
      if (!last || !view || !at) return null;
      const answer = hover({
        ...this.hoverOf(last, 'latex'),
        text: view.text,
        lines: view.lines,
        position: at,
        placeOf: (offset) => placeOf(view, uri, offset, fileName),
      });
      return toDocumentHover(view, uri, answer);
    }
    const doc = this.deps.getDocument(uri);
    const last = this.docs.get(uri)?.last;
    if (!doc || !last) return null;
    return hover({ ...this.hoverOf(last, fileKindOf(uri, doc.languageId)), text: doc.getText(), position, ...(placeOfOffset ? { placeOf: placeOfOffset } : {}) });
  }

  /** What a hover takes from a finished check (the report, its text, the settings) and the theme. */
  private hoverOf(last: Finished, kind: Parameters<typeof formulaInHover>[1]) {
    return {
      report: last.report,
      reportText: last.text,
      color: this.theme.foreground,
      macros: last.settings.macros,
      preamble: last.preamble,
      plots: last.settings.plots,
      formula: formulaInHover(last.settings, kind, this.deps.latexWorkshop?.() ?? false),
    };
  }

  codeActions(params: CodeActionParams): CodeAction[] {
    const unit = this.tex.unitOf(params.textDocument.uri);
    if (unit) {
      const last = this.docs.get(unit.uri)?.last;
      const view = this.tex.view(unit);
      if (!last || !view) return [];
      return documentCodeActions(view, unit.uri, params, (q) =>
        codeActions({
          uri: unit.uri,
          text: view.text,
          report: last.report,
          reportText: last.text,
          diagnostics: q.context?.diagnostics ?? [],
          only: q.context?.only,
          disableNextLine: DISABLE_NEXT_LINE_LATEX,
        }),
      );
    }
    const uri = params.textDocument.uri;
    const doc = this.deps.getDocument(uri);
    const last = this.docs.get(uri)?.last;
    if (!doc || !last) return [];
    return codeActions({
      uri,
      text: doc.getText(),
      report: last.report,
      reportText: last.text,
      diagnostics: params.context?.diagnostics ?? [],
      only: params.context?.only,
      ...(fileKindOf(uri, doc.languageId) === 'latex' ? { disableNextLine: DISABLE_NEXT_LINE_LATEX } : {}),
    });
  }

  /** Check a note's text (a closed note, or an open one — then its editor text is what counts). */
  async checkText(params: CheckTextParams): Promise<CheckTextResult> {
    const uri = params?.uri;
    if (typeof uri !== 'string' || typeof params.text !== 'string') throw new Error('expected { uri, text } strings');
    this.workspaceChecked.add(uri);
    // A file of a LaTeX unit that is being checked (open, or read by an open document): its part of that check.
    const unit = fileKindOf(uri) === 'latex' ? this.tex.unitReading(uri) : undefined;
    if (unit) {
      if (this.docs.get(unit.uri)?.timer) this.schedule(unit.uri, 0);
      await this.settled(unit.uri);
      const now = this.docs.get(unit.uri);
      if (now?.failed) throw new Error(now.failed);
      const last = now?.last;
      return last?.view ? statusOf(uri, { claims: claimsIn(last.view, uri, last.report.claims) }) : { uri, verified: 0, false: 0, unchecked: 0, skipped: true };
    }
    if (this.deps.getDocument(uri) && this.docs.has(uri)) {
      const st = this.docs.get(uri) as DocState;
      if (st.timer) this.schedule(uri, 0);
      await this.settled(uri);
      const now = this.docs.get(uri);
      // A failed check is an error, never "nothing found".
      if (now?.failed) throw new Error(now.failed);
      const report = now?.last?.report;
      return report ? statusOf(uri, report) : { uri, verified: 0, false: 0, unchecked: 0, skipped: true };
    }
    return this.checkClosed(uri, params.text);
  }

  /** Checks a note that is not open (its text from disk) and publishes its problems, unless it was opened meanwhile. */
  private async checkClosed(uri: string, text: string): Promise<CheckTextResult> {
    const settings = await this.settingsFor(uri);
    if (!settings.enable) return { uri, verified: 0, false: 0, unchecked: 0 };
    const kind = fileKindOf(uri);
    if (!kindEnabled(settings, kind)) return { uri, verified: 0, false: 0, unchecked: 0, skipped: true };
    if (!this.shouldCheck(uri, undefined, text, settings)) {
      if (!this.docs.has(uri)) this.deps.publishDiagnostics(uri, []);
      return { uri, verified: 0, false: 0, unchecked: 0, skipped: true };
    }
    // A closed LaTeX file its main document reads (or a main document reading others): checked within that document.
    const view = kind === 'latex' ? this.tex.closedView(uri) : null;
    if (view) return this.checkClosedInView(uri, view, settings);
    // A closed notebook is its JSON: its markdown cells are the note (counted; its diagnostics need open cells).
    const read = kind === 'notebook' ? toNote('notebook', text) : noteFor(kind, text, settings, this.preambleFor(uri));
    if ('problem' in read) throw new Error(read.problem);
    const outcome = await this.deps.runner.submit({
      key: `closed:${uri}`,
      version: Date.now(),
      text: read.text,
      options: 'options' in read ? read.options : noteFor('markdown', read.text, settings, this.preambleFor(uri)).options,
      bulk: true,
    });
    if (outcome.status !== 'done') {
      throw new Error(outcome.status === 'failed' ? outcome.error : 'superseded by a newer check of the same note');
    }
    // The note may have been opened meanwhile: then its own check publishes.
    if (!this.docs.has(uri) && kind !== 'notebook') this.deps.publishDiagnostics(uri, toDiagnostics(outcome.report, new LineMap(text), settings));
    return statusOf(uri, outcome.report);
  }

  /** Checks a closed LaTeX file within its main document's view (from disk) and publishes its own diagnostics. */
  private async checkClosedInView(uri: string, view: TexView, settings: CalcnotesSettings): Promise<CheckTextResult> {
    const note = noteFor('latex', view.note, settings, this.preambleFor(pathToFileURL(view.main).toString()));
    const options = JSON.stringify(note.options);
    let shared = this.closedUnits.get(view.main);
    if (!shared || shared.text !== note.text || shared.options !== options || Date.now() - shared.at > CLOSED_UNIT_MS) {
      const outcome = this.deps.runner.submit({ key: `closed:${uri}`, version: Date.now(), text: note.text, options: note.options, bulk: true });
      shared = { text: note.text, options, at: Date.now(), outcome };
      this.closedUnits.delete(view.main);
      if (this.closedUnits.size >= 4) this.closedUnits.delete(this.closedUnits.keys().next().value as string);
      this.closedUnits.set(view.main, shared);
    }
    const outcome = await shared.outcome;
    if (outcome.status !== 'done' && this.closedUnits.get(view.main) === shared) this.closedUnits.delete(view.main);
    if (outcome.status !== 'done') {
      throw new Error(outcome.status === 'failed' ? outcome.error : 'superseded by a newer check of the same note');
    }
    // Opened meanwhile, or read by a unit being checked: that check publishes.
    if (!this.docs.has(uri) && this.tex.ownerOf(uri) === undefined && !this.tex.unitReading(uri)) {
      this.deps.publishDiagnostics(uri, splitDiagnostics(view, toDiagnostics(outcome.report, view.lines, settings)).get(uri) ?? []);
    }
    return statusOf(uri, { claims: claimsIn(view, uri, outcome.report.claims) });
  }

  /**
   * The Markdown preview's marks for a text. An open note whose editor text is the one previewed answers from its
   * own check (waiting for it when one is due); any other text is checked like a note with the same settings.
   * A request that names no note is answered by an open note with this very text when there is one: VS Code's
   * Markdown engine parses without naming the document (its parse environment is empty), for the preview and for
   * its own language server's symbols, folding and links, on opening a note and after each edit — checked apart,
   * each parse of a long note doubled the work of opening or editing it.
   */
  async previewMarks(params: PreviewMarksParams): Promise<PreviewMarksResult> {
    const text = params?.text;
    if (typeof text !== 'string') throw new Error('expected { uri, text } strings');
    const uri = typeof params?.uri === 'string' ? params.uri || this.openNoteWith(text) : '';
    const settings = await this.settingsFor(uri);
    const doc = uri ? this.deps.getDocument(uri) : undefined;
    const kind = fileKindOf(uri, doc?.languageId);
    if (!kindEnabled(settings, kind)) return { marks: [] };
    if (doc && this.docs.has(uri) && doc.getText() === text) {
      if (this.docs.get(uri)?.timer) this.schedule(uri, 0);
      await this.settled(uri);
      const last = this.docs.get(uri)?.last;
      if (last && last.text === text) return { marks: previewMarks(last.report, text) };
    }
    const key = `preview:${uri}`;
    const outcome = await this.deps.runner.submit({
      key,
      version: ++this.previewVersion,
      ...noteFor(kind, text, settings, this.preambleFor(uri)),
    });
    if (outcome.status === 'failed') throw new Error(outcome.error);
    // Superseded: a newer text of the same preview is being checked, and its answer is the one that counts.
    if (outcome.status !== 'done') return { marks: [] };
    return { marks: previewMarks(outcome.report, text) };
  }

  /** The URI of an open note whose editor text is `text`, or ''. */
  private openNoteWith(text: string): string {
    for (const uri of this.docs.keys()) {
      const held = this.deps.getDocument(uri)?.getText();
      if (held !== undefined && held.length === text.length && held === text) return uri;
    }
    return '';
  }

  /**
   * The derivative of a selection, read with the settings of the note it comes from (`\log` base, macros); with
   * no `uri`, the settings the client gives for no particular note.
   */
  async differentiate(params: DifferentiateParams): Promise<DifferentiateResult> {
    const uri = typeof params?.uri === 'string' ? params.uri : '';
    const settings = await this.settingsFor(uri);
    return differentiate(params, noteFor(fileKindOf(uri), '', settings, this.preambleFor(uri)).options, this.deps.getDocument(uri)?.getText());
  }

  /**
   * Warms the renderer (below) once the server is idle: after `delayMs`, when no check of an open note is due or
   * running; else after the pending checks have published (measured: warming first delayed the first diagnostics
   * of a fresh window by the ~0.3 s it takes on this thread). Until a first note has arrived it waits too, up to
   * `firstNoteMs`: the notes a window opens with come after the handshake, and on a busy machine more than
   * `delayMs` after it (an end-to-end trace: didOpen 630 ms after `initialized`, handled 340 ms late because
   * MathJax was loading).
   */
  warmUpWhenIdle(delayMs: number, firstNoteMs = 3000): void {
    const since = Date.now();
    const attempt = (tries: number): void => {
      if (this.disposed) return;
      if (this.docs.size === 0 && Date.now() - since < firstNoteMs) {
        setTimeout(() => attempt(tries), 100).unref?.();
        return;
      }
      const pending = [...this.docs.values()].filter((st) => st.busy).map((st) => st.done);
      if (pending.length && tries < 20) {
        void Promise.all(pending).then(() => setTimeout(() => attempt(tries + 1), 50).unref?.());
        return;
      }
      try {
        this.warmUp();
      } catch (e) {
        this.deps.log(`calcnotes: renderer warm-up failed: ${(e as Error)?.message ?? e}`);
      }
    };
    setTimeout(() => attempt(0), delayMs).unref?.();
  }

  /** Load MathJax and render once, and draw a plot once, so the first hover is fast. */
  warmUp(): void {
    if (this.disposed) return;
    const t0 = Date.now();
    if (initMathJax()) renderSvg('x^2', { color: this.theme.foreground });
    warmUpPlots(this.theme.foreground);
    this.deps.info?.(`calcnotes: renderer ready in ${Date.now() - t0} ms`);
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    if (this.regroup) {
      clearTimeout(this.regroup.timer);
      this.regroup.release();
    }
    for (const st of this.docs.values()) {
      if (st.timer) clearTimeout(st.timer);
      st.release?.();
    }
    this.docs.clear();
    await this.deps.runner.dispose();
  }
}
