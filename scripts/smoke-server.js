#!/usr/bin/env node
/**
 * Smoke test of the bundled language server (not a unit test): starts `node dist/server.js --stdio`, sends
 * `initialize`, opens a note with one false claim, waits for its diagnostics and status, asks for a hover on the
 * claim (MathJax renders it to an SVG image inside the bundle), then shuts down.
 * Exit status 0 when all of that happens within the time limit. Usage: node scripts/smoke-server.js [server.js]
 */
'use strict';
const { spawn } = require('child_process');
const path = require('path');

const serverPath = path.resolve(process.argv[2] || path.join(__dirname, '..', 'dist', 'server.js'));
const TIMEOUT_MS = 30000;
const NOTE_URI = 'file:///smoke/note.md';
const NOTE = '# Smoke\n\nThe quotient rule: $\\left(\\frac{f}{g}\\right)\' = \\frac{f\'g + fg\'}{g^2}$.\n\n$\\frac{d}{dx} x^3 = 3x^2$\n';

const child = spawn(process.execPath, [serverPath, '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
const started = Date.now();
const seen = { initialize: false, diagnostics: false, status: false, hover: false };
let hoverAt = null;
let buffer = Buffer.alloc(0);
let done = false;

function send(message) {
  const body = Buffer.from(JSON.stringify({ jsonrpc: '2.0', ...message }), 'utf8');
  child.stdin.write(`Content-Length: ${body.length}\r\n\r\n`);
  child.stdin.write(body);
}

function finish(code, text) {
  if (done) return;
  done = true;
  clearTimeout(timer);
  console.log(`${code === 0 ? 'ok' : 'FAILED'}: ${text} (${Date.now() - started} ms)`);
  if (code === 0) {
    send({ id: 2, method: 'shutdown' });
    setTimeout(() => {
      send({ method: 'exit' });
      setTimeout(() => child.kill(), 500).unref();
    }, 200);
  } else {
    child.kill();
  }
  process.exitCode = code;
}

const timer = setTimeout(() => finish(1, `timed out; seen ${JSON.stringify(seen)}`), TIMEOUT_MS);

child.on('exit', (code, signal) => {
  if (!(seen.initialize && seen.diagnostics && seen.status && seen.hover)) finish(1, `server exited early (code ${code}, signal ${signal}); seen ${JSON.stringify(seen)}`);
});

child.stdout.on('data', (chunk) => {
  buffer = Buffer.concat([buffer, chunk]);
  for (;;) {
    const headerEnd = buffer.indexOf('\r\n\r\n');
    if (headerEnd < 0) return;
    const match = /Content-Length: (\d+)/i.exec(buffer.subarray(0, headerEnd).toString('ascii'));
    if (!match) return finish(1, 'bad header from server');
    const length = Number(match[1]);
    if (buffer.length < headerEnd + 4 + length) return;
    const message = JSON.parse(buffer.subarray(headerEnd + 4, headerEnd + 4 + length).toString('utf8'));
    buffer = buffer.subarray(headerEnd + 4 + length);
    handle(message);
  }
});

function handle(m) {
  if (m.id === 1 && (m.result || m.error)) {
    if (m.error) return finish(1, `initialize failed: ${m.error.message}`);
    seen.initialize = true;
    console.log(`initialize → capabilities: ${Object.keys(m.result.capabilities || {}).join(', ')}`);
    send({ method: 'initialized', params: {} });
    send({ method: 'textDocument/didOpen', params: { textDocument: { uri: NOTE_URI, languageId: 'markdown', version: 1, text: NOTE } } });
    return;
  }
  if (m.method && m.id !== undefined) {
    // A request from the server: answer with defaults (no settings, nothing to register).
    const result = m.method === 'workspace/configuration' ? (m.params.items || []).map(() => null) : null;
    send({ id: m.id, result });
    return;
  }
  if (m.method === 'textDocument/publishDiagnostics' && m.params.uri === NOTE_URI && m.params.diagnostics.length > 0) {
    seen.diagnostics = true;
    for (const d of m.params.diagnostics) console.log(`diagnostic ${d.range.start.line + 1}:${d.range.start.character + 1} [${d.code}] ${d.message}`);
    hoverAt = m.params.diagnostics[0].range.start;
    send({ id: 3, method: 'textDocument/hover', params: { textDocument: { uri: NOTE_URI }, position: hoverAt } });
  }
  if (m.id === 3 && (m.result !== undefined || m.error)) {
    const value = (m.result && m.result.contents && m.result.contents.value) || '';
    if (m.error || !/data:image\/svg\+xml/.test(value)) return finish(1, `hover without a rendered formula: ${JSON.stringify(m.error || m.result)}`);
    seen.hover = true;
    console.log(`hover → ${value.length} characters of Markdown with an SVG image`);
  }
  if (m.method === 'window/logMessage') console.log(`server log: ${m.params.message}`);
  if (m.method === 'calcnotes/status' && m.params.uri === NOTE_URI) {
    seen.status = true;
    console.log(`status → ${JSON.stringify(m.params)}`);
  }
  if (seen.diagnostics && seen.status && seen.hover) finish(0, 'the bundled server started, checked a note, reported and rendered a hover');
}

send({
  id: 1,
  method: 'initialize',
  params: { processId: process.pid, rootUri: null, capabilities: { workspace: { configuration: true } }, clientInfo: { name: 'calcnotes-smoke' } },
});
