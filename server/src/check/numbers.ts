/**
 * Numbers as the note writes them. A written decimal is a rounded (or truncated) value: `0.714` stands for
 * every number within one unit of its last written digit (0.001) of it, so `\frac{5}{7} = 0.714` holds to the
 * precision written. Claims whose sides have no free letters left are evaluations, and always checkable.
 */
import type { Node } from '../parse/ast';
import { walk } from '../parse/walk';

export interface WrittenNumber {
  /** The number as written (`-0.5`, `2.2\times 10^{-3}`). */
  value: number;
  /** One unit of its last written digit: 0.001 for `0.714`, 1e-4 for `2.2\times10^{-3}`, 1 for `48`. */
  unit: number;
  /** Written without a decimal point (a whole number). */
  whole: boolean;
}

/**
 * A side that is just a number as written: a numeral (`0.00222`, `48`), its negative, or scientific notation
 * (`2.2 \times 10^{-3}`). Null for anything else (an expression, a number with an ellipsis).
 */
export function writtenNumber(n: Node): WrittenNumber | null {
  if (n.type === 'neg') {
    const w = writtenNumber(n.arg);
    return w ? { ...w, value: -w.value } : null;
  }
  if (n.type === 'num') {
    const m = /^(\d*)(?:\.(\d+))?$/.exec(n.raw.replace(/\s+/g, ''));
    if (!m || (!m[1] && !m[2])) return null;
    if (m[2] !== undefined) return { value: n.value, unit: 10 ** -m[2].length, whole: false };
    return { value: n.value, unit: 1, whole: true };
  }
  if (n.type === 'mul' && n.factors.length === 2 && (n.ops[0] === 'times' || n.ops[0] === 'cdot')) {
    const [mant, p] = n.factors;
    if (mant.type !== 'num' || p.type !== 'pow' || p.base.type !== 'num' || p.base.value !== 10) return null;
    const e = p.exp.type === 'num' ? p.exp.value : p.exp.type === 'neg' && p.exp.arg.type === 'num' ? -p.exp.arg.value : null;
    const w = writtenNumber(mant);
    if (e === null || !Number.isInteger(e) || !w) return null;
    return { value: w.value * 10 ** e, unit: w.unit * 10 ** e, whole: false };
  }
  return null;
}

const isNumeral = (n: Node): boolean => n.type === 'num' || (n.type === 'div' && n.num.type === 'num' && n.den.type === 'num');

/**
 * Two numerals written side by side (`2\frac{1}{2}`, a mixed number; `1.2.3`, a version; `1{,}000`, a thousands
 * separator): not a product anyone writes, so the arithmetic reading of the claim is not trusted.
 */
export function juxtaposedNumerals(n: Node): boolean {
  let found = false;
  walk(n, (m) => {
    if (found || m.type !== 'mul') return;
    for (let i = 0; i + 1 < m.factors.length; i++) {
      if (m.ops[i] === 'implicit' && isNumeral(m.factors[i]) && isNumeral(m.factors[i + 1])) found = true;
    }
  });
  return found;
}

/** A number with enough digits to compare with a rounded one (`0.0022235661`). */
export function preciseNumber(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (v !== 0 && (Math.abs(v) >= 1e9 || Math.abs(v) < 1e-6)) return v.toExponential(6).replace(/\.?0+e/, 'e').replace(/^-/, '−');
  return String(Number(v.toPrecision(8))).replace(/^-/, '−');
}
