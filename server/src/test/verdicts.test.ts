/**
 * Checker verdicts end to end: one note per case, the verdict of its claim asserted, and for false claims the
 * counterexample and message.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { check, claimWith, verdictsOf } from './helpers';

type Case = [note: string, needle: string, verdict: 'verified' | 'false' | 'unchecked'];

const CASES: Case[] = [
  // Concrete derivatives.
  ['$\\frac{d}{dx} x^2 = 2x$', 'x^2', 'verified'],
  ['$\\frac{d}{dx} x^2 = 2$', 'x^2', 'false'],
  ['$\\frac{d}{dx}\\sin(x^2) = 2x\\cos(x^2)$', '\\sin', 'verified'],
  ['$\\frac{d}{dx}\\sin(x^2) = x\\cos(x^2)$', '\\sin', 'false'],
  ['$\\frac{d}{dx}e^x = e^x$', 'e^x', 'verified'],
  ['$\\frac{d}{dx}\\log(x) = \\frac{1}{x}$', '\\log', 'verified'],
  ['$\\frac{d}{dx}\\ln x = x^{-1}$', '\\ln', 'verified'],
  ['$\\frac{d}{dx} c = 0$', 'c', 'verified'],
  ['$\\frac{d}{dx}(ax) = a$', 'ax', 'verified'],
  ['$\\frac{d}{dx} x^n = nx^{n-1}$', 'x^n', 'verified'],
  ['$\\frac{d}{dx}|x| = 1$', '|x|', 'false'],
  ['$\\frac{d^2}{dx^2} x^3 = 6x$', 'x^3', 'verified'],
  ['$\\frac{d^3}{dx^3} x^3 = 3!$', 'x^3', 'verified'],
  ['$\\frac{d^2 y}{dx^2} = 6x$ where $y = x^3$', 'd^2', 'unchecked'],
  ['$\\frac{\\partial}{\\partial x}(x^2 y + y^3) = 2xy$', 'y^3', 'verified'],
  ['$\\frac{\\partial^2}{\\partial x\\,\\partial y}(x^2 y^3) = 6xy^2$', 'x^2', 'verified'],
  ['$\\frac{d}{dx}\\tanh x = 1 - \\tanh^2 x$', '\\tanh', 'verified'],
  ['$\\frac{d}{dx}\\sigma(x) = \\sigma(x)(1 - \\sigma(x))$', '\\sigma', 'verified'],
  ['$\\frac{d}{dx}\\operatorname{softplus}(x) = \\sigma(x)$', 'softplus', 'verified'],
  ['$(x^a)\' = ax^{a-1}$', 'x^a', 'verified'],
  ["$(a^{bx})' = a^{bx} \\cdot b\\log(a)$", 'a^{bx}', 'verified'],
  ["$(\\log_a x)' = 1/(x \\ln a)$", '\\log_a', 'verified'],
  ["$(\\ln(x))' = 1/x$", '\\ln', 'verified'],
  ['$\\cosh^2 5x - \\sinh^2 5x = 1$', '\\cosh', 'verified'],
  // Rules over abstract functions.
  ["$(f+g)' = f' + g'$", 'f+g', 'verified'],
  ["$(fg)' = fg' + f'g$", '(fg)', 'verified'],
  ["$(f/g)' = (f'g + fg')/g^2$", 'f/g', 'false'],
  ["$(f/g)' = (f'g - fg')/g^2$", 'f/g', 'verified'],
  ["$(1/f)' = -f'/f^2$", '1/f', 'verified'],
  ['$\\frac{dy}{dx} = \\frac{dy}{dz} \\cdot \\frac{dz}{dx}$', 'dy', 'verified'],
  ['$\\frac{dy}{dx} = \\frac{dy}{da} \\cdot \\frac{da}{dx} + \\frac{dy}{db} \\cdot \\frac{db}{dx}$', 'da', 'verified'],
  ['$\\frac{dz}{dx} = \\frac{\\partial z}{\\partial x} + \\frac{\\partial z}{\\partial y} \\frac{dy}{dx}$', 'dz', 'verified'],
  ['$\\frac{d}{dx}g(h(x)) = \\frac{dg}{dh}(h(x)) \\cdot \\frac{dh}{dx}(x)$', 'g(h(x))', 'verified'],
  ['$\\frac{d}{dx}(g(x) \\cdot h(x)) = g(x)\\frac{dh}{dx}(x) + \\frac{dg}{dx}(x)h(x)$', 'h(x))', 'verified'],
  ['$\\frac{d}{dx} f(g(x)) = f\'(g(x))\\,g\'(x)$', 'f(g(x))', 'verified'],
  ['$\\frac{d}{dx} f(g(x)) = f\'(x)\\,g\'(x)$', 'f(g(x))', 'false'],
  // Definitions, approximations, equations: never false.
  ['Let $f(x) = x^2\\sin x$.', 'f(x)', 'unchecked'],
  ["$f'(x) = \\lim_{h\\to0}\\frac{f(x+h) - f(x)}{h}$", 'lim', 'unchecked'],
  ['$\\pi \\approx 3.14$', 'pi', 'unchecked'],
  ["$f'(x) \\approx \\frac{f(x+h) - f(x)}{h}$", 'f(x+h)', 'unchecked'],
  ["Setting $q'(x) = 0$ gives the critical point.", "q'", 'unchecked'],
  ["If $f''(x) = 0$ the test is inconclusive.", "f''", 'unchecked'],
  ['$\\frac{df}{dt} = \\frac{\\partial f}{\\partial x_1}\\frac{dx_1}{dt} + \\cdots$', 'df', 'unchecked'],
  ['$x^2 - 4 = 0$', 'x^2', 'unchecked'],
  ['$H_{ij} = \\frac{\\partial^2 f}{\\partial x_i \\partial x_j}$', 'H_', 'unchecked'],
  ['$\\epsilon = 0.001$', 'epsilon', 'unchecked'],
];

for (const [note, needle, verdict] of CASES) {
  test(`${verdict}: ${note}`, () => {
    const report = check(note);
    const c = claimWith(report, needle);
    assert.equal(c.verdict, verdict, verdictsOf(report));
  });
}

test('a false claim carries a counterexample, both values and the expected derivative', () => {
  const report = check("$(f/g)' = (f'g + fg')/g^2$");
  const c = report.claims[0];
  assert.equal(c.verdict, 'false');
  assert.ok(c.counterexample);
  assert.equal(c.counterexample!.functions.length, 2);
  assert.match(c.reason, /^\(f\/g\)' is not \(f'g \+ fg'\)\/g²: with f = .+, g = .+ at x = −?[0-9.]+ the left side is −?[0-9.e−]+ and the right side is −?[0-9.e−]+\. Expected /);
  assert.notEqual(c.counterexample!.left, c.counterexample!.right);
  // The diagnostic covers exactly the claim.
  const d = report.diagnostics.find((x) => x.code === 'false-claim')!;
  assert.equal(d.start, 1);
  assert.equal(d.end, "$(f/g)' = (f'g + fg')/g^2$".length - 1);
});

test('a concrete false derivative says what it should be', () => {
  const report = check('$\\frac{d}{dx}\\sin(x^2) = x\\cos(x^2)$');
  const c = report.claims[0];
  assert.equal(c.verdict, 'false');
  assert.equal(c.expected, '2x\\cos(x^2)');
  assert.match(c.reason, /^d\/dx sin\(x²\) is not x cos\(x²\): at x = −?[0-9.]+ the left side is .* Expected 2x cos\(x²\)\.$/);
});

test('definitions in reading order: Let f(x) = … then f\'(x) is checked against it', () => {
  const ok = check("Let $f(x) = x^2\\sin x$. Then $f'(x) = 2x\\sin x + x^2\\cos x$.");
  assert.equal(claimWith(ok, "f'(x)").verdict, 'verified', verdictsOf(ok));
  const bad = check("Let $f(x) = x^2\\sin x$. Then $f'(x) = 2x\\cos x$.");
  assert.equal(claimWith(bad, "f'(x)").verdict, 'false', verdictsOf(bad));
  // Before the definition, f is abstract: a condition on an unknown function, not checked.
  const before = check("Then $f'(x) = 2x\\cos x$. Let $f(x) = x^2\\sin x$.");
  assert.equal(claimWith(before, "f'(x)").verdict, 'unchecked', verdictsOf(before));
});

test('bound names: y = f(u), u = g(x) make the Leibniz chain rule concrete in f and g', () => {
  const r = check('\\[y=f(u), \\text{and }~ u = g(x)\\\\ \\frac{dy}{dx} = \\frac{dy}{du} \\cdot \\frac{du}{dx} = f\'(u) \\cdot g\'(x)\\]');
  const links = r.claims.filter((c) => c.verdict === 'verified');
  assert.equal(links.length, 2, verdictsOf(r));
});

test('worked steps: the first wrong step is reported, later ones are not', () => {
  const note = '$$\\frac{d}{dx}\\sin(x^2) = \\cos(x^2)\\cdot\\frac{d}{dx}x^2 = \\cos(x^2)\\cdot x = x\\cos(x^2)$$';
  const r = check(note);
  assert.deepEqual(r.claims.map((c) => c.verdict), ['verified', 'false', 'verified'], verdictsOf(r));
  assert.match(r.claims[1].reason, /^This step does not follow/);
  assert.equal(r.diagnostics.filter((d) => d.code === 'false-claim').length, 1);
});

test('conditions restrict the sample points', () => {
  // sqrt(x^2) = x only for x > 0.
  const withCond = check('For $x > 0$, $\\frac{d}{dx}\\sqrt{x^2} = 1$.');
  assert.equal(claimWith(withCond, 'sqrt').verdict, 'verified', verdictsOf(withCond));
  const without = check('$\\frac{d}{dx}\\sqrt{x^2} = 1$');
  assert.equal(claimWith(without, 'sqrt').verdict, 'false', verdictsOf(without));
});

test('log base setting: \\log is natural by default, base 10 on request', () => {
  const note = '$\\frac{d}{dx}\\log x = \\frac{1}{x}$';
  assert.equal(check(note).claims[0].verdict, 'verified');
  assert.equal(check(note, { logBase: '10' }).claims[0].verdict, 'false');
  assert.equal(check('$\\frac{d}{dx}\\log x = \\frac{1}{x\\ln 10}$', { logBase: '10' }).claims[0].verdict, 'verified');
});

test('notation equivalences are verified, not flagged', () => {
  const r = check("Given $y = f(x)$: $$f'(x) = f' = \\frac{dy}{dx} = \\frac{df}{dx} = \\frac{d}{dx}f(x) = Df(x) = D_x f(x)$$");
  const chain = r.claims.filter((c) => !c.latex.startsWith('y'));
  assert.equal(chain.length, 6, verdictsOf(r));
  for (const c of chain) assert.equal(c.verdict, 'verified', verdictsOf(r));
});

test('every claim runs under the time budget: a tiny budget means unchecked, not a hang', () => {
  // A budget already spent: the claim is not checked, with the reason.
  const r = check('$\\frac{d}{dx} x^{x^{x^{x^{x}}}} = 1$', { budgetMs: -1 });
  assert.equal(r.claims[0].verdict, 'unchecked');
  assert.match(r.claims[0].reason, /ran out of time/);
  // A tower of exponents under the normal budget: decided (it is wrong) or not checked, never a hang.
  const tower = check('$\\frac{d}{dx} x^{x^{x^{x^{x^{x^{x}}}}}} = 1$', { budgetMs: 200 });
  assert.equal(tower.claims.length, 1);
  assert.ok(['false', 'unchecked'].includes(tower.claims[0].verdict));
});

test('disabled lines produce no claims', () => {
  const r = check('<!-- calcnotes-disable-next-line -->\n$\\frac{d}{dx} x^3 = 2x^2$\n');
  assert.equal(r.claims.length, 0);
  assert.equal(r.diagnostics.length, 0);
});

test('a LaTeX syntax error is a diagnostic at its position', () => {
  const text = 'Broken: $\\frac{1}{2$ and fine: $x^2$.';
  const r = check(text);
  const d = r.diagnostics.find((x) => x.code === 'latex-syntax');
  assert.ok(d, JSON.stringify(r.diagnostics));
  assert.ok(d!.start >= text.indexOf('$') && d!.end <= text.indexOf(' and'), `${d!.start}-${d!.end}`);
});

test('common statements from lecture notes: the right ones verified, none false', () => {
  const fs = require('fs') as typeof import('fs');
  const path = require('path') as typeof import('path');
  const file = path.resolve(__dirname, '../../test-notes/common-statements.md');
  const text = fs.readFileSync(file, 'utf8');
  const r = check(text);
  assert.equal(r.claims.filter((c) => c.verdict === 'false').length, 0, verdictsOf(r));
  for (const needle of [
    '\\frac{d}{dx} x^x = x^x(\\ln x + 1)',
    '\\frac{d}{dx}[f(x)]^2 = 2f(x)f\'(x)',
    "g'(1) = 8",
    "\\sigma'(x) = \\sigma(x)(1-\\sigma(x))",
    '\\frac{d}{dx} \\frac{u}{v} = \\frac{v u\' - u v\'}{v^2}',
    "w' = 6x",
    '\\frac{\\partial L}{\\partial w} = (\\hat y - t)x',
    '\\frac{\\partial^2}{\\partial x \\partial y} \\sin(xy) = \\cos(xy) - xy\\sin(xy)',
  ]) {
    assert.equal(claimWith(r, needle).verdict, 'verified', `${needle}\n${verdictsOf(r)}`);
  }
  // A definition made in an "if" sentence does not leak into later, unrelated claims.
  assert.equal(claimWith(r, '\\frac{dy}{dx} = -\\frac{x}{y}').verdict, 'unchecked');
  assert.match(claimWith(r, "f'(x) = f(x)").reason, /differential equation/);
});

test('macros defined in the note are honoured by the checker and by LaTeX validation', () => {
  const r = check('$\\newcommand{\\R}{\\mathbb{R}}\\newcommand{\\dd}[2]{\\frac{d #1}{d #2}}$\n\nFor $f:\\R \\to \\R$, $\\dd{}{x} x^3 = 2x^2$ and $\\dd{}{x} x^2 = 2x$.\n');
  assert.equal(r.diagnostics.filter((d) => d.code === 'latex-syntax').length, 0, JSON.stringify(r.diagnostics));
  assert.deepEqual(r.claims.map((c) => c.verdict), ['false', 'verified']);
  const withSetting = check('$\\D x^2 = 2x$', { macros: { '\\D': '\\frac{d}{dx}' } });
  assert.equal(withSetting.claims[0].verdict, 'verified');
});

test('a chain whose middle is not understood is still verified end to end, and never called false that way', () => {
  const ok = check('$$\\frac{d}{dx} x^3 = \\sum_{k} a_k = 3x^2$$');
  const whole = ok.claims.find((c) => c.kind === 'chain');
  assert.ok(whole, verdictsOf(ok));
  assert.equal(whole!.verdict, 'verified');
  assert.equal(whole!.latex, '\\frac{d}{dx} x^3 = 3x^2');
  const wrong = check('$$\\frac{d}{dx} x^3 = \\sum_{k} a_k = 2x^2$$');
  assert.equal(wrong.claims.filter((c) => c.kind === 'chain').length, 0);
  assert.equal(wrong.claims.filter((c) => c.verdict === 'false').length, 0);
});

test('agreement only where a function is flat (σ, tanh of a large argument) is no evidence: not verified', () => {
  const text = String.raw`Claim: $\tanh(x^4 + 30) = 1$ and $\sigma(x^2 + 40) = 1$, but $\frac{d}{dx}\tanh x = 1 - \tanh^2 x$.`;
  const r = check(text);
  for (const needle of [String.raw`\tanh(x^4 + 30) = 1`, String.raw`\sigma(x^2 + 40) = 1`]) {
    const c = claimWith(r, needle);
    assert.equal(c.verdict, 'unchecked', verdictsOf(r));
    assert.match(c.reason, /flat at the points tried/);
  }
  assert.equal(claimWith(r, String.raw`\frac{d}{dx}\tanh x`).verdict, 'verified');
});

test('definite integrals: evaluated by adaptive quadrature; the fundamental theorem by Leibniz rule; singular ones not checked', () => {
  const text = [
    String.raw`We have $\int_0^{x} n y^{n-1} \, dy = x^n$ and $\int_0^{1} y e^{-y^2}\, dy = \frac{1-e^{-1}}{2}$ and $\int_0^{-1} 1\, dx = -1$.`,
    String.raw`Sloppy but meant: $\int_0^{x} e^{x} \, dx = e^{x} - 1$. Any f: $\int_a^b f(x) \, dx = \int_a^b f(z) \, dz$.`,
    String.raw`Then $\frac{d}{dx}\int_0^x \sin(t^2)\, dt = \sin(x^2)$, but $\frac{d}{dx}\int_0^x \sin(t^2)\, dt = \cos(x^2)$.`,
    String.raw`Singular: $\int_0^1 \frac{1}{\sqrt{x}}\,dx = 2$ and $\int_{-1}^{1} \frac{1}{x}\,dx = 0$; indefinite: $\int x\, dx = \frac{x^2}{2}$.`,
  ].join('\n\n');
  const r = check(text);
  for (const needle of [String.raw`n y^{n-1}`, String.raw`y e^{-y^2}`, String.raw`\int_0^{-1} 1`, String.raw`\int_0^{x} e^{x}`, String.raw`f(z)`, String.raw`dt = \sin(x^2)`]) {
    assert.equal(claimWith(r, needle).verdict, 'verified', `${needle}\n${verdictsOf(r)}`);
  }
  const wrong = claimWith(r, String.raw`dt = \cos(x^2)`);
  assert.equal(wrong.verdict, 'false', verdictsOf(r));
  assert.match(wrong.reason, /∫.* is not cos\(x²\)/);
  assert.match(wrong.reason, /Expected sin\(x²\)/);
  for (const needle of [String.raw`\frac{1}{\sqrt{x}}`, String.raw`\frac{1}{x}\,dx = 0`, String.raw`\int x\, dx`]) {
    assert.equal(claimWith(r, needle).verdict, 'unchecked', `${needle}\n${verdictsOf(r)}`);
  }
  assert.match(claimWith(r, String.raw`\int x\, dx`).reason, /indefinite integral/);
});

test('the expected right side is written in the note\'s style: bare functions stay bare, also after \\left(', () => {
  const text = String.raw`$\left(\frac{f}{g}\right)' = \frac{f'g + fg'}{g^2}$ and $\frac{d}{dx} f(x)g(x) = f'(x)g(x)$`;
  const r = check(text);
  assert.equal(claimWith(r, String.raw`\left(\frac{f}{g}\right)'`).expected, String.raw`\frac{f'g - fg'}{g^2}`);
  assert.equal(claimWith(r, String.raw`f(x)g(x)`).expected, String.raw`f'(x)g(x) + f(x)g'(x)`);
});
