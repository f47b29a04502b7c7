/**
 * Load test against the real language server over stdio (server/out/server.js): several notes open, a storm of
 * thousands of small didChange edits (bounded in count and in time) with pauses that let checks start and be
 * overtaken, interleaved with hovers, code actions and cancelled requests (`$/cancelRequest`). Afterwards, once
 * the server is quiet, the diagnostics it last published for each note must equal a fresh `checkDocument` of the
 * note's final text (same ranges, codes and messages), and no request may have failed other than by being
 * cancelled. The figures (edits per second, hover latency under load) are printed, never asserted.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as path from 'path';
import { CancellationTokenSource, ResponseError } from 'vscode-jsonrpc/node';
import { checkDocument, warmUp } from '../engine';
import { LineMap } from '../scan/lines';
import { toDiagnostics } from '../lsp/diagnostics';
import { engineOptions, mergeSettings } from '../lsp/settings';
import { generateNote, seededRng, int, pick, type Rng } from '../testing/notes';
import { startServer } from './stdioServer';

/** The storm stops after this many edits or this many milliseconds, whichever comes first. */
const MAX_EDITS = Number(process.env.CALCNOTES_LOAD_EDITS) || 3000;
const STORM_MS = Number(process.env.CALCNOTES_LOAD_MS) || 12_000;
const NOTES = 4;
const REQUEST_CANCELLED = -32800;

interface Pos {
  line: number;
  character: number;
}
interface Diag {
  range: { start: Pos; end: Pos };
  message: string;
  code?: string | number;
  severity?: number;
}
interface PublishParams {
  uri: string;
  version?: number;
  diagnostics: Diag[];
}

function withTimeout<T>(p: Promise<T>, what: string, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

const EDIT_CHARS = ['0', '1', '2', '3', '7', 'x', 'y', '+', '-', '\\', '{', '}', '(', ')', '$', ' ', '\n', '^', '_', '=', "'", 'a'];

/** A random small edit of `text`: [start, end, new text]. Half of them land just inside a formula. */
function randomEdit(text: string, rng: Rng): [number, number, string] {
  let at = Math.floor(rng() * (text.length + 1));
  if (rng() < 0.5) {
    const dollar = text.indexOf('$', at);
    if (dollar >= 0) at = Math.min(text.length, dollar + int(rng, 1, 6));
  }
  const kind = rng();
  if (kind < 0.4) return [at, Math.min(text.length, at + 1), pick(rng, EDIT_CHARS)];
  if (kind < 0.7) return [at, at, Array.from({ length: int(rng, 1, 3) }, () => pick(rng, EDIT_CHARS)).join('')];
  return [at, Math.min(text.length, at + int(rng, 1, 3)), ''];
}

function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)] : NaN;
}

test('load: a storm of edits, hovers and cancellations on several open notes; the final diagnostics equal a fresh check', async (t) => {
  const server = startServer(t);
  const { proc, conn, exited } = server;
  const last = new Map<string, PublishParams>();
  const versionWaiters: { uri: string; version: number; resolve: () => void }[] = [];
  conn.onNotification('textDocument/publishDiagnostics', (p: PublishParams) => {
    last.set(p.uri, p);
    for (const w of versionWaiters.filter((x) => x.uri === p.uri && p.version !== undefined && p.version >= x.version)) {
      versionWaiters.splice(versionWaiters.indexOf(w), 1);
      w.resolve();
    }
  });
  const logs: string[] = [];
  conn.onNotification('window/logMessage', (p: { type: number; message: string }) => logs.push(p.message));
  conn.onNotification('calcnotes/status', () => undefined);
  const published = (uri: string, version: number, what: string) =>
    withTimeout(
      new Promise<void>((resolve) => {
        const p = last.get(uri);
        if (p && p.version !== undefined && p.version >= version) resolve();
        else versionWaiters.push({ uri, version, resolve });
      }),
      what,
      30_000,
    );

  try {
    await withTimeout(conn.sendRequest('initialize', { processId: process.pid, rootUri: null, capabilities: {} }), 'initialize', 20_000);
    await conn.sendNotification('initialized', {});

    const rng = seededRng(4242);
    const docs = Array.from({ length: NOTES }, (_, i) => ({
      uri: `file:///load/note-${i + 1}.md`,
      text: generateNote(100 + i, { lines: 300 }).text,
      version: 1,
    }));
    for (const d of docs) await conn.sendNotification('textDocument/didOpen', { textDocument: { uri: d.uri, languageId: 'markdown', version: 1, text: d.text } });
    for (const d of docs) await published(d.uri, 1, `the first diagnostics of ${d.uri}`);

    // ---- the storm -------------------------------------------------------------------------------------------
    const pending: Promise<void>[] = [];
    const failures: string[] = [];
    const hoverMs: number[] = [];
    let cancelled = 0;
    let cancelsSent = 0;
    let answered = 0;
    const request = (method: string, params: unknown, cancel: boolean) => {
      const source = new CancellationTokenSource();
      const t0 = Date.now();
      const p = conn.sendRequest(method, params, source.token).then(
        () => {
          answered++;
          if (method === 'textDocument/hover' && !cancel) hoverMs.push(Date.now() - t0);
        },
        (e: unknown) => {
          if (e instanceof ResponseError && e.code === REQUEST_CANCELLED) cancelled++;
          else failures.push(`${method}: ${e instanceof ResponseError ? `${e.code} ${e.message}` : String(e)}`);
        },
      );
      // Cancelled at once (the request may still wait in the server's queue) or a moment later (it may be answered).
      if (cancel) cancelsSent++;
      if (cancel && rng() < 0.5) source.cancel();
      else if (cancel) setTimeout(() => source.cancel(), int(rng, 0, 3));
      pending.push(p);
    };

    const start = Date.now();
    let edits = 0;
    while (edits < MAX_EDITS && Date.now() - start < STORM_MS) {
      const d = pick(rng, docs);
      const [a, b, insert] = randomEdit(d.text, rng);
      const lines = new LineMap(d.text);
      const range = { start: lines.positionAt(a), end: lines.positionAt(b) };
      d.text = d.text.slice(0, a) + insert + d.text.slice(b);
      d.version++;
      await conn.sendNotification('textDocument/didChange', { textDocument: { uri: d.uri, version: d.version }, contentChanges: [{ range, text: insert }] });
      edits++;
      const r = rng();
      const position = new LineMap(d.text).positionAt(Math.floor(rng() * d.text.length));
      if (r < 0.08) request('textDocument/hover', { textDocument: { uri: d.uri }, position }, false);
      else if (r < 0.12) request('textDocument/hover', { textDocument: { uri: d.uri }, position }, true);
      else if (r < 0.14) request('textDocument/codeAction', { textDocument: { uri: d.uri }, range: { start: position, end: position }, context: { diagnostics: [] } }, rng() < 0.5);
      else if (r < 0.15) request('calcnotes/differentiate', { latex: d.text.slice(a, a + 40), variable: 'x' }, rng() < 0.5);
      // Bursts and pauses: a pause longer than the server's 150 ms debounce lets a check start, and the next
      // burst overtakes it.
      if (edits % 40 === 0) await sleep(pick(rng, [0, 5, 20, 60, 180, 250]));
      else if (edits % 5 === 0) await new Promise((res) => setImmediate(res));
    }
    const stormMs = Date.now() - start;
    await withTimeout(Promise.all(pending), 'the answers to the requests made during the storm', 30_000);

    // ---- quiescence: each note's last version checked and published, then nothing more ------------------------
    for (const d of docs) await published(d.uri, d.version, `the diagnostics of ${d.uri} version ${d.version}`);
    await sleep(600);
    for (const d of docs) assert.equal(last.get(d.uri)?.version, d.version, `${d.uri}: nothing published after the last version`);

    // A last hover on each note answers normally once the server is quiet.
    for (const d of docs) {
      const at = d.text.indexOf('$');
      if (at >= 0) await withTimeout(conn.sendRequest('textDocument/hover', { textDocument: { uri: d.uri }, position: new LineMap(d.text).positionAt(at + 1) }), 'a hover after the storm', 10_000);
    }

    // ---- the final diagnostics equal a fresh check --------------------------------------------------------------
    const settings = mergeSettings(undefined);
    let compared = 0;
    for (const d of docs) {
      const fresh = toDiagnostics(checkDocument(d.text, engineOptions(settings, 'markdown')), new LineMap(d.text), settings);
      const norm = (xs: Diag[]) => xs.map((x) => ({ range: x.range, code: x.code, severity: x.severity, message: x.message }));
      assert.deepEqual(norm(last.get(d.uri)?.diagnostics ?? []), norm(fresh as Diag[]), `${d.uri}: the server's final diagnostics are a fresh check's`);
      compared += fresh.length;
    }

    assert.deepEqual(failures, [], 'no request failed other than by cancellation');
    const problems = logs.filter((m) => /uncaught|unhandled|failed/i.test(m));
    assert.deepEqual(problems, [], 'the server logged no failure');

    console.log(
      `# load: ${edits} edits on ${NOTES} notes in ${(stormMs / 1000).toFixed(1)} s (${Math.round(edits / (stormMs / 1000))} edits/s); ` +
        `${hoverMs.length} hovers under load: median ${quantile(hoverMs, 0.5)} ms, p95 ${quantile(hoverMs, 0.95)} ms, max ${Math.max(...hoverMs)} ms; ` +
        `${answered} requests answered, ${cancelsSent} $/cancelRequest sent (${cancelled} answered as cancelled); ${compared} final diagnostics compared`,
    );

    await withTimeout(conn.sendRequest('shutdown'), 'shutdown', 10_000);
    await conn.sendNotification('exit');
    assert.equal(await withTimeout(exited, 'the server process to exit', 10_000), 0);
  } catch (e) {
    (e as Error).message += `\n--- server stderr ---\n${server.stderr().slice(-3000)}\n--- server log ---\n${logs.slice(-20).join('\n')}`;
    throw e;
  }
});

test("the worker's warm-up note reaches every stage: KaTeX, a definition, verified derivatives and a false one", () => {
  // warmUp() is what a new checker thread runs before its first request; a note that checked nothing would warm nothing.
  assert.deepEqual(warmUp(), ['unchecked', 'verified', 'verified', 'false']);
  // The longer one, run when the worker is idle after its first check: every claim but the definition verified.
  const more = warmUp(true);
  assert.equal(more.length, 12);
  assert.deepEqual(more.filter((v) => v !== 'verified'), ['unchecked']);
});
