/**
 * The editor as a user meets it (issue 13): messages a student reads at a glance, ranges that cover the claim,
 * hovers within VS Code's size limits.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { pathToFileURL } from 'url';
import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver';
import { checkDocument, looksLikeMathNotes } from '../engine';
import { LineMap } from '../scan/lines';
import { DEFAULT_SETTINGS, DISABLE_CODE_COMMAND, HIDE_CLAIM_COMMAND, type CalcnotesSettings, type StatusParams } from './protocol';
import { matchesAny, mergeSettings } from './settings';
import { CalcnotesService, type DocLike } from './service';
import { CheckRunner } from './checkRunner';
import { HIDE_TITLE, codeActions } from './codeActions';
import { MAX_MESSAGE_LENGTH, claimRange, shortMessage, toDiagnostics } from './diagnostics';
import { MAX_HOVER_CHARS, blockRows, hover } from './hover';
import { differentiate, notAFormula } from './differentiate';

const settings = DEFAULT_SETTINGS;

function diagnosticsOf(text: string) {
  const r = checkDocument(text);
  return { r, lines: new LineMap(text), diags: toDiagnostics(r, new LineMap(text), settings) };
}

test('messages: at most 150 characters, by sentences (the counterexample goes first, then the expectation)', () => {
  const long = `(f/g)' is not (f'g + fg')/g²: with f = arctan x, g = sin x, h = cosh x at x = 2.17 the left side is 1.154 and the right side is −0.7299. Expected (f'g − fg')/g².`;
  assert.ok(long.length > MAX_MESSAGE_LENGTH);
  assert.equal(shortMessage(long), `(f/g)' is not (f'g + fg')/g². Expected (f'g − fg')/g².`);
  assert.equal(shortMessage('short'), 'short');
  const words = `${'word '.repeat(60)}end`;
  const cut = shortMessage(words);
  assert.ok(cut.length <= MAX_MESSAGE_LENGTH && cut.endsWith('…'), cut);
});

test('messages: a fraction times a factor reads (1/2)·x^(−1/2); a matrix reads [2×2 matrix]; no LaTeX in reasons', () => {
  const { diags } = diagnosticsOf('Then $\\frac{d}{dx}\\sqrt{x} = \\frac{1}{3}x^{-1/2}$.\n');
  assert.equal(diags.length, 1);
  assert.match(diags[0].message, /is not \(1\/3\)·x\^\(−1\/2\)/);
  const m = checkDocument('Let $A = \\begin{bmatrix} 1 & 2 \\\\ 3 & 4 \\end{bmatrix}$ and $\\sigma(x) = \\frac{1}{1+e^{-x}}$.\n');
  const reasons = m.claims.map((c) => c.reason).join(' | ');
  assert.doesNotMatch(reasons, /\\sigma|\\begin|bmatrix/, reasons);
  assert.match(reasons, /defines σ\(x\)/);
  for (const d of toDiagnostics(m, new LineMap(''), settings)) assert.doesNotMatch(d.message, /begin|bmatrix/);
});

test('ranges: an annotation after the claim is not squiggled; a claim over many lines squiggles its first line', () => {
  const text = '$$\n\\begin{aligned}\n\\frac{d}{dx} x^3 &= 2x^2 && \\text{from eq. (1)}\n\\end{aligned}\n$$\n';
  const { diags } = diagnosticsOf(text);
  assert.equal(diags.length, 1);
  const line = text.split('\n')[2];
  assert.equal(line.slice(diags[0].range.start.character, diags[0].range.end.character), '\\frac{d}{dx} x^3 &= 2x^2');

  // A claim over nine lines (a matrix on its right side): its relation and first line.
  const rows = Array.from({ length: 7 }, (_, i) => `  ${i + 1} & x \\\\`).join('\n');
  const matrix = `$$\nJ = \\begin{bmatrix}\n${rows}\n\\end{bmatrix}\n$$\n`;
  const lines = new LineMap(matrix);
  const start = matrix.indexOf('J');
  const end = matrix.indexOf('\\end{bmatrix}') + '\\end{bmatrix}'.length;
  const r = claimRange(lines, { start, end, rhsStart: matrix.indexOf('\\begin') });
  assert.deepEqual(r, { start: { line: 1, character: 0 }, end: { line: 1, character: '    J = \\begin{bmatrix}'.length - 4 } });
  // Its relation on a later line: that line.
  const lhsFirst = `$$\n\\begin{bmatrix}\n${rows}\n\\end{bmatrix}\n  = B\n$$\n`;
  const l2 = new LineMap(lhsFirst);
  const r2 = claimRange(l2, { start: lhsFirst.indexOf('\\begin'), end: lhsFirst.indexOf('B') + 1, rhsStart: lhsFirst.indexOf('B') });
  assert.deepEqual(r2, { start: { line: 10, character: 2 }, end: { line: 10, character: 5 } });
});

test('hover: a long display block never goes past the size budget; it shows the claim\'s row and says which', () => {
  const rows = Array.from({ length: 14 }, (_, i) => `\\frac{d}{dx}\\left(x^{${i + 2}} e^{x}\\sin x\\right) &= ${i + 2}x^{${i + 1}}e^x\\sin x + x^{${i + 2}}e^x \\sin x + x^{${i + 2}} e^x\\cos x`);
  rows[9] = '\\frac{d}{dx} x^3 &= 2x^2';
  const text = `Steps:\n\n$$\n\\setcounter{equation}{0}\n\\begin{aligned}\n${rows.join(' \\\\\n')}\n\\end{aligned}\n\\label{eq:steps} \\tag{1}\n$$\n`;
  const r = checkDocument(text);
  const lines = new LineMap(text);
  const row = text.split('\n').findIndex((l) => l.startsWith('\\frac{d}{dx} x^3'));
  const h = hover({ text, position: { line: row, character: 20 }, report: r, reportText: text });
  assert.ok(h);
  const md = (h.contents as { value: string }).value;
  assert.ok(md.length < MAX_HOVER_CHARS, `${md.length} characters`);
  assert.match(md, /^Row 10 of 14: !\[formula\]\(data:image\/svg\+xml;base64,/);
  assert.match(md, /✗ false/);
  // Every image is whole: no image syntax without its closing bracket.
  for (const m of md.matchAll(/!\[[^\]]*\]\((data:[^)]*)\)/g)) assert.ok(m[1].length < 50_000);
  // Elsewhere in the block, the row under the cursor.
  const h2 = hover({ text, position: { line: row - 3, character: 5 }, report: r, reportText: text, lines });
  assert.match((h2?.contents as { value: string }).value, /^Row 7 of 14: /);
});

test('blockRows: rows at the top level of an environment; a matrix inside a row is one row', () => {
  const latex = '\\begin{aligned} a &= b \\\\ c &= \\begin{bmatrix} 1 \\\\ 2 \\end{bmatrix} \\\\ \\end{aligned}';
  const rows = blockRows(latex).map((r) => latex.slice(r.start, r.end).trim());
  assert.deepEqual(rows, ['a &= b', 'c &= \\begin{bmatrix} 1 \\\\ 2 \\end{bmatrix}']);
});

test('differentiate selection: a verified statement in the note\'s style; prose and equations are refused', () => {
  const r = differentiate({ latex: '\\sin(x^2)', variable: 'x' });
  assert.deepEqual(r, { latex: '2x\\cos(x^2)', statement: '\\frac{d}{dx}\\sin(x^2) = 2x\\cos(x^2)' });
  const sum = differentiate({ latex: 'x^2 + 3x', variable: 'x' });
  assert.ok('statement' in sum && sum.statement === '\\frac{d}{dx}\\left(x^2 + 3x\\right) = 2x + 3', JSON.stringify(sum));
  const styled = differentiate({ latex: '\\sin\\theta', variable: '\\theta' }, {}, 'We write $\\dfrac{d}{dt} t^2 = 2t$.');
  assert.ok('statement' in styled && styled.statement?.startsWith('\\dfrac{d}{d\\theta}'), JSON.stringify(styled));
  for (const s of [r, sum, styled]) {
    if (!('statement' in s) || !s.statement) continue;
    const claims = checkDocument(`$${s.statement}$`).claims;
    assert.ok(claims.length > 0 && claims.every((c) => c.verdict === 'verified'), s.statement);
  }
  const prose = differentiate({ latex: 'the derivative of the loss', variable: 'x' });
  assert.ok('error' in prose && /prose/.test(prose.error));
  const eq = differentiate({ latex: 'f(x) = x^2', variable: 'x' });
  assert.ok('error' in eq && /equation/.test(eq.error));
  assert.equal(notAFormula('e^{-x^2/2}\\cos x'), null);
  assert.equal(notAFormula('\\operatorname{softmax}(z)_i'), null);
});

// ---- which files, results that stay, false positives hidden without editing the note ----------------------------

class Doc implements DocLike {
  constructor(
    public uri: string,
    public text: string,
    public languageId = 'markdown',
    public version = 1,
  ) {}
  getText(): string {
    return this.text;
  }
}

function service(over: Partial<CalcnotesSettings> = {}, folders: string[] = []) {
  const docs = new Map<string, Doc>();
  const published = new Map<string, Diagnostic[]>();
  const statuses: StatusParams[] = [];
  const s = new CalcnotesService({
    getDocument: (uri) => docs.get(uri),
    getSettings: async () => ({ ...mergeSettings({}), ...over }),
    publishDiagnostics: (uri, diagnostics) => published.set(uri, diagnostics),
    sendStatus: (p) => statuses.push(p),
    log: () => undefined,
    runner: new CheckRunner(),
    debounceMs: 5,
    workspaceFolders: () => folders,
  });
  return { s, docs, published, statuses };
}

const WRONG = 'Then $\\frac{d}{dx} x^3 = 2x^2$.\n';

test('which files: Markdown always; plain text when it looks like math notes; include and exclude globs', async () => {
  assert.equal(looksLikeMathNotes('budget = 3*40 = 100\nbuy milk\n'), false);
  assert.equal(looksLikeMathNotes("f'(x) = 2x"), true);
  assert.equal(looksLikeMathNotes('d/dx x^2 = 2x'), true);
  assert.equal(looksLikeMathNotes('\\frac{d}{dx} x'), true);
  const { s, docs, published, statuses } = service({}, ['/w']);
  const todo = 'file:///w/todo.txt';
  docs.set(todo, new Doc(todo, 'budget = 3*40 = 100\n', 'plaintext'));
  s.opened(todo);
  await s.settled(todo);
  assert.deepEqual(published.get(todo), []);
  assert.equal(statuses.at(-1)?.skipped, true);
  const notes = 'file:///w/calc.txt';
  docs.set(notes, new Doc(notes, WRONG, 'plaintext'));
  s.opened(notes);
  await s.settled(notes);
  assert.equal(published.get(notes)?.length, 1);
  const base = mergeSettings({});
  assert.equal(s.shouldCheck('file:///w/todo.txt', 'plaintext', 'a = 1', { ...base, include: ['*.txt'] }), true);
  assert.equal(s.shouldCheck('file:///w/drafts/a.md', 'markdown', WRONG, { ...base, exclude: ['drafts/**'] }), false);
  assert.equal(s.shouldCheck('file:///w/a.md', 'markdown', WRONG, { ...base, exclude: ['drafts/**'] }), true);
  assert.equal(s.shouldCheck('file:///w/x/todo.txt', 'plaintext', '\\frac{d}{dx}', { ...base, exclude: ['todo.txt'] }), false);
  assert.ok(matchesAny('notes/week1/a.md', ['notes/**/*.md']) && matchesAny('a.md', ['**/*.{md,txt}']) && !matchesAny('a.mdx', ['*.md']));
  await s.dispose();
});

test('Check All Notes: a checked note keeps its problems when its editor closes (checked again from disk)', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'calcnotes-closed-'));
  try {
    const file = path.join(dir, 'n.md');
    fs.writeFileSync(file, WRONG);
    const uri = pathToFileURL(file).toString();
    const { s, docs, published } = service({}, [dir]);
    const r = await s.checkText({ uri, text: WRONG });
    assert.equal(r.false, 1);
    assert.equal(published.get(uri)?.length, 1);
    docs.set(uri, new Doc(uri, WRONG));
    s.opened(uri);
    await s.settled(uri);
    s.closed(uri);
    await new Promise((res) => setTimeout(res, 300));
    assert.equal(published.get(uri)?.length, 1, 'the problem is still published after the editor closed');
    // A note the workspace check never saw loses its problems with its editor, as before.
    const other = pathToFileURL(path.join(dir, 'o.md')).toString();
    docs.set(other, new Doc(other, WRONG));
    s.opened(other);
    await s.settled(other);
    s.closed(other);
    assert.deepEqual(published.get(other), []);
    await s.dispose();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('hide a false positive: by its LaTeX in calcnotes.hiddenClaims (spaces do not count); turn a code off', () => {
  const r = checkDocument(WRONG);
  const lines = new LineMap(WRONG);
  const hiddenClaims = mergeSettings({ hiddenClaims: ['\\frac{d}{dx}x^3   = 2x^2'] }).hiddenClaims;
  assert.deepEqual(toDiagnostics(r, lines, { ...settings, hiddenClaims }), []);
  const diags = toDiagnostics(r, lines, settings);
  const actions = codeActions({ uri: 'file:///n.md', text: WRONG, report: r, reportText: WRONG, diagnostics: diags });
  const hide = actions.find((a) => a.title === HIDE_TITLE);
  assert.ok(hide?.command);
  assert.deepEqual(hide.command.arguments, ['file:///n.md', r.claims[0].latex]);
  assert.equal(hide.command.command, HIDE_CLAIM_COMMAND);
  // Unchecked hints and warnings: the reason code can be turned off for the workspace.
  const text = 'So $\\frac{d}{dx} f(x) = g(x)$.\n';
  const u = checkDocument(text);
  const hints = toDiagnostics(u, new LineMap(text), { ...settings, showUnchecked: true });
  const hint = hints.find((d) => d.code === 'unchecked');
  assert.ok(hint);
  {
    const code = (hint.data as { reason?: string }).reason ?? 'unchecked';
    const off = codeActions({ uri: 'file:///u.md', text, report: u, reportText: text, diagnostics: [hint] }).find((a) => a.command?.command === DISABLE_CODE_COMMAND);
    assert.deepEqual(off?.command?.arguments, ['file:///u.md', code]);
    assert.equal(toDiagnostics(u, new LineMap(text), { ...settings, showUnchecked: true, disabledCodes: [code] }).filter((d) => d.code === 'unchecked').length, 0);
  }
});

test('LaTeX the preview renders is no error; valid LaTeX KaTeX does not render is a hint; a typo stays an error', () => {
  const diags = (t: string) => toDiagnostics(checkDocument(t), new LineMap(t), settings);
  assert.deepEqual(diags('Let $z $ be a number, and $$\\setcounter{equation}{2} x^2 \\label{eq:a} \\tag{1}$$\n'), []);
  const hint = diags('$$\\begin{align} a &= b \\\\ \\intertext{and} c &= d \\end{align}$$\n');
  assert.equal(hint.length, 1);
  assert.equal(hint[0].severity, DiagnosticSeverity.Hint);
  assert.match(hint[0].message, /\\intertext is valid LaTeX that VS Code's preview \(KaTeX\) does not render/);
  const typo = diags('$\\fracc{1}{2}$\n');
  assert.equal(typo[0]?.severity, DiagnosticSeverity.Error);
});
