/**
 * Notation read as the rendered page shows it (issue 11, item 8 and 11): sized delimiters, square brackets after
 * a letter, HTML entities in Markdown math, and malformed notation that gets a warning instead of a silent
 * reinterpretation.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { check, claimWith, verdictsOf } from './helpers';
import { scanMath } from '../scan/scan';
import { parseLatex } from '../parse/parser';

describe('sized delimiters are delimiters', () => {
  test('the chain rule written with \\Big[ and \\big( is verified', () => {
    const note = 'For differentiable $u$ and $v$: $\\frac{d}{dx}\\Big[u\\big(v(x)\\big)\\Big] = u\'\\big(v(x)\\big)\\,v\'(x)$.\n';
    const c = claimWith(check(note), '\\Big[');
    assert.equal(c.verdict, 'verified', c.reason);
    assert.equal(c.kind, 'rule');
  });

  test('the product rule written with \\bigl[ … \\bigr] and \\left( … \\right) is verified', () => {
    const note = 'Product rule: $\\frac{d}{dx}\\bigl[u(x)\\,v(x)\\bigr] = u\'\\left(x\\right)v(x) + u(x)\\,v\'\\bigl(x\\bigr)$.\n';
    const c = claimWith(check(note), '\\bigl[');
    assert.equal(c.verdict, 'verified', c.reason);
  });

  test('a chain rule that forgets the inner derivative is false, and the message shows no sizing command', () => {
    const note = 'Careless: $\\frac{d}{dx} u\\Bigl(v(x)\\Bigr) = u\'\\Bigl(v(x)\\Bigr)$.\n';
    const r = check(note);
    const c = claimWith(r, '\\Bigl(');
    assert.equal(c.verdict, 'false', verdictsOf(r));
    assert.match(c.reason, /u\(v\(x\)\) is not u'\(v\(x\)\)/);
    assert.doesNotMatch(c.reason, /big/i);
    assert.equal(c.start, note.indexOf('\\frac'));
    assert.equal(c.end, note.indexOf('$.'));
  });

  test('a letter that is a function here, applied with square brackets, is an application', () => {
    const note = 'With $u$ and $v$ differentiable, $\\frac{d}{dx} u[v(x)] = u\'[v(x)]\\, v\'(x)$.\n';
    const c = claimWith(check(note), 'u[v(x)]');
    assert.equal(c.verdict, 'verified', c.reason);
  });

  test('a variable before square brackets is a factor', () => {
    const r = check('Expanding, $t[t+3] = t^2 + 3t$, and $\\frac{d}{dt} t[t+3] = 2t + 3$, not $\\frac{d}{dt} t[t+3] = t + 3$.\n');
    assert.equal(claimWith(r, 't[t+3] = t^2 + 3t').verdict, 'verified', verdictsOf(r));
    assert.equal(claimWith(r, '= 2t + 3').verdict, 'verified', verdictsOf(r));
    const wrong = r.claims.find((c) => c.latex.endsWith('= t + 3'));
    assert.equal(wrong?.verdict, 'false', verdictsOf(r));
  });
});

describe('HTML character references in Markdown math', () => {
  const matrixNote = [
    '# Entities',
    '',
    '$$\\begin{bmatrix} 2 &amp; 0 \\\\ 1 &amp; 3 \\end{bmatrix}\\begin{bmatrix} 1 \\\\ 2 \\end{bmatrix} = \\begin{bmatrix} 2 \\\\ 7 \\end{bmatrix}$$',
    '',
  ].join('\n');

  test('a matrix written with &amp; separators is a matrix, and the product is checked', () => {
    const { fragments } = scanMath(matrixNote, { mode: 'markdown' });
    const p = parseLatex(fragments[0].latex);
    const lhs = p.formulas[0].operands[0];
    assert.equal(lhs.type, 'mul');
    assert.ok(lhs.type === 'mul' && lhs.factors[0].type === 'matrix' && lhs.factors[0].rows.length === 2 && lhs.factors[0].rows[0].length === 2);
    const r = check(matrixNote);
    assert.deepEqual(r.diagnostics, []);
    const c = claimWith(r, 'bmatrix');
    assert.equal(c.verdict, 'verified', c.reason);
    // The claim's range is the note's own text, delimiters excluded.
    assert.equal(c.start, matrixNote.indexOf('\\begin'));
    assert.equal(c.end, matrixNote.lastIndexOf('$$'));
  });

  test('a wrong entry in such a matrix is found', () => {
    const note = 'Here $\\frac{d}{dx}\\begin{bmatrix} x^2 &amp; x \\end{bmatrix} = \\begin{bmatrix} 2x &amp; 2 \\end{bmatrix}$.\n';
    const r = check(note);
    const c = claimWith(r, 'bmatrix');
    assert.equal(c.verdict, 'false', verdictsOf(r));
    assert.match(c.reason, /entry 2 of the left side is 1 and of the right side 2/);
    // Exactly what the same note with plain `&` gets.
    assert.equal(c.reason, claimWith(check(note.replace(/&amp;/g, '&')), 'bmatrix').reason);
  });

  test('&lt; and &gt; are the relations < and >; in a plain-text note they stay as written', () => {
    const note = 'For $0 &lt; t$ and $t^2 &gt; 0$ we have $\\frac{d}{dt} t^3 = 3t^2$.\n';
    const { fragments } = scanMath(note, { mode: 'markdown' });
    const ops = fragments.slice(0, 2).map((f) => parseLatex(f.latex).formulas[0].relations.map((x) => x.op));
    assert.deepEqual(ops, [['<'], ['>']]);
    const rel = parseLatex(fragments[0].latex).formulas[0].relations[0];
    assert.equal(note.slice(fragments[0].start + rel.span.start, fragments[0].start + rel.span.end), '&');
    assert.equal(claimWith(check(note), 't^3').verdict, 'verified');
    const plain = scanMath(note, { mode: 'text' }).fragments;
    assert.equal(plain[0].latex, '0 &lt; t');
  });
});
