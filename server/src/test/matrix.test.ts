/**
 * Vector and matrix calculus, end to end (issue 4): notes in, verdicts and diagnostics out. The seeds' matrix
 * identities (written out here in our own words, so the tests do not depend on ../shared), their wrong variants,
 * layouts, shapes, the deep-learning layers and index notation.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { check as checkNote, claimWith, verdictsOf } from './helpers';
import type { EngineOptions } from '../engine';

/** These notes are written in denominator layout (the tests of how a layout is chosen say so themselves). */
const check = (text: string, options: EngineOptions = {}) => checkNote(text, { matrixLayout: 'denominator', ...options });
import { toDiagnostics } from '../lsp/diagnostics';
import { codeActions } from '../lsp/codeActions';
import { hover } from '../lsp/hover';
import { DEFAULT_SETTINGS } from '../lsp/protocol';
import { LineMap } from '../scan/lines';

const GRADIENTS = `# Gradients

For a matrix $A$ and a vector $\\mathbf{x}$: $\\nabla_{\\mathbf{x}} A\\mathbf{x} = A^T$ and
$\\nabla_{\\mathbf{x}} \\mathbf{x}^TA\\mathbf{x} = (A + A^T)\\mathbf{x}$, and for a matrix $X$, $\\nabla_{\\mathbf{X}}||X||_F^2 = 2X$.

With $\\mathbf{y} = \\mathbf{A}\\mathbf{x}$ we get $\\frac{d\\mathbf{y}}{d\\mathbf{x}} = \\mathbf{A}^T$.

# The chain rule for vectors

For vectors $\\mathbf{x} \\in \\mathbb{R}^p$, $\\mathbf{y} \\in \\mathbb{R}^r$, $\\mathbf{z} \\in \\mathbb{R}^n$ the chain rule extends to
$$\\frac{d\\mathbf{z}}{d\\mathbf{x}} = \\frac{d\\mathbf{y}}{d\\mathbf{x}} \\frac{d\\mathbf{z}}{d\\mathbf{y}}.$$
`;

const WRONG = `# Slips

The quadratic form: $\\nabla_{\\mathbf{x}} \\mathbf{x}^TA\\mathbf{x} = 2A\\mathbf{x}$.

The Frobenius norm: $\\nabla_{\\mathbf{X}}||X||_F^2 = X$.

The linear map: $\\nabla_{\\mathbf{x}} A\\mathbf{x} = A$.
`;

test('matrix: the seed identities are verified in denominator layout', () => {
  const r = check(GRADIENTS);
  for (const needle of [
    '\\nabla_{\\mathbf{x}} A\\mathbf{x} = A^T',
    '\\nabla_{\\mathbf{x}} \\mathbf{x}^TA\\mathbf{x} = (A + A^T)\\mathbf{x}',
    '\\nabla_{\\mathbf{X}}||X||_F^2 = 2X',
    '\\frac{d\\mathbf{y}}{d\\mathbf{x}} = \\mathbf{A}^T',
    '\\frac{d\\mathbf{z}}{d\\mathbf{x}} = \\frac{d\\mathbf{y}}{d\\mathbf{x}} \\frac{d\\mathbf{z}}{d\\mathbf{y}}',
  ]) {
    assert.equal(claimWith(r, needle).verdict, 'verified', `${needle}\n${verdictsOf(r)}`);
  }
  assert.equal(r.diagnostics.length, 0, verdictsOf(r));
  // What the hover shows: the shapes the claim was checked at and the layout.
  assert.match(claimWith(r, '(A + A^T)').reason, /^verified at 4 random draws, x ∈ ℝ[²³⁴], A ∈ ℝ\^\{(\d)×\1\}, denominator layout$/);
  assert.match(claimWith(r, '\\frac{d\\mathbf{z}}').reason, /x ∈ ℝ[²³⁴], y ∈ ℝ[²³⁴], z ∈ ℝ[²³⁴], y, z random smooth functions, denominator layout/);
  assert.equal(claimWith(r, '\\frac{d\\mathbf{z}}').kind, 'rule');
});

test('matrix: the wrong variants are false with a counterexample, and the message says why', () => {
  const r = check(WRONG);
  const quad = claimWith(r, '2A\\mathbf{x}');
  assert.equal(quad.verdict, 'false', verdictsOf(r));
  assert.match(quad.reason, /^∇_x xᵀAx is not 2Ax: it holds only when A is symmetric\. At random x ∈ ℝ., A ∈ ℝ\^\{.×.\}, entry \d of the left side is −?[\d.]+ and of the right side −?[\d.]+\.$/);
  assert.ok(quad.counterexample && quad.counterexample.left !== quad.counterexample.right);
  const frob = claimWith(r, '||X||_F^2 = X');
  assert.equal(frob.verdict, 'false');
  assert.match(frob.reason, /^∇_X\|\|X\|\|_F² is not X: at random X ∈ ℝ\^\{.×.\}, entry \(\d, \d\) of the left side is/);
  const lin = claimWith(r, 'A\\mathbf{x} = A');
  assert.equal(lin.verdict, 'false');
  assert.match(lin.reason, /it holds in numerator layout, not in the denominator layout this note uses/);
  assert.deepEqual(
    r.diagnostics.map((d) => d.code),
    ['false-claim', 'false-claim', 'false-claim'],
  );
});

test('matrix: the layout comes from the note directive, else from the engine option', () => {
  const claim = '$\\frac{\\partial A\\mathbf{x}}{\\partial \\mathbf{x}} = A$';
  assert.equal(check(claim).claims[0].verdict, 'false');
  assert.equal(check(claim, { matrixLayout: 'numerator' }).claims[0].verdict, 'verified');
  assert.equal(checkNote(`<!-- calcnotes: layout=numerator -->\n\n${claim}`).claims[0].verdict, 'verified');
  // With no layout from the note or the settings, a claim that holds in one layout only is not checked.
  const unknown = checkNote(claim).claims[0];
  assert.equal(unknown.verdict, 'unchecked');
  assert.equal(unknown.reasonCode, 'unknown-convention');
  assert.match(unknown.reason, /holds in numerator layout only/);
  const back = check(`<!-- calcnotes: layout=denominator -->\n\n${claim}`, { matrixLayout: 'numerator' }).claims[0];
  assert.equal(back.verdict, 'false');
  assert.match(back.reason, /holds in numerator layout, not in the denominator layout this note uses/);
  // The gradient of a scalar is a column in both layouts.
  const grad = '<!-- calcnotes: layout=numerator -->\n\n$\\nabla_{\\mathbf{x}} \\mathbf{x}^\\top A \\mathbf{x} = (A + A^\\top)\\mathbf{x}$';
  assert.equal(checkNote(grad).claims[0].verdict, 'verified');
  assert.match(checkNote(grad).claims[0].reason, /numerator layout$/);
});

test('matrix: a shape mismatch in sizes the note fixed is its own diagnostic; guessed sizes are only "not checked"', () => {
  const text = 'Let $\\mathbf{x} \\in \\mathbb{R}^3$ and $A \\in \\mathbb{R}^{2 \\times 2}$.\n\nThen $\\nabla_{\\mathbf{x}} A\\mathbf{x} = A^\\top$.\n';
  const r = check(text);
  const c = claimWith(r, 'A^\\top');
  assert.equal(c.verdict, 'false');
  assert.match(c.reason, /^Shape mismatch in ∇_x Ax = Aᵀ: a product of a 2×2 matrix and a 3×1 vector: sizes 2 and 3 differ, with the sizes the note gave\.$/);
  assert.deepEqual(r.diagnostics.map((d) => d.code), ['shape-mismatch']);
  assert.equal(r.diagnostics[0].start, c.start);
  // In the editor: the false-claim severity, its own code, and "ignore this claim" is offered.
  const lines = new LineMap(text);
  const diags = toDiagnostics(r, lines, { ...DEFAULT_SETTINGS, falseClaimSeverity: 'warning' });
  assert.equal(diags.length, 1);
  assert.equal(diags[0].code, 'shape-mismatch');
  assert.equal(diags[0].severity, 2);
  const actions = codeActions({ uri: 'file:///n.md', text, reportText: text, report: r, diagnostics: diags });
  assert.deepEqual(actions.map((a) => a.title), ['Ignore this claim', 'Hide this false positive in this workspace', "Turn off 'shape-mismatch' in this workspace"]);
  // Adding a vector to a matrix whose sizes nobody gave: not checked.
  const guessed = check('$\\nabla_{\\mathbf{x}} (\\mathbf{x}^\\top\\mathbf{x}) = \\mathbf{x} + A$').claims[0];
  assert.equal(guessed.verdict, 'unchecked');
  assert.match(guessed.reason, /shapes do not fit/);
});

test('matrix: deep-learning layers — sigmoid, softmax, cross-entropy, log-sum-exp, a linear layer', () => {
  const text = `# Layers

With $\\mathbf{h} = \\sigma(\\mathbf{z})$: $\\frac{\\partial \\mathbf{h}}{\\partial \\mathbf{z}} = \\operatorname{diag}(\\sigma(\\mathbf{z}) \\odot (\\mathbf{1} - \\sigma(\\mathbf{z})))$.

Let $\\mathbf{s} = \\operatorname{softmax}(\\mathbf{z})$. Then $\\frac{\\partial \\mathbf{s}}{\\partial \\mathbf{z}} = \\operatorname{diag}(\\mathbf{s}) - \\mathbf{s}\\mathbf{s}^T$.

The loss $L = -\\mathbf{y}^\\top \\log \\mathbf{s}$ has $\\nabla_{\\mathbf{z}} L = \\mathbf{s} - \\mathbf{y}$, and $\\nabla_{\\mathbf{z}} \\operatorname{LSE}(\\mathbf{z}) = \\mathbf{s}$.

A linear layer $\\mathbf{o} = W\\mathbf{x} + \\mathbf{b}$: $\\frac{\\partial \\mathbf{o}}{\\partial \\mathbf{x}} = W^\\top$, $\\frac{\\partial \\mathbf{o}}{\\partial \\mathbf{b}} = I$, and for a loss $J$ of $\\mathbf{o}$, $\\frac{\\partial J}{\\partial W} = \\frac{\\partial J}{\\partial \\mathbf{o}}\\mathbf{x}^\\top$.

Wrong: $\\frac{\\partial \\mathbf{s}}{\\partial \\mathbf{z}} = \\operatorname{diag}(\\mathbf{s})$.
`;
  const r = check(text);
  for (const needle of ['\\operatorname{diag}(\\sigma', '- \\mathbf{s}\\mathbf{s}^T', '\\mathbf{s} - \\mathbf{y}', '\\operatorname{LSE}', '= W^\\top', '= I', '\\mathbf{x}^\\top$'.slice(0, -1)]) {
    assert.equal(claimWith(r, needle).verdict, 'verified', `${needle}\n${verdictsOf(r)}`);
  }
  assert.match(claimWith(r, '\\mathbf{s} - \\mathbf{y}').reason, /y drawn as a probability vector/);
  const wrong = r.claims[r.claims.length - 1];
  assert.equal(wrong.latex, '\\frac{\\partial \\mathbf{s}}{\\partial \\mathbf{z}} = \\operatorname{diag}(\\mathbf{s})');
  assert.equal(wrong.verdict, 'false');
});

test('matrix: traces, determinants, inverses, norms and a Hessian', () => {
  const text = `$\\frac{\\partial \\operatorname{tr}(AX)}{\\partial X} = A^\\top$, $\\frac{\\partial \\log\\det X}{\\partial X} = X^{-\\top}$,
$\\nabla_{\\mathbf{x}} \\|\\mathbf{x}\\|_2 = \\frac{\\mathbf{x}}{\\|\\mathbf{x}\\|_2}$, $\\frac{\\partial \\operatorname{tr}(X^{-1})}{\\partial X} = -X^{-\\top}X^{-\\top}$,
$\\frac{\\partial^2 (\\mathbf{x}^\\top A \\mathbf{x})}{\\partial\\mathbf{x}\\,\\partial\\mathbf{x}^T} = A + A^\\top$ and $\\nabla_{\\mathbf{x}}^2\\, \\mathbf{1}^\\top e^{\\mathbf{x}} = \\operatorname{diag}(e^{\\mathbf{x}})$.
`;
  const r = check(text);
  for (const c of r.claims) assert.equal(c.verdict, 'verified', verdictsOf(r));
  assert.equal(r.claims.length, 6);
});

test('matrix: index notation — verified, and the index typo reported as an index mismatch', () => {
  const text = 'In components $y_i = \\sum_{k=1}^p A_{ik} x_k$, so $\\frac{\\partial y_i}{\\partial x_j} = A_{ij}$. A typo: $\\frac{dy_i}{dx_i} = A_{ij}$.\n';
  const r = check(text);
  assert.equal(claimWith(r, '= A_{ij}').verdict, 'verified');
  const typo = claimWith(r, '\\frac{dy_i}{dx_i}');
  assert.equal(typo.verdict, 'false');
  assert.match(typo.reason, /^Index mismatch in dy_i\/dx_i = A_ij: j is a free index on the right but not on the left\./);
  assert.deepEqual(r.diagnostics.map((d) => d.code), ['false-claim']);
});

test('matrix: equations, conditions and one-sided names are never false', () => {
  const text = `# Not identities

$A\\mathbf{x} = \\mathbf{b}$, $A\\mathbf{v} = \\lambda\\mathbf{v}$ and $Q^\\top Q = I$.
Setting the gradient to zero, $\\nabla_{\\mathbf{w}} \\|X\\mathbf{w} - \\mathbf{y}\\|^2 = 0$.
At a minimiser, $\\nabla_{\\mathbf{x}} L(\\mathbf{x}_0) = \\mathbf{0}$. By the chain rule, $\\nabla_{\\mathbf{x}} y = \\mathbf{A} \\nabla_{\\mathbf{u}} y$.
Is $\\nabla_{\\mathbf{x}} \\mathbf{a}^\\top \\mathbf{x} = \\mathbf{b}$?
`;
  const r = check(text);
  assert.ok(r.claims.length >= 6);
  for (const c of r.claims) assert.equal(c.verdict, 'unchecked', verdictsOf(r));
});

test('matrix: the hover of a matrix identity shows the shapes and the layout', () => {
  const text = '$\\nabla_{\\mathbf{x}} \\mathbf{x}^\\top A \\mathbf{x} = (A + A^\\top)\\mathbf{x}$\n';
  const r = check(text);
  const h = hover({ text, position: { line: 0, character: 10 }, report: r, reportText: text });
  const md = (h!.contents as { value: string }).value;
  assert.match(md, /✓ verified — at 4 random draws, x ∈ ℝ., A ∈ ℝ\\\^\\\{(.)×\1\\\}, denominator layout/);
});

test('matrix: scalar claims keep their scalar verdicts', () => {
  const r = check("$\\frac{d}{dx} x^2 = 2x$, $(f/g)' = (f'g + fg')/g^2$ and $\\frac{\\partial}{\\partial a} A a = A$.");
  assert.deepEqual(
    r.claims.map((c) => c.verdict),
    ['verified', 'false', 'verified'],
  );
});

test('matrix: worked steps of a derivation are checked; only the first wrong step is reported', () => {
  const text = '$$\\nabla_{\\mathbf{x}} \\mathbf{x}^\\top A \\mathbf{x} = A\\mathbf{x} + A^\\top\\mathbf{x} = 2A\\mathbf{x} = 2A^\\top\\mathbf{x}$$\n';
  const r = check(text);
  assert.deepEqual(r.claims.map((c) => c.verdict), ['verified', 'false', 'unchecked'], verdictsOf(r));
  assert.match(r.claims[1].reason, /^This step does not follow: it holds only when A is symmetric; at random A ∈ ℝ\^\{.×.\}, x ∈ ℝ., entry \d of the previous expression Ax \+ Aᵀx is .+ but of 2Ax it is .+\.$/);
  assert.match(r.claims[2].reason, /follows a wrong step/);
});

test('matrix: conditions stated in the sentence are not applied to vector claims, so a failure under them is a doubt', () => {
  const r = check('For $t > 0$, $\\nabla_{\\mathbf{x}} \\sqrt{t^2}\\, \\mathbf{a}^\\top\\mathbf{x} = t\\,\\mathbf{a}$.\n');
  const c = claimWith(r, 't\\,\\mathbf{a}');
  assert.notEqual(c.verdict, 'false', verdictsOf(r));
});
