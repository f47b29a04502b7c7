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
import { LineMap } from '../scan/lines';
import { toDiagnostics } from '../lsp/diagnostics';
import { DEFAULT_SETTINGS } from '../lsp/protocol';
import { DiagnosticSeverity } from 'vscode-languageserver';

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

describe('suspicious notation: a warning and the likely reading, never a false verdict on a misreading', () => {
  const warnings = (r: ReturnType<typeof check>) => r.diagnostics.filter((d) => d.code === 'suspicious-notation');

  test('a braced number right after a labelled symbol is a subscript whose _ is missing', () => {
    const note = 'The off-diagonal entries agree:\n\n$$S^{(2)}_{13} = S^{(2)}{31} = -0.5 \\times 0.2 = -0.1$$\n';
    const r = check(note);
    const w = warnings(r);
    assert.equal(w.length, 1, JSON.stringify(r.diagnostics));
    assert.equal(w[0].severity, 'warning');
    assert.equal(note.slice(w[0].start, w[0].end), 'S^{(2)}{31}');
    assert.equal(w[0].message, 'S^{(2)}{31} looks like S^{(2)}_{31} with the _ missing');
    // Read as S^{(2)}_{31}, nothing here is false (as S^{(2)}·31 the step to −0.5 × 0.2 would be).
    assert.ok(r.claims.every((c) => c.verdict !== 'false'), verdictsOf(r));
    assert.ok(!r.diagnostics.some((d) => d.code === 'false-claim'));
    const step = claimWith(r, 'S^{(2)}{31} = -0.5');
    assert.match(step.reason, /\(read as S\^\{\(2\)\}_\{31\}\)$/);
  });

  test('the repaired reading is checked, and the reason says how the piece was read', () => {
    const ok = check('$$\\frac{d}{dx}\\big(w^{(1)}{2}\\, x^2\\big) = 2 w^{(1)}_{2}\\, x$$\n');
    const c = claimWith(ok, '\\frac{d}{dx}');
    assert.equal(c.verdict, 'verified', verdictsOf(ok));
    assert.match(c.reason, /read as w\^\{\(1\)\}_\{2\}/);
    const bad = check('$$\\frac{d}{dx}\\big(w^{(1)}{2}\\, x^2\\big) = w^{(1)}_{2}\\, x$$\n');
    const b = claimWith(bad, '\\frac{d}{dx}');
    assert.equal(b.verdict, 'false', verdictsOf(bad));
    assert.match(b.reason, /read as w\^\{\(1\)\}_\{2\}/);
  });

  test('a differential over two letters, in a formula that differentiates by one of them, is a mistyped derivative', () => {
    const note = '$$\\frac{dg}{ds} = \\frac{\\partial g}{\\partial u} \\frac{du}{ds} + \\frac{\\partial g}{\\partial v} \\frac{dv}{sv}$$\n';
    const r = check(note);
    const w = warnings(r);
    assert.equal(w.length, 1, JSON.stringify(r.diagnostics));
    assert.equal(note.slice(w[0].start, w[0].end), '\\frac{dv}{sv}');
    assert.equal(w[0].message, '\\frac{dv}{sv} has a differential above the bar but none below: it looks like \\frac{dv}{ds}');
    const c = claimWith(r, '\\frac{dg}{ds}');
    assert.equal(c.verdict, 'unchecked');
    assert.equal(c.reason, `not checked: ${w[0].message}`);
  });

  test('∂ above the bar and none below: the ∂ below is missing', () => {
    const note = 'A rule: $\\frac{\\partial B\\mathbf{y}}{\\mathbf{y}^T} = B$.\n';
    const r = check(note);
    const w = warnings(r);
    assert.equal(w.length, 1, JSON.stringify(r.diagnostics));
    assert.equal(note.slice(w[0].start, w[0].end), '\\frac{\\partial B\\mathbf{y}}{\\mathbf{y}^T}');
    assert.match(w[0].message, /it looks like \\frac\{\\partial B\\mathbf\{y\}\}\{\\partial \\mathbf\{y\}\^T\}$/);
    const c = claimWith(r, '= B');
    assert.equal(c.verdict, 'unchecked');
    assert.match(c.reason, /^not checked: .*no ∂ below/);
  });

  test('a claim decided through a definition holding such a piece is not checked either', () => {
    const note = '# Rates\n\n$$r = \\frac{dw}{uw}, \\quad \\frac{d}{du} u^2 = 2u$$\n\nSo $\\frac{d}{du}(r\\, u) = 0$ and $\\frac{d}{du} u^3 = 3u^2$.\n';
    const r = check(note);
    assert.equal(warnings(r).length, 1, JSON.stringify(r.diagnostics));
    const c = claimWith(r, '(r\\, u) = 0');
    assert.equal(c.verdict, 'unchecked', verdictsOf(r));
    assert.match(c.reason, /^not checked: it uses the definition of r, where \\frac\{dw\}\{uw\} has a differential above the bar but none below/);
    assert.equal(claimWith(r, 'u^3').verdict, 'verified');
    assert.equal(claimWith(r, 'u^2 = 2u').verdict, 'verified');
  });

  test('ordinary notation gets no warning', () => {
    const ordinary = [
      '$x^{(1)} + x^{(2)} = 3$',
      '$\\frac{d}{dx} e^{2x} = 2e^{2x}$',
      '$\\frac{dy}{dt} = 3t^2$',
      '$\\frac{\\Delta y}{\\Delta x} \\approx 2$',
      '$\\frac{df}{dx}\\Big|_{x=0} = 1$',
      '${n \\choose k} = \\binom{n}{k}$',
      '$a_{ij} = a_{ji}$',
      '$\\int \\frac{dx}{x} = \\ln|x| + C$',
      '$\\frac{dy}{y} = k\\,dt$',
      '$\\frac{dN}{rN} = dt$',
      '$r = \\frac{d}{2}$',
      '$\\frac{\\partial^2 f}{\\partial x\\,\\partial y} = 0$',
      '$\\frac{\\partial}{\\partial x}(x^2 y) = 2xy$',
      '$\\theta^{(t+1)} = \\theta^{(t)} - \\eta \\nabla L$',
      '$W^{[2]} a^{[1]} + b^{[2]}$',
      '$f^{(n)}(x) = n!$',
    ];
    for (const note of ordinary) {
      const r = check(note + '\n');
      assert.deepEqual(warnings(r), [], note);
    }
  });

  test('in the editor it is a warning with its code, on the suspicious piece', () => {
    const note = 'Entries: $Q^{(2)}_{12} = Q^{(2)}{21}$.\n';
    const d = toDiagnostics(check(note), new LineMap(note), DEFAULT_SETTINGS).filter((x) => x.code === 'suspicious-notation');
    assert.equal(d.length, 1);
    assert.equal(d[0].severity, DiagnosticSeverity.Warning);
    assert.deepEqual(d[0].range, { start: { line: 0, character: note.indexOf('Q^{(2)}{') }, end: { line: 0, character: note.indexOf('$.') } });
  });
});
