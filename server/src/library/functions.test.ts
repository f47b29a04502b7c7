/**
 * The library of functions: each entry is consistent with itself (value, slope, symbolic derivative, high
 * precision), and every stage reads it (the parser's spellings, the scalar and the matrix checkers).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import Decimal from 'decimal.js';
import { LIBRARY_FUNCTIONS } from './functions';
import { FUNCTIONS } from '../check/functions';
import { evaluate } from '../check/evaluate';
import { v } from '../check/expr';
import { parseLatex } from '../parse/parser';
import { OPERATOR_NAMES } from '../parse/commands';

const POINTS = [0.3, 0.7, 1.2, -0.4, 2.1];

test('each function: its slope is the derivative of its value, and its symbolic derivative has that slope', () => {
  for (const f of LIBRARY_FUNCTIONS) {
    if (f.name === 'step' || f.name === 'sign') continue; // flat where defined
    for (const x of POINTS) {
      const fx = f.evaluate(x);
      if (!Number.isFinite(fx) || (f.name === 'relu' && Math.abs(x) < 1e-3)) continue;
      const h = 1e-6;
      const numeric = (f.evaluate(x + h) - f.evaluate(x - h)) / (2 * h);
      if (!Number.isFinite(numeric)) continue;
      assert.ok(Math.abs(f.slope(x) - numeric) < 1e-5 * Math.max(1, Math.abs(numeric)), `${f.name}'(${x}): slope ${f.slope(x)}, numeric ${numeric}`);
      if (f.scalar === false) continue;
      const d = evaluate(FUNCTIONS[f.name as keyof typeof FUNCTIONS].derivative(v('u')), new Map([['u', x]]), new Map()).v;
      assert.ok(Math.abs(d - numeric) < 1e-5 * Math.max(1, Math.abs(numeric)), `${f.name}: symbolic derivative ${d}, numeric ${numeric}`);
    }
  }
});

test('each function: its high-precision value agrees with its double value', () => {
  const D = Decimal.clone({ precision: 40 });
  for (const f of LIBRARY_FUNCTIONS) {
    if (!f.big) continue;
    for (const x of POINTS) {
      const b = f.big(new D(x), D);
      const fx = f.evaluate(x);
      if (b === null || !Number.isFinite(fx)) continue;
      assert.ok(Math.abs(b.toNumber() - fx) < 1e-12 * Math.max(1, Math.abs(fx)), `${f.name}(${x})`);
    }
  }
});

test('the parser reads every spelling an entry declares as a call of that function', () => {
  for (const f of LIBRARY_FUNCTIONS) {
    if (!f.call) continue;
    for (const c of f.commands ?? []) {
      const n = parseLatex(`\\${c}(x)`).formulas[0].operands[0];
      assert.equal(n.type === 'call' ? n.name : n.type, f.call, `\\${c}`);
    }
    for (const name of f.operatorNames ?? []) assert.equal(OPERATOR_NAMES.get(name), f.call, `\\operatorname{${name}}`);
  }
});
