#!/usr/bin/env node
/**
 * Bundles the extension for the .vsix: dist/extension.js (the client; `vscode` stays external), dist/server.js
 * (the language server, from server/src/server.ts) and dist/worker.js (its checker thread, server/src/worker.ts),
 * minified, CommonJS for Node 20, no source maps; copies the preview stylesheet to dist/. Also dist/cli.js, the command-line checker (`--cli`: that one alone, as
 * `npm run build` does). Run after `tsc -b` (the client imports the compiled server core from server/out).
 *
 * `require('./scripts/bundle.js')` returns the configuration without building (the manifest test reads it).
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

const builds = [
  { ...common, entryPoints: ['client/src/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'] },
  { ...common, entryPoints: ['server/src/server.ts'], outfile: 'dist/server.js' },
  // The checker's worker thread (server.ts starts dist/worker.js beside it): the engine without the connection or
  // the hover renderer.
  { ...common, entryPoints: ['server/src/worker.ts'], outfile: 'dist/worker.js' },
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

module.exports = { builds, copies, cli };

if (require.main === module) {
  main().catch((e) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
}
