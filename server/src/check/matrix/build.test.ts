/**
 * Reading vector and matrix notation: shapes from typography and declarations, definitions, dependents, labels,
 * and what is refused (with a reason) rather than guessed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseLatex } from '../../parse/parser';
import type { Node } from '../../parse/ast';
import { EMPTY_CONTEXT } from '../../semantics/context';
import { MatrixBuilder, MatrixUnsupported } from './build';
import { ShapeError, dimText, find, isMatrix, isScalar, isVector } from './shapes';
import type { MExpr } from './ir';

function node(latex: string): Node {
  const f = parseLatex(latex).formulas[0];
  return f.operands[0];
}

function build(latex: string, layout: 'den' | 'num' = 'den'): { b: MatrixBuilder; e: MExpr } {
  const n = node(latex);
  const b = new MatrixBuilder(EMPTY_CONTEXT, [n], [], { layout, logBase: 'e' });
  return { b, e: b.build(n) };
}

test('build: bold lowercase is a column vector, capitals (plain or bold) matrices, other letters scalars', () => {
  const { b, e } = build('\\mathbf{x}^\\top \\mathbf{A} \\mathbf{x} + \\lambda \\|\\vec v\\|^2 + \\boldsymbol{\\theta}^\\top A \\boldsymbol{\\theta}');
  assert.ok(isScalar(e.s));
  assert.ok(isVector(b.leaves.get('bold:x')!.node.s));
  assert.ok(isVector(b.leaves.get('vec:v')!.node.s));
  assert.ok(isVector(b.leaves.get('bold:theta')!.node.s));
  assert.ok(isMatrix(b.leaves.get('A')!.node.s), 'A and \\mathbf{A} are one matrix');
  assert.equal(b.leaves.has('bold:A'), false);
  assert.ok(isScalar(b.leaves.get('lambda')!.node.s));
  // xᵀAx forces A square; θᵀAθ ties θ to x.
  const A = b.leaves.get('A')!.node.s;
  assert.equal(dimText(A[0]), dimText(A[1]));
});

test('build: I, 1 and 0 take the shape their place demands; a count in a denominator is a scalar', () => {
  const { e } = build('(I + \\mathbf{1}\\mathbf{1}^\\top) \\mathbf{x} + \\mathbf{0}');
  assert.ok(isVector(e.s));
  const { b } = build('\\frac{1}{N} \\|X \\mathbf{w}\\|^2');
  assert.ok(isScalar(b.leaves.get('N')!.node.s));
  assert.ok(isMatrix(b.leaves.get('X')!.node.s));
});

test('build: derivative shapes follow the layout', () => {
  const den = build('\\frac{\\partial A\\mathbf{x}}{\\partial \\mathbf{x}}', 'den');
  const num = build('\\frac{\\partial A\\mathbf{x}}{\\partial \\mathbf{x}}', 'num');
  assert.ok(den.e.k === 'd' && den.e.layout === 'den');
  assert.ok(num.e.k === 'd' && num.e.layout === 'num');
  // Denominator layout: n × m, rows along x; numerator layout: m × n, columns along x.
  assert.equal(find(den.e.s[0]), find(den.b.leaves.get('bold:x')!.node.s[0]));
  assert.equal(find(num.e.s[1]), find(num.b.leaves.get('bold:x')!.node.s[0]));
  // A gradient of a scalar has the variable's shape in both layouts.
  const g = build('\\nabla_{\\mathbf{x}} \\mathbf{x}^\\top \\mathbf{x}', 'num').e;
  assert.ok(g.k === 'd' && g.layout === 'den');
  const h = build('\\frac{\\partial^2 f}{\\partial \\mathbf{x} \\partial \\mathbf{x}^\\top}').e;
  assert.ok(h.k === 'd' && h.of.k === 'd', 'a Hessian is a derivative of the gradient');
});

test('build: a product with the wrong inner size of declared shapes is a proven shape error', () => {
  const n = node('A\\mathbf{x}');
  const decl = (latex: string) => {
    const f = parseLatex(latex).formulas[0];
    return { lhs: f.operands[0], op: '\\in' as const, rhs: f.operands[1] };
  };
  const b = new MatrixBuilder(EMPTY_CONTEXT, [n], [decl('A \\in \\mathbb{R}^{2 \\times 3}'), decl('\\mathbf{x} \\in \\mathbb{R}^{2}')], { layout: 'den', logBase: 'e' });
  assert.throws(() => b.build(n), (e: unknown) => e instanceof ShapeError && e.proven && /sizes 3 and 2 differ/.test(e.message));
  // Guessed shapes only: the reading is refused, not proven wrong.
  assert.throws(() => build('\\mathbf{x} A').e, (e: unknown) => e instanceof ShapeError && !e.proven);
});

test('build: a weight of a logarithm is a label (drawn as a probability vector)', () => {
  const { b } = build('-\\mathbf{y}^\\top \\log \\operatorname{softmax}(\\mathbf{z})');
  assert.deepEqual([...b.labels], ['bold:y']);
  const c = build('-\\sum_i y_i \\log p_i').b;
  assert.deepEqual([...c.labels], ['bold:y']);
});

test('build: what is refused, with the reason', () => {
  const refused: [string, RegExp][] = [
    ['\\exp(X)', /matrix function/],
    ['\\|X\\|', /spectral or the Frobenius/],
    ['\\|X\\|_2', /only the Frobenius/],
    ['A \\otimes B', /Kronecker/],
    ['\\mathbf{x} \\times \\mathbf{y}', /cross products/],
    ['\\mathbf{x}^2', /power of a vector/],
    ['\\frac{\\partial X Y}{\\partial X}', /tensor/],
    ['\\nabla_{\\mathbf{x}} f(\\mathbf{x}_0)', /does not depend on x/],
    ['[x_1, \\dots, x_n]', /ellipsis/],
    ['\\mathbf{x} + 1', /scalar is added/],
  ];
  for (const [latex, why] of refused) {
    assert.throws(() => build(latex), (e: unknown) => (e instanceof MatrixUnsupported || e instanceof ShapeError) && why.test((e as Error).message), latex);
  }
});
