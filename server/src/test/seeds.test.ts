/**
 * The three seed notes in ../shared/seeds: real notes of the kind our users write. Their formulas are test
 * facts: the only false claim is the quotient rule in 000, and the listed rules are verified.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { check, sharedDir, verdictsOf } from './helpers';
import { checkDocument, type DocumentReport } from '../engine';

const seeds = sharedDir('seeds');

function load(prefix: string): { text: string; report: DocumentReport } | null {
  if (!seeds) return null;
  const file = fs.readdirSync(seeds).find((f) => f.startsWith(prefix));
  if (!file) return null;
  const text = fs.readFileSync(path.join(seeds, file), 'utf8');
  return { text, report: check(text, { mode: file.endsWith('.txt') ? 'text' : 'markdown', budgetMs: 1000 }) };
}

/** The claim whose source text (whitespace ignored) equals or contains `needle`. */
function verdictOf(s: { text: string; report: DocumentReport }, needle: string): string {
  const norm = (x: string) => x.replace(/\s+/g, '');
  const c = s.report.claims.find((k) => norm(s.text.slice(k.start, k.end)).includes(norm(needle)));
  if (!c) throw new Error(`no claim with ${needle}\n${verdictsOf(s.report)}`);
  return c.verdict;
}

test('seed 000: the quotient rule is the only false claim; the rules are verified', (t) => {
  const s = load('000_');
  if (!s) return t.skip('../shared/seeds not present');
  const falses = s.report.claims.filter((c) => c.verdict === 'false');
  assert.equal(falses.length, 1, verdictsOf(s.report));
  assert.match(s.text.slice(falses[0].start, falses[0].end), /\(f\/g\)' = \(f'g \+ fg'\)\/g\^2/);
  for (const needle of [
    "(f+g)' = f' + g'",
    "(fg)' = fg' + f'g",
    "(1/f)' = -f'/f^2",
    "(x^a)' = ax^{a-1}",
    "(a^{bx})' = a^{bx} \\cdot b\\log(a)",
    "(\\log_a x)' = 1/(x \\ln a)",
    "(\\ln(x))' = 1/x",
    '\\frac{dy}{dx} = \\frac{dy}{dz} \\cdot \\frac{dz}{dx}',
    '\\frac{dy}{dx} = \\frac{dy}{da} \\cdot \\frac{da}{dx} + \\frac{dy}{db} \\cdot \\frac{db}{dx}',
    '\\frac{dz}{dx} = \\frac{\\partial z}{\\partial x} + \\frac{\\partial z}{\\partial y} \\frac{dy}{dx}',
    '\\partial y/\\partial z\n\n= \\partial y/\\partial x \\cdot \\partial x/\\partial z',
    '= 6x^5 \\cdot 1/{2x}',
    '= 3x^4',
  ]) {
    assert.equal(verdictOf(s, needle), 'verified', `${needle}\n${verdictsOf(s.report)}`);
  }
});

test('seed 001: the Leibniz chain rule is verified, the total derivative with \\cdots is not checked', (t) => {
  const s = load('001_');
  if (!s) return t.skip('../shared/seeds not present');
  assert.equal(s.report.claims.filter((c) => c.verdict === 'false').length, 0, verdictsOf(s.report));
  assert.equal(verdictOf(s, '\\frac{dy}{dx} = \\frac{dy}{du} \\cdot \\frac{du}{dx}'), 'verified');
  assert.equal(verdictOf(s, '\\frac{du}{dx} = f\'(u) \\cdot g\'(x)'), 'verified');
  assert.equal(verdictOf(s, '\\frac{df}{dt} = \\frac{\\partial f}{\\partial x_1}'), 'unchecked');
});

test('seed 002: the eight rules and the notation chain are verified, the only false claim is the index typo', (t) => {
  const s = load('002_');
  if (!s) return t.skip('../shared/seeds not present');
  const falses = s.report.claims.filter((c) => c.verdict === 'false');
  assert.equal(falses.length, 1, verdictsOf(s.report));
  assert.equal(s.text.slice(falses[0].start, falses[0].end), '\\frac{dy_i}{dx_i} = A_{ij}');
  for (const needle of [
    '\\frac{d}{dx}c = 0',
    '\\frac{d}{dx}(ax) = a',
    '\\frac{d}{dx}x^n = nx^{n-1}',
    '\\frac{d}{dx}e^x = e^x',
    '\\frac{d}{dx}\\log(x) = \\frac{1}{x}',
    '\\frac{d}{dx}(g(x) + h(x)) = \\frac{dg}{dx}(x) + \\frac{dh}{dx}(x)',
    '\\frac{d}{dx}(g(x) \\cdot h(x)) = g(x)\\frac{dh}{dx}(x) + \\frac{dg}{dx}(x)h(x)',
    '\\frac{d}{dx}g(h(x)) = \\frac{dg}{dh}(h(x)) \\cdot \\frac{dh}{dx}(x)',
    "f'(x) = f'",
    "f' = \\frac{dy}{dx}",
    '\\frac{dy}{dx} = \\frac{df}{dx}',
    '\\frac{df}{dx} = \\frac{d}{dx}f(x)',
    '\\frac{d}{dx}f(x) = Df(x)',
    'Df(x) = D_x f(x)',
  ]) {
    assert.equal(verdictOf(s, needle), 'verified', `${needle}\n${verdictsOf(s.report)}`);
  }
});

test('seed 001: the matrix derivatives are verified in denominator layout', (t) => {
  const s = load('001_');
  if (!s) return t.skip('../shared/seeds not present');
  for (const needle of [
    '\\nabla_{\\mathbf{x}} A\\mathbf{x} = A^T',
    '\\nabla_{\\mathbf{x}} \\mathbf{x}^TA\\mathbf{x} = (A + A^T)\\mathbf{x}',
    '\\nabla_{\\mathbf{X}}||X||_F^2 = 2X',
  ]) {
    assert.equal(verdictOf(s, needle), 'verified', `${needle}\n${verdictsOf(s.report)}`);
  }
  const c = s.report.claims.find((k) => k.latex.includes('(A + A^T)'))!;
  assert.match(c.reason, /x ∈ ℝ[²³⁴], A ∈ ℝ\^\{(\d)×\1\}, denominator layout/);
});

test('seed 002: the vector chain rule is verified, the index typo is reported as an index mismatch', (t) => {
  const s = load('002_');
  if (!s) return t.skip('../shared/seeds not present');
  // The order of the factors is denominator layout's; the note never says which layout it uses, so the claim
  // is not checked, and the reason says where it holds.
  const chain = s.report.claims.find((k) => k.latex.replace(/\s+/g, '') === '\\frac{d\\mathbf{z}}{d\\mathbf{x}}=\\frac{d\\mathbf{y}}{d\\mathbf{x}}\\frac{d\\mathbf{z}}{d\\mathbf{y}}')!;
  assert.equal(chain.verdict, 'unchecked', verdictsOf(s.report));
  assert.equal(chain.reasonCode, 'unknown-convention');
  assert.match(chain.reason, /holds in denominator layout only/);
  // In denominator layout, as the setting can say, it is verified.
  const den = checkDocument(s.text, { matrixLayout: 'denominator' });
  assert.equal(den.claims.find((k) => k.start === chain.start && k.end === chain.end)!.verdict, 'verified');
  const typo = s.report.claims.find((k) => k.latex === '\\frac{dy_i}{dx_i} = A_{ij}')!;
  assert.equal(typo.verdict, 'false');
  assert.match(typo.reason, /^Index mismatch in dy_i\/dx_i = A_ij: j is a free index on the right but not on the left\./);
  assert.ok(s.report.diagnostics.some((d) => d.code === 'false-claim' && d.start === typo.start && d.end === typo.end));
});

test('seed 002: dy/dx = A^T for y = Ax, stated across a chain of entry-wise matrices, is verified end to end in denominator layout', (t) => {
  const s = load('002_');
  if (!s) return t.skip('../shared/seeds not present');
  // dy/dx = A^T is denominator layout: verified end to end when the layout is known.
  const den = checkDocument(s.text, { matrixLayout: 'denominator' });
  const whole = den.claims.find((c) => c.kind === 'chain' && /\\frac\{d\\mathbf\{y\}\}\{d\\mathbf\{x\}\} = \\mathbf\{A\}\^T/.test(c.latex));
  assert.ok(whole, verdictsOf(den));
  assert.equal(whole!.verdict, 'verified');
  assert.match(whole!.reason, /first and last sides of the chain agree/);
});

test('seed 002: the Taylor formulas (second order with evaluation bars, the sum up to n, the tangent line) are verified', (t) => {
  const s = load('002_');
  if (!s) return t.skip('../shared/seeds not present');
  const reasons: string[] = [];
  for (const needle of [
    'f(x) \\approx \\frac{1}{2} \\frac{d^2 f}{dx^2} \\bigg|_{x_0} (x - x_0)^2 + \\frac{df}{dx} \\bigg|_{x_0} (x - x_0) + f(x_0)',
    'f(x) \\approx \\sum_{i=0}^{n} \\frac{1}{i!} \\frac{d^{(i)}f}{dx^{i}} \\Big|_{x_0} (x - x_0)^{i}',
    'f(x) \\approx f(x_0) + \\frac{df}{dx} \\bigg|_{x_0} (x - x_0)',
  ]) {
    assert.equal(verdictOf(s, needle), 'verified', `${needle}\n${verdictsOf(s.report)}`);
    const norm = (x: string) => x.replace(/\s+/g, '');
    reasons.push(s.report.claims.find((k) => norm(s.text.slice(k.start, k.end)) === norm(needle))!.reason);
  }
  assert.match(reasons[0], /^verified: the Taylor polynomial of degree 2 of f\(x\) at x = x_0 /);
  assert.match(reasons[1], /^verified for n = 0, 1, 2, 3, 4: the Taylor polynomial of f\(x\) at x = x_0 /);
  assert.match(reasons[2], /^verified: the Taylor polynomial of degree 1 of f\(x\) at x = x_0 /);
  // "at $x=x_0$" names the point; it does not define x (which would collapse the tangent line below it).
  const point = s.report.claims.find((k) => k.latex === 'x=x_0')!;
  assert.equal(point.kind, 'value');
});
