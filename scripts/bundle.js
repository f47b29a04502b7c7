#!/usr/bin/env node
/**
 * Bundles the extension for the .vsix: dist/extension.js (the client; `vscode` stays external) and dist/server.js
 * (the language server, from server/src/server.ts), minified, CommonJS for Node 20, no source maps; copies the
 * preview stylesheet to dist/. Run after `tsc -b` (the client imports the compiled server core from server/out).
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
];

const copies = [{ from: 'client/media/preview.css', to: 'dist/preview.css' }];

async function main() {
  const esbuild = require('esbuild');
  fs.rmSync(path.join(root, 'dist'), { recursive: true, force: true });
  for (const options of builds) {
    const result = await esbuild.build({ ...options, metafile: true });
    const out = path.join(root, options.outfile);
    const kb = (fs.statSync(out).size / 1024).toFixed(0);
    console.log(`${options.outfile}  ${kb} KB  (${Object.keys(result.metafile.inputs).length} inputs)`);
  }
  for (const { from, to } of copies) {
    fs.mkdirSync(path.dirname(path.join(root, to)), { recursive: true });
    fs.copyFileSync(path.join(root, from), path.join(root, to));
    console.log(to);
  }
}

module.exports = { builds, copies };

if (require.main === module) {
  main().catch((e) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
}
