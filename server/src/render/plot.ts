/**
 * A small SVG writer for hover plots: a few curves given as sampled points, a marked point, axes with ticks and a
 * legend, in the theme colour. Pure (no evaluation, no I/O): `check/plotSample.ts` samples, this draws.
 *
 * Our own writer rather than a plotting library: no Node-side SVG plotting library that works without a browser
 * is kept well enough to be worth a dependency for two curves, a marker and ticks.
 *
 * Domain-aware drawing:
 * - a value that is not a finite number (NaN, ±∞, or undefined) is a gap: the path is broken there, so nothing is
 *   drawn outside a function's domain (ln x for x ≤ 0);
 * - the y-range is robust: it comes from the quantiles of the finite values, so a pole does not flatten the rest;
 *   the curves are clipped to it (a line leaving the range is drawn to the edge, then broken);
 * - no line across a pole: the path is broken between two samples that cross the whole range in one step, that
 *   jump through a huge magnitude with a change of sign, or that jump by more than the whole range against the
 *   direction of their neighbours (1/x + 100 just left and right of 0).
 */
import { safeColor, svgDataUri } from './svg';

export interface PlotSeries {
  /** Legend text. */
  label: string;
  /** One value per x; NaN, ±∞, null or undefined where the curve is undefined. */
  ys: readonly (number | null | undefined)[];
}

export interface PlotInput {
  /** Sample abscissae, increasing. */
  xs: readonly number[];
  series: PlotSeries[];
  /** The marked point: a dot on each curve at x (ys[i] is curve i's value there). */
  marker?: { x: number; ys: readonly (number | null | undefined)[] };
  /** Name of the plotted variable, shown at the end of the x-axis. */
  variable?: string;
  /** A short note shown at the top right (e.g. the values of the other variables: `y = 0.37`). */
  note?: string;
  /** Ink: the theme foreground. */
  color?: string;
  width?: number;
  height?: number;
}

export const PLOT_WIDTH = 320;
export const PLOT_HEIGHT = 100;

/** Values beyond this magnitude are treated as undefined (they cannot be placed on any sensible axis). */
const HUGE = 1e150;

/** Colours of the second, third… curve: readable on dark and light backgrounds. The first curve is in the ink. */
const CURVE_COLOURS = ['', '#e8841a', '#2f9ee8', '#c050d0'];
/** Dash patterns, so the curves stay distinguishable without colour. */
const CURVE_DASHES = ['', '6 3', '2 2.5', '8 3 2 3'];

const FONT_SIZE = 10;
/** Average advance of a character at FONT_SIZE in a sans-serif face (digits and lower case). */
const CHAR_WIDTH = 5.9;
const FONT = 'system-ui, -apple-system, Segoe UI, Helvetica, Arial, sans-serif';

// ---- numbers -----------------------------------------------------------------------------------------------

function finite(y: number | null | undefined): y is number {
  return typeof y === 'number' && Number.isFinite(y) && Math.abs(y) <= HUGE;
}

/** The 1-2-5 step not smaller than `raw`. */
export function niceStep(raw: number): number {
  if (!(raw > 0) || !Number.isFinite(raw)) return 1;
  const e = Math.floor(Math.log10(raw));
  const base = Math.pow(10, e);
  const f = raw / base;
  const m = f <= 1 + 1e-9 ? 1 : f <= 2 + 1e-9 ? 2 : f <= 5 + 1e-9 ? 5 : 10;
  return m * base;
}

/** The 1-2-5 step after `step`. */
function nextStep(step: number): number {
  return niceStep(step * 1.01);
}

/** Multiples of `step` in [lo, hi]. */
export function tickValues(lo: number, hi: number, step: number): number[] {
  const out: number[] = [];
  const first = Math.ceil(lo / step - 1e-9);
  const last = Math.floor(hi / step + 1e-9);
  for (let k = first; k <= last && out.length < 50; k++) out.push(k * step === 0 ? 0 : k * step);
  return out;
}

/** The 1-2-5 step before `step`. */
function previousStep(step: number): number {
  const e = Math.floor(Math.log10(step) + 1e-9);
  const m = Math.round(step / Math.pow(10, e));
  return m === 1 ? 5 * Math.pow(10, e - 1) : m === 2 ? Math.pow(10, e) : 2 * Math.pow(10, e);
}

/** Ticks for [lo, hi] with about `target` of them (at least three when target allows), on a 1-2-5 step. */
export function niceTicks(lo: number, hi: number, target: number): { step: number; values: number[] } {
  let step = niceStep((hi - lo) / Math.max(1, target));
  let values = tickValues(lo, hi, step);
  for (let i = 0; i < 4 && values.length < Math.min(3, target); i++) {
    step = previousStep(step);
    values = tickValues(lo, hi, step);
  }
  return { step, values };
}

const MINUS = '\u2212';

/**
 * A tick label, compact: `0`, `0.5`, `5` (not `5.0`), `−2`, `150`, and `2e5`, `1.5e−7` for very large or very small numbers. `step`
 * is the distance between ticks (it decides the digits), `maxAbs` the largest magnitude on the axis.
 */
export function formatTick(v: number, step: number, maxAbs: number): string {
  if (v === 0 || Math.abs(v) < step * 1e-6) return '0';
  const stepExp = Math.floor(Math.log10(step) + 1e-9);
  let s: string;
  if (maxAbs >= 1e5 || maxAbs < 1e-3) {
    let e = Math.floor(Math.log10(Math.abs(v)) + 1e-12);
    let digits = Math.min(4, Math.max(0, e - stepExp));
    let m = v / Math.pow(10, e);
    let text = m.toFixed(digits);
    if (Math.abs(Number(text)) >= 10) {
      e += 1;
      digits = Math.max(0, digits - 1);
      m = v / Math.pow(10, e);
      text = m.toFixed(digits);
    }
    if (text.includes('.')) text = text.replace(/0+$/, '').replace(/\.$/, '');
    s = `${text}e${e}`;
  } else {
    const decimals = Math.min(10, Math.max(0, -stepExp));
    s = v.toFixed(decimals);
    if (s.includes('.')) s = s.replace(/0+$/, '').replace(/\.$/, '');
    if (s === '-0') s = '0';
  }
  return s.replace(/-/g, MINUS);
}

/** The q-quantile of sorted values. */
function quantile(sorted: number[], q: number): number {
  const i = (sorted.length - 1) * q;
  const a = Math.floor(i);
  const b = Math.min(sorted.length - 1, a + 1);
  return sorted[a] + (sorted[b] - sorted[a]) * (i - a);
}

/**
 * The y-range shown: the finite values inside fences set from the 10 % and 90 % quantiles (so the huge values near
 * a pole do not decide it: 1/x on [−2, 2] is shown on about [−7.5, 7.5]), widened to the marked values when they
 * are not far out, padded by 6 %. Null when no value is finite.
 */
export function yRange(values: Iterable<number | null | undefined>, extra: readonly (number | null | undefined)[] = []): [number, number] | null {
  const sorted: number[] = [];
  for (const y of values) if (finite(y)) sorted.push(y);
  if (!sorted.length) return null;
  sorted.sort((a, b) => a - b);
  const qlo = quantile(sorted, 0.1);
  const qhi = quantile(sorted, 0.9);
  const spread = qhi - qlo;
  const fenceLo = qlo - spread;
  const fenceHi = qhi + spread;
  let lo = Infinity;
  let hi = -Infinity;
  for (const y of sorted) {
    if (y < fenceLo || y > fenceHi) continue;
    if (y < lo) lo = y;
    if (y > hi) hi = y;
  }
  const wide = spread > 0 ? 2 * spread : Math.max(Math.abs(qlo), 1e-300);
  for (const y of extra) {
    if (!finite(y) || y < fenceLo - wide || y > fenceHi + wide) continue;
    if (y < lo) lo = y;
    if (y > hi) hi = y;
  }
  const mag = Math.max(Math.abs(lo), Math.abs(hi));
  if (hi - lo <= 1e-9 * mag || hi === lo) {
    // A constant (up to round-off): centre it.
    const c = (lo + hi) / 2;
    const d = c !== 0 ? Math.abs(c) * 0.1 : 1;
    return [c - d, c + d];
  }
  const pad = (hi - lo) * 0.06;
  return [lo - pad, hi + pad];
}

// ---- paths -------------------------------------------------------------------------------------------------

interface Pt {
  x: number;
  y: number;
}

/**
 * Must the line between samples i-1 and i (both finite) be broken? See the file comment: a step that crosses the
 * whole range, a jump with a change of sign through a huge magnitude, or a jump larger than the range against the
 * direction of the neighbouring steps.
 */
function breaksBetween(ys: readonly (number | null | undefined)[], i: number, lo: number, hi: number): boolean {
  const a = ys[i - 1] as number;
  const b = ys[i] as number;
  if ((a > hi && b < lo) || (a < lo && b > hi)) return true;
  const span = hi - lo;
  const jump = b - a;
  if (Math.abs(jump) <= span) return false;
  if (a * b < 0) return true;
  const before = i >= 2 && finite(ys[i - 2]) ? a - (ys[i - 2] as number) : 0;
  const after = i + 1 < ys.length && finite(ys[i + 1]) ? (ys[i + 1] as number) - b : 0;
  // A neighbour going the other way, by less than this jump (a neighbour that is itself a bigger jump is the pole,
  // and this step the last one before it: tan x just below π/2).
  return (before * jump < 0 && Math.abs(before) < Math.abs(jump)) || (after * jump < 0 && Math.abs(after) < Math.abs(jump));
}

/** The part of the segment a→b with lo ≤ y ≤ hi, and whether each end was cut. */
function clipSegment(a: Pt, b: Pt, lo: number, hi: number): { a: Pt; b: Pt; cutA: boolean; cutB: boolean } | null {
  let t0 = 0;
  let t1 = 1;
  const dy = b.y - a.y;
  for (const [p, q] of [
    [-dy, a.y - lo],
    [dy, hi - a.y],
  ] as const) {
    if (p === 0) {
      if (q < 0) return null;
      continue;
    }
    const t = q / p;
    if (p < 0) {
      if (t > t1) return null;
      if (t > t0) t0 = t;
    } else {
      if (t < t0) return null;
      if (t < t1) t1 = t;
    }
  }
  if (t0 > t1) return null;
  const at = (t: number): Pt => ({ x: a.x + (b.x - a.x) * t, y: Math.min(hi, Math.max(lo, a.y + dy * t)) });
  return { a: t0 > 0 ? at(t0) : a, b: t1 < 1 ? at(t1) : b, cutA: t0 > 0, cutB: t1 < 1 };
}

/**
 * The path data of one curve in data coordinates mapped by `sx`, `sy`: `M`/`L` commands, a new `M` at every
 * break. Returns the subpaths as lists of data points too (for tests and for the caller).
 */
export function curveSubpaths(xs: readonly number[], ys: readonly (number | null | undefined)[], lo: number, hi: number): Pt[][] {
  const out: Pt[][] = [];
  let current: Pt[] | null = null;
  const n = Math.min(xs.length, ys.length);
  for (let i = 0; i < n; i++) {
    if (!finite(ys[i]) || !Number.isFinite(xs[i])) {
      current = null;
      continue;
    }
    if (i === 0 || !finite(ys[i - 1]) || !Number.isFinite(xs[i - 1])) continue; // a segment needs two samples
    if (breaksBetween(ys, i, lo, hi)) {
      current = null;
      continue;
    }
    const seg = clipSegment({ x: xs[i - 1], y: ys[i - 1] as number }, { x: xs[i], y: ys[i] as number }, lo, hi);
    if (!seg) {
      current = null;
      continue;
    }
    if (!current || seg.cutA) {
      current = [seg.a];
      out.push(current);
    }
    current.push(seg.b);
    if (seg.cutB) current = null;
  }
  return out;
}

// ---- SVG ---------------------------------------------------------------------------------------------------

/** Text for an SVG text node or attribute. */
export function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

function shorten(s: string, max: number): string {
  const chars = [...s.replace(/\s+/g, ' ').trim()];
  return chars.length <= max ? chars.join('') : `${chars.slice(0, max - 1).join('')}…`;
}

const f1 = (v: number): string => {
  const s = v.toFixed(1);
  return s === '-0.0' ? '0.0' : s;
};

function textWidth(s: string): number {
  return [...s].length * CHAR_WIDTH;
}

/**
 * The plot as a standalone SVG, or null when there is nothing to draw (no curve has a finite value, or there are
 * fewer than two samples).
 */
export function plotSvg(input: PlotInput): string | null {
  const W = input.width ?? PLOT_WIDTH;
  const H = input.height ?? PLOT_HEIGHT;
  const ink = safeColor(input.color);
  const xs = input.xs;
  if (xs.length < 2 || !input.series.length) return null;
  const xlo = xs[0];
  const xhi = xs[xs.length - 1];
  if (!Number.isFinite(xlo) || !Number.isFinite(xhi) || !(xhi > xlo)) return null;
  const range = yRange(
    (function* () {
      for (const s of input.series) yield* s.ys;
    })(),
    input.marker?.ys ?? [],
  );
  if (!range) return null;
  const [ylo, yhi] = range;

  // Legend: one row if it fits, else one row per curve.
  const labels = input.series.map((s) => shorten(s.label, 34));
  const note = input.note ? shorten(input.note, 40) : '';
  const entryWidth = (l: string) => 22 + textWidth(l) + 12;
  const legendWidth = labels.reduce((w, l) => w + entryWidth(l), 0) + (note ? textWidth(note) + 8 : 0);
  const rows = legendWidth <= W - 12 ? 1 : labels.length + (note ? 1 : 0);
  const top = 8 + rows * 13 + 4;

  // Y ticks first: their labels decide the left margin.
  const plotH0 = H - top - 18;
  const yt = niceTicks(ylo, yhi, Math.max(2, Math.floor(plotH0 / 32)));
  const yMaxAbs = Math.max(Math.abs(ylo), Math.abs(yhi));
  const yLabels = yt.values.map((v) => formatTick(v, yt.step, yMaxAbs));
  const left = Math.ceil(8 + Math.max(0, ...yLabels.map(textWidth)) + 4);
  const right = W - 10;
  const bottom = H - 18;
  const plotW = right - left;
  const plotH = bottom - top;
  const sx = (x: number) => left + ((x - xlo) / (xhi - xlo)) * plotW;
  const sy = (y: number) => top + ((yhi - y) / (yhi - ylo)) * plotH;

  // X ticks: a coarser step while their labels would touch.
  const xMaxAbs = Math.max(Math.abs(xlo), Math.abs(xhi));
  let xStep = niceStep((xhi - xlo) / Math.max(2, Math.floor(plotW / 55)));
  let xValues: number[] = [];
  let xLabels: string[] = [];
  for (let tries = 0; tries < 6; tries++) {
    xValues = tickValues(xlo, xhi, xStep);
    xLabels = xValues.map((v) => formatTick(v, xStep, xMaxAbs));
    const spacing = (xStep / (xhi - xlo)) * plotW;
    if (Math.max(0, ...xLabels.map(textWidth)) + 8 <= spacing) break;
    xStep = nextStep(xStep);
  }

  const out: string[] = [];
  const aria = escapeXml(`plot of ${labels.join(' and ')}`);
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" role="img" aria-label="${aria}" ` +
      `font-family="${FONT}" font-size="${FONT_SIZE}" fill="${ink}">`,
  );
  // Grid and frame.
  const grid: string[] = [];
  for (const v of xValues) grid.push(`M${f1(sx(v))} ${f1(top)}V${f1(bottom)}`);
  for (const v of yt.values) grid.push(`M${f1(left)} ${f1(sy(v))}H${f1(right)}`);
  if (grid.length) out.push(`<path class="grid" d="${grid.join('')}" stroke="${ink}" stroke-opacity="0.13" stroke-width="1" fill="none"/>`);
  const axes: string[] = [];
  if (ylo < 0 && yhi > 0) axes.push(`M${f1(left)} ${f1(sy(0))}H${f1(right)}`);
  if (xlo < 0 && xhi > 0) axes.push(`M${f1(sx(0))} ${f1(top)}V${f1(bottom)}`);
  if (axes.length) out.push(`<path class="axis" d="${axes.join('')}" stroke="${ink}" stroke-opacity="0.45" stroke-width="1" fill="none"/>`);
  out.push(`<rect class="frame" x="${f1(left)}" y="${f1(top)}" width="${f1(plotW)}" height="${f1(plotH)}" stroke="${ink}" stroke-opacity="0.4" fill="none"/>`);
  // Tick labels.
  const ticks: string[] = [];
  xValues.forEach((v, i) => ticks.push(`<text x="${f1(sx(v))}" y="${f1(bottom + 12)}" text-anchor="middle">${escapeXml(xLabels[i])}</text>`));
  yt.values.forEach((v, i) => ticks.push(`<text x="${f1(left - 4)}" y="${f1(sy(v) + 3.5)}" text-anchor="end">${escapeXml(yLabels[i])}</text>`));
  out.push(`<g class="ticks" fill-opacity="0.8">${ticks.join('')}</g>`);
  if (input.variable) {
    out.push(`<text class="variable" x="${f1(right)}" y="${f1(bottom - 4)}" text-anchor="end" font-style="italic">${escapeXml(shorten(input.variable, 12))}</text>`);
  }

  // Curves.
  const colourOf = (i: number) => CURVE_COLOURS[i % CURVE_COLOURS.length] || ink;
  const dashOf = (i: number) => CURVE_DASHES[i % CURVE_DASHES.length];
  input.series.forEach((s, i) => {
    const subpaths = curveSubpaths(xs, s.ys, ylo, yhi);
    const d = subpaths.map((sp) => sp.map((p, j) => `${j === 0 ? 'M' : 'L'}${f1(sx(p.x))} ${f1(sy(p.y))}`).join('')).join('');
    const dash = dashOf(i) ? ` stroke-dasharray="${dashOf(i)}"` : '';
    out.push(
      `<path class="curve" data-curve="${i}" d="${d}" stroke="${colourOf(i)}" stroke-width="1.8"${dash} fill="none" stroke-linejoin="round" stroke-linecap="round"/>`,
    );
  });

  // The marked point: a faint guide at x and a dot on each curve that is defined (and shown) there.
  const m = input.marker;
  if (m && Number.isFinite(m.x) && m.x >= xlo && m.x <= xhi) {
    const mx = f1(sx(m.x));
    const dots: string[] = [`<path d="M${mx} ${f1(top)}V${f1(bottom)}" stroke="${ink}" stroke-opacity="0.5" stroke-dasharray="2 3" fill="none"/>`];
    m.ys.forEach((y, i) => {
      if (i >= input.series.length || !finite(y) || y < ylo || y > yhi) return;
      dots.push(`<circle cx="${mx}" cy="${f1(sy(y))}" r="3.2" fill="${colourOf(i)}" stroke="${ink}" stroke-width="0.8"/>`);
    });
    out.push(`<g class="marker">${dots.join('')}</g>`);
  }

  // Legend.
  const legend: string[] = [];
  let lx = left;
  let row = 0;
  labels.forEach((l, i) => {
    if (rows > 1 && i > 0) {
      row++;
      lx = left;
    }
    const y = 8 + row * 13 + 5;
    const dash = dashOf(i) ? ` stroke-dasharray="${dashOf(i)}"` : '';
    legend.push(`<path d="M${f1(lx)} ${f1(y - 3.5)}h18" stroke="${colourOf(i)}" stroke-width="1.8"${dash} fill="none"/>`);
    legend.push(`<text x="${f1(lx + 22)}" y="${f1(y)}">${escapeXml(l)}</text>`);
    lx += entryWidth(l);
  });
  if (note) {
    const y = 8 + (rows > 1 ? row + 1 : 0) * 13 + 5;
    legend.push(`<text class="note" x="${f1(right)}" y="${f1(y)}" text-anchor="end" fill-opacity="0.8">${escapeXml(note)}</text>`);
  }
  out.push(`<g class="legend">${legend.join('')}</g>`);
  out.push('</svg>');
  return out.join('');
}

/** `plotSvg` as a data URI (null when there is nothing to draw). */
export function plotDataUri(input: PlotInput): string | null {
  const svg = plotSvg(input);
  return svg === null ? null : svgDataUri(svg);
}
