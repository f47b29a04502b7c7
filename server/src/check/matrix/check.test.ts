/**
 * Deciding one vector or matrix claim (checkMatrixClaim): draws, layouts, the "why" of a failure, doubts and
 * shape mismatches. Claims are made by the real scanner, parser and interpreter.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scanMath } from '../../scan/scan';
import { parseLatex } from '../../parse/parser';
import { interpret, shapeDeclarations, type Claim } from '../../interpret/claims';
import { checkMatrixClaim, type MatrixLayout } from './check';

function claimOf(text: string, needle: string): Claim {
  const { fragments, headings } = scanMath(text, { mode: 'markdown' });
  const claims = interpret(fragments, fragments.map((f) => parseLatex(f.latex)), { text, mode: 'markdown', headings });
  const c = claims.find((k) => k.latex.replace(/\s+/g, '').includes(needle.replace(/\s+/g, '')));
  if (!c) throw new Error(`no claim ${needle} in ${claims.map((k) => k.latex).join(' | ')}`);
  return c;
}

function decide(text: string, needle: string, layout: MatrixLayout = 'denominator') {
  const claim = claimOf(text, needle);
  return checkMatrixClaim(claim, { layout, logBase: 'e', deadline: Date.now() + 5000, doubts: claim.doubts });
}

test('matrix check: a verified claim tells the shapes it was checked at and the layout', () => {
  const r = decide('$\\nabla_{\\mathbf{x}} \\mathbf{x}^\\top A \\mathbf{x} = (A + A^\\top)\\mathbf{x}$', '(A + A^\\top)');
  assert.equal(r.verdict, 'verified');
  assert.equal(r.kind, 'derivative');
  assert.match(r.reason, /^verified at 4 random draws, x ∈ ℝ([²³⁴]), A ∈ ℝ\^\{(\d)×\2\}, denominator layout$/);
});

test('matrix check: the same claim is verified or false depending on the layout, and the message says so', () => {
  const text = '$\\frac{\\partial A\\mathbf{x}}{\\partial \\mathbf{x}} = A$';
  const num = decide(text, '= A', 'numerator');
  assert.equal(num.verdict, 'verified');
  assert.match(num.reason, /numerator layout/);
  const den = decide(text, '= A', 'denominator');
  assert.equal(den.verdict, 'false');
  assert.match(den.reason, /^∂Ax\/∂x is not A: it holds in numerator layout, not in the denominator layout this note uses\. At random x ∈ ℝ., A ∈ ℝ\^\{.×.\}, entry \(\d, \d\) of the left side is .+ and of the right side .+\.$/);
  assert.ok(den.counterexample && den.counterexample.point.some(([n]) => n === 'A_12'));
});

test('matrix check: 2Ax for the quadratic form holds only for a symmetric A', () => {
  const r = decide('$\\nabla_{\\mathbf{x}} \\mathbf{x}^\\top A\\mathbf{x} = 2A\\mathbf{x}$', '2A');
  assert.equal(r.verdict, 'false');
  assert.match(r.reason, /it holds only when A is symmetric/);
  const plain = decide('$\\nabla_{\\mathbf{X}} \\|X\\|_F^2 = X$', '= X');
  assert.equal(plain.verdict, 'false');
  assert.doesNotMatch(plain.reason, /layout|symmetric/);
});

test('matrix check: a failure under a doubt is not checked, with the counterexample in the reason', () => {
  const r = decide('Suppose that $\\nabla_{\\mathbf{x}} \\mathbf{a}^\\top\\mathbf{x} = \\mathbf{b}$.', '\\mathbf{b}');
  assert.equal(r.verdict, 'unchecked');
  assert.match(r.reason, /^not checked: the two sides differ \(at random .*\), but /);
  const eq = decide('$A\\mathbf{x} = \\mathbf{b}$', 'A\\mathbf{x}');
  assert.equal(eq.verdict, 'unchecked');
  assert.match(eq.reason, /no derivative|appears only/);
});

test('matrix check: sizes the note fixed make a shape mismatch a false claim with its own code', () => {
  const r = decide('Let $\\mathbf{x} \\in \\mathbb{R}^3$ and $A \\in \\mathbb{R}^{2 \\times 2}$. Then $\\nabla_{\\mathbf{x}} \\mathbf{x}^\\top A \\mathbf{x} = 2\\mathbf{x}$.', '2\\mathbf{x}');
  assert.equal(r.verdict, 'false');
  assert.equal(r.code, 'shape-mismatch');
  assert.match(r.reason, /^Shape mismatch in .*: a product of a 1×3 vector and a 2×2 matrix: sizes 3 and 2 differ, with the sizes the note gave\.$/);
  // Without declarations the same product just cannot be read.
  const u = decide('$\\nabla_{\\mathbf{x}} \\mathbf{x} A = A$', '= A');
  assert.equal(u.verdict, 'unchecked');
});

test('matrix check: the chain rule with dependent vectors, in each layout', () => {
  const text = 'For $\\mathbf{x} \\in \\mathbb{R}^2$, $\\mathbf{y} \\in \\mathbb{R}^3$, $\\mathbf{z} \\in \\mathbb{R}^4$: $\\frac{d\\mathbf{z}}{d\\mathbf{x}} = \\frac{d\\mathbf{y}}{d\\mathbf{x}} \\frac{d\\mathbf{z}}{d\\mathbf{y}}$.';
  const den = decide(text, '\\frac{d\\mathbf{z}}{d\\mathbf{x}} =');
  assert.equal(den.verdict, 'verified');
  assert.equal(den.kind, 'rule');
  assert.match(den.reason, /x ∈ ℝ², y ∈ ℝ³, z ∈ ℝ⁴, y, z random smooth functions, denominator layout/);
  const num = decide(text, '\\frac{d\\mathbf{z}}{d\\mathbf{x}} =', 'numerator');
  assert.equal(num.verdict, 'false');
  assert.match(num.reason, /it holds in denominator layout, not in the numerator layout this note uses/);
});

test('matrix check: a label vector in a cross-entropy is drawn as a probability vector', () => {
  const text = 'Let $\\mathbf{s} = \\operatorname{softmax}(\\mathbf{z})$ and $L = -\\mathbf{y}^\\top \\log \\mathbf{s}$. Then $\\nabla_{\\mathbf{z}} L = \\mathbf{s} - \\mathbf{y}$.';
  const r = decide(text, '\\mathbf{s} - \\mathbf{y}');
  assert.equal(r.verdict, 'verified');
  assert.match(r.reason, /y drawn as a probability vector \(a label\)/);
});

test('matrix check: running out of time is not checked', () => {
  const claim = claimOf('$\\nabla_{\\mathbf{x}} \\mathbf{x}^\\top\\mathbf{x} = 2\\mathbf{x}$', '2\\mathbf{x}');
  const r = checkMatrixClaim(claim, { layout: 'denominator', logBase: 'e', deadline: Date.now() - 1, doubts: [] });
  assert.equal(r.verdict, 'unchecked');
  assert.match(r.reason, /ran out of time/);
});

test('matrix check: "for symmetric Σ" in the sentence draws square matrices symmetric; "only … symmetric" does not', () => {
  const text = 'For symmetric $\\Sigma$, $\\nabla_{\\boldsymbol{\\mu}} \\frac{1}{2}(\\mathbf{x} - \\boldsymbol{\\mu})^\\top \\Sigma^{-1}(\\mathbf{x} - \\boldsymbol{\\mu}) = -\\Sigma^{-1}(\\mathbf{x} - \\boldsymbol{\\mu})$.';
  const r = decide(text, '= -\\Sigma^{-1}');
  assert.equal(r.verdict, 'verified');
  assert.match(r.reason, /Σ drawn symmetric, as the note assumes$/);
  const only = decide('This gives $\\nabla_{\\mathbf{x}} \\mathbf{x}^\\top B\\mathbf{x} = 2B\\mathbf{x}$, which is only right for symmetric $B$.', '2B');
  assert.equal(only.verdict, 'false');
  assert.match(only.reason, /it holds only when B is symmetric/);
});

test('matrix check: shape declarations in the sentence, in earlier sentences, in chains and lists', () => {
  const decls = shapeDeclarations(parseLatex('\\mathbf{x} \\in \\mathbb{R}^p \\ \\mathbf{y} \\in \\mathbb{R}^r, \\mathbf{u}, \\mathbf{v} \\in \\mathbb{R}^3, A \\in \\mathbb{R}^{m \\times n}').formulas);
  const names = decls.map((d) => (d.lhs.type === 'sym' ? d.lhs.name : '?'));
  assert.deepEqual(names, ['bold:x', 'bold:y', 'bold:u', 'bold:v', 'A']);
  // Declared in an earlier paragraph: carried by the context until the next heading.
  const text = 'Let $\\mathbf{x} \\in \\mathbb{R}^3$ and $A \\in \\mathbb{R}^{2 \\times 2}$.\n\nThen $\\nabla_{\\mathbf{x}} A\\mathbf{x} = A^\\top$.\n\n# Next\n\n$\\nabla_{\\mathbf{x}} A\\mathbf{x} = A^\\top$\n';
  const { fragments, headings } = scanMath(text, { mode: 'markdown' });
  const [first, second] = interpret(fragments, fragments.map((f) => parseLatex(f.latex)), { text, mode: 'markdown', headings }).filter((c) => c.latex.includes('\\nabla'));
  assert.equal(first.context.shapes?.size, 2);
  assert.equal(second.context.shapes, undefined);
  const r = checkMatrixClaim(first, { layout: 'denominator', logBase: 'e', deadline: Date.now() + 5000, doubts: [] });
  assert.equal(r.code, 'shape-mismatch');
  assert.equal(checkMatrixClaim(second, { layout: 'denominator', logBase: 'e', deadline: Date.now() + 5000, doubts: [] }).verdict, 'verified');
});
