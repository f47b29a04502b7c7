/**
 * Which claims get a hover plot, and of what (a PlotSpec). Cheap on purpose — it runs at check time for every
 * false claim and every verified derivative: it only builds the concrete expressions of the curves (abstract
 * functions instantiated, other variables fixed) and picks x₀; sampling and drawing happen at hover time.
 */
import type { Claim } from '../interpret/claims';
import type { Node } from '../parse/ast';
import { Expr, abstractFns, freeVars, num, size, substitute } from './expr';
import { evaluate, instantiate, type TestFn } from './evaluate';
import type { Counterexample } from './compare';
import { Lowerer, show } from './lower';
import type { PlotSpec } from './plotSpec';
import { balancedParens, plainText } from './plain';

/** Curves larger than this are not plotted: a hover samples each curve 200 times. */
export const MAX_PLOT_SIZE = 3000;

const NO_FUNCTIONS = new Map<string, TestFn>();

function small(e: Expr): boolean {
  return size(e, MAX_PLOT_SIZE) <= MAX_PLOT_SIZE;
}

/**
 * A false claim's plot: the right side as written ("stated") and the left side ("actual") in one variable around
 * the counterexample, abstract functions replaced by the counterexample's test functions and the other variables
 * fixed at their counterexample values. `preferred` is the variable to plot when the claim has several.
 */
export function counterexamplePlot(l: Expr, r: Expr, at: Counterexample, preferred: string): PlotSpec | undefined {
  try {
    const fns = new Map(at.functions);
    const L = abstractFns(l).size ? instantiate(l, fns) : l;
    const R = abstractFns(r).size ? instantiate(r, fns) : r;
    if (abstractFns(L).size || abstractFns(R).size) return undefined;
    const vars = [...new Set([...freeVars(L), ...freeVars(R)])].sort();
    if (!vars.length) return undefined;
    const variable = vars.includes(preferred) ? preferred : vars[0];
    const point = new Map(at.point);
    const x0 = point.get(variable);
    if (x0 === undefined || !Number.isFinite(x0)) return undefined;
    const fixed: [string, number][] = [];
    const values = new Map<string, Expr>();
    for (const x of vars) {
      if (x === variable) continue;
      const val = point.get(x);
      if (val === undefined || !Number.isFinite(val)) return undefined;
      fixed.push([x, val]);
      values.set(x, num(val));
    }
    const stated = substitute(R, values);
    const actual = substitute(L, values);
    if (!small(stated) || !small(actual)) return undefined;
    const spec: PlotSpec = {
      kind: 'counterexample',
      variable,
      x0,
      curves: [
        { label: 'stated', expr: stated },
        { label: 'actual', expr: actual },
      ],
    };
    if (fixed.length) spec.fixed = fixed;
    return spec;
  } catch {
    return undefined;
  }
}

const PRIMES = ['', '′', '″', '‴'];
const SUPERSCRIPTS = '⁰¹²³⁴⁵⁶⁷⁸⁹';

function primes(k: number): string {
  return PRIMES[k] ?? `⁽${superscript(k)}⁾`;
}

function superscript(k: number): string {
  return String(k)
    .split('')
    .map((d) => SUPERSCRIPTS[Number(d)] ?? d)
    .join('');
}

/** What a verified derivative claim differentiates: the function's node, its variable, the order and the labels. */
interface DerivativeOf {
  node: Node;
  variable: string;
  order: number;
  labels: (text: string | null) => [string, string];
}

function derivativeOf(n: Node, implicitVar: string): DerivativeOf | null {
  if (n.type === 'deriv') {
    if (n.kind === 'nabla' || !n.of || n.wrt.length !== 1 || n.wrt[0].v.type !== 'sym') return null;
    const order = typeof n.order === 'number' ? n.order : null;
    if (!order || order < 1) return null;
    const x = n.wrt[0].v.name;
    const of = n.of;
    const sup = order > 1 ? superscript(order) : '';
    const named = of.type === 'sym' ? show(of.name) : null;
    return {
      node: of,
      variable: x,
      order,
      labels: (text) =>
        named
          ? [named, `d${sup}${named}/d${show(x)}${sup}`]
          : [text ? `f(${show(x)}) = ${text}` : `f(${show(x)})`, `f${primes(order)}(${show(x)})`],
    };
  }
  if (n.type === 'prime') {
    if (typeof n.order !== 'number' || n.order < 1) return null;
    const order = n.order;
    const named = n.arg.type === 'sym' ? show(n.arg.name) : null;
    const x = implicitVar;
    return {
      node: n.arg,
      variable: x,
      order,
      labels: (text) =>
        named ? [named, `${named}${primes(order)}`] : [text ? `f(${show(x)}) = ${text}` : `f(${show(x)})`, `f${primes(order)}(${show(x)})`],
    };
  }
  if (n.type === 'apply' && n.fn.type === 'prime' && n.fn.arg.type === 'sym' && n.args.length === 1 && n.args[0].type === 'sym') {
    if (typeof n.fn.order !== 'number' || n.fn.order < 1) return null;
    const order = n.fn.order;
    const f = show(n.fn.arg.name);
    const x = n.args[0].name;
    // The function itself is `f(x)`: the same application without the prime.
    const node: Node = { type: 'apply', fn: n.fn.arg, args: n.args, span: n.span };
    return { node, variable: x, order, labels: () => [`${f}(${show(x)})`, `${f}${primes(order)}(${show(x)})`] };
  }
  return null;
}

/** Points tried, in order, for the centre of a derivative plot: the first where both curves are defined. */
const CENTRES = [0, 1, -1, 0.5, 2, -2, 3, 0.1];

/**
 * A verified derivative claim's plot: the function and its derivative (`derivative`, the claim's left side
 * lowered) in the variable of differentiation. Only for concrete functions of that one variable. `at` holds values
 * stated with the claim (`At $x = 2$, …`): the plot is then centred there.
 */
export function derivativePlot(claim: Claim, lw: Lowerer, derivative: Expr, at: Map<string, Expr>): PlotSpec | undefined {
  try {
    const what = derivativeOf(claim.lhs.node, lw.implicitVar);
    if (!what) return undefined;
    const F = lw.lower(what.node);
    const x = what.variable;
    for (const e of [F, derivative]) {
      if (abstractFns(e).size || !small(e)) return undefined;
      for (const y of freeVars(e)) if (y !== x) return undefined;
    }
    if (!freeVars(F).has(x)) return undefined;
    const value = (e: Expr, v: number) => evaluate(e, new Map([[x, v]]), NO_FUNCTIONS).v;
    const stated = at.get(x);
    const candidates = stated ? [evaluate(stated, new Map(), NO_FUNCTIONS).v, ...CENTRES] : CENTRES;
    const x0 = candidates.find((c) => Number.isFinite(c) && Number.isFinite(value(F, c)) && Number.isFinite(value(derivative, c)));
    if (x0 === undefined) return undefined;
    const [fLabel, dLabel] = what.labels(functionText(claim, what.node));
    return {
      kind: 'derivative',
      variable: x,
      x0,
      curves: [
        { label: fLabel, expr: F },
        { label: dLabel, expr: derivative },
      ],
    };
  } catch {
    return undefined;
  }
}

/** The function as the note wrote it, in plain text, when it is short enough for a legend. */
function functionText(claim: Claim, node: Node): string | null {
  const from = node.span.start - claim.lhs.node.span.start;
  const to = node.span.end - claim.lhs.node.span.start;
  if (from < 0 || to > claim.lhs.latex.length || to <= from) return null;
  let text = plainText(claim.lhs.latex.slice(from, to)).trim();
  if (/^\(.*\)$/.test(text) && balancedParens(text.slice(1, -1))) text = text.slice(1, -1).trim();
  return text && [...text].length <= 24 ? text : null;
}
