/**
 * Samples a PlotSpec for drawing (render/plot.ts): picks the interval around x₀, evaluates each curve at evenly
 * spaced points with the checker's evaluator, and the marked values at x₀ itself. Runs at hover time, lazily.
 */
import type { Expr } from './expr';
import { evaluate, type Env, type TestFn } from './evaluate';
import type { PlotSpec } from './plotSpec';
import { show } from './lower';
import { formatNumber } from './latex';

export interface PlotSeriesData {
  label: string;
  /** NaN where the curve is undefined. */
  ys: number[];
}

export interface PlotData {
  /** The variable as shown (`θ` for `theta`). */
  variable: string;
  xs: number[];
  curves: PlotSeriesData[];
  marker: { x: number; ys: number[] };
  /** The other variables' fixed values, shown with the plot (`y = 0.37`). */
  note?: string;
}

export interface SampleOptions {
  /** Samples per curve. Default 200. */
  points?: number;
  /** Give up (throw PlotTimeout) after this many milliseconds. Default 50. */
  budgetMs?: number;
}

/** Values beyond this magnitude are gaps (as in the comparison of the two sides). */
const HUGE = 1e150;
const NO_FUNCTIONS = new Map<string, TestFn>();

/** The interval shown around x₀: x₀ ± max(2, |x₀|/2). */
export function defaultInterval(x0: number): [number, number] {
  const half = Math.max(2, Math.abs(x0) * 0.5);
  return [x0 - half, x0 + half];
}

function valueAt(e: Expr, variable: string, x: number, env: Env): number {
  env.set(variable, x);
  let v: number;
  try {
    v = evaluate(e, env, NO_FUNCTIONS).v;
  } catch {
    return NaN;
  }
  return Number.isFinite(v) && Math.abs(v) <= HUGE ? v : NaN;
}

/** Sampling ran out of its time budget (possibly only a garbage collection: the caller may try again later). */
export class PlotTimeout extends Error {}

function sampleOn(spec: PlotSpec, a: number, b: number, n: number, deadline: number): { xs: number[]; ys: number[][] } {
  const xs: number[] = [];
  for (let i = 0; i < n; i++) xs.push(i === n - 1 ? b : a + ((b - a) * i) / (n - 1));
  const env: Env = new Map();
  const ys = spec.curves.map((c) => {
    const out: number[] = [];
    for (let i = 0; i < n; i++) {
      if ((i & 31) === 0 && performance.now() > deadline) throw new PlotTimeout('plot sampling ran out of time');
      out.push(valueAt(c.expr, spec.variable, xs[i], env));
    }
    return out;
  });
  if (spec.kind === 'derivative') {
    // A derivative exists only where its function does (1/x is not drawn for x ≤ 0 beside ln x).
    const f = ys[0];
    for (const d of ys.slice(1)) {
      for (let i = 0; i < n; i++) if (!Number.isFinite(f[i])) d[i] = NaN;
    }
  }
  return { xs, ys };
}

/**
 * The samples of a spec, or null when no curve is defined anywhere near x₀; throws PlotTimeout when sampling runs
 * out of time. When
 * most of the interval is outside every curve's domain, the interval shrinks to where they are defined (ln x
 * around x₀ = 1 is shown on (0, 3], not on [−1, 3]).
 */
export function samplePlot(spec: PlotSpec, options: SampleOptions = {}): PlotData | null {
  const n = Math.max(2, Math.min(2000, Math.floor(options.points ?? 200)));
  const deadline = performance.now() + (options.budgetMs ?? 50);
  if (!Number.isFinite(spec.x0) || !spec.curves.length) return null;
  {
    let [a, b] = defaultInterval(spec.x0);
    let s = sampleOn(spec, a, b, n, deadline);
    const defined = s.xs.map((_, i) => s.ys.some((ys) => Number.isFinite(ys[i])));
    const count = defined.filter(Boolean).length;
    if (count === 0) return null;
    if (count < 0.6 * n) {
      const first = defined.indexOf(true);
      const last = defined.lastIndexOf(true);
      const step = (b - a) / (n - 1);
      const na = Math.max(a, s.xs[first] - step);
      const nb = Math.min(b, s.xs[last] + step);
      if (nb - na >= 0.1 * (b - a) && spec.x0 >= na && spec.x0 <= nb) {
        [a, b] = [na, nb];
        s = sampleOn(spec, a, b, n, deadline);
      }
    }
    const env: Env = new Map();
    const marker = { x: spec.x0, ys: spec.curves.map((c) => valueAt(c.expr, spec.variable, spec.x0, env)) };
    if (spec.kind === 'derivative' && !Number.isFinite(marker.ys[0])) marker.ys.fill(NaN);
    const fixed = spec.fixed ?? [];
    return {
      variable: show(spec.variable),
      xs: s.xs,
      curves: spec.curves.map((c, i) => ({ label: c.label, ys: s.ys[i] })),
      marker,
      note: fixed.length ? fixed.map(([name, v]) => `${show(name)} = ${formatNumber(v)}`).join(', ') : undefined,
    };
  }
}
