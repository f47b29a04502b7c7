/**
 * The extension manifest (package.json) against the code: settings of the protocol, commands of the client,
 * the VS Code version, the grammar, the bundle and the icon.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { DEFAULT_SETTINGS } from '../lsp/protocol';
import { MAX_BUDGET_MS, MIN_BUDGET_MS, mergeSettings } from '../lsp/settings';

const REPO = path.resolve(__dirname, '../../..');

interface Manifest {
  main: string;
  icon: string;
  engines: { vscode: string };
  activationEvents: string[];
  capabilities: {
    untrustedWorkspaces: { supported: boolean | 'limited'; description?: string; restrictedConfigurations?: string[] };
    virtualWorkspaces: boolean | { supported: boolean | 'limited'; description?: string };
  };
  devDependencies: Record<string, string>;
  contributes: {
    commands: { command: string; title: string }[];
    configuration: { properties: Record<string, { default?: unknown; scope?: string; enum?: unknown[]; markdownDescription?: string; minimum?: number; maximum?: number }> };
    grammars: { scopeName: string; path: string; injectTo?: string[] }[];
    'markdown.markdownItPlugins'?: boolean;
    'markdown.previewStyles'?: string[];
  };
}

const manifest = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')) as Manifest;

type Version = [number, number, number];

function parseVersion(v: string): Version {
  const m = /^(\d+)\.(\d+)\.(\d+)/.exec(v.trim());
  assert.ok(m, `not a version: ${v}`);
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}

function compare(a: Version, b: Version): number {
  return a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
}

/** Whether a range as VS Code writes it (`^1.100.0`, `>=1.100.0`, `1.100.0`) accepts `version`. */
function accepts(range: string, version: string): boolean {
  const v = parseVersion(version);
  const r = range.trim();
  if (r.startsWith('^')) {
    const min = parseVersion(r.slice(1));
    return v[0] === min[0] && compare(v, min) >= 0;
  }
  if (r.startsWith('>=')) return compare(v, parseVersion(r.slice(2))) >= 0;
  return compare(v, parseVersion(r)) === 0;
}

test('every setting of the protocol is contributed, per resource, with the same default', () => {
  const properties = manifest.contributes.configuration.properties;
  for (const [key, value] of Object.entries(DEFAULT_SETTINGS)) {
    const entry = properties[`calcnotes.${key}`];
    assert.ok(entry, `calcnotes.${key} is not in contributes.configuration`);
    assert.deepEqual(entry.default, value, `default of calcnotes.${key}`);
    assert.equal(entry.scope, 'resource', `scope of calcnotes.${key}`);
    assert.ok(entry.markdownDescription && entry.markdownDescription.length > 20, `calcnotes.${key} needs a description`);
    if (entry.enum) assert.ok(entry.enum.includes(value), `default of calcnotes.${key} is one of its enum values`);
  }
});

test('every command the client registers is contributed, and every contributed command is registered', () => {
  const source = fs.readFileSync(path.join(REPO, 'client/src/extension.ts'), 'utf8');
  const registered = [...source.matchAll(/registerCommand\(\s*['"]([^'"]+)['"]/g)].map((m) => m[1]);
  assert.ok(registered.length >= 2, `found ${registered.length} registered commands`);
  const contributed = manifest.contributes.commands.map((c) => c.command);
  for (const id of registered) assert.ok(contributed.includes(id), `${id} is registered but not contributed`);
  for (const id of contributed) assert.ok(registered.includes(id), `${id} is contributed but never registered`);
  for (const c of manifest.contributes.commands) assert.ok(c.title, `${c.command} has a title`);
});

test('engines.vscode accepts 1.100 and @types/vscode is not newer than 1.100', () => {
  assert.ok(accepts(manifest.engines.vscode, '1.100.0'), `engines.vscode ${manifest.engines.vscode} must accept 1.100.0`);
  const declared = manifest.devDependencies['@types/vscode'];
  assert.ok(declared, '@types/vscode is a dev dependency');
  assert.ok(compare(parseVersion(declared.replace(/^[\^~]/, '')), [1, 100, Infinity]) <= 0, `@types/vscode ${declared} is newer than 1.100`);
  assert.ok(!declared.startsWith('^') && !declared.startsWith('~'), `@types/vscode ${declared} must be pinned, not a range`);
  const installed = path.join(REPO, 'node_modules/@types/vscode/package.json');
  if (fs.existsSync(installed)) {
    const version = (JSON.parse(fs.readFileSync(installed, 'utf8')) as { version: string }).version;
    assert.ok(compare(parseVersion(version), [1, 100, Infinity]) <= 0, `installed @types/vscode ${version} is newer than 1.100`);
    // vsce refuses a package whose @types/vscode is newer than the lowest VS Code it claims to support.
    assert.ok(accepts(manifest.engines.vscode, version), `engines.vscode ${manifest.engines.vscode} must accept @types/vscode ${version}`);
  }
});

test('the injection grammar exists and injects into Markdown', () => {
  assert.ok(manifest.contributes.grammars.length >= 1);
  for (const g of manifest.contributes.grammars) {
    const file = path.join(REPO, g.path);
    assert.ok(fs.existsSync(file), `grammar ${g.path} does not exist`);
    const grammar = JSON.parse(fs.readFileSync(file, 'utf8')) as { scopeName?: string };
    assert.equal(grammar.scopeName, g.scopeName, `scopeName of ${g.path}`);
    assert.deepEqual(g.injectTo, ['text.html.markdown']);
  }
});

test('main is the client bundle that scripts/bundle.js writes; the preview style is copied beside it', () => {
  const bundle = require(path.join(REPO, 'scripts/bundle.js')) as {
    builds: { entryPoints: string[]; outfile: string; external?: string[]; sourcemap?: unknown }[];
    copies: { from: string; to: string }[];
  };
  const main = path.normalize(manifest.main);
  const client = bundle.builds.find((b) => path.normalize(b.outfile) === main);
  assert.ok(client, `no build in scripts/bundle.js writes ${manifest.main}`);
  assert.deepEqual(client.entryPoints, ['client/src/extension.ts']);
  assert.ok(client.external?.includes('vscode'), 'vscode stays external');
  const server = bundle.builds.find((b) => path.normalize(b.outfile) === path.join(path.dirname(main), 'server.js'));
  assert.ok(server, 'the server bundle is written next to the client bundle (the client starts server.js beside it)');
  for (const b of bundle.builds) assert.equal(b.sourcemap, false, `${b.outfile} has no source map`);
  for (const style of manifest.contributes['markdown.previewStyles'] ?? []) {
    const copy = bundle.copies.find((c) => path.normalize(c.to) === path.normalize(style));
    assert.ok(copy, `nothing writes the preview style ${style}`);
    assert.ok(fs.existsSync(path.join(REPO, copy.from)), `${copy.from} exists`);
  }
  assert.equal(manifest.contributes['markdown.markdownItPlugins'], true);
});

test('the .vsix ships every bundle but the CLI: client, server (entry and connection), worker, the libraries loaded on first use', () => {
  const bundle = require(path.join(REPO, 'scripts/bundle.js')) as {
    builds: { outfile: string; plugins?: { name: string }[] }[];
    cli: { outfile: string };
    lazy: { request: string; outfile: string }[];
  };
  const lines = fs.readFileSync(path.join(REPO, '.vscodeignore'), 'utf8').split('\n').map((l) => l.trim());
  assert.equal(lines.find((l) => l && !l.startsWith('#')), '**', '.vscodeignore ignores everything first');
  const shipped = new Set(lines.filter((l) => l.startsWith('!')).map((l) => path.normalize(l.slice(1))));
  for (const b of bundle.builds) {
    if (b === bundle.cli) assert.ok(!shipped.has(path.normalize(b.outfile)), `${b.outfile} stays out of the .vsix`);
    else assert.ok(shipped.has(path.normalize(b.outfile)), `.vscodeignore re-includes ${b.outfile}`);
  }
  // The libraries: each built into a file of its own beside the server's bundles, which require it from there.
  const server = bundle.builds.find((b) => path.basename(b.outfile) === 'server.js')!;
  assert.deepEqual(bundle.lazy.map((l) => path.basename(l.outfile)).sort(), ['katex.js', 'mathjax.js', 'mathjs.js']);
  for (const lib of bundle.lazy) {
    assert.ok(bundle.builds.some((b) => b.outfile === lib.outfile), `a build writes ${lib.outfile}`);
    assert.equal(path.dirname(lib.outfile), path.dirname(server.outfile), `${lib.outfile} sits beside the server`);
  }
  for (const name of ['server.js', 'connection.js', 'worker.js']) {
    const b = bundle.builds.find((x) => path.basename(x.outfile) === name);
    assert.ok(b?.plugins?.some((p) => p.name === 'separate-files'), `${name} leaves the libraries outside`);
  }
});

test('activation, and the icon is a 128×128 PNG', () => {
  assert.ok(manifest.activationEvents.includes('onLanguage:markdown'));
  assert.ok(manifest.activationEvents.includes('onLanguage:plaintext'));
  const png = fs.readFileSync(path.join(REPO, manifest.icon));
  assert.equal(png.subarray(1, 4).toString('ascii'), 'PNG');
  assert.equal(png.subarray(12, 16).toString('ascii'), 'IHDR');
  assert.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20)], [128, 128]);
});

// Issue 14, item 13: a cloned repository's .vscode/settings.json could set 500 macros of 2,000 characters and a
// budget of 60 s (the server's clamp; package.json said 10 s), in Restricted Mode too.
test('issue 14 item 13: Restricted Mode restricts macros and the budget; one budget bound everywhere; no virtual-workspace claim', () => {
  const untrusted = manifest.capabilities.untrustedWorkspaces;
  assert.equal(untrusted.supported, 'limited');
  assert.ok(untrusted.description && untrusted.description.length > 20);
  assert.deepEqual([...(untrusted.restrictedConfigurations ?? [])].sort(), ['calcnotes.macros', 'calcnotes.timeBudgetMs']);
  const budget = manifest.contributes.configuration.properties['calcnotes.timeBudgetMs'];
  assert.equal(budget.minimum, MIN_BUDGET_MS);
  assert.equal(budget.maximum, MAX_BUDGET_MS);
  assert.equal(mergeSettings({ timeBudgetMs: 1e9 }).timeBudgetMs, budget.maximum);
  assert.equal(mergeSettings({ timeBudgetMs: 1 }).timeBudgetMs, budget.minimum);
  // The client's document selector takes file and untitled notes only: a virtual workspace would get nothing.
  const client = fs.readFileSync(path.join(REPO, 'client/src/extension.ts'), 'utf8');
  const schemes = [...client.matchAll(/scheme: '([a-z-]+)'/g)].map((m) => m[1]);
  const virtual = manifest.capabilities.virtualWorkspaces;
  const claimsVirtual = virtual === true || (typeof virtual === 'object' && virtual.supported !== false);
  if (schemes.every((s) => s === 'file' || s === 'untitled')) assert.equal(claimsVirtual, false, 'virtualWorkspaces claimed, but only file and untitled notes are checked');
});
