/** Shape unification: free sizes, sizes the note fixed, symbolic sizes, and which conflicts are proven. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Dim, ShapeError, assignSizes, dimText, find, isMatrix, isScalar, isVector, unifyDims, unifyShapes, type Shape } from './shapes';
import { makeRng } from '../random';

test('shapes: free sizes unify with each other and with fixed sizes', () => {
  const a = new Dim();
  const b = new Dim();
  unifyDims(a, b, () => 'x');
  assert.equal(find(a), find(b));
  const three = Dim.sized(3);
  unifyDims(b, three, () => 'x');
  assert.equal(dimText(a), '3');
  const v: Shape = [new Dim(), Dim.one()];
  const m: Shape = [new Dim(), new Dim()];
  assert.ok(isVector(v) && !isMatrix(v) && !isScalar(v));
  assert.ok(isMatrix(m));
  assert.ok(isScalar([Dim.one(), Dim.one()]));
});

test('shapes: a free size is never 1, and only a conflict of two fixed sizes is proven', () => {
  // A guessed vector cannot become a scalar.
  assert.throws(
    () => unifyDims(new Dim(), Dim.one(), () => 'a guessed size'),
    (e: unknown) => e instanceof ShapeError && !e.proven && /would have to be 1/.test(e.message),
  );
  // ℝ^3 against ℝ^2: proven.
  assert.throws(
    () => unifyDims(Dim.sized(3), Dim.sized(2), () => 'declared'),
    (e: unknown) => e instanceof ShapeError && e.proven && /sizes 3 and 2 differ/.test(e.message),
  );
  // A declared size against the unit side of a guessed vector: not proven (the guess may be wrong).
  assert.throws(
    () => unifyDims(Dim.sized(3), Dim.one(false), () => 'guess'),
    (e: unknown) => e instanceof ShapeError && !e.proven,
  );
  assert.throws(
    () => unifyDims(Dim.sized(3), Dim.one(true), () => 'declared vector'),
    (e: unknown) => e instanceof ShapeError && e.proven,
  );
});

test('shapes: symbolic sizes n and p may be equal; their names are kept', () => {
  const n = Dim.named('n');
  const p = Dim.named('p');
  unifyDims(n, p, () => 'x');
  assert.equal(find(n), find(p));
  assert.equal(dimText(p), 'n');
  assert.deepEqual(find(n).aliases, ['p']);
  const s1: Shape = [new Dim(), new Dim()];
  const s2: Shape = [Dim.sized(2), Dim.sized(4)];
  unifyShapes(s1, s2, 'sides');
  assert.equal(dimText(s1[1]), '4');
});

test('shapes: sizes are drawn 2–4, consistently per class, different where possible', () => {
  const a = new Dim();
  const b = new Dim();
  const c = new Dim();
  const fixed = Dim.sized(7);
  unifyDims(a, c, () => 'x');
  const sizes = assignSizes([a, b, c, fixed], makeRng('seed'));
  assert.equal(sizes.get(find(a)), sizes.get(find(c)));
  assert.notEqual(sizes.get(find(a)), sizes.get(find(b)));
  assert.equal(sizes.get(find(fixed)), 7);
  for (const v of sizes.values()) assert.ok(v === 7 || (v >= 2 && v <= 4));
});
