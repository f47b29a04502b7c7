/**
 * Security: notes from an untrusted repository can run no code and read no files. The known mathjs
 * expression-parser escape strings, and LaTeX that asks for files, links or packages, go through every entry
 * point — the engine (inline, display, bare lines of .txt notes, definitions, the macros setting), the hover
 * renderer and the differentiate request in-process, the command-line checker, and the language server over
 * stdio (diagnostics, hover, differentiate, checkText) — and are inert:
 *   - nothing executes: a global sentinel is never set, a sentinel file is never written, the processes live on;
 *   - no file is read: a preloaded spy on `fs` and `child_process` in the CLI and server processes (and their
 *     worker threads) sees no access to /etc/passwd or the sentinel, and no process started;
 *   - the output never holds the content of /etc/passwd, hover SVGs carry no link, script or URL;
 *   - no verdict is `false`.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { spawnSync } from 'child_process';
import { checkDocument, type DocumentReport } from '../engine';
import { LineMap } from '../scan/lines';
import { hover } from '../lsp/hover';
import { differentiate } from '../lsp/differentiate';
import { CHECK_TEXT_REQUEST, DIFFERENTIATE_REQUEST } from '../lsp/protocol';
import { assertSane } from './invariants';
import { startServer } from './stdioServer';

const CLI = path.resolve(__dirname, '../cli/main.js');
const TMP = fs.mkdtempSync(path.join(os.tmpdir(), 'calcnotes-security-'));
/** Written by any payload that manages to run. */
const SENTINEL = path.join(TMP, 'pwned');
const RUN = `globalThis.__calcnotesPwned=1;process.mainModule.require("fs").writeFileSync("${SENTINEL}","x")`;

/** The known ways out of mathjs' expression parser, and LaTeX that reaches for files, links and packages. */
const PAYLOADS = [
  `cos.constructor("${RUN}")()`,
  `[].map.constructor("${RUN}")()`,
  `sin.constructor("return process")().mainModule.require("fs").readFileSync("/etc/passwd")`,
  `simplify.constructor("${RUN}")()`,
  `derivative.constructor("${RUN}")()`,
  // (e^x: the note templates below also read this as `\frac{d}{dx} f(x) = e^x`, which is then true.)
  `f(x) = e^x; f.constructor("${RUN}")()`,
  `x = [].map.constructor; x("${RUN}")()`,
  `chain(1).done.constructor("${RUN}")()`,
  `import({"evaluate": cos.constructor("${RUN}")}, {override: true})`,
  `import({matrix: cos.constructor("${RUN}")})`,
  'createUnit("pwned")',
  `evaluate("cos.constructor(\\"${RUN}\\")()")`,
  `parse("cos.constructor('${RUN}')()").compile().evaluate()`,
  `compile("1").evaluate.constructor("${RUN}")()`,
  'config({number: "BigNumber"})',
  `unit("1 m").to.constructor("${RUN}")()`,
  '\\input{/etc/passwd}',
  '\\include{/etc/passwd}',
  '\\includegraphics{/etc/passwd}',
  '\\def\\x{\\input{/etc/passwd}}\\x',
  '\\newcommand{\\leak}{\\input{/etc/passwd}}\\leak',
  '\\csname input\\endcsname{/etc/passwd}',
  '\\openin1=/etc/passwd \\read1 to\\x \\x',
  '\\immediate\\write18{touch ' + SENTINEL + '}',
  '\\href{javascript:alert(1)}{x}',
  '\\url{javascript:alert(1)}',
  '\\require{html}\\href{javascript:alert(1)}{x}',
  '\\require{action}\\toggle{a}{b}\\endtoggle',
  '\\class{x}{y}\\cssId{z}{w}\\style{background:url(javascript:alert(1))}{x}',
  '\\htmlData{x=1}{y}\\htmlClass{x}{y}',
  '\\mmlToken{script}{alert(1)}',
  '\\unicode{x41}',
];

const PASSWD = fs.existsSync('/etc/passwd') ? fs.readFileSync('/etc/passwd', 'utf8') : 'root:x:0:0:root:/root:/bin/bash\n';
/** Lines of /etc/passwd long enough not to appear by chance. */
const PASSWD_LINES = PASSWD.split('\n').filter((l) => l.length > 12);

function leaksNothing(output: string, where: string): void {
  for (const l of PASSWD_LINES) assert.ok(!output.includes(l), `${where}: the output holds a line of /etc/passwd`);
  assert.ok(!/root:[^:\n]*:0:0:/.test(output), `${where}: the output holds /etc/passwd content`);
}

function nothingRan(where: string): void {
  assert.equal((globalThis as Record<string, unknown>).__calcnotesPwned, undefined, `${where}: the global sentinel is set`);
  assert.ok(!fs.existsSync(SENTINEL), `${where}: the sentinel file exists`);
}

/** Every way a payload can stand in a note. */
function notes(p: string): { text: string; mode: 'markdown' | 'text' }[] {
  return [
    { text: `Inline: $${p}$ and a claim $\\frac{d}{dx} ${p} = 0$ and $${p} = 1$.\n`, mode: 'markdown' },
    { text: `$$\n${p}\n$$\n\n$$\\frac{d}{dx}\\left(${p}\\right) = x$$\n`, mode: 'markdown' },
    { text: `Let $f(x) = ${p}$. Then $f'(x) = 0$.\n\n\\begin{align}\ny &= ${p} \\\\\n&= 2\n\\end{align}\n`, mode: 'markdown' },
    { text: `Pasted notes\n\n${p} = 1\n\n\\frac{d}{dx} ${p} = 0\n\nsetting y=${p}\n`, mode: 'text' },
  ];
}

/** The data URIs of a hover's images, decoded. */
function svgsOf(markdown: string): string[] {
  return [...markdown.matchAll(/data:image\/svg\+xml;base64,([A-Za-z0-9+/=]+)/g)].map((m) => Buffer.from(m[1], 'base64').toString('utf8'));
}

function cleanSvg(svg: string, where: string): void {
  assert.ok(!/<a[\s>]|href|javascript:|<script|url\(|<foreignObject|onload=|onclick=/i.test(svg), `${where}: the SVG has a link, script or URL: ${svg.slice(0, 300)}`);
  leaksNothing(svg, where);
}

function engineReport(text: string, mode: 'markdown' | 'text', macros?: Record<string, string>): DocumentReport {
  const r = checkDocument(text, { mode, macros });
  assertSane(text, r);
  for (const c of r.claims) assert.notEqual(c.verdict, 'false', `${JSON.stringify(text)}: ${c.latex} — ${c.reason}`);
  leaksNothing(JSON.stringify(r), text);
  return r;
}

/** A spy preloaded into the CLI and server processes (and so into their worker threads). */
function writeSpy(): string {
  const spy = path.join(TMP, 'spy.js');
  fs.writeFileSync(
    spy,
    `'use strict';
const fs = require('fs');
const watched = (p) => /passwd|shadow|pwned|\\.ssh/.test(String(p && p.href ? p.href : p));
const say = (what, p) => { try { process.stderr.write('CALCNOTES-SPY ' + what + ' ' + String(p) + '\\n'); } catch {} };
for (const name of ['readFileSync', 'readFile', 'openSync', 'open', 'createReadStream', 'writeFileSync', 'writeFile', 'appendFileSync', 'existsSync', 'statSync', 'accessSync', 'readdirSync']) {
  const orig = fs[name];
  if (typeof orig !== 'function') continue;
  fs[name] = function (p, ...rest) { if (watched(p)) say('fs.' + name, p); return orig.call(this, p, ...rest); };
}
for (const name of ['readFile', 'open', 'writeFile']) {
  const orig = fs.promises[name];
  fs.promises[name] = function (p, ...rest) { if (watched(p)) say('fs.promises.' + name, p); return orig.call(this, p, ...rest); };
}
const cp = require('child_process');
for (const name of ['exec', 'execSync', 'execFile', 'execFileSync', 'spawn', 'spawnSync', 'fork']) {
  const orig = cp[name];
  cp[name] = function (...args) { say('child_process.' + name, args[0]); return orig.apply(this, args); };
}
`,
  );
  return spy;
}

test.after(() => fs.rmSync(TMP, { recursive: true, force: true }));

test('security: the engine reads every escape string as inert notation (inline, display, .txt lines, definitions, macros setting)', () => {
  const opened: string[] = [];
  // Watch this process's file access while the engine runs (the module object itself, which every module shares).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const nodeFs = require('fs') as Record<string, unknown>;
  const names = ['openSync', 'readFileSync', 'readFile', 'open', 'createReadStream'];
  const real = new Map(names.map((n) => [n, nodeFs[n] as (...a: unknown[]) => unknown]));
  for (const n of names) {
    nodeFs[n] = function (this: unknown, p: unknown, ...rest: unknown[]) {
      opened.push(String(p));
      return real.get(n)!.call(this, p, ...rest);
    };
  }
  try {
    for (const p of PAYLOADS) {
      for (const { text, mode } of notes(p)) engineReport(text, mode);
      // The macros setting is an entry point too.
      engineReport('$\\R + 1 = 2$ and $\\frac{d}{dx}\\R = 0$\n', 'markdown', { '\\R': p, '\\S': `\\R${p}` });
    }
    // All payloads in one note, and a wrong claim after them that is still caught.
    const all = PAYLOADS.map((p) => `- $${p}$`).join('\n') + '\n\n## After them\n\nA wrong claim: $\\frac{d}{dx} x^3 = 2x^2$.\n';
    const r = checkDocument(all);
    assert.equal(r.claims.filter((c) => c.verdict === 'false').length, 1);
  } finally {
    for (const n of names) nodeFs[n] = real.get(n);
  }
  assert.deepEqual(opened.filter((p) => /passwd|pwned/.test(p)), [], 'no file of the payloads was opened');
  nothingRan('engine');
});

test('security: hover renders the payloads without links, scripts or file content; differentiate returns an error or LaTeX', () => {
  for (const p of PAYLOADS) {
    for (const { text, mode } of notes(p)) {
      const report = checkDocument(text, { mode });
      const lines = new LineMap(text);
      for (const f of report.fragments) {
        const h = hover({ text, position: lines.positionAt(Math.floor((f.start + f.end) / 2)), report, reportText: text, lines, macros: { '\\R': p } });
        if (!h) continue;
        const value = (h.contents as { value: string }).value;
        leaksNothing(value, p);
        for (const svg of svgsOf(value)) cleanSvg(svg, p);
      }
    }
    for (const [latex, variable] of [[p, 'x'], ['x^2', p], [`\\sin(${p})`, 'x']]) {
      const d = differentiate({ latex, variable });
      assert.ok('latex' in d || 'error' in d);
      leaksNothing(JSON.stringify(d), p);
    }
  }
  nothingRan('hover and differentiate');
});

test('security: the command-line checker over notes full of escape strings', () => {
  const dir = path.join(TMP, 'notes');
  fs.mkdirSync(dir, { recursive: true });
  PAYLOADS.forEach((p, i) => {
    notes(p).forEach(({ text, mode }, k) => fs.writeFileSync(path.join(dir, `note-${i}-${k}.${mode === 'text' ? 'txt' : 'md'}`), text));
  });
  const spy = writeSpy();
  // The control: the spy does see a file the checker reads.
  const control = path.join(TMP, 'pwned-control.md');
  fs.writeFileSync(control, '$x$\n');
  const c = spawnSync(process.execPath, ['-r', spy, CLI, 'check', control], { encoding: 'utf8', timeout: 60_000 });
  assert.match(c.stderr, /CALCNOTES-SPY fs\.(readFileSync|openSync) .*pwned-control\.md/, 'the spy works');
  fs.rmSync(control);
  for (const format of ['json', 'text']) {
    const r = spawnSync(process.execPath, ['-r', spy, CLI, 'check', '--format', format, '--all', dir], { encoding: 'utf8', timeout: 120_000, maxBuffer: 64 << 20 });
    assert.equal(r.error, undefined);
    assert.equal(r.status, 0, `exit status ${r.status} (0: no false claim): ${r.stderr.slice(-2000)}`);
    assert.ok(!r.stderr.includes('CALCNOTES-SPY'), `file or process access: ${r.stderr.split('\n').filter((l) => l.includes('CALCNOTES-SPY')).join('\n')}`);
    leaksNothing(r.stdout + r.stderr, `cli --format ${format}`);
    if (format === 'json') {
      const out = JSON.parse(r.stdout) as { summary: { files: number; claims: number; false: number } };
      assert.equal(out.summary.files, PAYLOADS.length * 4);
      assert.equal(out.summary.false, 0);
    }
  }
  nothingRan('cli');
});

test('security: the language server over stdio — diagnostics, hover, differentiate and checkText on escape strings', async (t) => {
  const spy = writeSpy();
  const server = startServer(t, { preload: [spy] });
  const { proc, conn, exited } = server;
  const published = new Map<string, { message: string; code?: string }[]>();
  const waiters = new Map<string, () => void>();
  conn.onNotification('textDocument/publishDiagnostics', (p: { uri: string; diagnostics: { message: string; code?: string }[] }) => {
    published.set(p.uri, p.diagnostics);
    waiters.get(p.uri)?.();
  });
  const logs: string[] = [];
  conn.onNotification('window/logMessage', (p: { message: string }) => logs.push(p.message));
  conn.onRequest('workspace/configuration', (p: { items: unknown[] }) => p.items.map(() => ({ macros: { '\\R': PAYLOADS[0], '\\S': '\\input{/etc/passwd}' } })));
  const within = <T>(p: Promise<T>, what: string): Promise<T> => {
    let timer: NodeJS.Timeout | undefined;
    return Promise.race([p, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), 30_000)))]).finally(() => clearTimeout(timer));
  };

  try {
    await within(conn.sendRequest('initialize', { processId: process.pid, rootUri: null, capabilities: { workspace: { configuration: true } } }), 'initialize');
    await conn.sendNotification('initialized', {});
    let n = 0;
    const docs: { uri: string; text: string }[] = [];
    for (const p of PAYLOADS) {
      for (const { text, mode } of notes(p)) {
        const uri = `file:///security/note-${n++}.${mode === 'text' ? 'txt' : 'md'}`;
        docs.push({ uri, text });
        const done = new Promise<void>((resolve) => waiters.set(uri, resolve));
        await conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: mode === 'text' ? 'plaintext' : 'markdown', version: 1, text } });
        await within(done, `diagnostics of ${uri}`);
      }
    }
    for (const { uri, text } of docs) {
      const diags = published.get(uri) ?? [];
      assert.deepEqual(diags.filter((d) => d.code === 'false-claim'), [], `${uri}: no false claim`);
      leaksNothing(JSON.stringify(diags), uri);
      // Hover every formula.
      const lines = new LineMap(text);
      for (const f of checkDocument(text, { mode: uri.endsWith('.txt') ? 'text' : 'markdown' }).fragments) {
        const h = await within(
          conn.sendRequest<{ contents: { value: string } } | null>('textDocument/hover', { textDocument: { uri }, position: lines.positionAt(Math.floor((f.start + f.end) / 2)) }),
          'hover',
        );
        if (!h) continue;
        leaksNothing(h.contents.value, uri);
        for (const svg of svgsOf(h.contents.value)) cleanSvg(svg, uri);
      }
    }
    for (const p of PAYLOADS) {
      for (const [latex, variable] of [[p, 'x'], ['x^2', p]]) {
        const d = await within(conn.sendRequest<{ latex?: string; error?: string }>(DIFFERENTIATE_REQUEST, { latex, variable }), 'differentiate');
        assert.ok(typeof d.latex === 'string' || typeof d.error === 'string');
        assert.notEqual(d.error, 'internal error');
        leaksNothing(JSON.stringify(d), p);
      }
      const counts = await within(
        conn.sendRequest<{ false: number }>(CHECK_TEXT_REQUEST, { uri: `file:///security/closed-${PAYLOADS.indexOf(p)}.txt`, text: notes(p)[3].text }),
        'checkText',
      );
      assert.equal(counts.false, 0);
    }
    await within(conn.sendRequest('shutdown'), 'shutdown');
    await conn.sendNotification('exit');
    assert.equal(await within(exited, 'exit'), 0);
    const stderr = server.stderr();
    assert.ok(!stderr.includes('CALCNOTES-SPY'), `file or process access in the server: ${stderr.split('\n').filter((l) => l.includes('CALCNOTES-SPY')).join('\n')}`);
    assert.deepEqual(logs.filter((m) => /uncaught|unhandled|failed/i.test(m)), []);
    leaksNothing(stderr + logs.join('\n'), 'server logs');
    nothingRan('server');
  } catch (e) {
    (e as Error).message += `\n--- server stderr ---\n${server.stderr().slice(-3000)}`;
    throw e;
  }
});
