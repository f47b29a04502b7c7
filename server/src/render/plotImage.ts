/**
 * Hover plots, lazily: a claim's PlotSpec is sampled and drawn the first time it is hovered, and the data URI kept
 * for as long as the report holding the spec lives (a WeakMap keyed by the spec, then by ink colour). The checker
 * only stores the curves' expressions; all the work happens here, on the main thread, within a small time budget.
 */
import { unpackPlot, type PackedPlot, type PlotSpec } from '../check/plotSpec';
import { fn, v } from '../check/expr';
import { PlotTimeout, samplePlot } from '../check/plotSample';
import { plotDataUri } from './plot';
import { safeColor } from './svg';

/** Time allowed for sampling one plot during a hover, ms (a cold plot takes 10–20 ms; the service draws the plots of false claims ahead of time, see CalcnotesService.predrawPlots). */
export const PLOT_BUDGET_MS = 60;
/** A spec that ran out of time this many times is given up for good (null from then on). */
const MAX_TIMEOUTS = 2;

const cache = new WeakMap<PlotSpec | PackedPlot, Map<string, string | null>>();
const timeouts = new WeakMap<PlotSpec | PackedPlot, number>();

/** The plot of a spec as an SVG data URI in the given ink, or null when there is nothing to draw. Cached. */
export function plotImageUri(spec: PlotSpec | PackedPlot, color: string | undefined, budgetMs = PLOT_BUDGET_MS): string | null {
  const ink = safeColor(color);
  let byInk = cache.get(spec);
  const hit = byInk?.get(ink);
  if (hit !== undefined) return hit;
  if ((timeouts.get(spec) ?? 0) >= MAX_TIMEOUTS) return null;
  let uri: string | null;
  try {
    const data = samplePlot(isPacked(spec) ? unpackPlot(spec) : spec, { budgetMs });
    uri = data
      ? plotDataUri({ xs: data.xs, series: data.curves, marker: data.marker, variable: data.variable, note: data.note, color: ink })
      : null;
  } catch (e) {
    if (e instanceof PlotTimeout) {
      // Out of time (perhaps only a garbage collection): not cached, tried again on the next hover, a few times.
      timeouts.set(spec, (timeouts.get(spec) ?? 0) + 1);
      return null;
    }
    uri = null; // a spec we cannot draw: no plot, and no second try
  }
  if (!byInk) {
    byInk = new Map();
    cache.set(spec, byInk);
  }
  byInk.set(ink, uri);
  return uri;
}

function isPacked(spec: PlotSpec | PackedPlot): spec is PackedPlot {
  return spec.curves.some((c) => typeof c.expr === 'string');
}

/** A plot drawn once at start (service warm-up), so that the first hover does not pay for compiling the code. */
const WARM_UP_SPEC: PlotSpec = {
  kind: 'counterexample',
  variable: 'x',
  x0: 0.5,
  curves: [
    { label: 'stated', expr: fn('sin', v('x')) },
    { label: 'actual', expr: fn('ln', v('x')) },
  ],
};

/** Draws a throwaway plot (not kept: a fresh spec each call), so that the first hover's plot is fast. */
export function warmUpPlots(color?: string): void {
  plotImageUri({ ...WARM_UP_SPEC }, color);
}
