/**
 * What a hover plot shows, decided by the checker and drawn later (lazily) by the hover: concrete curves in one
 * variable, each an IR expression with every abstract function already instantiated and every other variable
 * already fixed to a number. Plain data, so it crosses the worker-thread boundary by structured clone.
 */
import type { Expr } from './expr';

export interface PlotCurve {
  /** Legend text: "stated", "actual", "f", "f′", "Taylor polynomial", … */
  label: string;
  expr: Expr;
}

export interface PlotSpec {
  /** Why this plot exists: a false claim's two sides, a verified derivative with its function, a Taylor claim. */
  kind: 'counterexample' | 'derivative' | 'taylor';
  /** The plotted variable, as the note names it (`x`, `t`, `\theta` shown plainly). */
  variable: string;
  /** The point to centre on and mark: the counterexample, the expansion point x₀, or 0. */
  x0: number;
  curves: PlotCurve[];
  /**
   * The other variables of the claim and the values they were fixed at (already substituted in the curves), shown
   * with the plot: a counterexample at x = 1.5, y = 0.37 is plotted in x with `y = 0.37` noted.
   */
  fixed?: [string, number][];
}

/**
 * A PlotSpec as reports carry it: each curve's expression packed into one compact string. Reports live in the
 * editor's thread for every open note, and a few hundred plot trees as objects cost ~1 MB per long note; as
 * strings, a tenth of that. Unpacked when a plot is first drawn.
 */
export type PackedPlot = Omit<PlotSpec, 'curves'> & { curves: { label: string; expr: string }[] };

type Packed = number | string | Packed[];

function pack(e: Expr): Packed {
  switch (e.k) {
    case 'num':
      // JSON has no NaN or ±Infinity: strings with a marker.
      return Number.isFinite(e.v) ? e.v : [`#${e.v}`];
    case 'var':
      return e.name;
    case 'add':
      return ['+', ...e.a.map(pack)];
    case 'mul':
      return ['*', ...e.a.map(pack)];
    case 'pow':
      return ['^', pack(e.b), pack(e.e)];
    case 'fn':
      return [e.f, pack(e.a)];
    case 'app':
      return ['@', e.f, e.d, ...e.a.map(pack)];
    case 'int':
      return ['∫', e.v, pack(e.lo), pack(e.hi), pack(e.body)];
  }
}

function unpack(p: Packed): Expr {
  if (typeof p === 'number') return { k: 'num', v: p };
  if (typeof p === 'string') return { k: 'var', name: p };
  const [head, ...rest] = p as [string, ...Packed[]];
  if (head.startsWith('#')) return { k: 'num', v: Number(head.slice(1)) };
  switch (head) {
    case '+':
      return { k: 'add', a: rest.map(unpack) };
    case '*':
      return { k: 'mul', a: rest.map(unpack) };
    case '^':
      return { k: 'pow', b: unpack(rest[0]), e: unpack(rest[1]) };
    case '@':
      return { k: 'app', f: rest[0] as string, d: rest[1] as number[], a: rest.slice(2).map(unpack) };
    case '∫':
      return { k: 'int', v: rest[0] as string, lo: unpack(rest[1]), hi: unpack(rest[2]), body: unpack(rest[3]) };
    default:
      return { k: 'fn', f: head as Extract<Expr, { k: 'fn' }>['f'], a: unpack(rest[0]) };
  }
}

export function packPlot(spec: PlotSpec): PackedPlot {
  return { ...spec, curves: spec.curves.map((c) => ({ label: c.label, expr: JSON.stringify(pack(c.expr)) })) };
}

export function unpackPlot(packed: PackedPlot): PlotSpec {
  return { ...packed, curves: packed.curves.map((c) => ({ label: c.label, expr: unpack(JSON.parse(c.expr) as Packed) })) };
}
