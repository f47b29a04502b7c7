#!/usr/bin/env node
/**
 * Times the editor's path without an editor: the language server (server/out/server.js, or the script given, e.g.
 * the bundle dist/server.js) over stdio, as VS Code starts it, with a ~90 KB note made of the example notes.
 * Prints, in ms:
 *   initialize process start → the server's answer to `initialize` (the client opens its notes after it)
 *   fresh      process start → first publishDiagnostics of the note (the server's start, its worker's start, the
 *              engine's first check; a long note's first part is published first, see lsp/service.ts headEnd)
 *   fresh_all  process start → the whole note's diagnostics (its status notification)
 *   warm       didOpen of a second ~90 KB note in the same server, once the first is done → its first diagnostics
 *   warm_all   … → its whole diagnostics
 *   typing     didChange appending a wrong claim at the end of the note → the diagnostics that show it (includes
 *              the server's debounce)
 * Usage: node scripts/editor-timing.js [runs] [server.js]   (run `npm run build`, or `npm run bundle` for dist/,
 * first). Not a test: figures only.
 */
'use strict';
const fs = require('fs');
const path = require('path');
const { spawn } = require('child_process');
const { SERVER_EXEC_ARGV } = require('../server/out/lsp/protocol');

const ROOT = path.resolve(__dirname, '..');
const SERVER = path.resolve(process.argv[3] || path.join(ROOT, 'server', 'out', 'server.js'));

/** A ~90 KB note: generated (server/src/testing/notes.ts, seeded), cut at a section boundary. */
function bigNote(seed, size = 90_000) {
  const { generateNote } = require('../server/out/testing/notes');
  const text = generateNote(seed).text;
  const cut = text.indexOf('\n## Section', size);
  return cut > 0 ? text.slice(0, cut + 1) : text;
}

function run() {
  return new Promise((resolve, reject) => {
    const t0 = Date.now();
    const child = spawn(process.execPath, [...SERVER_EXEC_ARGV, SERVER, '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
    const timer = setTimeout(() => (child.kill(), reject(new Error('timed out'))), 120_000);
    let buffer = Buffer.alloc(0);
    const send = (m) => {
      const body = Buffer.from(JSON.stringify({ jsonrpc: '2.0', ...m }), 'utf8');
      child.stdin.write(`Content-Length: ${body.length}\r\n\r\n`);
      child.stdin.write(body);
    };
    const a = { uri: 'file:///t/a.md', text: bigNote(1) };
    const b = { uri: 'file:///t/b.md', text: bigNote(2) };
    const typed = '\n\nOne more: $\\frac{d}{dx}\\cos x = \\sin x$\n';
    const out = { kb: Math.round(a.text.length / 1024) };
    let phase = 'fresh';
    let tPhase = t0;
    const logs = [];
    child.stdout.on('data', (chunk) => {
      buffer = Buffer.concat([buffer, chunk]);
      for (;;) {
        const end = buffer.indexOf('\r\n\r\n');
        if (end < 0) return;
        const len = Number(/Content-Length: (\d+)/i.exec(buffer.subarray(0, end).toString('ascii'))[1]);
        if (buffer.length < end + 4 + len) return;
        const m = JSON.parse(buffer.subarray(end + 4, end + 4 + len).toString('utf8'));
        buffer = buffer.subarray(end + 4 + len);
        if (m.id === 1) {
          out.initialize = Date.now() - t0;
          send({ method: 'initialized', params: {} });
          send({ method: 'textDocument/didOpen', params: { textDocument: { uri: a.uri, languageId: 'markdown', version: 1, text: a.text } } });
        } else if (m.method && m.id !== undefined) {
          send({ id: m.id, result: m.method === 'workspace/configuration' ? (m.params.items || []).map(() => null) : null });
        } else if (m.method === 'window/logMessage') {
          logs.push(`${Date.now() - t0} ${m.params.message}`);
        } else if (m.method === 'calcnotes/status') {
          // Sent once a whole check is done (not for a long note's first part).
          if (phase === 'fresh' && m.params.uri === a.uri) {
            out.fresh_all = Date.now() - tPhase;
            phase = 'warm';
            tPhase = Date.now();
            send({ method: 'textDocument/didOpen', params: { textDocument: { uri: b.uri, languageId: 'markdown', version: 1, text: b.text } } });
          } else if (phase === 'warm' && m.params.uri === b.uri) {
            out.warm_all = Date.now() - tPhase;
            phase = 'typing';
            setTimeout(() => {
              tPhase = Date.now();
              const pos = b.text.split('\n');
              send({
                method: 'textDocument/didChange',
                params: { textDocument: { uri: b.uri, version: 2 }, contentChanges: [{ range: { start: { line: pos.length - 1, character: pos[pos.length - 1].length }, end: { line: pos.length - 1, character: pos[pos.length - 1].length } }, text: typed }] },
              });
            }, 300);
          }
        } else if (m.method === 'textDocument/publishDiagnostics') {
          const now = Date.now();
          if (phase === 'fresh' && m.params.uri === a.uri && out.fresh === undefined) {
            out.fresh = now - tPhase;
          } else if (phase === 'warm' && m.params.uri === b.uri && out.warm === undefined) {
            out.warm = now - tPhase;
          } else if (phase === 'typing' && m.params.uri === b.uri && m.params.diagnostics.some((d) => /cos x is not sin x/.test(d.message))) {
            out.typing = now - tPhase;
            phase = 'done';
            clearTimeout(timer);
            send({ id: 2, method: 'shutdown' });
            setTimeout(() => {
              send({ method: 'exit' });
              setTimeout(() => child.kill(), 300).unref();
              resolve({ ...out, logs });
            }, 100);
          }
        }
      }
    });
    send({ id: 1, method: 'initialize', params: { processId: process.pid, rootUri: null, capabilities: {}, workspaceFolders: null } });
  });
}

(async () => {
  const runs = Number(process.argv[2]) || 3;
  for (let i = 0; i < runs; i++) {
    const r = await run();
    console.log(JSON.stringify({ kb: r.kb, initialize: r.initialize, fresh: r.fresh, fresh_all: r.fresh_all, warm: r.warm, warm_all: r.warm_all, typing: r.typing }));
    if (process.env.TIMING_LOGS) for (const l of r.logs) console.log('   ', l);
  }
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
