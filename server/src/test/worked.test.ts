/**
 * Worked solutions as notes write them: chains through the note's own definitions (issue 12, item 3), the
 * substitution tables of the chain rule, names redefined inside an exercise, and MyST directives that hold
 * Markdown. Every note here is written for these tests.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { check, claimWith } from './helpers';
import { parseLatex } from '../parse/parser';
import { scanMath } from '../scan/scan';

const verdict = (text: string, needle: string) => claimWith(check(text), needle);

const NEURON = [
  'A single unit: $\\hat y = \\tanh(wx + b)$, with the squared error $L = \\frac12(\\hat y - y)^2$.',
  '',
  'Its gradients:',
  '',
  '$$\\frac{\\partial L}{\\partial b} = (\\hat y - y)(1 - \\hat y^2)$$',
  '',
  '$$\\frac{\\partial L}{\\partial w} = (1 - \\hat y^2)x$$',
].join('\n');

test('a loss is differentiated through the quantities the note defined: the right gradient is verified, a missing factor is false', () => {
  const r = check(NEURON);
  const right = claimWith(r, '\\partial b}');
  assert.equal(right.verdict, 'verified', right.reason);
  const wrong = claimWith(r, '\\partial w}');
  assert.equal(wrong.verdict, 'false', wrong.reason);
  // The expected side is written back in the note's own names, not in tanh of its argument.
  assert.match(wrong.reason, /Expected x\(ŷ − y\)\(1 − ŷ²\)/);
});

test('a chain of layers z → a → L is followed through every definition', () => {
  const text = [
    'Let $z = wx + b$, $a = \\sigma(z)$ and $L = -\\log a$.',
    '',
    '$$\\frac{\\partial L}{\\partial w} = -(1 - a)x$$',
    '',
    '$$\\frac{\\partial L}{\\partial b} = (1 - a)$$',
  ].join('\n');
  const r = check(text);
  const w = claimWith(r, '\\partial w}');
  assert.equal(w.verdict, 'verified', w.reason);
  const b = claimWith(r, '\\partial b}');
  assert.equal(b.verdict, 'false', b.reason);
});

test('accented names are shown with their accents in messages', () => {
  const r = check(NEURON);
  const wrong = claimWith(r, '\\partial w}');
  assert.match(wrong.reason, /ŷ/);
  assert.doesNotMatch(wrong.reason, /\\hat/);
});

test('an aligned row with a blank right side is a blank, not an equation with the next column', () => {
  const parse = parseLatex('u &=  & v &= x^4');
  assert.equal(parse.formulas.length, 2);
  assert.equal(parse.formulas[0].trailing?.op, '=');
  assert.equal(parse.formulas[0].operands.length, 1);
  assert.equal(parse.formulas[1].operands.length, 2);
  // An alignment mark right after the relation stays an alignment mark.
  const aligned = parseLatex('f(x) =& x^2');
  assert.equal(aligned.formulas.length, 1);
  assert.equal(aligned.formulas[0].operands.length, 2);
});

test('a name defined again with a blank right side no longer means its earlier definition', () => {
  const text = [
    '1. Product rule for $f(x) = e^x(1+x)$:',
    '',
    '   $$\\begin{aligned} u &= e^x & v &= 1 + x \\\\ u\' &= e^x & v\' &= 1 \\end{aligned}$$',
    '',
    '   Next, the blank is for you:',
    '',
    '   $$\\begin{aligned} u &= & v &= x^4 \\\\ u\' &= 3x^2 - 6x + 2 & v\' &= 4x^3 \\end{aligned}$$',
  ].join('\n');
  const r = check(text);
  const u = claimWith(r, "u' = 3x^2");
  assert.equal(u.verdict, 'unchecked', u.reason);
  assert.match(u.reason, /blank/);
  assert.equal(claimWith(r, "v' = 4x^3").verdict, 'verified');
  assert.equal(claimWith(r, "u' = e^x").verdict, 'verified');
});

test("in a substitution table f' may be df/du: a claim true in that reading is never false", () => {
  const table = (row: string) => [
    'Chain rule with a substitution:',
    '',
    `$$\\begin{aligned} u &= x^2 & f &= \\sin u \\\\ u' &= 2x & ${row} \\end{aligned}$$`,
  ].join('\n');
  const outer = verdict(table("f' &= \\cos u"), "f' = \\cos u");
  assert.equal(outer.verdict, 'unchecked', outer.reason);
  assert.match(outer.reason, /df\/du/);
  // Wrong in both readings (df/du = cos u, df/dx = 2x cos u): false.
  const wrong = verdict(table("f' &= -\\cos u"), "f' = -\\cos u");
  assert.equal(wrong.verdict, 'false', wrong.reason);
  // A right side with its own derivative is the derivative in x.
  const whole = verdict(table("f' &= \\cos u \\cdot u'"), "f' = \\cos u");
  assert.equal(whole.verdict, 'verified', whole.reason);
});

test('an exercise that reuses f for a step of its chain rule: the exercise\'s f is a reading too', () => {
  const text = (claim: string) => [
    '3. Differentiate $f(x) = e^{\\sin^2 x}$.',
    '',
    '   For the inner part take',
    '',
    "   $$\\begin{aligned} u &= \\sin x & f &= u^2 \\\\ u' &= \\cos x & f' &= 2u \\end{aligned}$$",
    '',
    '   and put it together:',
    '',
    `   $$${claim}$$`,
  ].join('\n');
  const meant = verdict(text("f' = e^{\\sin^2 x}(2uu')"), "e^{\\sin^2 x}(2uu')");
  assert.equal(meant.verdict, 'unchecked', meant.reason);
  assert.match(meant.reason, /defines f 2 times/);
  const wrong = verdict(text("f' = e^{\\sin^2 x}(2u)"), "e^{\\sin^2 x}(2u)");
  assert.equal(wrong.verdict, 'false', wrong.reason);
  // The row of the table means df/du there (verified in that reading, not in df/dx): never false.
  assert.equal(verdict(text("f' = e^{\\sin^2 x}(2uu')"), "f' = 2u").verdict, 'unchecked');
});

test('a bracket after a bare function argument may stand outside the function: not false', () => {
  const text = [
    '$$\\frac{d}{dx}(\\sin x\\cos x) = \\sin x(-\\sin x) + \\cos x(\\cos x)$$',
  ].join('\n');
  const c = verdict(text, '\\sin x(-\\sin x)');
  assert.notEqual(c.verdict, 'false', c.reason);
  // Written with brackets it is read exactly and verified.
  const exact = verdict('$$\\frac{d}{dx}(\\sin x\\cos x) = \\sin(x)(-\\sin x) + \\cos(x)\\cos x$$', '\\sin(x)(-\\sin x)');
  assert.equal(exact.verdict, 'verified', exact.reason);
});

test('e^{…} ends a bare argument as another function does: sin x e^x is (sin x)·e^x', () => {
  const ok = verdict('$$\\frac{d}{dx}(\\sin x\\, e^{x}) = \\cos x e^{x} + \\sin x e^{x}$$', '\\cos x e^{x}');
  assert.equal(ok.verdict, 'verified', ok.reason);
  const bad = verdict('$$\\frac{d}{dx}(\\sin x\\, e^{x}) = \\cos x e^{x}$$', '\\cos x e^{x}');
  assert.equal(bad.verdict, 'false', bad.reason);
});

test('MyST directives that hold Markdown are scanned as Markdown; code cells stay code', () => {
  const text = [
    '# Exercises',
    '',
    '```{solution}',
    ':label: sol-1',
    '',
    'The derivative is $\\frac{d}{dx}x^3 = 3x^2$.',
    '```',
    '',
    ':::{note}',
    'Careful: $\\frac{d}{dx}\\ln x = x$ is a classic slip.',
    ':::',
    '',
    '```{code-cell} python',
    'y = 3*40 = 100',
    '```',
  ].join('\n');
  const frags = scanMath(text, { mode: 'markdown' }).fragments;
  assert.ok(frags.every((f) => !f.latex.includes('3*40')), 'code cells are not math');
  assert.ok(frags.every((f) => !f.latex.includes(':label:')), 'directive options are not math');
  const r = check(text);
  assert.equal(claimWith(r, 'x^3 = 3x^2').verdict, 'verified');
  assert.equal(claimWith(r, '\\ln x = x').verdict, 'false');
});
