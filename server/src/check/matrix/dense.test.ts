/** The dense matrix type: products, transposes, inverses, determinants and the deep-learning helpers. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as D from './dense';
import { Mat } from './dense';

const close = (a: Mat, b: Mat, tol = 1e-12) => {
  assert.equal(a.rows, b.rows);
  assert.equal(a.cols, b.cols);
  for (let k = 0; k < a.size; k++) assert.ok(Math.abs(a.data[k] - b.data[k]) <= tol, `entry ${k}: ${a.data[k]} vs ${b.data[k]}`);
};

test('dense: shapes, products and transposes', () => {
  const A = Mat.from([
    [1, 2, 3],
    [4, 5, 6],
  ]);
  const x = Mat.column([1, 0, -1]);
  close(D.matmul(A, x), Mat.column([-2, -2]));
  assert.deepEqual(D.transpose(A).toArray(), [
    [1, 4],
    [2, 5],
    [3, 6],
  ]);
  assert.throws(() => D.matmul(A, A), /product of 2×3 and 2×3/);
  assert.throws(() => D.add(A, x), /sum of different shapes/);
  assert.equal(D.inner(x, x), 2);
  assert.ok(Mat.scalar(3).isScalar);
  assert.ok(x.isVector && !A.isVector && !A.isSquare);
  assert.throws(() => A.scalar(), /not a scalar/);
});

test('dense: inverse and determinant (LU with pivoting)', () => {
  const A = Mat.from([
    [0, 2, 1],
    [1, 1, 0],
    [3, 0, 1],
  ]);
  assert.ok(Math.abs(D.det(A) - -5) < 1e-12); // needs a row swap: A[0][0] = 0
  close(D.matmul(A, D.inverse(A)), Mat.identity(3), 1e-12);
  const B = Mat.from([
    [2, -1, 0],
    [1, 3, 1],
    [0, 1, 4],
  ]);
  assert.ok(Math.abs(D.det(D.matmul(A, B)) - D.det(A) * D.det(B)) < 1e-9);
  assert.equal(D.det(Mat.from([[1, 2], [2, 4]])), 0);
  assert.throws(() => D.inverse(Mat.from([[1, 2], [2, 4]])), D.SingularMatrix);
  assert.equal(D.trace(A), 2);
});

test('dense: elementwise products, Kronecker, diag, softmax and log-sum-exp', () => {
  const a = Mat.column([1, 2]);
  const b = Mat.column([3, 4]);
  close(D.hadamard(a, b), Mat.column([3, 8]));
  assert.deepEqual(D.kron(Mat.identity(2), Mat.from([[1, 2]])).toArray(), [
    [1, 2, 0, 0],
    [0, 0, 1, 2],
  ]);
  close(D.diagOf(a), Mat.from([[1, 0], [0, 2]]));
  close(D.diagonal(Mat.from([[1, 9], [9, 2]])), a);
  const z = Mat.column([1000, 1001, 999]); // stable for large entries
  const s = D.softmax(z);
  assert.ok(Math.abs(D.sumAll(s) - 1) < 1e-15);
  assert.ok(s.data[1] > s.data[0] && s.data[0] > s.data[2]);
  assert.ok(Math.abs(D.logSumExp(z) - (1001 + Math.log(1 + Math.exp(-1) + Math.exp(-2)))) < 1e-12);
  assert.equal(D.formatMat(Mat.from([[1, 2], [3, 4]]), String), '[[1, 2], [3, 4]]');
  assert.equal(D.formatMat(a, String), '[1, 2]');
});
