/** Index notation: entries defined with `y_i = \sum_k A_{ik} x_k`, derivatives by entries, index mismatches. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scanMath } from '../../scan/scan';
import { parseLatex } from '../../parse/parser';
import { interpret, type Claim } from '../../interpret/claims';
import { checkIndexClaim } from './indices';

function claimOf(text: string, needle: string): Claim {
  const { fragments, headings } = scanMath(text, { mode: 'markdown' });
  const claims = interpret(fragments, fragments.map((f) => parseLatex(f.latex)), { text, mode: 'markdown', headings });
  const c = claims.find((k) => k.latex.replace(/\s+/g, '') === needle.replace(/\s+/g, ''));
  if (!c) throw new Error(`no claim ${needle} in ${claims.map((k) => k.latex).join(' | ')}`);
  return c;
}

const DEF = 'Write $y_i = \\sum_{k=1}^p A_{ik} x_k$. ';
const decide = (claim: string, before = DEF) => {
  const c = claimOf(`${before}Then $${claim}$.`, claim);
  return checkIndexClaim(c, { deadline: Date.now() + 5000, doubts: c.doubts });
};

test('indices: ∂y_i/∂x_j = A_ij is verified for every i, j', () => {
  const r = decide('\\frac{\\partial y_i}{\\partial x_j} = A_{ij}');
  assert.equal(r?.verdict, 'verified');
  assert.match(r!.reason, /^verified for all i, j in 1…3 at 3 random draws/);
  assert.equal(decide('\\frac{dy_2}{dx_3} = A_{23}')?.verdict, 'verified');
  assert.equal(decide('\\frac{\\partial y_i}{\\partial x_i} = A_{ii}')?.verdict, 'verified');
});

test('indices: a free index on one side only is an index mismatch (false), a wrong order a plain false', () => {
  const r = decide('\\frac{dy_i}{dx_i} = A_{ij}');
  assert.equal(r?.verdict, 'false');
  assert.match(r!.reason, /^Index mismatch in dy_i\/dx_i = A_ij: j is a free index on the right but not on the left\. With random A ∈ ℝ\^\{3×3\}, x ∈ ℝ³, at i = \d, j = \d the left side is .+ and the right side is .+\.$/);
  const t = decide('\\frac{\\partial y_i}{\\partial x_j} = A_{ji}');
  assert.equal(t?.verdict, 'false');
  assert.match(t!.reason, /^∂y_i\/∂x_j is not A_ji: /);
});

test('indices: a repeated index that may be an Einstein sum makes a failure a doubt', () => {
  const r = decide('\\frac{\\partial y_i}{\\partial x_i} = \\sum_k A_{kk}');
  assert.equal(r?.verdict, 'unchecked');
  assert.match(r!.reason, /Einstein/);
});

test('indices: claims that do not differentiate an entry defined in index notation are left to the others', () => {
  assert.equal(decide('\\frac{\\partial y}{\\partial x_i} = \\frac{\\partial f}{\\partial x_i}', ''), null);
  assert.equal(decide('\\frac{\\partial z_i}{\\partial x_j} = A_{ij}'), null);
  assert.equal(decide('\\frac{\\partial y_i}{\\partial \\mathbf{x}} = A_{ij}'), null);
});
