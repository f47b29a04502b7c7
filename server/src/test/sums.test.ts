/**
 * Sums and products with symbolic bounds (issue 12, item 2): checked at several small sizes with random data,
 * index notation with free indices, Kronecker's delta, families defined by an index, one-hot labels. Every note
 * here is written for these tests.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { check, claimWith } from './helpers';
import { plainText } from '../check/plain';

const verdict = (text: string, needle: string) => claimWith(check(text), needle);

test('the derivative of a log-likelihood summed over n samples: right verified, a wrong constant false at a small n', () => {
  const right = verdict('$$\\frac{\\partial}{\\partial\\theta}\\sum_{i=1}^n (y_i\\ln\\theta - \\theta) = \\frac{1}{\\theta}\\sum_{i=1}^n y_i - n$$', '\\partial\\theta}');
  assert.equal(right.verdict, 'verified', right.reason);
  const wrong = verdict('$$\\frac{\\partial}{\\partial\\theta}\\sum_{i=1}^n (y_i\\ln\\theta - \\theta) = \\frac{1}{\\theta}\\sum_{i=1}^n y_i - 1$$', '\\partial\\theta}');
  assert.equal(wrong.verdict, 'false', wrong.reason);
  // The counterexample names the size and the data it used, and reads the sums as sums.
  assert.match(wrong.reason, /n = \d/);
  assert.match(wrong.reason, /y_1 = /);
  assert.match(wrong.reason, /∑\(i=1…n\)/);
  assert.doesNotMatch(wrong.reason, /Expected/);
});

test('mean squared error over m samples: the factor 2/m is verified, 1/m is false', () => {
  const text = (rhs: string) => `For a slope $a$: $\\frac{d}{da}\\frac{1}{m}\\sum_{j=1}^{m}(a u_j - v_j)^2 = ${rhs}$.`;
  assert.equal(verdict(text('\\frac{2}{m}\\sum_{j=1}^{m}(a u_j - v_j)u_j'), '\\frac{d}{da}').verdict, 'verified');
  assert.equal(verdict(text('\\frac{1}{m}\\sum_{j=1}^{m}(a u_j - v_j)u_j'), '\\frac{d}{da}').verdict, 'false');
});

test('a product of likelihoods, differentiated through its logarithm', () => {
  const c = verdict('$$\\frac{d}{dq}\\ln\\prod_{i=1}^{n} q^{b_i}(1-q)^{1-b_i} = \\sum_{i=1}^{n}\\left(\\frac{b_i}{q} - \\frac{1-b_i}{1-q}\\right)$$', '\\prod');
  assert.equal(c.verdict, 'verified', c.reason);
});

test('sums with numbers for bounds are plain arithmetic', () => {
  const r = check('Squares: $\\sum_{k=1}^{3} k^2 = 14$; powers: $\\sum_{k=0}^{4} 2^k = 32$.');
  assert.equal(claimWith(r, 'k^2 = 14').verdict, 'verified');
  assert.equal(claimWith(r, '2^k = 32').verdict, 'false');
});

test('a free index: the derivative by one weight of a weighted sum', () => {
  assert.equal(verdict('$\\frac{\\partial}{\\partial w_j}\\sum_{i=1}^{n} w_i u_i = u_j$', 'w_j}').verdict, 'verified');
  assert.equal(verdict('$\\frac{\\partial}{\\partial w_j}\\sum_{i=1}^{n} w_i u_i = 2u_j$', 'w_j}').verdict, 'false');
});

test('softmax by entries: a family defined by its index, Kronecker delta, and a case split on the indices', () => {
  const note = (claim: string) => [
    'Write the softmax entry by entry: $s_p = \\frac{e^{t_p}}{\\sum_{r=1}^{K} e^{t_r}}$.',
    '',
    `$$${claim}$$`,
  ].join('\n');
  const general = verdict(note('\\frac{\\partial s_p}{\\partial t_q} = s_p(\\delta_{pq} - s_q)'), '\\partial t_q}');
  assert.equal(general.verdict, 'verified', general.reason);
  // Only the off-diagonal case (p ≠ q): one case of a split, never false.
  const offDiagonal = verdict(note('\\frac{\\partial s_p}{\\partial t_q} = -s_p s_q'), '\\partial t_q}');
  assert.equal(offDiagonal.verdict, 'unchecked', offDiagonal.reason);
  assert.match(offDiagonal.reason, /distinct/);
  const wrong = verdict(note('\\frac{\\partial s_p}{\\partial t_q} = s_p(\\delta_{pq} + s_q)'), '\\partial t_q}');
  assert.equal(wrong.verdict, 'false', wrong.reason);
});

test('cross-entropy with one-hot labels the prose declares: sums without bounds run over every class', () => {
  const note = (claim: string) => [
    'The target $t$ is a one-hot vector. With $q_c = \\frac{e^{u_c}}{\\sum_k e^{u_k}}$ the loss is $E = -\\sum_k t_k \\ln q_k$.',
    '',
    `$$${claim}$$`,
  ].join('\n');
  assert.equal(verdict(note('\\frac{\\partial E}{\\partial u_c} = q_c - t_c'), 'partial u_c').verdict, 'verified');
  assert.equal(verdict(note('\\frac{\\partial E}{\\partial u_c} = q_c + t_c'), 'partial u_c').verdict, 'false');
  // A step that uses that the labels sum to one, and a sum that leaves one class out.
  assert.equal(verdict(note('q_c\\sum_k t_k - t_c = q_c - t_c'), 'q_c\\sum_k').verdict, 'verified');
  assert.equal(verdict(note('-t_c(1-q_c) + \\sum_{k\\neq c} t_k q_c = q_c\\sum_k t_k - t_c'), 'k\\neq c').verdict, 'verified');
});

test('a name written both with an index in a sum and bare is a vector: no scalar verdict', () => {
  const c = verdict('$$\\operatorname{softmax}(Z) = \\frac{\\exp(Z)}{\\sum_{j=1}^{C}\\exp(Z_{j})}$$', 'softmax');
  assert.notEqual(c.verdict, 'false', c.reason);
});

test('a bar over a summed name is probably their mean: a step using it is not false', () => {
  const c = verdict('$$\\bar{u}\\sum_{i=1}^{m} u_i = \\bar{u}\\cdot m\\cdot\\frac{1}{m}\\sum_{i=1}^{m}u_i = m\\bar{u}^2$$', 'm\\bar{u}^2');
  assert.notEqual(c.verdict, 'false', c.reason);
});

test('sums and fractions with unbraced arguments print readably', () => {
  assert.equal(plainText('\\frac1\\lambda\\sum_{i=1}^n x_i'), '(1/λ)·∑(i=1…n) x_i');
  assert.equal(plainText('\\sum_k y_k'), '∑_k y_k');
  assert.equal(plainText('\\prod\\limits_{j=1}^{N} p_j'), '∏(j=1…N) p_j');
});
