/**
 * The semantic model of a note (issue 11): what a note's symbols mean decides the verdicts. Every note here is
 * written for these tests.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { check, claimWith } from './helpers';
import { readProse } from '../semantics/prose';
import { listItems, primedFunctions } from '../semantics/scopes';
import { parseLatex } from '../parse/parser';
import { CheckCache, checkDocument } from '../engine';
import { LineMap } from '../scan/lines';

const verdict = (text: string, needle: string) => claimWith(check(text), needle);

test('a generality declaration shadows earlier definitions of f and g: the textbook rules are verified', () => {
  const text = [
    'We start with $f(x) = \\sin x + x^2$ and $g(t) = t^5$, so $f\'(x) = \\cos x + 2x$.',
    '',
    'Now take any differentiable functions $f$ and $g$: $(f/g)\' = \\frac{f\'g - fg\'}{g^2}$ and $(fg)\' = f\'g + fg\'$.',
    '',
    'Back to the example: $f\'(0) = 1$.',
  ].join('\n');
  const r = check(text);
  assert.equal(claimWith(r, "(f/g)'").verdict, 'verified');
  assert.equal(claimWith(r, "(fg)'").verdict, 'verified');
  // Outside the declaring sentence the definition holds again.
  assert.equal(claimWith(r, "f'(0) = 1").verdict, 'verified');
});

test('a definition made in one exercise of a list does not reach a worked block after the list', () => {
  const text = [
    '1. $y = x^3$',
    '',
    '2. $f(x) = \\frac{1}{x}$',
    '',
    '3. $y = \\sqrt{x}$',
    '',
    '$$',
    '\\begin{align*}',
    'y = x^{1/2} \\\\',
    "f' = \\frac{1}{2}x^{-1/2}",
    '\\end{align*}',
    '$$',
  ].join('\n');
  const c = verdict(text, "f' = \\frac{1}{2}");
  // f' is the derivative of the function the block works on (y), not of the f of exercise 2.
  assert.equal(c.verdict, 'verified', c.reason);
  const wrong = verdict(text.replace("f' = \\frac{1}{2}x^{-1/2}", "f' = x^{-1/2}"), "f' = x^{-1/2}");
  assert.equal(wrong.verdict, 'false', wrong.reason);
});

test('a block that writes its function two ways gives two readings: neither false nor verified when they disagree', () => {
  const text = ['$$', '\\begin{align*}', 'y = x^{1-1/2} \\\\', 'y = x^1/2 \\\\', "f' = \\frac{1}{2}x^{-1/2}", '\\end{align*}', '$$'].join('\n');
  const c = verdict(text, "f' =");
  assert.equal(c.verdict, 'unchecked');
  assert.equal(c.reasonCode, 'stale-definition');
  assert.match(c.reason, /in 2 ways, and the claim holds under 1 of its 2 readings/);
});

test('usage in the section: a letter primed on its own is a function there, so (h^4)\' = 4h^3 is false', () => {
  const text = "## Logarithmic derivatives\n\nRecall $(\\ln h)' = \\frac{h'}{h}$. Hence $(h^4)' = 4h^3$.\n";
  const c = verdict(text, "(h^4)'");
  assert.equal(c.verdict, 'false', c.reason);
  assert.match(c.reason, /Expected 4h³h'/);
  // In a section where h is a step size (a limit's variable), nothing is inferred.
  const step = verdict("$\\lim_{h \\to 0} \\frac{(x+h)^2 - x^2}{h} = 2x$ and $(h^4)' = 4h^3$.\n", "(h^4)'");
  assert.equal(step.verdict, 'verified', step.reason);
});

test('declarations make a letter a function: "let k be a differentiable function" and g: R → R', () => {
  const a = verdict('Let $k$ be a differentiable function. Then $(k^2)\' = 2k$.', "(k^2)'");
  assert.equal(a.verdict, 'false');
  assert.match(a.reason, /Expected 2kk'/);
  const b = verdict("Let $g: \\mathbb{R} \\to \\mathbb{R}$ be smooth. Then $(g^3)' = 3g^2 g'$.", "(g^3)'");
  assert.equal(b.verdict, 'verified', b.reason);
});

test('a letter that is the variable is a factor before a bracket, and the power binds to the bracket', () => {
  const text = "Let $p(x) = (x^2 - 1)^2$. Then $p'(x) = 4x(x^2-1) = 4x^3 - 4x$, and $\\frac{d}{dx}\\frac{2}{3}(x^2-1)^3 = 4x(x^2-1)^2 = 4x^5 - 4x^3 + 4x$.";
  const r = check(text);
  assert.equal(claimWith(r, '4x(x^2-1) = 4x^3').verdict, 'verified');
  assert.equal(claimWith(r, '(x^2-1)^3 = 4x(x^2-1)^2').verdict, 'verified');
  const step = claimWith(r, '4x(x^2-1)^2 = 4x^5');
  assert.equal(step.verdict, 'false', step.reason);
  const pow = verdict("Then $\\frac{d}{dx}(x^2+1)^3 = 6x(x^2+1)^2 = 6x^2(x^2+1)^2$.", '6x(x^2+1)^2 = 6x^2');
  assert.equal(pow.verdict, 'false', pow.reason);
});

test('layout: a claim that holds in one layout only is not checked unless the note says which it uses', () => {
  const claim = 'Take $A \\in \\mathbb{R}^{3 \\times 2}$, $\\mathbf{x} \\in \\mathbb{R}^2$. Then $\\frac{\\partial A\\mathbf{x}}{\\partial \\mathbf{x}} = A$.';
  const silent = verdict(claim, '= A');
  assert.equal(silent.verdict, 'unchecked');
  assert.equal(silent.reasonCode, 'unknown-convention');
  assert.match(silent.reason, /holds in numerator layout only/);
  assert.equal(verdict(`Here we use numerator layout.\n\n${claim}`, '= A').verdict, 'verified');
  assert.equal(verdict(`We use the denominator layout.\n\n${claim}`, '= A').verdict, 'false');
  // A sentence contrasting the two layouts fixes nothing.
  assert.equal(readProse('The numerator layout gives the transpose of the denominator layout.').length, 0);
});

test('assumptions have scopes: "let A be symmetric" holds for A only, "for symmetric B" for its sentence', () => {
  const quad = '$\\nabla_{\\mathbf{x}} \\mathbf{x}^\\top A\\mathbf{x} = 2A\\mathbf{x}$';
  assert.equal(verdict(`Let $A$ be symmetric. Then ${quad}.`, '2A').verdict, 'verified');
  const other = verdict(`For symmetric $B$ and any $A$: ${quad}.`, '2A');
  assert.equal(other.verdict, 'false', other.reason);
  assert.match(other.reason, /only when A is symmetric/);
  assert.deepEqual(readProse('Let $A$ be symmetric.'), [{ rule: 'prose.symmetric', names: ['A'] }]);
  assert.deepEqual(readProse('This is only right for symmetric $B$.'), []);
});

test('differentials are not products: dy and dX outside a Leibniz fraction are never false', () => {
  const r = check('We have $dy = \\frac{dy}{dx}dx$ and $d\\mathbf{y} = \\frac{d\\mathbf{y}}{d\\mathbf{x}}d\\mathbf{x}$.');
  for (const c of r.claims) assert.notEqual(c.verdict, 'false', c.latex);
  assert.equal(claimWith(r, 'dy = ').verdict, 'verified');
  // The vector form holds in numerator layout, which this note never fixed.
  assert.equal(claimWith(r, 'd\\mathbf{y} =').reasonCode, 'unknown-convention');
});

test('prose phrases: constants, log base, what σ denotes; negations declare nothing', () => {
  assert.deepEqual(readProse('where $a$ and $b$ are constants'), [{ rule: 'prose.constant', names: ['a', 'b'] }]);
  assert.deepEqual(readProse('In these notes log is base 10.'), [{ rule: 'prose.log-base', value: '10' }]);
  assert.deepEqual(readProse('Here $\\sigma$ denotes the softmax.'), [{ rule: 'prose.sigma', value: 'softmax' }]);
  assert.deepEqual(readProse('$f$ is not a function of $y$'), []);
  // σ as the softmax: a claim about the logistic σ' is not read with the logistic function.
  const c = verdict("Here $\\sigma$ denotes the softmax. Then $\\sigma'(z) = \\sigma(z)(1 - \\sigma(z))$.", "\\sigma'(z)");
  assert.notEqual(c.verdict, 'verified');
  // "let c be a constant": c is never the variable of (cf)'.
  assert.equal(verdict("Let $c$ be a constant and $f$ a function. Then $(cf)' = cf'$.", "(cf)'").verdict, 'verified');
});

test('a conditional clause in Chinese or Japanese prose keeps the claim from being false', () => {
  const c = verdict("若 $f(z) = z^2$ ，则 $f'(z) = 3z$ 。", "f'(z) = 3z");
  assert.notEqual(c.verdict, 'false');
});

test('steps that substitute an equation the block found for y\' are not false', () => {
  const text = ['$$', '\\begin{align}', "y' &= \\frac{2}{1-y} \\\\", "y'' &= \\frac{2}{(1-y)^2}y' \\\\", '&= \\frac{4}{(1-y)^3}', '\\end{align}', '$$'].join('\n');
  for (const c of check(text).claims) assert.notEqual(c.verdict, 'false', `${c.latex}: ${c.reason}`);
});

test('scopes: list items and primed letters (unit)', () => {
  const text = '1. one\n   more\n\n2. two\n\nafter\n';
  const [a, b, c, d] = listItems(new LineMap(text), [3, 12, 20, 27]);
  assert.equal(a, 0);
  assert.equal(b, 0);
  assert.equal(c, text.indexOf('2.'));
  assert.equal(d, -1);
  const trees = (s: string) => parseLatex(s).formulas.flatMap((f) => f.operands);
  assert.deepEqual(primedFunctions(trees("(\\ln h)' = h'/h")), ['h']);
  assert.deepEqual(primedFunctions(trees("h' + \\lim_{h \\to 0} h")), []);
});

test('a declared size n is generic: a claim whose sides agree only when n = 1 is a shape mismatch', () => {
  const c = verdict('Let $\\mathbf u, \\mathbf v \\in \\mathbb R^n$. Then $\\nabla_{\\mathbf u}(\\mathbf u^T\\mathbf v) = \\mathbf u^T\\mathbf v$.', '\\nabla');
  assert.equal(c.verdict, 'false', c.reason);
  assert.match(c.reason, /only when n = 1/);
  assert.match(c.reason, /∇_u\(uᵀv\)/);
});

test('a matrix written before a bracket that it also multiplies elsewhere is a factor: 2B(Bx) is read and false', () => {
  const c = verdict('Let $B \\in \\mathbb{R}^{3 \\times 3}$, $\\mathbf x \\in \\mathbb R^3$. Then $\\nabla_{\\mathbf x}\\|B\\mathbf x\\|^2 = 2B(B\\mathbf x)$.', '2B(B');
  assert.equal(c.verdict, 'false', c.reason);
  assert.match(c.reason, /only when B is symmetric/);
});

test('X = X^T in a formula states that X is symmetric', () => {
  const c = verdict('Here $S = S^T$. So $\\nabla_X \\operatorname{tr}(X^T S X) = 2SX$.', '2SX');
  assert.equal(c.verdict, 'verified', c.reason);
  assert.match(c.reason, /S drawn symmetric, as the note assumes/);
});

test('differentiating both sides of an equation stated before is not an identity', () => {
  const text = ['Take the curve $y^2 = x^3 + x y$. Differentiate:', '', '$$\\frac{d(y^2)}{dx} = \\frac{d(x^3 + x y)}{dx}$$'].join('\n');
  const c = verdict(text, '\\frac{d(y^2)}{dx}');
  assert.notEqual(c.verdict, 'false', c.reason);
  assert.equal(c.reasonCode, 'equation');
  // A derivative claim about an expression that merely appeared before is still checked.
  const r = check('We know $\\frac{d}{dx}\\sin x = \\cos x$. Then $\\frac{d}{dx}(\\cos x) = \\sin x$.');
  assert.equal(claimWith(r, '(\\cos x) = \\sin x').verdict, 'false');
});

test('a second &= in one row of an aligned block: a missing \\\\ is suspected, never a false step', () => {
  const text = ['$$', '\\begin{align*}', "y &= \\ln(x^2) \\\\", "y' &= \\frac{2x}{x^2} \\cdot \\frac{1}{1} y' &= \\frac{2}{x}", '\\end{align*}', '$$'].join('\n');
  for (const c of check(text).claims) assert.notEqual(c.verdict, 'false', `${c.latex}: ${c.reason}`);
  // Two equations side by side (a &= b & c &= d) are how amsmath means it: nothing suspicious.
  const side = check('$$\\begin{align*} a &= 2 + 3 & b &= 7 \\times 6 \\end{align*}$$');
  assert.ok(side.claims.every((c) => !(c.doubts ?? []).some((d) => d.code === 'suspicious-notation')));
});

test('one-hot vectors and letters given values in plain prose are not free variables', () => {
  const oneHot = verdict("Since y is a one-hot vector, $\\frac{\\partial L}{\\partial z_i} = -y_i(1 - p_i) = p_i - y_i$ for the true class.", '-y_i(1');
  assert.notEqual(oneHot.verdict, 'false', oneHot.reason);
  assert.ok((oneHot.doubts ?? []).some((d) => /y is one-hot/.test(d.detail)), oneHot.reason);
  const prose = verdict('We write u=exp(a)+exp(b) here. Then $\\frac{\\partial}{\\partial a}\\frac{\\exp(a)}{u} = \\frac{\\exp(a) u - \\exp(a)\\exp(a)}{u^2}$.', '\\frac{\\partial}{\\partial a}');
  assert.notEqual(prose.verdict, 'false', prose.reason);
  assert.equal(prose.reasonCode, 'definition-not-understood');
});

test('a convention stated in one section holds in the later ones, also when sections are cached one by one', () => {
  const note = '# Setup\n\nWe use numerator layout throughout.\n\n# Linear maps\n\nTake $A \\in \\mathbb{R}^{3 \\times 2}$, $\\mathbf{x} \\in \\mathbb{R}^2$. Then $\\frac{\\partial A\\mathbf{x}}{\\partial \\mathbf{x}} = A$.\n';
  assert.equal(verdict(note, '= A').verdict, 'verified');
  const cached = checkDocument(note, {}, new CheckCache());
  assert.equal(claimWith(cached, '= A').verdict, 'verified');
});

test('directives: an unknown key is a warning; disable= silences a code', () => {
  const r = check('<!-- calcnotes: layuot=numerator -->\n\n$J^{(1)}{21} = 2$ and $\\frac{d}{dx}x^2 = 3x$.\n');
  const unknown = r.diagnostics.find((d) => d.code === 'unknown-directive');
  assert.ok(unknown, JSON.stringify(r.diagnostics));
  assert.match(unknown!.message, /Unknown calcnotes directive "layuot"/);
  assert.ok(r.diagnostics.some((d) => d.code === 'suspicious-notation'));
  const quiet = check('<!-- calcnotes: disable=suspicious-notation -->\n\n$J^{(1)}{21} = 2$ and $\\frac{d}{dx}x^2 = 3x$.\n');
  assert.deepEqual(quiet.diagnostics.map((d) => d.code), ['false-claim']);
  const bySetting = check('$J^{(1)}{21} = 2$ and $\\frac{d}{dx}x^2 = 3x$.\n', { disabledCodes: ['false-claim'] });
  assert.deepEqual(bySetting.diagnostics.map((d) => d.code), ['suspicious-notation']);
});

test('log base: the note\'s statement decides; otherwise a claim true only in the other base is not false', () => {
  const silent = check('We have $\\frac{d}{dx}\\log x = \\frac{1}{x \\ln 10}$ and $\\frac{d}{dx}\\log x = \\frac{2}{x}$.');
  const ten = claimWith(silent, '\\ln 10');
  assert.equal(ten.verdict, 'unchecked');
  assert.equal(ten.reasonCode, 'unknown-convention');
  assert.match(ten.reason, /holds if \\log is base 10/);
  assert.equal(claimWith(silent, '\\frac{2}{x}').verdict, 'false');
  const stated = check('In this note log is base 10. So $\\frac{d}{dx}\\log x = \\frac{1}{x \\ln 10}$ and $\\frac{d}{dx}\\log x = \\frac{1}{x}$.');
  assert.equal(claimWith(stated, '\\ln 10').verdict, 'verified');
  assert.equal(claimWith(stated, '= \\frac{1}{x}').verdict, 'false');
});

test('f^{-1} is read both ways: false only when the inverse function and the reciprocal both fail', () => {
  const r = check('$\\frac{d}{dx}(\\cot^{-1}x) = \\frac{1}{1+x^2}$ and $\\frac{d}{dx}\\sec^{-1}(x) = \\frac{1}{|x|\\sqrt{x^2-1}}$.');
  const cot = claimWith(r, '\\cot^{-1}');
  assert.equal(cot.verdict, 'false', cot.reason);
  assert.match(cot.reason, /as a reciprocal it is wrong too/);
  const sec = claimWith(r, '\\sec^{-1}');
  assert.equal(sec.verdict, 'unchecked');
  assert.equal(sec.reasonCode, 'ambiguous-notation');
  assert.match(sec.reason, /holds when \^\{-1\} means the inverse function/);
});

test('a note that writes the gradient out as a column shows its layout (for the rest of the section)', () => {
  const note = [
    '# Gradients',
    '',
    '$$\\frac{df}{d\\mathbf{x}} = \\begin{bmatrix} \\frac{df}{dx_1} \\\\ \\vdots \\\\ \\frac{df}{dx_n} \\end{bmatrix}$$',
    '',
    'For $\\boldsymbol\\beta, \\mathbf{x} \\in \\mathbb{R}^3$: $\\frac{d}{d\\mathbf{x}}(\\boldsymbol{\\beta}^\\top\\mathbf{x}) = \\boldsymbol{\\beta}$.',
    '',
    '# Elsewhere',
    '',
    'For $\\boldsymbol\\beta, \\mathbf{x} \\in \\mathbb{R}^3$: $\\frac{d}{d\\mathbf{x}}(\\boldsymbol{\\beta}^\\top\\mathbf{x}) = \\boldsymbol{\\beta}^\\top$.',
  ].join('\n');
  const r = check(note);
  const [first, second] = r.claims.filter((c) => c.latex.includes('\\beta}^\\top\\mathbf{x}'));
  assert.equal(first.verdict, 'verified', first.reason);
  assert.equal(second.verdict, 'unchecked', second.reason);
  assert.equal(second.reasonCode, 'unknown-convention');
});

test('usage: a letter primed in one formula but a limit variable in another of the same section is not a function', () => {
  const note = "## Difference quotients\n\nWith $\\lim_{h \\to 0} \\frac{g(x+h) - g(x)}{h} = g'(x)$ and the shorthand $h'$ for a step, $(h^2)' = 2h$.\n";
  const c = verdict(note, "(h^2)'");
  assert.notEqual(c.verdict, 'false', c.reason);
});

test('a heading between two directive fences starts a section, also where the note is checked in one piece', () => {
  // The comment directive keeps the engine from cutting the note at its headings; the interpreter must still see
  // the heading, which stands between the closing fence of one admonition and the opening fence of the next.
  const note = [
    '<!-- calcnotes: layout=numerator -->',
    '```{note}',
    'Take $w = t^3$.',
    '```',
    '## Another exercise',
    '```{note}',
    "Here $w' = 2t$.",
    '```',
    '',
  ].join('\n');
  for (const cache of [null, new CheckCache()]) {
    const claim = checkDocument(note, {}, cache).claims.find((c) => c.latex === "w' = 2t");
    assert.ok(claim);
    // The first exercise's w does not reach the second: w is an unknown function there, so nothing is false.
    assert.equal(claim.verdict, 'unchecked', claim.reason);
  }
});
