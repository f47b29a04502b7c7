/**
 * Note formats: notebooks by their markdown cells, LaTeX with comments and verbatim blanked, Quarto/R Markdown as
 * Markdown. Every file here is written for these tests.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cellPosition, noteKind, toNote } from './index';
import { latexToNote } from './latex';
import { notebookToNote } from './notebook';
import { checkDocument } from '../engine';

const notebook = (cells: Array<{ cell_type: string; source: string | string[] }>) => JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells: cells.map((c) => ({ metadata: {}, ...c })) });

test('a notebook is its markdown cells in order: a definition in one cell holds in a later one, code is not math', () => {
  const json = notebook([
    { cell_type: 'markdown', source: ['Let $p(s) = s^4$.\n'] },
    { cell_type: 'code', source: 'q = 2 * 3 = 7' },
    { cell_type: 'markdown', source: "Then $p'(s) = 4s^3$ and $p''(s) = 4s^2$." },
  ]);
  const note = toNote('notebook', json);
  assert.ok(!('problem' in note));
  assert.ok(!note.text.includes('q = 2'));
  const r = checkDocument(note.text, { mode: note.mode });
  const right = r.claims.find((c) => c.latex.startsWith("p'(s)"))!;
  const wrong = r.claims.find((c) => c.latex.startsWith("p''(s)"))!;
  assert.equal(right.verdict, 'verified');
  assert.equal(wrong.verdict, 'false');
  // Its position is in cell 3 (counting the code cell), line 1.
  const at = cellPosition(note.notebook!, wrong.start);
  assert.deepEqual([at.cell, at.line], [3, 0]);
  assert.equal(note.text.slice(wrong.start, wrong.end), "p''(s) = 4s^2");
});

test('a broken notebook is a one-line problem, not a crash', () => {
  for (const bad of ['{"cells": [', '[]', '{"cells": 3}', 'null']) {
    const r = notebookToNote(bad);
    assert.ok('problem' in r, bad);
    assert.match((r as { problem: string }).problem, /^not a notebook/);
  }
});

test('LaTeX: comments and verbatim are blanked, offsets kept; \\% is not a comment', () => {
  const tex = 'A 5\\% rise % note $x = 1$\n\\begin{verbatim}\n$\\frac{d}{dx}x = 2$\n\\end{verbatim}\n$y$ \\verb|$z$| end';
  const out = latexToNote(tex);
  assert.equal(out.length, tex.length);
  assert.ok(out.startsWith('A 5\\% rise '));
  assert.ok(!out.includes('$x = 1$'));
  assert.ok(!out.includes('\\frac'));
  assert.ok(!out.includes('$z$'));
  assert.ok(out.includes('$y$'));
});

test('LaTeX files are checked with the preamble\'s macros, and only their math', () => {
  const tex = [
    '\\newcommand{\\dv}[2]{\\frac{d #1}{d #2}}',
    '\\begin{document}',
    '\\section{One}',
    'Power rule: $\\dv{}{x} x^5 = 5x^4$. % $\\dv{}{x} x^5 = 4x^4$',
    '\\begin{equation}',
    '\\dv{}{x} e^{3x} = e^{3x}',
    '\\end{equation}',
    'The number of students = 30 is prose.',
    '\\end{document}',
  ].join('\n');
  const note = toNote('latex', tex);
  assert.ok(!('problem' in note));
  const r = checkDocument(note.text, { mode: note.mode, bareFormulas: note.bareFormulas });
  assert.deepEqual(r.claims.map((c) => c.verdict), ['verified', 'false']);
});

test('file kinds by extension', () => {
  assert.equal(noteKind('a/b/notes.qmd'), 'markdown');
  assert.equal(noteKind('x.Rmd'), 'markdown');
  assert.equal(noteKind('lecture.TEX'), 'latex');
  assert.equal(noteKind('nb.ipynb'), 'notebook');
  assert.equal(noteKind('todo.txt'), 'text');
  assert.equal(noteKind('script.py'), null);
});

test('MyST: the {math} directive with its options, the {math} role, and $$ … $$ (label)', async () => {
  const text = [
    '```{math}',
    ':label: eq-one',
    '\\frac{d}{dt} t^3 = 3t^2',
    '```',
    '',
    'Inline: {math}`\\frac{d}{dt} t^5 = 4t^4`, while `\\frac{d}{dt} t = 7` in backticks alone is code.',
    '',
    '$$',
    '\\frac{d}{dt} \\cos t = -\\sin t',
    '$$ (eq-two)',
  ].join('\n');
  const r = checkDocument(text, { mode: 'markdown' });
  assert.deepEqual(r.claims.map((c) => [c.latex.trim(), c.verdict]), [
    ['\\frac{d}{dt} t^3 = 3t^2', 'verified'],
    ['\\frac{d}{dt} t^5 = 4t^4', 'false'],
    ['\\frac{d}{dt} \\cos t = -\\sin t', 'verified'],
  ]);
});

test('LaTeX inputs: read in place with a map back to each file; loops and files that may not be read are left out', async () => {
  const { expandInputs, sourceOf } = await import('./latex');
  const files: Record<string, string> = { 'a.tex': 'A1 \\input{b} A2', 'b.tex': 'B1 \\input{a} B2 % \\input{c}', 'c.tex': 'C' };
  const r = expandInputs('a.tex', files['a.tex'], (name) => (name === 'secret' ? null : `${name}.tex`), (p) => files[p] ?? null);
  assert.equal(r.text.replace(/\s+/g, ' ').trim(), 'A1 B1 \\input{a} B2 A2');
  assert.deepEqual(r.included, ['b.tex']);
  const at = r.text.indexOf('B2');
  assert.deepEqual(sourceOf(r.pieces, at), { file: 'b.tex', offset: files['b.tex'].indexOf('B2') });
  assert.deepEqual(sourceOf(r.pieces, r.text.indexOf('A2')), { file: 'a.tex', offset: files['a.tex'].indexOf('A2') });
});

test('LaTeX: a calcnotes directive on a line of its own stays for the scanner; other comments are blanked', () => {
  const tex = ['% calcnotes-disable-next-line', '\\[ x^2 \\]', '  %  calcnotes: layout=numerator', 'a % calcnotes-disable', '% just a note, x = 5', ''].join('\n');
  const out = latexToNote(tex);
  assert.equal(out.length, tex.length);
  const lines = out.split('\n');
  assert.equal(lines[0], '% calcnotes-disable-next-line');
  assert.equal(lines[2], '  %  calcnotes: layout=numerator');
  assert.equal(lines[3].trimEnd(), 'a', 'after other text on its line a directive is a plain comment');
  assert.equal(lines[4].trim(), '');
});
