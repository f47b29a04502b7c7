/**
 * Protocol-level test: drives the real language server (server/out/server.js) over stdio with vscode-jsonrpc,
 * as VS Code would. Every wait is bounded, so a broken server fails the test instead of hanging it.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as path from 'path';
import { checkDocument } from '../engine';
import { LineMap } from '../scan/lines';
import { CHECK_TEXT_REQUEST, CODE_FALSE_CLAIM, DIFFERENTIATE_REQUEST, STATUS_NOTIFICATION } from '../lsp/protocol';
import { startServer } from './stdioServer';

const TIMEOUT = 20_000;

interface Pos {
  line: number;
  character: number;
}
interface Rng {
  start: Pos;
  end: Pos;
}
interface Diag {
  range: Rng;
  message: string;
  code?: string;
  source?: string;
  severity?: number;
  data?: unknown;
}
interface PublishParams {
  uri: string;
  version?: number;
  diagnostics: Diag[];
}
interface TextEditLike {
  range: Rng;
  newText: string;
}
interface CodeActionLike {
  title: string;
  kind?: string;
  isPreferred?: boolean;
  edit?: { changes?: Record<string, TextEditLike[]> };
}

function withTimeout<T>(p: Promise<T>, what: string, ms = TIMEOUT): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

/** Collects notifications of one method and lets the test wait for the next one matching a predicate. */
class Inbox<T> {
  private readonly seen: T[] = [];
  private waiters: { pred: (x: T) => boolean; resolve: (x: T) => void }[] = [];
  push(x: T): void {
    const w = this.waiters.find((k) => k.pred(x));
    if (w) {
      this.waiters = this.waiters.filter((k) => k !== w);
      w.resolve(x);
    } else this.seen.push(x);
  }
  next(pred: (x: T) => boolean, what: string): Promise<T> {
    const i = this.seen.findIndex(pred);
    if (i >= 0) return Promise.resolve(this.seen.splice(i, 1)[0]);
    return withTimeout(new Promise<T>((resolve) => this.waiters.push({ pred, resolve })), what);
  }
}

function applyEdits(text: string, edits: TextEditLike[]): string {
  const lines = new LineMap(text);
  const sorted = [...edits].sort((a, b) => lines.offsetAt(b.range.start) - lines.offsetAt(a.range.start));
  let out = text;
  for (const e of sorted) out = out.slice(0, lines.offsetAt(e.range.start)) + e.newText + out.slice(lines.offsetAt(e.range.end));
  return out;
}

test('the language server over stdio: diagnostics, hover, quick fix, re-check, differentiate, shutdown', async (t) => {
  const server = startServer(t);
  const { proc, conn, exited } = server;
  const diagnostics = new Inbox<PublishParams>();
  const statuses = new Inbox<{ uri: string; verified: number; false: number; unchecked: number }>();
  const logs: string[] = [];
  conn.onNotification('textDocument/publishDiagnostics', (p: PublishParams) => diagnostics.push(p));
  conn.onNotification(STATUS_NOTIFICATION, (p: { uri: string; verified: number; false: number; unchecked: number }) => statuses.push(p));
  conn.onNotification('window/logMessage', (p: { message: string }) => logs.push(p.message));

  try {
    const init = await withTimeout(
      conn.sendRequest<{ capabilities: { hoverProvider?: boolean; codeActionProvider?: unknown } }>('initialize', {
        processId: process.pid,
        rootUri: null,
        capabilities: { workspace: { configuration: false } },
      }),
      'initialize',
    );
    assert.equal(init.capabilities.hoverProvider, true);
    assert.ok(init.capabilities.codeActionProvider);
    await conn.sendNotification('initialized', {});

    const uri = 'file:///tmp/calcnotes-lsp-test/quotient.md';
    const text = "The quotient rule: $(f/g)' = (f'g + fg')/g^2$.\n";
    await conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'markdown', version: 1, text } });

    // 1. Diagnostics: exactly the claim's characters on line 0.
    const first = await diagnostics.next((p) => p.uri === uri, 'the first publishDiagnostics');
    const falseDiags = first.diagnostics.filter((d) => d.code === CODE_FALSE_CLAIM);
    assert.equal(falseDiags.length, 1, JSON.stringify(first));
    const diag = falseDiags[0];
    const claimStart = text.indexOf("(f/g)'");
    const claimEnd = text.indexOf('$.', claimStart);
    assert.deepEqual(diag.range, { start: { line: 0, character: claimStart }, end: { line: 0, character: claimEnd } });
    assert.deepEqual(diag.range, { start: { line: 0, character: 20 }, end: { line: 0, character: 44 } });
    assert.match(diag.message, /is not/);
    assert.equal(diag.source, 'calcnotes');
    assert.equal(diag.severity, 1);
    const status = await statuses.next((s) => s.uri === uri, 'calcnotes/status');
    assert.deepEqual(status, { uri, verified: 0, false: 1, unchecked: 0 });

    // 2. Hover on the claim: the rendered formula and the verdict.
    const hover = await withTimeout(
      conn.sendRequest<{ contents: { kind: string; value: string } } | null>('textDocument/hover', {
        textDocument: { uri },
        position: { line: 0, character: 25 },
      }),
      'hover',
    );
    assert.ok(hover, 'a hover on the claim');
    assert.equal(hover.contents.kind, 'markdown');
    assert.ok(hover.contents.value.includes('data:image/svg+xml'), hover.contents.value.slice(0, 300));
    assert.match(hover.contents.value, /false/);
    const noHover = await withTimeout(
      conn.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 3 } }),
      'hover on prose',
    );
    assert.equal(noHover, null);

    // 3. Code actions: the quick fix replaces the right-hand side with the engine's expected LaTeX.
    const expected = checkDocument(text).claims.find((c) => c.verdict === 'false')?.expected;
    assert.ok(expected, 'the engine knows the expected right side');
    const actions = await withTimeout(
      conn.sendRequest<CodeActionLike[]>('textDocument/codeAction', {
        textDocument: { uri },
        range: diag.range,
        context: { diagnostics: [diag] },
      }),
      'code actions',
    );
    const fix = actions.find((a) => a.isPreferred);
    assert.ok(fix, `a preferred quick fix among ${JSON.stringify(actions.map((a) => a.title))}`);
    assert.equal(fix.kind, 'quickfix');
    const edits = fix.edit?.changes?.[uri];
    assert.ok(edits && edits.length === 1);
    assert.equal(edits[0].newText, expected);
    assert.deepEqual(edits[0].range, { start: { line: 0, character: text.indexOf("(f'g") }, end: { line: 0, character: claimEnd } });
    assert.ok(actions.some((a) => a.title === 'Ignore this claim'));

    // 4. Apply the fix, send the change: the next diagnostics have no false claim.
    const fixed = applyEdits(text, edits);
    assert.equal(fixed, `The quotient rule: $(f/g)' = ${expected}$.\n`);
    await conn.sendNotification('textDocument/didChange', {
      textDocument: { uri, version: 2 },
      contentChanges: [{ text: fixed }],
    });
    const second = await diagnostics.next((p) => p.uri === uri, 'publishDiagnostics after the fix');
    assert.deepEqual(second.diagnostics.filter((d) => d.code === CODE_FALSE_CLAIM), []);
    const status2 = await statuses.next((s) => s.uri === uri, 'calcnotes/status after the fix');
    assert.equal(status2.false, 0);
    assert.equal(status2.verified, 1);

    // 5. A closed note: checked on request, its diagnostics published.
    const closedUri = 'file:///tmp/calcnotes-lsp-test/closed.txt';
    const closedText = 'Chain rule check:\n\\frac{d}{dx} \\sin(x^2) = 2x\\cos(x^2)\n\\frac{d}{dx} x^3 = 2x^2\n';
    const counts = await withTimeout(
      conn.sendRequest<{ uri: string; verified: number; false: number; unchecked: number }>(CHECK_TEXT_REQUEST, { uri: closedUri, text: closedText }),
      'calcnotes/checkText',
    );
    assert.deepEqual(counts, { uri: closedUri, verified: 1, false: 1, unchecked: 0 });
    const closedDiags = await diagnostics.next((p) => p.uri === closedUri, 'diagnostics of the closed note');
    assert.equal(closedDiags.diagnostics.length, 1);
    assert.equal(closedDiags.diagnostics[0].range.start.line, 2);

    // 6. Differentiate.
    const d = await withTimeout(
      conn.sendRequest<{ latex?: string; error?: string }>(DIFFERENTIATE_REQUEST, { latex: '\\sin(x^2)', variable: 'x' }),
      'calcnotes/differentiate',
    );
    assert.deepEqual(d, { latex: '2x\\cos(x^2)', statement: '\\frac{d}{dx}\\sin(x^2) = 2x\\cos(x^2)' });
    const bad = await withTimeout(
      conn.sendRequest<{ latex?: string; error?: string }>(DIFFERENTIATE_REQUEST, { latex: '\\frac{', variable: 'x' }),
      'calcnotes/differentiate of bad LaTeX',
    );
    assert.ok(typeof bad.error === 'string' && bad.error.length > 0);

    // 7. Shutdown and exit: the process ends with code 0.
    await withTimeout(conn.sendRequest('shutdown'), 'shutdown');
    await conn.sendNotification('exit');
    const code = await withTimeout(exited, 'the server process to exit');
    assert.equal(code, 0);
  } catch (e) {
    (e as Error).message += `\n--- server stderr ---\n${server.stderr().slice(-3000)}\n--- server log ---\n${logs.slice(-20).join('\n')}`;
    throw e;
  }
});

test('the language server over stdio: per-resource settings from workspace/configuration, theme, configuration change', async (t) => {
  const server = startServer(t);
  const { proc, conn, exited } = server;
  const diagnostics = new Inbox<PublishParams>();
  conn.onNotification('textDocument/publishDiagnostics', (p: PublishParams) => diagnostics.push(p));
  const asked: { scopeUri?: string; section?: string }[] = [];
  let userSettings: Record<string, unknown> = { falseClaimSeverity: 'warning', showUnchecked: true };
  conn.onRequest('workspace/configuration', (p: { items: { scopeUri?: string; section?: string }[] }) => {
    asked.push(...p.items);
    return p.items.map(() => userSettings);
  });
  try {
    await withTimeout(conn.sendRequest('initialize', { processId: process.pid, rootUri: null, capabilities: { workspace: { configuration: true } } }), 'initialize');
    await conn.sendNotification('initialized', {});
    await conn.sendNotification('calcnotes/theme', { kind: 'light', foreground: '#0b1c2d' });

    const uri = 'file:///tmp/calcnotes-lsp-test/settings.md';
    const text = "$(f/g)' = (f'g + fg')/g^2$ and $\\frac{d}{dx} \\sum_i x_i = 1$\n";
    await conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'markdown', version: 1, text } });
    const first = await diagnostics.next((p) => p.uri === uri, 'diagnostics with user settings');
    assert.deepEqual(asked[0], { scopeUri: uri, section: 'calcnotes' });
    assert.deepEqual(
      first.diagnostics.map((d) => [d.code, d.severity]),
      [
        ['false-claim', 2],
        ['unchecked', 4],
      ],
    );

    const hover = await withTimeout(
      conn.sendRequest<{ contents: { value: string } }>('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 3 } }),
      'hover',
    );
    const m = /data:image\/svg\+xml;base64,([A-Za-z0-9+/=]+)/.exec(hover.contents.value);
    assert.ok(m);
    assert.ok(Buffer.from(m[1], 'base64').toString('utf8').includes('#0b1c2d'), 'the theme foreground is the ink');

    // Unchecked hints: "Ignore this claim" (an edit), hide it or turn its reason code off for the workspace (commands).
    const hint = first.diagnostics.find((d) => d.code === 'unchecked') as Diag;
    const actions = await withTimeout(
      conn.sendRequest<CodeActionLike[]>('textDocument/codeAction', { textDocument: { uri }, range: hint.range, context: { diagnostics: [hint] } }),
      'code actions for a hint',
    );
    assert.deepEqual(actions.map((a) => a.title), ['Ignore this claim', 'Hide this false positive in this workspace', "Turn off 'not-understood' in this workspace"]);
    assert.equal(actions[0].edit?.changes?.[uri]?.[0].newText, '<!-- calcnotes-disable-next-line -->\n');

    userSettings = { enable: true, falseClaimSeverity: 'hint', showUnchecked: false };
    await conn.sendNotification('workspace/didChangeConfiguration', { settings: null });
    const second = await diagnostics.next((p) => p.uri === uri, 'diagnostics after the settings changed');
    assert.deepEqual(second.diagnostics.map((d) => [d.code, d.severity]), [['false-claim', 4]]);

    userSettings = { enable: false };
    await conn.sendNotification('workspace/didChangeConfiguration', { settings: null });
    const third = await diagnostics.next((p) => p.uri === uri, 'diagnostics after disabling');
    assert.deepEqual(third.diagnostics, []);

    await withTimeout(conn.sendRequest('shutdown'), 'shutdown');
    await conn.sendNotification('exit');
    assert.equal(await withTimeout(exited, 'the server process to exit'), 0);
  } catch (e) {
    (e as Error).message += `\n--- server stderr ---\n${server.stderr().slice(-3000)}`;
    throw e;
  }
});
