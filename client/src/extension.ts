/**
 * The calcnotes VS Code client: starts the language server, tells it the colour theme, shows the active note's
 * counts in the status bar, and offers "Check All Notes in Workspace" and "Differentiate Selection". It also
 * extends the Markdown preview (see preview.ts). The contract with the server is server/src/lsp/protocol.ts.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type Middleware, type ServerOptions } from 'vscode-languageclient/node';
import {
  CHECK_TEXT_REQUEST,
  CONFIG_FILE_NAMES,
  DEFAULT_SETTINGS,
  DIFFERENTIATE_REQUEST,
  LATEX_WORKSHOP_ID,
  NOTE_FILE_EXTENSIONS,
  PREVIEW_MARKS_REQUEST,
  SERVER_EXEC_ARGV,
  STATUS_NOTIFICATION,
  THEME_NOTIFICATION,
  type CalcnotesInitOptions,
  type CheckTextParams,
  type CheckTextResult,
  type DifferentiateParams,
  type DifferentiateResult,
  type PreviewMarksParams,
  type PreviewMarksResult,
  type StatusParams,
  type ThemeParams,
} from '../../server/out/lsp/protocol';
import { PreviewMarkStore, calcnotesMarkdownIt, type MarkdownItLike } from './preview';

/** The language ids of the notes checked (server/src/lsp/fileKinds.ts reads the same); notebooks: NOTEBOOK_CELLS. */
const LANGUAGES = ['markdown', 'plaintext', 'quarto', 'rmd', 'latex'];
/** The markdown cells of Jupyter notebooks, synchronised as notebook documents (the server declares the same). */
const NOTEBOOK_CELLS = { notebook: 'jupyter-notebook', language: 'markdown' };


let client: LanguageClient | undefined;

export interface CalcnotesApi {
  extendMarkdownIt<T extends MarkdownItLike>(md: T): T;
}

/** With CALCNOTES_TRACE_FILE set (see server/src/lsp/trace.ts): a moment of the client's life in the timeline. */
function traceMoment(what: string): void {
  const file = process.env.CALCNOTES_TRACE_FILE;
  if (!file) return;
  try {
    fs.appendFileSync(file, `${new Date().toISOString()} client: ${what}\n`);
  } catch {
    // tracing never breaks the extension
  }
}

export function activate(context: vscode.ExtensionContext): CalcnotesApi {
  traceMoment('activate');
  const status = new StatusBar();
  context.subscriptions.push(status);
  // The preview's marks come from the server; the plugin itself must survive a server that does not start.
  const marks = new PreviewMarkStore(askPreviewMarks, refreshPreviews);
  let started: Promise<void> = Promise.resolve();
  try {
    const c = createClient(context);
    client = c;
    context.subscriptions.push(c, c.onNotification(STATUS_NOTIFICATION, (p: StatusParams) => status.update(p)));
    started = c.start().then(
      () => {
        traceMoment('language client started');
        sendTheme();
        refreshPreviews(); // a preview rendered before the server was up has no marks yet
      },
      (e: unknown) => void vscode.window.showErrorMessage(`calcnotes: the language server did not start: ${errorText(e)}`),
    );
  } catch (e) {
    void vscode.window.showErrorMessage(`calcnotes: the language server did not start: ${errorText(e)}`);
  }

  context.subscriptions.push(
    vscode.window.onDidChangeActiveColorTheme(() => sendTheme()),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (!e.affectsConfiguration('calcnotes') && !e.affectsConfiguration('markdown.math.macros')) return;
      marks.clear();
      refreshPreviews();
    }),
    vscode.commands.registerCommand('calcnotes.checkWorkspace', async () => {
      await started;
      await checkWorkspace();
    }),
    vscode.commands.registerCommand('calcnotes.differentiateSelection', async () => {
      await started;
      await differentiateSelection();
    }),
    // Code actions' commands: hide a false positive, or turn a code off, for the workspace (its settings).
    vscode.commands.registerCommand('calcnotes.hideClaim', (uri: unknown, latex: unknown) => addToSetting('hiddenClaims', uri, latex)),
    vscode.commands.registerCommand('calcnotes.disableCode', (uri: unknown, code: unknown) => addToSetting('disabledCodes', uri, code)),
  );

  return {
    extendMarkdownIt: (md) => calcnotesMarkdownIt(md, (src, env) => {
      const uri = previewUri(env);
      return uri === null ? null : marks.marksFor(uri, src);
    }),
  };
}

export async function deactivate(): Promise<void> {
  const c = client;
  client = undefined;
  if (c?.isRunning()) await c.stop();
}

function createClient(context: vscode.ExtensionContext): LanguageClient {
  // In the .vsix the server bundle sits next to this bundle (dist/server.js); from a build without bundling
  // (client/out), fall back to the compiled server.
  const candidates = [path.join(__dirname, 'server.js'), context.asAbsolutePath(path.join('server', 'out', 'server.js'))];
  const serverModule = candidates.find((p) => fs.existsSync(p)) ?? candidates[0];
  const serverOptions: ServerOptions = {
    run: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: [...SERVER_EXEC_ARGV] } },
    debug: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: [...SERVER_EXEC_ARGV, '--nolazy', '--inspect=6009'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      ...LANGUAGES.flatMap((language) => [
        { scheme: 'file', language },
        { scheme: 'untitled', language },
      ]),
      NOTEBOOK_CELLS,
    ],
    initializationOptions: { latexWorkshop: vscode.extensions.getExtension(LATEX_WORKSHOP_ID) !== undefined } satisfies CalcnotesInitOptions,
    synchronize: {
      // markdown.math.macros: the macros of VS Code's own Markdown preview, which the notes may use.
      configurationSection: ['calcnotes', 'markdown.math'],
      // The project configuration whose macros the server reads (server/src/config/projectMacros.ts).
      fileEvents: vscode.workspace.createFileSystemWatcher(`**/{${CONFIG_FILE_NAMES.join(',')}}`),
    },
  };
  if (process.env.CALCNOTES_TRACE_FILE) clientOptions.middleware = tracingMiddleware();
  return new LanguageClient('calcnotes', 'calcnotes', serverOptions, clientOptions);
}

/** When tracing: the moments a note is sent to the server and its diagnostics come back (the extension host's part). */
function tracingMiddleware(): Middleware {
  const name = (uri: vscode.Uri) => path.basename(uri.path);
  return {
    didOpen: (doc, next) => {
      traceMoment(`didOpen ${name(doc.uri)}`);
      return next(doc);
    },
    handleDiagnostics: (uri, diagnostics, next) => {
      traceMoment(`diagnostics ${name(uri)} (${diagnostics.length})`);
      next(uri, diagnostics);
    },
  };
}

function sendTheme(): void {
  if (!client?.isRunning()) return;
  void client.sendNotification(THEME_NOTIFICATION, themeParams(vscode.window.activeColorTheme.kind)).catch(() => undefined);
}

/** VS Code does not expose theme colour values, so the ink is a sensible foreground for the theme kind. */
export function themeParams(kind: vscode.ColorThemeKind): ThemeParams {
  switch (kind) {
    case vscode.ColorThemeKind.Light:
      return { kind: 'light', foreground: '#1f1f1f' };
    case vscode.ColorThemeKind.HighContrast:
      return { kind: 'highContrast', foreground: '#ffffff' };
    case vscode.ColorThemeKind.HighContrastLight:
      return { kind: 'highContrastLight', foreground: '#000000' };
    case vscode.ColorThemeKind.Dark:
    default:
      return { kind: 'dark', foreground: '#cccccc' };
  }
}

/**
 * `$(check) N $(error) N $(circle-outline) N` for the active note, named "calcnotes" in its tooltip; kept while the
 * Markdown preview of that note is focused (the preview is no text editor); hidden for other editors. Clicking it
 * opens the Problems view.
 */
class StatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('calcnotes.status', vscode.StatusBarAlignment.Left, 0);
  private readonly counts = new Map<string, StatusParams>();
  private readonly disposables: vscode.Disposable[];
  /** The note the item last showed: a preview of it keeps the item. */
  private lastNote: vscode.Uri | undefined;

  constructor() {
    this.item.name = 'calcnotes';
    this.item.command = 'workbench.actions.view.problems';
    this.disposables = [
      this.item,
      vscode.window.onDidChangeActiveTextEditor(() => this.render()),
      vscode.window.tabGroups.onDidChangeTabs(() => this.render()),
      vscode.window.tabGroups.onDidChangeTabGroups(() => this.render()),
      vscode.workspace.onDidCloseTextDocument((d) => this.counts.delete(d.uri.toString())),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('calcnotes')) this.render();
      }),
    ];
    this.render();
  }

  update(p: StatusParams): void {
    if (p.skipped) this.counts.delete(p.uri);
    else this.counts.set(p.uri, p);
    this.render();
  }

  /** The note whose counts to show: the active text editor's, or the one the focused Markdown preview shows. */
  private note(): vscode.Uri | undefined {
    const doc = vscode.window.activeTextEditor?.document;
    if (doc) return LANGUAGES.includes(doc.languageId) ? doc.uri : undefined;
    const tab = vscode.window.tabGroups.activeTabGroup.activeTab;
    const input = tab?.input;
    if (!(input instanceof vscode.TabInputWebview) || !/markdown\.preview/.test(input.viewType)) return undefined;
    // The preview's tab is labelled "Preview note.md": the last note shown, or an open note of that name.
    const name = tab!.label.replace(/^\[?Preview\]?\s*/, '');
    if (this.lastNote && path.basename(this.lastNote.path) === name) return this.lastNote;
    return vscode.workspace.textDocuments.find((d) => LANGUAGES.includes(d.languageId) && path.basename(d.uri.path) === name)?.uri;
  }

  private render(): void {
    const uri = this.note();
    const p = uri ? this.counts.get(uri.toString()) : undefined;
    if (!uri || !p || !vscode.workspace.getConfiguration('calcnotes', uri).get<boolean>('enable', true)) {
      this.item.hide();
      return;
    }
    this.lastNote = uri;
    const { text, tooltip, label } = statusTexts(p);
    this.item.text = text;
    this.item.tooltip = tooltip;
    this.item.accessibilityInformation = { label, role: 'button' };
    this.item.show();
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}

/** What the status item says for a note's counts: icons in the bar, words in the tooltip and for screen readers. */
export function statusTexts(p: StatusParams): { text: string; tooltip: string; label: string } {
  const label = `calcnotes: ${p.verified} verified, ${p.false} false, ${p.unchecked} not checked`;
  return {
    text: `$(check) ${p.verified} $(error) ${p.false} $(circle-outline) ${p.unchecked}`,
    tooltip:
      `${label}.\n\n"Not checked" claims are definitions, approximations and anything calcnotes could not read with ` +
      'certainty: they are neither right nor wrong (turn on calcnotes.showUnchecked to see them with the reason). ' +
      'Click to open the Problems view.',
    label,
  };
}

/**
 * Adds a value to a list setting of the workspace (of the user's settings when no folder is open); the server
 * checks the open notes again when the settings change.
 */
async function addToSetting(key: 'hiddenClaims' | 'disabledCodes', uri: unknown, value: unknown): Promise<void> {
  if (typeof value !== 'string' || !value.trim()) return;
  const scope = typeof uri === 'string' ? vscode.Uri.parse(uri) : undefined;
  const config = vscode.workspace.getConfiguration('calcnotes', scope);
  const target = vscode.workspace.workspaceFolders?.length ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
  const inspected = config.inspect<string[]>(key);
  const current = (target === vscode.ConfigurationTarget.Workspace ? inspected?.workspaceValue : inspected?.globalValue) ?? [];
  if (current.includes(value)) return;
  try {
    await config.update(key, [...current, value], target);
  } catch (e) {
    void vscode.window.showErrorMessage(`calcnotes: could not change calcnotes.${key}: ${errorText(e)}`);
    return;
  }
  const where = target === vscode.ConfigurationTarget.Workspace ? 'the workspace settings' : 'your user settings';
  void vscode.window.showInformationMessage(
    key === 'hiddenClaims' ? `calcnotes: the claim is hidden (calcnotes.hiddenClaims in ${where}).` : `calcnotes: '${value}' is turned off (calcnotes.disabledCodes in ${where}).`,
  );
}

async function checkWorkspace(): Promise<void> {
  const c = client;
  if (!c?.isRunning()) {
    void vscode.window.showErrorMessage('calcnotes: the language server is not running.');
    return;
  }
  // The notes the CLI finds in the same folder: no node_modules, no hidden folders or files.
  const uris = await vscode.workspace.findFiles(`**/*.{${NOTE_FILE_EXTENSIONS.join(',')}}`, '{**/node_modules/**,**/.*/**,**/.*}');
  if (uris.length === 0) {
    void vscode.window.showInformationMessage('calcnotes: no notes (.md, .markdown, .myst, .qmd, .Rmd, .tex, .txt, .ipynb) in this workspace.');
    return;
  }
  uris.sort((a, b) => a.toString().localeCompare(b.toString()));
  const total = { notes: 0, verified: 0, false: 0, unchecked: 0, failed: 0, skipped: 0 };
  const cancelled = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'calcnotes', cancellable: true },
    async (progress, token) => {
      const decoder = new TextDecoder('utf-8');
      for (let i = 0; i < uris.length; i++) {
        if (token.isCancellationRequested) return true;
        const uri = uris[i];
        progress.report({ message: `checking note ${i + 1} of ${uris.length}: ${vscode.workspace.asRelativePath(uri)}`, increment: 100 / uris.length });
        try {
          // An open note is checked as it is in the editor (the server already follows it).
          const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
          const text = open ? open.getText() : decoder.decode(await vscode.workspace.fs.readFile(uri));
          const params: CheckTextParams = { uri: uri.toString(), text };
          const r = await c.sendRequest<CheckTextResult>(CHECK_TEXT_REQUEST, params, token);
          if (r.skipped) {
            total.skipped++; // a plain-text file that is no math note, or an excluded file
            continue;
          }
          total.notes++;
          total.verified += r.verified;
          total.false += r.false;
          total.unchecked += r.unchecked;
        } catch (e) {
          if (token.isCancellationRequested) return true;
          total.failed++;
          c.outputChannel.appendLine(`calcnotes: could not check ${uri.toString()}: ${errorText(e)}`);
        }
      }
      return false;
    },
  );
  const claims = total.verified + total.false + total.unchecked;
  const parts = [
    cancelled ? `Stopped after ${total.notes} of ${uris.length} notes` : `${total.notes} ${total.notes === 1 ? 'note' : 'notes'}`,
    `${claims} claims: ${total.verified} verified, ${total.false} false, ${total.unchecked} not checked`,
  ];
  if (total.skipped) parts.push(`${total.skipped} ${total.skipped === 1 ? 'file' : 'files'} skipped (not math notes, or excluded)`);
  if (total.failed) parts.push(`${total.failed} could not be checked (see the calcnotes output)`);
  const message = `calcnotes: ${parts.join('; ')}.`;
  if (total.false > 0) {
    const open = 'Open Problems';
    if ((await vscode.window.showWarningMessage(message, open)) === open) {
      await vscode.commands.executeCommand('workbench.actions.view.problems');
    }
  } else {
    void vscode.window.showInformationMessage(message);
  }
}

async function differentiateSelection(): Promise<void> {
  const c = client;
  const editor = vscode.window.activeTextEditor;
  if (!editor || editor.selection.isEmpty) {
    void vscode.window.showInformationMessage('calcnotes: select a LaTeX expression to differentiate.');
    return;
  }
  if (!c?.isRunning()) {
    void vscode.window.showErrorMessage('calcnotes: the language server is not running.');
    return;
  }
  const doc = editor.document;
  const version = doc.version;
  const selection = editor.selection;
  const { latex, latexStart, insertAt } = selectedLatex(doc.getText(selection));
  if (!latex) {
    void vscode.window.showInformationMessage('calcnotes: select a LaTeX expression to differentiate.');
    return;
  }
  const variable = await vscode.window.showInputBox({
    title: 'calcnotes: Differentiate Selection',
    prompt: `Differentiate ${latex.length > 40 ? latex.slice(0, 40) + '…' : latex} with respect to`,
    value: guessVariable(latex),
    validateInput: (v) => (v.trim() ? undefined : 'Enter a variable, e.g. x or \\theta'),
  });
  if (variable === undefined) return;
  let result: DifferentiateResult;
  try {
    const params: DifferentiateParams = { latex, variable: variable.trim(), uri: doc.uri.toString() };
    result = await c.sendRequest<DifferentiateResult>(DIFFERENTIATE_REQUEST, params);
  } catch (e) {
    void vscode.window.showErrorMessage(`calcnotes: ${errorText(e)}`);
    return;
  }
  if ('error' in result) {
    // Prose or an equation selected, or what cannot be read: say so, change nothing.
    void vscode.window.showWarningMessage(`calcnotes: ${result.error}`);
    return;
  }
  if (doc.version !== version) {
    void vscode.window.showWarningMessage(`calcnotes: the note changed meanwhile; the derivative is ${result.latex}`);
    return;
  }
  const base = doc.offsetAt(selection.start);
  // The statement (d/dx of the selection = its derivative) takes the selection's place, inside its delimiters.
  const ok = result.statement
    ? await editor.edit((edit) => edit.replace(new vscode.Range(doc.positionAt(base + latexStart), doc.positionAt(base + insertAt)), result.statement!))
    : await editor.edit((edit) => edit.insert(doc.positionAt(base + insertAt), ` = ${result.latex}`));
  if (!ok) void vscode.window.showErrorMessage('calcnotes: could not insert the derivative.');
}

/** The variable to offer: x when the expression has one, else its only single letter (t, θ), else x. */
export function guessVariable(latex: string): string {
  const body = latex.replace(/\\(?:sin|cos|tan|exp|log|ln|frac|left|right|sqrt|cdot)\b/g, ' ');
  if (/(?:^|[^A-Za-z\\])x(?![A-Za-z])/.test(body)) return 'x';
  const letters = new Set(body.match(/\\(?:theta|phi|alpha|beta|lambda|mu|sigma|tau|omega)\b|(?<![A-Za-z\\])[a-z](?![A-Za-z])/g) ?? []);
  for (const l of ['e', 'd', 'i']) letters.delete(l);
  return letters.size === 1 ? [...letters][0] : 'x';
}

/**
 * The LaTeX of a selection and where it lies in the selection (`latexStart`…`insertAt`): inside the delimiters when
 * the selection includes `$…$`, `$$…$$`, `\(…\)` or `\[…\]`, so that the statement replacing it stays math.
 */
export function selectedLatex(text: string): { latex: string; latexStart: number; insertAt: number } {
  const trimmedEnd = text.replace(/\s+$/, '');
  for (const [open, close] of [['$$', '$$'], ['\\(', '\\)'], ['\\[', '\\]'], ['$', '$']]) {
    const body = trimmedEnd.trimStart();
    if (body.length > open.length + close.length && body.startsWith(open) && body.endsWith(close)) {
      const inner = body.slice(open.length, body.length - close.length);
      if (inner.includes(close)) break; // several formulas, e.g. `$a$ and $b$`
      const innerStart = trimmedEnd.length - body.length + open.length;
      const lead = inner.length - inner.trimStart().length;
      const innerEnd = trimmedEnd.length - close.length - (inner.length - inner.trimEnd().length);
      return { latex: inner.trim(), latexStart: innerStart + lead, insertAt: innerEnd };
    }
  }
  return { latex: text.trim(), latexStart: text.length - text.trimStart().length, insertAt: trimmedEnd.length };
}

/** The previewed note's URI ('' when the preview names none), or null when checking is off for it. */
function previewUri(env: unknown): string | null {
  const doc = (env as { currentDocument?: unknown } | undefined)?.currentDocument;
  const scope = doc instanceof vscode.Uri ? doc : undefined;
  const config = vscode.workspace.getConfiguration('calcnotes', scope);
  if (!config.get<boolean>('enable', DEFAULT_SETTINGS.enable)) return null;
  return scope ? scope.toString() : '';
}

/** Asks the language server for a text's preview marks; null when it is not running. */
function askPreviewMarks(params: PreviewMarksParams): Promise<PreviewMarksResult> | null {
  const c = client;
  if (!c?.isRunning()) return null;
  return c.sendRequest<PreviewMarksResult>(PREVIEW_MARKS_REQUEST, params);
}

/**
 * Renders the open Markdown previews again, with a new parse (the command empties the Markdown engine's parse
 * cache). Called on every answer, also with no preview open: a preview that opens later renders the cached parse,
 * and its refresh does not render again a document version it has shown — so the cache must not hold a parse made
 * before the answer came (tried: refreshing only with a preview open left it without marks in 5 of 14 e2e runs).
 */
function refreshPreviews(): void {
  void vscode.commands.executeCommand('markdown.preview.refresh').then(undefined, () => undefined);
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
