/**
 * Macros from outside the note: the site configurations of config/projectMacros.ts read in temporary folders, and
 * what the engine then says about notes that use them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { checkDocument, type DocumentReport } from '../engine';
import { CONFIG_FILE_NAMES } from '../lsp/protocol';
import { CONFIG_FILES, definitionOf, findProjectMacros, foldersFor, macrosLiteralIn, mainDocumentOf, readMacrosFile, texInputPath } from './projectMacros';

/** A temporary project (with a `.git`, so no walk leaves it) holding these files. */
function project(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'calcnotes-config-'));
  fs.mkdirSync(path.join(dir, '.git'));
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

/** Verdicts by the claim's LaTeX. */
function verdicts(report: DocumentReport): Record<string, string> {
  return Object.fromEntries(report.claims.map((c) => [c.latex.trim(), c.verdict]));
}

const syntaxErrors = (report: DocumentReport) => report.diagnostics.filter((d) => d.code === 'latex-syntax' && d.severity === 'error');

// A Jupyter Book whose derivative macro takes the order, the function and the variable.
const BOOK_CONFIG = `title: A small book
parse:
  myst_substitutions:
    course: "Calculus I"   # not macros
sphinx:
  config:
    mathjax3_config:
      tex:
        macros:
          "dd": ["{\\\\mathrm{d}^{#1} #2 \\\\over \\\\mathrm{d} #3^{#1}}", 3]
          'half': '\\frac{1}{2}'
`;

const BOOK_NOTE = `# Powers

$$\\dd{}{x^4}{x} = 4x^3$$

$$\\dd{}{\\sin x}{x} = -\\cos x$$

$$\\half \\cdot 4 = 2$$
`;

test('config: a Jupyter Book _config.yml above the note gives its MathJax macros, with their argument counts', () => {
  const dir = project({ '_config.yml': BOOK_CONFIG, 'chapters/one/powers.md': BOOK_NOTE });
  const note = path.join(dir, 'chapters/one/powers.md');
  const found = findProjectMacros(note);
  assert.deepEqual(found.warnings, []);
  assert.deepEqual(found.files, [path.join(dir, '_config.yml')]);
  assert.match(found.preamble, /\\newcommand\{\\dd\}\[3\]\{/);
  assert.doesNotMatch(found.preamble, /course/);
  const report = checkDocument(BOOK_NOTE, { preamble: found.preamble });
  assert.deepEqual(verdicts(report), {
    '\\dd{}{x^4}{x} = 4x^3': 'verified',
    '\\dd{}{\\sin x}{x} = -\\cos x': 'false',
    '\\half \\cdot 4 = 2': 'verified',
  });
  assert.deepEqual(syntaxErrors(report), []);
  // Without the configuration the macro is unknown: a syntax error, and nothing about it is verified or false.
  const bare = checkDocument(BOOK_NOTE);
  assert.ok(syntaxErrors(bare).some((d) => /\\dd/.test(d.message)));
  assert.ok(!bare.claims.some((c) => c.latex.includes('\\dd') && c.verdict !== 'unchecked'));
});

test('config: MathJax 2 (mathjax_config TeX Macros), MyST myst.yml, and the settings winning over the files', () => {
  const dir = project({
    '_config.yml': 'sphinx:\n  config:\n    mathjax_config:\n      TeX:\n        Macros:\n          sq: ["{#1}^2", 1]\n',
    'sub/myst.yml': "version: 1\nproject:\n  math:\n    '\\cube': '{#1}^3'\n    '\\two': { macro: '2' }\n",
    'sub/n.md': '',
  });
  const found = findProjectMacros(path.join(dir, 'sub/n.md'));
  assert.deepEqual(found.warnings, []);
  const note = '$$\\frac{d}{dx}\\sq{x} = \\two x$$\n\n$$\\frac{d}{dx}\\cube{x} = 3\\sq{x}$$\n';
  assert.deepEqual(Object.values(verdicts(checkDocument(note, { preamble: found.preamble }))), ['verified', 'verified']);
  // A macro of the settings wins over the project's.
  const report = checkDocument(note, { preamble: found.preamble, macros: { '\\two': '3' } });
  assert.equal(report.claims[0].verdict, 'false');
});

test('config: a KaTeX macros JSON with an optional first argument, and a preamble.tex with \\DeclareMathOperator', () => {
  const dir = project({
    'notes/katex-macros.json': JSON.stringify({ '\\deriv': ['\\frac{d^{#1}}{d#2^{#1}}', 2, ''], R: '\\mathbb{R}' }),
    'preamble.tex': '% the course preamble\n\\usepackage{amsmath}\n\\DeclareMathOperator{\\Ln}{ln}\n\\newcommand{\\e}{\\mathrm{e}}\n',
    'notes/a.md': '',
  });
  const found = findProjectMacros(path.join(dir, 'notes/a.md'));
  assert.deepEqual(found.warnings, []);
  assert.equal(found.files.length, 2);
  const note = [
    '$$\\deriv{x} \\Ln x = \\frac{1}{x}$$',
    '$$\\deriv[2]{x} \\Ln x = -\\frac{1}{x^2}$$',
    '$$\\deriv[2]{x} x^3 = 3x^2$$',
    '$$\\deriv{x} \\e^{2x} = 2\\e^{2x}$$',
  ].join('\n\n');
  assert.deepEqual(Object.values(verdicts(checkDocument(note, { preamble: found.preamble }))), ['verified', 'verified', 'false', 'verified']);
});

test('config: Quarto include-in-header files and text, MkDocs scripts with a literal macros object', () => {
  const dir = project({
    '_quarto.yml': 'project:\n  type: book\nformat:\n  html:\n    include-in-header:\n      - macros.html\n      - text: |\n          <script>/* \\newcommand{\\tw}{2} */</script>\n  pdf:\n    include-in-header: tex/defs.tex\n',
    'macros.html': '<div hidden>\n$$\n\\newcommand{\\sq}[1]{#1^2}\n$$\n</div>\n',
    'tex/defs.tex': '\\newcommand{\\cube}[1]{#1^3}\n',
    'site/mkdocs.yml': 'site_name: s\nmarkdown_extensions:\n  - pymdownx.arithmatex:\n      generic: true\n  - pymdownx.superfences:\n      custom_fences:\n        - name: mermaid\n          format: !!python/name:pymdownx.superfences.fence_code_format\nextra_javascript:\n  - js/mathjax.js\n  - https://cdn.example.org/tex-mml-chtml.js\n',
    'site/docs/js/mathjax.js': 'window.MathJax = {\n  tex: {\n    // course macros\n    macros: { half: "\\\\frac{1}{2}", pw: ["{#1}^{#2}", 2], },\n  },\n};\n',
    'site/docs/n.md': '',
  });
  const found = findProjectMacros(path.join(dir, 'site/docs/n.md'));
  assert.deepEqual(found.warnings, []);
  for (const name of ['\\sq', '\\cube', '\\tw', '\\half', '\\pw']) assert.ok(found.preamble.includes(`{${name}}`), name);
  const note = '$$\\frac{d}{dx}\\cube{x} = 3\\sq{x}$$\n\n$$\\frac{d}{dx}\\pw{x}{4} = 4\\pw{x}{3}\\cdot\\half$$\n';
  assert.deepEqual(Object.values(verdicts(checkDocument(note, { preamble: found.preamble }))), ['verified', 'false']);
  // What a script computes is not read.
  assert.equal(macrosLiteralIn('MathJax = { tex: { macros: makeMacros() } }'), null);
  assert.equal(macrosLiteralIn('m = { macros: { a: `x${y}` } }'), null);
  assert.deepEqual(macrosLiteralIn("k = { macros: { '\\\\R': '\\\\mathbb{R}', /* c */ n: ['#1', 1] } }"), { '\\R': '\\mathbb{R}', n: ['#1', 1] });
});

test('config: the walk stops at the root given (the workspace folder) and at a .git; nearer folders win', () => {
  const dir = project({
    '_config.yml': BOOK_CONFIG,
    'ws/macros.json': '{"half": "0.5", "one": "1"}',
    'ws/deep/er/macros.json': '{"one": "2"}',
    'ws/deep/er/n.md': '',
  });
  const note = path.join(dir, 'ws/deep/er/n.md');
  assert.deepEqual(foldersFor(note, { root: path.join(dir, 'ws') }), ['ws', 'ws/deep', 'ws/deep/er'].map((d) => path.join(dir, d)));
  const inWorkspace = findProjectMacros(note, { root: path.join(dir, 'ws') });
  assert.doesNotMatch(inWorkspace.preamble, /\\dd/); // above the workspace folder
  assert.ok(inWorkspace.preamble.indexOf('{\\one}{1}') < inWorkspace.preamble.indexOf('{\\one}{2}'));
  assert.equal(checkDocument('$$\\one + \\half = 2.5$$', { preamble: inWorkspace.preamble }).claims[0].verdict, 'verified');
  // Without a root: up to the folder holding .git.
  assert.match(findProjectMacros(note).preamble, /\\dd/);
  fs.mkdirSync(path.join(dir, 'ws/.git'));
  assert.doesNotMatch(findProjectMacros(note).preamble, /\\dd/);
  // A note outside the root: its own folder only.
  assert.deepEqual(foldersFor(note, { root: path.join(dir, 'elsewhere') }), [path.join(dir, 'ws/deep/er')]);
});

test('config: a broken or hostile file is one warning line naming it, never a crash, and the rest is still read', () => {
  const dir = project({
    '_config.yml': 'sphinx:\n  config:\n    mathjax3_config: {tex: {macros: {a: "1"\n  - oops: [\n',
    'macros.json': '{"\\\\R": "\\\\mathbb{R}", "bad name": "x", "\\\\open": "{", "\\\\n": 42, "\\\\two": "2"',
    'sub/katex-macros.json': JSON.stringify({ '\\three': '3', '\\broken': ['#1', 'two'], '\\many': ['#1', 12] }),
    'sub/n.md': '',
  });
  const found = findProjectMacros(path.join(dir, 'sub/n.md'));
  assert.equal(found.warnings.length, 3, found.warnings.join('\n'));
  assert.match(found.warnings[0], /_config\.yml: macros not read: not valid YAML \(line \d+\)/);
  assert.match(found.warnings[1], /macros\.json: macros not read: not valid JSON/);
  assert.match(found.warnings[2], /katex-macros\.json: 2 entries of the file are not a macro/);
  for (const w of found.warnings) assert.doesNotMatch(w, /\n/);
  assert.equal(checkDocument('$$\\three + 1 = 4$$', { preamble: found.preamble }).claims[0].verdict, 'verified');
  // Bounds: a file too large is not read; a table of too many macros is cut.
  const big = project({ 'macros.tex': `${'%'.repeat(300 * 1024)}\n`, 'n.md': '' });
  assert.match(findProjectMacros(path.join(big, 'n.md')).warnings.join(''), /larger than 256 KB/);
  const many = Object.fromEntries(Array.from({ length: 600 }, (_, i) => [`\\m${String.fromCharCode(97 + (i % 26))}${'a'.repeat(Math.floor(i / 26))}`, '1']));
  const cut = readMacrosFile(path.join(project({ 'macros.json': JSON.stringify(many) }), 'macros.json'));
  assert.equal(cut.definitions.length, 500);
  assert.match(cut.warnings.join(''), /only the first 500 macros/);
  // YAML aliases and unknown tags are values, not code.
  const tags = project({ '_config.yml': 'a: &x !!js/function "function () {}"\nsphinx: {config: {mathjax3_config: {tex: {macros: {z: *x}}}}}\n', 'n.md': '' });
  assert.doesNotThrow(() => findProjectMacros(path.join(tags, 'n.md')));
});

test('config: MathJax table entries become \\newcommand definitions; what is not a macro is refused', () => {
  assert.equal(definitionOf('R', '\\mathbb{R}'), '\\newcommand{\\R}{\\mathbb{R}}');
  assert.equal(definitionOf('\\dd', ['\\frac{d#1}{d#2}', 2]), '\\newcommand{\\dd}[2]{\\frac{d#1}{d#2}}');
  assert.equal(definitionOf('pd', ['\\partial^{#1}_{#2}', 2, '']), '\\newcommand{\\pd}[2][{}]{\\partial^{#1}_{#2}}');
  for (const [k, v] of [['bad name', 'x'], ['\\x', 3], ['\\x', '{'], ['\\x', ['#1', 10]], ['__proto__', 'x'], ['\\x', ['a', 0, 'default']]] as const) {
    assert.equal(definitionOf(k, v), null, `${k}: ${JSON.stringify(v)}`);
  }
});

test('equation numbers and cross-references are never an error: \\label, \\tag, \\eqref, \\ref, \\setcounter, \\nonumber', () => {
  const note = [
    '# Numbered',
    '',
    '$$',
    '\\setcounter{equation}{2}',
    '\\frac{d}{dx} x^3 = 3x^2 \\label{eq:cube} \\tag{3}',
    '$$',
    '',
    'By $\\eqref{eq:cube}$ and $\\ref{eq:cube}$, $\\frac{d}{dx} x^2 = 2x \\label{inline}$.',
    '',
    '\\begin{align}',
    '\\frac{d}{dx} \\sin x &= \\cos x \\label{eq:sin} \\\\',
    '\\frac{d}{dx} \\cos x &= \\sin x \\nonumber',
    '\\end{align}',
  ].join('\n');
  const report = checkDocument(note);
  assert.deepEqual(report.diagnostics.filter((d) => d.severity === 'error' && d.code !== 'false-claim'), []);
  assert.deepEqual(report.claims.map((c) => c.verdict), ['verified', 'verified', 'verified', 'false']);
  assert.equal(report.diagnostics.filter((d) => d.code === 'false-claim').length, 1);
});

test('config: the client watches exactly the files the server reads', () => {
  assert.deepEqual(CONFIG_FILE_NAMES, CONFIG_FILES);
});

test("config: a LaTeX chapter's main document, beside it or above it up to the root, the outermost of a chain", () => {
  const dir = project({
    'book.tex': '\\begin{document}\n\\input{parts/part1}\n% \\input{parts/commented}\n\\end{document}\n',
    'parts/part1.tex': '\\include{parts/sec}\n',
    'parts/sec.tex': 'Text.\n',
    'parts/commented.tex': 'Text.\n',
    'parts/a.tex': '\\input{b}\n',
    'parts/b.tex': '\\input{a}\n',
    'alone/note.tex': 'Text.\n',
  });
  const at = (name: string) => path.join(dir, name);
  // part1 is read by book.tex one folder up: found with the workspace folder as root, not without (own folder only).
  assert.equal(mainDocumentOf(at('parts/part1.tex'), { root: dir }), at('book.tex'));
  assert.equal(mainDocumentOf(at('parts/part1.tex')), null);
  // sec is read by part1 (names resolved from the main document's folder), which book.tex reads: the outermost.
  assert.equal(mainDocumentOf(at('parts/sec.tex'), { root: dir }), at('book.tex'));
  // A commented \input reads nothing; an unsaved editor text counts instead of the disk's.
  assert.equal(mainDocumentOf(at('parts/commented.tex'), { root: dir }), null);
  assert.equal(mainDocumentOf(at('parts/commented.tex'), { root: dir, text: (f) => (f === at('book.tex') ? '\\input{parts/commented}' : undefined) }), at('book.tex'));
  // A loop ends; a file no document reads has none.
  assert.ok([at('parts/a.tex'), at('parts/b.tex')].includes(mainDocumentOf(at('parts/a.tex'), { root: dir })!));
  assert.equal(mainDocumentOf(at('alone/note.tex'), { root: dir }), null);
  // What a document may read: inside the root, `.tex` added.
  assert.equal(texInputPath(dir, 'parts/sec'), at('parts/sec.tex'));
  assert.equal(texInputPath(dir, 'parts/sec.tex'), at('parts/sec.tex'));
  assert.equal(texInputPath(at('parts'), '../book'), null);
  assert.equal(texInputPath(at('parts'), '../book', dir), at('book.tex'));
});
