#!/usr/bin/env node
/**
 * Bundles the extension for the .vsix: dist/extension.js (the client; `vscode` stays external); the language
 * server: dist/server.js (its entry, server/src/server.ts: it starts the checker's thread, then loads the rest),
 * dist/connection.js (the rest, server/src/connection.ts) and dist/worker.js (the checker's thread,
 * server/src/worker.ts); and beside them the large libraries those load on first use, each a file of its own
 * (dist/mathjax.js, dist/mathjs.js, dist/katex.js: see `lazy`). Minified, CommonJS for Node 20, no source maps;
 * copies the preview stylesheet to dist/. Also dist/cli.js, the command-line checker (`--cli`: that one alone, as
 * `npm run build` does). Run after `tsc -b` (the client imports the compiled server core from server/out).
 *
 * `require('./scripts/bundle.js')` returns the configuration without building (the manifest test reads it, and the
 * bundle test builds from it).
 */
'use strict';
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  minify: true,
  sourcemap: false,
  legalComments: 'none',
  logLevel: 'warning',
  absWorkingDir: root,
};

/**
 * Libraries the language server's threads load on first use, each bundled into a file of its own in dist/ and left
 * out of the bundles that require them. V8 compiles a script whole before running any of it, so a library inside
 * the server's bundle costs every start of the server, used or not: with MathJax (1.6 MB), mathjs (1.0 MB) and KaTeX
 * (0.27 MB) inside, compiling the bundle took ~70 ms of the ~190 ms before the server answered `initialize`, and
 * the checker's worker could only start after it. Unbundled (server/out) the same `require`s load the packages.
 *
 * `request` is the specifier the sources `require` lazily — a package, or our module that gathers a library's
 * pieces —, `entry` the module the file is built from (a package: the package itself).
 */
const lazy = [
  // Hover images (server/src/render/svg.ts): the main thread's renderer warm-up, once the first notes are published.
  { request: './mathjaxLib', entry: 'server/src/render/mathjaxLib.ts', outfile: 'dist/mathjax.js' },
  // The rare cross-check (server/src/check/mathjs.ts): in the worker, and on the main thread for Differentiate Selection.
  { request: 'mathjs', outfile: 'dist/mathjs.js' },
  // LaTeX validation (server/src/parse/katex.ts): the worker's first check; the main thread for Differentiate Selection.
  { request: 'katex', outfile: 'dist/katex.js' },
];

/**
 * The server's main thread after its entry (server.ts, dist/server.js) has started the checker's worker: a file of
 * its own, so that V8 compiles only the small entry before the worker starts, and the worker boots while this
 * thread compiles and loads the connection.
 */
const connection = { request: './connection', entry: 'server/src/connection.ts', outfile: 'dist/connection.js' };

/**
 * An esbuild plugin: each of these requests becomes a `require` of its own file beside the bundle, at run time —
 * a package wherever it is required, one of our modules only where it is that module (vscode-jsonrpc has a
 * `./connection` of its own).
 */
const separateFiles = {
  name: 'separate-files',
  setup(build) {
    const escape = (text) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    for (const part of [connection, ...lazy]) {
      const filter = new RegExp(`^${escape(part.request)}$`);
      const own = part.entry && path.join(root, part.entry).replace(/\.ts$/, '');
      build.onResolve({ filter }, (args) =>
        own && path.resolve(args.resolveDir, args.path) !== own ? undefined : { path: `./${path.basename(part.outfile)}`, external: true },
      );
    }
  },
};

const builds = [
  { ...common, entryPoints: ['client/src/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'] },
  { ...common, entryPoints: ['server/src/server.ts'], outfile: 'dist/server.js', plugins: [separateFiles] },
  { ...common, entryPoints: [connection.entry], outfile: connection.outfile, plugins: [separateFiles] },
  // The checker's worker thread (server.ts starts dist/worker.js beside it): the engine without the connection or
  // the hover renderer.
  { ...common, entryPoints: ['server/src/worker.ts'], outfile: 'dist/worker.js', plugins: [separateFiles] },
  // The libraries themselves: one copy each, shared by both threads (a package through a one-line entry, so that
  // `require` gets what it gets from node_modules: the package's CommonJS build).
  ...lazy.map((lib) => ({
    ...common,
    ...(lib.entry
      ? { entryPoints: [lib.entry] }
      : { stdin: { contents: `module.exports = require(${JSON.stringify(lib.request)});`, resolveDir: root, sourcefile: `${lib.request}.js`, loader: 'js' } }),
    outfile: lib.outfile,
  })),
];

/**
 * The command-line checker (package.json `bin`): one file, so that a run does not resolve and read a hundred
 * modules before checking anything. The large libraries stay outside, required from node_modules when first
 * needed: KaTeX when a formula is validated, mathjs only for the rare cross-check, MathJax never on the CLI.
 * (The entry's `#!/usr/bin/env node` line is kept.) Not part of the .vsix (.vscodeignore); `npm run build` (and
 * so `prepare`) writes it too.
 */
const cli = {
  ...common,
  entryPoints: ['server/src/cli/main.ts'],
  outfile: 'dist/cli.js',
  external: ['katex', 'mathjs', 'mathjax-full'],
};
builds.push(cli);

const copies = [{ from: 'client/media/preview.css', to: 'dist/preview.css' }];

async function main() {
  const esbuild = require('esbuild');
  // `--cli`: the command-line bundle alone, beside whatever dist/ holds (run by `npm run build`).
  const cliOnly = process.argv.includes('--cli');
  if (!cliOnly) fs.rmSync(path.join(root, 'dist'), { recursive: true, force: true });
  for (const options of cliOnly ? [cli] : builds) {
    const result = await esbuild.build({ ...options, metafile: true });
    const out = path.join(root, options.outfile);
    const kb = (fs.statSync(out).size / 1024).toFixed(0);
    console.log(`${options.outfile}  ${kb} KB  (${Object.keys(result.metafile.inputs).length} inputs)`);
  }
  if (cliOnly) return;
  for (const { from, to } of copies) {
    fs.mkdirSync(path.dirname(path.join(root, to)), { recursive: true });
    fs.copyFileSync(path.join(root, from), path.join(root, to));
    console.log(to);
  }
}

module.exports = { builds, copies, cli, lazy, connection };

if (require.main === module) {
  main().catch((e) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
}
