#!/usr/bin/env node
/**
 * End-to-end test of the packaged extension in a real VS Code (code-server 4.100.3 = VS Code 1.100.3), driven
 * like a person drives it, through Debian's Chromium and playwright-core.
 *
 *   npm run test:e2e                            screenshots go to the scratch folder's output/
 *   npm run test:e2e -- --update-screenshots    …and to docs/images/ (the README's pictures)
 *   npm run test:e2e -- --keep                  keep the whole scratch folder (profiles, logs) after a pass
 *
 * Environment: CALCNOTES_E2E_CACHE (where code-server is installed; default ~/.cache/calcnotes-e2e),
 * CALCNOTES_E2E_TIMEOUT_S (bound for everything after the install; default 300).
 *
 * It installs what is missing (e2e/install.js), packages the .vsix with `npm run package`, installs it with
 * `code-server --install-extension`, writes a note into a scratch workspace, starts code-server on 127.0.0.1
 * and Chromium, each in its own process group (the PIDs are printed and only those groups are stopped, also on
 * failure, Ctrl+C or timeout), and checks what a user sees: the squiggle and the Problems panel, the hovers (the
 * message once, everything within VS Code's 250 px, in dark and light themes; a long block's row as an image), the
 * quick fix, a fresh diagnostic after typing, the status item (also with the preview focused), the preview's
 * message on keyboard focus, $z $ and \setcounter without error, a todo.txt left alone, Differentiate Selection,
 * Check All Notes against the CLI and its problems after the editors close. It prints the editor timings of issue
 * 13 point 10 (first diagnostics on a fresh window and for a ~90 KB note on a warm one, typing → squiggle). Then a Jupyter notebook in the notebook editor (the squiggle and
 * hover in the right markdown cell) and a LaTeX file (its diagnostic). Any
 * failing step stops the run with a screenshot of that moment and a non-zero exit.
 */
'use strict';
const fs = require('fs');
const http = require('http');
const net = require('net');
const os = require('os');
const path = require('path');
const { spawn } = require('child_process');
const { ensureInstalled, InstallError } = require('./install');

const ROOT = path.resolve(__dirname, '..');
const SCREENSHOT_DIR = path.join(ROOT, 'docs', 'images');
const argv = process.argv.slice(2);
if (argv.includes('--help') || argv.includes('-h')) {
  console.log('usage: npm run test:e2e [-- --update-screenshots] [-- --keep]');
  process.exit(0);
}
for (const a of argv) {
  if (!['--update-screenshots', '--keep'].includes(a)) {
    console.error(`test:e2e: unknown argument ${a} (known: --update-screenshots, --keep)`);
    process.exit(2);
  }
}
const UPDATE_SCREENSHOTS = argv.includes('--update-screenshots');
const KEEP = argv.includes('--keep');
const TIMEOUT_MS = Number(process.env.CALCNOTES_E2E_TIMEOUT_S || 300) * 1000;

/** The note the user opens: a wrong quotient rule (line 3), a correct chain of steps, a derivative to hover. */
const NOTE = [
  '# Calculus notes',
  '',
  "The quotient rule: $\\left(\\frac{f}{g}\\right)' = \\frac{f'g + fg'}{g^2}$",
  '',
  'A chain of worked steps:',
  '',
  '$$\\frac{d}{dx}\\left(x^2 e^{x}\\right) = 2x e^{x} + x^2 e^{x} = x e^{x}(2 + x)$$',
  '',
  'A derivative to hover: $\\frac{d}{dx}\\sin(x^2) = 2x\\cos(x^2)$',
  '',
].join('\n');
const WRONG_RHS = "\\frac{f'g + fg'}{g^2}";
/** What the user types in step 4 (a new wrong claim), on a new line at the end. */
const TYPED = 'One more: $\\frac{d}{dx}\\cos x = \\sin x$';

/**
 * A notebook (issue 15): a definition in its first markdown cell, a code cell that is not math, and in the third
 * cell a wrong derivative of the defined function — false only because cell 1 defines s.
 */
const NOTEBOOK = JSON.stringify(
  {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: 'python3', display_name: 'Python 3', language: 'python' }, language_info: { name: 'python' } },
    cells: [
      { cell_type: 'markdown', id: 'def', metadata: {}, source: ['## Softplus\n', '\n', 'Let $s(x) = \\ln(1 + e^{x})$.'] },
      { cell_type: 'code', id: 'code', metadata: {}, execution_count: null, outputs: [], source: ['import numpy as np\n', 's = lambda x: np.log1p(np.exp(x))  # s = 1 + x'] },
      { cell_type: 'markdown', id: 'slope', metadata: {}, source: ['Its slope is the logistic function:\n', '\n', "$$s'(x) = \\frac{1}{1 + e^{x}}$$"] },
    ],
  },
  null,
  1,
);
const NOTEBOOK_WRONG = '\\frac{1}{1 + e^{x}}';
/** A LaTeX file: a wrong claim in a comment (never math) and one in a display (the one diagnostic). */
const TEX = [
  '\\documentclass{article}',
  '\\begin{document}',
  '% $\\frac{d}{dx} x^3 = x^2$ is only a comment',
  '\\section{Slopes}',
  '\\[ \\frac{d}{dx} \\sin(3x) = 3\\cos(x) \\]',
  '\\end{document}',
  '',
].join('\n');
const TEX_WRONG = '3\\cos(x)';
/**
 * More notes in the workspace. steps.md: a long aligned block with one wrong row (the hover shows that row), math
 * the preview renders that calcnotes must not call broken ($z $, \setcounter, \label, \tag), an expression to
 * differentiate. todo.txt: plain text that is no math note (never checked). big.md: a ~90 KB note (timed).
 */
const STEPS_ROWS = Array.from({ length: 14 }, (_, i) =>
  i === 9 ? '\\frac{d}{dx} x^3 &= 2x^2' : `\\frac{d}{dx}\\left(x^{${i + 2}} e^{x}\\right) &= ${i + 2}x^{${i + 1}}e^x + x^{${i + 2}}e^x`,
);
const STEPS = [
  '# Steps',
  '',
  'Let $z $ be a real number.',
  '',
  '$$',
  '\\setcounter{equation}{0}',
  '\\begin{aligned}',
  STEPS_ROWS.join(' \\\\\n'),
  '\\end{aligned}',
  '\\label{eq:steps} \\tag{1}',
  '$$',
  '',
  'Differentiate: $\\sin(x^2)$',
  '',
].join('\n');
const TODO = 'budget = 3*40 = 100\nbuy milk\n';
const BIG_TYPED = 'Last: $\\frac{d}{dx}\\cos x = \\sin x$';

/** A ~90 KB note generated like the benchmark's (server/src/testing/notes.ts), cut at a section. */
function bigNote() {
  const { generateNote } = require(path.join(ROOT, 'server', 'out', 'testing', 'notes'));
  const text = generateNote(2).text;
  const cut = text.indexOf('\n## Section', 90000);
  return cut > 0 ? text.slice(0, cut + 1) : text;
}

/** User settings: nothing may cover the editor (walkthroughs, tips, notices), no telemetry, no surprises while typing. */
const USER_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  'extensions.ignoreRecommendations': true,
  'security.workspace.trust.enabled': false,
  'git.enabled': false,
  'git.openRepositoryInParentFolders': 'never',
  'chat.commandCenter.enabled': false,
  'editor.minimap.enabled': false,
  'editor.hover.delay': 300,
  'editor.quickSuggestions': { other: false, comments: false, strings: false },
  'editor.suggestOnTriggerCharacters': false,
  'editor.wordBasedSuggestions': 'off',
  'editor.autoClosingBrackets': 'never',
  'editor.autoClosingQuotes': 'never',
  'editor.autoSurround': 'never',
  'editor.lightbulb.enabled': 'on',
  'editor.fontSize': 15,
  'files.autoSave': 'off',
  'workbench.editor.enablePreview': false,
  'window.commandCenter': false,
};

const T0 = Date.now();
const secs = (ms) => `${(ms / 1000).toFixed(1)} s`;
const clock = () => `[${((Date.now() - T0) / 1000).toFixed(1).padStart(6)} s]`;
const log = (s) => console.log(`${clock()} ${s}`);

/** Everything that must be stopped or removed at the end. */
const state = {
  scratch: '',
  outDir: '',
  /** { name, pid } of the process groups we started. */
  groups: [],
  codeServer: null,
  codeServerLog: '',
  browserServer: null,
  browser: null,
  page: null,
  times: [],
  screenshots: [],
};

class StepError extends Error {}

function check(cond, message) {
  if (!cond) throw new StepError(message);
}

/** Runs one step with a bound; prints its start, its time and its outcome. */
async function step(name, timeoutMs, fn) {
  log(`▶ ${name}`);
  const t = Date.now();
  let timer;
  try {
    const result = await Promise.race([
      fn(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new StepError(`timed out after ${secs(timeoutMs)}`)), timeoutMs);
      }),
    ]);
    const ms = Date.now() - t;
    state.times.push({ name, ms });
    log(`✓ ${name}  (${secs(ms)})`);
    return result;
  } catch (e) {
    const err = e instanceof Error ? e : new Error(String(e));
    err.step = name;
    err.stepMs = Date.now() - t;
    throw err;
  } finally {
    clearTimeout(timer);
  }
}

// ---------------------------------------------------------------- processes

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function groupAlive(pgid) {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitUntil(pred, timeoutMs, intervalMs = 100) {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await pred()) return true;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  return pred();
}

/** Stops one process group we started: SIGTERM, then SIGKILL after a grace period. */
async function stopGroup({ name, pid }) {
  if (!groupAlive(pid)) return;
  try {
    process.kill(-pid, 'SIGTERM');
  } catch {
    /* gone */
  }
  if (!(await waitUntil(() => !groupAlive(pid), 5000))) {
    log(`  ${name} (process group ${pid}) did not stop on SIGTERM: SIGKILL`);
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      /* gone */
    }
    await waitUntil(() => !groupAlive(pid), 3000);
  }
  log(`  stopped ${name} (process group ${pid})${groupAlive(pid) ? ' — STILL ALIVE' : ''}`);
}

/**
 * Processes that still name our scratch folder on their command line once our process groups are gone: Chromium's
 * crash handler (chrome_crashpad_handler) leaves the browser's process group at start (it daemonizes), and exits
 * by itself when the browser has gone. Only processes carrying this run's unique scratch path are considered.
 */
function strays() {
  const found = [];
  if (!state.scratch) return found;
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    let cmd;
    try {
      cmd = fs.readFileSync(`/proc/${name}/cmdline`, 'utf8').replace(/\0/g, ' ');
    } catch {
      continue;
    }
    if (cmd.includes(state.scratch)) found.push({ pid: Number(name), cmd: cmd.slice(0, 120) });
  }
  return found;
}

let cleaning = null;
function cleanup() {
  if (!cleaning) {
    cleaning = (async () => {
      if (state.browser) await state.browser.close().catch(() => undefined);
      if (state.browserServer) {
        await Promise.race([state.browserServer.close().catch(() => undefined), new Promise((r) => setTimeout(r, 5000))]);
      }
      // Reverse order: Chromium first, then code-server.
      for (const g of [...state.groups].reverse()) await stopGroup(g);
      if (!(await waitUntil(() => strays().length === 0, 5000, 200))) {
        for (const p of strays()) {
          log(`  a process of this run outlived its group: ${p.pid} ${p.cmd}: SIGKILL`);
          try {
            process.kill(p.pid, 'SIGKILL');
          } catch {
            /* gone */
          }
        }
      }
    })();
  }
  return cleaning;
}

function tail(file, n) {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(-n).join('\n');
  } catch {
    return '(no log)';
  }
}

function httpStatus(url) {
  return new Promise((resolve) => {
    const req = http.get(url, (res) => {
      res.resume();
      resolve(res.statusCode);
    });
    req.on('error', () => resolve(0));
    req.setTimeout(2000, () => {
      req.destroy();
      resolve(0);
    });
  });
}

/** A child with its own environment (HOME and XDG dirs in the scratch folder, no VS Code variables from outside). */
function scratchEnv(home) {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (k.startsWith('VSCODE_') || k.startsWith('npm_') || k === 'ELECTRON_RUN_AS_NODE') continue;
    env[k] = v;
  }
  return {
    ...env,
    HOME: home,
    XDG_CONFIG_HOME: path.join(home, '.config'),
    XDG_DATA_HOME: path.join(home, '.local', 'share'),
    XDG_CACHE_HOME: path.join(home, '.cache'),
    TMPDIR: path.join(state.scratch, 'tmp'),
  };
}

/**
 * Runs a command to completion in its own process group (registered for cleanup while it runs, so Ctrl+C or the
 * watchdog stops it too), killed after `timeoutMs`. Resolves with its exit status and output.
 */
function runCommand(name, cmd, args, { cwd, env, timeoutMs }) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    const group = { name, pid: child.pid };
    state.groups.push(group);
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        /* gone */
      }
    }, timeoutMs);
    const done = (status, error) => {
      clearTimeout(timer);
      state.groups.splice(state.groups.indexOf(group), 1);
      if (timedOut) out += `\n(${name} killed after ${secs(timeoutMs)})`;
      resolve({ ok: status === 0 && !timedOut, status, out: error ? `${out}\n${error.message}` : out });
    };
    child.on('error', (e) => done(null, e));
    child.on('close', (code) => done(code));
  });
}

// ---------------------------------------------------------------- the page

/**
 * Where editors are: the editor part, and the notebook editor's overlay — VS Code appends a notebook's widget
 * (`.notebookOverlay`, its cells' editors included) to the workbench container and lays it over the editor part,
 * so it is not inside `.part.editor` (which holds only an empty, hidden `.notebook-editor` placeholder).
 */
const EDITORS = ':is(.part.editor, .notebookOverlay)';

/** Screen coordinates of the middle of `needle` in the editor's rendered lines (null when not on screen). */
async function pointOf(page, needle, { at = 0.5 } = {}) {
  return page.evaluate(
    ({ needle, at, EDITORS }) => {
      const lines = document.querySelectorAll(`${EDITORS} .monaco-editor .view-lines .view-line`);
      for (const line of lines) {
        const text = (line.textContent || '').replace(/\u00a0/g, ' ');
        const i = text.indexOf(needle);
        if (i < 0) continue;
        const target = i + Math.min(needle.length - 1, Math.floor(needle.length * at));
        const walker = document.createTreeWalker(line, NodeFilter.SHOW_TEXT);
        let seen = 0;
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
          const len = node.textContent.length;
          if (target < seen + len) {
            const range = document.createRange();
            range.setStart(node, target - seen);
            range.setEnd(node, target - seen + 1);
            const r = range.getBoundingClientRect();
            return { x: r.left + r.width / 2, y: r.top + r.height / 2, top: r.top, bottom: r.bottom, left: r.left, right: r.right };
          }
          seen += len;
        }
      }
      return null;
    },
    { needle, at, EDITORS },
  );
}

async function editorText(page) {
  return page.evaluate(() =>
    [...document.querySelectorAll('.part.editor .monaco-editor .view-lines .view-line')]
      .map((l) => ({ top: parseFloat(l.style.top) || 0, text: (l.textContent || '').replace(/\u00a0/g, ' ') }))
      .sort((a, b) => a.top - b.top)
      .map((l) => l.text)
      .join('\n'),
  );
}

/** The error squiggles in the editor, with their boxes. */
async function squiggles(page) {
  return page.evaluate(
    (EDITORS) =>
      [...document.querySelectorAll(`${EDITORS} .monaco-editor .view-overlays .squiggly-error`)]
        // Not those of a notebook whose overlay is hidden (visibility: hidden keeps their boxes).
        .filter((e) => !e.checkVisibility || e.checkVisibility({ visibilityProperty: true, checkVisibilityCSS: true }))
        .map((e) => {
          const r = e.getBoundingClientRect();
          return { left: r.left, right: r.right, top: r.top, bottom: r.bottom };
        }),
    EDITORS,
  );
}

async function statusText(page, selector) {
  const el = page.locator(selector).first();
  if (!(await el.count())) return null;
  return ((await el.textContent()) || '').replace(/\u00a0/g, ' ').trim();
}

/**
 * The calcnotes status item as the user meets it: its accessible label ("calcnotes: 3 verified, 1 false, 0 not
 * checked") and the icons it shows; null when it is not shown.
 */
async function calcnotesStatus(page) {
  return page.evaluate(() => {
    for (const el of document.querySelectorAll('.part.statusbar .statusbar-item')) {
      if (!/calcnotes/.test(el.id)) continue;
      if (el.offsetParent === null || getComputedStyle(el).display === 'none') return null;
      const a = el.querySelector('a') || el;
      const label = a.getAttribute('aria-label') || el.getAttribute('aria-label') || '';
      const icons = [...el.querySelectorAll('.codicon')].map((i) => [...i.classList].find((c) => c.startsWith('codicon-') && c !== 'codicon-modifier-spin')).join(' ');
      return `${label} [${icons}]`;
    }
    return null;
  });
}

/** The status we expect: the label and the three icons. */
const statusOf = (v, f, u) => `calcnotes: ${v} verified, ${f} false, ${u} not checked [codicon-check codicon-error codicon-circle-outline]`;

/**
 * Notes in the page itself the moment `selector` first matches (`rising`: the moment the first number in the text
 * of what it matches now rises above its value now), as Date.now() in the page — the clock this script reads.
 * Waiting from here adds the round trips to a renderer busy opening a note to what is timed (30–180 ms more in
 * traced runs), and asking every few ms is work for that renderer.
 */
async function watchMoment(page, selector, rising = false) {
  await page.evaluate(
    ({ selector, rising }) => {
      const el = rising ? document.querySelector(selector) : document.body;
      const count = () => Number(((el?.textContent || '').match(/\d+/) || ['NaN'])[0]);
      const before = rising ? count() : 0;
      const reached = () => (rising ? count() > before : document.querySelector(selector) !== null);
      const w = { at: null };
      const obs = new MutationObserver(() => {
        if (w.at === null && reached()) {
          w.at = Date.now();
          obs.disconnect();
        }
      });
      if (el) obs.observe(el, { subtree: true, childList: true, characterData: rising, attributes: true, ...(rising ? {} : { attributeFilter: ['class'] }) });
      window.__calcnotesMoment = w;
    },
    { selector, rising },
  );
}

/** The moment `watchMoment` noted (null: not yet). */
function momentSeen(page) {
  return page.evaluate(() => window.__calcnotesMoment.at);
}

/** With CALCNOTES_TRACE_FILE set (the server writes its timeline there too): a line marking a moment of the run. */
function traceMark(what) {
  if (process.env.CALCNOTES_TRACE_FILE) fs.appendFileSync(process.env.CALCNOTES_TRACE_FILE, `${new Date().toISOString()} ${what}\n`);
}

/** Errors and warnings of the Problems status item ([id="status.problems"]), from its accessible label. */
async function problemCounts(page) {
  const label = await page.locator('[id="status.problems"] a, [id="status.problems"]').first().getAttribute('aria-label');
  const text = await statusText(page, '[id="status.problems"]');
  const nums = (text || '').match(/\d+/g) || [];
  return { label, text, errors: Number(nums[0] ?? NaN), warnings: Number(nums[1] ?? NaN) };
}

/** The screenshots the README shows (only these go to docs/images/ with --update-screenshots). */
const README_SHOTS = new Set(['problems.png', 'hover.png', 'plot-hover.png', 'fixed.png', 'preview.png', 'hover-light.png']);

async function shoot(page, name, options = {}) {
  const file = path.join(state.outDir, name);
  await page.screenshot({ path: file, ...options });
  if (UPDATE_SCREENSHOTS && README_SHOTS.has(name)) {
    fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
    fs.copyFileSync(file, path.join(SCREENSHOT_DIR, name));
  }
  state.screenshots.push(UPDATE_SCREENSHOTS && README_SHOTS.has(name) ? path.join(SCREENSHOT_DIR, name) : file);
  return file;
}

/** Moves the mouse off any word (onto the activity bar), so that the next move onto a word opens a new hover. */
async function mouseAway(page) {
  const box = await page.locator('.part.activitybar').boundingBox();
  await page.mouse.move(box ? box.x + box.width / 2 : 5, box ? box.y + box.height - 10 : 5);
  await page
    .locator('.monaco-hover:not(.hidden)')
    .first()
    .waitFor({ state: 'hidden', timeout: 3000 })
    .catch(() => undefined);
}

/** Hovers over `needle` (re-moving the mouse a few times if VS Code does not open a hover) until `hasText` shows. */
async function hoverOver(page, needle, hasText, timeoutMs) {
  const hover = page.locator('.monaco-hover:not(.hidden)').filter({ hasText }).first();
  const end = Date.now() + timeoutMs;
  for (let attempt = 1; Date.now() < end; attempt++) {
    await mouseAway(page);
    const p = await pointOf(page, needle);
    check(p, `"${needle}" is not on screen in the editor`);
    await page.mouse.move(p.x - 3, p.y);
    await page.mouse.move(p.x, p.y, { steps: 3 });
    try {
      await hover.waitFor({ state: 'visible', timeout: Math.min(5000, Math.max(500, end - Date.now())) });
      return hover;
    } catch {
      log(`  no hover with "${hasText}" yet (attempt ${attempt}); moving off and back on`);
    }
  }
  throw new StepError(`no hover containing "${hasText}" over "${needle}" within ${secs(timeoutMs)}`);
}

/**
 * The hover shows all it holds without scrolling: its scrollable contents are no taller than what is visible, and
 * the plot (when there is one) lies inside the hover's visible box.
 */
async function hoverFits(hover, what) {
  const box = await hover.evaluate((el) => {
    const scroller = el.querySelector('.monaco-scrollable-element') || el;
    const contents = el.querySelector('.hover-contents') ? el : el;
    const r = scroller.getBoundingClientRect();
    const plot = el.querySelector('img[alt="plot"]');
    const p = plot ? plot.getBoundingClientRect() : null;
    const inner = el.querySelector('.monaco-hover-content') || contents;
    return {
      visible: { top: r.top, bottom: r.bottom, height: r.height },
      scrollHeight: inner.scrollHeight,
      clientHeight: inner.clientHeight,
      plot: p && { top: p.top, bottom: p.bottom },
    };
  });
  log(`  ${what}: ${Math.round(box.visible.height)} px visible, contents ${box.scrollHeight} px${box.plot ? `, plot at ${Math.round(box.plot.top - box.visible.top)}–${Math.round(box.plot.bottom - box.visible.top)} px` : ''}`);
  check(box.scrollHeight <= box.clientHeight + 2, `${what} needs scrolling: contents ${box.scrollHeight} px in ${box.clientHeight} px`);
  if (box.plot) check(box.plot.top >= box.visible.top - 1 && box.plot.bottom <= box.visible.bottom + 1, `${what}: the plot ${JSON.stringify(box.plot)} is not inside the visible hover ${JSON.stringify(box.visible)}`);
}

/** Every formula image in the hover: its alt and whether the SVG was decoded (naturalWidth > 0). */
async function hoverImages(hover) {
  return hover.evaluate((el) =>
    [...el.querySelectorAll('.rendered-markdown img')].map((img) => ({
      alt: img.alt,
      svg: img.src.startsWith('data:image/svg+xml'),
      complete: img.complete,
      naturalWidth: img.naturalWidth,
      naturalHeight: img.naturalHeight,
      width: img.getBoundingClientRect().width,
    })),
  );
}

async function waitImagesLoaded(hover, timeoutMs) {
  let imgs = [];
  await waitUntil(async () => {
    imgs = await hoverImages(hover);
    return imgs.length > 0 && imgs.every((i) => i.complete);
  }, timeoutMs);
  return imgs;
}

/** Runs a command from the command palette (F1), by its title. */
async function runCommand_(page, title) {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: 10000 });
  await input.fill(`>${title}`);
  const row = page.locator('.quick-input-widget .monaco-list-row', { hasText: title }).first();
  await row.waitFor({ state: 'visible', timeout: 10000 });
  await page.keyboard.press('Enter');
}

/** Opens a file of the workspace (a click on it in the Explorer, else Ctrl+P) and waits until a line holding `text` shows. */
async function openFile(page, name, text) {
  const line = page.locator('.part.editor .monaco-editor .view-line', { hasText: text }).first();
  const row = page.locator('.explorer-folders-view .monaco-list-row', { hasText: name }).first();
  if (await row.isVisible().catch(() => false)) {
    await row.click();
    if (await line.waitFor({ timeout: 8000 }).then(() => true, () => false)) return;
    log(`  ${name} did not open from the Explorer; trying Ctrl+P`);
  }
  await openQuick(page, name);
  await line.waitFor({ timeout: 15000 });
}

/**
 * Types `typed` where the cursor is and returns the time from the last keystroke to the first frame that shows an
 * error squiggle under the typed line (timed in the page, with its clock); with `row`, also to the first frame
 * whose Problems panel lists `needle` ({ squiggle, row }).
 */
async function typeAndTime(page, typed, needle, row) {
  await page.evaluate(
    ({ needle, marker }) => {
      const w = (window.__calcnotesE2E = { lastKey: 0, squiggle: 0, row: 0, done: false });
      document.addEventListener('keydown', () => ((w.lastKey = performance.now()), (w.squiggle = 0), (w.row = 0)), true);
      const typedLine = () =>
        [...document.querySelectorAll('.part.editor .monaco-editor .view-lines .view-line')].find((l) =>
          (l.textContent || '').replace(/\u00a0/g, ' ').startsWith(marker),
        );
      const frame = () => {
        const now = performance.now();
        if (w.lastKey) {
          const line = typedLine();
          if (!w.squiggle && line) {
            const lr = line.getBoundingClientRect();
            const on = [...document.querySelectorAll('.part.editor .monaco-editor .view-overlays .squiggly-error')].some((e) => {
              const r = e.getBoundingClientRect();
              return r.bottom > lr.top && r.top < lr.bottom + 4;
            });
            if (on) w.squiggle = now;
          }
          if (!w.row && [...document.querySelectorAll('.markers-panel .monaco-list-row')].some((r) => (r.textContent || '').includes(needle))) {
            w.row = now;
          }
        }
        if (!w.done) requestAnimationFrame(frame);
      };
      requestAnimationFrame(frame);
    },
    { needle, marker: typed.slice(0, 9) },
  );
  await page.keyboard.type(typed, { delay: 15 });
  let w;
  const ok = await waitUntil(async () => {
    w = await page.evaluate(() => window.__calcnotesE2E);
    return w.squiggle > 0 && (!row || w.row > 0);
  }, 10000, 50);
  await page.evaluate(() => (window.__calcnotesE2E.done = true));
  check(ok, `no diagnostic for the typed claim within 10 s (squiggle: ${w.squiggle > 0}, Problems row: ${w.row > 0})`);
  const squiggleMs = Math.round(w.squiggle - w.lastKey);
  return row ? { squiggle: squiggleMs, row: Math.round(w.row - w.lastKey) } : squiggleMs;
}

async function openProblems(page) {
  await page.keyboard.press('Control+Shift+M');
  await page.locator('.markers-panel').first().waitFor({ state: 'visible', timeout: 10000 });
}

async function problemRows(page) {
  return page.evaluate(() =>
    [...document.querySelectorAll('.markers-panel .monaco-list-row')].map((r) => (r.textContent || '').replace(/\u00a0/g, ' ').trim()),
  );
}

/** Opens a workspace file by name with Quick Open (Ctrl+P). */
/** Ctrl+P with the file's name typed and its row shown: Enter then opens it (callers time that moment). */
async function quickPick(page, name) {
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: 10000 });
  await input.fill(name);
  await page.locator('.quick-input-widget .monaco-list-row', { hasText: name }).first().waitFor({ timeout: 10000 });
}

/** Opens a file with Ctrl+P and returns at once (a notebook opens outside the text editors' part). */
async function openQuick(page, name) {
  await quickPick(page, name);
  await page.keyboard.press('Enter');
}

// ---------------------------------------------------------------- main

function vsixPath() {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  return path.join(state.scratch, `${pkg.name}-${pkg.version}.vsix`);
}

/** Figures of issue 13 point 10 (ms), printed at the end. */
const timings = {};
let workspaceDir = '';
const TIMING_TARGETS = { fresh: 1500, warm: 500, typing: 300 };

async function main() {
  const installed = await step('install: Chromium and code-server (cached outside the repository)', 25 * 60 * 1000, async () => {
    try {
      const r = await ensureInstalled({ log: (s) => log(`  ${s}`) });
      log(`  ${r.cached ? 'warm' : 'cold'}: ${secs(r.installMs)}`);
      return r;
    } catch (e) {
      if (e instanceof InstallError) throw new StepError(e.message);
      throw e;
    }
  });
  const watchdog = setTimeout(() => {
    failed(new StepError(`the run took longer than ${secs(TIMEOUT_MS)} after the install (CALCNOTES_E2E_TIMEOUT_S)`), 'watchdog');
  }, TIMEOUT_MS);
  watchdog.unref();

  state.scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'calcnotes-e2e-'));
  const dirs = {
    home: path.join(state.scratch, 'home'),
    userData: path.join(state.scratch, 'user-data'),
    extensions: path.join(state.scratch, 'extensions'),
    workspace: path.join(state.scratch, 'workspace'),
    tmp: path.join(state.scratch, 'tmp'),
    out: path.join(state.scratch, 'output'),
  };
  for (const d of Object.values(dirs)) fs.mkdirSync(d, { recursive: true });
  state.outDir = dirs.out;
  log(`scratch folder: ${state.scratch}`);
  const env = scratchEnv(dirs.home);
  const codeServerArgs = (extra) => [
    installed.codeServer,
    '--user-data-dir',
    dirs.userData,
    '--extensions-dir',
    dirs.extensions,
    '--config',
    path.join(state.scratch, 'config.yaml'),
    ...extra,
  ];
  fs.writeFileSync(path.join(state.scratch, 'config.yaml'), 'bind-addr: 127.0.0.1:0\nauth: none\ncert: false\n');

  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  const vsix = vsixPath();
  await step('package the .vsix (npm run package)', 180000, async () => {
    const r = await runCommand('npm run package', 'npm', ['run', 'package', '--', '--out', vsix], { cwd: ROOT, env: process.env, timeoutMs: 170000 });
    fs.writeFileSync(path.join(dirs.out, 'package.log'), r.out);
    check(r.ok && fs.existsSync(vsix), `npm run package failed (exit ${r.status}):\n${r.out.slice(-3000)}`);
    log(`  ${vsix} (${(fs.statSync(vsix).size / 1024).toFixed(0)} KB)`);
  });

  await step('install the .vsix (code-server --install-extension)', 120000, async () => {
    const r = await runCommand('code-server --install-extension', process.execPath, codeServerArgs(['--install-extension', vsix]), { env, timeoutMs: 80000 });
    fs.writeFileSync(path.join(dirs.out, 'install-extension.log'), r.out);
    check(r.ok && /successfully installed/i.test(r.out), `--install-extension failed (exit ${r.status}):\n${r.out}`);
    const list = await runCommand('code-server --list-extensions', process.execPath, codeServerArgs(['--list-extensions', '--show-versions']), { env, timeoutMs: 35000 });
    check(list.ok && list.out.includes(`${pkg.publisher}.${pkg.name}@${pkg.version}`), `the extension is not listed:\n${list.out}`);
    log(`  installed ${pkg.publisher}.${pkg.name}@${pkg.version} into ${dirs.extensions}`);
  });

  // The user's settings, and the note.
  fs.mkdirSync(path.join(dirs.userData, 'User'), { recursive: true });
  fs.writeFileSync(path.join(dirs.userData, 'User', 'settings.json'), JSON.stringify(USER_SETTINGS, null, 2));
  workspaceDir = dirs.workspace;
  state.userDataDir = dirs.userData;
  const notePath = path.join(dirs.workspace, 'note.md');
  fs.writeFileSync(notePath, NOTE);
  fs.writeFileSync(path.join(dirs.workspace, 'softplus.ipynb'), NOTEBOOK);
  fs.writeFileSync(path.join(dirs.workspace, 'lecture.tex'), TEX);
  fs.writeFileSync(path.join(dirs.workspace, 'steps.md'), STEPS);
  fs.writeFileSync(path.join(dirs.workspace, 'todo.txt'), TODO);
  fs.writeFileSync(path.join(dirs.workspace, 'big.md'), bigNote());

  const port = await freePort();
  const url = `http://127.0.0.1:${port}/?folder=${encodeURIComponent(dirs.workspace)}`;
  await step(`start code-server on 127.0.0.1:${port}`, 60000, async () => {
    state.codeServerLog = path.join(dirs.out, 'code-server.log');
    const out = fs.openSync(state.codeServerLog, 'a');
    const child = spawn(
      process.execPath,
      codeServerArgs([
        '--bind-addr',
        `127.0.0.1:${port}`,
        '--auth',
        'none',
        '--disable-workspace-trust',
        '--disable-telemetry',
        '--disable-update-check',
        '--disable-getting-started-override',
        '--ignore-last-opened',
        dirs.workspace,
      ]),
      { env, cwd: dirs.home, stdio: ['ignore', out, out], detached: true },
    );
    fs.closeSync(out);
    state.codeServer = child;
    state.groups.push({ name: 'code-server', pid: child.pid });
    log(`  code-server: pid ${child.pid} (its own process group), log ${state.codeServerLog}`);
    let exited = null;
    child.on('exit', (code, signal) => (exited = signal || code));
    const ok = await waitUntil(async () => exited !== null || (await httpStatus(`http://127.0.0.1:${port}/healthz`)) === 200, 55000, 200);
    check(ok && exited === null, `code-server did not come up (exit: ${exited}):\n${tail(state.codeServerLog, 30)}`);
  });

  const page = await step('start Chromium and open the workbench', 90000, async () => {
    const { chromium } = require('playwright-core');
    // Playwright makes the browser's fresh profile in the temp folder: keep it in the scratch folder.
    process.env.TMPDIR = dirs.tmp;
    state.browserServer = await chromium.launchServer({
      executablePath: installed.chromium,
      headless: true,
      chromiumSandbox: false,
      handleSIGINT: false,
      handleSIGTERM: false,
      handleSIGHUP: false,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
      env: { ...env },
      timeout: 60000,
    });
    const pid = state.browserServer.process().pid;
    state.groups.push({ name: 'chromium', pid });
    log(`  chromium: pid ${pid} (its own process group)`);
    state.browser = await chromium.connect(state.browserServer.wsEndpoint());
    const context = await state.browser.newContext({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 });
    const page = await context.newPage();
    state.page = page;
    page.on('pageerror', (e) => fs.appendFileSync(path.join(dirs.out, 'page-errors.log'), `${e.stack || e}\n`));
    await page.goto(url, { waitUntil: 'domcontentloaded', timeout: 30000 });
    await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: 45000 });
    // The explorer shows the workspace once the workbench has restored.
    await page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'note.md' }).first().waitFor({ timeout: 30000 });
    return page;
  });

  await step('open note.md (Ctrl+P)', 30000, async () => {
    await page.locator('.part.editor').click({ position: { x: 200, y: 200 } });
    await quickPick(page, 'note.md');
    const squiggle = '.part.editor .view-overlays .squiggly-error';
    await watchMoment(page, squiggle);
    const t0 = Date.now();
    traceMark('e2e: open note.md');
    await page.keyboard.press('Enter');
    await page.locator('.part.editor .monaco-editor .view-line', { hasText: 'The quotient rule' }).first().waitFor({ timeout: 15000 });
    timings.freshEditor = Date.now() - t0;
    traceMark('e2e: note.md shown');
    // Fresh window: the extension activates with the first note; its first diagnostics are the first squiggle.
    await page.locator(squiggle).first().waitFor({ state: 'attached', timeout: 40000 });
    const waited = Date.now() - t0;
    const at = await momentSeen(page);
    check(at !== null, 'the page did not note the squiggle');
    timings.fresh = at - t0;
    traceMark('e2e: note.md squiggle');
    log(`  first diagnostics on a fresh window: ${timings.fresh} ms (open → squiggle; the editor showed the note after ${timings.freshEditor} ms; seen from here after ${waited} ms)`);
  });

  // 1. The squiggle under the wrong claim, and its message in the Problems panel.
  const claimMessage = "(f/g)' is not (f'g + fg')/g²";
  await step('1. squiggle under the wrong quotient rule, and its message in the Problems panel', 45000, async () => {
    await page.locator('.part.editor .view-overlays .squiggly-error').first().waitFor({ state: 'attached', timeout: 40000 });
    const sq = await squiggles(page);
    check(sq.length === 1, `expected 1 error squiggle, found ${sq.length}`);
    const p = await pointOf(page, WRONG_RHS);
    check(p, 'the wrong claim is not on screen');
    const s = sq[0];
    check(s.top < p.bottom + 8 && s.bottom > p.top && s.left <= p.x && s.right >= p.x, `the squiggle ${JSON.stringify(s)} is not under the wrong claim ${JSON.stringify(p)}`);
    log(`  squiggle spans x ${Math.round(s.left)}–${Math.round(s.right)} under line 3`);
    await openProblems(page);
    let rows = [];
    const ok = await waitUntil(async () => {
      rows = await problemRows(page);
      return rows.some((r) => r.includes(claimMessage));
    }, 10000);
    check(ok, `the Problems panel does not show "${claimMessage}"; rows: ${JSON.stringify(rows)}`);
    const row = rows.find((r) => r.includes(claimMessage));
    check(/calcnotes/.test(row), `the problem row does not name calcnotes as its source: ${row}`);
    // At a glance: at most ~150 characters, with what was expected (the counterexample is in the hover).
    check(/Expected \(f'g − fg'\)\/g²/.test(row), `the problem row does not say what was expected: ${row}`);
    const message = row.slice(row.indexOf(claimMessage));
    check(message.replace(/calcnotes.*$/, '').length <= 160, `the problem row's message is ${message.length} characters: ${message}`);
    log(`  Problems: ${row.slice(0, 160)}${row.length > 160 ? '…' : ''}`);
    const counts = await problemCounts(page);
    check(counts.errors === 1, `the status bar's problems item says ${JSON.stringify(counts)}, expected 1 error`);
    // The chain's two steps and the derivative are verified, the quotient rule is false.
    const expected = statusOf(3, 1, 0);
    let st;
    const counted = await waitUntil(async () => (st = await calcnotesStatus(page)) === expected, 5000);
    check(counted, `the calcnotes status item says ${JSON.stringify(st)}, expected ${JSON.stringify(expected)}`);
    log(`  calcnotes status: ${st}`);
    await shoot(page, 'problems.png');
  });

  // 2. Hovers: the rendered formula with the counterexample; the computed derivative.
  await step('2. hover: rendered formula (SVG loaded), counterexample and plot; computed derivative and its plot', 60000, async () => {
    await page.keyboard.press('Control+Shift+M'); // close the panel again: more room for the hover
    const hover = await hoverOver(page, WRONG_RHS, '✗ false', 25000);
    const img = page.locator('.monaco-hover:not(.hidden) .rendered-markdown img[src^="data:image/svg+xml"]').first();
    await img.waitFor({ state: 'visible', timeout: 10000 });
    const imgs = await waitImagesLoaded(hover, 10000);
    check(imgs.length >= 1, 'the hover has no formula image');
    for (const i of imgs) check(i.svg && i.complete && i.naturalWidth > 0, `a hover image did not load: ${JSON.stringify(i)}`);
    const text = ((await hover.textContent()) || '').replace(/\u00a0/g, ' ');
    // The counterexample the Problems message left out, beside the formula.
    check(/at x = .*\(f = .*\): the left side is .*, the right side/.test(text), `no counterexample in the hover: ${text}`);
    const plot = imgs.find((i) => i.alt === 'plot');
    check(plot && plot.naturalWidth > 0, `the wrong claim's hover has no plot of both sides: ${JSON.stringify(imgs.map((i) => i.alt))}`);
    // The verdict once: the message is the diagnostic's, not repeated by calcnotes' own part of the hover.
    const times = text.split("is not (f'g + fg')/g²").length - 1;
    check(times === 1, `the message shows ${times} times in the hover: ${text.slice(0, 300)}`);
    await hoverFits(hover, 'the false claim\'s hover');
    log(`  wrong claim: ${imgs.length} SVG images (${imgs.map((i) => `${i.alt} ${i.naturalWidth}×${i.naturalHeight}`).join(', ')}); "${text.match(/✗ false[^.]*\./)?.[0] ?? ''}"`);
    // The picture: the editor with the hover (the workbench around it adds nothing).
    const hb = await hover.boundingBox();
    const eb = await page.locator('.part.editor').boundingBox();
    const bottom = Math.min(eb.y + eb.height, hb.y + hb.height + 24);
    await shoot(page, 'hover.png', { clip: { x: eb.x, y: eb.y, width: eb.width, height: bottom - eb.y } });

    const dhover = await hoverOver(page, '\\sin(x^2)', 'Computed derivative', 25000);
    const dimgs = await waitImagesLoaded(dhover, 10000);
    const computed = dimgs.find((i) => i.alt === 'computed derivative');
    check(computed && computed.svg && computed.naturalWidth > 0, `the computed derivative is not rendered: ${JSON.stringify(dimgs)}`);
    const dtext = ((await dhover.textContent()) || '').replace(/\u00a0/g, ' ');
    check(/✓ verified/.test(dtext), `the derivative hover does not say verified: ${dtext}`);
    log(`  derivative: "${dtext.replace(/\s+/g, ' ').trim().slice(0, 100)}", computed derivative ${computed.naturalWidth}×${computed.naturalHeight}`);
    // The plot of the function and its derivative, scrolled into view: the README's picture of a plot hover.
    const dplot = dimgs.find((i) => i.alt === 'plot');
    check(dplot && dplot.svg && dplot.naturalWidth > 0, `the derivative's hover has no plot: ${JSON.stringify(dimgs.map((i) => i.alt))}`);
    await dhover.locator('img[alt="plot"]').first().scrollIntoViewIfNeeded();
    const pb = await dhover.boundingBox();
    await shoot(page, 'plot-hover.png', { clip: { x: pb.x, y: pb.y, width: pb.width, height: pb.height } });
    log(`  plot: ${dplot.naturalWidth}×${dplot.naturalHeight}`);
    await mouseAway(page);
  });

  // 3. The quick fix replaces the right-hand side; no error is left.
  let expectedStatusAfterFix = '';
  await step('3. quick fix (Ctrl+.) "Replace the right-hand side", error count goes to 0', 45000, async () => {
    const p = await pointOf(page, WRONG_RHS);
    await page.mouse.click(p.x, p.y);
    await mouseAway(page);
    await page.keyboard.press('Control+.');
    const widget = page.locator('.action-widget');
    await widget.first().waitFor({ state: 'visible', timeout: 10000 });
    const item = widget.locator('.monaco-list-row', { hasText: 'Replace the right-hand side' }).first();
    await item.waitFor({ state: 'visible', timeout: 10000 });
    const title = ((await item.textContent()) || '').trim();
    // The widget puts a pointer guard over itself while it opens: choose with the keyboard, as a user does after
    // Ctrl+. (the preferred fix is focused first; move down to it otherwise).
    const focused = widget.locator('.monaco-list-row.focused').first();
    for (let i = 0; i < 5 && !(((await focused.textContent().catch(() => '')) || '').includes('Replace the right-hand side')); i++) {
      await page.keyboard.press('ArrowDown');
    }
    check(((await focused.textContent()) || '').includes('Replace the right-hand side'), 'cannot select the fix in the Quick Fix menu');
    log(`  action: ${title}`);
    await page.keyboard.press('Enter');
    const fixed = await waitUntil(async () => (await squiggles(page)).length === 0, 10000);
    check(fixed, 'the squiggle is still there after the quick fix');
    const text = await editorText(page);
    const line3 = text.split('\n').find((l) => l.startsWith('The quotient rule')) || '';
    check(!line3.includes(WRONG_RHS), `the right-hand side was not replaced: ${line3}`);
    log(`  line 3 now: ${line3}`);
    await page.keyboard.press('Control+S');
    const saved = await waitUntil(() => !fs.readFileSync(notePath, 'utf8').includes(WRONG_RHS), 5000);
    check(saved, 'the fixed note was not saved (Ctrl+S)');
    let counts;
    const zero = await waitUntil(async () => (counts = await problemCounts(page)).errors === 0, 5000);
    check(zero, `the problems item still counts errors: ${JSON.stringify(counts)}`);
    await openProblems(page);
    const rows = await problemRows(page);
    check(!rows.some((r) => r.includes('is not')), `the Problems panel still lists a false claim: ${JSON.stringify(rows)}`);
    const st = await calcnotesStatus(page);
    check(st && /, 0 false,/.test(st), `the calcnotes status item after the fix: ${st}`);
    expectedStatusAfterFix = st;
    log(`  errors: ${counts.errors}; calcnotes status: ${st}`);
    await page.locator('.part.editor .monaco-editor .view-lines').first().click({ position: { x: 5, y: 5 } });
    await mouseAway(page);
    await shoot(page, 'fixed.png');
  });

  // 4. A new wrong claim, typed, is reported within 2 s.
  await step('4. typing a new wrong claim brings a new diagnostic within 2 s', 30000, async () => {
    // The Problems panel stays open (the new row is looked for there); the typing goes to the editor.
    if (!(await page.locator('.markers-panel').first().isVisible())) await openProblems(page);
    const last = await pointOf(page, '2x\\cos(x^2)$', { at: 1 });
    check(last, 'the last line is not on screen');
    await page.mouse.click(last.right + 2, last.y);
    await page.keyboard.press('Control+End');
    await page.keyboard.press('Enter');
    // Timed in the page, with its clock: from the last keystroke to the first frame that shows the squiggle
    // under the typed line, and to the first frame whose Problems panel lists the new claim (typeAndTime).
    const needle = 'd/dx cos x is not sin x';
    const { squiggle: squiggleMs, row: rowMs } = await typeAndTime(page, TYPED, needle, true);
    const text = await editorText(page);
    check(text.includes(TYPED), `the typed line is not in the editor as typed: ${text.split('\n').slice(-3).join(' | ')}`);
    log(`  after the last keystroke: squiggle under the typed claim in ${squiggleMs} ms, Problems row "${needle}" in ${rowMs} ms`);
    timings.typingSmall = { squiggle: squiggleMs, row: rowMs };
    check(squiggleMs <= 2000, `the squiggle came after ${squiggleMs} ms (limit 2000 ms)`);
    check(rowMs <= 2000, `the Problems row came after ${rowMs} ms (limit 2000 ms)`);
    check((await squiggles(page)).length === 1, 'expected exactly one squiggle (the typed claim)');
  });

  // 5. The status bar shows the counts.
  await step('5. status bar: calcnotes counts and the Problems item', 15000, async () => {
    // Four verified (the fixed rule, the chain's two steps, the derivative), one false (the typed claim).
    const expected = statusOf(4, 1, 0);
    let st;
    const ok = await waitUntil(async () => (st = await calcnotesStatus(page)) === expected, 5000);
    check(ok, `the calcnotes status item says ${JSON.stringify(st)}, expected ${JSON.stringify(expected)} (after the fix: ${JSON.stringify(expectedStatusAfterFix)})`);
    const counts = await problemCounts(page);
    check(counts.errors === 1, `the problems item: ${JSON.stringify(counts)}`);
    log(`  calcnotes: "${st}"; problems item: ${counts.label || counts.text}`);
    // Clicking the item opens the Problems view (its command): hide the panel first (Ctrl+J), then click.
    const markers = page.locator('.markers-panel').first();
    if (await markers.isVisible()) {
      await page.keyboard.press('Control+J');
      await markers.waitFor({ state: 'hidden', timeout: 5000 });
    }
    await page.locator('.part.statusbar .statusbar-item[id*="calcnotes"]').first().click();
    await markers.waitFor({ state: 'visible', timeout: 5000 });
    log('  clicking the calcnotes item opened the Problems view');
    await page.keyboard.press('Control+S'); // the typed claim is saved: Check All Notes and the CLI read the same
  });

  // 6. The status item stays while the note's Markdown preview is focused; the preview shows the message readably.
  await step('6. Markdown preview focused: the status item stays; the marked block shows its message on focus', 45000, async () => {
    const before = await calcnotesStatus(page);
    await runCommand_(page, 'Markdown: Open Preview');
    const tab = page.locator('.tabs-container .tab', { hasText: /Preview\]? note\.md/ }).first();
    await tab.waitFor({ state: 'visible', timeout: 15000 });
    let st;
    const kept = await waitUntil(async () => (st = await calcnotesStatus(page)) === before, 5000);
    check(kept, `with the preview focused the status item says ${JSON.stringify(st)}, expected ${JSON.stringify(before)}`);
    log(`  preview focused; status: ${st}`);
    // The preview's document is in nested frames: find the one with the badge.
    let frame = null;
    await waitUntil(async () => {
      for (const f of page.frames()) {
        if (await f.locator('.calcnotes-badge').count().catch(() => 0)) {
          frame = f;
          return true;
        }
      }
      return false;
    }, 15000, 250);
    check(frame, 'the preview shows no calcnotes mark');
    const badge = frame.locator('.calcnotes-badge').first();
    await badge.focus();
    const message = frame.locator('.calcnotes-message').first();
    await message.waitFor({ state: 'visible', timeout: 5000 });
    const text = ((await message.textContent()) || '').trim();
    check(/is not sin x/.test(text), `the focused mark's message: ${text}`);
    log(`  focused mark shows: "${text.slice(0, 100)}"`);
    await shoot(page, 'preview.png');
    // Close the preview with its tab's close button (keys typed in a webview may not reach the workbench).
    await tab.hover();
    await tab.locator('.codicon-close').first().click();
    await tab.waitFor({ state: 'detached', timeout: 5000 }).catch(() => undefined);
  });

  // 7. A long aligned block: the hover shows the wrong row as an image, never raw data; the preview's valid LaTeX
  //    ($z $, \setcounter, \label, \tag) is no error; plain text that is no math note is not checked.
  await step('7. long block: the hover shows the wrong row as an image (no raw data); $z $ and \\setcounter give no error; todo.txt is not checked', 60000, async () => {
    const panel = page.locator('.markers-panel').first();
    if (await panel.isVisible()) {
      await page.keyboard.press('Control+J'); // more room for the note and its hover
      await panel.waitFor({ state: 'hidden', timeout: 5000 }).catch(() => undefined);
    }
    await openFile(page, 'steps.md', 'Steps');
    await page.locator('.part.editor .view-overlays .squiggly-error').first().waitFor({ state: 'attached', timeout: 20000 });
    await page.waitForTimeout(500);
    const sq = await squiggles(page);
    check(sq.length === 1, `expected one error squiggle in steps.md (the wrong row), found ${sq.length}`);
    const hover = await hoverOver(page, '\\frac{d}{dx} x^3 &= 2x^2', '✗ false', 25000);
    const imgs = await waitImagesLoaded(hover, 10000);
    const text = ((await hover.textContent()) || '').replace(/\u00a0/g, ' ');
    check(!text.includes('data:'), `the hover shows raw image data: ${text.slice(0, 200)}`);
    check(imgs.some((i) => i.alt === 'formula' && i.naturalWidth > 0), `the hover has no formula image: ${JSON.stringify(imgs)}`);
    check(/Row 10 of 14/.test(text), `the hover does not say which row: ${text.slice(0, 200)}`);
    await hoverFits(hover, 'the long block\'s hover');
    log(`  "${text.replace(/\s+/g, ' ').slice(0, 120)}…"; images: ${imgs.map((i) => `${i.alt} ${i.naturalWidth}×${i.naturalHeight}`).join(', ')}`);
    await page.waitForTimeout(400); // the hover fades in
    await shoot(page, 'hover-block.png');
    await mouseAway(page);
    await openFile(page, 'todo.txt', 'budget');
    await page.waitForTimeout(1500);
    check((await squiggles(page)).length === 0, 'todo.txt got a squiggle');
    check((await calcnotesStatus(page)) === null, 'the status item shows counts for todo.txt');
    log('  todo.txt: no squiggle, no status');
  });

  // 8. Differentiate Selection puts a statement the checker verifies in place of the selection.
  await step('8. Differentiate Selection inserts a verified statement', 45000, async () => {
    await openFile(page, 'steps.md', 'Steps');
    const title = await pointOf(page, '# Steps');
    check(title, 'steps.md is not on screen');
    await page.mouse.click(title.right + 40, title.y); // the keyboard goes to the editor
    await page.keyboard.press('Control+End'); // the last lines, where the expression is
    await page.locator('.part.editor .monaco-editor .view-line', { hasText: 'Differentiate' }).first().waitFor({ timeout: 10000 });
    const needle = '\\sin(x^2)';
    const a = await pointOf(page, needle, { at: 0 });
    const b = await pointOf(page, needle, { at: 1 });
    check(a && b, 'the expression to differentiate is not on screen');
    await page.mouse.click(a.left + 1, a.y);
    for (let i = 0; i < needle.length; i++) await page.keyboard.press('Shift+ArrowRight');
    const before = await calcnotesStatus(page);
    await runCommand_(page, 'calcnotes: Differentiate Selection');
    await page.locator('.quick-input-widget', { hasText: 'with respect to' }).first().waitFor({ state: 'visible', timeout: 10000 });
    const offered = await page.locator('.quick-input-widget input').first().inputValue();
    check(offered === 'x', `the variable offered is ${JSON.stringify(offered)}`);
    await page.keyboard.press('Enter'); // with respect to x, as offered
    const want = 'Differentiate: $\\frac{d}{dx}\\sin(x^2) = 2x\\cos(x^2)$';
    const ok = await waitUntil(async () => (await editorText(page)).includes(want), 10000);
    check(ok, `the line reads: ${(await editorText(page)).split('\n').find((l) => l.startsWith('Differentiate'))}`);
    const verified = Number(/(\d+) verified/.exec(before)[1]);
    let st;
    const counted = await waitUntil(async () => (st = await calcnotesStatus(page)) && new RegExp(`: ${verified + 1} verified, 1 false`).test(st), 10000);
    check(counted, `after inserting the statement the status says ${st} (before: ${before})`);
    log(`  inserted: ${want}; status: ${st}`);
    await page.keyboard.press('Control+S');
  });

  // 9. The timing of point 10 on a warm window: a ~90 KB note's first diagnostics; typing → squiggle at its end.
  await step('9. a ~90 KB note on a warm window: first diagnostics, and typing → squiggle', 60000, async () => {
    const before = (await problemCounts(page)).errors;
    await quickPick(page, 'big.md');
    await watchMoment(page, '[id="status.problems"]', true);
    const t0 = Date.now();
    traceMark('e2e: open big.md');
    await page.keyboard.press('Enter');
    // Asked every 100 ms (the page notes the moment itself; asking more often is work for the renderer being timed).
    const came = await waitUntil(async () => (await momentSeen(page)) !== null, 20000, 100);
    const polled = Date.now() - t0;
    const rose = await momentSeen(page);
    const counts = await problemCounts(page);
    traceMark('e2e: big.md errors counted');
    check(came && rose !== null, `big.md's diagnostics did not come (problems: ${JSON.stringify(counts)})`);
    timings.warm = rose - t0;
    // A long note's first part comes first; its counts in the status bar come with the whole note. Typing is timed
    // on a checked note, so wait for them (typing before that waits for the note's first whole check instead).
    const whole = await waitUntil(async () => (await calcnotesStatus(page)) !== null, 20000, 20);
    check(whole, 'the status item never showed big.md\'s counts');
    log(`  big.md: the whole note's counts ${Date.now() - t0} ms after opening`);
    log(`  big.md (${(fs.statSync(path.join(workspaceDir, 'big.md')).size / 1024).toFixed(0)} KB): first diagnostics ${timings.warm} ms after opening (${counts.errors - before} errors by ${polled} ms)`);
    await page.keyboard.press('Control+End');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Enter');
    timings.typing = await typeAndTime(page, BIG_TYPED, 'd/dx cos x is not sin x', false);
    log(`  typing at the end of big.md: squiggle ${timings.typing} ms after the last keystroke`);
    await page.keyboard.press('Control+S');
  });

  // 10. Check All Notes: the summary equals the CLI's on the same folder; problems stay when an editor closes.
  await step('10. Check All Notes: the CLI\'s summary; problems stay after closing the editor', 120000, async () => {
    await page.keyboard.press('Control+S');
    await runCommand_(page, 'calcnotes: Check All Notes in Workspace');
    const toast = page.locator('.notifications-toasts .notification-toast', { hasText: 'claims:' }).first();
    await toast.waitFor({ state: 'visible', timeout: 90000 });
    const said = ((await toast.textContent()) || '').replace(/\u00a0/g, ' ');
    const m = /(\d+) claims: (\d+) verified, (\d+) false, (\d+) not checked/.exec(said);
    check(m, `the summary: ${said}`);
    const cli = require('child_process').spawnSync(process.execPath, [path.join(ROOT, 'server', 'out', 'cli', 'main.js'), 'check', workspaceDir], { encoding: 'utf8', timeout: 60000 });
    const c = /(\d+) claims: (\d+) verified, (\d+) false, (\d+) unchecked/.exec(cli.stdout.trim().split('\n').pop() || '');
    check(c, `the CLI said: ${cli.stdout.slice(-300)} ${cli.stderr}`);
    log(`  command: ${m[0]}; CLI: ${c[0]}`);
    check(m.slice(1).join() === c.slice(1).join(), `the command's summary (${m[0]}) is not the CLI's (${c[0]})`);
    await page.keyboard.press('Escape');
    // Close every editor: the problems of the checked notes stay.
    const before = (await problemCounts(page)).errors;
    await runCommand_(page, 'View: Close All Editors');
    // The client may drop a closed note's problems at once; the server publishes them again from disk.
    await page.waitForTimeout(1000);
    let after = (await problemCounts(page)).errors;
    await waitUntil(async () => (after = (await problemCounts(page)).errors) === before, 15000, 200);
    log(`  errors before closing the editors: ${before}; after: ${after}`);
    check(after === before, `closing the editors changed the errors from ${before} to ${after}`);
  });

  // 11. The light theme: the hover of a false claim fits there too.
  await step('11. light theme: the hover of a false claim fits without scrolling', 60000, async () => {
    const settingsFile = path.join(state.userDataDir, 'User', 'settings.json');
    fs.writeFileSync(settingsFile, JSON.stringify({ ...USER_SETTINGS, 'workbench.colorTheme': 'Default Light Modern' }, null, 2));
    const light = await waitUntil(async () => page.evaluate(() => !!document.querySelector('.monaco-workbench.vs')), 15000, 200);
    check(light, 'the workbench did not switch to the light theme');
    await openFile(page, 'note.md', 'The quotient rule');
    const hover = await hoverOver(page, '\\cos x = \\sin x', '✗ false', 25000);
    const imgs = await waitImagesLoaded(hover, 10000);
    check(imgs.some((i) => i.alt === 'plot' && i.naturalWidth > 0), `no plot in the light theme's hover: ${JSON.stringify(imgs.map((i) => i.alt))}`);
    await hoverFits(hover, 'the light theme\'s hover');
    const hb = await hover.boundingBox();
    const eb = await page.locator('.part.editor').boundingBox();
    const top = Math.max(eb.y, Math.min(hb.y, eb.y + eb.height) - 60);
    const bottom = Math.min(eb.y + eb.height, hb.y + hb.height + 24);
    await shoot(page, 'hover-light.png', { clip: { x: eb.x, y: top, width: eb.width, height: bottom - top } });
    await mouseAway(page);
  });

  // 12. A notebook in the notebook editor: the markdown cells are one note; the squiggle is in the third cell.
  const notebookMessage = "s'(x) is not 1/(1 + eˣ)";
  await step('12. notebook: the wrong derivative is reported in its markdown cell, with its hover', 90000, async () => {
    await openQuick(page, 'softplus.ipynb');
    // The code cell's editor is the first thing to show; markdown cells are rendered (not editors) until edited.
    await page.locator('.notebookOverlay .view-line', { hasText: 'import numpy' }).first().waitFor({ timeout: 20000 });
    if (!(await page.locator('.markers-panel').first().isVisible())) await openProblems(page);
    // The other notes' problems (Check All Notes ran before) may fill the panel: filter it to the notebook.
    const filter = page.locator('.viewpane-filter input, .markers-panel-action-filter input').first();
    const filtered = await filter.isVisible().catch(() => false);
    if (filtered) await filter.fill('softplus');
    let rows = [];
    const listed = await waitUntil(async () => {
      rows = await problemRows(page);
      return rows.some((r) => r.includes(notebookMessage));
    }, 30000);
    check(listed, `the Problems panel does not show "${notebookMessage}"; rows: ${JSON.stringify(rows)}`);
    log(`  Problems: ${rows.find((r) => r.includes(notebookMessage)).slice(0, 160)}`);
    if (filtered) await filter.fill('');
    await page.keyboard.press('Control+J'); // hide the panel: room for the notebook and the hover
    // Edit the third cell: into the code cell, out to the cell list (Escape), one cell down, Enter.
    await page.locator('.notebookOverlay .view-line', { hasText: 'import numpy' }).first().click();
    await page.keyboard.press('Escape');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    const cellLine = page.locator('.notebookOverlay .view-line', { hasText: "s'(x)" }).first();
    if (!(await cellLine.waitFor({ timeout: 8000 }).then(() => true, () => false))) {
      // Or as a user may: the problem's row in the Problems panel opens the cell at the claim.
      log('  the keyboard did not open the cell for editing: through the Problems row instead');
      await openProblems(page);
      await page.locator('.markers-panel .monaco-list-row', { hasText: notebookMessage }).first().click();
      await cellLine.waitFor({ timeout: 10000 });
      await page.keyboard.press('Control+J');
    }
    let sq = [];
    await waitUntil(async () => (sq = (await squiggles(page)).filter((q) => q.right > q.left)).length > 0, 20000);
    check(sq.length === 1, `expected 1 error squiggle in the notebook, found ${sq.length}`);
    const p = await pointOf(page, NOTEBOOK_WRONG);
    check(p, 'the wrong claim is not on screen in the cell');
    const s = sq[0];
    check(s.top < p.bottom + 8 && s.bottom > p.top && s.left <= p.x && s.right >= p.x, `the squiggle ${JSON.stringify(s)} is not under the wrong claim ${JSON.stringify(p)}`);
    const hover = await hoverOver(page, NOTEBOOK_WRONG, '✗ false', 25000);
    const text = ((await hover.textContent()) || '').replace(/\u00a0/g, ' ');
    check(text.includes(notebookMessage), `the cell's hover does not give the verdict: ${text}`);
    log(`  squiggle under the claim in cell 3; hover: "${text.match(/✗ false[^.]*\./)?.[0] ?? ''}"`);
    await shoot(page, 'notebook.png');
    await mouseAway(page);
    await page.keyboard.press('Escape');
  });

  // 13. A LaTeX file: the claim in the display is reported, the one in the comment is not.
  await step('13. LaTeX: the wrong claim in \\[ … \\] is squiggled, the commented one is not', 60000, async () => {
    await openQuick(page, 'lecture.tex');
    await page.locator('.part.editor .monaco-editor .view-line', { hasText: 'section{Slopes}' }).first().waitFor({ timeout: 15000 });
    let sq = [];
    await waitUntil(async () => (sq = (await squiggles(page)).filter((q) => q.right > q.left)).length > 0, 30000);
    check(sq.length === 1, `expected 1 error squiggle in lecture.tex, found ${sq.length}`);
    const p = await pointOf(page, TEX_WRONG);
    check(p, 'the wrong claim is not on screen');
    const s = sq[0];
    check(s.top < p.bottom + 8 && s.bottom > p.top && s.left <= p.x && s.right >= p.x, `the squiggle ${JSON.stringify(s)} is not under the wrong claim ${JSON.stringify(p)}`);
    const hover = await hoverOver(page, TEX_WRONG, '✗ false', 25000);
    const text = ((await hover.textContent()) || '').replace(/\u00a0/g, ' ');
    check(/sin\(3x\) is not 3 cos\(x\)/.test(text), `the hover does not give the verdict: ${text}`);
    log(`  one squiggle, under line 5; hover: "${text.match(/✗ false[^.]*\./)?.[0] ?? ''}"`);
    await mouseAway(page);
  });

  clearTimeout(watchdog);
}

// ---------------------------------------------------------------- outcome

let finished = false;
async function failed(e, why, exitCode = 1) {
  if (finished) return;
  finished = true;
  const name = e.step ? `step "${e.step}"` : why;
  console.error(`\n${clock()} ✗ FAILED: ${name}${e.stepMs ? ` after ${secs(e.stepMs)}` : ''}`);
  console.error(e instanceof StepError || e.name === 'TimeoutError' ? e.message : e.stack || String(e));
  if (state.page && state.scratch) {
    const shot = path.join(state.scratch, 'failure.png');
    try {
      await Promise.race([state.page.screenshot({ path: shot }), new Promise((_, r) => setTimeout(() => r(new Error('screenshot timed out')), 10000))]);
      console.error(`screenshot of the failure: ${shot}`);
    } catch (err) {
      console.error(`no screenshot of the failure (${err.message})`);
    }
  }
  if (state.codeServerLog) console.error(`code-server log (last lines; all in ${state.codeServerLog}):\n${tail(state.codeServerLog, 25)}`);
  if (state.scratch) console.error(`scratch folder kept: ${state.scratch}`);
  await cleanup();
  console.error(`\ne2e: 0 passed, 1 failed`);
  process.exit(exitCode);
}

for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, () => failed(new StepError(`interrupted by ${sig}`), sig, 130));
}

main().then(
  async () => {
    finished = true;
    await cleanup();
    const total = Date.now() - T0;
    console.log('\nTimes:');
    for (const t of state.times) console.log(`  ${secs(t.ms).padStart(8)}  ${t.name}`);
    console.log(`  ${secs(total).padStart(8)}  total`);
    console.log('\nEditor timings (issue 13, point 10; targets in brackets):');
    console.log(`  first diagnostics, fresh window (note.md):  ${timings.fresh} ms  [≤ ${TIMING_TARGETS.fresh}]`);
    console.log(`  first diagnostics, warm window (big.md):    ${timings.warm} ms  [≤ ${TIMING_TARGETS.warm}]`);
    console.log(`  typing → squiggle at the end of big.md:     ${timings.typing} ms  [≤ ${TIMING_TARGETS.typing}]`);
    console.log(`  typing → squiggle / Problems row, note.md:  ${timings.typingSmall?.squiggle} / ${timings.typingSmall?.row} ms`);
    const missed = Object.entries(TIMING_TARGETS).filter(([k, v]) => !(timings[k] <= v));
    if (missed.length) console.log(`  targets missed: ${missed.map(([k]) => k).join(', ')}`);
    console.log(`\nScreenshots:\n${state.screenshots.map((s) => `  ${s}`).join('\n')}`);
    if (!KEEP) {
      for (const d of ['home', 'user-data', 'extensions', 'workspace', 'tmp']) {
        fs.rmSync(path.join(state.scratch, d), { recursive: true, force: true });
      }
      fs.rmSync(path.join(state.scratch, 'config.yaml'), { force: true });
      fs.rmSync(vsixPath(), { force: true });
    }
    console.log(`Logs and screenshots: ${path.join(state.scratch, 'output')}${KEEP ? ` (whole scratch folder kept: ${state.scratch})` : ''}`);
    const checks = state.times.filter((t) => /^\d+\./.test(t.name)).length;
    console.log(`\ne2e: ${checks} passed, 0 failed`);
    process.exit(0);
  },
  (e) => failed(e, 'error'),
);
