/**
 * A second, independent differentiation, used before a concrete claim is called false: our own symbolic
 * derivative must agree at the counterexample point with a high-precision numerical derivative (values only, no
 * rules) or, where that cannot be computed, with mathjs `derivative` — so a bug in one differentiator can never
 * produce a false alarm on its own. mathjs (70 MB, most of a second to load) is loaded only in that rare case.
 *
 * mathjs only ever sees node trees we build from our IR (never note text), in an instance whose parser,
 * evaluator, `import` and `createUnit` are disabled.
 */
import type { MathJsInstance, MathNode } from 'mathjs';
import { restrictedMath } from './mathjs';
import type { Expr } from './expr';
import { evaluate } from './evaluate';
import { numericDerivativeBig } from './bignum';
import { QuietError } from './quiet';

/**
 * Does an independent differentiation agree with our derivative `ours` of `e` by `x` at the point? true / false,
 * or null when neither the numerical nor the mathjs derivative can be had (then the cross-check is silent).
 */
export function derivativeAgrees(e: Expr, x: string, ours: Expr, point: Map<string, number>): boolean | null {
  const numeric = numericDerivativeBig(e, x, point);
  if (numeric !== null && numeric.isFinite()) {
    const theirs = numeric.toNumber();
    const mine = evaluate(ours, point, new Map());
    if (!Number.isFinite(mine.v) || !Number.isFinite(theirs)) return null;
    return Math.abs(theirs - mine.v) <= 1e-6 * Math.max(1, Math.abs(theirs), mine.m);
  }
  return agreesWithMathjs(e, x, ours, point);
}

function math(): MathJsInstance {
  return restrictedMath('number');
}

class NotSupported extends QuietError {}

const NAMES: Record<string, string> = {
  sin: 'sin', cos: 'cos', tan: 'tan', cot: 'cot', sec: 'sec', csc: 'csc', asin: 'asin', acos: 'acos', atan: 'atan',
  sinh: 'sinh', cosh: 'cosh', tanh: 'tanh', coth: 'coth', sech: 'sech', csch: 'csch', exp: 'exp', ln: 'log', abs: 'abs',
};

/** Our IR as a mathjs node tree; variables are renamed `v0`, `v1`, … so no name can clash with a mathjs built-in. */
function toNode(e: Expr, names: Map<string, string>): MathNode {
  const m = math();
  const go = (x: Expr): MathNode => {
    switch (x.k) {
      case 'num':
        return new m.ConstantNode(x.v);
      case 'var': {
        let n = names.get(x.name);
        if (!n) {
          n = `v${names.size}`;
          names.set(x.name, n);
        }
        return new m.SymbolNode(n);
      }
      case 'add':
        return x.a.map(go).reduce((a, b) => new m.OperatorNode('+', 'add', [a, b]));
      case 'mul':
        return x.a.map(go).reduce((a, b) => new m.OperatorNode('*', 'multiply', [a, b]));
      case 'pow':
        return new m.OperatorNode('^', 'pow', [go(x.b), go(x.e)]);
      case 'fn': {
        const a = go(x.a);
        if (x.f === 'sigmoid') {
          const one = new m.ConstantNode(1);
          const ex = new m.FunctionNode(new m.SymbolNode('exp'), [new m.OperatorNode('-', 'unaryMinus', [a])]);
          return new m.OperatorNode('/', 'divide', [one, new m.OperatorNode('+', 'add', [new m.ConstantNode(1), ex])]);
        }
        if (x.f === 'softplus') {
          const ex = new m.FunctionNode(new m.SymbolNode('exp'), [a]);
          return new m.FunctionNode(new m.SymbolNode('log'), [new m.OperatorNode('+', 'add', [new m.ConstantNode(1), ex])]);
        }
        const name = NAMES[x.f];
        if (!name) throw new NotSupported(x.f);
        return new m.FunctionNode(new m.SymbolNode(name), [a]);
      }
      case 'app':
        throw new NotSupported('abstract function');
      case 'int':
        throw new NotSupported('integral');
    }
  };
  return go(e);
}

/**
 * Does mathjs agree with our derivative of `e` by `x` at the point? true / false, or null when mathjs cannot
 * differentiate or evaluate it (then the cross-check is silent).
 */
export function agreesWithMathjs(e: Expr, x: string, ours: Expr, point: Map<string, number>): boolean | null {
  try {
    const m = math();
    const names = new Map<string, string>();
    const node = toNode(e, names);
    if (!names.has(x)) names.set(x, `v${names.size}`);
    const d = m.derivative(node, new m.SymbolNode(names.get(x)!), { simplify: false });
    const scope: Record<string, number> = {};
    for (const [name, alias] of names) {
      const val = point.get(name);
      if (val === undefined) return null;
      scope[alias] = val;
    }
    const theirs = d.compile().evaluate(scope) as unknown;
    if (typeof theirs !== 'number' || !Number.isFinite(theirs)) return null;
    const mine = evaluate(ours, point, new Map());
    if (!Number.isFinite(mine.v)) return null;
    return Math.abs(theirs - mine.v) <= 1e-6 * Math.max(1, Math.abs(theirs), mine.m);
  } catch {
    return null;
  }
}
