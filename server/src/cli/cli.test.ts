import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { looksBinary } from './main';

const CLI = path.resolve(__dirname, 'main.js');
const REPO = path.resolve(__dirname, '../../..');

function runCli(args: string[], cwd = REPO) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', timeout: 60000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function tmpNotes(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'calcnotes-cli-'));
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

const WRONG = "# Rules\n\nThe quotient rule: $(f/g)' = (f'g + fg')/g^2$.\n";
const RIGHT = '# Fine\n\n$\\frac{d}{dx} x^2 = 2x$ and $\\frac{d}{dx}\\sin x = \\cos x$.\n';

test('exit 1 and a path:line:col error line for a false claim, then the summary', () => {
  const dir = tmpNotes({ 'wrong.md': WRONG });
  const r = runCli(['check', path.join(dir, 'wrong.md')]);
  assert.equal(r.code, 1, r.stderr);
  const lines = r.stdout.trim().split('\n');
  assert.match(lines[0], /wrong\.md:3:21: error: \(f\/g\)' is not \(f'g \+ fg'\)\/g²: .* \[false-claim\]$/);
  assert.equal(lines[lines.length - 1], '1 claims: 0 verified, 1 false, 0 unchecked');
});

test('exit 0 when nothing is false; folders are searched for notes (.md, .markdown, .txt, .qmd, .Rmd, .tex, .ipynb), not other files', () => {
  const dir = tmpNotes({ 'a/right.md': RIGHT, 'b/more.markdown': RIGHT, 'c/plain.txt': "(fg)' = fg' + f'g\n", 'd/skip.py': WRONG });
  const r = runCli(['check', dir]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.equal(r.stdout.trim(), '5 claims: 5 verified, 0 false, 0 unchecked');
});

test('a .txt file found in a folder is checked only when it looks like math notes; named, it is always checked', () => {
  const dir = tmpNotes({ 'notes.md': RIGHT, 'todo.txt': 'budget = 3*40 = 100\nbuy milk\n' });
  const r = runCli(['check', dir]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.equal(r.stdout.trim(), '2 claims: 2 verified, 0 false, 0 unchecked');
  const named = runCli(['check', path.join(dir, 'todo.txt')]);
  assert.match(named.stdout, /todo\.txt:1:/);
});

test('exit 2 with a one-line message for a missing file, and for bad usage', () => {
  const r = runCli(['check', 'no/such/file.md']);
  assert.equal(r.code, 2);
  assert.equal(r.stderr.trim(), 'calcnotes: no/such/file.md: no such file or folder');
  assert.equal(r.stdout, '');
  const u = runCli(['check', '--format', 'xml', 'x.md']);
  assert.equal(u.code, 2);
  assert.match(u.stderr, /--format must be text or json/);
  assert.equal(runCli([]).code, 2);
  assert.equal(runCli(['check']).code, 2);
});

test('JSON format has exactly the documented shape, 1-based lines and columns, end exclusive', () => {
  const dir = tmpNotes({ 'wrong.md': WRONG });
  const r = runCli(['check', '--format', 'json', path.join(dir, 'wrong.md')]);
  assert.equal(r.code, 1);
  assert.equal(r.stderr, '');
  const out = JSON.parse(r.stdout);
  assert.deepEqual(Object.keys(out), ['files', 'summary']);
  assert.deepEqual(out.summary, { files: 1, claims: 1, verified: 0, false: 1, unchecked: 0 });
  const [file] = out.files;
  assert.deepEqual(Object.keys(file), ['path', 'claims', 'diagnostics']);
  const [claim] = file.claims;
  assert.deepEqual(Object.keys(claim), ['line', 'column', 'endLine', 'endColumn', 'latex', 'kind', 'verdict', 'reason']);
  assert.equal(claim.line, 3);
  assert.equal(claim.column, 21);
  assert.equal(claim.endColumn, 21 + "(f/g)' = (f'g + fg')/g^2".length);
  assert.equal(claim.latex, "(f/g)' = (f'g + fg')/g^2");
  assert.equal(claim.verdict, 'false');
  assert.equal(claim.kind, 'rule');
  const [diag] = file.diagnostics;
  assert.deepEqual(Object.keys(diag), ['line', 'column', 'endLine', 'endColumn', 'severity', 'code', 'message']);
  assert.equal(diag.severity, 'error');
  assert.equal(diag.code, 'false-claim');
});

test('--all lists verified and unchecked claims with reasons', () => {
  const dir = tmpNotes({ 'n.md': 'Let $u = x^3$. $\\frac{d}{dx} x^2 = 2x$.\n' });
  const r = runCli(['check', '--all', dir]);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /n\.md:1:6: unchecked: u = x\^3 — defines u \[definition\]/);
  assert.match(r.stdout, /n\.md:1:17: verified: \\frac\{d\}\{dx\} x\^2 = 2x — verified(: both sides are the same expression| at \d+ random points) \[derivative\]/);
});

test('no progress line when stderr is not a terminal', () => {
  const dir = tmpNotes({ 'a.md': RIGHT, 'b.md': RIGHT });
  const r = runCli(['check', dir]);
  assert.equal(r.stderr, '');
});

test('the example notes: the planted mistakes are found and nothing else', () => {
  const r = runCli(['check', '--format', 'json', 'examples']);
  assert.equal(r.code, 1, r.stderr);
  const out = JSON.parse(r.stdout);
  const falses: string[] = [];
  for (const f of out.files) for (const c of f.claims) if (c.verdict === 'false') falses.push(`${path.basename(f.path)}: ${c.latex}`);
  assert.deepEqual(falses.sort(), [
    'backprop.md: \\frac{\\partial L}{\\partial w} = (1 - \\hat y^2)\\,x',
    "deep-learning.md: \\frac{d}{dz}\\tanh(z) = 1 - \\tanh(z)",
    'derivatives.md: \\diff{}{\\ln(2x)}{x} = \\frac{2}{x}',
    'differentials.md: d(\\mathbf X^{-1}) = \\mathbf X^{-1}(d\\mathbf X)\\mathbf X^{-1}',
    'integrals.md: \\frac{d}{dx}\\int_{x}^{x^3} e^{-t^2} \\, dt = 3x^2 e^{-x^6} + e^{-x^2}',
    'lecture.tex: \\diff{}{x}\\tanh(2x) = 2\\tanh(2x)',
    'likelihood.md: \\frac{d}{da}\\frac{1}{m}\\sum_{j=1}^{m}(a u_j - v_j)^2 = \\frac{2}{m}\\sum_{j=1}^{m}(a u_j - v_j)',
    'matrix-calculus.md: \\frac{\\partial A\\mathbf{x}}{\\partial \\mathbf{x}} = A',
    'matrix-calculus.md: \\nabla_{\\mathbf{x}} \\mathbf{x}^\\top B\\mathbf{x} = 2B\\mathbf{x}',
    'myst.md: \\frac{d}{dx} e^{3x} = e^{3x}',
    'notebook.ipynb: \\frac{\\partial a}{\\partial w} = a(1 - a)',
    'partials.md: u_{tt} = -16\\,u',
    "pasted-notes.txt: (f/g)' = (f'g + fg')/g^2",
    "quarto.qmd: h''(t) = 4.9",
    "rules.md: (f/g)' = (f'g + fg')/g^2",
    "symbols.md: (h^4)' = 4h^3",
    'tables.md: \\frac{d}{dx}\\left(\\cos(2x)\\right) = 2\\sin(2x)',
    'taylor.md: \\sin x \\approx x - \\frac{x^3}{3}',
    'worked-steps.md: \\cos(x^2)\\cdot\\frac{d}{dx}x^2 = \\cos(x^2)\\cdot x',
    'worked-steps.md: \\frac{d}{dx}|x| = 1',
  ]);
  // The trap note has no false claim at all, and checks something.
  const traps = out.files.find((f: { path: string }) => f.path.endsWith('traps.md'));
  assert.ok(traps.claims.length > 5);
  assert.ok(traps.claims.every((c: { verdict: string }) => c.verdict !== 'false'));
});

test('suspicious notation is a warning line with its code; it alone does not fail the run', () => {
  const dir = tmpNotes({ 'typo.md': '# Entries\n\n$$P^{(1)}_{12} = P^{(1)}{21} = 0.3$$\n' });
  const r = runCli(['check', path.join(dir, 'typo.md')]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /typo\.md:3:18: warning: P\^\{\(1\)\}\{21\} looks like P\^\{\(1\)\}_\{21\} with the _ missing \[suspicious-notation\]/);
});

test('--macros FILE: a JSON table or a TeX preamble for every note; the site configuration above a note is read too', () => {
  const dir = tmpNotes({
    '.git/HEAD': '',
    'book/_config.yml': 'sphinx:\n  config:\n    mathjax3_config:\n      tex:\n        macros:\n          dv: ["\\\\frac{d #1}{d #2}", 2]\n',
    'book/ch1/rules.md': '# Rules\n\n$$\\dv{}{x} x^5 = 5x^4$$\n\n$$\\dv{}{x} \\cos x = \\sin x$$\n',
    'macros.json': '{"\\\\sq": ["{#1}^2", 1]}',
    'preamble.tex.txt': '\\DeclareMathOperator{\\Sin}{sin}\n',
    'plain/uses.md': '# Given\n\n$$\\frac{d}{dx}\\sq{x} = 2x$$\n',
  });
  const found = runCli(['check', path.join(dir, 'book')]);
  assert.equal(found.code, 1, found.stderr);
  assert.match(found.stdout, /rules\.md:5:3: error: .*\[false-claim\]/);
  assert.match(found.stdout, /2 claims: 1 verified, 1 false, 0 unchecked/);
  assert.equal(found.stderr, '');
  // --no-config: the macro is unknown, so nothing about it is verified or false.
  const off = runCli(['check', '--no-config', path.join(dir, 'book')]);
  assert.match(off.stdout, /Undefined control sequence: \\dv/);
  assert.doesNotMatch(off.stdout, /false-claim/);
  // A JSON table given by name.
  const json = runCli(['check', '--macros', path.join(dir, 'macros.json'), path.join(dir, 'plain/uses.md')]);
  assert.equal(json.code, 0, json.stdout + json.stderr);
  assert.match(json.stdout, /1 claims: 1 verified, 0 false, 0 unchecked/);
  // A TeX preamble given by name (any other extension is read as TeX).
  fs.writeFileSync(path.join(dir, 'plain/op.md'), '# Op\n\n$$\\frac{d}{dx}\\Sin x = \\cos x$$\n');
  const tex = runCli(['check', `--macros=${path.join(dir, 'preamble.tex.txt')}`, path.join(dir, 'plain/op.md')]);
  assert.match(tex.stdout, /1 claims: 1 verified, 0 false, 0 unchecked/);
  // A macros file that does not exist is a usage error.
  const missing = runCli(['check', '--macros', path.join(dir, 'nope.json'), path.join(dir, 'plain')]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /nope\.json: no such macros file/);
});

test('a broken configuration is one warning line on stderr; the notes are still checked', () => {
  const dir = tmpNotes({
    '.git/HEAD': '',
    '_config.yml': 'sphinx:\n  config: [unclosed\n',
    'a/one.md': RIGHT,
    'a/two.md': WRONG,
  });
  const r = runCli(['check', dir]);
  assert.equal(r.code, 1);
  const warnings = r.stderr.trim().split('\n');
  assert.equal(warnings.length, 1, r.stderr);
  assert.match(warnings[0], /^calcnotes: warning: .*_config\.yml: macros not read: not valid YAML \(line \d+\): /);
  assert.match(r.stdout, /3 claims: 2 verified, 1 false, 0 unchecked/);
});

test('\\label, \\tag, \\eqref and \\setcounter are never an error line', () => {
  const dir = tmpNotes({ 'n.md': '# N\n\n$$\\setcounter{equation}{1}\\frac{d}{dx} x^2 = 2x \\label{eq:a}\\tag{1}$$\n\nSee $\\eqref{eq:a}$ and $\\ref{eq:a}$.\n' });
  const r = runCli(['check', path.join(dir, 'n.md')]);
  assert.equal(r.code, 0);
  assert.equal(r.stdout.trim(), '1 claims: 1 verified, 0 false, 0 unchecked');
});

// Issue 14, items 5, 8, 9 and 11: what the command line reads and prints.
test('issue 14 item 5: only regular files are read, up to a size limit, binary content recognised', { skip: process.platform === 'win32' }, () => {
  const dir = tmpNotes({ 'ok.md': RIGHT });
  const fifo = path.join(dir, 'pipe.md');
  spawnSync('mkfifo', [fifo]);
  const big = path.join(dir, 'big.md');
  fs.writeFileSync(big, '');
  fs.truncateSync(big, 11 * 1024 * 1024); // sparse: no disk, and the CLI must not read it
  const bin = path.join(dir, 'random.md');
  let s = 12345;
  const bytes = Buffer.alloc(256 * 1024, 0).map(() => ((s = (s * 1103515245 + 12345) >>> 0), s >>> 24));
  fs.writeFileSync(bin, bytes);
  const args = ['check', path.join(dir, 'ok.md'), '/dev/zero', big, bin];
  if (fs.existsSync(fifo)) args.push(fifo);
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: REPO, encoding: 'utf8', timeout: 20000 });
  assert.equal(r.status, 2, `${r.signal ?? ''} ${r.stderr}`);
  assert.match(r.stderr, /\/dev\/zero: not a regular file, not read\n/);
  assert.match(r.stderr, /big\.md: too large \(.*MB; notes up to 10 MB are checked\), not read\n/);
  assert.match(r.stderr, /random\.md: binary content, not a note, not read\n/);
  if (fs.existsSync(fifo)) assert.match(r.stderr, /pipe\.md: not a regular file, not read\n/);
  // The rest is checked; random bytes give no claim at all, let alone a false one.
  assert.equal(r.stdout.trim(), '2 claims: 2 verified, 0 false, 0 unchecked');
});

test('issue 14 item 8: folder walks follow links once, report what they cannot read and check the rest', { skip: process.platform === 'win32' }, () => {
  const dir = tmpNotes({ 'real/wrong.md.txt-not-a-note': WRONG, 'a/right.md': RIGHT });
  // A folder whose only note is a link to a false claim, and a link loop.
  fs.mkdirSync(path.join(dir, 'links'));
  fs.symlinkSync(path.join(dir, 'real/wrong.md.txt-not-a-note'), path.join(dir, 'links/wrong.md'));
  fs.symlinkSync('..', path.join(dir, 'links/up'));
  fs.symlinkSync(path.join(dir, 'nowhere.md'), path.join(dir, 'links/broken.md'));
  const linked = runCli(['check', path.join(dir, 'links')]);
  assert.equal(linked.code, 2, linked.stderr);
  assert.match(linked.stdout, /wrong\.md:3:21: error: .*\[false-claim\]/);
  // wrong.md once (through links/ and again through links/up/links/), a/right.md once; the loop ends.
  assert.match(linked.stdout, /3 claims: 2 verified, 1 false, 0 unchecked/);
  assert.equal(linked.stdout.split('[false-claim]').length, 2, linked.stdout);
  assert.match(linked.stderr, /broken\.md: cannot read: no such file or folder \(ENOENT\)/);
  // A subfolder too deep to name (paths over PATH_MAX) is reported; the notes beside it are still checked.
  const deep = spawnSync(process.execPath, ['-e', `const fs = require('fs'); process.chdir(${JSON.stringify(path.join(dir, 'a'))}); for (let i = 0; i < 45; i++) { fs.mkdirSync('${'d'.repeat(100)}'); process.chdir('${'d'.repeat(100)}'); }`]);
  assert.equal(deep.status, 0, String(deep.stderr));
  const r = runCli(['check', path.join(dir, 'a')]);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /folder not searched: the name is too long \(ENAMETOOLONG\)/);
  assert.match(r.stdout, /2 claims: 2 verified, 0 false, 0 unchecked/);
  // A name too long is not "no such file".
  const long = runCli(['check', path.join(dir, `${'n'.repeat(300)}.md`)]);
  assert.equal(long.code, 2);
  assert.match(long.stderr, /cannot read: the name is too long \(ENAMETOOLONG\)/);
  // An unreadable folder (not testable as root, who reads everything).
  if (process.getuid?.() !== 0) {
    fs.mkdirSync(path.join(dir, 'a/locked'));
    fs.writeFileSync(path.join(dir, 'a/locked/n.md'), WRONG);
    fs.chmodSync(path.join(dir, 'a/locked'), 0);
    const locked = runCli(['check', path.join(dir, 'a')]);
    fs.chmodSync(path.join(dir, 'a/locked'), 0o755);
    assert.match(locked.stderr, /locked: folder not searched: permission denied \(EACCES\)/);
    assert.match(locked.stdout, /2 claims: 2 verified/);
  }
  spawnSync('rm', ['-rf', dir]);
});

test('looksBinary counts control bytes as the byte loop it replaced did (random and note-like buffers)', () => {
  const reference = (buf: Buffer): boolean => {
    const sample = buf.subarray(0, 65536);
    if (sample.includes(0)) return true;
    let odd = 0;
    for (const b of sample) if ((b < 0x20 && b !== 9 && b !== 10 && b !== 12 && b !== 13) || b === 0x7f) odd++;
    if (odd * 10 > sample.length) return true;
    const text = sample.toString('utf8');
    let bad = 0;
    for (let i = text.indexOf('\uFFFD'); i >= 0; i = text.indexOf('\uFFFD', i + 1)) bad++;
    return (odd + bad) * 4 > sample.length;
  };
  let seed = 7;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  let binary = 0;
  for (let n = 0; n < 3000; n++) {
    const buf = Buffer.alloc(Math.floor(next() * 200));
    const controls = next();
    for (let i = 0; i < buf.length; i++) buf[i] = next() < controls * 0.3 ? 1 + Math.floor(next() * 31) : next() < 0.1 ? 0x7f + Math.floor(next() * 129) : 0x20 + Math.floor(next() * 95);
    assert.equal(looksBinary(buf), reference(buf), buf.toString('hex'));
    if (reference(buf)) binary++;
  }
  assert.ok(binary > 300 && binary < 2700, `both answers are exercised (${binary} binary)`);
  const big = Buffer.from('x'.repeat(70000) + '\u0001'.repeat(9000));
  assert.equal(looksBinary(big), reference(big));
});

test('issue 14 item 11: control characters in notes and names never reach the terminal raw', () => {
  const esc = '\u001b]0;owned\u0007\u001b[2J\u009b31m\u202e';
  const prose = 'Some prose around the formulas, as a real note has, so that a few escapes do not make it binary. '.repeat(3);
  const dir = tmpNotes({ 'n.md': `# N\n\n${prose}\n\nLet $u = x^3 ${esc}$. $\\frac{d}{dx} x^2 = 3x ${esc}$ and $\\frac{}{${esc}$.\n\n${prose}\n` });
  for (const format of ['text', 'json']) {
    const r = runCli(['check', '--all', '--format', format, path.join(dir, 'n.md')]);
    assert.ok(r.stdout.length > 50, r.stdout);
    assert.doesNotMatch(r.stdout + r.stderr, /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202e]/, JSON.stringify(r.stdout));
    if (format === 'text') assert.match(r.stdout, /\\x1b|U\+001B/);
    else JSON.parse(r.stdout);
  }
});

test('LaTeX: \\input and \\include read the chapter files as part of the document, positions in each file', () => {
  const dir = tmpNotes({
    'book/main.tex': '\\newcommand{\\pd}[2]{\\frac{d #1}{d #2}}\n\\begin{document}\n\\input{one}\nHere: $\\pd{}{t} t^2 = 2t$.\n\\include{two.tex}\n\\end{document}\n',
    'book/one.tex': 'Chapter one: $\\pd{}{t} e^{t} = e^{t}$.\n\\[ \\pd{}{t} t^4 = 3t^3 \\]\n',
    'book/two.tex': '% $\\pd{}{t} t = 5$\n$\\pd{}{t} \\cos t = -\\sin t$\n',
    'elsewhere.tex': '\\input{book/one}\n',
  });
  const r = runCli(['check', path.join(dir, 'book')]);
  assert.equal(r.code, 1, r.stdout + r.stderr);
  // The chapter's mistake, found with the main file's macro, at its place in the chapter; the chapters are not checked
  // again on their own.
  assert.match(r.stdout, /book[\\/]one\.tex:2:4: error: /);
  assert.equal(r.stdout.trim().split('\n').pop(), '4 claims: 3 verified, 1 false, 0 unchecked');
  const json = JSON.parse(runCli(['check', '--format', 'json', path.join(dir, 'book')]).stdout);
  assert.equal(json.files.length, 1);
  assert.deepEqual(json.files[0].claims.map((c: { file?: string; line: number }) => [path.basename(c.file ?? json.files[0].path), c.line]), [['one.tex', 1], ['one.tex', 2], ['main.tex', 4], ['two.tex', 2]]);
});
