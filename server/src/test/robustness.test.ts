/**
 * Pathological notes: towers, huge sums, deep nesting, a 5 MB note, a 100 kB line, macro loops, unbalanced
 * braces, binary junk, CRLF and Unicode math. Each: no exception, every range inside the document, and a
 * diagnostic or "not checked" where the input cannot be read. Nothing here asserts on time (no timed unit
 * tests); the benchmark (`npm run bench`) measures speed.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { checkDocument, type ClaimReport, type DocumentReport } from '../engine';
import { LineMap } from '../scan/lines';
import { hover } from '../lsp/hover';
import { differentiate } from '../lsp/differentiate';
import { generateNote, seededRng } from '../testing/notes';
import { assertSane, checkOrExplain } from './invariants';
import { REPO } from './helpers';

function checked(text: string, mode: 'markdown' | 'text' = 'markdown'): DocumentReport {
  const r = checkOrExplain(text, { mode });
  assertSane(text, r);
  return r;
}

function only(r: DocumentReport): ClaimReport {
  assert.equal(r.claims.length, 1, r.claims.map((c) => `${c.verdict}: ${c.latex.slice(0, 60)} — ${c.reason}`).join('\n'));
  return r.claims[0];
}

/** Unchecked with a reason, or a LaTeX diagnostic: what unreadable input must give. */
function uncheckedOrDiagnosed(r: DocumentReport): void {
  const ok = r.claims.every((c) => c.verdict === 'unchecked' && c.reason.length > 0);
  assert.ok(ok, r.claims.map((c) => `${c.verdict}: ${c.reason}`).join('\n'));
  assert.ok(r.claims.length > 0 || r.diagnostics.some((d) => d.code === 'latex-syntax'), 'a claim not checked, or a LaTeX diagnostic');
}

/** Hover on the first formula: never throws, stays inside the document. */
function hoverSane(text: string, r: DocumentReport): void {
  const lines = new LineMap(text);
  const f = r.fragments.find((g) => g.delimiter !== 'bare-inline');
  if (!f) return;
  for (const at of [f.start, Math.floor((f.start + f.end) / 2), f.end]) {
    const h = hover({ text, position: lines.positionAt(at), report: r, reportText: text, lines });
    if (h?.range) assert.ok(h.range.end.line < lines.lineCount);
  }
}

test('robustness: towers x^{x^{x^{x^{x}}}}', () => {
  const five = 'x^{x^{x^{x^{x}}}}';
  // A wrong derivative of a tower is false (or not checked), never an exception.
  const wrong = checked(`$\\frac{d}{dx} ${five} = x$`);
  assert.ok(['false', 'unchecked'].includes(only(wrong).verdict), only(wrong).reason);
  // x^x = e^{x ln x}: a true identity stays verified.
  assert.equal(only(checked('$x^{x} = e^{x \\ln x}$')).verdict, 'verified');
  // Taller towers: not checked (or false), never thrown.
  for (const n of [10, 30, 100]) {
    const tower = 'x^{'.repeat(n) + 'x' + '}'.repeat(n);
    const r = checked(`$\\frac{d}{dx} ${tower} = 1$`);
    assert.ok(['false', 'unchecked'].includes(only(r).verdict), `${n}: ${only(r).reason}`);
    hoverSane(`$\\frac{d}{dx} ${tower} = 1$`, r);
  }
  // The differentiate request on a tall tower answers (a derivative or an error), without throwing.
  const d = differentiate({ latex: 'x^{'.repeat(300) + 'x' + '}'.repeat(300), variable: 'x' });
  assert.ok('latex' in d || 'error' in d);
});

test('robustness: a 10,000-term sum', () => {
  const terms = Array.from({ length: 10_000 }, (_, i) => `${(i % 7) + 1}x^{${i % 5}}`);
  const r = checked(`$\\frac{d}{dx}\\left(${terms.join(' + ')}\\right) = 1$`);
  const c = only(r);
  assert.ok(['unchecked', 'false'].includes(c.verdict), c.reason);
  // 10,000 x's are 10000x: verified (or not checked when it runs out of time), never false.
  const sum = checked(`$${Array.from({ length: 10_000 }, () => 'x').join(' + ')} = 10000x$`);
  assert.notEqual(only(sum).verdict, 'false', only(sum).reason);
  hoverSane(`$${terms.join(' + ')}$`, checked(`$${terms.join(' + ')}$`));
});

test('robustness: 200-deep nesting of brackets, fractions, roots, powers and derivatives', () => {
  const d = 200;
  const cases: [string, string][] = [
    ['parentheses', `\\frac{d}{dx}${'('.repeat(d)}x${')'.repeat(d)} = 1`],
    ['\\left( \\right)', `\\frac{d}{dx}${'\\left('.repeat(d)}x${'\\right)'.repeat(d)} = 1`],
    ['braces', `\\frac{d}{dx}${'{'.repeat(d)}x^2${'}'.repeat(d)} = 2x`],
    ['fractions', `${'\\frac{1}{'.repeat(d)}x${'}'.repeat(d)} = x`],
    ['roots', `\\frac{d}{dx}${'\\sqrt{'.repeat(d)}x${'}'.repeat(d)} = 1`],
    ['functions', `\\frac{d}{dx}${'\\sin('.repeat(d)}x${')'.repeat(d)} = 1`],
    ['powers', `x${'^{x'.repeat(d)}${'}'.repeat(d)} = 1`],
    ['absolute values', `${'\\left|'.repeat(d)}x${'\\right|'.repeat(d)} = x`],
  ];
  for (const [name, latex] of cases) {
    for (const text of [`$${latex}$`, `$$\n${latex}\n$$`, `\\begin{align}\n${latex}\n\\end{align}`]) {
      const r = checked(text);
      assert.ok(r.claims.length >= 1, `${name}: the claim is seen (${text.slice(0, 40)}…)`);
      for (const c of r.claims) assert.notEqual(c.verdict, 'false', `${name}: ${c.reason}`);
      hoverSane(text, r);
    }
  }
  // Deeper still, with rows around it: the other rows are checked as usual.
  const deep = '\\sqrt{'.repeat(1000) + 'x' + '}'.repeat(1000);
  const r = checked(`$$\\begin{aligned}\\frac{d}{dx}x^2 &= 2x \\\\ ${deep} &= 1 \\\\ &= 2\\end{aligned}$$`);
  assert.equal(r.claims[0].verdict, 'verified', r.claims[0].reason);
  assert.ok(r.claims.slice(1).every((c) => c.verdict === 'unchecked'), r.claims.map((c) => c.reason).join('\n'));
  assert.match(r.claims[1].reason, /nested/);
  // A derivative operator applied 200 times, and 200 primes.
  checked(`$${'\\frac{d}{dx}'.repeat(d)}x^2 = 0$`);
  uncheckedOrDiagnosed(checked(`$f${"'".repeat(d)}(x) = 0$`));
});

test('robustness: a 5 MB note', () => {
  const { text: lecture } = generateNote(7, { lines: 2000 });
  const prose = 'The derivative measures how fast a quantity changes. The book costs $5 and the solutions $6.\nInline code is not math: `$x^2 = 3$`.\n';
  const code = '```\n$\\frac{d}{dx} x^2 = 5$ (code, not math)\n```\n';
  const chunks: string[] = [lecture];
  let size = lecture.length;
  while (size < 5 * 1024 * 1024) {
    const block = prose.repeat(40) + code + '\n';
    chunks.push(block);
    size += block.length;
  }
  chunks.push('\n## At the very end\n\nA wrong one: $\\frac{d}{dx} x^3 = 2x^2$.\n');
  const text = chunks.join('');
  assert.ok(text.length >= 5 * 1024 * 1024);
  const r = checked(text);
  const small = checkDocument(lecture);
  // The lecture's claims and the last one; the code blocks and money are not math.
  assert.equal(r.claims.length, small.claims.length + 1);
  const last = r.claims[r.claims.length - 1];
  assert.equal(last.verdict, 'false');
  assert.equal(text.slice(last.start, last.end), '\\frac{d}{dx} x^3 = 2x^2');
  assert.ok(r.diagnostics.some((d) => d.start === last.start && d.code === 'false-claim'));
});

test('robustness: a single 100 kB line', () => {
  // 100 kB of inline claims on one line: each checked, each range on line 0.
  const claims: string[] = [];
  let n = 0;
  while (claims.join(' ').length < 100_000) {
    const k = (n % 7) + 2;
    claims.push(n % 50 === 0 ? `$\\frac{d}{dx} x^{${k}} = ${k}x^{${k}}$` : `$\\frac{d}{dx} x^{${k}} = ${k}x^{${k - 1}}$`);
    n++;
  }
  const text = claims.join(' and ');
  const r = checked(text);
  assert.equal(r.claims.length, claims.length);
  const lines = new LineMap(text);
  for (const c of r.claims) assert.equal(lines.positionAt(c.end).line, 0);
  assert.equal(r.claims.filter((c) => c.verdict === 'false').length, Math.ceil(claims.length / 50));
  assert.equal(r.claims.filter((c) => c.verdict === 'verified').length, claims.length - Math.ceil(claims.length / 50));
  // 100 kB lines of delimiter and bracket soup.
  const N = 100_000;
  for (const soup of ['$'.repeat(N), '$x'.repeat(N / 2), '\\('.repeat(N / 2), `$${'{'.repeat(N - 2)}$`, `$${'x^'.repeat(N / 2 - 1)}$`, '`'.repeat(N), '<!--'.repeat(N / 4), '= x '.repeat(N / 4), `$${'('.repeat(N)}$`, `$${'|'.repeat(N)}$`, `$${'ab'.repeat(N / 2)} = 0$`]) {
    for (const mode of ['markdown', 'text'] as const) {
      const rr = checked(soup, mode);
      for (const c of rr.claims) assert.notEqual(c.verdict, 'false', c.reason);
    }
  }
  // One formula of 100 kB: not checked or verified, never false, hover without a rendering (too long).
  const long = `$${'x + '.repeat(25_000)}x = 25001x$`;
  const lr = checked(long);
  assert.notEqual(only(lr).verdict, 'false');
  hoverSane(long, lr);
});

test('robustness: \\def and \\newcommand loops', () => {
  const loops = [
    '$\\def\\a{\\a}\\a = 1$',
    '$\\def\\a{\\b}\\def\\b{\\a} \\frac{d}{dx}\\a = 1$',
    '$\\newcommand{\\a}{\\a\\a} \\frac{d}{dx}\\a = 1$',
    '$\\newcommand{\\f}[1]{\\f{#1}} \\f{x} = x$',
    '$\\renewcommand{\\frac}[2]{\\frac{#2}{#1}} \\frac{d}{dx} x^2 = 2x$',
    // Exponential growth: each macro doubles the one before.
    `$${Array.from({ length: 20 }, (_, i) => `\\def\\m${'abcdefghijklmnopqrstu'[i + 1]}{\\m${'abcdefghijklmnopqrstu'[i]}\\m${'abcdefghijklmnopqrstu'[i]}}`).join('')}\\def\\ma{x} \\mu = 1$`,
  ];
  for (const text of loops) {
    const r = checked(text);
    for (const c of r.claims) assert.notEqual(c.verdict, 'false', `${text}: ${c.reason}`);
    assert.ok(r.claims.length > 0 || r.diagnostics.length > 0, `${text}: a claim or a diagnostic`);
    hoverSane(text, r);
  }
  // The loops defined in one fragment and used in others.
  const spread = 'Macros: $\\def\\a{\\a}$ and $\\newcommand{\\b}{\\b+1}$.\n\nThen $\\frac{d}{dx}\\a = 1$ and $\\b = 2$ and $\\frac{d}{dx}x^2 = 2x$.\n';
  const r = checked(spread);
  assert.equal(r.claims.find((c) => c.latex.includes('x^2'))?.verdict, 'verified');
  for (const c of r.claims) assert.notEqual(c.verdict, 'false', c.reason);
  hoverSane(spread, r);
  // The macros setting with a loop.
  const s = checkOrExplain('$\\R = 1$ and $\\frac{d}{dx}x^2 = 2x$', { macros: { '\\R': '\\R\\R', '\\S': '\\S' } });
  assertSane('$\\R = 1$ and $\\frac{d}{dx}x^2 = 2x$', s);
});

test('robustness: unbalanced braces and delimiters give a LaTeX diagnostic inside the formula', () => {
  const cases = [
    '$\\frac{d}{dx}{x^2 = 2x$',
    '$x^2}} = 2$',
    '$\\left( x = 1$',
    '$x = 1 \\right)$',
    '$$\\begin{aligned} a &= b $$',
    '$$\\end{aligned} a = b $$',
    '$\\frac{d}{dx$',
    '$\\sqrt[3{x} = 1$',
    '$x_{1 = 2$',
    '$\\frac{1}{2 = 3$',
  ];
  for (const text of cases) {
    const r = checked(text);
    const syntax = r.diagnostics.filter((d) => d.code === 'latex-syntax');
    assert.ok(syntax.length > 0, `${text}: a LaTeX diagnostic`);
    const f = r.fragments[0];
    for (const d of syntax) assert.ok(d.start >= f.start && d.end <= f.outerEnd, `${text}: the diagnostic ${d.start}..${d.end} is inside the formula`);
    for (const c of r.claims) assert.notEqual(c.verdict, 'false', `${text}: ${c.reason}`);
    hoverSane(text, r);
  }
  // Unbalanced delimiters in the note itself: the rest of the note is still checked.
  const note = 'Open $x = \\frac{1}{2\n\nand $$ never closed\n\n\\begin{align}\nx &= 1\n\nFinally $\\frac{d}{dx} x^3 = 2x^2$.\n';
  const r = checked(note);
  assert.ok(r.claims.some((c) => c.latex.includes('x^3') && c.verdict === 'false'), r.claims.map((c) => c.latex).join(' | '));
});

test('robustness: binary junk', () => {
  const rng = seededRng(99);
  for (let k = 0; k < 6; k++) {
    const bytes = Buffer.from(Array.from({ length: 20_000 }, () => Math.floor(rng() * 256)));
    for (const enc of ['utf8', 'latin1', 'utf16le'] as const) {
      const text = bytes.toString(enc);
      for (const mode of ['markdown', 'text'] as const) {
        const r = checked(text, mode);
        for (const c of r.claims) assert.notEqual(c.verdict, 'false', c.reason);
      }
    }
  }
  // NUL bytes, lone surrogates and control characters inside formulas.
  for (const junk of ['\u0000', '\ud800', '\udfff', '\u0007', '\u001b[31m', '\ufeff', '\u202e', '\uffff']) {
    const text = `$\\frac{d}{dx} x^2${junk} = 2x$ and $${junk}$ and ${junk}$x = ${junk}1$`;
    const r = checked(text);
    for (const c of r.claims) assert.notEqual(c.verdict, 'false', `${JSON.stringify(junk)}: ${c.reason}`);
    hoverSane(text, r);
  }
});

test('robustness: CRLF notes give the same verdicts at the same lines and characters as LF', () => {
  const dir = path.join(REPO, 'examples');
  for (const name of fs.readdirSync(dir).filter((f) => /\.(md|txt)$/.test(f))) {
    const lf = fs.readFileSync(path.join(dir, name), 'utf8').replace(/\r\n/g, '\n');
    const crlf = lf.replace(/\n/g, '\r\n');
    const mode = name.endsWith('.txt') ? 'text' : 'markdown';
    const a = checked(lf, mode);
    const b = checked(crlf, mode);
    const at = (text: string, r: DocumentReport) => {
      const lines = new LineMap(text);
      return r.claims.map((c) => `${JSON.stringify(lines.positionAt(c.start))}-${JSON.stringify(lines.positionAt(c.end))} ${c.verdict} ${c.kind}`);
    };
    assert.deepEqual(at(crlf, b), at(lf, a), name);
    for (const c of b.claims) assert.ok(!crlf.slice(c.start, c.end).endsWith('\r'), `${name}: a claim does not end in \\r`);
  }
  // Lone CR line breaks (old Mac) and mixed breaks.
  checked('Line one $\\frac{d}{dx} x^2 = 2x$\rLine two $$\r\\frac{d}{dx} x^3 = 3x^2\r$$\r\n= done\n');
});

test('robustness: Unicode math (∂, √, ², θ, 𝑥) is read or left unchecked, never misread as false', () => {
  const cases: [string, 'verified' | 'not-false'][] = [
    ['$\\frac{d}{dx} x² = 2x$', 'verified'],
    ['$\\frac{d}{dx} x³ = 3x²$', 'verified'],
    ['$\\frac{d}{dx} √x = \\frac{1}{2√x}$', 'verified'],
    ['$\\frac{d}{dθ} \\sin θ = \\cos θ$', 'verified'],
    ['$∂/∂x (x²y) = 2xy$', 'not-false'],
    ['$\\frac{∂}{∂x} x²y = 2xy$', 'not-false'],
    ['$\\frac{d}{d𝑥} 𝑥^2 = 2𝑥$', 'not-false'],
    ['$∇f = 0$', 'not-false'],
    ['$\\frac{d}{dx} x^2 = 2x$ — naïve café 中文 😀', 'verified'],
    ['d/dx x² = 2x', 'not-false'],
  ];
  for (const [text, want] of cases) {
    for (const mode of ['markdown', 'text'] as const) {
      const r = checked(text, mode);
      for (const c of r.claims) {
        if (want === 'verified' && mode === 'markdown') assert.equal(c.verdict, 'verified', `${text}: ${c.reason}`);
        else assert.notEqual(c.verdict, 'false', `${text}: ${c.reason}`);
      }
      hoverSane(text, r);
    }
  }
  // A wrong one in Unicode is still caught.
  const wrong = checked('$\\frac{d}{dx} x³ = 2x²$');
  assert.equal(only(wrong).verdict, 'false');
});
