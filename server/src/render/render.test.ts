/** The hover renderer: LaTeX → standalone SVG in the theme colour, data URIs, macros, safety, cache. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clearRenderCache, renderCacheSize, renderDataUri, renderSvg, safeColor, svgDataUri, TEX_PACKAGES, DEFAULT_INK } from './svg';
import { definesMacros, findDefinitions, macroPrelude, settingsDefinitions } from './macros';

test('svg: a formula renders to a standalone SVG in the colour given', () => {
  const svg = renderSvg("\\frac{f'g - fg'}{g^2}", { color: '#c0ffee' });
  assert.ok(svg);
  assert.ok(svg.startsWith('<svg'));
  assert.ok(svg.includes('xmlns="http://www.w3.org/2000/svg"'));
  assert.ok(svg.includes('#c0ffee'));
  assert.ok(!svg.includes('currentColor'));
  assert.ok(!svg.includes('<use'), 'self-contained: no references to glyph definitions elsewhere');
  assert.ok(svg.includes('data-mml-node="mfrac"'));
  assert.ok(svg.trimEnd().endsWith('</svg>'));
});

test('svg: the data URI decodes to the SVG', () => {
  const svg = renderSvg('x^2', { color: '#102030' });
  assert.ok(svg);
  const uri = svgDataUri(svg);
  assert.match(uri, /^data:image\/svg\+xml;base64,[A-Za-z0-9+/]+=*$/);
  assert.equal(Buffer.from(uri.slice(uri.indexOf(',') + 1), 'base64').toString('utf8'), svg);
  assert.equal(renderDataUri('x^2', { color: '#102030' }), uri);
  const unicode = renderSvg('\\text{é} + α', { color: '#102030' });
  assert.ok(unicode);
  const u = svgDataUri(unicode);
  assert.equal(Buffer.from(u.slice(u.indexOf(',') + 1), 'base64').toString('utf8'), unicode);
});

test('svg: display and inline styles differ; results are cached', () => {
  clearRenderCache();
  const inline = renderSvg('\\sum_{i=1}^n x_i');
  const display = renderSvg('\\sum_{i=1}^n x_i', { display: true });
  assert.ok(inline && display);
  assert.notEqual(inline, display);
  assert.equal(renderCacheSize(), 2);
  assert.equal(renderSvg('\\sum_{i=1}^n x_i'), inline);
  assert.equal(renderCacheSize(), 2);
  assert.ok(inline.includes(DEFAULT_INK), 'default ink without a colour');
});

test('svg: unknown macros and TeX errors do not throw: they are drawn (errors readable, not a block of ink)', () => {
  const unknown = renderSvg('\\foo{x} + 1', { color: '#000000' });
  assert.ok(unknown);
  assert.ok(unknown.includes('fill="red"'));
  const broken = renderSvg('\\frac{', { color: '#000000' });
  assert.ok(broken);
  assert.ok(broken.includes('data-mjx-error'));
  assert.match(broken, /<style>[^<]*merror[^<]*fill:#fff3b0/);
  const deep = renderSvg('\\newcommand{\\a}{\\a}\\a');
  assert.ok(deep && deep.includes('data-mjx-error'), 'recursive macros stop with an error');
  assert.equal(renderSvg('x'.repeat(9000)), null, 'too long');
});

test('svg: notes cannot load files or packages (\\require, \\input, \\href are not available)', () => {
  assert.ok(!TEX_PACKAGES.includes('require'));
  assert.ok(!TEX_PACKAGES.includes('autoload'));
  assert.ok(!TEX_PACKAGES.includes('html'));
  for (const latex of ['\\require{html} x', '\\input{/etc/passwd}', '\\href{javascript:alert(1)}{x}', '\\unicode{x41}']) {
    const svg = renderSvg(latex, { color: '#000000' });
    assert.ok(svg, latex);
    assert.ok(svg.includes('fill="red"'), `${latex} is an undefined macro`);
    assert.ok(!/href=|root:|<script/i.test(svg), latex);
  }
});

test('svg: colours are checked before they go into the SVG', () => {
  assert.equal(safeColor('#abc'), '#abc');
  assert.equal(safeColor('#AABBCCDD'), '#AABBCCDD');
  assert.equal(safeColor('rgb(1, 2, 3)'), 'rgb(1, 2, 3)');
  assert.equal(safeColor('white'), 'white');
  assert.equal(safeColor('"/><script>alert(1)</script>'), DEFAULT_INK);
  assert.equal(safeColor('#12345'), DEFAULT_INK);
  assert.equal(safeColor(undefined), DEFAULT_INK);
  const svg = renderSvg('y', { color: '" onload="x' });
  assert.ok(svg && !svg.includes('onload'));
});

test('svg: a prelude defines macros for one render and does not leak into the next', () => {
  const prelude = macroPrelude({ '\\R': '\\mathbb{R}' }, ['\\newcommand{\\norm}[1]{\\lVert #1 \\rVert}']);
  const withMacros = renderSvg('\\norm{x} \\in \\R', { prelude, color: '#000000' });
  assert.ok(withMacros);
  assert.ok(!withMacros.includes('fill="red"'));
  const without = renderSvg('\\norm{x} \\in \\R', { color: '#000000' });
  assert.ok(without && without.includes('fill="red"'));
  // A formula that defines a macro does not leak it either.
  assert.ok(renderSvg('\\def\\Q{\\mathbb{Q}} \\Q', { color: '#000001' })?.includes('fill="red"') === false);
  assert.ok(renderSvg('\\Q', { color: '#000001' })?.includes('fill="red"'));
  // Operators declared with \DeclareMathOperator too.
  const op = macroPrelude({}, ['\\DeclareMathOperator{\\Tr}{Tr}']);
  assert.ok(!renderSvg('\\Tr A', { prelude: op, color: '#000002' })?.includes('fill="red"'));
  assert.ok(renderSvg('\\Tr A', { color: '#000002' })?.includes('fill="red"'));
});

test('macros: definitions found in LaTeX, exactly as written', () => {
  assert.deepEqual(
    findDefinitions(
      '\\newcommand{\\R}{\\mathbb{R}} x \\renewcommand\\vec[1]{\\mathbf{#1}} \\def\\half#1{\\frac{#1}{2}} \\DeclareMathOperator*{\\argmax}{arg\\,max} \\providecommand{\\e}[2][x]{#1 #2}',
    ),
    [
      '\\newcommand{\\R}{\\mathbb{R}}',
      '\\renewcommand\\vec[1]{\\mathbf{#1}}',
      '\\def\\half#1{\\frac{#1}{2}}',
      '\\DeclareMathOperator*{\\argmax}{arg\\,max}',
      '\\providecommand{\\e}[2][x]{#1 #2}',
    ],
  );
  assert.deepEqual(findDefinitions('\\newcommand{\\R}{\\mathbb{R}'), [], 'unbalanced: skipped');
  assert.deepEqual(findDefinitions('\\newcommandx \\definition'), []);
  assert.ok(definesMacros('a \\def\\x{1}'));
  assert.ok(!definesMacros('\\default x'));
});

test('macros: settings become \\newcommand with the right number of arguments; the prelude puts notes last', () => {
  assert.deepEqual(settingsDefinitions({ '\\R': '\\mathbb{R}', '\\pair': '(#1, #2)', '\\bad': '{' }), [
    '\\newcommand{\\R}{\\mathbb{R}}',
    '\\newcommand{\\pair}[2]{(#1, #2)}',
  ]);
  assert.equal(
    macroPrelude({ '\\R': '\\mathbb{R}' }, ['x', '\\providecommand{\\R}{\\mathbf{R}}', '\\gdef\\Z{\\mathbb{Z}}']),
    '\\newcommand{\\R}{\\mathbb{R}}\n\\newcommand{\\R}{\\mathbf{R}}\n\\def\\Z{\\mathbb{Z}}',
  );
});
