/**
 * The language server as the .vsix runs it: the server (entry and connection), worker and library builds of
 * scripts/bundle.js, built into a temporary folder (esbuild, about a second), and that server over stdio. What
 * splitting the server into files must keep:
 *
 * - MathJax, mathjs and KaTeX are in none of the server's bundles: those require them from beside themselves
 *   (`./mathjax.js`, …), and each library file exports what the sources take from it; the entry (dist/server.js)
 *   holds little but the worker's start, and requires the connection (dist/connection.js);
 * - the bundled server checks a note, renders a hover with MathJax and differentiates;
 * - its main thread loads none of the libraries before it has published the first diagnostics (the point of the
 *   split: V8 compiles a bundle whole before it runs any of it).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as esbuild from 'esbuild';
import { DIFFERENTIATE_REQUEST } from '../lsp/protocol';
import { startServer } from './stdioServer';

const REPO = path.resolve(__dirname, '../../..');
const TIMEOUT = 30_000;

interface BundleConfig {
  builds: (esbuild.BuildOptions & { outfile: string })[];
  lazy: { request: string; entry?: string; outfile: string }[];
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const config = require(path.join(REPO, 'scripts/bundle.js')) as BundleConfig;
/** The libraries' file names (`mathjax.js`, …). */
const LIBRARIES = config.lazy.map((l) => path.basename(l.outfile));

const OUT = fs.mkdtempSync(path.join(os.tmpdir(), 'calcnotes-bundle-'));
test.after(() => fs.rmSync(OUT, { recursive: true, force: true }));

type Output = esbuild.Metafile['outputs'][string];
let built: Promise<Map<string, Output>> | null = null;

/** Builds the server, its worker and the libraries into OUT (once): each file's name → what esbuild says of it. */
function build(): Promise<Map<string, Output>> {
  built ??= (async () => {
    const wanted = new Set(['server.js', 'connection.js', 'worker.js', ...LIBRARIES]);
    const builds = config.builds.filter((b) => wanted.has(path.basename(b.outfile)));
    assert.equal(builds.length, wanted.size, `scripts/bundle.js builds ${[...wanted].join(', ')}`);
    const outputs = new Map<string, Output>();
    await Promise.all(
      builds.map(async (b) => {
        const name = path.basename(b.outfile);
        const r = await esbuild.build({ ...b, outfile: path.join(OUT, name), metafile: true });
        outputs.set(name, Object.values(r.metafile.outputs)[0]);
      }),
    );
    return outputs;
  })();
  return built;
}

function within<T>(p: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), TIMEOUT)));
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

test('bundle: MathJax, mathjs and KaTeX are files of their own, required from beside the server and its worker', async () => {
  const outputs = await build();
  const libraryInputs = /node_modules\/(?:mathjax-full|mathjs|katex)\/|render\/mathjaxLib\.ts$/;
  // What each bundle requires from beside itself: the entry the connection; the connection (hovers, Differentiate)
  // and the worker (checks: KaTeX; mathjs for the rare cross-check) the libraries.
  const expected: Record<string, string[]> = {
    'server.js': ['connection.js'],
    'connection.js': LIBRARIES,
    'worker.js': LIBRARIES.filter((l) => l !== 'mathjax.js'),
  };
  for (const [name, files] of Object.entries(expected)) {
    const out = outputs.get(name)!;
    const inside = Object.keys(out.inputs).filter((f) => libraryInputs.test(f));
    assert.deepEqual(inside, [], `${name} holds none of the libraries`);
    const required = out.imports.filter((i) => i.external && i.path.startsWith('./')).map((i) => i.path.slice(2));
    assert.deepEqual([...new Set(required)].sort(), [...files].sort(), `what ${name} requires`);
  }
  // The entry is compiled whole before the worker starts: it holds the worker's start and little else.
  const entry = outputs.get('server.js')!;
  assert.ok(entry.bytes < 4_000, `dist/server.js is ${entry.bytes} bytes`);
  assert.ok(!Object.keys(entry.inputs).some((f) => /node_modules|engine\.ts|connection\.ts/.test(f)), Object.keys(entry.inputs).join(', '));
  // Each library gives what its users take: svg.ts the MathJax pieces, check/mathjs.ts create and all, parse/katex.ts KaTeX.
  /* eslint-disable @typescript-eslint/no-require-imports */
  const mathjax = require(path.join(OUT, 'mathjax.js')) as Record<string, unknown>;
  for (const name of ['mathjax', 'TeX', 'SVG', 'liteAdaptor', 'RegisterHTMLHandler']) assert.ok(mathjax[name], `mathjax.js exports ${name}`);
  const mathjs = require(path.join(OUT, 'mathjs.js')) as Record<string, unknown>;
  assert.equal(typeof mathjs.create, 'function');
  assert.equal(typeof mathjs.all, 'object');
  const katex = require(path.join(OUT, 'katex.js')) as { renderToString?: unknown; __parse?: unknown };
  /* eslint-enable @typescript-eslint/no-require-imports */
  assert.equal(typeof katex.renderToString, 'function');
  assert.equal(typeof katex.__parse, 'function');
});

/**
 * A spy preloaded into the bundled server (and so into its worker): on stderr, each library the server requires,
 * by which thread, and whether the main thread had written a publishDiagnostics to the client by then.
 */
function writeSpy(): string {
  const spy = path.join(OUT, 'spy.js');
  const libraries = new RegExp(`^\\./(?:${LIBRARIES.map((l) => l.replace(/\./g, '\\.')).join('|')})$`);
  fs.writeFileSync(
    spy,
    `'use strict';
const Module = require('module');
const { isMainThread } = require('worker_threads');
let published = false;
if (isMainThread) {
  const write = process.stdout.write;
  process.stdout.write = function (chunk, ...rest) {
    if (String(chunk).includes('"textDocument/publishDiagnostics"')) published = true;
    return write.call(this, chunk, ...rest);
  };
}
const load = Module._load;
Module._load = function (request, ...rest) {
  if (${libraries}.test(request)) process.stderr.write('CALCNOTES-LOAD ' + (isMainThread ? 'main' : 'worker') + ' ' + request + ' ' + (published ? 'after' : 'before') + '\\n');
  return load.call(this, request, ...rest);
};
`,
  );
  return spy;
}

test('bundle: the bundled server publishes the first diagnostics before loading any library on its main thread, then hovers and differentiates', async (t) => {
  await build();
  const server = startServer(t, { server: path.join(OUT, 'server.js'), preload: [writeSpy()] });
  const { conn, exited } = server;
  const uri = 'file:///tmp/calcnotes-bundle-test/note.md';
  const text = "Let $f(x)=x^2$. Then $f'(x)=2x$, and $\\frac{d}{dx} x^3 = 2x^2$.\n";
  let firstDiagnostics: (d: { uri: string; diagnostics: { code?: string }[] }) => void = () => undefined;
  const diagnostics = new Promise<{ uri: string; diagnostics: { code?: string }[] }>((resolve) => (firstDiagnostics = resolve));
  conn.onNotification('textDocument/publishDiagnostics', (p: { uri: string; diagnostics: { code?: string }[] }) => p.uri === uri && firstDiagnostics(p));
  try {
    await within(conn.sendRequest('initialize', { processId: process.pid, rootUri: null, capabilities: {} }), 'initialize');
    await conn.sendNotification('initialized', {});
    await conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'markdown', version: 1, text } });
    const first = await within(diagnostics, 'the first diagnostics');
    assert.deepEqual(
      first.diagnostics.map((d) => d.code),
      ['false-claim'],
      'the worker checked the note (x³ has derivative 3x², not 2x²)',
    );

    // The claim f'(x) = 2x: its hover has the formula rendered by MathJax (from mathjax.js).
    const hover = await within(
      conn.sendRequest<{ contents: { value: string } } | null>('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: text.indexOf("f'(x)") + 2 } }),
      'hover',
    );
    assert.ok(hover?.contents.value.includes('data:image/svg+xml'), `a rendered formula in ${JSON.stringify(hover)?.slice(0, 300)}`);
    const d = await within(conn.sendRequest<{ latex?: string; error?: string }>(DIFFERENTIATE_REQUEST, { latex: '\\sin(x^2)', variable: 'x' }), 'differentiate');
    assert.equal(d.latex, '2x\\cos(x^2)');

    await within(conn.sendRequest('shutdown'), 'shutdown');
    await conn.sendNotification('exit');
    assert.equal(await within(exited, 'the server process to exit'), 0);

    const loads = [...server.stderr().matchAll(/^CALCNOTES-LOAD (main|worker) \.\/(\S+) (before|after)$/gm)].map((m) => ({ thread: m[1], library: m[2], when: m[3] }));
    assert.deepEqual(loads.filter((l) => l.thread === 'main' && l.when === 'before'), [], 'the main thread loads no library before the first diagnostics');
    assert.ok(loads.some((l) => l.thread === 'main' && l.library === 'mathjax.js'), 'the main thread loaded MathJax (the warm-up or the hover)');
    assert.ok(loads.some((l) => l.thread === 'worker' && l.library === 'katex.js'), 'the worker loaded KaTeX for its check');
    assert.ok(!loads.some((l) => l.thread === 'worker' && l.library === 'mathjax.js'), 'the worker never loads MathJax');
  } catch (e) {
    (e as Error).message += `\n--- server stderr ---\n${server.stderr().slice(-3000)}`;
    throw e;
  }
});
