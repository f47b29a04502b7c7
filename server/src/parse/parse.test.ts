/**
 * Stage 2 — parse. Unit tests of the LaTeX parser: tree shape (spans stripped) and, separately, the spans of key
 * nodes (offsets into the input, end exclusive). Every parse in here also goes through `checkInvariants`: no
 * span outside the input, every child inside its parent.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

import type { Formula, Node, ParseResult, Span } from './ast';
import { parseLatex } from './parser';
import { makeRng } from '../check/random';
import { validateLatex } from './katex';
import { children, containsNode, walk } from './walk';

// ---------------------------------------------------------------------------------------------------------
// helpers

type Shape = { [k: string]: unknown };

/**
 * A deep copy without `span` and `bare` keys (where the source was and whether an argument had brackets: tested
 * on their own) and without keys whose value is undefined: the shape of a tree.
 */
function strip(x: unknown): unknown {
  if (Array.isArray(x)) return x.map(strip);
  if (x !== null && typeof x === 'object') {
    const o: Shape = {};
    for (const [k, v] of Object.entries(x)) {
      if (k === 'span' || k === 'bare' || v === undefined) continue;
      o[k] = strip(v);
    }
    return o;
  }
  return x;
}

function isSpan(s: unknown): s is Span {
  return s !== null && typeof s === 'object' && typeof (s as Span).start === 'number' && typeof (s as Span).end === 'number';
}

function inside(inner: Span, outer: Span): boolean {
  return inner.start >= outer.start && inner.end <= outer.end && inner.start <= inner.end;
}

/** Child nodes (and WrtVar records) of a node, with the key they hang on. */
function childrenOf(n: Node): Array<[string, Node | { v: Node; span: Span; order: unknown }]> {
  const out: Array<[string, Node | { v: Node; span: Span; order: unknown }]> = [];
  const visit = (k: string, v: unknown): void => {
    if (Array.isArray(v)) v.forEach((x) => visit(k, x));
    else if (v !== null && typeof v === 'object' && 'type' in v) out.push([k, v as Node]);
    else if (v !== null && typeof v === 'object' && 'v' in v) out.push([k, v as { v: Node; span: Span; order: unknown }]);
  };
  for (const [k, v] of Object.entries(n)) if (k !== 'span') visit(k, v);
  return out;
}

function fmt(s: Span): string {
  return `[${s.start},${s.end})`;
}

/** Span invariants of a whole result: inside the input, ordered, children inside their parents. */
function checkInvariants(input: string, r: ParseResult): void {
  const all: Span = { start: 0, end: input.length };
  const ctx = (): string => JSON.stringify(input.length > 200 ? input.slice(0, 200) + '…' : input);
  const checkNode = (n: Node, parent: Span, where: string): void => {
    assert.ok(isSpan(n.span), `${where}: ${n.type} has no span in ${ctx()}`);
    assert.ok(inside(n.span, all), `${where}: ${n.type} span ${fmt(n.span)} outside the input in ${ctx()}`);
    assert.ok(inside(n.span, parent), `${where}: ${n.type} span ${fmt(n.span)} outside its parent ${fmt(parent)} in ${ctx()}`);
    for (const [k, c] of childrenOf(n)) {
      if ('type' in c) checkNode(c, n.span, `${where}.${k}`);
      else {
        assert.ok(inside(c.span, n.span), `${where}.${k}: wrt span ${fmt(c.span)} outside ${fmt(n.span)} in ${ctx()}`);
        checkNode(c.v, n.span, `${where}.${k}.v`);
        if (c.order !== null && typeof c.order === 'object') checkNode(c.order as Node, n.span, `${where}.${k}.order`);
      }
    }
  };
  r.formulas.forEach((f, i) => {
    assert.ok(inside(f.span, all), `formula ${i} span ${fmt(f.span)} outside the input in ${ctx()}`);
    assert.equal(f.relations.length, Math.max(0, f.operands.length - 1), `formula ${i}: relations between operands`);
    if (f.leading) assert.ok(inside(f.leading.span, f.span), `formula ${i}: leading relation outside the formula`);
    for (const rel of f.relations) assert.ok(inside(rel.span, f.span), `formula ${i}: relation ${fmt(rel.span)} outside ${fmt(f.span)}`);
    f.operands.forEach((o, j) => checkNode(o, f.span, `formula ${i}.operands[${j}]`));
  });
  for (const t of r.texts) assert.ok(inside(t.span, all), `text ${fmt(t.span)} outside the input in ${ctx()}`);
  for (const p of r.problems) {
    assert.ok(inside(p.span, all), `problem "${p.message}" ${fmt(p.span)} outside the input in ${ctx()}`);
    assert.equal(typeof p.message, 'string');
  }
}

/** Parse, check the invariants, return the result. */
function parse(latex: string): ParseResult {
  let r: ParseResult | undefined;
  assert.doesNotThrow(() => {
    r = parseLatex(latex);
  }, `parseLatex threw on ${JSON.stringify(latex)}`);
  checkInvariants(latex, r!);
  return r!;
}

/** The only operand of the only formula. */
function one(latex: string): Node {
  const r = parse(latex);
  assert.equal(r.formulas.length, 1, `one formula expected in ${JSON.stringify(latex)}, got ${JSON.stringify(strip(r.formulas))}`);
  const f = r.formulas[0];
  assert.equal(f.operands.length, 1, `one operand expected in ${JSON.stringify(latex)}, got ${JSON.stringify(strip(f))}`);
  return f.operands[0];
}

/** Assert the shape (spans stripped) of the only operand of `latex`. */
function shape(latex: string, expected: unknown): Node {
  const n = one(latex);
  assert.deepEqual(strip(n), expected, `shape of ${JSON.stringify(latex)}`);
  return n;
}

/** The source text a span covers. */
function src(latex: string, s: { span: Span } | Span): string {
  const sp = isSpan(s) ? s : s.span;
  return latex.slice(sp.start, sp.end);
}

function formulasOf(latex: string): unknown {
  return strip(parse(latex).formulas);
}

/** Does the tree contain an `unknown` node? */
function hasUnknown(n: Node): boolean {
  if (n.type === 'unknown') return true;
  return childrenOf(n).some(([, c]) => ('type' in c ? hasUnknown(c) : hasUnknown(c.v) || (c.order !== null && typeof c.order === 'object' && hasUnknown(c.order as Node))));
}

function find(n: Node, pred: (n: Node) => boolean): Node | null {
  if (pred(n)) return n;
  for (const [, c] of childrenOf(n)) {
    const r = 'type' in c ? find(c, pred) : find(c.v, pred);
    if (r) return r;
  }
  return null;
}

// ---- shape builders (no spans) ----------------------------------------------------------------------------

const FONTS = new Set(['bold', 'cal', 'bb', 'rm', 'frak', 'scr', 'sf']);

const num = (value: number, raw = String(value)): Shape => ({ type: 'num', value, raw });

/** `sym('x_1')`, `sym('bold:theta')`, `sym('hat:y')`, `sym('W^(2)')`; `extra` adds fields such as subNode. */
function sym(name: string, extra: Shape = {}): Shape {
  let rest = name;
  const s: Shape = { type: 'sym', name };
  const m = /^([a-z]+):(.+)$/.exec(name);
  if (m) {
    if (FONTS.has(m[1])) s.font = m[1];
    else s.accent = m[1];
    rest = m[2];
  }
  const parts = /^(.[^_^]*)(?:\^\((.*?)\))?(?:_(.*))?$/.exec(rest)!;
  s.base = parts[1];
  if (parts[2] !== undefined) s.label = parts[2];
  if (parts[3] !== undefined) s.sub = parts[3];
  return { ...s, ...extra };
}
const neg = (arg: Shape): Shape => ({ type: 'neg', arg });
const add = (...terms: Shape[]): Shape => ({ type: 'add', terms });
const mul = (...factors: Shape[]): Shape => ({ type: 'mul', factors, ops: factors.slice(1).map(() => 'implicit') });
const mulOps = (ops: string[], ...factors: Shape[]): Shape => ({ type: 'mul', factors, ops });
const slash = (n: Shape, d: Shape): Shape => ({ type: 'div', num: n, den: d, form: 'slash' });
const frac = (n: Shape, d: Shape): Shape => ({ type: 'div', num: n, den: d, form: 'frac' });
const pow = (base: Shape, exp: Shape): Shape => ({ type: 'pow', base, exp });
const call = (name: string, args: Shape[], extra: Shape = {}): Shape => ({ type: 'call', name, args, ...extra });
const apply = (fn: Shape, ...args: Shape[]): Shape => ({ type: 'apply', fn, args });
const prime = (arg: Shape, order: number | Shape = 1): Shape => ({ type: 'prime', arg, order });
const wrt = (v: Shape, order: number | Shape = 1, transposed = false): Shape => ({ v, order, ...(transposed ? { transposed } : {}) });
const deriv = (kind: string, form: string, of: Shape | null, w: Shape[], order: number | Shape = 1): Shape => ({ type: 'deriv', kind, form, of, wrt: w, order });
const tuple = (open: string, close: string, ...items: Shape[]): Shape => ({ type: 'tuple', items, open, close });
const unknown = (what: string, ...args: Shape[]): Shape => ({ type: 'unknown', what, args });
const x = sym('x');
const y = sym('y');
const f = sym('f');
const g = sym('g');

// ---------------------------------------------------------------------------------------------------------
// relations, chains, rows, separators

describe('relations and statements', () => {
  test('A = B = C is one formula with three operands and two relations', () => {
    const latex = 'A = B = C';
    const r = parse(latex);
    assert.deepEqual(strip(r.formulas), [{ operands: [sym('A'), sym('B'), sym('C')], relations: [{ op: '=' }, { op: '=' }] }]);
    const f = r.formulas[0];
    assert.deepEqual(f.span, { start: 0, end: 9 });
    assert.deepEqual(f.relations.map((x) => x.span), [{ start: 2, end: 3 }, { start: 6, end: 7 }]);
    assert.deepEqual(f.operands.map((o) => o.span), [{ start: 0, end: 1 }, { start: 4, end: 5 }, { start: 8, end: 9 }]);
    assert.deepEqual(r.texts, []);
    assert.deepEqual(r.problems, []);
  });

  test('aligned rows are separate formulas; a row starting with &= has `leading`', () => {
    const latex = '\\begin{aligned} a &= b \\\\ &= c \\end{aligned}';
    const r = parse(latex);
    assert.deepEqual(strip(r.formulas), [
      { operands: [sym('a'), sym('b')], relations: [{ op: '=' }] },
      { operands: [sym('c')], relations: [], leading: { op: '=' } },
    ]);
    const [f1, f2] = r.formulas;
    assert.equal(src(latex, f1.operands[0]), 'a');
    assert.equal(src(latex, f1.relations[0]), '=');
    assert.equal(f1.relations[0].span.start, latex.indexOf('&=') + 1);
    assert.equal(src(latex, f2.leading!), '=');
    assert.equal(f2.leading!.span.start, latex.lastIndexOf('&=') + 1);
    assert.equal(src(latex, f2.operands[0]), 'c');
    assert.equal(f2.operands[0].span.start, latex.indexOf('c \\end'));
  });

  test('aligned rows with their own left sides, and \\\\[2pt] row breaks', () => {
    assert.deepEqual(formulasOf('\\begin{align*} f(x) &= x^2 \\\\[2pt] g(x) &= 2x \\end{align*}'), [
      { operands: [apply(f, x), pow(x, num(2))], relations: [{ op: '=' }] },
      { operands: [apply(g, x), mul(num(2), x)], relations: [{ op: '=' }] },
    ]);
    assert.deepEqual(formulasOf('a = b \\\\ c = d'), [
      { operands: [sym('a'), sym('b')], relations: [{ op: '=' }] },
      { operands: [sym('c'), sym('d')], relations: [{ op: '=' }] },
    ]);
  });

  test('top-level commas, \\text{and}, \\quad and : split formulas; texts are recorded', () => {
    assert.deepEqual(formulasOf('x = 1, y = 2'), [
      { operands: [x, num(1)], relations: [{ op: '=' }] },
      { operands: [y, num(2)], relations: [{ op: '=' }] },
    ]);
    const latex = 'a = b \\text{ and } c = d';
    const r = parse(latex);
    assert.equal(r.formulas.length, 2);
    assert.deepEqual(strip(r.formulas[1]), { operands: [sym('c'), sym('d')], relations: [{ op: '=' }] });
    assert.equal(r.texts.length, 1);
    assert.equal(r.texts[0].text, 'and');
    assert.equal(src(latex, r.texts[0]), '\\text{ and }');
    assert.deepEqual(formulasOf('f(x) = x^2 \\quad x > 0'), [
      { operands: [apply(f, x), pow(x, num(2))], relations: [{ op: '=' }] },
      { operands: [x, num(0)], relations: [{ op: '>' }] },
    ]);
    assert.deepEqual(formulasOf('f : x \\mapsto x^2'), [
      { operands: [f], relations: [] },
      { operands: [x, pow(x, num(2))], relations: [{ op: '\\mapsto' }] },
    ]);
    // A trailing period ends the statement, it is no operand.
    assert.deepEqual(formulasOf('x = 1.'), [{ operands: [x, num(1)], relations: [{ op: '=' }] }]);
  });

  test('&&\\textrm{…} after a row is a text piece', () => {
    const latex = 'a &= b && \\textrm{by the chain rule} \\\\ &= c && \\text{(2)}';
    const r = parse(latex);
    assert.deepEqual(strip(r.formulas), [
      { operands: [sym('a'), sym('b')], relations: [{ op: '=' }] },
      { operands: [sym('c')], relations: [], leading: { op: '=' } },
    ]);
    assert.deepEqual(r.texts.map((t) => t.text), ['by the chain rule', '(2)']);
    assert.equal(src(latex, r.texts[0]), '\\textrm{by the chain rule}');
    assert.equal(src(latex, r.texts[1]), '\\text{(2)}');
  });

  test('relation operators', () => {
    const cases: Array<[string, string]> = [
      ['a := b', ':='], ['a \\coloneqq b', ':='], ['a \\approx b', '\\approx'], ['a \\neq b', '\\neq'], ['a \\ne b', '\\neq'],
      ['a \\not= b', '\\neq'], ['a \\le b', '\\le'], ['a \\leq b', '\\le'], ['a <= b', '\\le'], ['a \\ge b', '\\ge'],
      ['a < b', '<'], ['a > b', '>'], ['x \\to 0', '\\to'], ['x \\in S', '\\in'], ['x \\notin S', '\\notin'],
      ['a \\equiv b', '\\equiv'], ['a \\propto b', '\\propto'], ['a \\overset{\\text{def}}{=} b', ':='],
    ];
    for (const [latex, op] of cases) {
      const r = parse(latex);
      assert.equal(r.formulas.length, 1, latex);
      assert.equal(r.formulas[0].operands.length, 2, latex);
      assert.deepEqual(r.formulas[0].relations.map((x) => x.op), [op], latex);
      assert.equal(src(latex, r.formulas[0].operands[1]), latex.slice(-1), latex);
    }
    const r = parse('a := b');
    assert.deepEqual(r.formulas[0].relations[0].span, { start: 2, end: 4 });
    const c = parse('a \\le b \\le c');
    assert.deepEqual(c.formulas[0].relations.map((x) => src('a \\le b \\le c', x)), ['\\le', '\\le']);
  });

  test('a row that is only a relation and a trailing relation', () => {
    assert.deepEqual(formulasOf('= a'), [{ operands: [sym('a')], relations: [], leading: { op: '=' } }]);
    // `x =` at the end of a row: the relation has nothing on its right; it is kept apart as `trailing`.
    assert.deepEqual(formulasOf('x ='), [{ operands: [x], relations: [], trailing: { op: '=' } }]);
  });
});

// ---------------------------------------------------------------------------------------------------------
// precedence

describe('precedence', () => {
  test('-x^2 is neg(pow(x, 2))', () => {
    const n = shape('-x^2', neg(pow(x, num(2))));
    assert.deepEqual(n.span, { start: 0, end: 4 });
    assert.equal(n.type === 'neg' && src('-x^2', n.arg), 'x^2');
  });

  test('a/b c is (a/b)·c', () => {
    const n = shape('a/b c', mul(slash(sym('a'), sym('b')), sym('c')));
    assert.equal(n.type === 'mul' && src('a/b c', n.factors[0]), 'a/b');
  });

  test('1/{2x} is div(1, mul(2, x)): braces group', () => {
    const n = shape('1/{2x}', slash(num(1), mul(num(2), x)));
    assert.deepEqual(n.span, { start: 0, end: 6 });
    assert.equal(n.type === 'div' && src('1/{2x}', n.den), '{2x}');
  });

  test('x^23 is x^2 · 3: one digit in an unbraced script', () => {
    const n = shape('x^23', mul(pow(x, num(2)), num(3)));
    assert.ok(n.type === 'mul');
    assert.deepEqual(n.factors[0].span, { start: 0, end: 3 });
    assert.deepEqual(n.factors[1].span, { start: 3, end: 4 });
    const p = n.factors[0];
    assert.ok(p.type === 'pow');
    assert.deepEqual(p.exp.span, { start: 2, end: 3 });
  });

  test('implicit products: 2x, ab, 2\\pi r', () => {
    shape('2x', mul(num(2), x));
    shape('ab', mul(sym('a'), sym('b')));
    shape('2\\pi r', mul(num(2), sym('pi'), sym('r')));
    shape('x \\cdot y \\times z', mulOps(['cdot', 'times'], x, y, sym('z')));
  });

  test('scripts: e^{-x^2}, x_i^2, x^2_i, (x+1)^2, a^{b^c}', () => {
    shape('e^{-x^2}', pow(sym('e'), neg(pow(x, num(2)))));
    const a = shape('x_i^2', pow(sym('x_i'), num(2)));
    assert.ok(a.type === 'pow');
    assert.deepEqual(a.span, { start: 0, end: 5 });
    assert.deepEqual(a.base.span, { start: 0, end: 3 });
    assert.deepEqual(a.exp.span, { start: 4, end: 5 });
    const b = shape('x^2_i', pow(sym('x_i'), num(2)));
    assert.ok(b.type === 'pow');
    assert.deepEqual(b.exp.span, { start: 2, end: 3 });
    const c = shape('(x+1)^2', pow(add(x, num(1)), num(2)));
    assert.ok(c.type === 'pow');
    assert.equal(src('(x+1)^2', c.base), '(x+1)');
    shape('a^{b^c}', pow(sym('a'), pow(sym('b'), sym('c'))));
    shape('x^{-1}', pow(x, neg(num(1))));
  });

  test('sums and differences: a - b + c, -a - b', () => {
    const n = shape('a - b + c', add(sym('a'), neg(sym('b')), sym('c')));
    assert.ok(n.type === 'add');
    assert.equal(src('a - b + c', n.terms[1]), '- b');
    shape('-a - b', add(neg(sym('a')), neg(sym('b'))));
  });
});

// ---------------------------------------------------------------------------------------------------------
// symbols

describe('symbols', () => {
  test('canonical names', () => {
    shape('x_1', sym('x_1'));
    shape('x_{ij}', sym('x_ij', { subNode: mul(sym('i'), sym('j')) }));
    shape('x_{i j}', sym('x_ij', { subNode: mul(sym('i'), sym('j')) }));
    shape('x_{i+1}', sym('x_i+1', { subNode: add(sym('i'), num(1)) }));
    shape('\\alpha', sym('alpha'));
    shape('\\mathbf{x}', sym('bold:x'));
    shape('\\mathbf x', sym('bold:x'));
    shape('\\boldsymbol{x}', sym('bold:x'));
    shape('\\boldsymbol{\\theta}', sym('bold:theta'));
    shape('\\boldsymbol{\\theta}_i', sym('bold:theta_i'));
    shape('\\mathcal{L}', sym('cal:L'));
    shape('\\mathbb{R}', sym('bb:R'));
    shape('\\hat{y}', sym('hat:y'));
    shape('\\mathrm{d}', sym('rm:d'));
    shape('\\bar{x}_i', sym('bar:x_i'));
  });

  test('symbol spans cover the command and the subscript', () => {
    const latex = '\\mathbf{x}_1 + \\alpha';
    const n = one(latex);
    assert.ok(n.type === 'add');
    assert.equal(src(latex, n.terms[0]), '\\mathbf{x}_1');
    assert.equal(src(latex, n.terms[1]), '\\alpha');
    const s = one('x_{ij}');
    assert.ok(s.type === 'sym' && s.subNode);
    assert.deepEqual(s.span, { start: 0, end: 6 });
    assert.equal(src('x_{ij}', s.subNode), 'ij');
  });

  test('a font or an accent on a styled symbol or on a subscripted symbol', () => {
    shape('\\hat{\\mathbf{y}}', sym('hat:bold:y', { font: 'bold', accent: 'hat', base: 'y' }));
    shape('\\mathbf{\\hat{y}}', sym('hat:bold:y', { font: 'bold', accent: 'hat', base: 'y' }));
    shape('\\hat{\\boldsymbol\\theta}', sym('hat:bold:theta', { font: 'bold', accent: 'hat', base: 'theta' }));
    shape('\\mathbf{x_i}', sym('bold:x_i'));
    // Anything else styled keeps its parsed content in the unknown node.
    const latex = 'a + \\hat{f(x)}';
    const n = one(latex);
    assert.ok(n.type === 'add');
    assert.deepEqual(strip(n.terms[1]), unknown('\\hat', apply(f, x)));
    assert.equal(src(latex, n.terms[1]), '\\hat{f(x)}');
    const u = n.terms[1];
    assert.ok(u.type === 'unknown');
    assert.equal(src(latex, u.args[0]), 'f(x)');
  });

  test('Unicode letters and subscripts', () => {
    const n = shape('θ', sym('theta'));
    assert.deepEqual(n.span, { start: 0, end: 1 });
    const s = shape('x₁', sym('x_1'));
    assert.deepEqual(s.span, { start: 0, end: 2 });
    shape('x_α', sym('x_\\alpha', { subNode: sym('alpha') }));
    shape('x_{\\alpha}', sym('x_\\alpha', { subNode: sym('alpha') }));
    const b = shape('\u{1d431}', sym('bold:x'));
    assert.deepEqual(b.span, { start: 0, end: 2 });
  });
});

// ---------------------------------------------------------------------------------------------------------
// calls

describe('function calls', () => {
  test('\\sin x \\cos x is two calls', () => {
    const latex = '\\sin x \\cos x';
    const n = shape(latex, mul(call('sin', [x]), call('cos', [x])));
    assert.ok(n.type === 'mul');
    assert.equal(src(latex, n.factors[0]), '\\sin x');
    assert.equal(src(latex, n.factors[1]), '\\cos x');
  });

  test('arguments: \\sin 2x, \\sin x^2, \\sin(x) \\cos(y), \\sin x + 1', () => {
    shape('\\sin 2x', call('sin', [mul(num(2), x)]));
    shape('\\sin x^2', call('sin', [pow(x, num(2))]));
    shape('\\sin(x) \\cos(y)', mul(call('sin', [x]), call('cos', [y])));
    shape('\\sin x + 1', add(call('sin', [x]), num(1)));
    shape('\\sin(x)^2', pow(call('sin', [x]), num(2)));
  });

  test('powers, inverses and bases: \\sin^2 x, \\sin^{-1} x, \\log_a x', () => {
    const latex = '\\sin^2 x';
    const n = shape(latex, call('sin', [x], { power: num(2) }));
    assert.ok(n.type === 'call');
    assert.deepEqual(n.span, { start: 0, end: 8 });
    assert.equal(src(latex, n.power!), '2');
    assert.equal(src(latex, n.args[0]), 'x');
    shape('\\cos^2(x)', call('cos', [x], { power: num(2) }));
    shape('\\sin^{-1} x', call('arcsin', [x]));
    const l = shape('\\log_a x', call('log', [x], { base: sym('a') }));
    assert.ok(l.type === 'call');
    assert.equal(src('\\log_a x', l.base!), 'a');
    shape('\\log_{10}(x)', call('log', [x], { base: num(10) }));
  });

  test('\\ln x, \\exp(x), \\exp\\left(x\\right), \\tanh(x), \\max(0, x)', () => {
    shape('\\ln x', call('ln', [x]));
    shape('\\ln(1+x)', call('ln', [add(num(1), x)]));
    const e = shape('\\exp(x)', call('exp', [x]));
    assert.deepEqual(e.span, { start: 0, end: 7 });
    shape('\\exp\\left(x\\right)', call('exp', [x]));
    shape('\\tanh(x)', call('tanh', [x]));
    shape('\\max(0, x)', call('max', [num(0), x]));
    shape('max(0, x)', call('max', [num(0), x]));
  });

  test('roots: \\sqrt{x}, \\sqrt[3]{x}, √x', () => {
    const s = shape('\\sqrt{x}', call('sqrt', [x]));
    assert.deepEqual(s.span, { start: 0, end: 8 });
    const latex = '\\sqrt[3]{x}';
    const r = shape(latex, call('sqrt', [x], { index: num(3) }));
    assert.ok(r.type === 'call');
    assert.equal(src(latex, r.index!), '3');
    assert.equal(src(latex, r.args[0]), 'x');
    const u = shape('√x', call('sqrt', [x]));
    assert.deepEqual(u.span, { start: 0, end: 2 });
  });

  test('|x|, \\left|x\\right|, n!', () => {
    const a = shape('|x|', call('abs', [x]));
    assert.deepEqual(a.span, { start: 0, end: 3 });
    const b = shape('\\left|x\\right|', call('abs', [x]));
    assert.deepEqual(b.span, { start: 0, end: 14 });
    shape('|x - 1| + 2', add(call('abs', [add(x, neg(num(1)))]), num(2)));
    const n = shape('n!', call('factorial', [sym('n')]));
    assert.deepEqual(n.span, { start: 0, end: 2 });
    shape('(n+1)!', call('factorial', [add(sym('n'), num(1))]));
  });

  test('\\operatorname: ReLU, softplus, LSE with two arguments, unknown names', () => {
    shape('\\operatorname{ReLU}(x)', call('relu', [x]));
    shape('\\operatorname{softplus}(x)', call('softplus', [x]));
    const latex = '\\operatorname{LSE}(a, b)';
    const n = shape(latex, call('logsumexp', [sym('a'), sym('b')]));
    assert.deepEqual(n.span, { start: 0, end: latex.length });
    const u = shape('\\operatorname{foo}(x)', unknown('operatorname:foo', x));
    assert.deepEqual(u.span, { start: 0, end: 21 });
    shape('\\operatorname*{argmax}_x f(x)', call('argmax', [apply(f, x)]));
  });
});

// ---------------------------------------------------------------------------------------------------------
// application

describe('application', () => {
  test('f(x), f\'(x), f(x, y), g(h(x)), \\sigma(z)', () => {
    const a = shape('f(x)', apply(f, x));
    assert.deepEqual(a.span, { start: 0, end: 4 });
    const latex = "f'(x)";
    const p = shape(latex, apply(prime(f), x));
    assert.ok(p.type === 'apply');
    assert.equal(src(latex, p.fn), "f'");
    assert.equal(src(latex, p.args[0]), 'x');
    shape('f(x, y)', apply(f, x, y));
    const n = shape('g(h(x))', apply(g, apply(sym('h'), x)));
    assert.ok(n.type === 'apply');
    assert.equal(src('g(h(x))', n.args[0]), 'h(x)');
    shape('\\sigma(z)', apply(sym('sigma'), sym('z')));
    shape('\\sigma\\left(z\\right)', apply(sym('sigma'), sym('z')));
  });

  test('\\frac{dg}{dx}(x) applies the derivative', () => {
    const latex = '\\frac{dg}{dx}(x)';
    const n = shape(latex, apply(deriv('d', 'leibniz', g, [wrt(x)]), x));
    assert.ok(n.type === 'apply');
    assert.equal(src(latex, n.fn), '\\frac{dg}{dx}');
    assert.deepEqual(n.args[0].span, { start: 14, end: 15 });
  });

  test('g^2(x) is pow(apply(g, x), 2); f^{-1}(x) likewise', () => {
    const n = shape('g^2(x)', pow(apply(g, x), num(2)));
    assert.ok(n.type === 'pow');
    assert.deepEqual(n.exp.span, { start: 2, end: 3 });
    shape('f^{-1}(x)', pow(apply(f, x), neg(num(1))));
  });

  test('2(x+1) is a product; (f \\circ g)(x) an application', () => {
    shape('2(x+1)', mul(num(2), add(x, num(1))));
    shape('(f \\circ g)(x)', apply(mulOps(['circ'], f, g), x));
    shape('\\sigma(x)(1-\\sigma(x))', mul(apply(sym('sigma'), x), add(num(1), neg(apply(sym('sigma'), x)))));
  });

  test('sized brackets are brackets: f\\big(g(x)\\big), f\\Bigl(x, y\\Bigr), g^2\\bigg(x\\bigg) read like f(g(x))', () => {
    const plain = strip(one('f(g(x))'));
    for (const latex of ['f\\big(g(x)\\big)', 'f\\Big(g\\big(x\\big)\\Big)', 'f\\bigl(g(x)\\bigr)', 'f\\Biggl(g(x)\\Biggr)', 'f\\left(g(x)\\right)']) {
      assert.deepEqual(strip(one(latex)), plain, latex);
    }
    const latex = 'f\\big(g(x)\\big) + 1';
    const n = shape(latex, add(apply(f, apply(g, x)), num(1)));
    assert.ok(n.type === 'add');
    assert.equal(src(latex, n.terms[0]), 'f\\big(g(x)\\big)');
    shape('f\\Bigl(x, y\\Bigr)', apply(f, x, y));
    shape('g^2\\bigg(x\\bigg)', pow(apply(g, x), num(2)));
    // A sized bar is still an evaluation bar, and a sized bracket standing alone groups.
    shape('\\Big[f(x)\\Big]', apply(f, x));
  });

  test('suspicious notation is reported on the result, with its span and likely reading; the parse goes on', () => {
    const latex = 'K^{(3)}_{12} = K^{(3)}{21}';
    const r = parse(latex);
    assert.equal(r.suspicious?.length, 1);
    const s = r.suspicious![0];
    assert.equal(src(latex, s.span), 'K^{(3)}{21}');
    assert.deepEqual([s.written, s.reading, s.repaired], ['K^{(3)}{21}', 'K^{(3)}_{21}', true]);
    // The tree holds the unique repair: the same symbol as K^{(3)}_{21}.
    assert.deepEqual(strip(r.formulas[0].operands[1]), strip(one('K^{(3)}_{21}')));
    const frac = parse('\\frac{\\partial u}{v} = 1').suspicious ?? [];
    assert.deepEqual(frac.map((x) => [x.reading, x.repaired]), [['\\frac{\\partial u}{\\partial v}', false]]);
    for (const ok of ['x^{(1)}', 'x^{(1)} {2}', 'e^{2x}', '\\frac{dy}{dt}', '\\frac{d}{dx}', '\\frac{\\Delta y}{\\Delta x}', '{n \\choose k}', 'a_{ij}', '\\int \\frac{dx}{x}', '\\frac{dy}{ty}']) {
      assert.equal(parse(ok).suspicious, undefined, ok);
    }
  });

  test('a letter before square brackets is an apply marked with the bracket; the checker decides', () => {
    const sq = (fn: Shape, ...args: Shape[]): Shape => ({ ...apply(fn, ...args), bracket: '[' });
    shape('f[g(x)]', sq(f, apply(g, x)));
    shape('f\\Big[g(x)\\Big]', sq(f, apply(g, x)));
    shape('f\\left[g(x)\\right]', sq(f, apply(g, x)));
    shape("f'[x]", sq(prime(f), x));
    shape('a[n, m]', sq(sym('a'), sym('n'), sym('m')));
    // Not after a number, a power, or a blackboard letter.
    shape('2[x+1]', mul(num(2), add(x, num(1))));
    shape('x^2[x+1]', mul(pow(x, num(2)), add(x, num(1))));
    assert.notEqual(one('\\mathbb{E}[X]').type, 'apply');
  });
});

// ---------------------------------------------------------------------------------------------------------
// primes

describe('primes', () => {
  test("f', f'', f^{\\prime}, f^\\prime", () => {
    const a = shape("f'", prime(f));
    assert.deepEqual(a.span, { start: 0, end: 2 });
    const b = shape("f''", prime(f, 2));
    assert.deepEqual(b.span, { start: 0, end: 3 });
    shape('f^{\\prime}', prime(f));
    shape('f^\\prime', prime(f));
    shape('f^{\\prime\\prime}', prime(f, 2));
    shape('f′', prime(f));
  });

  test('f^{(n)} has an order node, f^{(4)} order 4', () => {
    const latex = 'f^{(n)}';
    const n = shape(latex, prime(f, sym('n')));
    assert.ok(n.type === 'prime' && typeof n.order === 'object');
    // A bracketed node takes the bracket's span.
    assert.equal(src(latex, n.order), '(n)');
    shape('f^{(4)}', prime(f, 4));
    shape('f^{(n)}(x)', apply(prime(f, sym('n')), x));
  });

  test("(fg)', (f/g)', fg'", () => {
    const n = shape("(fg)'", prime(mul(f, g)));
    assert.ok(n.type === 'prime');
    assert.deepEqual(n.span, { start: 0, end: 5 });
    assert.deepEqual(n.arg.span, { start: 0, end: 4 });
    shape("(f/g)'", prime(slash(f, g)));
    const m = shape("fg'", mul(f, prime(g)));
    assert.ok(m.type === 'mul');
    assert.equal(src("fg'", m.factors[1]), "g'");
    assert.deepEqual(formulasOf("(f+g)' = f' + g'"), [{ operands: [prime(add(f, g)), add(prime(f), prime(g))], relations: [{ op: '=' }] }]);
  });
});

// ---------------------------------------------------------------------------------------------------------
// derivatives

describe('derivatives', () => {
  test('\\frac{d}{dx} x^2: operator form, of = x^2', () => {
    const latex = '\\frac{d}{dx} x^2';
    const n = shape(latex, deriv('d', 'operator', pow(x, num(2)), [wrt(x)]));
    assert.ok(n.type === 'deriv');
    assert.deepEqual(n.span, { start: 0, end: latex.length });
    assert.equal(src(latex, n.of!), 'x^2');
    assert.equal(src(latex, n.wrt[0]), 'dx');
    assert.equal(src(latex, n.wrt[0].v), 'x');
  });

  test('operator with a bracketed operand; operators inside a sum', () => {
    shape('\\frac{d}{dx}(g(x)+h(x))', deriv('d', 'operator', add(apply(g, x), apply(sym('h'), x)), [wrt(x)]));
    const latex = '3 \\frac{d}{dx} x^2 - 4 \\frac{d}{dx} x';
    const n = shape(latex, add(
      mul(num(3), deriv('d', 'operator', pow(x, num(2)), [wrt(x)])),
      neg(mul(num(4), deriv('d', 'operator', x, [wrt(x)]))),
    ));
    assert.ok(n.type === 'add' && n.terms[0].type === 'mul');
    assert.equal(src(latex, n.terms[0].factors[1]), '\\frac{d}{dx} x^2');
    // The operand is the implicit product that follows; without one the operator stands alone.
    shape('\\frac{d}{dx} \\sin x', deriv('d', 'operator', call('sin', [x]), [wrt(x)]));
    shape('\\frac{d}{dx}', deriv('d', 'operator', null, [wrt(x)]));
  });

  test('Leibniz fractions', () => {
    const a = shape('\\frac{dy}{dx}', deriv('d', 'leibniz', y, [wrt(x)]));
    assert.ok(a.type === 'deriv');
    assert.deepEqual(a.of!.span, { start: 7, end: 8 });
    assert.deepEqual(a.wrt[0].span, { start: 10, end: 12 });
    const latex = '\\frac{d^2 y}{dx^2}';
    const b = shape(latex, deriv('d', 'leibniz', y, [wrt(x, 2)], 2));
    assert.ok(b.type === 'deriv');
    assert.equal(src(latex, b.wrt[0]), 'dx^2');
    shape('\\frac{d^n f}{dx^n}', deriv('d', 'leibniz', f, [wrt(x, sym('n'))], sym('n')));
    const l2 = '\\frac{\\partial^2 f}{\\partial x\\,\\partial y}';
    const c = shape(l2, deriv('partial', 'leibniz', f, [wrt(x), wrt(y)], 2));
    assert.ok(c.type === 'deriv');
    assert.deepEqual(c.wrt.map((w) => src(l2, w)), ['\\partial x', '\\partial y']);
    shape('\\frac{\\mathrm{d}y}{\\mathrm{d}x}', deriv('d', 'leibniz', y, [wrt(x)]));
    shape('\\frac{d X^T Y}{dX}', deriv('d', 'leibniz', mul(pow(sym('X'), sym('T')), sym('Y')), [wrt(sym('X'))]));
    shape('\\frac{\\partial^2 f}{\\partial\\mathbf x\\,\\partial\\mathbf x^T}',
      deriv('partial', 'leibniz', f, [wrt(sym('bold:x')), wrt(sym('bold:x'), 1, true)], 2));
    shape('\\frac{\\partial L}{\\partial w_{ij}}', deriv('partial', 'leibniz', sym('L'), [wrt(sym('w_ij', { subNode: mul(sym('i'), sym('j')) }))]));
    shape('\\frac{d}{2}', frac(sym('d'), num(2)));
    shape('\\frac{dx}{2}', frac(mul(sym('d'), x), num(2)));
  });

  test('slash forms: dy/dx, \\partial y/\\partial z, \\partial x^6/\\partial x^2', () => {
    const a = shape('dy/dx', deriv('d', 'leibniz', y, [wrt(x)]));
    assert.deepEqual(a.span, { start: 0, end: 5 });
    const latex = '\\partial y/\\partial z';
    const b = shape(latex, deriv('partial', 'leibniz', y, [wrt(sym('z'))]));
    assert.ok(b.type === 'deriv');
    assert.equal(src(latex, b.wrt[0]), '\\partial z');
    shape('\\partial x^6/\\partial x^2', deriv('partial', 'leibniz', pow(x, num(6)), [wrt(pow(x, num(2)))]));
    shape('d^2y/dx^2', deriv('d', 'leibniz', y, [wrt(x, 2)], 2));
    shape('∂f/∂x', deriv('partial', 'leibniz', f, [wrt(x)]));
    // A plain quotient of d and something else stays a quotient.
    shape('d/x', slash(sym('d'), x));
  });

  test('subscript and D forms: \\partial_x f, D_x f, Df(x), plain D', () => {
    const latex = '\\partial_x f';
    const a = shape(latex, deriv('partial', 'subscript', f, [wrt(x)]));
    assert.ok(a.type === 'deriv');
    assert.equal(src(latex, a.wrt[0].v), 'x');
    assert.equal(src(latex, a.of!), 'f');
    shape('\\partial_{x_1} f(\\mathbf{x})', deriv('partial', 'subscript', apply(f, sym('bold:x')), [wrt(sym('x_1'))]));
    shape('D_x f', deriv('d', 'D', f, [wrt(x)]));
    const d = shape('Df(x)', deriv('d', 'D', apply(f, x), []));
    assert.deepEqual(d.span, { start: 0, end: 5 });
    shape('D', sym('D'));
    shape('D + 1', add(sym('D'), num(1)));
    shape('DA', mul(sym('D'), sym('A')));
  });

  test('\\nabla_{\\mathbf{x}} f(\\mathbf{x})', () => {
    const latex = '\\nabla_{\\mathbf{x}} f(\\mathbf{x})';
    const n = shape(latex, deriv('nabla', 'nabla', apply(f, sym('bold:x')), [wrt(sym('bold:x'))]));
    assert.ok(n.type === 'deriv');
    assert.equal(src(latex, n.wrt[0].v), '\\mathbf{x}');
    assert.equal(src(latex, n.of!), 'f(\\mathbf{x})');
    shape('\\nabla f', deriv('nabla', 'nabla', f, []));
  });

  test('\\left(\\frac{d}{dx}\\right)^n f(x): the operator n times', () => {
    const latex = '\\left(\\frac{d}{dx}\\right)^n f(x)';
    const n = shape(latex, deriv('d', 'operator', apply(f, x), [wrt(x, sym('n'))], sym('n')));
    assert.ok(n.type === 'deriv');
    assert.deepEqual(n.span, { start: 0, end: latex.length });
    assert.equal(src(latex, n.of!), 'f(x)');
  });
});

// ---------------------------------------------------------------------------------------------------------
// evaluation, limits, big operators, brackets

describe('evaluation bars, limits, sums, integrals, tuples, matrices, norms', () => {
  test('\\frac{df}{dx}\\bigg|_{x_0}(x - x_0)', () => {
    const latex = '\\frac{df}{dx}\\bigg|_{x_0}(x - x_0)';
    const n = shape(latex, mul(
      { type: 'evalat', expr: deriv('d', 'leibniz', f, [wrt(x)]), at: sym('x_0') },
      add(x, neg(sym('x_0'))),
    ));
    assert.ok(n.type === 'mul');
    assert.equal(src(latex, n.factors[0]), '\\frac{df}{dx}\\bigg|_{x_0}');
    assert.equal(src(latex, n.factors[1]), '(x - x_0)');
  });

  test('\\left. x^2 \\right|_{x=1} has the variable', () => {
    const latex = '\\left. x^2 \\right|_{x=1}';
    const n = shape(latex, { type: 'evalat', expr: pow(x, num(2)), variable: x, at: num(1) });
    assert.ok(n.type === 'evalat');
    assert.deepEqual(n.span, { start: 0, end: latex.length });
    assert.equal(src(latex, n.variable!), 'x');
    assert.equal(src(latex, n.at), '1');
  });

  test('an evaluation between two bounds is not an evaluation at the lower one', () => {
    for (const latex of ['x^2 \\Big|_0^1', '\\left. x^2 \\right|_{0}^{1}', '\\left[ x^2 \\right]_0^1', '\\left[ x \\right]_0^1', '[x]_0^1']) {
      const n = one(latex);
      assert.ok(!find(n, (k) => k.type === 'evalat'), `${latex}: ${JSON.stringify(strip(n))}`);
      assert.ok(!find(n, (k) => k.type === 'sym' && k.name === 'x_0'), `${latex}: ${JSON.stringify(strip(n))}`);
      assert.ok(hasUnknown(n), latex);
    }
  });

  test('\\lim_{h \\to 0} \\frac{f(x+h)-f(x)}{h}', () => {
    const latex = '\\lim_{h \\to 0} \\frac{f(x+h)-f(x)}{h}';
    const h = sym('h');
    const n = shape(latex, { type: 'limit', variable: h, to: num(0), body: frac(add(apply(f, add(x, h)), neg(apply(f, x))), h) });
    assert.ok(n.type === 'limit');
    assert.equal(src(latex, n.body), '\\frac{f(x+h)-f(x)}{h}');
    assert.equal(src(latex, n.variable!), 'h');
  });

  test('\\sum_{k=1}^p A_{ik} x_k', () => {
    const latex = '\\sum_{k=1}^p A_{ik} x_k';
    const n = shape(latex, {
      type: 'bigop', op: 'sum', index: sym('k'), lower: num(1), upper: sym('p'),
      body: mul(sym('A_ik', { subNode: mul(sym('i'), sym('k')) }), sym('x_k')),
    });
    assert.ok(n.type === 'bigop');
    assert.equal(src(latex, n.body), 'A_{ik} x_k');
    assert.equal(src(latex, n.upper!), 'p');
    shape('\\sum_k x_k', { type: 'bigop', op: 'sum', index: sym('k'), body: sym('x_k') });
  });

  test('\\int_a^b f(x)\\,dx has the differential x and the bounds a, b', () => {
    const latex = '\\int_a^b f(x)\\,dx';
    const n = shape(latex, { type: 'bigop', op: 'int', lower: sym('a'), upper: sym('b'), body: apply(f, x), differential: x });
    assert.ok(n.type === 'bigop');
    assert.deepEqual(n.span, { start: 0, end: latex.length });
    assert.equal(src(latex, n.differential!), 'x');
    assert.equal(src(latex, n.body), 'f(x)');
    shape('\\int_0^1 x^2 \\, \\mathrm{d}x', { type: 'bigop', op: 'int', lower: num(0), upper: num(1), body: pow(x, num(2)), differential: x });
    shape('\\int x\\,dx', { type: 'bigop', op: 'int', body: x, differential: x });
  });

  test('[a, b, c]^T is a transposed tuple', () => {
    const latex = '[a, b, c]^T';
    const n = shape(latex, pow(tuple('[', ']', sym('a'), sym('b'), sym('c')), sym('T')));
    assert.ok(n.type === 'pow');
    assert.deepEqual(n.base.span, { start: 0, end: 9 });
    shape('(x_1, x_2)', tuple('(', ')', sym('x_1'), sym('x_2')));
    shape('\\{a, b\\}', tuple('\\{', '\\}', sym('a'), sym('b')));
  });

  test('bmatrix 2x2', () => {
    const latex = '\\begin{bmatrix} a & b \\\\ c & d \\end{bmatrix}';
    const n = shape(latex, { type: 'matrix', env: 'bmatrix', rows: [[sym('a'), sym('b')], [sym('c'), sym('d')]] });
    assert.ok(n.type === 'matrix');
    assert.deepEqual(n.span, { start: 0, end: latex.length });
    assert.equal(src(latex, n.rows[1][1]), 'd');
    shape('\\begin{pmatrix} 1 \\\\ x^2 \\end{pmatrix}', { type: 'matrix', env: 'pmatrix', rows: [[num(1)], [pow(x, num(2))]] });
  });

  test('ellipses', () => {
    shape('x_1 + \\cdots + x_n', add(sym('x_1'), { type: 'ellipsis' }, sym('x_n')));
    shape('x_1 + \\dots + x_n', add(sym('x_1'), { type: 'ellipsis' }, sym('x_n')));
    shape('(x_1, \\ldots, x_n)', tuple('(', ')', sym('x_1'), { type: 'ellipsis' }, sym('x_n')));
    const n = shape('1 + ... + n', add(num(1), { type: 'ellipsis' }, sym('n')));
    assert.ok(n.type === 'add');
    assert.deepEqual(n.terms[1].span, { start: 4, end: 7 });
  });

  test('norms: \\|x\\|_2 and ||X||_F^2', () => {
    const a = shape('\\|x\\|_2', { type: 'norm', arg: x, sub: '2' });
    assert.deepEqual(a.span, { start: 0, end: 7 });
    const latex = '||X||_F^2';
    const b = shape(latex, pow({ type: 'norm', arg: sym('X'), sub: 'F' }, num(2)));
    assert.ok(b.type === 'pow');
    assert.equal(src(latex, b.base), '||X||_F');
    shape('\\left\\| \\mathbf{w} \\right\\|', { type: 'norm', arg: sym('bold:w') });
  });

  test('unknown commands keep their brace arguments', () => {
    const latex = '\\foo{x} + 1';
    const n = shape(latex, add(unknown('\\foo', x), num(1)));
    assert.ok(n.type === 'add');
    assert.equal(src(latex, n.terms[0]), '\\foo{x}');
    shape('\\gcd(a, b)', unknown('\\gcd', sym('a'), sym('b')));
  });

  test('separators nested in brackets are spacing, not unknown', () => {
    shape('\\left( x \\quad \\right)', x);
    shape('f\\left(\\quad x + 1\\right)', apply(f, add(x, num(1))));
    assert.deepEqual(formulasOf('f \\colon A \\to B'), [
      { operands: [f], relations: [] },
      { operands: [sym('A'), sym('B')], relations: [{ op: '\\to' }] },
    ]);
  });
});

// ---------------------------------------------------------------------------------------------------------
// fixes: each of these was misread before

describe('regressions', () => {
  test('a visible space ends the implicit argument of a function', () => {
    const latex = '\\cos x\\, e^{\\sin x}';
    const n = shape(latex, mul(call('cos', [x]), pow(sym('e'), call('sin', [x]))));
    assert.ok(n.type === 'mul');
    assert.equal(src(latex, n.factors[0]), '\\cos x');
    shape('\\sin \\, x', call('sin', [x]));
    shape('\\sin x\\,\\cos x', mul(call('sin', [x]), call('cos', [x])));
  });

  test('the differential of an integral is no part of a function argument; \\int dx alone', () => {
    const int = (body: Shape, extra: Shape = {}): Shape => ({ type: 'bigop', op: 'int', body, differential: x, ...extra });
    shape('\\int \\sin x\\,dx', int(call('sin', [x])));
    shape('\\int_0^\\pi \\sin x \\, dx', int(call('sin', [x]), { lower: num(0), upper: sym('pi') }));
    shape('\\int \\sin x dx', int(call('sin', [x])));
    shape('\\int \\sin x\\cos x dx', int(mul(call('sin', [x]), call('cos', [x]))));
    const latex = 'F = \\int dx';
    const r = parse(latex);
    assert.deepEqual(r.problems, []);
    assert.deepEqual(strip(r.formulas), [{ operands: [sym('F'), int(num(1))], relations: [{ op: '=' }] }]);
    // Outside an integral, dx after a function is still its argument.
    shape('\\sin x dx', call('sin', [mul(x, sym('d'), x)]));
  });

  test('a digit taken from a number as a script or argument: spans', () => {
    const a = shape('\\frac123', mul(frac(num(1), num(2)), num(3)));
    assert.ok(a.type === 'mul');
    assert.equal(src('\\frac123', a.factors[0]), '\\frac12');
    const b = shape('\\sqrt23', mul(call('sqrt', [num(2)]), num(3)));
    assert.ok(b.type === 'mul');
    assert.equal(src('\\sqrt23', b.factors[0]), '\\sqrt2');
    const c = shape('x_12', mul(sym('x_1'), num(2)));
    assert.ok(c.type === 'mul');
    assert.deepEqual(c.factors[0].span, { start: 0, end: 3 });
    shape('x^.5', pow(x, num(0.5, '.5')));
  });

  test('a parenthesised superscript labels a symbol: W^{(2)}, x^{(i)}, \\theta^{(t+1)}', () => {
    const latex = '\\mathbf{W}^{(2)}';
    const w = shape(latex, sym('bold:W^(2)'));
    assert.deepEqual(w.span, { start: 0, end: latex.length });
    shape('w^{(2)}', sym('w^(2)'));
    shape('x^{(i)}_j', sym('x^(i)_j'));
    shape('x_j^{(i)}', sym('x^(i)_j'));
    shape('\\theta^{(t+1)}', sym('theta^(t+1)'));
    shape('\\hat{W^{(2)}}', sym('hat:W^(2)'));
    shape('(w^{(2)})^2', pow(sym('w^(2)'), num(2)));
    shape('\\frac{\\partial L}{\\partial w^{(2)}}', deriv('partial', 'leibniz', sym('L'), [wrt(sym('w^(2)'))]));
    shape('\\partial J/\\partial \\mathbf{W}^{(1)}', deriv('partial', 'leibniz', sym('J'), [wrt(sym('bold:W^(1)'))]));
    // Not a label: derivatives of function letters, an order in parentheses on both sides, e, expressions.
    shape('f^{(2)}', prime(f, 2));
    shape('y^{(n)}', prime(y, sym('n')));
    shape('\\frac{d^{(n)} f}{dx^{(n)}}', deriv('d', 'leibniz', f, [wrt(x, sym('n'))], sym('n')));
    shape('e^{(x)}', pow(sym('e'), x));
    shape('x^{(a b)}', pow(x, mul(sym('a'), sym('b'))));
  });

  test('\\text{name}(…) is a function; \\text{ words } stay prose', () => {
    shape('\\text{ReLU}(x)', call('relu', [x]));
    shape('\\text{ReLU} (x)', call('relu', [x]));
    const latex = 'y = \\textrm{softmax}\\left(z\\right)';
    const r = parse(latex);
    assert.deepEqual(strip(r.formulas), [{ operands: [y, call('softmax', [sym('z')])], relations: [{ op: '=' }] }]);
    assert.equal(src(latex, r.formulas[0].operands[1]), '\\textrm{softmax}\\left(z\\right)');
    assert.deepEqual(r.texts, []);
    shape('\\textrm{prod}(a, b)', unknown('operatorname:prod', sym('a'), sym('b')));
    shape('\\frac{d}{dx}\\text{ReLU}(x)', deriv('d', 'operator', call('relu', [x]), [wrt(x)]));
    const t = parse('x \\text{ for } (x > 0)');
    assert.deepEqual(t.texts.map((p) => p.text), ['for']);
    assert.equal(t.formulas.length, 2);
    assert.deepEqual(parse('\\text{if}(x > 0)').texts.map((p) => p.text), ['if']);
  });

  test('a bracketed expression with a subscript is no subscripted symbol', () => {
    shape('(x)_i', unknown('subscript', x, sym('i')));
    shape('{x}_i', sym('x_i'));
    const n = shape('\\left[ F(x) \\right]_a^b', unknown('evaluation between bounds', apply(sym('F'), x), sym('a'), sym('b')));
    assert.deepEqual(n.span, { start: 0, end: 23 });
  });

  test('a missing script or argument has a zero-width span inside its parent', () => {
    const n = shape('{x^}', pow(x, unknown('missing script')));
    assert.ok(n.type === 'pow');
    assert.deepEqual(n.exp.span, { start: 3, end: 3 });
    parse('\\prime^−');
    parse('{\\frac{1}} + x');
  });
});

// ---------------------------------------------------------------------------------------------------------
// robustness

/** The checker's seeded generator, so junk tests are reproducible. */
const rng = (seed: number): (() => number) => makeRng(seed);

const PIECES = [
  '\\frac', '{', '}', '{', '}', '(', ')', '[', ']', '\\left(', '\\right)', '\\left.', '\\right|', '|', '||', '\\|', '^', '_',
  'x', 'y', 'd', 'D', 'f', 'g', '2', '12', '0.5', ' ', ' ', '\\partial', '/', '\\sin', '\\log', '\\sqrt', '\\sqrt[',
  '=', '&', '&=', '\\\\', '\\begin{aligned}', '\\end{aligned}', '\\begin{bmatrix}', '\\end{bmatrix}', '\\begin{foo}',
  "'", '!', ',', ':', '.', '\\text{', '\\mathbf', '\\hat', '\\operatorname{', 'ReLU', '\\nabla', '\\int', '\\sum',
  '\\lim', '\\to', '\\bigg|', '\\cdot', '\\prime', '\\,', '\\', '%', '\n', '∂', '²', '√', 'θ', '₁', '\u{1d431}', '−',
  '\\overset', '\\not', '\\pm', '\\cdots', '...', '\\mathrm{d}', '+', '-', '*', '\\quad', '\\infty', '\\foo',
];

function junk(r: () => number, pieces: number): string {
  let s = '';
  for (let i = 0; i < pieces; i++) {
    if (r() < 0.05) s += String.fromCharCode(Math.floor(r() * 0x3000));
    else s += PIECES[Math.floor(r() * PIECES.length)];
  }
  return s;
}

describe('robustness', () => {
  test('unbalanced braces and \\left without \\right: a result and a problem, never a throw', () => {
    for (const latex of ['\\frac{1}{2', '{x + 1', 'x + 1}', '\\left( x', 'x \\right)', '(x + 1', 'x + 1)', '\\sqrt{', '|x',
      '\\begin{aligned} a &= b', 'a \\end{aligned}', '\\\\', '&', '^', '_', "'", '\\', '\\left', '\\right', 'x^', '\\frac',
      '\\frac{d}{dx', '\\frac{d}', '\\sum_', '\\int_0^', '\\lim_{x \\to', '\\operatorname{', '\\mathbf', 'f(', 'f(x', '\\|x']) {
      parse(latex);
    }
    const a = parse('\\frac{1}{2');
    assert.ok(a.problems.length > 0);
    assert.deepEqual(strip(a.formulas), [{ operands: [frac(num(1), num(2))], relations: [] }]);
    const b = parse('\\left( x');
    assert.ok(b.problems.some((p) => /\\left/.test(p.message)));
    assert.deepEqual(strip(b.formulas), [{ operands: [x], relations: [] }]);
    assert.ok(parse('(x + 1').problems.length > 0);
    assert.ok(parse('|x').problems.length > 0);
  });

  test('300-deep nesting: a problem, not a stack overflow', () => {
    for (const latex of [
      '{'.repeat(300) + 'x' + '}'.repeat(300),
      '('.repeat(300) + 'x' + ')'.repeat(300),
      '\\left('.repeat(300) + 'x' + '\\right)'.repeat(300),
      '\\frac{'.repeat(300) + 'x' + '}{2}'.repeat(300),
      '\\sqrt{'.repeat(300) + 'x' + '}'.repeat(300),
      'x^{'.repeat(300) + 'x' + '}'.repeat(300),
      '|'.repeat(300),
      '\\sin '.repeat(300) + 'x',
      '-'.repeat(300) + 'x',
      '\\begin{bmatrix}'.repeat(300),
    ]) {
      const r = parse(latex);
      if (r.formulas.length === 0) assert.ok(r.problems.length > 0, `no formula and no problem for ${latex.slice(0, 20)}…`);
    }
    const deep = parse('('.repeat(300) + 'x' + ')'.repeat(300));
    assert.ok(deep.problems.some((p) => /deep/.test(p.message)));
    // Moderate nesting still parses.
    shape('('.repeat(20) + 'x' + ')'.repeat(20), x);
    shape('{'.repeat(20) + 'x' + '}'.repeat(20), x);
  });

  test('a 100 kB formula', () => {
    let latex = '';
    while (latex.length < 100_000) latex += 'x^2 + \\frac{1}{2} \\sin(x) \\cdot y_{i} - ';
    latex += '1';
    const r = parse(latex);
    assert.equal(r.formulas.length, 1);
    const n = r.formulas[0].operands[0];
    assert.equal(n.type, 'add');
    assert.deepEqual(n.span, { start: 0, end: latex.length });
    let rows = '';
    for (let i = 0; rows.length < 100_000; i++) rows += `a_{${i}} &= b \\\\ `;
    assert.ok(parse(rows).formulas.length > 1000);
  });

  test('random junk (seeded) never throws and keeps every span inside', () => {
    const r = rng(20240611);
    for (let i = 0; i < 3000; i++) parse(junk(r, 1 + Math.floor(r() * 30)));
  });

  test('Unicode ∂, √, ², θ', () => {
    const latex = '∂f/∂θ = √x + θ²';
    const r = parse(latex);
    assert.deepEqual(strip(r.formulas), [{
      operands: [deriv('partial', 'leibniz', f, [wrt(sym('theta'))]), add(call('sqrt', [x]), pow(sym('theta'), num(2)))],
      relations: [{ op: '=' }],
    }]);
    const [lhs, rhs] = r.formulas[0].operands;
    assert.deepEqual(lhs.span, { start: 0, end: 5 });
    assert.ok(rhs.type === 'add');
    assert.equal(src(latex, rhs.terms[0]), '√x');
    assert.equal(src(latex, rhs.terms[1]), 'θ²');
    const t = shape('x²', pow(x, num(2)));
    assert.ok(t.type === 'pow');
    assert.deepEqual(t.exp.span, { start: 1, end: 2 });
    assert.deepEqual(formulasOf('x ≤ y'), [{ operands: [x, y], relations: [{ op: '\\le' }] }]);
  });
});

// ---------------------------------------------------------------------------------------------------------
// KaTeX validation

describe('validateLatex', () => {
  test('an unclosed group is an error with a position', () => {
    const latex = '\\frac{1}{2';
    const e = validateLatex(latex, false);
    assert.ok(e, 'an error');
    assert.equal(typeof e.message, 'string');
    assert.ok(e.message.length > 0);
    assert.ok(e.start >= 0 && e.start <= e.end && e.end <= latex.length, JSON.stringify(e));
    assert.equal(e.start, latex.length, 'the error is at the end of the input');
  });

  test('valid LaTeX is null; an aligned block is valid in display mode', () => {
    assert.equal(validateLatex('\\frac{1}{2}', false), null);
    assert.equal(validateLatex('\\begin{aligned} a &= b \\\\ &= c \\end{aligned}', true), null);
  });

  test('an undefined command is reported at its place', () => {
    const e = validateLatex('x + \\foo', false);
    assert.ok(e);
    assert.equal('x + \\foo'.slice(e.start, e.end), '\\foo');
  });
});

// ---------------------------------------------------------------------------------------------------------
// real material

/** ../shared beside the repository (tests run from server/out/parse). */
const SHARED = path.resolve(__dirname, '../../../../shared');

function realFormulas(): Array<{ file: string; latex: string }> | null {
  const out: Array<{ file: string; latex: string }> = [];
  let found = false;
  for (const [dir, ext] of [['seeds', '.txt'], ['corpus', '.md']] as const) {
    const d = path.join(SHARED, dir);
    if (!fs.existsSync(d)) continue;
    for (const file of fs.readdirSync(d).filter((n) => n.endsWith(ext)).sort()) {
      found = true;
      const text = fs.readFileSync(path.join(d, file), 'utf8');
      for (const m of text.matchAll(/\$\$([\s\S]+?)\$\$|\\\[([\s\S]+?)\\\]|\$([^$\n]+?)\$/g)) {
        out.push({ file, latex: m[1] ?? m[2] ?? m[3] });
      }
    }
  }
  return found ? out : null;
}

test('real formulas from ../shared: no throw, spans inside, unknown-free share', (t) => {
  const all = realFormulas();
  if (!all) return t.skip('../shared/seeds and ../shared/corpus not present');
  assert.ok(all.length > 0);
  let clean = 0;
  for (const { file, latex } of all) {
    let r: ParseResult | undefined;
    assert.doesNotThrow(() => {
      r = parseLatex(latex);
    }, `${file}: ${latex}`);
    checkInvariants(latex, r!);
    if (!r!.formulas.some((fm: Formula) => fm.operands.some(hasUnknown))) clean++;
  }
  console.log(`parse: ${all.length} real formulas, ${clean} without an unknown node (${((100 * clean) / all.length).toFixed(1)}%)`);
});

test('an evaluation bar after a derivative operand evaluates the derivative, not the operand', () => {
  const r = parseLatex('\\frac{d}{dx}(x^2)\\big|_{x=3} = 6');
  const lhs = r.formulas[0].operands[0];
  assert.equal(lhs.type, 'evalat');
  if (lhs.type === 'evalat') assert.equal(lhs.expr.type, 'deriv');
});

test('\\operatorname{sech} is the hyperbolic secant', () => {
  const r = parseLatex('\\operatorname{sech}^2 x');
  const n = r.formulas[0].operands[0];
  assert.equal(n.type, 'call');
  if (n.type === 'call') assert.equal(n.name, 'sech');
});

test('macros: the note\'s \\newcommand and \\def are expanded with the span of the invocation', async () => {
  const { collectMacros, withoutDefinitions } = await import('./macros');
  const text = '\\newcommand{\\R}{\\mathbb{R}} \\newcommand{\\dd}[2]{\\frac{d #1}{d #2}} \\def\\sq#1{#1^2}';
  const macros = collectMacros(text);
  assert.deepEqual([...macros.keys()], ['\\R', '\\dd', '\\sq']);
  assert.equal(macros.get('\\dd')!.params, 2);
  assert.equal(macros.get('\\sq')!.params, 1);
  const blank = withoutDefinitions(`${text} x`);
  assert.equal(blank.length, text.length + 2);
  assert.equal(blank.trim(), 'x');
  const r = parseLatex('\\dd{y}{x} = \\sq{x}', { macros });
  const [lhs, rhs] = r.formulas[0].operands;
  assert.equal(lhs.type, 'deriv');
  assert.deepEqual(lhs.span, { start: 0, end: 9 });
  assert.equal(rhs.type, 'pow');
  // A macro that expands into itself stops with a problem instead of looping.
  const loop = parseLatex('\\a + 1', { macros: collectMacros('\\def\\a{\\a}') });
  assert.ok(loop.problems.some((p) => /expands too deeply/.test(p.message)));
});

test('macros: an optional first argument takes its default or what [...] gives, as MathJax reads it', async () => {
  const { collectMacros, katexMacros } = await import('./macros');
  const macros = collectMacros('\\newcommand{\\der}[3][]{\\frac{d^{#1} #2}{d #3^{#1}}} \\DeclareMathOperator{\\sgn}{sgn}');
  assert.deepEqual(macros.get('\\der'), { params: 3, optional: '', body: '\\frac{d^{#1} #2}{d #3^{#1}}' });
  assert.equal(macros.get('\\sgn')!.body, '\\operatorname{sgn}');
  // Without the bracket the default fills #1; with it, the bracket's content does.
  const plain = parseLatex('\\der{y}{x}', { macros });
  const second = parseLatex('\\der[2]{y}{x}', { macros });
  const order = (r: ParseResult) => {
    const n = r.formulas[0].operands[0];
    return n.type === 'deriv' ? n.order : null;
  };
  assert.equal(plain.problems.length, 0);
  assert.equal(order(plain), 1);
  assert.equal(order(second), 2);
  // KaTeX, which knows no optional argument, validates both forms and still finds a real mistake after them.
  const table = katexMacros(macros);
  assert.equal(validateLatex('\\der{y}{x} + \\der[2]{y}{x}', true, table), null);
  assert.ok(validateLatex('\\der[2]{y}{x} + \\frac{1}', true, table));
  assert.ok(validateLatex('\\der[2]{y}{x} + \\undefinedthing', true, table));
  // A MathJax count larger than the body uses: the unused argument is still read.
  const counted = new Map([['\\two', { params: 2, body: '#2^2' }]]);
  assert.equal(validateLatex('\\two{a}{b} + 1', true, katexMacros(counted)), null);
  assert.equal(parseLatex('\\two{a}{b}', { macros: counted }).formulas[0].operands[0].type, 'pow');
});

test('macros written the MathJax way: {a \\over b}, a body wrapped in braces, empty arguments, d{x}', async () => {
  const { collectMacros } = await import('./macros');
  // A derivative macro whose empty first argument is the order, built on a differential macro of its own.
  const macros = collectMacros('\\newcommand{\\dif}[1]{{\\operatorname{d}\\!{#1}}} \\newcommand{\\der}[3]{{\\dif{}^{#1} #2 \\over \\dif{#3}^{#1}}}');
  const kind = (latex: string) => {
    const r = parseLatex(latex, { macros });
    assert.equal(r.problems.length, 0, latex);
    const n = r.formulas[0].operands[0];
    return n.type === 'deriv' ? `deriv ${n.form} order ${n.order}` : n.type;
  };
  assert.equal(kind('{d y \\over d x}'), 'deriv leibniz order 1');
  assert.equal(kind('\\der{}{y}{x}'), 'deriv leibniz order 1');
  assert.equal(kind('\\der{}{}{x}(\\sin x)'), 'deriv operator order 1');
  assert.equal(kind('\\frac{d}{d{x}} x^2'), 'deriv operator order 1');
  // A braced body keeps its braces when a script follows (`{A^{-1}}^T` must not become A^{-1}^T).
  const inv = collectMacros('\\newcommand{\\inv}[1]{{#1^{-1}}}');
  assert.equal(parseLatex('\\inv{A}^T', { macros: inv }).problems.length, 0);
  // Spans of a rewritten \\over stay inside the formula.
  const r = parseLatex('1 + {a \\over b}');
  assert.deepEqual(r.formulas[0].operands[0].span, { start: 0, end: 15 });
});

test('equation numbers and cross-references are valid LaTeX: never a syntax error, never part of a formula', () => {
  for (const latex of ['x^2 \\label{eq:sq}', '\\setcounter{equation}{4} x = 1', 'x \\nonumber', 'y \\notag', 'a \\tag*{A}',
    'see \\eqref{eq:sq}', '\\ref{fig} + 1', '\\numberwithin{equation}{section} z']) {
    assert.equal(validateLatex(latex, false, {}), null, latex);
  }
  // The rest of the formula is still validated.
  assert.ok(validateLatex('x^2 \\label{a} + \\frac{1}', true, {}));
  const r = parseLatex('\\setcounter{equation}{3} f(x) = x^2 \\label{eq:f}');
  assert.equal(r.problems.length, 0);
  assert.equal(r.formulas[0].operands.length, 2);
});

test('walk visits every node in the order children() gives, for every kind of node', () => {
  const formulas = [
    "-\\frac{d}{dx}\\sin^2(x^3) + \\|A\\mathbf x\\|_2 - f''(x) \\cdot g^{(n)}(y)",
    '\\lim_{h\\to 0}\\frac{f(x+h)-f(x)}{h} + \\sum_{i=1}^n i^2 + \\int_0^1 t\\,dt',
    '\\frac{\\partial^2 f}{\\partial x\\partial y}\\Big|_{x=1} = \\begin{bmatrix} a & b \\\\ c & d \\end{bmatrix}(1, 2) + \\log_2 x + \\sqrt[3]{x}',
    '\\left. x^2 \\right|_0^1 + f[g(x)] + \\binom{n}{k} + x \\in \\mathbb{R}^{n\\times m}',
  ];
  const kinds = new Set<string>();
  for (const latex of formulas) {
    for (const formula of parseLatex(latex).formulas) {
      for (const root of formula.operands) {
        const expected: Node[] = [];
        const rec = (n: Node) => {
          expected.push(n);
          kinds.add(n.type);
          for (const c of children(n)) rec(c);
        };
        rec(root);
        const got: Node[] = [];
        walk(root, (n) => got.push(n));
        assert.equal(got.length, expected.length, latex);
        got.forEach((n, i) => assert.equal(n, expected[i], `${latex}: node ${i}`));
        assert.equal(containsNode(root, (n) => n === expected[expected.length - 1]), true);
      }
    }
  }
  // The formulas above reach the kinds of node the traversal has special cases for.
  for (const k of ['neg', 'add', 'mul', 'div', 'pow', 'call', 'apply', 'prime', 'deriv', 'evalat', 'limit', 'bigop', 'tuple', 'matrix', 'norm']) {
    assert.ok(kinds.has(k), `no ${k} node among the test formulas (${[...kinds].join(', ')})`);
  }
});

test('a function argument written without brackets is marked bare; e^{…} ends it', () => {
  const first = (latex: string) => parseLatex(latex).formulas[0].operands[0];
  const bare = first('\\sin 2x');
  assert.equal(bare.type === 'call' && bare.bare, true);
  const bracketed = first('\\sin(2x)');
  assert.equal(bracketed.type === 'call' && bracketed.bare, undefined);
  const product = first('\\sin x e^{x}');
  assert.equal(product.type, 'mul');
  assert.equal(product.type === 'mul' && product.factors[0].type === 'call' && product.factors[0].args[0].type, 'sym');
});
