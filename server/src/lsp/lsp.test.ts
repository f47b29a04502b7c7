/**
 * The language server's pure modules: settings, diagnostics conversion, hover content, code actions,
 * differentiate, the check runner and the service (with fake connection functions).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver';
import { checkDocument, type DocumentReport } from '../engine';
import { LineMap } from '../scan/lines';
import { DEFAULT_SETTINGS, DISABLE_NEXT_LINE, NOTE_FILE_EXTENSIONS, type CalcnotesSettings, type StatusParams } from './protocol';
import { NOTE_EXTENSIONS } from '../formats';
import { engineOptions, mergeSettings, modeFor, normalizeMacroName } from './settings';
import { toDiagnostics, claimOfDiagnostic } from './diagnostics';
import { escapeMarkdown, hover, verdictLine } from './hover';
import { codeActions, IGNORE_TITLE } from './codeActions';
import { differentiate, variableName } from './differentiate';
import { previewMarks } from './preview';
import { CheckRunner, type CheckJob, type CheckOutcome, type Runner } from './checkRunner';
import { startWorker } from './earlyWorker';
import { CalcnotesService, headEnd, type DocLike } from './service';
import { packPlot, unpackPlot } from '../check/plotSpec';
import { plotImageUri } from '../render/plotImage';

/** hover() with time enough to draw a plot on a loaded machine (the plot budget is for editors, not tests). */
const hoverAt = (input: Parameters<typeof hover>[0]) => hover({ plotBudgetMs: 60_000, ...input });

const QUOTIENT = "The quotient rule: $(f/g)' = (f'g + fg')/g^2$.\n";

function settings(over: Partial<CalcnotesSettings> = {}): CalcnotesSettings {
  return { ...mergeSettings({}), ...over };
}

function report(text: string, mode: 'markdown' | 'text' = 'markdown'): DocumentReport {
  return checkDocument(text, { mode, budgetMs: 2000 });
}

function decodeImages(markdown: string): string[] {
  return [...markdown.matchAll(/\(data:image\/svg\+xml;base64,([A-Za-z0-9+/=]+)\)/g)].map((m) => Buffer.from(m[1], 'base64').toString('utf8'));
}

// ---- settings ----------------------------------------------------------------------------------------------

test('settings: garbage gives the defaults, without sharing the default macros object', () => {
  for (const raw of [undefined, null, 42, 'x', [], { enable: 'yes', logBase: 2, timeBudgetMs: 'fast', macros: 'no' }]) {
    const s = mergeSettings(raw);
    assert.deepEqual({ ...s, macros: {} }, { ...DEFAULT_SETTINGS, macros: {} }, JSON.stringify(raw));
    assert.notEqual(s.macros, DEFAULT_SETTINGS.macros);
  }
});

test('settings: valid values are taken, invalid ones fall back one by one', () => {
  const s = mergeSettings({
    enable: false,
    logBase: '10',
    matrixLayout: 'numerator',
    bareFormulas: false,
    dollarDialect: 'pandoc',
    falseClaimSeverity: 'warning',
    showUnchecked: true,
    timeBudgetMs: 500,
    macros: { '\\R': '\\mathbb{R}', N: '\\mathbb{N}', 'bad name': 'x', '\\x': 3, '\\|': '\\Vert' },
    plots: false,
    disabledCodes: ['suspicious-notation', 42, 'Not A Code'],
    fileKinds: { latex: false, notebook: 'yes', other: false },
    latexFormulaHover: 'off',
    unknown: 1,
  });
  assert.deepEqual(s, {
    enable: false,
    logBase: '10',
    matrixLayout: 'numerator',
    bareFormulas: false,
    dollarDialect: 'pandoc',
    falseClaimSeverity: 'warning',
    showUnchecked: true,
    timeBudgetMs: 500,
    macros: { '\\R': '\\mathbb{R}', '\\N': '\\mathbb{N}', '\\|': '\\Vert' },
    plots: false,
    disabledCodes: ['suspicious-notation'],
    include: [],
    exclude: [],
    hiddenClaims: [],
    fileKinds: { markdown: true, quarto: true, rmarkdown: true, text: true, latex: false, notebook: true },
    latexFormulaHover: 'off',
  });
  assert.equal(mergeSettings({ plots: 'no' }).plots, true);
  assert.equal(mergeSettings({ plots: 0 }).plots, true);
  assert.equal(mergeSettings({ falseClaimSeverity: 'fatal' }).falseClaimSeverity, 'error');
  assert.equal(mergeSettings({ matrixLayout: 'sideways' }).matrixLayout, 'auto');
  assert.equal(mergeSettings({ dollarDialect: 'latex' }).dollarDialect, 'vscode');
  assert.equal(engineOptions(mergeSettings({ dollarDialect: 'github' }), 'markdown').dollarDialect, 'github');
  assert.equal(engineOptions(mergeSettings({}), 'markdown').dollarDialect, undefined, 'the default is left to the engine');
  assert.equal(mergeSettings({ timeBudgetMs: 1e9 }).timeBudgetMs, 10000);
  assert.equal(mergeSettings({ timeBudgetMs: -5 }).timeBudgetMs, 10);
  assert.equal(mergeSettings({ timeBudgetMs: NaN }).timeBudgetMs, 200);
  assert.equal(mergeSettings({ logBase: 10 }).logBase, '10');
  assert.equal(normalizeMacroName('__proto__'), null);
  assert.equal(normalizeMacroName('\\1'), null);
});

test('settings: document mode and engine options', () => {
  assert.equal(modeFor('file:///a/notes.txt'), 'text');
  assert.equal(modeFor('file:///a/NOTES.TXT'), 'text');
  assert.equal(modeFor('file:///a/notes.md'), 'markdown');
  assert.equal(modeFor('untitled:Untitled-1', 'plaintext'), 'text');
  assert.equal(modeFor('file:///a/notes.txt.md'), 'markdown');
  assert.deepEqual(engineOptions(settings({ logBase: '10', timeBudgetMs: 300, bareFormulas: false, macros: { '\\R': '\\mathbb{R}' } }), 'text'), {
    mode: 'text',
    logBase: '10',
    budgetMs: 300,
    bareFormulas: false,
    macros: { '\\R': '\\mathbb{R}' },
  });
  assert.equal(engineOptions(settings({ matrixLayout: 'numerator' }), 'markdown').matrixLayout, 'numerator');
  // 'auto' (the default): the note's own statement decides, so the engine gets no layout.
  assert.equal(engineOptions(settings({ matrixLayout: 'auto' }), 'markdown').matrixLayout, undefined);
});

// ---- diagnostics ---------------------------------------------------------------------------------------------

test('diagnostics: a false claim with an exact range, severity from the settings, claim index in data', () => {
  const r = report(QUOTIENT);
  const diags = toDiagnostics(r, new LineMap(QUOTIENT), settings());
  assert.equal(diags.length, 1);
  const d = diags[0];
  assert.deepEqual(d.range, { start: { line: 0, character: 20 }, end: { line: 0, character: 44 } });
  assert.equal(d.severity, DiagnosticSeverity.Error);
  assert.equal(d.code, 'false-claim');
  assert.equal(d.source, 'calcnotes');
  assert.match(d.message, /is not/);
  assert.deepEqual(d.data, { claim: r.claims.findIndex((c) => c.verdict === 'false') });
  for (const [sev, lsp] of [
    ['warning', DiagnosticSeverity.Warning],
    ['information', DiagnosticSeverity.Information],
    ['hint', DiagnosticSeverity.Hint],
  ] as const) {
    assert.equal(toDiagnostics(r, new LineMap(QUOTIENT), settings({ falseClaimSeverity: sev }))[0].severity, lsp);
  }
});

test('diagnostics: ranges in UTF-16 code units across CRLF lines, syntax errors, unchecked hints on request', () => {
  const text = 'Let $u = x^3$. 😀 Then $\\frac{d}{dx} \\sum_i x_i = 1$ and $\\frac{1}{2$ ok.\r\n\r\n  😀 $\\frac{d}{dx} x^3 = 2x^2$\r\n';
  const r = report(text);
  const lines = new LineMap(text);
  const diags = toDiagnostics(r, lines, settings());
  assert.deepEqual(
    diags.map((d) => [d.code, d.severity, d.range.start.line, d.range.start.character, d.range.end.line, d.range.end.character]),
    [
      ['latex-syntax', DiagnosticSeverity.Error, 0, 68, 0, 68],
      ['false-claim', DiagnosticSeverity.Error, 2, 6, 2, 29],
    ],
  );
  assert.equal(text.slice(lines.offsetAt(diags[1].range.start), lines.offsetAt(diags[1].range.end)), '\\frac{d}{dx} x^3 = 2x^2');
  const withHints = toDiagnostics(r, lines, settings({ showUnchecked: true }));
  const hints = withHints.filter((d) => d.code === 'unchecked');
  assert.equal(hints.length, 1, 'the sum claim, not the definition of u');
  assert.equal(hints[0].severity, DiagnosticSeverity.Hint);
  assert.match(hints[0].message, /^Not checked: the expression does not depend on x/);
  assert.equal(text.slice(lines.offsetAt(hints[0].range.start), lines.offsetAt(hints[0].range.end)), '\\frac{d}{dx} \\sum_i x_i = 1');
  assert.deepEqual(hints[0].data, { claim: 1, reason: 'not-understood' });
  assert.deepEqual(withHints.map((d) => d.range.start.line), [0, 0, 2], 'sorted by position');
});

test('diagnostics: a diagnostic finds its claim by data, or by range when the index is stale', () => {
  const r = report(QUOTIENT);
  const lines = new LineMap(QUOTIENT);
  const d = toDiagnostics(r, lines, settings())[0];
  assert.equal(claimOfDiagnostic(r, lines, d)?.claim.verdict, 'false');
  assert.equal(claimOfDiagnostic(r, lines, { ...d, data: { claim: 7 } })?.index, 0);
  assert.equal(claimOfDiagnostic(r, lines, { ...d, source: 'other' }), null);
  assert.equal(claimOfDiagnostic(r, lines, { ...d, data: undefined, range: { start: { line: 0, character: 0 }, end: d.range.end } }), null);
});

// ---- hover ---------------------------------------------------------------------------------------------------

test('hover: a false claim shows the formula, the verdict and the expected right side, in the theme colour', () => {
  const r = report(QUOTIENT);
  const h = hoverAt({ text: QUOTIENT, position: { line: 0, character: 25 }, report: r, reportText: QUOTIENT, color: '#123456' });
  assert.ok(h);
  const md = (h.contents as { kind: string; value: string }).value;
  assert.equal((h.contents as { kind: string }).kind, 'markdown');
  assert.match(md, /^!\[formula\]\(data:image\/svg\+xml;base64,/);
  // The verdict once: the diagnostic beside the hover says what is wrong; the hover adds what it expected, drawn.
  assert.doesNotMatch(md, /is not/);
  // One false claim: the verdict on the formula's line; then (when the Problems message is shortened) the
  // counterexample; then the plot.
  assert.match(md, /\) \u2003\*\*✗ false\*\* — expected !\[expected\]\(data:image\/svg\+xml;base64,[^)]*\)\n\n(?:[^!\n][^\n]*\n\n)?!\[plot\]\(data:image\/svg\+xml;base64,[^)]*\)$/);
  const svgs = decodeImages(md);
  assert.equal(svgs.length, 3, 'formula, expected, plot');
  for (const svg of svgs) {
    assert.ok(svg.startsWith('<svg'));
    assert.ok(svg.includes('#123456'));
    assert.ok(!svg.includes('currentColor'));
  }
  assert.deepEqual(h.range, { start: { line: 0, character: 19 }, end: { line: 0, character: 45 } });
});

test('hover: verified and unchecked claims, the computed derivative, both claims of a chain', () => {
  const text = '$$\n\\frac{d}{dx}\\sin(x^2) = 2x\\cos(x^2) = \\foo\n$$\n';
  const r = report(text);
  const on = (line: number, character: number) => {
    const h = hoverAt({ text, position: { line, character }, report: r, reportText: text });
    return h ? (h.contents as { value: string }).value : null;
  };
  const first = on(1, 3);
  assert.ok(first);
  assert.match(first, /\n\n✓ verified — at \d+ random points\n\nComputed derivative: !\[computed derivative\]\(data:[^)]*\)\n\n!\[plot\]\(data:/);
  assert.doesNotMatch(first, /not checked/);
  const middle = on(1, 28); // inside 2x\cos(x^2), which both claims share
  assert.ok(middle);
  assert.match(middle, /✓ verified/);
  assert.match(middle, /· not checked — \\\\foo is not understood/);
  const last = on(1, 40);
  assert.ok(last);
  assert.doesNotMatch(last, /verified/);
  assert.doesNotMatch(last, /!\[plot\]/, 'no plot for a claim that was not checked');
  assert.equal(decodeImages(first).length, 3, 'formula, computed derivative, plot');
  assert.equal((middle.match(/!\[plot\]/g) ?? []).length, 1, 'one plot per hover');
  // On the delimiter line: the formula, no claim.
  const delim = on(0, 1);
  assert.ok(delim);
  assert.equal(decodeImages(delim).length, 1);
  assert.doesNotMatch(delim, /verified|false|not checked/);
});

test('hover: nothing outside math, nothing on a fragment whose text changed since the check', () => {
  const r = report(QUOTIENT);
  assert.equal(hover({ text: QUOTIENT, position: { line: 0, character: 5 }, report: r, reportText: QUOTIENT }), null);
  assert.equal(hover({ text: QUOTIENT, position: { line: 0, character: 46 }, report: r, reportText: QUOTIENT }), null);
  const edited = QUOTIENT.replace('g^2', 'g^3');
  assert.equal(hover({ text: edited, position: { line: 0, character: 25 }, report: r, reportText: QUOTIENT }), null);
  // Text added after the formula does not matter.
  const appended = `${QUOTIENT}More text.\n`;
  assert.ok(hover({ text: appended, position: { line: 0, character: 25 }, report: r, reportText: QUOTIENT }));
});

test('hover: the note\'s \\newcommand and the macros setting reach the renderer', () => {
  const text = '$\\newcommand{\\R}{\\mathbb{R}}$ Let $x \\in \\R$ and $y \\in \\Q$.\n';
  const r = report(text);
  const svgAt = (character: number, macros?: Record<string, string>) => {
    const h = hoverAt({ text, position: { line: 0, character }, report: r, reportText: text, macros });
    assert.ok(h);
    return decodeImages((h.contents as { value: string }).value)[0];
  };
  assert.ok(!svgAt(38).includes('fill="red"'), '\\R defined by the note');
  assert.ok(svgAt(50).includes('fill="red"'), '\\Q undefined');
  assert.ok(!svgAt(50, { '\\Q': '\\mathbb{Q}' }).includes('fill="red"'), '\\Q from the setting');
});

/** The plot of a hover's Markdown, decoded (null without one), with its curves' path data. */
function plotOf(markdown: string): { svg: string; curves: string[] } | null {
  const m = /!\[plot\]\(data:image\/svg\+xml;base64,([A-Za-z0-9+/=]+)\)/.exec(markdown);
  if (!m) return null;
  const svg = Buffer.from(m[1], 'base64').toString('utf8');
  return { svg, curves: [...svg.matchAll(/<path class="curve" data-curve="\d+" d="([^"]*)"/g)].map((x) => x[1]) };
}

test('hover plot: a false claim plots "stated" and "actual" around the counterexample, which is marked', () => {
  const r = report(QUOTIENT);
  const h = hoverAt({ text: QUOTIENT, position: { line: 0, character: 25 }, report: r, reportText: QUOTIENT, color: '#123456' });
  assert.ok(h);
  const plot = plotOf((h.contents as { value: string }).value);
  assert.ok(plot, 'a plot image');
  assert.match(plot.svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" width="320" height="100"/);
  assert.match(plot.svg, /<text[^>]*>stated<\/text>/);
  assert.match(plot.svg, /<text[^>]*>actual<\/text>/);
  assert.match(plot.svg, /<g class="marker">.*<circle /);
  assert.ok(plot.svg.includes('#123456'), 'in the theme colour');
  assert.equal(plot.curves.length, 2);
  for (const d of plot.curves) assert.match(d, /^M[\d.]+ [\d.]+L/, 'both curves are drawn');
  // The marker stands where the counterexample is: its guide line's x is the x of the counterexample.
  const claim = r.claims.find((c) => c.verdict === 'false');
  assert.ok(claim?.plot && claim.counterexample);
  assert.equal(claim.plot.x0, claim.counterexample.point[0][1]);
});

test('hover plot: a verified derivative plots the function and its derivative', () => {
  const text = '$\\frac{d}{dx}\\sin x^2 = 2x\\cos x^2$\n';
  const r = report(text);
  const h = hoverAt({ text, position: { line: 0, character: 5 }, report: r, reportText: text, color: '#abcdef' });
  assert.ok(h);
  const md = (h.contents as { value: string }).value;
  assert.match(md, /✓ verified/);
  const plot = plotOf(md);
  assert.ok(plot);
  assert.match(plot.svg, />f\(x\) = sin x²</);
  assert.match(plot.svg, />f′\(x\)</);
  assert.equal(plot.curves.length, 2);
  for (const d of plot.curves) {
    assert.equal((d.match(/M/g) ?? []).length, 1, 'each a single line: sin x² and 2x cos x² have no gaps');
    assert.ok((d.match(/L/g) ?? []).length > 100, 'sampled finely');
  }
  assert.notEqual(plot.curves[0], plot.curves[1]);
});

test('hover plot: 1/x is drawn in two pieces, never across its pole; ln x only where it is defined', () => {
  const text = '$\\frac{d}{dx} \\frac{1}{x} = \\frac{1}{x^2}$ and $\\frac{d}{dx} \\ln x = \\frac{1}{x}$\n';
  const r = report(text);
  const at = (character: number) => {
    const h = hoverAt({ text, position: { line: 0, character }, report: r, reportText: text });
    assert.ok(h);
    const plot = plotOf((h.contents as { value: string }).value);
    assert.ok(plot);
    const frame = /<rect class="frame" x="([\d.]+)" y="[\d.]+" width="([\d.]+)"/.exec(plot.svg);
    assert.ok(frame);
    return { plot, left: Number(frame[1]), width: Number(frame[2]) };
  };
  // False: stated 1/x², actual −1/x², around the counterexample; both have a pole at 0.
  const recip = at(10);
  const c = r.claims[0];
  assert.equal(c.verdict, 'false');
  assert.ok(c.plot);
  const [lo, hi] = [c.plot.x0 - 2, c.plot.x0 + 2];
  const px0 = recip.left + ((0 - lo) / (hi - lo)) * recip.width;
  assert.ok(lo < 0 && hi > 0, 'the pole is in view');
  for (const d of recip.plot.curves) {
    const subpaths = d.split('M').filter(Boolean).map((sp) => [...sp.matchAll(/(?:^|L)([\d.]+) /g)].map((m) => Number(m[1])));
    assert.equal(subpaths.length, 2, `two pieces: ${d.slice(0, 120)}`);
    for (const xs of subpaths) assert.ok(xs.every((x) => x < px0) || xs.every((x) => x > px0), 'no piece crosses x = 0');
  }
  // Verified: ln x and its derivative, nothing drawn left of 0.
  const ln = at(50);
  const x0 = r.claims[1].plot?.x0;
  assert.equal(x0, 1);
  const zero = ln.left + ((0 - (1 - 2)) / 4) * ln.width;
  for (const d of ln.plot.curves) {
    assert.ok(d.length > 0);
    for (const m of d.matchAll(/[ML]([\d.]+) /g)) assert.ok(Number(m[1]) > zero, `a point at x ≤ 0 (${m[1]} ≤ ${zero})`);
  }
});

test('hover plot: the setting turns plots off; no plot for a claim whose curves are nowhere defined', () => {
  const r = report(QUOTIENT);
  const off = hoverAt({ text: QUOTIENT, position: { line: 0, character: 25 }, report: r, reportText: QUOTIENT, plots: false });
  assert.ok(off);
  const md = (off.contents as { value: string }).value;
  assert.equal(plotOf(md), null);
  assert.equal(decodeImages(md).length, 2, 'formula and expected only');
  assert.match(md, /expected !\[expected\]/);
  // A spec whose curves are undefined everywhere (ln(−1 − x²)): the hover simply has no plot.
  const broken: DocumentReport = {
    ...r,
    claims: r.claims.map((c) =>
      c.plot
        ? { ...c, plot: packPlot({ ...unpackPlot(c.plot), curves: [{ label: 'nothing', expr: { k: 'fn', f: 'ln', a: { k: 'add', a: [{ k: 'num', v: -1 }, { k: 'mul', a: [{ k: 'num', v: -1 }, { k: 'pow', b: { k: 'var', name: 'x' }, e: { k: 'num', v: 2 } }] }] } } }] }) }
        : c,
    ),
  };
  const h = hoverAt({ text: QUOTIENT, position: { line: 0, character: 25 }, report: broken, reportText: QUOTIENT });
  assert.ok(h);
  assert.equal(plotOf((h.contents as { value: string }).value), null);
  assert.match((h.contents as { value: string }).value, /✗ false/);
});

test('hover plot: drawn once, then cached with the report; hovers stay fast', () => {
  const text = '$\\frac{d}{dx} \\tan x = 1 + \\tan x$\n';
  const r = report(text);
  const on = () => hoverAt({ text, position: { line: 0, character: 5 }, report: r, reportText: text, color: '#fedcba' });
  on(); // renders the formula (MathJax) and the plot
  const t0 = performance.now();
  const again = on();
  const ms = performance.now() - t0;
  assert.ok(again && plotOf((again.contents as { value: string }).value));
  assert.ok(ms < 20, `a cached hover with a plot took ${ms.toFixed(1)} ms`);
});

test('hover: verdict lines escape Markdown', () => {
  assert.equal(escapeMarkdown('a_1 * b [x](y) <b>'), 'a\\_1 \\* b \\[x\\]\\(y\\) \\<b\\>');
  assert.equal(
    verdictLine({ start: 0, end: 1, latex: '', kind: 'derivative', verdict: 'unchecked', reason: 'not checked: x_1 is odd', rhsStart: 0, rhsEnd: 0 }),
    '· not checked — x\\_1 is odd',
  );
});

// ---- code actions ----------------------------------------------------------------------------------------------

function actionsFor(text: string, over: Partial<CalcnotesSettings> = {}, current = text, mode: 'markdown' | 'text' = 'markdown') {
  const r = report(text, mode);
  const diags = toDiagnostics(r, new LineMap(text), settings(over));
  return { diags, actions: codeActions({ uri: 'file:///n.md', text: current, report: r, reportText: text, diagnostics: diags }) };
}

function apply(text: string, action: { edit?: { changes?: Record<string, { range: Diagnostic['range']; newText: string }[]> } }): string {
  const edits = action.edit?.changes?.['file:///n.md'];
  assert.ok(edits && edits.length === 1);
  const lines = new LineMap(text);
  const e = edits[0];
  return text.slice(0, lines.offsetAt(e.range.start)) + e.newText + text.slice(lines.offsetAt(e.range.end));
}

test('code actions: the quick fix replaces the right-hand side with the expected LaTeX, and the claim then holds', () => {
  const { actions } = actionsFor(QUOTIENT);
  assert.deepEqual(actions.filter((a) => a.edit).map((a) => [a.title.startsWith('Replace') ? 'fix' : a.title, a.kind, a.isPreferred ?? false]), [
    ['fix', 'quickfix', true],
    [IGNORE_TITLE, 'quickfix', false],
  ]);
  const expected = report(QUOTIENT).claims[0].expected as string;
  const fixed = apply(QUOTIENT, actions[0]);
  assert.equal(fixed, `The quotient rule: $(f/g)' = ${expected}$.\n`);
  assert.deepEqual(report(fixed).claims.map((c) => c.verdict), ['verified']);
});

test('code actions: "Ignore this claim" puts the comment above the line, indented, and the claim is gone', () => {
  const text = '# Rules\n\n  > Note $\\frac{d}{dx} x^3 = 2x^2$ here.\r\n';
  const { actions } = actionsFor(text);
  const ignore = actions.find((a) => a.title === IGNORE_TITLE);
  assert.ok(ignore);
  const after = apply(text, ignore);
  assert.equal(after, `# Rules\n\n  > ${DISABLE_NEXT_LINE}\r\n  > Note $\\frac{d}{dx} x^3 = 2x^2$ here.\r\n`);
  assert.deepEqual(report(after).claims, []);
  const plain = 'Intro.\n\n  $\\frac{d}{dx} x^3 = 2x^2$\n';
  const p = actionsFor(plain).actions.find((a) => a.title === IGNORE_TITLE);
  assert.ok(p);
  assert.equal(apply(plain, p), `Intro.\n\n  ${DISABLE_NEXT_LINE}\n  $\\frac{d}{dx} x^3 = 2x^2$\n`);
  assert.deepEqual(report(apply(plain, p)).claims, []);
});

test('code actions: in a display block the comment goes above the opening delimiter', () => {
  const text = 'Text.\n\n$$\n\\frac{d}{dx} x^3 = 2x^2\n$$\n';
  const { actions } = actionsFor(text);
  const ignore = actions.find((a) => a.title === IGNORE_TITLE);
  assert.ok(ignore);
  const after = apply(text, ignore);
  assert.equal(after, `Text.\n\n${DISABLE_NEXT_LINE}\n$$\n\\frac{d}{dx} x^3 = 2x^2\n$$\n`);
  assert.deepEqual(report(after).claims, []);
});

test('code actions: unchecked hints get "Ignore" only; nothing for syntax errors, stale text or other kinds', () => {
  const text = 'Then $\\frac{d}{dx} \\sum_i x_i = 1$ and $\\frac{1}{2$.\n';
  const { actions, diags } = actionsFor(text, { showUnchecked: true });
  assert.deepEqual(diags.map((d) => d.code), ['unchecked', 'latex-syntax']);
  assert.deepEqual(actions.filter((a) => a.edit).map((a) => a.title), [IGNORE_TITLE]);
  // The claim was edited since the check: no edits computed on old offsets.
  const stale = actionsFor(QUOTIENT, {}, QUOTIENT.replace('fg', 'gf'));
  assert.deepEqual(stale.actions, []);
  const r = report(QUOTIENT);
  const diagnostics = toDiagnostics(r, new LineMap(QUOTIENT), settings());
  const only = (kinds: string[]) => codeActions({ uri: 'file:///n.md', text: QUOTIENT, report: r, reportText: QUOTIENT, diagnostics, only: kinds }).length;
  assert.equal(only(['refactor']), 0);
  assert.equal(only(['quickfix']), 3);
  assert.equal(only(['']), 3);
});

test('code actions: plain-text notes', () => {
  const text = 'Chain rule:\n\\frac{d}{dx} x^3 = 2x^2\n';
  const { actions } = actionsFor(text, {}, text, 'text');
  assert.equal(actions.length, 3);
  assert.equal(apply(text, actions[0]), 'Chain rule:\n\\frac{d}{dx} x^3 = 3x^2\n');
});

// ---- differentiate ---------------------------------------------------------------------------------------------

const derivativeOf = (r: { latex: string } | { error: string }) => ('latex' in r ? r.latex : r);

test('differentiate: LaTeX in, readable LaTeX out; errors as { error }', () => {
  assert.equal(derivativeOf(differentiate({ latex: '\\sin(x^2)', variable: 'x' })), '2x\\cos(x^2)');
  assert.equal(derivativeOf(differentiate({ latex: '$\\sin(\\theta^2)$', variable: '\\theta' })), '2\\theta\\cos(\\theta^2)');
  assert.equal(derivativeOf(differentiate({ latex: 'x^2 y', variable: 'y' })), 'x^2');
  assert.equal(derivativeOf(differentiate({ latex: '\\frac{1}{x}', variable: 'x' })), '-\\frac{1}{x^2}');
  assert.equal(derivativeOf(differentiate({ latex: 'f(x)g(x)', variable: 'x' })), "f'(x)g(x) + f(x)g'(x)");
  assert.equal(variableName('theta'), 'theta');
  assert.equal(variableName('x_1'), 'x_1');
  assert.equal(variableName('x+y'), null);
  for (const p of [
    { latex: '\\frac{', variable: 'x' },
    { latex: 'x = 2', variable: 'x' },
    { latex: '\\sum_i x_i', variable: 'x' },
    { latex: 'x^2', variable: 'x + 1' },
    { latex: '', variable: 'x' },
    null as unknown as { latex: string; variable: string },
  ]) {
    const r = differentiate(p);
    assert.ok('error' in r && r.error.length > 0, JSON.stringify(p));
  }
});

test('differentiate: the note\'s settings apply — the \\log base and the macros', async () => {
  assert.equal(derivativeOf(differentiate({ latex: '\\log x', variable: 'x' })), '\\frac{1}{x}');
  const base10 = differentiate({ latex: '\\log x', variable: 'x' }, { logBase: '10' });
  assert.ok('latex' in base10 && base10.latex !== '\\frac{1}{x}', JSON.stringify(base10));
  assert.equal(derivativeOf(differentiate({ latex: '\\R x^2', variable: 'x' }, { macros: { '\\R': '3' } })), '6x');
  // Through the service: the settings of the note named in the request.
  const { service } = makeService((uri) => settings(uri.endsWith('ten.md') ? { logBase: '10' } : {}));
  assert.deepEqual(await service.differentiate({ latex: '\\log x', variable: 'x', uri: 'file:///ten.md' }), base10);
  assert.equal(derivativeOf(await service.differentiate({ latex: '\\log x', variable: 'x', uri: 'file:///e.md' })), '\\frac{1}{x}');
  assert.equal(derivativeOf(await service.differentiate({ latex: '\\log x', variable: 'x' })), '\\frac{1}{x}');
  await service.dispose();
});

// ---- preview marks ---------------------------------------------------------------------------------------------

test('preview marks: the lines where false claims start, with their messages, once each', () => {
  const text = `Intro.\n\n${QUOTIENT}\nAnd $\\frac{d}{dx} x^2 = 3x$ and $\\frac{d}{dx} x^3 = 2x$.\n`;
  const marks = previewMarks(checkDocument(text), text);
  assert.deepEqual(marks.map((m) => m.line), [2, 4]);
  assert.equal(marks[1].messages.length, 2);
  assert.match(marks[0].messages[0], /is not/);
});

test('service: preview marks come from the open note\'s own check, or from a check of the text given', async () => {
  const { service, docs } = makeService((uri) => settings(uri.endsWith('off.md') ? { enable: false } : {}));
  const uri = 'file:///p.md';
  docs.set(uri, new FakeDoc(uri, QUOTIENT));
  service.opened(uri);
  const open = await service.previewMarks({ uri, text: QUOTIENT });
  assert.equal(open.marks.length, 1);
  assert.equal(open.marks[0].line, 0);
  assert.equal(open.marks[0].messages[0], service.lastReport(uri)?.diagnostics[0].message);
  // A text the editor does not hold (a closed note, a preview ahead of the editor): checked on its own.
  const other = await service.previewMarks({ uri, text: `Title\n\n${QUOTIENT}` });
  assert.deepEqual(other.marks.map((m) => m.line), [2]);
  assert.deepEqual((await service.previewMarks({ uri: 'file:///closed.md', text: QUOTIENT })).marks.length, 1);
  assert.deepEqual(await service.previewMarks({ uri: 'file:///off.md', text: QUOTIENT }), { marks: [] });
  assert.deepEqual((await service.previewMarks({ uri: '', text: QUOTIENT })).marks.length, 1);
  await assert.rejects(service.previewMarks({ uri } as unknown as { uri: string; text: string }));
  await service.dispose();
});

test('service: preview marks asked for no note come from the open note with that text, not from a second check', async () => {
  // VS Code's Markdown engine parses with an empty environment (no document), for its own language server too.
  const texts: string[] = [];
  const inner = new CheckRunner();
  const runner: Runner = { submit: (job) => (texts.push(job.text), inner.submit(job)), dispose: () => inner.dispose() };
  const { service, docs } = makeService(undefined, 1, runner);
  const doc = new FakeDoc('file:///open.md', `Intro.\n\n${QUOTIENT}\n`);
  docs.set('file:///open.md', doc);
  service.opened('file:///open.md');
  const marks = await service.previewMarks({ uri: '', text: doc.getText() });
  assert.deepEqual(marks.marks.map((m) => m.line), [2]);
  assert.equal(marks.marks[0].messages[0], service.lastReport('file:///open.md')?.diagnostics[0].message);
  assert.deepEqual(texts, [doc.getText()], 'the note was checked once');
  // A text no open note holds is still checked on its own.
  assert.deepEqual((await service.previewMarks({ uri: '', text: QUOTIENT })).marks.map((m) => m.line), [0]);
  assert.equal(texts.length, 2);
  await service.dispose();
});

// ---- check runner ---------------------------------------------------------------------------------------------

const WORKER_SCRIPT = path.resolve(__dirname, '../worker.js');

for (const mode of ['inline', 'worker'] as const) {
  test(`check runner (${mode}): a newer version supersedes queued and running checks`, async () => {
    const runner = new CheckRunner(mode === 'worker' ? { workerScript: WORKER_SCRIPT } : {});
    try {
      const job = (version: number, text: string) => runner.submit({ key: 'a', version, text, options: { budgetMs: 2000 } });
      const other = runner.submit({ key: 'b', version: 1, text: '$\\frac{d}{dx} x^2 = 2x$', options: {} });
      const v1 = job(1, QUOTIENT);
      const v2 = job(2, QUOTIENT);
      const v3 = job(3, '$\\frac{d}{dx} x^3 = 3x^2$');
      const [o, a, b, c] = await Promise.all([other, v1, v2, v3]);
      assert.equal(o.status, 'done');
      assert.equal(a.status, 'superseded');
      assert.equal(b.status, 'superseded');
      assert.equal(c.status, 'done');
      if (c.status === 'done') assert.deepEqual(c.report.claims.map((k) => k.verdict), ['verified']);
      if (o.status === 'done') assert.deepEqual(o.report.claims.map((k) => k.verdict), ['verified']);
      assert.equal(runner.usesWorker, mode === 'worker');
    } finally {
      await runner.dispose();
    }
  });
}

test('check runner (worker): a stale running check is cut short and the worker restarted', async () => {
  const logs: string[] = [];
  const runner = new CheckRunner({ workerScript: WORKER_SCRIPT, staleKillMs: 0, log: (m) => logs.push(m) });
  try {
    const warm = await runner.submit({ key: 'w', version: 1, text: '$x = 1$', options: {} });
    assert.equal(warm.status, 'done');
    const long = runner.submit({ key: 'a', version: 1, text: QUOTIENT.repeat(30), options: { budgetMs: 2000 } });
    const fresh = runner.submit({ key: 'a', version: 2, text: QUOTIENT, options: { budgetMs: 2000 } });
    const [l, f] = await Promise.all([long, fresh]);
    assert.equal(l.status, 'superseded');
    assert.equal(f.status, 'done');
    assert.ok(logs.some((m) => /restarting the checker/.test(m)), logs.join('\n'));
    assert.equal(runner.usesWorker, true);
  } finally {
    await runner.dispose();
  }
  assert.equal((await runner.submit({ key: 'x', version: 1, text: '', options: {} })).status, 'failed');
});

// The server's entry starts the worker before it loads the rest of the server (server.ts, earlyWorker.ts).
test('check runner (worker): it takes the worker started before it; one that stopped first is replaced, saying why', async (t) => {
  const alive = setInterval(() => undefined, 1000); // the workers do not keep the process alive
  t.after(() => clearInterval(alive));
  const logs: string[] = [];
  const started = startWorker(WORKER_SCRIPT);
  assert.ok(started);
  const runner = new CheckRunner({ workerScript: WORKER_SCRIPT, started, log: (m) => logs.push(m) });
  try {
    runner.prestart();
    const first = await runner.submit({ key: 'a', version: 1, text: QUOTIENT, options: {} });
    assert.equal(first.status, 'done');
    // The worker checking is the one started before: when it ends, the runner says so and starts another.
    await started.worker.terminate();
    await new Promise((resolve) => setImmediate(resolve));
    assert.ok(logs.some((m) => /the checker stopped/.test(m)), logs.join('\n'));
    assert.equal((await runner.submit({ key: 'a', version: 2, text: QUOTIENT, options: {} })).status, 'done');
  } finally {
    await runner.dispose();
  }

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'calcnotes-early-'));
  const broken = path.join(dir, 'worker.js');
  fs.writeFileSync(broken, "throw new Error('a broken start');\n");
  const failed = startWorker(broken);
  assert.ok(failed);
  await new Promise((resolve) => failed.worker.once('exit', resolve)); // before any runner listens: nothing is thrown
  const logs2: string[] = [];
  const runner2 = new CheckRunner({ workerScript: WORKER_SCRIPT, started: failed, log: (m) => logs2.push(m) });
  try {
    assert.equal((await runner2.submit({ key: 'b', version: 1, text: QUOTIENT, options: {} })).status, 'done');
    assert.ok(logs2.some((m) => /started with the server stopped \(a broken start\)/.test(m)), logs2.join('\n'));
  } finally {
    await runner2.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

// ---- service -----------------------------------------------------------------------------------------------------

class FakeDoc implements DocLike {
  constructor(
    public uri: string,
    public text: string,
    public version = 1,
    public languageId = 'markdown',
  ) {}
  getText(): string {
    return this.text;
  }
}

function makeService(settingsFor: (uri: string) => CalcnotesSettings = () => settings(), debounceMs = 20, runner: Runner = new CheckRunner()) {
  const docs = new Map<string, FakeDoc>();
  const published: { uri: string; diagnostics: Diagnostic[]; version?: number }[] = [];
  const statuses: StatusParams[] = [];
  const logs: string[] = [];
  const service = new CalcnotesService({
    getDocument: (uri) => docs.get(uri),
    getSettings: async (uri) => settingsFor(uri),
    publishDiagnostics: (uri, diagnostics, version) => published.push(version === undefined ? { uri, diagnostics } : { uri, diagnostics, version }),
    sendStatus: (p) => statuses.push(p),
    log: (m) => logs.push(m),
    runner,
    debounceMs,
  });
  return { service, docs, published, statuses, logs };
}

test('service: open checks and publishes; quick edits are debounced into one check of the latest text', async () => {
  const { service, docs, published, statuses } = makeService();
  const uri = 'file:///q.md';
  docs.set(uri, new FakeDoc(uri, QUOTIENT));
  service.opened(uri);
  await service.settled(uri);
  assert.equal(published.length, 1);
  assert.equal(published[0].diagnostics[0].code, 'false-claim');
  assert.equal(published[0].version, 1);
  assert.deepEqual(statuses, [{ uri, verified: 0, false: 1, unchecked: 0 }]);
  // Hover and code actions from the last report.
  assert.ok(service.hover(uri, { line: 0, character: 25 }));
  assert.equal(service.codeActions({ textDocument: { uri }, range: published[0].diagnostics[0].range, context: { diagnostics: published[0].diagnostics } }).length, 3);

  const doc = docs.get(uri) as FakeDoc;
  for (let v = 2; v <= 5; v++) {
    doc.text = v === 5 ? "The quotient rule: $(f/g)' = \\frac{f'g - fg'}{g^2}$.\n" : `${QUOTIENT}${'x'.repeat(v)}`;
    doc.version = v;
    service.changed(uri);
  }
  await service.settled(uri);
  assert.equal(published.length, 2, 'one check for four quick changes');
  assert.deepEqual(published[1].diagnostics, []);
  assert.equal(published[1].version, 5);
  assert.equal(statuses[1].verified, 1);

  service.closed(uri);
  assert.deepEqual(published[2], { uri, diagnostics: [] });
  assert.equal(service.hover(uri, { line: 0, character: 25 }), null);
  await service.dispose();
});

test('service: the plot of a false claim is drawn while idle, so the first hover shows it even with no time to draw', async () => {
  const { service, docs } = makeService();
  const uri = 'file:///plot.md';
  docs.set(uri, new FakeDoc(uri, QUOTIENT));
  service.opened(uri);
  await service.settled(uri);
  const claim = service.lastReport(uri)!.claims.find((c) => c.verdict === 'false')!;
  assert.ok(claim.plot, 'the false claim has a plot spec');
  await new Promise((r) => setTimeout(r, 50)); // a few idle turns of the event loop
  // Budget 0: sampling now would time out at once, so an image here was drawn ahead of time.
  assert.match(plotImageUri(claim.plot!, service.ink, 0) ?? '', /^data:image\/svg\+xml/);
  await service.dispose();
});

test('service: an open is checked at once, even though TextDocuments also reports it as a change', async () => {
  const { service, docs, published } = makeService(undefined, 10_000);
  const uri = 'file:///o.md';
  docs.set(uri, new FakeDoc(uri, QUOTIENT));
  const t0 = Date.now();
  service.opened(uri);
  service.changed(uri); // same version: no second, debounced check
  await service.settled(uri);
  assert.ok(Date.now() - t0 < 5000, `took ${Date.now() - t0} ms`);
  assert.equal(published.length, 1);
  await service.dispose();
});

test('service: a result for an older version is dropped, even when it arrives last', async () => {
  const jobs: { job: CheckJob; resolve: (o: CheckOutcome) => void }[] = [];
  const runner: Runner = {
    submit: (job) => new Promise<CheckOutcome>((resolve) => jobs.push({ job, resolve })),
    dispose: async () => undefined,
  };
  const docs = new Map<string, FakeDoc>();
  const published: { uri: string; diagnostics: Diagnostic[]; version?: number }[] = [];
  const service = new CalcnotesService({
    getDocument: (uri) => docs.get(uri),
    getSettings: async () => settings(),
    publishDiagnostics: (uri, diagnostics, version) => published.push({ uri, diagnostics, version }),
    sendStatus: () => undefined,
    log: () => undefined,
    runner,
    debounceMs: 1,
  });
  const until = async (cond: () => boolean) => {
    for (let i = 0; i < 500 && !cond(); i++) await new Promise((r) => setTimeout(r, 5));
    assert.ok(cond());
  };
  const uri = 'file:///s.md';
  const doc = new FakeDoc(uri, QUOTIENT);
  docs.set(uri, doc);
  service.opened(uri);
  await until(() => jobs.length === 1);
  const fixed = '$\\frac{d}{dx} x^2 = 2x$\n';
  doc.text = fixed;
  doc.version = 2;
  service.changed(uri);
  await until(() => jobs.length === 2);
  assert.ok(jobs[1].job.version > jobs[0].job.version);
  assert.equal(jobs[1].job.text, fixed);
  // The newer check finishes first, the older one last: only the newer one is published.
  jobs[1].resolve({ status: 'done', report: report(fixed), ms: 1 });
  await until(() => published.length === 1);
  jobs[0].resolve({ status: 'done', report: report(QUOTIENT), ms: 1 });
  await service.settled(uri);
  await new Promise((r) => setTimeout(r, 20));
  assert.deepEqual(published, [{ uri, diagnostics: [], version: 2 }]);
  // Hover uses the newest report.
  assert.equal(service.lastReport(uri)?.claims[0].verdict, 'verified');
  await service.dispose();
});

test('service: disabled documents get no diagnostics', async () => {
  let enable = true;
  const { service, docs, published } = makeService(() => settings({ enable }));
  const uri = 'file:///d.md';
  const doc = new FakeDoc(uri, QUOTIENT);
  docs.set(uri, doc);
  service.opened(uri);
  await service.settled(uri);
  assert.equal(published[0].diagnostics.length, 1);
  enable = false;
  doc.version = 2;
  service.settingsChanged();
  await service.settled(uri);
  assert.deepEqual(published[published.length - 1], { uri, diagnostics: [], version: 2 });
  assert.equal(service.hover(uri, { line: 0, character: 25 }), null);
  await service.dispose();
});

test('service: plots cross from the worker thread into the hover; calcnotes.plots = false removes them', async () => {
  let plots = true;
  const docs = new Map<string, FakeDoc>();
  const service = new CalcnotesService({
    getDocument: (uri) => docs.get(uri),
    getSettings: async () => settings({ plots }),
    publishDiagnostics: () => undefined,
    sendStatus: () => undefined,
    log: () => undefined,
    runner: new CheckRunner({ workerScript: WORKER_SCRIPT }),
    debounceMs: 1,
  });
  try {
    const uri = 'file:///p.md';
    const doc = new FakeDoc(uri, QUOTIENT);
    docs.set(uri, doc);
    service.opened(uri);
    await service.settled(uri);
    const md = () => (service.hover(uri, { line: 0, character: 25 })?.contents as { value: string }).value;
    const plot = plotOf(md());
    assert.ok(plot, 'a plot from a report made in the worker');
    assert.match(plot.svg, />stated</);
    plots = false;
    doc.version = 2;
    service.settingsChanged();
    await service.settled(uri);
    assert.equal(plotOf(md()), null);
    assert.match(md(), /✗ false/);
  } finally {
    await service.dispose();
  }
});

test('service: theme colour reaches the hover; checkText of a closed note publishes its diagnostics', async () => {
  const { service, docs, published } = makeService();
  const uri = 'file:///t.md';
  docs.set(uri, new FakeDoc(uri, QUOTIENT));
  service.setTheme({ kind: 'light', foreground: '#0a0b0c' });
  service.opened(uri);
  await service.settled(uri);
  const h = service.hover(uri, { line: 0, character: 25 });
  assert.ok(h);
  assert.ok(decodeImages((h.contents as { value: string }).value)[0].includes('#0a0b0c'));
  service.setTheme({ kind: 'dark', foreground: '"/><script>' });
  assert.equal(service.ink, '#808080');

  const closed = 'file:///closed/notes.txt';
  const counts = await service.checkText({ uri: closed, text: 'Rule:\n\\frac{d}{dx} x^3 = 2x^2\n' });
  assert.deepEqual(counts, { uri: closed, verified: 0, false: 1, unchecked: 0 });
  const p = published.find((x) => x.uri === closed);
  assert.ok(p);
  assert.equal(p.diagnostics[0].range.start.line, 1);
  // An open note is counted from its editor text.
  assert.deepEqual(await service.checkText({ uri, text: 'ignored' }), { uri, verified: 0, false: 1, unchecked: 0 });
  await assert.rejects(service.checkText({ uri: 5, text: '' } as unknown as { uri: string; text: string }));
  await service.dispose();
});

test('settings: markdown.math.macros (the preview\'s KaTeX macros) are taken, and calcnotes.macros wins over them', () => {
  const s = mergeSettings({ macros: { '\\R': '\\mathbb{R}' } }, { '\\R': '\\mathbf{R}', N: '\\mathbb{N}', 'bad key': 'x', '\\x': 3 });
  assert.deepEqual(s.macros, { '\\R': '\\mathbb{R}', '\\N': '\\mathbb{N}' });
  assert.deepEqual(mergeSettings(undefined, { '\\one': '1' }).macros, { '\\one': '1' });
  assert.deepEqual(mergeSettings({}, 'not a table').macros, {});
  assert.equal(engineOptions(s, 'markdown', '\\newcommand{\\two}{2}').preamble, '\\newcommand{\\two}{2}');
  assert.equal('preamble' in engineOptions(s, 'markdown'), false);
});

test('service: a note\'s project configuration is read up to its workspace folder, logged once when broken, read again when it changes', async () => {
  const fs = await import('fs');
  const os = await import('os');
  const { pathToFileURL } = await import('url');
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'calcnotes-ws-'));
  const ws = path.join(root, 'ws');
  fs.mkdirSync(path.join(ws, 'notes'), { recursive: true });
  fs.writeFileSync(path.join(root, 'macros.json'), '{"\\\\three": "4"}'); // above the workspace: never read
  fs.writeFileSync(path.join(ws, 'katex-macros.json'), '{"\\\\three": "3", "\\\\sq": ["{#1}^2", 1]}');
  fs.writeFileSync(path.join(ws, '_config.yml'), 'sphinx: [');
  const uri = pathToFileURL(path.join(ws, 'notes', 'n.md')).toString();
  const docs = new Map<string, FakeDoc>();
  const logs: string[] = [];
  const service = new CalcnotesService({
    getDocument: (u) => docs.get(u),
    getSettings: async () => settings(),
    publishDiagnostics: () => undefined,
    sendStatus: () => undefined,
    log: (m) => logs.push(m),
    runner: new CheckRunner(),
    debounceMs: 5,
    workspaceFolders: () => [ws],
  });
  docs.set(uri, new FakeDoc(uri, '# N\n\n$$\\frac{d}{dx}\\sq{x} = 2x$$ and $\\three + 1 = 4$.\n'));
  service.opened(uri);
  await service.settled(uri);
  assert.deepEqual(service.lastReport(uri)!.claims.map((c) => c.verdict), ['verified', 'verified']);
  assert.equal(logs.length, 1, logs.join('\n'));
  assert.match(logs[0], /^calcnotes: warning: .*_config\.yml: macros not read: not valid YAML/);
  // The hover renders the project's macros too.
  assert.match(JSON.stringify(service.hover(uri, { line: 2, character: 5 })), /data:image\/svg\+xml/);
  // A file changes: read again (and the old warning, now fixed, is not repeated).
  fs.writeFileSync(path.join(ws, 'katex-macros.json'), '{"\\\\three": "5", "\\\\sq": ["{#1}^2", 1]}');
  fs.writeFileSync(path.join(ws, '_config.yml'), 'title: fixed\n');
  service.configFilesChanged();
  await service.settled(uri);
  assert.deepEqual(service.lastReport(uri)!.claims.map((c) => c.verdict), ['verified', 'false']);
  assert.equal(logs.length, 1);
  // A note that is not a file reads no configuration.
  assert.equal(service.preambleFor('untitled:Untitled-1'), '');
  await service.dispose();
});

test('a LaTeX chapter opened on its own gets the macros of the main file that \\inputs it', async () => {
  const fs = await import('fs');
  const os = await import('os');
  const { pathToFileURL } = await import('url');
  const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'calcnotes-tex-'));
  fs.writeFileSync(path.join(ws, 'main.tex'), '\\documentclass{book}\n\\newcommand{\\pd}[2]{\\frac{d #1}{d #2}}\n\\begin{document}\n\\input{chap}\n\\end{document}\n');
  const uri = pathToFileURL(path.join(ws, 'chap.tex')).toString();
  const docs = new Map<string, FakeDoc>();
  const service = new CalcnotesService({
    getDocument: (u) => docs.get(u),
    getSettings: async () => settings(),
    publishDiagnostics: () => undefined,
    sendStatus: () => undefined,
    log: () => undefined,
    runner: new CheckRunner(),
    debounceMs: 5,
    workspaceFolders: () => [ws],
  });
  const doc = new FakeDoc(uri, 'Slopes: $\\pd{}{s} s^3 = 3s^2$ and $\\pd{}{s} s^2 = 3s$.\n');
  (doc as unknown as { languageId: string }).languageId = 'latex';
  docs.set(uri, doc);
  service.opened(uri);
  await service.settled(uri);
  assert.deepEqual(service.lastReport(uri)!.claims.map((c) => c.verdict), ['verified', 'false']);
  await service.dispose();
});

test('service: a long note shows its first part\'s problems first, the same as the whole check finds there', async () => {
  const { generateNote } = await import('../testing/notes');
  const full = generateNote(8).text;
  const text = full.slice(0, full.indexOf('\n## Section', 60_000) + 1);
  const cut = headEnd(text);
  assert.ok(cut !== null && cut >= 5_000 && cut < 20_000, `cut at ${cut}`);
  const cutLine = new LineMap(text).positionAt(cut).line;
  const { service, docs, published, statuses } = makeService();
  const uri = 'file:///long.md';
  docs.set(uri, new FakeDoc(uri, text));
  service.opened(uri);
  await service.settled(uri);
  assert.equal(published.length, 2, 'the first part, then the whole note');
  const [first, whole] = published;
  assert.ok(first.diagnostics.length > 0, 'the first part has problems of its own');
  assert.ok(first.diagnostics.every((d) => d.range.end.line <= cutLine));
  assert.deepEqual(first.diagnostics, whole.diagnostics.filter((d) => d.range.start.line < cutLine));
  assert.ok(whole.diagnostics.some((d) => d.range.start.line > cutLine), 'problems after the first part come with the whole check');
  assert.deepEqual(whole.diagnostics, toDiagnostics(report(text), new LineMap(text), settings()));
  assert.equal(statuses.length, 1, 'the counts are sent once, for the whole note');
  // An edit is checked whole (the cache makes it quick): no first part again.
  (docs.get(uri) as FakeDoc).text = `${text}\nMore: $\\frac{d}{dx} x^2 = 3x$.\n`;
  (docs.get(uri) as FakeDoc).version = 2;
  service.changed(uri);
  await service.settled(uri);
  assert.equal(published.length, 3);
  await service.dispose();
});

test('service: typing in a long note before its first whole check is done: the next check is whole, no first part again', async () => {
  const { generateNote } = await import('../testing/notes');
  const full = generateNote(8).text;
  const text = full.slice(0, full.indexOf('\n## Section', 60_000) + 1);
  const { service, docs, published, statuses } = makeService();
  const uri = 'file:///typed.md';
  const doc = new FakeDoc(uri, text);
  docs.set(uri, doc);
  service.opened(uri);
  // The first part is published; the user types while the rest waits.
  for (let i = 0; i < 200 && published.length === 0; i++) await new Promise((r) => setTimeout(r, 5));
  assert.equal(published.length, 1, 'the first part');
  doc.text = `${text}\nTyped: $\frac{d}{dx} x^3 = 2x^2$.\n`;
  doc.version = 2;
  service.changed(uri);
  await service.settled(uri);
  assert.equal(published.length, 2, 'one whole check of the typed text, no second first part');
  assert.ok(published[1].diagnostics.some((d) => /x\^?3|x³/.test(d.message) || d.range.start.line === doc.text.split('\n').length - 2));
  assert.equal(statuses.length, 1);
  await service.dispose();
});

test('headEnd: short notes, notes of one section and macros defined after the cut are checked whole', () => {
  const section = (k: number) => `## Part ${k}\n\n${'We see that $\\frac{d}{dx} x^2 = 2x$ holds. '.repeat(80)}\n\n`;
  const long = Array.from({ length: 12 }, (_, k) => section(k)).join('');
  assert.ok(long.length > 32_000);
  assert.ok(headEnd(long) !== null);
  assert.equal(headEnd(long.slice(0, 20_000)), null, 'short');
  assert.equal(headEnd(long.replace(/^## /gm, '')), null, 'one section');
  assert.equal(headEnd(`${long}\\newcommand{\\R}{\\mathbb{R}}\n`), null, 'a macro defined after the cut');
  assert.ok(headEnd(`\\newcommand{\\R}{\\mathbb{R}}\n\n${long}`) !== null, 'a macro defined before the cut');
});

test('service: the renderer warms up after the first note is checked, even when the note comes late', async () => {
  const docs = new Map<string, FakeDoc>();
  const events: string[] = [];
  const service = new CalcnotesService({
    getDocument: (uri) => docs.get(uri),
    getSettings: async () => settings(),
    publishDiagnostics: (uri) => events.push(`published ${uri}`),
    sendStatus: () => undefined,
    log: () => undefined,
    info: (m) => events.push(m),
    runner: new CheckRunner(),
    debounceMs: 20,
  });
  // The handshake is over (delay 0) but no note has come yet: loading MathJax now would hold up the note's check.
  service.warmUpWhenIdle(0, 5000);
  await new Promise((r) => setTimeout(r, 300));
  assert.deepEqual(events, [], 'nothing warmed before a note came');
  const uri = 'file:///late.md';
  docs.set(uri, new FakeDoc(uri, QUOTIENT));
  service.opened(uri);
  await service.settled(uri);
  for (let i = 0; i < 100 && !events.some((e) => /renderer ready/.test(e)); i++) await new Promise((r) => setTimeout(r, 50));
  assert.equal(events[0], `published ${uri}`);
  assert.match(events[1] ?? '', /renderer ready/);
  await service.dispose();
});

test('Check All Notes in Workspace looks for the files the command line reads (every extension, .myst too)', () => {
  const client = new Set(NOTE_FILE_EXTENSIONS.map((e) => `.${e.toLowerCase()}`));
  assert.deepEqual([...client].sort(), [...new Set(NOTE_EXTENSIONS)].sort());
});
