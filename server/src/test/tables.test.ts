/**
 * Tables of derivatives (issue 12, item 5) and the `$` dialects' table cells (item 6): a table whose header states
 * a relation claims it on every row, reported in the claiming cell. Every note here is written for these tests.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { check, claimWith } from './helpers';
import { headerRole, tableRelation } from '../interpret/tables';
import { scanMath } from '../scan/scan';

const table = (header: string, ...rows: string[]) => [header, header.replace(/[^|]+/g, '---'), ...rows].join('\n') + '\n';

test('tables: the headers that state a relation, and those that do not', () => {
  assert.equal(headerRole('$f(x)$')?.role, 'function');
  assert.equal(headerRole("$f'(x)$")?.role, 'derivative');
  assert.equal(headerRole('$\\frac{df}{dx}$')?.role, 'derivative');
  assert.equal(headerRole('$\\dfrac{d}{dt}\\left[g(t)\\right]$')?.role, 'derivative');
  assert.equal(headerRole('**Derivative**')?.role, 'derivative');
  assert.equal(headerRole('Antiderivative')?.role, 'antiderivative');
  assert.equal(headerRole('$\\int f(x)\\,dx$')?.role, 'antiderivative');
  assert.equal(headerRole("$F'(x) = \\frac{dF}{dx}$")?.role, 'derivative', 'two notations of one column');
  assert.equal(headerRole('value at 0'), null);
  assert.equal(headerRole("$f'(0)$"), null, 'a value at a point is no column of derivatives');
  const rel = (h: string) => tableRelation({ header: h.split('|').map((c) => c.trim()).filter(Boolean), rows: [] });
  assert.deepEqual(rel("| $g(t)$ | $g'(t)$ |")?.variable, 't');
  assert.equal(rel('| $x$ | $x^2$ |'), null, 'no relation stated');
  assert.equal(rel('| rule | formula |'), null);
  assert.equal(rel("| $f(x)$ | $h'(x)$ |"), null, 'the derivative of another function');
  assert.deepEqual(rel("| $f(x)$ | $f'(x)$ | $f(x)$ | $f'(x)$ |")?.claims.map((c) => [c.fnCol, c.col]), [[0, 1], [2, 3]], 'two pairs side by side');
});

test('tables: each row is a claim, false rows squiggled in the derivative cell', () => {
  const text = '# Rules\n\n' + table('| $f(x)$ | $f\'(x)$ |', '| $x^3$ | $3x^2$ |', '| $e^{2x}$ | $e^{2x}$ |');
  const r = check(text);
  assert.equal(claimWith(r, '\\left(x^3\\right)').verdict, 'verified');
  const wrong = claimWith(r, '\\left(e^{2x}\\right)');
  assert.equal(wrong.verdict, 'false');
  const cell = text.lastIndexOf('e^{2x}');
  assert.deepEqual([wrong.start, wrong.end], [cell, cell + 'e^{2x}'.length], 'the range is the derivative cell');
  const d = r.diagnostics.find((x) => x.code === 'false-claim');
  assert.ok(d && d.start === cell && d.end === cell + 6);
  assert.equal(wrong.expected !== undefined, true, 'a quick fix may replace the cell');
});

test('tables: words in the header, another variable, a second derivative', () => {
  const words = check(table('| function | derivative |', '| $\\sin(3x)$ | $3\\cos(3x)$ |', '| $\\ln x$ | $x$ |'));
  assert.equal(claimWith(words, '\\sin(3x)').verdict, 'verified');
  assert.equal(claimWith(words, '\\ln x').verdict, 'false');
  const t = check(table('| $s(t)$ | $\\frac{ds}{dt}$ |', '| $t^4$ | $4t^3$ |', '| $\\cos t$ | $\\sin t$ |'));
  assert.equal(claimWith(t, 't^4').verdict, 'verified');
  assert.equal(claimWith(t, '\\cos t').verdict, 'false');
  const second = check(table("| $y$ | $y''$ |", '| $x^4$ | $12x^2$ |'));
  assert.equal(claimWith(second, 'x^4').verdict, 'verified');
});

test('tables: antiderivatives are checked by differentiating the claimed cell; no replacement is offered', () => {
  const r = check(table('| function | antiderivative |', '| $2x$ | $x^2 + C$ |', '| $\\sin x$ | $\\cos x + C$ |'));
  assert.equal(claimWith(r, 'x^2 + C').verdict, 'verified');
  const wrong = claimWith(r, '\\cos x + C');
  assert.equal(wrong.verdict, 'false');
  assert.match(wrong.reason, /^Not an antiderivative/);
  assert.equal(wrong.expected, undefined);
});

test('tables: no relation in the header, prose, blanks and several expressions claim nothing', () => {
  assert.equal(check(table('| $x$ | $x^2$ |', '| $2$ | $5$ |')).claims.length, 0);
  assert.equal(check(table('| input | output |', '| $x^2$ | $3x$ |')).claims.length, 0);
  const r = check(table("| $f(x)$ | $f'(x)$ |", '| $x^n$, $n \\ne 0$ | $nx^{n-1}$ |', '| $\\tan x$ | see above |', '| $x^2$ |  |', '| the identity | $1$ |'));
  assert.equal(r.claims.filter((c) => c.latex.startsWith('\\frac{d}{dx}')).length, 0);
  assert.ok(!r.claims.some((c) => c.verdict === 'false'));
});

test('tables: a row whose letter is not the header\'s variable is never false', () => {
  const r = check(table("| $f(x)$ | $f'(x)$ |", '| $u^2$ | $2u$ |', '| $a t$ | $a$ |'));
  assert.ok(r.claims.every((c) => c.verdict !== 'false'), r.claims.map((c) => `${c.latex}: ${c.verdict}`).join('\n'));
  // Without a variable in the header, the row's one letter is the variable.
  assert.equal(claimWith(check(table('| function | derivative |', '| $e^{-u}$ | $-e^{-u}$ |')), 'e^{-u}').verdict, 'verified');
});

test('tables: a $ never pairs across cells; \\| in a cell is a bar', () => {
  const text = table('| a | b |', '| $5 | $6 |', '| $\\|x\\|$ | $x$ |');
  for (const dialect of ['vscode', 'pandoc', 'github'] as const) {
    const frags = scanMath(text, { mode: 'markdown', dollarDialect: dialect }).fragments.filter((f) => f.delimiter === '$');
    assert.deepEqual(frags.map((f) => f.latex.replace(/\s+/g, '')), ['|x|', 'x'], dialect);
    assert.deepEqual(frags.map((f) => f.cell && [f.cell.row, f.cell.col, f.cell.alone]), [[2, 0, true], [2, 1, true]]);
  }
  // A table without leading pipes, and cells beyond the header's count (not shown) hold no math.
  const loose = scanMath('x | y\n--|--\n$a$ | $b$ | $c$\n', { mode: 'markdown' }).fragments;
  assert.deepEqual(loose.map((f) => f.latex), ['a', 'b']);
});

test('prose that presents a formula as a mistake makes it unchecked, not false', () => {
  const r = check('Students often write\n\n$$\\frac{d}{dx} x^3 = x^2$$\n\nbut you cannot do\n\n$$\\frac{d}{dx}\\sin(x^2) = \\cos(2x)$$\n\nbecause the chain rule applies.\n');
  assert.equal(claimWith(r, '\\sin(x^2)').verdict, 'unchecked');
  assert.equal(claimWith(r, '\\sin(x^2)').reasonCode, 'shown-as-wrong');
  assert.equal(claimWith(r, 'x^3').verdict, 'false', 'no word of a mistake: checked');
});

test('size switches before an aligned block do not hide its rows', () => {
  const r = check('$$\n\\Large\n\\begin{aligned}\n\\frac{d}{dx} x^2 &= 2x \\\\\n\n\\frac{d}{dx} x^3 &= 2x^2\n\\end{aligned}\n$$\n');
  assert.equal(claimWith(r, 'x^2 = 2x').verdict, 'verified');
  assert.equal(claimWith(r, 'x^3').verdict, 'false');
});
