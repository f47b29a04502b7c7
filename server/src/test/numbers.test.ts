/**
 * Numbers and equations (issue 11, items 9 and 10): written decimals are rounded values, arithmetic is always
 * checkable, equations to solve are not identities, and a blank to fill in states nothing. Notes are constructed
 * for these tests.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { check, claimWith, verdictsOf } from './helpers';

function verdict(note: string, needle: string): { verdict: string; reason: string; code?: string } {
  const report = check(note);
  const c = claimWith(report, needle);
  return { verdict: c.verdict, reason: c.reason, code: c.reasonCode };
}

test('a written decimal holds to the precision written (rounded or truncated)', () => {
  for (const [note, needle] of [
    ['The chance of two sixes then a one is $(1/6)^3 = 0.00463$.', '0.00463'], // rounded
    ['Truncated: $\\frac{2}{3} = 0.666$.', '0.666'], // truncated
    ['We get $\\sqrt{2} = 1.414$ and so on.', '1.414'],
    ['So $1.02^2 = 1.0404$ exactly.', '1.0404'],
    ['Hence $-\\frac{1}{8} = -0.125$.', '-0.125'],
    ['Tiny: $3^{-9} = 5.08\\times10^{-5}$.', '5.08'],
  ]) {
    const r = verdict(note, needle);
    assert.equal(r.verdict, 'verified', `${note}: ${r.reason}`);
    if (!/1\.0404|0\.125/.test(needle)) {
      assert.match(r.reason, /precision written/);
      assert.equal(r.code, 'rounded-value');
    }
  }
});

test('a written decimal further off than one unit of its last digit is false, with the values', () => {
  const r = verdict('The chance is $(1/6)^3 = 0.00563$.', '0.00563');
  assert.equal(r.verdict, 'false', r.reason);
  assert.match(r.reason, /0\.00463/);
  const near = verdict('So $\\frac{2}{3} = 0.668$.', '0.668');
  assert.equal(near.verdict, 'false', near.reason);
  assert.match(near.reason, /one unit of its last digit/);
});

test('rounding away from zero is not checked, neither verified nor false', () => {
  const r = verdict('Roughly $\\frac{1}{3} = 0.34$ here.', '0.34');
  assert.equal(r.verdict, 'unchecked', r.reason);
  assert.equal(r.code, 'rounded-value');
});

test('the links of a chain that names a value are checked to the precision written', () => {
  const note = 'Winning with the loaded die: $Q = 0.6^4 \\times 0.4^2 = 0.0207$, and with the other one $R = 0.2^3 \\times 0.8^3 = 0.00419$.';
  const report = check(note);
  assert.equal(claimWith(report, '= 0.0207').verdict, 'verified', verdictsOf(report));
  assert.equal(claimWith(report, '= 0.00419').verdict, 'false', verdictsOf(report)); // the value is 0.004096
});

test('pure arithmetic is always checkable, standalone too', () => {
  assert.equal(verdict('Check: $8\\times 7 = 54$.', '8\\times').verdict, 'false');
  assert.equal(verdict('Check: $8\\times 7 = 56$.', '8\\times').verdict, 'verified');
  assert.equal(verdict('And $2^{10} = 1024$.', '2^{10}').verdict, 'verified');
  // A whole number for a value that is not whole may be rounded: not checked, not false.
  const r = verdict('Then $100\\sqrt{2} = 141$.', '\\sqrt{2}');
  assert.equal(r.verdict, 'unchecked', r.reason);
  assert.equal(r.code, 'rounded-value');
  // An evaluation where the letter has a value in the sentence.
  assert.equal(verdict('At $t = 0.5$ we have $t^3 = 0.125$.', 't^3').verdict, 'verified');
  assert.equal(verdict('At $t = 0.5$ we have $t^3 = 0.25$.', 't^3').verdict, 'false');
});

test('units, money, percentages, versions and mixed numbers never become false', () => {
  for (const [note, needle] of [
    ['The volume grows: $$\\frac{dV}{dt} = 4\\text{cm}^3/\\text{s}$$', 'dV'],
    ['The area shrinks: $$\\frac{dA}{dt} = -0.25\\,\\text{m}^2/\\text{h}$$', 'dA'],
    ['Invest 200 dollars: the balance is $200 = 200 \\times 1.1 = 220$ after a year.', '1.1'],
    ['Add $20\\%$ of $2 = 2 + 0.4 = 2.4$ in total.', '0.4'],
    ['Release $2.1.4 = 2.1$ is out.', '2.1'],
    ['A mixed number: $3\\frac{1}{4} = 3.25$.', '3.25'],
    ['Half is $50\\% = 0.5$.', '0.5'],
  ]) {
    const report = check(note);
    for (const c of report.claims) assert.notEqual(c.verdict, 'false', `${note}: ${c.latex} — ${c.reason}`);
    claimWith(report, needle);
  }
});

test('a decimal with an ellipsis is not a rounded value', () => {
  const report = check('Repeating: $\\frac{1}{3} = 0.333\\ldots$ and $\\frac{2}{7} \\approx 0.29$.');
  for (const c of report.claims) assert.notEqual(c.verdict, 'false', `${c.latex} — ${c.reason}`);
});

test('an equation shape: a constant side and a side with free letters is an equation, not false', () => {
  for (const [note, needle] of [
    ['Where is the slope $-4$? $$-8x^3 = -4$$', '-8x^3'],
    ['$$t^2 - 9 = 0$$', 't^2'],
    ['Let $y = 2x^3 - 6x$. The tangent is horizontal where $$y\' = 6x^2 - 6 = 0$$', '6x^2 - 6 = 0'],
  ]) {
    const r = verdict(note, needle);
    assert.equal(r.verdict, 'unchecked', `${note}: ${r.reason}`);
    assert.equal(r.code, 'equation', `${note}: ${r.reason}`);
  }
  // Identically true equation-shaped steps are still verified.
  assert.equal(verdict('$$\\frac{d}{dx}(x^2) - 2x = 2x - 2x = 0$$', '2x - 2x = 0').verdict, 'verified');
});

test('a quantity named in words is given a value, not compared with the row above', () => {
  const note = ['$$', '\\begin{aligned}', '2y - x &= 4 \\\\', '\\text{Gradient of the line} &= \\frac{1}{2} \\\\', '\\text{Normal gradient} &= -2', '\\end{aligned}', '$$'].join('\n');
  const report = check(note);
  for (const c of report.claims) assert.notEqual(c.verdict, 'false', `${c.latex} — ${c.reason}`);
  assert.match(claimWith(report, 'Normal gradient').reason, /named in words/);
});

test('prose that sets a derivative to zero makes the `= 0` link an equation', () => {
  const note = [
    'Let $L(q) = 4\\ln q + 6\\ln(1-q)$.',
    '',
    '- Differentiate and set the result to zero.',
    '- $$\\frac{dL}{dq} = \\frac{4}{q} - \\frac{6}{1-q} = 0$$',
  ].join('\n');
  const report = check(note);
  assert.equal(claimWith(report, '\\frac{dL}{dq} = \\frac{4}{q} - \\frac{6}{1-q}').verdict, 'verified', verdictsOf(report));
  const eq = claimWith(report, '\\frac{6}{1-q} = 0');
  assert.equal(eq.verdict, 'unchecked', verdictsOf(report));
  assert.equal(eq.reasonCode, 'equation');
  // A derivative set to zero in the line before: `\frac{d}{dq}(…) = 0` is the equation, not a wrong derivative.
  const direct = check('Setting the derivative equal to zero:\n\n$$\\frac{d}{dq}\\left(q^2 - 3q\\right) = 0$$');
  const c = claimWith(direct, 'q^2');
  assert.equal(c.verdict, 'unchecked', verdictsOf(direct));
  assert.equal(c.reasonCode, 'equation');
});

test('"has a root": the `= 0` link of a definition chain is an equation', () => {
  const report = check('The function $h(t) = e^{-t} - t = 0$ has a root near 0.57.');
  const c = claimWith(report, 't = 0');
  assert.equal(c.verdict, 'unchecked', verdictsOf(report));
  assert.equal(c.reasonCode, 'equation');
});

test('a formula ending in a relation is a blank to fill in: no claim', () => {
  const report = check('Fill in: $$u\'(x) = \\quad v\'(x) =$$ and also $$p\'(x) = q\'(x) =$$');
  assert.equal(report.claims.length, 0, verdictsOf(report));
});

test('implicit differentiation: rows relating y\' to x and y (y undefined) are equations on the curve', () => {
  const note = [
    'Differentiate $x^3 + y^3 = 9xy$ implicitly:',
    '$$',
    '\\begin{aligned}',
    '3x^2 + 3y^2y\' &= 9y + 9xy\' \\\\',
    '3y^2y\' - 9xy\' &= 9y - 3x^2 \\\\',
    'y\'(3y^2 - 9x) &= 9y - 3x^2 \\\\',
    'y\' &= \\frac{9y - 3x^2}{3y^2 - 9x}',
    '\\end{aligned}',
    '$$',
  ].join('\n');
  const report = check(note);
  for (const c of report.claims) assert.notEqual(c.verdict, 'false', `${c.latex} — ${c.reason}`);
  const row = claimWith(report, "3y^2y' - 9xy'");
  assert.equal(row.reasonCode, 'equation', row.reason);
  // Differentiating a compound expression of y is still a rule, and this one is wrong (the y' is missing).
  const wrong = check('For any differentiable $f$: $\\frac{d}{dx} f(x)^3 = 3f(x)^2$.');
  assert.equal(claimWith(wrong, 'f(x)^3').verdict, 'false', verdictsOf(wrong));
  // The Leibniz chain rule never uses y as a value: still checked.
  const chain = check('$\\frac{dy}{dx} = \\frac{dy}{du} + \\frac{du}{dx}$');
  assert.equal(claimWith(chain, 'dy').verdict, 'false', verdictsOf(chain));
});
