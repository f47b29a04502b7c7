#!/usr/bin/env node
/**
 * `npm run bench` — speed and memory of calcnotes on a long generated note (not a test: it prints figures).
 * Runs the compiled code in server/out (run `npm run build` first).
 *
 * The note is generated deterministically (seeded): ~5,000 lines of Markdown with ~1,000 claims of mixed kinds
 * (server/src/testing/notes.ts). Figures, each a median unless said otherwise:
 *   cold            a fresh `node server/out/cli/main.js check --format json note.md`, process start to exit (3 runs)
 *   warm            `checkDocument` on the note in this process with a fresh cache (the path of a CLI run and of the
 *                   server's first check of a note: a repeated formula or claim is checked once), after a warm-up run
 *                   (median of 7); the figure with no cache at all, interleaved with it, is printed beside it
 *   incremental     the language server over stdio: didChange of one character inside one formula until the next
 *                   publishDiagnostics (5 edits); the server waits 150 ms (its debounce) before checking, and that
 *                   wait is subtracted from the figure (the raw time is printed too)
 *   hover p95       200 hovers on random formulas of the open note, after warm-up hovers (95th percentile)
 *   rss             the server's resident memory (VmRSS) after opening ten such notes (seeds 1..10) and waiting
 *                   for all their diagnostics
 *   cli start       (printed, not in the JSON) the CLI on a one-claim note against `node -e 0`, medians of 7
 * The last line of output is one JSON object with exactly these keys:
 *   {"cold_ms":…,"warm_ms":…,"incremental_ms":…,"hover_p95_ms":…,"rss_mb":…,"claims":…}
 * Bounded: the whole run is killed after BENCH_TIMEOUT_MS (default 5 minutes), and the server it started with it.
 *
 * `npm run bench -- --real [folder]` — real notes instead (default ../shared/corpus when it exists): the folder
 * checked as the CLI checks it (the process, median of 3, and where its time goes: the CPU time of its main thread
 * and of V8's background threads, on Linux; then in this process, a first run and the median of 3 more, each
 * with a fresh cache), printing notes/s, claims/s, the time per checked claim (p50, p95, max: checkClaim alone)
 * and the slowest claims with their text; the ratio to SymPy where python3 has SymPy. Its last line is a JSON
 * object: {"notes":…,"claims":…,"cli_ms":…,"first_ms":…,"warm_ms":…,"notes_per_s":…,"claims_per_s":…,
 * "claim_p50_ms":…,"claim_p95_ms":…,"claim_max_ms":…}.
 *
 * The CLI measured is the bundle dist/cli.js (what package.json `bin` runs; `npm run build` writes it) when it is
 * at least as new as server/out/cli/main.js, else the latter. Targets are printed, never asserted.
 */
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawn, spawnSync } = require('child_process');

const ROOT = path.resolve(__dirname, '..');
const OUT = path.join(ROOT, 'server', 'out');
const UNBUNDLED_CLI = path.join(OUT, 'cli', 'main.js');
const BUNDLED_CLI = path.join(ROOT, 'dist', 'cli.js');
const CLI = fs.existsSync(BUNDLED_CLI) && fs.existsSync(UNBUNDLED_CLI) && fs.statSync(BUNDLED_CLI).mtimeMs >= fs.statSync(UNBUNDLED_CLI).mtimeMs ? BUNDLED_CLI : UNBUNDLED_CLI;
const SERVER = path.join(OUT, 'server.js');
const DEBOUNCE_MS = 150; // CalcnotesService's default debounce after a change
const TIMEOUT_MS = Number(process.env.BENCH_TIMEOUT_MS) || 5 * 60_000;
const STEP_TIMEOUT_MS = 60_000;

const TARGETS = { cold_ms: 1500, warm_ms: 250, incremental_ms: 20, hover_p95_ms: 20, rss_mb: 150 };
/** CLI start: at most this much more than `node -e 0` on a one-claim note (issue 14). */
const START_OVER_NODE_MS = 100;
/** Real notes: about 1,400 claims checked in at most 1 s; SymPy at least 200 times slower per claim (issue 14). */
const REAL_CLAIMS_PER_S = 1400;
const SYMPY_RATIO = 200;

const argv = process.argv.slice(2);
const realAt = argv.indexOf('--real');
const REAL = realAt >= 0;
const REAL_DIR = REAL ? path.resolve(argv[realAt + 1] && !argv[realAt + 1].startsWith('--') ? argv[realAt + 1] : path.join(ROOT, '..', 'shared', 'corpus')) : null;

if (!fs.existsSync(UNBUNDLED_CLI) || !fs.existsSync(path.join(OUT, 'testing', 'notes.js'))) {
  console.error('bench: server/out is missing or stale; run `npm run build` first');
  process.exit(2);
}

const { generateNote, seededRng } = require(path.join(OUT, 'testing', 'notes.js'));
const { CheckCache, checkDocument, summarize } = require(path.join(OUT, 'engine.js'));
const { LineMap } = require(path.join(OUT, 'scan', 'lines.js'));
const { createMessageConnection, StreamMessageReader, StreamMessageWriter } = require('vscode-jsonrpc/node');

let server = null;
const watchdog = setTimeout(() => {
  console.error(`bench: timed out after ${TIMEOUT_MS} ms`);
  if (server && server.exitCode === null) server.kill('SIGKILL');
  process.exit(3);
}, TIMEOUT_MS);
watchdog.unref();

const now = () => Number(process.hrtime.bigint()) / 1e6;
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
};
const quantile = (xs, q) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)];
};
const round = (x, d = 1) => Math.round(x * 10 ** d) / 10 ** d;
const line = (label, value, unit, target, extra = '') =>
  console.log(
    `${label.padEnd(13)} ${String(round(value)).padStart(8)} ${unit.padEnd(3)} target ≤ ${String(target).padEnd(5)} ${value <= target ? 'ok  ' : 'MISS'}${extra ? `  ${extra}` : ''}`,
  );

function withTimeout(p, what, ms = STEP_TIMEOUT_MS) {
  let timer;
  const t = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

/** Median time of `node -e 0` and of the CLI checking a one-claim note, interleaved. */
function cliStart(dir) {
  const file = path.join(dir, 'one-claim.md');
  fs.writeFileSync(file, '# One claim\n\nWe have $\\frac{d}{dx} x^2 = 2x$.\n');
  const bare = [];
  const cli = [];
  for (let i = 0; i < 7; i++) {
    let t0 = now();
    spawnSync(process.execPath, ['-e', '0'], { timeout: STEP_TIMEOUT_MS });
    bare.push(now() - t0);
    t0 = now();
    const r = spawnSync(process.execPath, [CLI, 'check', file], { encoding: 'utf8', timeout: STEP_TIMEOUT_MS });
    cli.push(now() - t0);
    if (r.status !== 0) throw new Error(`the CLI failed on a one-claim note (status ${r.status}): ${r.stderr}`);
  }
  return { node: median(bare), cli: median(cli) };
}

/**
 * The CLI run once more with a preloaded reporter: CPU time of its main thread and of its other threads at exit
 * (/proc/self/task/<tid>/schedstat, nanoseconds on the CPU), and the time since process start. Null where /proc
 * has no schedstat (not Linux).
 */
function cliThreads(dir, cliArgs) {
  if (!fs.existsSync(`/proc/${process.pid}/task/${process.pid}/schedstat`)) return null;
  const reporter = path.join(dir, 'threads-reporter.js');
  fs.writeFileSync(
    reporter,
    `'use strict';
const fs = require('fs');
process.on('exit', () => {
  try {
    const cpu = (t) => Number(fs.readFileSync('/proc/self/task/' + t + '/schedstat', 'utf8').split(' ')[0]) / 1e6;
    const tasks = fs.readdirSync('/proc/self/task');
    const main = cpu(String(process.pid));
    const all = tasks.reduce((sum, t) => sum + cpu(t), 0);
    fs.writeFileSync(${JSON.stringify(path.join(dir, 'threads.json'))}, JSON.stringify({ main, others: all - main, count: tasks.length - 1, wall: performance.now() }));
  } catch {}
});
`,
  );
  const r = spawnSync(process.execPath, ['--require', reporter, ...cliArgs], { encoding: 'utf8', maxBuffer: 256 << 20, timeout: 5 * STEP_TIMEOUT_MS });
  if (r.status !== 0 && r.status !== 1) return null;
  try {
    return JSON.parse(fs.readFileSync(path.join(dir, 'threads.json'), 'utf8'));
  } catch {
    return null;
  }
}

function startLine(start) {
  const over = start.cli - start.node;
  line('cli start', over, 'ms', START_OVER_NODE_MS, `over \`node -e 0\` on a one-claim note, medians of 7 (${path.relative(ROOT, CLI)} ${round(start.cli, 0)} ms, node -e 0 ${round(start.node, 0)} ms)`);
}

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'calcnotes-bench-'));
  if (REAL) {
    try {
      realNotes(dir);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    return;
  }
  try {
    await run(dir);
  } finally {
    if (server && server.exitCode === null) server.kill('SIGKILL');
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function run(dir) {
  console.log(`calcnotes bench — ${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown cpu'}), node ${process.version}, ${os.platform()} ${os.arch()}`);
  const notes = [];
  for (let seed = 1; seed <= 10; seed++) notes.push(generateNote(seed));
  const note = notes[0];
  const file = path.join(dir, 'note.md');
  fs.writeFileSync(file, note.text);
  const lineCount = note.text.split('\n').length - 1;

  // ---- warm: checkDocument in this process ---------------------------------------------------------------
  let t0 = now();
  const first = checkDocument(note.text);
  const firstMs = now() - t0;
  const s = summarize([first]);
  console.log(
    `note: ${lineCount} lines, ${(note.text.length / 1024).toFixed(0)} kB, ${first.fragments.length} formulas, ${s.claims} claims ` +
      `(${s.verified} verified, ${s.false} false, ${s.unchecked} not checked)`,
  );
  // Interleaved, so that both variants meet the same garbage-collector state: the language server's path (a
  // fresh cache: what its worker has for a note's first check, and what a CLI run has) and no cache at all.
  const warm = [];
  const nocache = [];
  for (let i = 0; i < 7; i++) {
    t0 = now();
    checkDocument(note.text, {}, new CheckCache());
    warm.push(now() - t0);
    t0 = now();
    checkDocument(note.text, {}, null);
    nocache.push(now() - t0);
  }
  const warmMs = median(warm);
  const nocacheMs = median(nocache);

  // ---- cold: a fresh CLI process --------------------------------------------------------------------------
  const cold = [];
  for (let i = 0; i < 3; i++) {
    t0 = now();
    const r = spawnSync(process.execPath, [CLI, 'check', '--format', 'json', file], { encoding: 'utf8', maxBuffer: 64 << 20, timeout: STEP_TIMEOUT_MS });
    cold.push(now() - t0);
    if (r.status !== 0 && r.status !== 1) throw new Error(`the CLI failed (status ${r.status}): ${r.stderr}`);
    const json = JSON.parse(r.stdout);
    if (json.summary.claims !== s.claims) throw new Error(`the CLI found ${json.summary.claims} claims, the engine ${s.claims}`);
  }
  const coldMs = median(cold);

  // ---- the language server over stdio ---------------------------------------------------------------------
  // Started as the VS Code client starts it (the same Node options).
  const { SERVER_EXEC_ARGV } = require(path.join(OUT, 'lsp', 'protocol.js'));
  server = spawn(process.execPath, [...SERVER_EXEC_ARGV, SERVER, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  server.stderr.on('data', (d) => (stderr += d.toString()));
  const exited = new Promise((resolve) => server.on('exit', (code) => resolve(code)));
  const conn = createMessageConnection(new StreamMessageReader(server.stdout), new StreamMessageWriter(server.stdin));
  /** Waiters for publishDiagnostics: uri → version → resolve. */
  const waiting = new Map();
  const published = new Map();
  conn.onNotification('textDocument/publishDiagnostics', (p) => {
    const at = now();
    published.set(p.uri, { version: p.version, at, diagnostics: p.diagnostics });
    const w = waiting.get(p.uri);
    if (w && (p.version === undefined || p.version >= w.version)) {
      waiting.delete(p.uri);
      w.resolve({ at, params: p });
    }
  });
  conn.onNotification('window/logMessage', () => undefined);
  // The counts of a whole check (a long note's first part is published before the whole note: lsp/service.ts).
  const statusWaiting = new Map();
  conn.onNotification('calcnotes/status', (p) => {
    const w = statusWaiting.get(p.uri);
    if (w) {
      statusWaiting.delete(p.uri);
      w({ at: now(), params: p });
    }
  });
  conn.listen();
  const diagnosticsFor = (uri, version) => withTimeout(new Promise((resolve) => waiting.set(uri, { version, resolve })), `diagnostics of ${uri} v${version}`);
  const wholeCheckOf = (uri) => withTimeout(new Promise((resolve) => statusWaiting.set(uri, resolve)), `the whole check of ${uri}`);

  await withTimeout(conn.sendRequest('initialize', { processId: process.pid, rootUri: null, capabilities: {} }), 'initialize');
  conn.sendNotification('initialized', {});
  await new Promise((r) => setTimeout(r, 500)); // the server warms its renderer up 300 ms after `initialized`

  const uriOf = (i) => `file:///bench/note-${i + 1}.md`;
  const uri = uriOf(0);
  let text = note.text;
  let version = 1;
  t0 = now();
  let wait = wholeCheckOf(uri);
  conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'markdown', version, text } });
  await wait;
  const openMs = now() - t0;

  // Incremental: one-character edits inside formulas, spread over the note.
  const rng = seededRng(12345);
  const sites = note.editSites;
  const incremental = [];
  for (let i = 0; i < 5; i++) {
    const at = sites[Math.floor(((i + 0.5) / 5) * sites.length)];
    const old = text[at];
    const digit = String((Number(old) % 9) + 1);
    const lines = new LineMap(text);
    const range = { start: lines.positionAt(at), end: lines.positionAt(at + 1) };
    text = text.slice(0, at) + digit + text.slice(at + 1);
    version++;
    wait = diagnosticsFor(uri, version);
    t0 = now();
    conn.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ range, text: digit }] });
    const got = await wait;
    incremental.push(got.at - t0);
  }
  const incrementalRaw = median(incremental);
  const incrementalMs = Math.max(0, incrementalRaw - DEBOUNCE_MS);

  // Hovers on random formulas (the text only changed digit for digit, so offsets are those of the last check).
  const report = checkDocument(text);
  const lines = new LineMap(text);
  const formulas = report.fragments.filter((f) => f.delimiter !== 'bare-inline');
  const positionOf = () => {
    const f = formulas[Math.floor(rng() * formulas.length)];
    return lines.positionAt(f.start + Math.floor(rng() * Math.max(1, f.end - f.start)));
  };
  const hoverOnce = async () => {
    const position = positionOf();
    const h0 = now();
    const h = await withTimeout(conn.sendRequest('textDocument/hover', { textDocument: { uri }, position }), 'hover');
    const ms = now() - h0;
    if (!h || !/data:image\/svg\+xml/.test(h.contents.value)) throw new Error(`a hover without a rendered formula at ${JSON.stringify(position)}`);
    return ms;
  };
  for (let i = 0; i < 20; i++) await hoverOnce();
  const hovers = [];
  for (let i = 0; i < 200; i++) hovers.push(await hoverOnce());
  const hoverP95 = quantile(hovers, 0.95);

  // Memory: ten notes open.
  t0 = now();
  const opened = [];
  for (let i = 1; i < notes.length; i++) {
    opened.push(wholeCheckOf(uriOf(i)));
    conn.sendNotification('textDocument/didOpen', { textDocument: { uri: uriOf(i), languageId: 'markdown', version: 1, text: notes[i].text } });
  }
  await withTimeout(Promise.all(opened), 'diagnostics of ten notes', 240_000);
  const tenMs = now() - t0;
  await new Promise((r) => setTimeout(r, 200));
  const status = fs.readFileSync(`/proc/${server.pid}/status`, 'utf8');
  const rssKb = Number(/VmRSS:\s+(\d+)\s+kB/.exec(status)?.[1] ?? NaN);
  const hwmKb = Number(/VmHWM:\s+(\d+)\s+kB/.exec(status)?.[1] ?? NaN);
  const rssMb = rssKb / 1024;

  await withTimeout(conn.sendRequest('shutdown'), 'shutdown', 10_000).catch(() => undefined);
  conn.sendNotification('exit');
  const code = await withTimeout(exited, 'the server to exit', 5_000).catch(() => null);
  if (server.exitCode === null) server.kill('SIGKILL');
  conn.dispose();
  if (code !== 0 && stderr) console.log(`server stderr: ${stderr.slice(-2000)}`);

  const start = cliStart(dir);

  console.log('');
  line('cold', coldMs, 'ms', TARGETS.cold_ms, `CLI process start to exit, median of 3 (${cold.map((x) => round(x, 0)).join(', ')}; ${path.relative(ROOT, CLI)})`);
  line('warm', warmMs, 'ms', TARGETS.warm_ms, `checkDocument with a fresh cache, median of 7 after a warm-up (first run in this process ${round(firstMs, 0)} ms); ${round((warmMs / s.claims) * 1000, 0)} µs per claim; with no cache at all ${round(nocacheMs, 0)} ms`);
  line(
    'incremental',
    incrementalMs,
    'ms',
    TARGETS.incremental_ms,
    `server re-check after a 1-character edit, median of 5, the ${DEBOUNCE_MS} ms debounce subtracted (raw ${round(incrementalRaw, 0)} ms: ${incremental.map((x) => round(x, 0)).join(', ')}); first check on open ${round(openMs, 0)} ms`,
  );
  line('hover p95', hoverP95, 'ms', TARGETS.hover_p95_ms, `200 hovers over stdio, median ${round(median(hovers), 2)} ms, max ${round(Math.max(...hovers), 1)} ms`);
  line('rss', rssMb, 'MB', TARGETS.rss_mb, `server VmRSS with ten notes open (peak VmHWM ${round(hwmKb / 1024, 0)} MB; the nine further notes checked in ${round(tenMs / 1000, 1)} s)`);
  startLine(start);
  console.log(
    JSON.stringify({
      cold_ms: round(coldMs),
      warm_ms: round(warmMs),
      incremental_ms: round(incrementalMs),
      hover_p95_ms: round(hoverP95, 2),
      rss_mb: round(rssMb),
      claims: s.claims,
    }),
  );
}

/**
 * Real notes: the folder as the CLI checks it. Time per claim is that of checkClaim alone (the verdict of one
 * claim; a claim the run's cache already knows is not checked again), measured by wrapping the compiled module's
 * export, which the engine calls through.
 */
/** At most this many claims go to SymPy (each may take seconds). */
const SYMPY_MAX = 300;
/** Claims for SymPy by their LaTeX, with our fastest time for each over the timed runs. */
const sympyClaims = new Map();

/**
 * A claim's two sides for SymPy, written from the parse tree so that SymPy does the calculus itself (derivatives
 * stay `diff(…)`): only claims that need nothing of the note (no defined name, no abstract function, no prime) and
 * use plain notation; null otherwise.
 */
function sympySides(claim) {
  const bound = (name) => claim.context.bindings.has(name);
  const l = treeToSympy(claim.lhs.node, bound);
  const r = treeToSympy(claim.rhs.node, bound);
  return l && r ? { l, r } : null;
}

const CALL_SYMPY = {
  sin: 'sin', cos: 'cos', tan: 'tan', cot: 'cot', sec: 'sec', csc: 'csc', arcsin: 'asin', arccos: 'acos', arctan: 'atan',
  sinh: 'sinh', cosh: 'cosh', tanh: 'tanh', coth: 'coth', sech: 'sech', csch: 'csch', exp: 'exp', ln: 'log', sqrt: 'sqrt', abs: 'Abs',
};

function treeToSympy(n, bound) {
  const go = (m) => treeToSympy(m, bound);
  const all = (list) => {
    const parts = list.map(go);
    return parts.every((x) => x) ? parts : null;
  };
  switch (n.type) {
    case 'num':
      return Number.isInteger(n.value) ? `Integer(${n.value})` : `Rational(${JSON.stringify(String(n.raw ?? n.value))})`;
    case 'sym':
      if (bound(n.name) || n.font || n.accent) return null;
      if (n.name === 'pi') return 'pi';
      if (n.name === 'e') return 'E';
      return /^[A-Za-z]\w*$/.test(n.name.replace(/_/g, '')) ? `Symbol(${JSON.stringify(n.name.replace(/[^A-Za-z0-9]/g, '_'))}, real=True)` : null;
    case 'neg': {
      const a = go(n.arg);
      return a ? `(-(${a}))` : null;
    }
    case 'add': {
      const t = all(n.terms);
      return t ? `(${t.join(' + ')})` : null;
    }
    case 'mul': {
      if (n.ops.some((o) => o !== 'implicit' && o !== 'cdot' && o !== 'times')) return null;
      const f = all(n.factors);
      return f ? `(${f.join(' * ')})` : null;
    }
    case 'div': {
      const a = go(n.num);
      const b = go(n.den);
      return a && b ? `((${a})/(${b}))` : null;
    }
    case 'pow': {
      const a = go(n.base);
      const b = go(n.exp);
      return a && b ? `((${a})**(${b}))` : null;
    }
    case 'call': {
      const f = CALL_SYMPY[n.name];
      if (!f || n.args.length !== 1 || n.base || n.index) return null;
      const a = go(n.args[0]);
      if (!a) return null;
      const c = `${f}(${a})`;
      if (!n.power) return c;
      const p = go(n.power);
      return p ? `((${c})**(${p}))` : null;
    }
    case 'deriv': {
      if (n.kind === 'nabla' || !n.of || n.wrt.length === 0) return null;
      const of = go(n.of);
      if (!of) return null;
      const vars = [];
      for (const w of n.wrt) {
        const v = go(w.v);
        if (!v || typeof w.order !== 'number') return null;
        vars.push(`${v}, ${w.order}`);
      }
      return `diff(${of}, ${vars.join(', ')})`;
    }
    default:
      return null;
  }
}

/** SymPy deciding the same claims: `simplify(l - r) == 0`, timed per claim in python3 (5 s each at most). */
function sympyRun(claims) {
  const script = [
    'import json, sys, time, signal',
    'from sympy import *',
    'class Late(Exception): pass',
    'def late(*_): raise Late()',
    'signal.signal(signal.SIGALRM, late)',
    'out = []',
    'for c in json.load(sys.stdin):',
    '    t0 = time.perf_counter()',
    '    signal.alarm(5)',
    '    try:',
    '        l, r = eval(c["l"]), eval(c["r"])',
    '        same = simplify(l - r) == 0',
    '        ms = (time.perf_counter() - t0) * 1000',
    '    except Late:',
    '        same, ms = None, 5000.0',
    '    except Exception:',
    '        same, ms = None, (time.perf_counter() - t0) * 1000',
    '    signal.alarm(0)',
    '    out.append({"ms": ms, "same": same})',
    'print(json.dumps(out))',
  ].join('\n');
  const r = spawnSync('python3', ['-c', script], { input: JSON.stringify(claims), encoding: 'utf8', timeout: 30 * 60_000, maxBuffer: 64 << 20 });
  if (r.status !== 0) return null;
  try {
    return JSON.parse(r.stdout);
  } catch {
    return null;
  }
}

function realNotes(dir) {
  if (!fs.existsSync(REAL_DIR) || !fs.statSync(REAL_DIR).isDirectory()) {
    console.error(`bench: no folder ${REAL_DIR} (give one: npm run bench -- --real FOLDER)`);
    process.exit(2);
  }
  console.log(`calcnotes bench, real notes — ${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown cpu'}), node ${process.version}, ${os.platform()} ${os.arch()}`);
  const checkModule = require(path.join(OUT, 'check', 'check.js'));
  const original = checkModule.checkClaim;
  let timings = null;
  let depth = 0;
  checkModule.checkClaim = function timedCheckClaim(claim, options) {
    if (depth > 0 || !timings) return original(claim, options);
    depth++;
    const t0 = now();
    let result;
    try {
      result = original(claim, options);
      return result;
    } finally {
      depth--;
      const ms = now() - t0;
      timings.push({ ms, latex: claim.latex });
      // The same claim for SymPy: our lowering's two sides, SymPy deciding whether they are equal.
      if (result && result.verdict !== 'unchecked') {
        const seen = sympyClaims.get(claim.latex);
        if (seen) seen.ms = Math.min(seen.ms, ms);
        else if (sympyClaims.size < SYMPY_MAX) {
          const pair = sympySides(claim);
          if (pair) sympyClaims.set(claim.latex, { ms, latex: claim.latex, ...pair });
        }
      }
    }
  };
  const { run } = require(path.join(OUT, 'cli', 'main.js'));
  const runOnce = (withTimings) => {
    timings = withTimings ? [] : null;
    const out = [];
    const t0 = now();
    const code = run(['check', '--format', 'json', REAL_DIR], { stdout: (x) => out.push(x), stderr: () => undefined, stderrIsTTY: false });
    const ms = now() - t0;
    if (code !== 0 && code !== 1) throw new Error(`the CLI failed on ${REAL_DIR} (status ${code})`);
    const json = JSON.parse(out.join(''));
    return { ms, json, timings: timings ?? [] };
  };

  // The CLI as a user runs it: one process, start to exit (median of 3).
  const cliArgs = [CLI, 'check', '--format', 'json', REAL_DIR];
  const cliRuns = [1, 2, 3].map(() => {
    const t0 = now();
    const r = spawnSync(process.execPath, cliArgs, { encoding: 'utf8', maxBuffer: 256 << 20, timeout: 5 * STEP_TIMEOUT_MS });
    if (r.status !== 0 && r.status !== 1) throw new Error(`the CLI failed (status ${r.status}): ${r.stderr}`);
    return now() - t0;
  });
  const cliMs = median(cliRuns);
  // Where the CLI's time goes: one more run reports, as it exits, the CPU time of its main thread and of V8's
  // background threads (the optimizing compiler, GC helpers), from /proc (Linux only).
  const threads = cliThreads(dir, cliArgs);

  const first = runOnce(false);
  const runs = [1, 2, 3].map(() => runOnce(true));
  const warmMs = median(runs.map((x) => x.ms));
  const notes = first.json.files.length;
  const claims = first.json.summary.claims;
  // Per claim: the run whose total is the median.
  const mid = [...runs].sort((a, b) => a.ms - b.ms)[1];
  const per = mid.timings.map((t) => t.ms);
  const p50 = per.length ? quantile(per, 0.5) : 0;
  const p95 = per.length ? quantile(per, 0.95) : 0;
  const max = per.length ? Math.max(...per) : 0;
  const start = cliStart(dir);

  console.log(`folder: ${REAL_DIR}: ${notes} notes, ${claims} claims (${first.json.summary.verified} verified, ${first.json.summary.false} false, ${first.json.summary.unchecked} not checked); ${per.length} claims checked (the rest repeat a claim already checked, or are definitions)`);
  console.log('');
  const budget = (claims / REAL_CLAIMS_PER_S) * 1000;
  line('warm', warmMs, 'ms', round(budget, 0), `the folder in this process, fresh cache, median of 3 (first run ${round(first.ms, 0)} ms): ${round(notes / (warmMs / 1000), 1)} notes/s, ${round(claims / (warmMs / 1000), 0)} claims/s (target ${REAL_CLAIMS_PER_S} claims in ≤ 1 s)`);
  console.log(`${'cli'.padEnd(13)} ${String(round(cliMs)).padStart(8)} ms  the CLI process on the folder, start to exit, median of 3 (${path.relative(ROOT, CLI)}; runs ${cliRuns.map((x) => round(x, 0)).join(', ')} ms)`);
  if (threads) {
    console.log(
      `${'cli threads'.padEnd(13)} ${String(round(threads.main, 0)).padStart(8)} ms  CPU of its main thread (checking, loading, parsing and running unoptimized code); ${round(threads.others, 0)} ms CPU of its other threads (V8's optimizing compiler and GC helpers, ${threads.count} threads); ${round(threads.wall, 0)} ms from process start to exit`,
    );
  }
  console.log(`${'per claim'.padEnd(13)} p50 ${round(p50, 2)} ms, p95 ${round(p95, 2)} ms, max ${round(max, 1)} ms (checkClaim, ${per.length} checks)`);
  startLine(start);
  console.log('');
  console.log('slowest claims:');
  for (const t of [...mid.timings].sort((a, b) => b.ms - a.ms).slice(0, 8)) {
    const text = t.latex.replace(/\s+/g, ' ');
    console.log(`  ${round(t.ms, 1).toFixed(1).padStart(7)} ms  ${text.length > 110 ? `${text.slice(0, 107)}…` : text}`);
  }
  console.log('');
  const sympy = spawnSync('python3', ['-c', 'import sympy; print(sympy.__version__)'], { encoding: 'utf8', timeout: 20_000 });
  let sympyRatio = null;
  if (sympy.status === 0) {
    // The claims of the median run that calcnotes decided and SymPy can read (scalar, no abstract functions).
    const mine = [...sympyClaims.values()];
    const theirs = mine.length ? sympyRun(mine) : null;
    if (theirs && theirs.length === mine.length) {
      const ours = quantile(mine.map((c) => c.ms), 0.5);
      const sym = quantile(theirs.map((c) => c.ms), 0.5);
      const agree = theirs.filter((t, i) => t.same !== null).length;
      sympyRatio = sym / Math.max(ours, 1e-6);
      const mean = (xs) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
      const meanRatio = mean(theirs.map((c) => c.ms)) / Math.max(mean(mine.map((c) => c.ms)), 1e-6);
      console.log(`SymPy ${sympy.stdout.trim()} on the same ${mine.length} decided claims (written from the parse tree: SymPy builds both sides, differentiates and decides simplify(l − r) == 0, 5 s each at most): median ${round(sym, 2)} ms per claim vs ${round(ours, 3)} ms for calcnotes — ${round(sympyRatio, 0)}× by the median, ${round(meanRatio, 0)}× by the mean (target ≥ ${SYMPY_RATIO}×); SymPy decided ${agree} of them within its 5 s.`);
    } else {
      console.log(`SymPy ${sympy.stdout.trim()} is installed, but the side-by-side run failed or had no claims: no ratio (target ≥ ${SYMPY_RATIO}× per claim).`);
    }
  } else {
    console.log(`SymPy ratio: not measured — ${sympy.error ? 'python3 is not installed' : 'python3 has no sympy'} (target ≥ ${SYMPY_RATIO}× per claim).`);
  }
  console.log(
    JSON.stringify({
      notes,
      claims,
      cli_ms: round(cliMs),
      first_ms: round(first.ms),
      warm_ms: round(warmMs),
      notes_per_s: round(notes / (warmMs / 1000), 1),
      claims_per_s: round(claims / (warmMs / 1000), 0),
      claim_p50_ms: round(p50, 3),
      claim_p95_ms: round(p95, 3),
      claim_max_ms: round(max, 1),
      ...(sympyRatio !== null ? { sympy_ratio_median: round(sympyRatio, 1) } : {}),
    }),
  );
}

main().then(
  () => {
    clearTimeout(watchdog);
    process.exit(0);
  },
  (e) => {
    console.error(`bench failed: ${e?.stack ?? e}`);
    if (server && server.exitCode === null) server.kill('SIGKILL');
    process.exit(1);
  },
);
