/**
 * Worked blocks as notes lay them out: math inside blockquotes, rows that restate the left side, a quantity
 * rewritten on its way to a result, related rates. Every note here is written for these tests.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { check, claimWith } from './helpers';
import { withoutQuoteMarks } from '../scan/scan';

test('math inside a blockquote (or a callout) is read, at its place in the note', () => {
  const text = ['> [!example]', '> $$', '> \\frac{d}{dx}x^5 = 5x^4', '> $$', '>', '> and $\\frac{d}{dx}x^6 = 5x^5$.'].join('\n');
  const r = check(text);
  assert.equal(claimWith(r, 'x^5 = 5x^4').verdict, 'verified');
  const wrong = claimWith(r, 'x^6 = 5x^5');
  assert.equal(wrong.verdict, 'false');
  assert.equal(text.slice(wrong.start, wrong.end), '\\frac{d}{dx}x^6 = 5x^5');
  assert.equal(withoutQuoteMarks('> a\n>> b\n  > c').length, '> a\n>> b\n  > c'.length);
});

test('rows that restate the left side: only the first wrong row is reported, unless a later one is wrong on its own', () => {
  const rows = (third: string) => [
    'Let $p = (t^2 + 1)(t^3 - 2)$.',
    '',
    '$$\\begin{aligned}',
    "p' &= 2t(t^3 - 2) + (t^2 + 1)(2t^2) \\\\",
    "p' &= 2t^4 - 4t + 2t^4 + 2t^2 \\\\",
    `p' &= ${third}`,
    '\\end{aligned}$$',
  ].join('\n');
  const r = check(rows('4t^4 + 2t^2 - 4t'));
  assert.equal(claimWith(r, "p' = 2t(t^3 - 2)").verdict, 'false');
  const follows = claimWith(r, "p' = 2t^4 - 4t");
  assert.equal(follows.verdict, 'unchecked');
  assert.match(follows.reason, /follows from the row above/);
  assert.equal(claimWith(r, "p' = 4t^4").verdict, 'unchecked');
  // A later row that does not follow from the one above is a second mistake.
  assert.equal(claimWith(check(rows('4t^4 + 2t^2 + 4t')), "p' = 4t^4").verdict, 'false');
});

test('a quantity the block rewrites on its way: a slip in one rewrite does not make the derivative after it false', () => {
  const text = [
    '$$\\begin{aligned}',
    'h &= \\frac{9}{w^2} \\\\',
    'c &= 2w^2 + 3wh \\\\',
    'c &= 2w^2 + 28w^{-1} + 0 \\\\',
    "c' &= 4w - 27w^{-2}",
    '\\end{aligned}$$',
  ].join('\n');
  const c = claimWith(check(text), "c' = 4w");
  assert.notEqual(c.verdict, 'false', c.reason);
});

test('related rates: a radius the claim differentiates by time depends on time', () => {
  const note = (rhs: string) => `The volume is $V = \\frac{4}{3}\\pi r^3$, so $\\frac{dV}{dt} = ${rhs}$.`;
  const right = claimWith(check(note('4\\pi r^2 \\frac{dr}{dt}')), 'dV');
  assert.equal(right.verdict, 'verified', right.reason);
  assert.match(right.reason, /random choices of r/);
  assert.equal(claimWith(check(note('4\\pi r^3 \\frac{dr}{dt}')), 'dV').verdict, 'false');
  // Nothing says how r moves with t: the derivative is not 0 "as written", it is not checked.
  const vacuous = claimWith(check(note('0')), 'dV');
  assert.equal(vacuous.verdict, 'unchecked');
  assert.match(vacuous.reason, /does not depend on t as written/);
});

test('a derivative set equal to a number after "at the point x = a" is read at that point', () => {
  const text = [
    'Example: the tangent to $s = t^3 - 4t$ at the point $t = 2$.',
    '',
    "$$\\begin{aligned} s' &= 3t^2 - 4 \\\\ s' &= 3(2)^2 - 4 \\\\ s' &= 8 \\end{aligned}$$",
    '',
    "A slip in the next one: $s' = 9$.",
  ].join('\n');
  const r = check(text);
  const at = claimWith(r, "s' = 8");
  assert.equal(at.verdict, 'verified', at.reason);
  assert.match(at.reason, /at t = 2, the point the note states/);
  assert.equal(claimWith(r, "s' = 9").verdict, 'false');
});

test('a solution written with ± is a value, not a definition of the letter', () => {
  const text = ['Solving gives $u = \\pm\\frac{1}{\\sqrt 2}$.', '', 'Later, with $v = u^2 + 1$: $\\frac{dv}{du} = 2u$.'].join('\n');
  assert.equal(claimWith(check(text), '\\frac{dv}{du}').verdict, 'verified');
});
