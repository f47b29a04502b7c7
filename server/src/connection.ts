/**
 * The calcnotes language server: thin glue between the LSP connection (stdio, node-ipc or socket, from the
 * command line) and CalcnotesService (lsp/service.ts), where the behaviour lives. The entry, server.ts, has
 * started the checker's worker thread (lsp/earlyWorker.ts) before loading this file; the runner takes it.
 */
import { fileURLToPath } from 'url';
import {
  CodeActionKind,
  DidChangeConfigurationNotification,
  ErrorCodes,
  NotebookDocuments,
  ProposedFeatures,
  ResponseError,
  TextDocumentSyncKind,
  TextDocuments,
  createConnection,
  type Diagnostic,
  type InitializeParams,
  type InitializeResult,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { CheckRunner } from './lsp/checkRunner';
import type { EarlyWorker } from './lsp/earlyWorker';
import { NotebookBridge } from './lsp/notebooks';
import { CalcnotesService } from './lsp/service';
import { mergeSettings } from './lsp/settings';
import { traceMoment } from './lsp/trace';
import {
  CHECK_TEXT_REQUEST,
  DEFAULT_SETTINGS,
  DIFFERENTIATE_REQUEST,
  PREVIEW_MARKS_REQUEST,
  STATUS_NOTIFICATION,
  THEME_NOTIFICATION,
  type CalcnotesInitOptions,
  type CalcnotesSettings,
  type CheckTextParams,
  type CheckTextResult,
  type DifferentiateParams,
  type DifferentiateResult,
  type PreviewMarksParams,
  type PreviewMarksResult,
  type StatusParams,
  type ThemeParams,
} from './lsp/protocol';

export interface ServerStart {
  /** The checker's script (worker.ts; dist/worker.js in the .vsix). */
  workerScript: string;
  /** The worker the entry started on it, if it could. */
  started?: EarlyWorker;
}

/** Listens on the connection the command line names until the client exits. */
export function startServer({ workerScript, started }: ServerStart): void {
  const connection = createConnection(ProposedFeatures.all);
  const documents = new TextDocuments(TextDocument);
  // Jupyter notebooks: their markdown cells, synchronised as notebook documents, checked as one note (lsp/notebooks.ts).
  const notebooks = new NotebookDocuments(TextDocument);
  const sendDiagnostics = (uri: string, diagnostics: Diagnostic[], version?: number) =>
    void connection.sendDiagnostics({ uri, diagnostics, version }).catch(() => undefined);
  const bridge = new NotebookBridge(
    {
      cellsOf: (uri) => notebooks.getNotebookDocument(uri)?.cells,
      notebookOf: (cell) => notebooks.findNotebookDocumentForCell(cell)?.uri,
      cellText: (cell) => notebooks.cellTextDocuments.get(cell)?.getText(),
    },
    (uri, diagnostics) => sendDiagnostics(uri, diagnostics),
  );
  let latexWorkshop = false;
  let configurationSupported = false;
  let dynamicConfigurationRegistration = false;
  let workspaceFoldersSupported = false;
  /** Settings pushed with didChangeConfiguration, for clients without `workspace/configuration`. */
  let pushedSettings: CalcnotesSettings = mergeSettings(DEFAULT_SETTINGS);
  /** The workspace folders as file-system paths (where a note's project configuration is looked for). */
  let folders: string[] = [];
  const toPaths = (uris: (string | undefined)[]) =>
    uris.flatMap((u) => {
      try {
        return u?.startsWith('file:') ? [fileURLToPath(u)] : [];
      } catch {
        return [];
      }
    });

  const log = (message: string) => {
    try {
      connection.console.error(message);
    } catch {
      // the connection is gone
    }
  };

  const info = (message: string) => {
    try {
      connection.console.log(message);
    } catch {
      // the connection is gone
    }
  };

  const runner = new CheckRunner({ workerScript, started, log: info });
  const service = new CalcnotesService({
    getDocument: (uri) => documents.get(uri) ?? bridge.document(uri),
    getSettings: async (uri) => {
      if (!configurationSupported) return pushedSettings;
      // VS Code's own preview macros (markdown.math.macros) too; calcnotes.macros wins over them.
      const scopeUri = uri || undefined;
      const [raw, markdownMacros] = (await connection.workspace.getConfiguration([
        { scopeUri, section: 'calcnotes' },
        { scopeUri, section: 'markdown.math.macros' },
      ])) as unknown[];
      return mergeSettings(raw, markdownMacros);
    },
    workspaceFolders: () => folders,
    publishDiagnostics: (uri, diagnostics, version) => {
      if (!bridge.publish(uri, diagnostics)) sendDiagnostics(uri, diagnostics, version);
    },
    sendStatus: (params: StatusParams) => {
      // A notebook's counts are each of its markdown cells' (the status bar follows the active cell's editor).
      for (const uri of bridge.document(params.uri) ? bridge.cellUris(params.uri) : [params.uri]) {
        void connection.sendNotification(STATUS_NOTIFICATION, { ...params, uri }).catch(() => undefined);
      }
    },
    latexWorkshop: () => latexWorkshop,
    log,
    info,
    runner,
  });

  /** Runs a handler; an exception is logged, never thrown into the connection. */
  function guard<T>(what: string, fallback: T, f: () => T): T {
    try {
      return f();
    } catch (e) {
      log(`calcnotes: ${what} failed: ${(e as Error)?.stack ?? e}`);
      return fallback;
    }
  }

  connection.onInitialize((params: InitializeParams): InitializeResult => {
    traceMoment('initialize');
    // The runner takes the worker the entry started (or starts one now): it loads while the client finishes the
    // handshake and opens its notes, and what befalls it from here on is the runner's to handle.
    guard('worker start', undefined, () => runner.prestart());
    const caps = params.capabilities;
    latexWorkshop = (params.initializationOptions as CalcnotesInitOptions | undefined)?.latexWorkshop === true;
    configurationSupported = !!caps.workspace?.configuration;
    folders = toPaths(params.workspaceFolders?.length ? params.workspaceFolders.map((f) => f.uri) : [params.rootUri ?? undefined]);
    workspaceFoldersSupported = !!caps.workspace?.workspaceFolders;
    dynamicConfigurationRegistration = !!caps.workspace?.didChangeConfiguration?.dynamicRegistration;
    return {
      capabilities: {
        textDocumentSync: TextDocumentSyncKind.Incremental,
        notebookDocumentSync: { notebookSelector: [{ notebook: { notebookType: 'jupyter-notebook' }, cells: [{ language: 'markdown' }] }] },
        hoverProvider: true,
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
        workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
      },
      serverInfo: { name: 'calcnotes' },
    };
  });

  connection.onInitialized(() => {
    traceMoment('initialized');
    if (dynamicConfigurationRegistration) {
      void connection.client.register(DidChangeConfigurationNotification.type, { section: 'calcnotes' }).catch(() => undefined);
    }
    if (workspaceFoldersSupported) {
      connection.workspace.onDidChangeWorkspaceFolders((e) =>
        guard('workspace folders', undefined, () => {
          const removed = new Set(toPaths(e.removed.map((f) => f.uri)));
          folders = [...folders.filter((f) => !removed.has(f)), ...toPaths(e.added.map((f) => f.uri))];
          service.configFilesChanged();
        }),
      );
    }
    // Take MathJax's start-up cost (~0.3 s of this thread) before the first hover, not during it — and not before
    // the first diagnostics either: it waits until the notes opened with the window are checked and published.
    service.warmUpWhenIdle(300);
  });

  connection.onDidChangeConfiguration((change) =>
    guard('configuration change', undefined, () => {
      const pushed = change?.settings as { calcnotes?: unknown; markdown?: { math?: { macros?: unknown } } } | undefined;
      if (pushed?.calcnotes !== undefined) pushedSettings = mergeSettings(pushed.calcnotes, pushed.markdown?.math?.macros);
      service.settingsChanged();
    }),
  );

  // The client watches the project configuration files (client/src/extension.ts): read them again.
  connection.onDidChangeWatchedFiles(() => guard('watched files', undefined, () => service.configFilesChanged()));

  documents.onDidOpen((e) => guard('open', undefined, () => service.opened(e.document.uri)));
  documents.onDidChangeContent((e) => guard('change', undefined, () => service.changed(e.document.uri)));
  documents.onDidClose((e) => guard('close', undefined, () => service.closed(e.document.uri)));

  notebooks.onDidOpen((nb) => guard('notebook open', undefined, () => (bridge.opened(nb.uri), service.opened(nb.uri))));
  notebooks.onDidChange((e) => guard('notebook change', undefined, () => (bridge.changed(e.notebookDocument.uri), service.changed(e.notebookDocument.uri))));
  notebooks.onDidClose((nb) => guard('notebook close', undefined, () => (bridge.closed(nb.uri), service.closed(nb.uri))));

  connection.onHover((p) =>
    guard('hover', null, () => bridge.hover(p.textDocument.uri, p.position, (uri, at, place) => service.hover(uri, at, place)) ?? service.hover(p.textDocument.uri, p.position)),
  );
  connection.onCodeAction((p) => guard('code actions', [], () => bridge.codeActions(p, (q) => service.codeActions(q)) ?? service.codeActions(p)));

  connection.onNotification(THEME_NOTIFICATION, (p: ThemeParams) => guard('theme', undefined, () => service.setTheme(p)));

  connection.onRequest(CHECK_TEXT_REQUEST, async (p: CheckTextParams): Promise<CheckTextResult> => {
    try {
      return await service.checkText(p);
    } catch (e) {
      log(`calcnotes: checkText failed: ${(e as Error)?.stack ?? e}`);
      // An error, never a success with zero claims: the client counts the note as not checked and says why.
      throw new ResponseError(ErrorCodes.InternalError, `the note was not checked: ${(e as Error)?.message ?? String(e)}`);
    }
  });

  connection.onRequest(PREVIEW_MARKS_REQUEST, async (p: PreviewMarksParams): Promise<PreviewMarksResult> => {
    try {
      return await service.previewMarks(p);
    } catch (e) {
      log(`calcnotes: previewMarks failed: ${(e as Error)?.stack ?? e}`);
      return { marks: [] };
    }
  });

  connection.onRequest(DIFFERENTIATE_REQUEST, async (p: DifferentiateParams): Promise<DifferentiateResult> => {
    try {
      return await service.differentiate(p);
    } catch (e) {
      log(`calcnotes: differentiate failed: ${(e as Error)?.stack ?? e}`);
      return { error: 'internal error' };
    }
  });

  connection.onShutdown(async () => {
    try {
      await service.dispose();
    } catch (e) {
      log(`calcnotes: shutdown: ${(e as Error)?.message ?? e}`);
    }
  });

  process.on('uncaughtException', (e) => log(`calcnotes: uncaught exception: ${e?.stack ?? e}`));
  process.on('unhandledRejection', (e) => log(`calcnotes: unhandled rejection: ${(e as Error)?.stack ?? e}`));

  documents.listen(connection);
  notebooks.listen(connection);
  connection.listen();
}
