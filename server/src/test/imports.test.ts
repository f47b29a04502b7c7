/**
 * The layering of the sources (ARCHITECTURE.md): no import cycles in server/src or client/src — a type-only cycle
 * counts too, it is still two modules that each need the other — and the stages import only downwards:
 *
 *   scan → parse → interpret / semantics → check → engine → features (lsp/, cli/, the client)
 *
 * and the features come in through one door: lsp/ and cli/ ask the engine (engine.ts, report.ts), never parse/,
 * interpret/, semantics/ or check/ directly. config/ (the project's macros files) is read by the features and
 * imports no stage.
 *
 * The finder reads the .ts sources themselves (not the compiled .js, where type-only imports are gone).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';

const REPO = path.resolve(__dirname, '../../..');

/** File (relative to its root, `/`-separated) → the files it imports, relative to the same root. */
type Graph = Map<string, string[]>;

// ---- the finder --------------------------------------------------------------------------------------------

/** Every module specifier a source imports: `import`, `import type`, `export … from`, `import()`, `require()`. */
export function importsOf(source: string): string[] {
  return ts.preProcessFile(source, true, true).importedFiles.map((f) => f.fileName);
}

/**
 * A relative specifier resolved against the importing file, relative to `root` (`../x` when it leaves the root);
 * null for a package.
 */
export function resolveImport(from: string, spec: string, exists: (file: string) => boolean): string | null {
  if (!spec.startsWith('.')) return null;
  const base = path.posix.normalize(path.posix.join(path.posix.dirname(from), spec)).replace(/\.js$/, '');
  for (const candidate of [`${base}.ts`, `${base}/index.ts`]) if (exists(candidate)) return candidate;
  return base;
}

/** The import graph of the .ts files under `root`. */
function graphOf(root: string): Graph {
  const files: string[] = [];
  const walkDir = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walkDir(p);
      else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) files.push(path.relative(root, p).split(path.sep).join('/'));
    }
  };
  walkDir(root);
  const known = new Set(files);
  const graph: Graph = new Map();
  for (const f of files) {
    const targets = importsOf(fs.readFileSync(path.join(root, f), 'utf8'))
      .map((spec) => resolveImport(f, spec, (c) => known.has(c)))
      .filter((t): t is string => t !== null);
    graph.set(f, [...new Set(targets)]);
  }
  return graph;
}

/** Every cycle of the graph, one per strongly connected component, each as a path `a → b → … → a`. */
export function findCycles(graph: Graph): string[][] {
  // Tarjan's strongly connected components (iterative deepening is not needed at this size).
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const visit = (v: string) => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        if (!graph.has(w)) continue; // outside the graph (a package, another root)
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || (graph.get(v) ?? []).includes(v)) components.push(component);
    }
  };
  for (const v of [...graph.keys()].sort()) if (!index.has(v)) visit(v);
  // A concrete cycle through each component: from its first file, a shortest way back to it inside the component.
  return components.map((component) => {
    const inside = new Set(component);
    const start = [...component].sort()[0];
    const previous = new Map<string, string>();
    const queue = [start];
    while (queue.length) {
      const v = queue.shift()!;
      for (const w of graph.get(v) ?? []) {
        if (!inside.has(w)) continue;
        if (w === start) {
          const cycle = [start];
          for (let u: string | undefined = v; u !== undefined && u !== start; u = previous.get(u)) cycle.splice(1, 0, u);
          cycle.push(start);
          return cycle;
        }
        if (!previous.has(w)) {
          previous.set(w, v);
          queue.push(w);
        }
      }
    }
    return [...component, component[0]];
  });
}

/** The stage of a file under server/src: its folder, or its name for a file at the top (`engine`, `server`). */
export function stageOf(file: string): string {
  const first = file.split('/')[0];
  return first.replace(/\.ts$/, '');
}

const isTest = (file: string) => file.endsWith('.test.ts') || file.startsWith('test/');

/** The engine layer: what the features call (check/ must not reach up to it). */
const ENGINE = ['engine', 'engineCache', 'report'];

/** Stage → stages it must not import. */
export const FORBIDDEN: Record<string, string[]> = {
  scan: ['parse', 'interpret', 'semantics', 'check', 'render', 'lsp', 'cli', 'server', 'connection', ...ENGINE],
  parse: ['interpret', 'semantics', 'check', 'render', 'lsp', 'cli', 'server', 'connection', ...ENGINE],
  semantics: ['check', 'render', 'lsp', 'cli', 'server', 'connection', ...ENGINE],
  check: ['lsp', 'cli', 'server', 'connection', ...ENGINE],
  // One door: the features ask the engine (engine.ts, report.ts), never a stage behind it.
  lsp: ['parse', 'interpret', 'semantics', 'check', 'engineCache'],
  cli: ['parse', 'interpret', 'semantics', 'check', 'engineCache'],
  // Reading the project's configuration is file reading only: it gives TeX for the engine and knows no stage.
  config: ['scan', 'parse', 'interpret', 'semantics', 'check', 'render', 'lsp', 'cli', 'server', 'connection', ...ENGINE],
  // Note formats (notebooks, LaTeX) become note text before any stage reads them: they know none of them.
  formats: ['scan', 'parse', 'interpret', 'semantics', 'check', 'render', 'lsp', 'cli', 'server', 'connection', 'config', 'library', ...ENGINE],
  // The library of functions is data every stage reads: it knows none of them.
  library: ['scan', 'parse', 'interpret', 'semantics', 'check', 'render', 'lsp', 'cli', 'server', 'connection', 'config', ...ENGINE],
};

/** Violations of the stage direction, as `from → to` lines. Tests may import anything. */
export function layeringViolations(graph: Graph): string[] {
  const out: string[] = [];
  for (const [from, targets] of graph) {
    if (isTest(from)) continue;
    const stage = stageOf(from);
    for (const to of targets) {
      const target = stageOf(to);
      if (target === stage) continue;
      if (FORBIDDEN[stage]?.includes(target)) out.push(`${from} → ${to} (${stage} must not import ${target})`);
      // The LSP layer is the server's own: only the server's entry points (server.ts, the connection it loads, and
      // worker.ts for its checker thread), the LSP layer and the CLI reach into it.
      if (target === 'lsp' && !['server', 'connection', 'worker', 'lsp', 'cli'].includes(stage)) out.push(`${from} → ${to} (only server.ts, connection.ts, worker.ts, lsp/ and cli/ import lsp/)`);
    }
  }
  return out.sort();
}

const describeCycles = (cycles: string[][]) => cycles.map((c) => c.join(' → ')).join('\n');

// ---- the finder, on small graphs ---------------------------------------------------------------------------

test('imports: the cycle finder finds a cycle, a self-import and nothing in a tree', () => {
  const g = (o: Record<string, string[]>): Graph => new Map(Object.entries(o));
  assert.deepEqual(findCycles(g({ 'a.ts': ['b.ts'], 'b.ts': ['c.ts'], 'c.ts': ['a.ts'], 'd.ts': ['a.ts'] })), [['a.ts', 'b.ts', 'c.ts', 'a.ts']]);
  assert.deepEqual(findCycles(g({ 'a.ts': ['a.ts'] })), [['a.ts', 'a.ts']]);
  assert.deepEqual(findCycles(g({ 'a.ts': ['b.ts', 'c.ts'], 'b.ts': ['c.ts', 'fs'], 'c.ts': [] })), []);
  // Two separate cycles are both reported; a cycle through a chord is reported by its shortest way back.
  const two = findCycles(g({ 'x/a.ts': ['x/b.ts'], 'x/b.ts': ['x/a.ts', 'y/c.ts'], 'y/c.ts': ['y/d.ts'], 'y/d.ts': ['y/e.ts', 'y/c.ts'], 'y/e.ts': ['y/c.ts'] }));
  assert.deepEqual(two.map((c) => c.join(' ')).sort(), ['x/a.ts x/b.ts x/a.ts', 'y/c.ts y/d.ts y/c.ts']);
});

test('imports: type-only imports, re-exports and multi-line imports are edges; imports in comments are not', () => {
  const source = [
    "import type { A } from './a';",
    "export { B } from '../b';",
    'import {',
    '  C,',
    "} from './c.js';",
    "/** import { D } from './d'; */",
    "// import { E } from './e';",
    "const f: typeof import('./f') = require('./g');",
    "import * as fs from 'fs';",
  ].join('\n');
  assert.deepEqual(importsOf(source).sort(), ['../b', './a', './c.js', './f', './g', 'fs']);
  const exists = (f: string) => ['x/a.ts', 'x/c.ts', 'b.ts', 'x/f/index.ts'].includes(f);
  assert.equal(resolveImport('x/y.ts', './a', exists), 'x/a.ts');
  assert.equal(resolveImport('x/y.ts', './c.js', exists), 'x/c.ts');
  assert.equal(resolveImport('x/y.ts', '../b', exists), 'b.ts');
  assert.equal(resolveImport('x/y.ts', './f', exists), 'x/f/index.ts');
  assert.equal(resolveImport('x/y.ts', 'fs', exists), null);
});

test('imports: the stage rules catch an import against the direction', () => {
  const g: Graph = new Map([
    ['scan/a.ts', ['parse/b.ts', 'scan/c.ts']],
    ['parse/b.ts', ['scan/c.ts']],
    ['check/d.ts', ['engine.ts', 'parse/b.ts']],
    ['render/e.ts', ['lsp/hover.ts']],
    ['cli/main.ts', ['lsp/protocol.ts']],
    ['check/d.test.ts', ['lsp/protocol.ts', 'engine.ts']],
  ]);
  assert.deepEqual(layeringViolations(g), [
    'check/d.ts → engine.ts (check must not import engine)',
    'render/e.ts → lsp/hover.ts (only server.ts, connection.ts, worker.ts, lsp/ and cli/ import lsp/)',
    'scan/a.ts → parse/b.ts (scan must not import parse)',
  ]);
});

// ---- the repository ----------------------------------------------------------------------------------------

test('imports: server/src has no import cycle', () => {
  const cycles = findCycles(graphOf(path.join(REPO, 'server/src')));
  assert.equal(cycles.length, 0, `import cycles in server/src:\n${describeCycles(cycles)}`);
});

test('imports: client/src has no import cycle', () => {
  const cycles = findCycles(graphOf(path.join(REPO, 'client/src')));
  assert.equal(cycles.length, 0, `import cycles in client/src:\n${describeCycles(cycles)}`);
});

test('imports: server/src imports in the stage direction', () => {
  const violations = layeringViolations(graphOf(path.join(REPO, 'server/src')));
  assert.deepEqual(violations, [], `imports against the stage direction:\n${violations.join('\n')}`);
});

test('imports: the client never runs the checker — client/src imports nothing of the server but its protocol', () => {
  const dir = path.join(REPO, 'client/src');
  const imported: string[] = [];
  for (const [file] of graphOf(dir)) {
    for (const spec of importsOf(fs.readFileSync(path.join(dir, file), 'utf8'))) if (spec.includes('server/')) imported.push(`${file} → ${spec}`);
  }
  assert.ok(imported.length > 0);
  for (const line of imported) assert.match(line, /→ (\.\.\/)+server\/out\/lsp\/protocol$/, line);
});
