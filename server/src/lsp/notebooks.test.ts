import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import type { Diagnostic } from 'vscode-languageserver';
import { notebookToNote } from '../formats/notebook';
import { CheckRunner } from './checkRunner';
import { fileKindOf, formulaInHover, kindEnabled, noteFor } from './fileKinds';
import { hover } from './hover';
import { checkDocument } from '../engine';
import { mergeSettings } from './settings';
import { NotebookBridge, joinNotebook, splitDiagnostics, toCellRange, toNotePosition, type NotebookSource } from './notebooks';
import { CalcnotesService, type DocLike } from './service';
import type { CalcnotesSettings, StatusParams } from './protocol';

const cell = (n: number) => `vscode-notebook-cell:/home/u/course/week3.ipynb#cell${n}`;
const NOTEBOOK = 'file:///home/u/course/week3.ipynb';

// ---- the pure mapping ------------------------------------------------------------------------------------------

test('notebook mapping: cells joined as the CLI joins them; positions go to the note and back', () => {
  const cells = [
    { uri: cell(1), text: '# Week 3\nLet $h(t) = t^4$.' },
    { uri: cell(2), text: 'Its slope:\r\n\r\n$h\'(t) = 4t^2$' },
    { uri: cell(3), text: '' },
    { uri: cell(4), text: 'last' },
  ];
  const nb = joinNotebook(cells);
  // The same note as a notebook file with these markdown cells (and code cells between) gives the CLI.
  const json = JSON.stringify({
    cells: [
      { cell_type: 'markdown', source: cells[0].text },
      { cell_type: 'code', source: 'h = lambda t: t**4' },
      { cell_type: 'markdown', source: [cells[1].text] },
      { cell_type: 'markdown', source: cells[2].text },
      { cell_type: 'markdown', source: cells[3].text },
    ],
  });
  const fromFile = notebookToNote(json);
  assert.ok(!('problem' in fromFile));
  assert.equal(nb.text, fromFile.text);
  assert.deepEqual(nb.cells.map((c) => [c.start, c.end]), fromFile.cells.map((c) => [c.start, c.end]));

  // Cell 2, line 2 (after a CRLF blank line), character 3 — in the note it is three lines further down.
  const inNote = toNotePosition(nb, cell(2), { line: 2, character: 3 });
  assert.deepEqual(inNote, { line: 5, character: 3 });
  assert.equal(nb.text.slice(nb.lines.offsetAt(inNote!), nb.lines.offsetAt(inNote!) + 3), '(t)');
  assert.deepEqual(toCellRange(nb, { start: inNote!, end: { line: 5, character: 6 } }), {
    uri: cell(2),
    range: { start: { line: 2, character: 3 }, end: { line: 2, character: 6 } },
  });
  // An empty cell and the last one still have their places; an unknown cell has none.
  assert.deepEqual(toCellRange(nb, { start: toNotePosition(nb, cell(4), { line: 0, character: 2 })!, end: toNotePosition(nb, cell(4), { line: 0, character: 4 })! }), {
    uri: cell(4),
    range: { start: { line: 0, character: 2 }, end: { line: 0, character: 4 } },
  });
  assert.equal(toNotePosition(nb, 'vscode-notebook-cell:/elsewhere.ipynb#x', { line: 0, character: 0 }), null);
});

test('notebook mapping: diagnostics split by cell, every cell listed, a range running past its cell cut at its end', () => {
  const nb = joinNotebook([
    { uri: cell(1), text: 'one\ntwo' },
    { uri: cell(2), text: 'three' },
  ]);
  const d = (sl: number, sc: number, el: number, ec: number, message: string): Diagnostic => ({
    range: { start: { line: sl, character: sc }, end: { line: el, character: ec } },
    message,
  });
  const split = splitDiagnostics(nb, [d(1, 0, 1, 3, 'on "two"'), d(3, 1, 3, 4, 'in "three"'), d(0, 1, 3, 2, 'runs on')]);
  assert.deepEqual([...split.keys()], [cell(1), cell(2)]);
  assert.deepEqual(split.get(cell(1))!.map((x) => [x.message, x.range]), [
    ['on "two"', { start: { line: 1, character: 0 }, end: { line: 1, character: 3 } }],
    ['runs on', { start: { line: 0, character: 1 }, end: { line: 1, character: 3 } }],
  ]);
  assert.deepEqual(split.get(cell(2))!.map((x) => [x.message, x.range]), [['in "three"', { start: { line: 0, character: 1 }, end: { line: 0, character: 4 } }]]);
  assert.deepEqual(splitDiagnostics(joinNotebook([]), [d(0, 0, 0, 1, 'nowhere')]), new Map());
});

// ---- the bridge and the service --------------------------------------------------------------------------------

/** A notebook as NotebookDocuments holds it: cells in order (markup 1, code 2) and the cells' texts. */
class FakeNotebooks implements NotebookSource {
  cells: { kind: number; document: string }[] = [];
  texts = new Map<string, string>();
  cellsOf(uri: string) {
    return uri === NOTEBOOK ? this.cells : undefined;
  }
  notebookOf(cellUri: string) {
    return this.cells.some((c) => c.document === cellUri) ? NOTEBOOK : undefined;
  }
  cellText(cellUri: string) {
    return this.texts.get(cellUri);
  }
  set(cells: [number, string][]) {
    this.cells = cells.map(([kind], i) => ({ kind, document: cell(i + 1) }));
    this.texts = new Map(cells.map(([, text], i) => [cell(i + 1), text]));
  }
}

function setup(settingsFor: () => CalcnotesSettings = () => mergeSettings({})) {
  const source = new FakeNotebooks();
  const sent = new Map<string, Diagnostic[]>();
  const statuses: StatusParams[] = [];
  const bridge = new NotebookBridge(source, (uri, ds) => sent.set(uri, ds));
  const texts = new Map<string, DocLike>();
  const service = new CalcnotesService({
    getDocument: (uri) => texts.get(uri) ?? bridge.document(uri),
    getSettings: async () => settingsFor(),
    publishDiagnostics: (uri, ds) => {
      if (!bridge.publish(uri, ds)) sent.set(uri, ds);
    },
    sendStatus: (p) => statuses.push(p),
    log: () => undefined,
    runner: new CheckRunner(),
    debounceMs: 5,
  });
  return { source, sent, statuses, bridge, service, texts };
}

test('notebook in the editor: markdown cells are one note, a definition in one cell holds in a later one, the squiggle lands in its cell', async () => {
  const { source, sent, bridge, service } = setup();
  source.set([
    [1, '## Cubes\n\nLet $g(x) = x^3$.'],
    [2, 'import numpy as np\ny = 3*x  # g prime = 3x, in code: not math'],
    [1, 'A table of values follows.'],
    [1, 'Differentiating,\n$$g\'(x) = 3x$$'],
  ]);
  bridge.opened(NOTEBOOK);
  service.opened(NOTEBOOK);
  await service.settled(NOTEBOOK);
  // Diagnostics go to the markdown cells only: the code cell (2) is no part of the note.
  assert.deepEqual([...sent.keys()].sort(), [cell(1), cell(3), cell(4)]);
  assert.deepEqual(sent.get(cell(1)), []);
  const [d] = sent.get(cell(4))!;
  assert.equal(d.code, 'false-claim');
  assert.equal(d.range.start.line, 1, 'on the second line of cell 4');
  assert.equal(source.texts.get(cell(4))!.split('\n')[1].slice(d.range.start.character, d.range.end.character), "g'(x) = 3x");

  // Hover in the cell: the verdict, with the range in the cell's own lines.
  const h = bridge.hover(cell(4), { line: 1, character: 4 }, (uri, at, place) => service.hover(uri, at, place));
  assert.ok(h && typeof h.contents === 'object' && 'value' in h.contents);
  assert.match(h.contents.value, /false/);
  // Where g was defined, counted in its own cell (the notebook's numbering, code cells included).
  assert.match(h.contents.value, /defined on line 3 of cell 1\b/);
  assert.equal(h.range?.start.line, 1);
  assert.equal(bridge.hover('file:///other.md', { line: 0, character: 0 }, () => null), undefined, 'not a cell: the service answers');

  // The quick fix edits cell 4, at the right side of the claim.
  const actions = bridge.codeActions({ textDocument: { uri: cell(4) }, range: d.range, context: { diagnostics: [d] } }, (p) => service.codeActions(p))!;
  const fix = actions.find((a) => a.isPreferred)!;
  assert.deepEqual(fix.diagnostics, [d]);
  const edits = fix.edit!.changes!;
  assert.deepEqual(Object.keys(edits), [cell(4)]);
  assert.equal(edits[cell(4)][0].range.start.line, 1);
  assert.match(edits[cell(4)][0].newText, /3\s*x\^\{?2\}?/);
  const ignore = actions.find((a) => a.title === 'Ignore this claim')!;
  assert.deepEqual(Object.keys(ignore.edit!.changes!), [cell(4)]);

  // Without the definition in cell 1, g is any function: the claim is no longer false.
  source.texts.set(cell(1), '## Cubes');
  bridge.changed(NOTEBOOK);
  service.changed(NOTEBOOK);
  await service.settled(NOTEBOOK);
  assert.deepEqual(sent.get(cell(4))?.filter((x) => x.code === 'false-claim'), []);

  // A cell deleted from the notebook is cleared; closing the notebook clears every cell.
  source.texts.set(cell(1), '## Cubes\n\nLet $g(x) = x^3$.');
  bridge.changed(NOTEBOOK);
  service.changed(NOTEBOOK);
  await service.settled(NOTEBOOK);
  assert.equal(sent.get(cell(4))?.length, 1);
  source.cells = source.cells.filter((c) => c.document !== cell(4));
  sent.set(cell(4), [d]);
  bridge.changed(NOTEBOOK);
  service.changed(NOTEBOOK);
  await service.settled(NOTEBOOK);
  assert.deepEqual(sent.get(cell(4)), []);
  sent.set(cell(1), [d]);
  bridge.closed(NOTEBOOK);
  service.closed(NOTEBOOK);
  assert.deepEqual(sent.get(cell(1)), []);
  assert.equal(bridge.document(NOTEBOOK), undefined);
  await service.dispose();
});

test('notebook in the editor: calcnotes.fileKinds.notebook = false leaves notebooks alone', async () => {
  const { source, sent, bridge, service } = setup(() => mergeSettings({ fileKinds: { notebook: false } }));
  source.set([[1, "$\\frac{d}{dx} x^2 = x$"]]);
  bridge.opened(NOTEBOOK);
  service.opened(NOTEBOOK);
  await service.settled(NOTEBOOK);
  assert.deepEqual(sent.get(cell(1)), []);
  await service.dispose();
});

// ---- file kinds ----------------------------------------------------------------------------------------------

test('file kinds: by extension first, then by language id', () => {
  assert.equal(fileKindOf('file:///n/a.qmd', 'plaintext'), 'quarto');
  assert.equal(fileKindOf('file:///n/a.Rmd'), 'rmarkdown');
  assert.equal(fileKindOf('file:///n/a.tex', 'latex'), 'latex');
  assert.equal(fileKindOf('untitled:Untitled-2', 'latex'), 'latex');
  assert.equal(fileKindOf('untitled:Untitled-3', 'rmd'), 'rmarkdown');
  assert.equal(fileKindOf('untitled:Untitled-4', 'plaintext'), 'text');
  assert.equal(fileKindOf('file:///n/a.md', 'markdown'), 'markdown');
  assert.equal(fileKindOf(cell(2), 'markdown'), 'notebook');
  const s = mergeSettings({ fileKinds: { latex: false, quarto: 'no' } });
  assert.equal(kindEnabled(s, 'latex'), false);
  assert.equal(kindEnabled(s, 'quarto'), true, 'a value that is not a boolean falls back to on');
  assert.equal(kindEnabled(mergeSettings({ enable: false }), 'markdown'), false);
});

test('file kinds: LaTeX is read with comments blanked, as plain text, without bare formulas', () => {
  const tex = '% $\\frac{d}{dx} x^3 = x^2$ in a comment\nSo \\( \\frac{d}{dx} x^3 = 3x \\) here.\n';
  const note = noteFor('latex', tex, mergeSettings({}));
  assert.equal(note.text.length, tex.length);
  assert.equal(note.options.mode, 'text');
  assert.equal(note.options.bareFormulas, false);
  const r = checkDocument(note.text, note.options);
  assert.deepEqual(r.claims.map((c) => [c.verdict, tex.slice(c.start, c.end)]), [['false', '\\frac{d}{dx} x^3 = 3x']]);
  assert.equal(noteFor('quarto', 'x', mergeSettings({})).options.mode, 'markdown');
});

test('file kinds: the formula in hovers over .tex is off beside LaTeX Workshop (auto), and by the setting', () => {
  const auto = mergeSettings({});
  assert.equal(formulaInHover(auto, 'latex', false), true);
  assert.equal(formulaInHover(auto, 'latex', true), false);
  assert.equal(formulaInHover(auto, 'markdown', true), true);
  assert.equal(formulaInHover(mergeSettings({ latexFormulaHover: 'on' }), 'latex', true), true);
  assert.equal(formulaInHover(mergeSettings({ latexFormulaHover: 'off' }), 'latex', false), false);
  assert.equal(mergeSettings({ latexFormulaHover: 'sometimes' }).latexFormulaHover, 'auto');

  const tex = 'Wrong: \\( \\frac{d}{dx} x^3 = 3x \\). Plain: \\( a + b \\).\n';
  const note = noteFor('latex', tex, auto);
  const report = checkDocument(note.text, note.options);
  const at = (s: string) => ({ line: 0, character: tex.indexOf(s) + 1 });
  const withFormula = hover({ text: tex, position: at('\\frac'), report, reportText: tex });
  const without = hover({ text: tex, position: at('\\frac'), report, reportText: tex, formula: false });
  const value = (h: typeof without) => (h && typeof h.contents === 'object' && 'value' in h.contents ? h.contents.value : '');
  assert.match(value(withFormula), /^!\[formula\]/);
  assert.doesNotMatch(value(without), /!\[formula\]/);
  assert.match(value(without), /false/);
  // A formula with no claim: our hover would only repeat LaTeX Workshop's preview.
  assert.ok(hover({ text: tex, position: at('a + b'), report, reportText: tex }));
  assert.equal(hover({ text: tex, position: at('a + b'), report, reportText: tex, formula: false }), null);
});

test('file kinds: an open .tex note through the service, with the setting turning LaTeX off', async () => {
  let latex = true;
  const { sent, texts, service } = setup(() => mergeSettings({ fileKinds: { latex } }));
  const uri = 'file:///home/u/course/lecture2.tex';
  const tex = '\\section{Slopes}\n% \\( \\frac{d}{dx} x^3 = x^2 \\)\n\\[ \\frac{d}{dx} x^3 = 3x \\]\n';
  texts.set(uri, { uri, languageId: 'latex', version: 1, getText: () => tex });
  service.opened(uri);
  await service.settled(uri);
  assert.deepEqual(sent.get(uri)!.map((d) => [d.code, d.range.start.line]), [['false-claim', 2]]);
  latex = false;
  service.settingsChanged();
  await service.settled(uri);
  assert.deepEqual(sent.get(uri), []);
  await service.dispose();
});
