/**
 * LaTeX documents with the files they \input, in the editor: the general mapping of a note made of stretches of
 * several documents (stretches.ts), a main document's view (latexProjects.ts), and the service checking a main
 * document with its chapters spliced in — diagnostics, hovers and quick fixes in each chapter at its own positions.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { pathToFileURL } from 'url';
import type { Diagnostic, Hover } from 'vscode-languageserver';
import { CheckRunner } from './checkRunner';
import { texView } from './latexProjects';
import { mergeSettings } from './settings';
import { CalcnotesService, type DocLike } from './service';
import { joinedNote, placeOf, splitDiagnostics, toDocumentRange, toNotePosition, toNoteRange } from './stretches';
import type { StatusParams } from './protocol';

// ---- the pure mapping ------------------------------------------------------------------------------------------

test('stretches: a document in two stretches around another; positions go to the note and back', () => {
  // main.tex is `A\n\input{ch}\nB\n`: the note is main's `A\n`, then ch, then main's `\nB\n` (the command left out).
  const main = 'A\n\\input{ch}\nB\n';
  const ch = 'one\ntwo';
  const cut = main.indexOf('\\input');
  const after = main.indexOf('}') + 1;
  const text = main.slice(0, cut) + ch + main.slice(after);
  const note = joinedNote(
    text,
    [
      { uri: 'main', start: 0, end: cut, from: 0 },
      { uri: 'ch', start: cut, end: cut + ch.length, from: 0 },
      { uri: 'main', start: cut + ch.length, end: text.length, from: after },
    ],
    new Map([
      ['main', main],
      ['ch', ch],
    ]),
    ['empty'],
  );
  assert.equal(note.text, 'A\none\ntwo\nB\n');
  assert.deepEqual(note.uris, ['main', 'ch', 'empty']);
  // `B` is on main's line 2 and the note's line 3; `two` on ch's line 1 and the note's line 2.
  assert.deepEqual(toNotePosition(note, 'main', { line: 2, character: 0 }), { line: 3, character: 0 });
  assert.deepEqual(toNotePosition(note, 'ch', { line: 1, character: 1 }), { line: 2, character: 1 });
  assert.deepEqual(toDocumentRange(note, { start: { line: 3, character: 0 }, end: { line: 3, character: 1 } }), {
    uri: 'main',
    range: { start: { line: 2, character: 0 }, end: { line: 2, character: 1 } },
  });
  assert.deepEqual(toDocumentRange(note, { start: { line: 2, character: 0 }, end: { line: 2, character: 3 } }), {
    uri: 'ch',
    range: { start: { line: 1, character: 0 }, end: { line: 1, character: 3 } },
  });
  // Inside the \input command (no stretch holds it): the end of main's stretch before it.
  assert.deepEqual(toNotePosition(note, 'main', { line: 1, character: 4 }), { line: 1, character: 0 });
  assert.deepEqual(toNoteRange(note, 'ch', { start: { line: 0, character: 0 }, end: { line: 0, character: 3 } }), {
    start: { line: 1, character: 0 },
    end: { line: 1, character: 3 },
  });
  assert.equal(toNotePosition(note, 'other', { line: 0, character: 0 }), null);
  // A range running past its stretch is cut at the stretch's end; every document has an entry, the empty one too.
  const d = (sl: number, sc: number, el: number, ec: number, message: string): Diagnostic => ({
    range: { start: { line: sl, character: sc }, end: { line: el, character: ec } },
    message,
  });
  const split = splitDiagnostics(note, [d(1, 1, 3, 1, 'runs on'), d(3, 0, 3, 1, 'on B')]);
  assert.deepEqual([...split.keys()], ['main', 'ch', 'empty']);
  assert.deepEqual(split.get('ch')!.map((x) => [x.message, x.range]), [['runs on', { start: { line: 0, character: 1 }, end: { line: 1, character: 3 } }]]);
  assert.deepEqual(split.get('main')!.map((x) => [x.message, x.range]), [['on B', { start: { line: 2, character: 0 }, end: { line: 2, character: 1 } }]]);
  assert.deepEqual(split.get('empty'), []);
  // Where an offset is, said to a reader of main or of ch.
  const two = note.text.indexOf('two');
  assert.equal(placeOf(note, 'ch', two, (u) => `${u}.tex`), 'line 2');
  assert.equal(placeOf(note, 'main', two, (u) => `${u}.tex`), 'line 2 of ch.tex');
  assert.equal(placeOf(note, 'ch', note.text.indexOf('B'), (u) => `${u}.tex`), 'line 3 of main.tex');
});

test('texView: files spliced in as LaTeX reads them, each file blanked, own text kept for positions; loops and files outside the folder not read', () => {
  const root = path.resolve('/proj');
  const files = new Map([
    [path.join(root, 'main.tex'), '\\begin{document}\n\\input{ch1} % one\n\\include{sub/ch2.tex}\n\\input{../secret}\n\\input{missing}\n\\end{document}\n'],
    [path.join(root, 'ch1.tex'), 'Let $f(x) = x^3$. % the cube\n\\input{main}\n'],
    [path.join(root, 'sub/ch2.tex'), "$f'(x) = 3x^2$\n"],
    [path.resolve('/secret.tex'), 'never read'],
  ]);
  const asked: string[] = [];
  const view = texView(
    path.join(root, 'main.tex'),
    root,
    (f) => {
      asked.push(path.relative(root, f));
      return files.get(f) ?? null;
    },
    (f) => `file://${f}`,
  )!;
  assert.deepEqual(view.files.map((f) => path.relative(root, f)), ['main.tex', 'ch1.tex', path.join('sub', 'ch2.tex')]);
  assert.ok(!asked.some((f) => f.includes('secret')), 'a file outside the folder is never read');
  assert.ok(asked.includes('missing.tex'), 'a missing file is asked for and skipped');
  assert.equal(view.text.length, view.note.length);
  assert.match(view.text, /% the cube/, "the files' own text, for positions");
  assert.doesNotMatch(view.note, /the cube/, 'what the engine reads: comments blanked');
  assert.match(view.text, /^\\begin\{document\}\nLet \$f\(x\) = x\^3\$/);
  // ch1's `\input{main}` (a loop) is left as it is: not read again.
  assert.match(view.text, /\\input\{main\}/);
  // Positions: ch2's claim is on its own line 0.
  const at = view.text.indexOf("f'(x)");
  const back = toDocumentRange(view, { start: view.lines.positionAt(at), end: view.lines.positionAt(at + 5) });
  assert.deepEqual(back, { uri: `file://${path.join(root, 'sub/ch2.tex')}`, range: { start: { line: 0, character: 1 }, end: { line: 0, character: 6 } } });
  assert.equal(texView(path.join(root, 'gone.tex'), root, () => null, String), null);
});

// ---- the service -----------------------------------------------------------------------------------------------

const MAIN = '\\documentclass{article}\n\\begin{document}\n\\input{ch1}\n\\input{ch2}\n\\end{document}\n';
const CH1 = '\\section{Cubes}\nLet\n\\[ f(x) = x^3. \\]\n';
const CH2 = "\\section{Slopes}\nDifferentiating, \\( f'(x) = 3x^2 \\).\nA slip: \\( f'(x) = 2x^2 \\).\n";

class Doc implements DocLike {
  languageId = 'latex';
  constructor(
    public uri: string,
    public text: string,
    public version = 1,
  ) {}
  getText(): string {
    return this.text;
  }
}

/** A workspace folder holding the files, and a service over it with documents opened and closed by the test. */
function workspace(files: Record<string, string>, folder = '') {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'calcnotes-inputs-'));
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  const uri = (name: string) => pathToFileURL(path.join(dir, name)).toString();
  const docs = new Map<string, Doc>();
  const sent = new Map<string, Diagnostic[]>();
  const statuses: StatusParams[] = [];
  const service = new CalcnotesService({
    getDocument: (u) => docs.get(u),
    getSettings: async () => mergeSettings({}),
    publishDiagnostics: (u, ds) => sent.set(u, ds),
    sendStatus: (p) => statuses.push(p),
    log: () => undefined,
    runner: new CheckRunner(),
    debounceMs: 5,
    workspaceFolders: () => [path.join(dir, folder)],
  });
  const open = async (name: string, text = fs.readFileSync(path.join(dir, name), 'utf8')) => {
    const doc = new Doc(uri(name), text);
    docs.set(doc.uri, doc);
    service.opened(doc.uri);
    service.changed(doc.uri); // as TextDocuments reports an open
    await service.settled(doc.uri);
    return doc;
  };
  const edit = async (doc: Doc, text: string) => {
    doc.text = text;
    doc.version++;
    service.changed(doc.uri);
    await service.settled(doc.uri);
  };
  const close = (name: string) => {
    docs.delete(uri(name));
    service.closed(uri(name));
  };
  return { dir, uri, docs, sent, statuses, service, open, edit, close };
}

const falseOnes = (ds: Diagnostic[] | undefined) => (ds ?? []).filter((d) => d.code === 'false-claim');
/** The text a diagnostic's range covers in a file's text. */
const covered = (text: string, d: Diagnostic) => text.split('\n')[d.range.start.line].slice(d.range.start.character, d.range.end.character);
const hoverText = (h: Hover | null) => (h && typeof h.contents === 'object' && 'value' in h.contents ? h.contents.value : '');

test('LaTeX inputs in the editor: opening the main document checks its chapters with it; a chapter\'s mistake lands in the chapter', async () => {
  const w = workspace({ 'main.tex': MAIN, 'ch1.tex': CH1, 'ch2.tex': CH2 });
  await w.open('main.tex');
  const [d, ...more] = falseOnes(w.sent.get(w.uri('ch2.tex')));
  assert.equal(more.length, 0);
  assert.equal(d.range.start.line, 2, "on ch2's own third line");
  assert.equal(d.range.start.character, CH2.split('\n')[2].indexOf("f'"));
  assert.equal(covered(CH2, d), "f'(x) = 2x^2");
  assert.match(d.message, /2x/);
  assert.deepEqual(w.sent.get(w.uri('ch1.tex')), [], 'a chapter with no mistake is published to, empty');
  assert.deepEqual(w.sent.get(w.uri('main.tex')), []);
  // The claim ch1's definition makes checkable is verified: the report is the whole document's.
  const report = w.service.lastReport(w.uri('main.tex'))!;
  assert.deepEqual(
    report.claims.filter((c) => c.latex.startsWith("f'")).map((c) => [c.latex, c.verdict]),
    [
      ["f'(x) = 3x^2", 'verified'],
      ["f'(x) = 2x^2", 'false'],
    ],
  );
  assert.deepEqual(w.statuses.at(-1), { uri: w.uri('main.tex'), verified: 0, false: 0, unchecked: 0 }, "the main file's own counts: it writes no claim");
  await w.service.dispose();
});

test('LaTeX inputs in the editor: a chapter opened alone is checked within its main document; hover and quick fix map to it', async () => {
  const w = workspace({ 'main.tex': MAIN, 'ch1.tex': CH1, 'ch2.tex': CH2 });
  await w.open('ch2.tex');
  const [d] = falseOnes(w.sent.get(w.uri('ch2.tex')));
  assert.ok(d, 'the planted mistake is found with the definition of ch1');
  assert.deepEqual(d.range.start, { line: 2, character: CH2.split('\n')[2].indexOf("f'") });
  assert.deepEqual(
    w.service.lastReport(w.uri('ch2.tex'))!.claims.filter((c) => c.latex.startsWith("f'")).map((c) => c.verdict),
    ['verified', 'false'],
    'verified because of ch1',
  );
  assert.deepEqual(w.statuses.at(-1), { uri: w.uri('ch2.tex'), verified: 1, false: 1, unchecked: 0 }, "ch2's own counts");

  // Hover on the false claim in ch2: the verdict, with the range in ch2's lines.
  const h = w.service.hover(w.uri('ch2.tex'), { line: 2, character: d.range.start.character + 2 });
  assert.match(hoverText(h), /false/);
  assert.equal(h?.range?.start.line, 2);
  assert.match(hoverText(h), /defined on line 3 of ch1\\?\.tex/, 'where f was defined, in its own file');
  // Hover on the verified one.
  assert.match(hoverText(w.service.hover(w.uri('ch2.tex'), { line: 1, character: CH2.split('\n')[1].indexOf("f'") + 1 })), /verified/);

  // The quick fix edits ch2 at the claim's right side.
  const actions = w.service.codeActions({ textDocument: { uri: w.uri('ch2.tex') }, range: d.range, context: { diagnostics: [d] } });
  const fix = actions.find((a) => a.isPreferred)!;
  assert.deepEqual(fix.diagnostics, [d]);
  assert.deepEqual(Object.keys(fix.edit!.changes!), [w.uri('ch2.tex')]);
  const [e] = fix.edit!.changes![w.uri('ch2.tex')];
  assert.equal(e.range.start.line, 2);
  assert.equal(covered(CH2, { ...d, range: e.range }), '2x^2');
  assert.match(e.newText, /3\s*x\^\{?2\}?/);
  // "Ignore this claim" writes the directive as a `%` comment (an HTML comment would be printed text in LaTeX),
  // above the formula's line, in the chapter; checked again, the claim is no longer reported.
  const ignore = actions.find((a) => a.title === 'Ignore this claim')!;
  const [ie] = ignore.edit!.changes![w.uri('ch2.tex')];
  assert.equal(ie.newText, '% calcnotes-disable-next-line\n');
  assert.equal(ie.range.start.line, 2);
  await w.service.dispose();
});

test("LaTeX inputs in the editor: an unsaved edit of an open chapter changes the verdicts in another; closing keeps and then clears", async () => {
  const w = workspace({ 'main.tex': MAIN, 'ch1.tex': CH1, 'ch2.tex': CH2 });
  const ch1 = await w.open('ch1.tex');
  await w.open('ch2.tex');
  assert.equal(covered(CH2, falseOnes(w.sent.get(w.uri('ch2.tex')))[0]), "f'(x) = 2x^2");
  // Unsaved: f is now (2/3)x^3, so f' = 2x^2 holds and 3x^2 is the mistake.
  await w.edit(ch1, CH1.replace('x^3', '\\frac{2}{3}x^3'));
  await w.service.settled(w.uri('ch2.tex'));
  const [d] = falseOnes(w.sent.get(w.uri('ch2.tex')));
  assert.equal(covered(CH2, d), "f'(x) = 3x^2");
  assert.equal(d.range.start.line, 1);
  assert.equal(fs.readFileSync(path.join(w.dir, 'ch1.tex'), 'utf8'), CH1, 'the disk is not touched');

  // Closing ch2 while ch1 (of the same document) is open: ch2 keeps its diagnostics, now from ch1's disk text.
  w.close('ch2.tex');
  await w.service.settled(w.uri('ch1.tex'));
  assert.equal(covered(CH2, falseOnes(w.sent.get(w.uri('ch2.tex')))[0]), "f'(x) = 3x^2", 'ch1 is still open with its edit');
  // Closing the last file of the document clears what it published, to closed files too.
  w.close('ch1.tex');
  for (const name of ['main.tex', 'ch1.tex', 'ch2.tex']) assert.deepEqual(w.sent.get(w.uri(name)), [], name);
  await w.service.dispose();
});

test('LaTeX inputs in the editor: the main document open with a chapter; closing the chapter keeps its diagnostics, closing the main clears them', async () => {
  const w = workspace({ 'main.tex': MAIN, 'ch1.tex': CH1, 'ch2.tex': CH2 });
  await w.open('main.tex');
  await w.open('ch2.tex');
  const before = w.sent.get(w.uri('ch2.tex'));
  assert.equal(falseOnes(before).length, 1);
  w.close('ch2.tex');
  await w.service.settled(w.uri('main.tex'));
  assert.deepEqual(w.sent.get(w.uri('ch2.tex')), before, 'they belong to the main document\'s check');
  w.close('main.tex');
  assert.deepEqual(w.sent.get(w.uri('ch2.tex')), []);
  await w.service.dispose();
});

test('LaTeX inputs in the editor: a file outside the workspace folder is never read; a loop does not hang', async () => {
  const w = workspace(
    {
      'outside.tex': CH1,
      'book/main.tex': '\\begin{document}\n\\input{../outside}\n\\input{ch2}\n\\input{loop}\n\\end{document}\n',
      'book/ch2.tex': CH2,
      'book/loop.tex': 'Again: \\input{main}\n',
    },
    'book',
  );
  await w.open('book/main.tex');
  // Without the definition outside, f is any function: neither claim is false, nothing is published outside.
  assert.deepEqual(falseOnes(w.sent.get(w.uri('book/ch2.tex'))), []);
  assert.ok(w.sent.has(w.uri('book/ch2.tex')));
  assert.ok(!w.sent.has(w.uri('outside.tex')));
  const claims = w.service.lastReport(w.uri('book/main.tex'))!.claims.map((c) => c.latex);
  assert.ok(!claims.includes('f(x) = x^3'), claims.join(' | '));
  await w.service.dispose();
});

test('LaTeX inputs in the editor: a chapter in a subfolder finds its main document above it; a .tex no document reads is checked alone', async () => {
  const w = workspace({
    'main.tex': MAIN.replace('\\input{ch2}', '\\include{chapters/ch2}'),
    'ch1.tex': CH1,
    'chapters/ch2.tex': CH2,
    'chapters/sheet.tex': "Exercise: \\( \\frac{d}{dx} x^3 = 3x \\).\n",
  });
  await w.open('chapters/ch2.tex');
  assert.equal(covered(CH2, falseOnes(w.sent.get(w.uri('chapters/ch2.tex')))[0]), "f'(x) = 2x^2");
  const sheet = await w.open('chapters/sheet.tex');
  assert.deepEqual(w.service.lastReport(sheet.uri)!.claims.map((c) => c.verdict), ['false']);
  assert.equal(w.service.lastReport(w.uri('chapters/ch2.tex')), w.service.lastReport(w.uri('main.tex')), "ch2's check is its main document's");
  await w.service.dispose();
});

test('LaTeX inputs in the editor: an unsaved \\input added to the open main document takes the chapter in; removed, lets it go', async () => {
  const alone = MAIN.replace('\\input{ch2}\n', '');
  const w = workspace({ 'main.tex': alone, 'ch1.tex': CH1, 'ch2.tex': CH2 });
  const main = await w.open('main.tex');
  await w.open('ch2.tex');
  assert.deepEqual(falseOnes(w.sent.get(w.uri('ch2.tex'))), [], 'read by no document: f is any function');
  await w.edit(main, MAIN);
  await w.service.settled(w.uri('ch2.tex'));
  assert.equal(covered(CH2, falseOnes(w.sent.get(w.uri('ch2.tex')))[0]), "f'(x) = 2x^2");
  await w.edit(main, alone);
  await w.service.settled(w.uri('ch2.tex'));
  assert.deepEqual(falseOnes(w.sent.get(w.uri('ch2.tex'))), [], 'checked alone again');
  assert.notEqual(w.service.lastReport(w.uri('ch2.tex')), w.service.lastReport(w.uri('main.tex')));
  await w.service.dispose();
});

test('LaTeX inputs in the editor: Check All Notes counts each file within its main document, closed or read by an open one', async () => {
  const w = workspace({ 'main.tex': MAIN, 'ch1.tex': CH1, 'ch2.tex': CH2 });
  // Nothing open: ch2 is checked within main.tex, from disk; its own diagnostics and counts.
  const closed = await w.service.checkText({ uri: w.uri('ch2.tex'), text: CH2 });
  assert.deepEqual(closed, { uri: w.uri('ch2.tex'), verified: 1, false: 1, unchecked: 0 });
  assert.equal(covered(CH2, falseOnes(w.sent.get(w.uri('ch2.tex')))[0]), "f'(x) = 2x^2");
  assert.deepEqual(await w.service.checkText({ uri: w.uri('main.tex'), text: MAIN }), { uri: w.uri('main.tex'), verified: 0, false: 0, unchecked: 0 });
  // main.tex open: ch2 (closed) is counted from main's check; closing main keeps what Check All Notes covered.
  await w.open('main.tex');
  assert.deepEqual(await w.service.checkText({ uri: w.uri('ch2.tex'), text: CH2 }), { uri: w.uri('ch2.tex'), verified: 1, false: 1, unchecked: 0 });
  w.close('main.tex');
  const after: Diagnostic[][] = [];
  const publish = w.sent.set.bind(w.sent);
  w.sent.set = (u, ds) => (u === w.uri('ch2.tex') && after.push(ds), publish(u, ds));
  for (let i = 0; i < 200 && !after.length; i++) await new Promise((r) => setTimeout(r, 10));
  assert.equal(after.length, 1, 'ch2 is checked again from disk, not cleared');
  assert.equal(covered(CH2, falseOnes(after[0])[0]), "f'(x) = 2x^2");
  await w.service.dispose();
});
