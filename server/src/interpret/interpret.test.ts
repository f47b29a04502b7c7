/**
 * Stage 3 — interpret: claims in context. Inputs are built with the real scanner and parser, so each test reads
 * like a snippet of a lecturer's note. Expected offsets are computed with `indexOf` on the note text.
 *
 * Tests marked `todo` describe behaviour believed right that the interpreter does not have yet (a bug or a gap);
 * they run, and turn into ordinary tests once the interpreter is fixed.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';

import { scanMath } from '../scan/scan';
import type { MathFragment } from '../scan/types';
import { parseLatex } from '../parse/parser';
import type { Node } from '../parse/ast';
import { interpret, hasHeading, type Claim } from './claims';
import { checkDocument, type DocumentReport } from '../engine';

// ---------------------------------------------------------------------------------------------------------
// helpers

type Mode = 'markdown' | 'text';

function run(text: string, mode: Mode = 'markdown'): { fragments: MathFragment[]; claims: Claim[] } {
  const { fragments, headings } = scanMath(text, { mode });
  const claims = interpret(
    fragments,
    fragments.map((f) => parseLatex(f.latex)),
    { text, mode, headings },
  );
  // Invariants every claim must keep, whatever the input.
  for (const c of claims) {
    assert.ok(0 <= c.start && c.start < c.end && c.end <= text.length, `claim range ${c.start}-${c.end} in bounds`);
    assert.equal(c.lhs.latex, text.slice(c.lhs.base + c.lhs.node.span.start, c.lhs.base + c.lhs.node.span.end), 'lhs latex is its source');
    assert.equal(c.rhs.latex, text.slice(c.rhs.base + c.rhs.node.span.start, c.rhs.base + c.rhs.node.span.end), 'rhs latex is its source');
    assert.equal(c.start, c.lhs.base + c.lhs.node.span.start, 'a claim starts where its left operand starts');
    assert.equal(c.end, c.rhs.base + c.rhs.node.span.end, 'a claim ends where its right operand ends');
  }
  return { fragments, claims };
}

function claimsOf(text: string, mode: Mode = 'markdown'): Claim[] {
  return run(text, mode).claims;
}

/** Offset of the n-th occurrence of `needle` (fails the test when absent). */
function at(text: string, needle: string, n = 0): number {
  let i = -1;
  for (let k = 0; k <= n; k++) {
    i = text.indexOf(needle, i + 1);
    assert.notEqual(i, -1, `${JSON.stringify(needle)} #${n} not in the text`);
  }
  return i;
}

/** Offset just after the n-th occurrence of `needle`. */
function after(text: string, needle: string, n = 0): number {
  return at(text, needle, n) + needle.length;
}

/** The names bound in a claim's context, sorted. */
function bound(c: Claim): string[] {
  return [...c.context.bindings.keys()].sort();
}

/** The one claim whose LaTeX is exactly `latex`. */
function claim(claims: Claim[], latex: string): Claim {
  const found = claims.filter((c) => c.latex === latex);
  assert.equal(found.length, 1, `one claim ${JSON.stringify(latex)} among ${JSON.stringify(claims.map((c) => c.latex))}`);
  return found[0];
}

/** A small node as text, for condition assertions. */
function show(n: Node): string {
  if (n.type === 'sym') return n.name;
  if (n.type === 'num') return n.raw;
  return n.type;
}

function conditionsOf(c: Claim): string[] {
  return c.conditions.map((k) => `${show(k.lhs)} ${k.op} ${show(k.rhs)}`);
}

const lines = (...ls: string[]): string => ls.join('\n');

function check(text: string, mode: Mode = 'markdown'): DocumentReport {
  return checkDocument(text, { mode, budgetMs: 2000 });
}

function verdicts(r: DocumentReport): string {
  return r.claims.map((c) => `${c.verdict}: ${c.latex} — ${c.reason}`).join('\n');
}

// ---------------------------------------------------------------------------------------------------------

describe('chains: A = B = C', () => {
  test('a chain of two equalities gives two claims, links 0 and 1, in one chain', () => {
    const text = String.raw`Hence $(x+1)^2 = x^2 + 2x + 1 = 1 + 2x + x^2$.`;
    const claims = claimsOf(text);
    assert.equal(claims.length, 2);
    const [a, b] = claims;
    assert.deepEqual([a.link, b.link], [0, 1]);
    assert.equal(a.chain, b.chain);
    assert.deepEqual([a.op, b.op], ['=', '=']);
    assert.equal(a.latex, '(x+1)^2 = x^2 + 2x + 1');
    assert.equal(b.latex, 'x^2 + 2x + 1 = 1 + 2x + x^2');
    // From the left operand's start to the right operand's end: the middle operand is shared.
    assert.equal(a.start, at(text, '(x+1)^2'));
    assert.equal(a.end, after(text, 'x^2 + 2x + 1'));
    assert.equal(b.start, at(text, 'x^2 + 2x + 1'));
    assert.equal(b.end, after(text, '1 + 2x + x^2'));
    assert.equal(a.lhs.latex, '(x+1)^2');
    assert.equal(a.rhs.latex, 'x^2 + 2x + 1');
    assert.equal(b.lhs.latex, 'x^2 + 2x + 1');
    for (const c of claims) {
      assert.equal(c.preset, undefined);
      assert.deepEqual(c.doubts, []);
      assert.deepEqual(c.conditions, []);
      assert.equal(c.disabled, false);
      assert.equal(c.chainHasDerivative, false);
      assert.equal(c.fragment, 0);
    }
  });

  test('separate formulas start separate chains, each at link 0', () => {
    const text = String.raw`First $(x+1)^2 = x^2 + 2x + 1$, then $(x-1)^2 = x^2 - 2x + 1$.`;
    const claims = claimsOf(text);
    assert.equal(claims.length, 2);
    assert.notEqual(claims[0].chain, claims[1].chain);
    assert.deepEqual(claims.map((c) => c.link), [0, 0]);
    assert.deepEqual(claims.map((c) => c.fragment), [0, 1]);
  });

  test('a derivative anywhere in the chain marks every link', () => {
    const text = String.raw`$\frac{d}{dx}(x+1)^2 = 2(x+1) = 2x + 2$`;
    const claims = claimsOf(text);
    assert.equal(claims.length, 2);
    assert.deepEqual(claims.map((c) => c.chainHasDerivative), [true, true]);
    assert.equal(claims[0].lhs.latex, String.raw`\frac{d}{dx}(x+1)^2`);
  });

  test('\\approx links are approximations: kept as claims for the Taylor check, without a preset', () => {
    const text = String.raw`$e^x = 1 + x + \frac{x^2}{2} + \cdots \approx 1 + x$`;
    const claims = claimsOf(text);
    assert.equal(claims.length, 2);
    const [eq, approx] = claims;
    assert.equal(eq.op, '=');
    assert.equal(eq.preset, undefined);
    assert.equal(approx.op, '\\approx');
    assert.equal(approx.link, 1);
    assert.equal(approx.chain, eq.chain);
    assert.equal(approx.preset, undefined);
    assert.equal(approx.start, at(text, '1 + x + '));
    assert.equal(approx.end, text.length - 1);
  });

  test('a lone approximation', () => {
    const text = String.raw`For small $x$, $\sin x \approx x$.`;
    const claims = claimsOf(text);
    assert.equal(claims.length, 1);
    assert.equal(claims[0].latex, String.raw`\sin x \approx x`);
    assert.equal(claims[0].op, '\\approx');
    assert.equal(claims[0].preset, undefined);
    assert.deepEqual(claims[0].doubts, []);
  });

  test('an approximation for large values carries a doubt from the prose; x = x_0 is a point, not a definition', () => {
    const [large] = claimsOf(String.raw`For large $x$, $x^2 + x \approx x^2$.`).filter((c) => c.op === '\\approx');
    assert.match(large.doubts.map((d) => d.detail).join(' '), /asymptotic/);
    const claims = claimsOf(String.raw`Take $x = x_0$. Then $\frac{d}{dx}x^2 = 2x$.`);
    assert.equal(claims[0].preset?.kind, 'value');
    assert.equal(claims[1].context.bindings.has('x'), false);
  });

  test('relations that are not claims (<, >, \\to, \\in) make no claim', () => {
    for (const text of [String.raw`$x > 0$`, String.raw`$0 < x < 1$`, String.raw`$h \to 0$`, String.raw`$x \in \mathbb{R}$`, String.raw`$x \neq 0$`]) {
      assert.deepEqual(claimsOf(text), [], text);
    }
  });
});

describe('conditions', () => {
  test('an inequality in the sentence becomes a condition of its claims', () => {
    const text = String.raw`For $x > 0$, $\frac{d}{dx}\ln x = 1/x$.`;
    const claims = claimsOf(text);
    assert.equal(claims.length, 1, 'the inequality is not a claim');
    const c = claims[0];
    assert.equal(c.latex, String.raw`\frac{d}{dx}\ln x = 1/x`);
    assert.equal(c.start, at(text, String.raw`\frac`));
    assert.equal(c.end, after(text, '1/x'));
    assert.equal(c.fragment, 1);
    assert.deepEqual(conditionsOf(c), ['x > 0']);
    assert.equal(c.chainHasDerivative, true);
  });

  test('a condition written after the claim in the same sentence applies; the next sentence does not see it', () => {
    const text = String.raw`$\frac{d}{dx}\ln x = 1/x$ for $x > 0$. But $\frac{d}{dx} x^2 = 2x$ everywhere.`;
    const claims = claimsOf(text);
    assert.equal(claims.length, 2);
    assert.deepEqual(conditionsOf(claims[0]), ['x > 0']);
    assert.deepEqual(conditionsOf(claims[1]), []);
  });

  test('a condition in the previous sentence does not apply', () => {
    const text = String.raw`Take $x > 0$. Then $\frac{d}{dx}\sqrt{x^2} = 1$.`;
    const claims = claimsOf(text);
    assert.equal(claims.length, 1);
    assert.deepEqual(claims[0].conditions, []);
  });

  test('double inequalities, \\neq, \\le and \\ge all become conditions', () => {
    const text = String.raw`For $0 < x < 1$ and $y \neq 0$, $\frac{d}{dx} x y = y$.`;
    const claims = claimsOf(text);
    assert.equal(claims.length, 1);
    assert.deepEqual(conditionsOf(claims[0]), ['0 < x', 'x < 1', 'y \\neq 0']);

    const text2 = String.raw`With $x \ge 1$ and $x \le 2$ we get $x^2 - 3x + 2 = (x-1)(x-2)$.`;
    assert.deepEqual(conditionsOf(claimsOf(text2)[0]), ['x \\ge 1', 'x \\le 2']);
  });

  test('a condition in the same fragment after a comma applies', () => {
    const text = String.raw`$\frac{d}{dx}\sqrt{x^2} = 1, \quad x > 0$`;
    const claims = claimsOf(text);
    assert.equal(claims.length, 1);
    assert.equal(claims[0].latex, String.raw`\frac{d}{dx}\sqrt{x^2} = 1`);
    assert.deepEqual(conditionsOf(claims[0]), ['x > 0']);
  });
});

describe('continued chains', () => {
  test('aligned rows starting with &= continue the chain; link numbers go on', () => {
    const text = String.raw`$$\begin{aligned} \frac{d}{dx}(x+1)^2 &= 2(x+1) \\ &= 2x + 2 \\ &= 2(x + 1) \end{aligned}$$`;
    const claims = claimsOf(text);
    assert.equal(claims.length, 3);
    assert.deepEqual(claims.map((c) => c.link), [0, 1, 2]);
    assert.equal(new Set(claims.map((c) => c.chain)).size, 1);
    assert.deepEqual(claims.map((c) => c.chainHasDerivative), [true, true, true]);
    assert.deepEqual(
      claims.map((c) => [c.lhs.latex, c.rhs.latex]),
      [
        [String.raw`\frac{d}{dx}(x+1)^2`, '2(x+1)'],
        ['2(x+1)', '2x + 2'],
        ['2x + 2', '2(x + 1)'],
      ],
    );
    // A continued link spans the row break: from the previous row's right side to this row's right side.
    assert.equal(claims[1].start, at(text, '2(x+1)'));
    assert.equal(claims[1].end, after(text, '2x + 2'));
    assert.equal(claims[2].start, at(text, '2x + 2'));
    assert.equal(claims[2].end, after(text, '2(x + 1)'));
    // The claim's LaTeX reads without alignment marks and row breaks.
    assert.deepEqual(claims.map((c) => c.latex), [String.raw`\frac{d}{dx}(x+1)^2 = 2(x+1)`, '2(x+1) = 2x + 2', '2x + 2 = 2(x + 1)']);
  });

  test('a row with its own left side starts a new chain', () => {
    const text = String.raw`$$\begin{aligned} (x+1)^2 &= x^2 + 2x + 1 \\ &= 1 + 2x + x^2 \\ (x-1)^2 &= x^2 - 2x + 1 \end{aligned}$$`;
    const claims = claimsOf(text);
    assert.equal(claims.length, 3);
    assert.deepEqual(claims.map((c) => c.link), [0, 1, 0]);
    assert.equal(claims[0].chain, claims[1].chain);
    assert.notEqual(claims[1].chain, claims[2].chain);
    assert.equal(claims[2].start, at(text, '(x-1)^2'));
  });

  test('a bare align environment continues the same way', () => {
    const text = lines(String.raw`\begin{align}`, String.raw`(x+1)^2 &= x^2 + 2x + 1 \\`, '&= 1 + 2x + x^2', String.raw`\end{align}`, '');
    const claims = claimsOf(text);
    assert.equal(claims.length, 2);
    assert.deepEqual(claims.map((c) => c.link), [0, 1]);
    assert.equal(claims[1].latex, 'x^2 + 2x + 1 = 1 + 2x + x^2');
    assert.equal(claims[1].start, at(text, 'x^2 + 2x + 1'));
    assert.equal(claims[1].end, after(text, '1 + 2x + x^2'));
  });

  test('a display $$= …$$ right after a display fragment continues its chain', () => {
    const text = lines(String.raw`$$\frac{d}{dx} x^3 = 3x^2$$`, String.raw`$$= 3 x \cdot x$$`);
    const { fragments, claims } = run(text);
    assert.equal(fragments.length, 2);
    assert.equal(claims.length, 2);
    const [first, step] = claims;
    assert.equal(step.chain, first.chain);
    assert.equal(step.link, 1);
    assert.equal(step.fragment, 1);
    assert.equal(step.lhs.latex, '3x^2');
    assert.equal(step.lhs.base, fragments[0].start, 'the left operand comes from the previous fragment');
    assert.equal(step.rhs.base, fragments[1].start);
    assert.equal(step.latex, String.raw`3x^2 = 3 x \cdot x`);
    assert.equal(step.start, at(text, '3x^2'));
    assert.equal(step.end, after(text, String.raw`3 x \cdot x`));
    assert.equal(step.chainHasDerivative, true, 'carried from the previous fragment');
  });

  test('a continuation with several relations goes on numbering', () => {
    const text = lines(String.raw`$$\frac{d}{dx} x^3 = 3x^2$$`, String.raw`$$= 3 x \cdot x = x \cdot 3x$$`);
    const claims = claimsOf(text);
    assert.deepEqual(claims.map((c) => c.link), [0, 1, 2]);
    assert.equal(new Set(claims.map((c) => c.chain)).size, 1);
    assert.equal(claims[2].latex, String.raw`3 x \cdot x = x \cdot 3x`);
  });

  test('a dangling continuation (nothing before it) makes no claim', () => {
    assert.deepEqual(claimsOf('$$= 2x$$'), []);
    assert.deepEqual(claimsOf(lines('Some prose.', '', '$$= 2x$$')), []);
  });

  test('a fragment without a leading relation starts a new chain', () => {
    const text = lines(String.raw`$$\frac{d}{dx} x^3 = 3x^2$$`, String.raw`$$\frac{d}{dx} x^2 = 2x$$`);
    const claims = claimsOf(text);
    assert.equal(claims.length, 2);
    assert.notEqual(claims[0].chain, claims[1].chain);
    assert.deepEqual(claims.map((c) => c.link), [0, 0]);
  });

  test('plain text: a prose line ending in a formula, then lines starting with =', () => {
    const text = lines('Then do \\frac{d}{dx} x^3', '= 3x^2', '= 3 x \\cdot x', '');
    const { fragments, claims } = run(text, 'text');
    assert.deepEqual(fragments.map((f) => f.delimiter), ['bare-inline', 'bare', 'bare']);
    assert.equal(claims.length, 2);
    const [a, b] = claims;
    assert.equal(a.latex, String.raw`\frac{d}{dx} x^3 = 3x^2`);
    assert.equal(a.start, at(text, '\\frac'));
    assert.equal(a.end, after(text, '3x^2'));
    assert.equal(a.fragment, 1, 'the claim belongs to the = line, its left side to the prose line');
    assert.equal(b.latex, String.raw`3x^2 = 3 x \cdot x`);
    assert.equal(b.start, at(text, '3x^2'));
    assert.equal(b.end, after(text, '3 x \\cdot x'));
    assert.deepEqual([a.link, b.link], [0, 1]);
    assert.equal(a.chain, b.chain);
    assert.deepEqual([a.chainHasDerivative, b.chainHasDerivative], [true, true]);
  });

  test('plain text: = lines separated by blank lines still continue', () => {
    const text = lines('Then do \\partial y/\\partial u', '', '= \\partial y/\\partial x \\cdot \\partial x/\\partial u', '', '= 2x^2', '');
    const claims = claimsOf(text, 'text');
    assert.equal(claims.length, 2);
    assert.deepEqual(claims.map((c) => c.link), [0, 1]);
    assert.equal(claims[0].lhs.latex, '\\partial y/\\partial u');
    assert.equal(claims[1].rhs.latex, '2x^2');
  });

  test(
    'a section heading ends a chain: a $$= …$$ after a heading does not continue the previous section',
    () => {
      const text = lines(String.raw`$$\frac{d}{dx} x^2 = 2x$$`, '', '# Next topic', '', '$$= 3 x$$');
      const claims = claimsOf(text);
      assert.equal(claims.length, 1, JSON.stringify(claims.map((c) => c.latex)));
    },
  );
});

describe('definitions and the context', () => {
  test('Let f(x) = … is a definition; the binding is seen by later claims only', () => {
    const text = String.raw`Then $f'(x) = 2x\cos x$. Let $f(x) = x^2\sin x$. Hence $f'(x) = 2x\sin x + x^2\cos x$.`;
    const claims = claimsOf(text);
    assert.equal(claims.length, 3);
    const [before, def, later] = claims;
    assert.deepEqual(def.preset, { kind: 'definition', reason: 'defines f(x)' });
    assert.equal(def.start, at(text, 'f(x) = '));
    assert.equal(def.end, after(text, String.raw`x^2\sin x`));
    assert.deepEqual(bound(before), [], 'an earlier claim does not see a later definition');
    assert.deepEqual(bound(def), [], 'a claim sees the context as it stood before it');
    assert.deepEqual(bound(later), ['f']);
    const f = later.context.bindings.get('f')!;
    assert.deepEqual(f.params, ['x']);
    assert.equal(f.bodyLatex, String.raw`x^2\sin x`);
    assert.equal(f.at, at(text, String.raw`x^2\sin x`));
    assert.equal(later.preset, undefined, "a derivative of the defined function is a claim to check");
    assert.deepEqual(later.doubts, []);
  });

  test('u = x^3 binds a plain name (no parameters)', () => {
    const text = String.raw`Write $u = x^3$. Then $\frac{du}{dx} = 3x^2$.`;
    const claims = claimsOf(text);
    assert.equal(claims.length, 2);
    assert.deepEqual(claims[0].preset, { kind: 'definition', reason: 'defines u' });
    const u = claims[1].context.bindings.get('u');
    assert.ok(u);
    assert.equal(u.params, null);
    assert.equal(u.bodyLatex, 'x^3');
  });

  test('y = f(x) = x^3 - 1 defines both y and f; a further link is an ordinary claim', () => {
    const text = String.raw`$y = f(x) = x^3 - 1 = (x-1)(x^2+x+1)$ and $y' = 3x^2$.`;
    const claims = claimsOf(text);
    assert.equal(claims.length, 4);
    const [y, f, step, deriv] = claims;
    assert.deepEqual(y.preset, { kind: 'definition', reason: 'defines y' });
    assert.deepEqual(f.preset, { kind: 'definition', reason: 'defines f(x)' });
    assert.equal(step.preset, undefined);
    assert.equal(step.latex, 'x^3 - 1 = (x-1)(x^2+x+1)');
    assert.deepEqual(bound(deriv), ['f', 'y']);
    assert.equal(deriv.context.bindings.get('y')!.params, null);
    assert.equal(deriv.context.bindings.get('y')!.bodyLatex, 'f(x)');
    assert.deepEqual(deriv.context.bindings.get('f')!.params, ['x']);
    assert.equal(deriv.context.bindings.get('f')!.bodyLatex, 'x^3 - 1');
  });

  test('x = 2 and f(x, y) = -12 are values, not definitions: nothing is bound', () => {
    const text = String.raw`At $x = 2$ we get $f(x, y) = -12$, and then $\frac{d}{dx} x^2 = 2x$.`;
    const claims = claimsOf(text);
    assert.equal(claims.length, 3);
    assert.deepEqual(claims[0].preset, { kind: 'value', reason: 'gives x a value' });
    assert.deepEqual(claims[1].preset, { kind: 'value', reason: 'gives f(x, y) a value' });
    assert.deepEqual(bound(claims[2]), []);
  });

  test('f(x, y) = x y is a definition with two parameters', () => {
    const text = String.raw`Let $f(x, y) = x y$. Then $\frac{\partial f}{\partial x} = y$.`;
    const claims = claimsOf(text);
    assert.deepEqual(claims[0].preset, { kind: 'definition', reason: 'defines f(x, y)' });
    assert.deepEqual(claims[1].context.bindings.get('f')?.params, ['x', 'y']);
  });

  test(':= and \\equiv are definitions, and bind', () => {
    const text = String.raw`$g(x) := x^2 + 1$ and $c \equiv 3$. Then $g'(x) = 2x$.`;
    const claims = claimsOf(text);
    assert.equal(claims.length, 3);
    assert.equal(claims[0].op, ':=');
    assert.deepEqual(claims[0].preset, { kind: 'definition', reason: 'a definition (:=)' });
    assert.equal(claims[1].op, '\\equiv');
    assert.deepEqual(claims[1].preset, { kind: 'definition', reason: 'a definition (≡)' });
    assert.deepEqual(bound(claims[2]), ['c', 'g']);
    assert.deepEqual(claims[2].context.bindings.get('g')!.params, ['x']);
    assert.equal(claims[2].context.bindings.get('g')!.bodyLatex, 'x^2 + 1');
  });

  test('H_{ij} = … defines the subscripted name', () => {
    const text = String.raw`$H_{ij} = \frac{\partial^2 f}{\partial x_i \partial x_j}$. Then $H_{ij} + 0 = H_{ij}$.`;
    const claims = claimsOf(text);
    assert.deepEqual(claims[0].preset, { kind: 'definition', reason: 'defines H_ij' });
    assert.equal(claims[0].chainHasDerivative, true);
    const h = claims[1].context.bindings.get('H_ij');
    assert.ok(h, `bound: ${bound(claims[1])}`);
    assert.equal(h.params, null);
  });

  test('a limit on the right is a definition by a limit; a derivative on the left binds nothing', () => {
    const text = String.raw`$f'(x) = \lim_{h\to0}\frac{f(x+h) - f(x)}{h}$. So $f'(x) = 2x$ here.`;
    const claims = claimsOf(text);
    assert.equal(claims.length, 2);
    assert.deepEqual(claims[0].preset, { kind: 'definition', reason: 'a definition by a limit' });
    assert.equal(claims[0].chainHasDerivative, true);
    assert.deepEqual(bound(claims[1]), []);
    assert.equal(claims[1].preset, undefined);
  });

  test('a derivative on the left is never a definition', () => {
    const claims = claimsOf(String.raw`$f'(x) = 2x$`);
    assert.equal(claims.length, 1);
    assert.equal(claims[0].preset, undefined);
  });

  test('repeated parameters and non-symbol arguments are not definitions', () => {
    const [dup] = claimsOf(String.raw`$f(x, x) = x^2$`);
    assert.equal(dup.preset, undefined);
    const [point] = claimsOf(String.raw`$f(2) = 4$`);
    assert.equal(point.preset, undefined);
  });

  test('a name defined in terms of itself is not bound', () => {
    const text = String.raw`$n = n + 1$ and then $n^2 = n \cdot n$.`;
    const claims = claimsOf(text);
    assert.equal(claims.length, 2);
    assert.deepEqual(bound(claims[1]), []);
  });

  test('a later definition replaces an earlier one', () => {
    const text = String.raw`Let $f(x) = x^2$. Let $f(t) = \sin t$. Then $f(x) + 1 = 2$.`;
    const claims = claimsOf(text);
    assert.deepEqual(claims[1].context.bindings.get('f')?.params, ['x']);
    const f = claims[2].context.bindings.get('f')!;
    assert.deepEqual(f.params, ['t']);
    assert.equal(f.bodyLatex, String.raw`\sin t`);
  });

  test('a definition in a conditional sentence ("If $u = …$, then …") holds in that sentence only', () => {
    const text = String.raw`If $u = x^2$, then $\frac{du}{dx} = 2x$. Now $\frac{du}{dx} = 3x^2$.`;
    const claims = claimsOf(text);
    assert.equal(claims.length, 3);
    assert.deepEqual(claims[0].preset, { kind: 'definition', reason: 'defines u' });
    assert.deepEqual(bound(claims[1]), ['u']);
    assert.equal(claims[1].context.bindings.get('u')!.sentence, 0);
    assert.deepEqual(bound(claims[2]), [], 'forgotten once reading leaves the sentence');
    // "Let" is not conditional: the definition stays.
    const let_ = claimsOf(String.raw`Let $u = x^2$. Now $\frac{du}{dx} = 2x$.`);
    assert.equal(let_[1].context.bindings.get('u')!.sentence, undefined);
  });

  test('claims and bindings carry the 0-based line of their start', () => {
    const text = lines('Some prose.', '', 'Let $u = x^2$.', String.raw`Then $\frac{du}{dx} = 2x$.`);
    const claims = claimsOf(text);
    assert.deepEqual(claims.map((c) => c.line), [2, 3]);
    assert.equal(claims[1].context.bindings.get('u')!.line, 2);
  });

  test(
    'x = \\pi and x = \\sqrt{2} are values like x = 2: nothing is bound',
    () => {
      const text = String.raw`At $x = \pi$ and $y = \sqrt{2}$ we have $\frac{d}{dx}\sin x = \cos x$.`;
      const claims = claimsOf(text);
      assert.equal(claims.length, 3);
      assert.equal(claims[0].preset?.kind, 'value', JSON.stringify(claims[0].preset));
      assert.equal(claims[1].preset?.kind, 'value', JSON.stringify(claims[1].preset));
      assert.deepEqual(bound(claims[2]), []);
    },
  );
});

describe('sections and mentions reset the context', () => {
  test('a Markdown # heading resets the context', () => {
    const text = lines('Let $f(x) = x^2$.', '', '## Derivatives', '', "Then $f'(x) = 2x$.");
    const claims = claimsOf(text);
    assert.equal(claims.length, 2);
    assert.deepEqual(bound(claims[1]), []);
  });

  test('without a heading the definition carries over paragraphs; #word is not a heading', () => {
    const plain = lines('Let $f(x) = x^2$.', '', 'Some more prose.', '', "Then $f'(x) = 2x$.");
    assert.deepEqual(bound(claimsOf(plain)[1]), ['f']);
    const hashtag = lines('Let $f(x) = x^2$.', '', '#derivatives', '', "Then $f'(x) = 2x$.");
    assert.deepEqual(bound(claimsOf(hashtag)[1]), ['f']);
  });

  test('definitions made after a heading are seen in that section', () => {
    const text = lines('Let $f(x) = x^2$.', '', '# Part two', '', 'Let $g(x) = x^3$.', '', "Then $g'(x) = 3x^2$.");
    const claims = claimsOf(text);
    assert.deepEqual(bound(claims[2]), ['g']);
  });

  test('plain text: a short title line between blank lines resets the context', () => {
    const text = lines('Let f(x) = x^2 here.', '', 'Next section', '', "f'(x) = 2x", '');
    const { fragments, claims } = run(text, 'text');
    assert.deepEqual(fragments.map((f) => f.delimiter), ['bare-inline', 'bare']);
    assert.equal(claims.length, 1);
    assert.equal(claims[0].start, at(text, "f'(x)"));
    assert.deepEqual(bound(claims[0]), []);
  });

  test('plain text: no title line, or a sentence between blank lines, keeps the context', () => {
    const none = lines('Let f(x) = x^2 here.', '', "f'(x) = 2x", '');
    assert.deepEqual(bound(claimsOf(none, 'text')[0]), ['f']);
    const sentence = lines('Let f(x) = x^2 here.', '', 'This is a sentence.', '', "f'(x) = 2x", '');
    assert.deepEqual(bound(claimsOf(sentence, 'text')[0]), ['f']);
  });

  test('hasHeading: Markdown # headings; plain-text short title lines', () => {
    assert.equal(hasHeading('.\n\n# Title\n\n', 'markdown'), true);
    assert.equal(hasHeading('.\n\n   ### Title\n\n', 'markdown'), true);
    assert.equal(hasHeading('.\n\n#hashtag\n\n', 'markdown'), false);
    assert.equal(hasHeading('.\n\nNext section\n\n', 'markdown'), false);
    assert.equal(hasHeading(' here.\n\nNext section\n\n', 'text'), true);
    assert.equal(hasHeading(' here.\n\nThis is a sentence.\n\n', 'text'), false);
    assert.equal(hasHeading(' here.\n\nExample:\n\n', 'text'), false);
    assert.equal(hasHeading(' here.\nNext section\n\n', 'text'), false, 'needs a blank line before');
    assert.equal(hasHeading(' here.\n\none two three four five six seven\n\n', 'text'), false, 'too many words');
  });

  test('a bare mention z(x, y) forgets an earlier binding of z, and only of z', () => {
    const text = String.raw`Let $z = x^2 y$ and $w = x + y$. Consider $z(x, y)$. Then $\frac{\partial z}{\partial x} = 2xy$.`;
    const claims = claimsOf(text);
    assert.equal(claims.length, 3, 'the mention is not a claim');
    assert.deepEqual(bound(claims[1]), ['z']);
    assert.deepEqual(bound(claims[2]), ['w']);
    // Without the mention z stays bound.
    const kept = claimsOf(String.raw`Let $z = x^2 y$. Then $\frac{\partial z}{\partial x} = 2xy$.`);
    assert.deepEqual(bound(kept[1]), ['z']);
  });

  test(
    'mentioning f(x) after Let f(x) = … keeps the definition',
    () => {
      const text = String.raw`Let $f(x) = x^2\sin x$. The graph of $f(x)$ passes through the origin. So $f'(x) = 2x\sin x + x^2\cos x$.`;
      const claims = claimsOf(text);
      assert.equal(claims.length, 2);
      assert.deepEqual(bound(claims[1]), ['f']);
    },
  );

  test(
    'a fenced code block with a # comment is not a section heading',
    () => {
      const text = lines('Let $f(x) = x^2$.', '', '```python', '# compute f', 'y = x**2', '```', '', "Then $f'(x) = 2x$.");
      const claims = claimsOf(text);
      assert.equal(claims.length, 2);
      assert.deepEqual(bound(claims[1]), ['f']);
    },
  );
});

describe('doubts from the prose', () => {
  test('"Setting … = 0" sets up an equation', () => {
    const text = String.raw`Setting $q'(x) = 0$ gives the critical point.`;
    const [c] = claimsOf(text);
    assert.deepEqual(c.doubts, [{ code: 'equation', detail: 'the sentence sets up an equation or condition ("Setting…")' }]);
    assert.equal(c.preset, undefined, 'still a claim: the doubt only softens a failure');
  });

  test('"If … = 0" is a condition', () => {
    const [c] = claimsOf(String.raw`If $f''(x) = 0$ the test is inconclusive.`);
    assert.equal(c.doubts.length, 1);
    assert.match(c.doubts[0].detail, /sets up an equation or condition \("If…"\)/);
  });

  test('other solving words: solve, suppose, such that', () => {
    for (const text of [
      String.raw`We solve $x^2 - 1 = 0$ for $x$.`,
      String.raw`Suppose $g(x) + 1 = 2x$ for some point.`,
      String.raw`Pick the point such that $x^2 = 2$.`,
    ]) {
      const claims = claimsOf(text);
      assert.equal(claims.length, 1, text);
      assert.equal(claims[0].doubts.length, 1, text);
      assert.match(claims[0].doubts[0].detail, /sets up an equation or condition/, text);
    }
  });

  test('a question sentence gives a doubt', () => {
    const [c] = claimsOf(String.raw`Is $\frac{d}{dx} x^3 = x^2$ for every $x$?`);
    assert.deepEqual(c.doubts, [{ code: 'question', detail: 'the sentence is a question' }]);
  });

  test('plain statements give no doubt; a question in the next sentence does not count', () => {
    for (const text of [
      String.raw`We have $\frac{d}{dx} x^2 = 2x$.`,
      String.raw`Hence $\frac{d}{dx} x^2 = 2x$ for all real $x$.`,
      String.raw`We have $\frac{d}{dx} x^2 = 2x$. Is that clear?`,
      String.raw`If we differentiate. Then $\frac{d}{dx} x^2 = 2x$.`,
    ]) {
      const claims = claimsOf(text);
      assert.equal(claims.length, 1, text);
      assert.deepEqual(claims[0].doubts, [], text);
    }
  });

  test(
    'the consequence after "If …, then" is asserted: only the if-clause is in doubt',
    () => {
      const text = String.raw`If $x > 0$, then $\frac{d}{dx}\ln x = 1/x$.`;
      const [c] = claimsOf(text);
      assert.deepEqual(conditionsOf(c), ['x > 0']);
      assert.deepEqual(c.doubts, []);
    },
  );

  test(
    'a decimal point in earlier math does not end the sentence for the "If …" doubt',
    () => {
      const text = String.raw`If $h = 0.1$ and $f'(x) = 0$ then we stop.`;
      const claims = claimsOf(text);
      const c = claim(claims, "f'(x) = 0");
      assert.equal(c.doubts.length, 1, JSON.stringify(c.doubts));
    },
  );

  test(
    'a decimal point in later math does not hide the question mark',
    () => {
      const text = String.raw`Is $\frac{d}{dx} x^3 = x^2$ at $x = 0.5$?`;
      const c = claim(claimsOf(text), String.raw`\frac{d}{dx} x^3 = x^2`);
      assert.deepEqual(c.doubts, [{ code: 'question', detail: 'the sentence is a question' }]);
    },
  );
});

describe('disabled claims', () => {
  test('<!-- calcnotes-disable-next-line --> disables the claims of the next line only', () => {
    const text = lines(
      '<!-- calcnotes-disable-next-line -->',
      String.raw`$\frac{d}{dx} x^3 = 2x^2$ and $\frac{d}{dx} x^4 = 4x$`,
      String.raw`$\frac{d}{dx} x^5 = 5x^4$`,
      '',
    );
    const claims = claimsOf(text);
    assert.equal(claims.length, 3);
    assert.deepEqual(claims.map((c) => c.disabled), [true, true, false]);
    assert.equal(claims[2].start, at(text, String.raw`\frac{d}{dx} x^5`));
  });

  test('<!-- calcnotes-disable --> … <!-- calcnotes-enable --> disables a region', () => {
    const text = lines(
      String.raw`$\frac{d}{dx} x = 1$`,
      '<!-- calcnotes-disable -->',
      String.raw`$\frac{d}{dx} x^3 = 2x^2$`,
      '',
      String.raw`$$\frac{d}{dx} x^4 = 4x$$`,
      '<!-- calcnotes-enable -->',
      String.raw`$\frac{d}{dx} x^3 = 3x^2$`,
      '',
    );
    const claims = claimsOf(text);
    assert.deepEqual(
      claims.map((c) => [c.latex, c.disabled]),
      [
        [String.raw`\frac{d}{dx} x = 1`, false],
        [String.raw`\frac{d}{dx} x^3 = 2x^2`, true],
        [String.raw`\frac{d}{dx} x^4 = 4x`, true],
        [String.raw`\frac{d}{dx} x^3 = 3x^2`, false],
      ],
    );
  });
});

describe("bare-inline runs (plain text): context only", () => {
  test('setting y=x^6 and z=x^2 makes no claims but binds y and z', () => {
    const text = lines('A worked example, setting y=x^6 and z=x^2.', '', 'dy/dz = 3z^2', '');
    const { fragments, claims } = run(text, 'text');
    assert.deepEqual(fragments.map((f) => [f.delimiter, f.latex]), [['bare-inline', 'y=x^6'], ['bare-inline', 'z=x^2'], ['bare', 'dy/dz = 3z^2']]);
    assert.equal(claims.length, 1);
    const c = claims[0];
    assert.equal(c.latex, 'dy/dz = 3z^2');
    assert.equal(c.start, at(text, 'dy/dz'));
    assert.equal(c.end, after(text, '3z^2'));
    assert.deepEqual(bound(c), ['y', 'z']);
    assert.equal(c.context.bindings.get('y')!.bodyLatex, 'x^6');
    assert.equal(c.context.bindings.get('y')!.params, null);
    assert.equal(c.context.bindings.get('y')!.at, at(text, 'x^6'));
    assert.equal(c.context.bindings.get('z')!.bodyLatex, 'x^2');
    assert.deepEqual(c.doubts, [], "the \"setting\" doubt belongs to the runs' sentence, not to this one");
  });

  test('a formula-looking run inside a prose line is never a claim, even with a derivative', () => {
    const text = lines('Then do \\frac{d}{dx} x^3 = 2x here.', '');
    const { fragments, claims } = run(text, 'text');
    assert.deepEqual(fragments.map((f) => f.delimiter), ['bare-inline']);
    assert.deepEqual(claims, []);
  });

  test('the contextOnly option decides which fragments make claims', () => {
    const text = String.raw`Let $f(x) = x^2$. Then $f'(x) = 2x$.`;
    const { fragments, headings } = scanMath(text, { mode: 'markdown' });
    const parses = fragments.map((f) => parseLatex(f.latex));
    const claims = interpret(fragments, parses, { text, mode: 'markdown', headings, contextOnly: (f) => f.latex.startsWith('f(x)') });
    assert.equal(claims.length, 1);
    assert.equal(claims[0].latex, "f'(x) = 2x");
    assert.deepEqual(bound(claims[0]), ['f']);
  });
});

describe('end to end: the interpretation decides the verdict', () => {
  test('plain-text worked steps: only the first wrong step is false', () => {
    const text = lines('Then do \\frac{d}{dx} x^3', '= 3x^2', '= 3x', '= 6x/2', '= x', '');
    const r = check(text, 'text');
    assert.deepEqual(
      r.claims.map((c) => [c.latex, c.verdict]),
      [
        [String.raw`\frac{d}{dx} x^3 = 3x^2`, 'verified'],
        ['3x^2 = 3x', 'false'],
        ['3x = 6x/2', 'verified'],
        ['6x/2 = x', 'unchecked'],
      ],
      verdicts(r),
    );
    assert.match(r.claims[1].reason, /^This step does not follow/);
    assert.match(r.claims[3].reason, /follows a wrong step/);
    const falses = r.diagnostics.filter((d) => d.code === 'false-claim');
    assert.equal(falses.length, 1);
    assert.equal(falses[0].start, at(text, '3x^2'));
    assert.equal(falses[0].end, after(text, '= 3x\n') - 1);
  });

  test('a definition makes a later derivative checkable, but not an earlier one', () => {
    const bad = String.raw`Let $f(x) = x^2\sin x$. Then $f'(x) = 2x\cos x$.`;
    const r = check(bad);
    assert.deepEqual(r.claims.map((c) => c.verdict), ['unchecked', 'false'], verdicts(r));
    assert.equal(r.claims[0].kind, 'definition');
    const before = check(String.raw`Then $f'(x) = 2x\cos x$. Let $f(x) = x^2\sin x$.`);
    assert.deepEqual(before.claims.map((c) => c.verdict), ['unchecked', 'unchecked'], verdicts(before));
  });

  test('a heading ends the definition: the same claim is no longer false', () => {
    const same = lines(String.raw`Let $f(x) = x^2\sin x$.`, '', "$f'(x) = 2x\\cos x$.");
    assert.equal(check(same).claims[1].verdict, 'false');
    const section = lines(String.raw`Let $f(x) = x^2\sin x$.`, '', '# Section two', '', "$f'(x) = 2x\\cos x$.");
    assert.equal(check(section).claims[1].verdict, 'unchecked', verdicts(check(section)));
  });

  test('a condition in the sentence makes sqrt(x^2) differentiate to 1; in another sentence it does not', () => {
    const r = check(String.raw`For $x > 0$, $\frac{d}{dx}\sqrt{x^2} = 1$.`);
    assert.deepEqual(r.claims.map((c) => c.verdict), ['verified'], verdicts(r));
    const other = check(String.raw`Take $x > 0$. Then $\frac{d}{dx}\sqrt{x^2} = 1$.`);
    assert.deepEqual(other.claims.map((c) => c.verdict), ['false'], verdicts(other));
  });

  test('prose doubts turn a failing comparison into "not checked"', () => {
    const stated = check(String.raw`We have $\frac{d}{dx}(x^2 - x) = 0$.`);
    assert.equal(stated.claims[0].verdict, 'false', verdicts(stated));
    const condition = check(String.raw`If $\frac{d}{dx}(x^2 - x) = 0$ then $x$ is a critical point.`);
    assert.equal(condition.claims[0].verdict, 'unchecked');
    assert.match(condition.claims[0].reason, /sets up an equation or condition \("If…"\)/);
    const question = check(String.raw`Is $\frac{d}{dx}(x^2 - x) = 0$ for all $x$?`);
    assert.equal(question.claims[0].verdict, 'unchecked');
    assert.match(question.claims[0].reason, /the sentence is a question/);
  });

  test('values and definitions are reported unchecked with their kind; a Taylor approximation is checked', () => {
    const r = check(String.raw`Let $u = x^3$. Take $x = 2$. Then $e^x \approx 1 + x$.`);
    assert.deepEqual(
      r.claims.map((c) => [c.kind, c.verdict]),
      [
        ['definition', 'unchecked'],
        ['value', 'unchecked'],
        ['approximation', 'verified'],
      ],
      verdicts(r),
    );
    assert.equal(r.diagnostics.length, 0);
  });

  test('disabled claims are not reported', () => {
    const text = lines('<!-- calcnotes-disable-next-line -->', String.raw`$\frac{d}{dx} x^3 = 2x^2$`, String.raw`$\frac{d}{dx} x^3 = 3x^2$`, '');
    const r = check(text);
    assert.deepEqual(r.claims.map((c) => [c.latex, c.verdict]), [[String.raw`\frac{d}{dx} x^3 = 3x^2`, 'verified']]);
    assert.equal(r.diagnostics.length, 0);
  });

  test('bare-inline bindings make a plain-text derivative checkable', () => {
    const good = check(lines('A worked example, setting y=x^6 and z=x^2.', '', '\\frac{dy}{dz} = 3x^4', ''), 'text');
    assert.deepEqual(good.claims.map((c) => c.verdict), ['verified'], verdicts(good));
    const bad = check(lines('A worked example, setting y=x^6 and z=x^2.', '', '\\frac{dy}{dz} = 2x^4', ''), 'text');
    assert.deepEqual(bad.claims.map((c) => c.verdict), ['false'], verdicts(bad));
  });

  test(
    'mentioning f(x) after defining it does not hide a wrong derivative',
    () => {
      const r = check(String.raw`Let $f(x) = x^2$. The graph of $f(x)$ is a parabola. Then $f'(x) = 3x$.`);
      assert.equal(r.claims[1].verdict, 'false', verdicts(r));
    },
  );

  test(
    'a wrong consequence of "If …, then" is reported false',
    () => {
      const r = check(String.raw`If $x > 0$, then $\frac{d}{dx}\ln x = 2/x$.`);
      assert.equal(r.claims[0].verdict, 'false', verdicts(r));
    },
  );

  test(
    'a derivative evaluated at a point stated in the sentence is not a false alarm',
    () => {
      const r = check(String.raw`At $x = 2$, $\frac{d}{dx} x^2 = 4$.`);
      const c = r.claims.find((k) => k.latex.includes('frac'))!;
      assert.notEqual(c.verdict, 'false', verdicts(r));
    },
  );

  test(
    'a step after a heading is not checked against the previous section',
    () => {
      const r = check(lines(String.raw`$$\frac{d}{dx} x^2 = 2x$$`, '', '# Next topic', '', '$$= 3 x$$'));
      assert.equal(r.diagnostics.filter((d) => d.code === 'false-claim').length, 0, verdicts(r));
    },
  );
});
