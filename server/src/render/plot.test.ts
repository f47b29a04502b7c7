/**
 * Hover plots: the SVG writer (ticks, range, gaps, no line across a pole, clipping, legend, marker), the sampler of
 * a PlotSpec, and the lazy cached image. Assertions read the path data of the SVG back into plot coordinates.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatTick, niceStep, niceTicks, plotDataUri, plotSvg, yRange, type PlotInput } from './plot';
import { plotImageUri } from './plotImage';
import { DEFAULT_INK } from './svg';
import { samplePlot, defaultInterval } from '../check/plotSample';
import type { PlotSpec } from '../check/plotSpec';
import { type Expr, add, div, fn, mul, num, pow, sub, v } from '../check/expr';

const X = v('x');

function linspace(a: number, b: number, n = 200): number[] {
  return Array.from({ length: n }, (_, i) => (i === n - 1 ? b : a + ((b - a) * i) / (n - 1)));
}

interface Drawn {
  svg: string;
  /** Each curve's subpaths, as data coordinates read back from the path data. */
  curves: { x: number; y: number }[][][];
  /** The raw `d` attribute of each curve. */
  d: string[];
  frame: { left: number; top: number; width: number; height: number };
}

/** Draws, then parses the SVG: the frame, and every curve's path data mapped back to data coordinates. */
function draw(input: PlotInput, range?: { xlo: number; xhi: number }): Drawn {
  const svg = plotSvg(input);
  assert.ok(svg, 'an SVG');
  const fm = /<rect class="frame" x="([-\d.]+)" y="([-\d.]+)" width="([-\d.]+)" height="([-\d.]+)"/.exec(svg);
  assert.ok(fm, 'a frame');
  const frame = { left: Number(fm[1]), top: Number(fm[2]), width: Number(fm[3]), height: Number(fm[4]) };
  const xlo = range?.xlo ?? input.xs[0];
  const xhi = range?.xhi ?? input.xs[input.xs.length - 1];
  const d = [...svg.matchAll(/<path class="curve" data-curve="\d+" d="([^"]*)"/g)].map((m) => m[1]);
  const curves = d.map((path) => {
    // Only M and L commands with absolute coordinates.
    assert.match(path, /^(?:[ML]-?\d+(?:\.\d+)? -?\d+(?:\.\d+)?)*$/, 'path data is M/L pairs');
    const subpaths: { x: number; y: number }[][] = [];
    for (const m of path.matchAll(/([ML])(-?[\d.]+) (-?[\d.]+)/g)) {
      const px = Number(m[2]);
      const py = Number(m[3]);
      const pt = { x: xlo + ((px - frame.left) / frame.width) * (xhi - xlo), y: py };
      if (m[1] === 'M') subpaths.push([pt]);
      else subpaths[subpaths.length - 1].push(pt);
    }
    return subpaths;
  });
  return { svg, curves, d, frame };
}

function decode(uri: string): string {
  assert.match(uri, /^data:image\/svg\+xml;base64,[A-Za-z0-9+/]+=*$/);
  return Buffer.from(uri.slice(uri.indexOf(',') + 1), 'base64').toString('utf8');
}

/** No number in the SVG is NaN or infinite, and every coordinate of the curves lies inside the frame. */
function sane(dr: Drawn): void {
  assert.doesNotMatch(dr.svg, /NaN|Infinity|undefined/);
  const { top, height, left, width } = dr.frame;
  for (const path of dr.d) {
    for (const m of path.matchAll(/[ML](-?[\d.]+) (-?[\d.]+)/g)) {
      const px = Number(m[1]);
      const py = Number(m[2]);
      assert.ok(px >= left - 0.05 && px <= left + width + 0.05, `x ${px} inside the frame`);
      assert.ok(py >= top - 0.05 && py <= top + height + 0.05, `y ${py} inside the frame`);
    }
  }
}

// ---- numbers -----------------------------------------------------------------------------------------------

test('plot: ticks on a 1-2-5 step, at least three when there is room, formatted compactly', () => {
  assert.deepEqual([0.7, 1, 1.5, 3, 7, 0.012, 2e6].map(niceStep), [1, 1, 2, 5, 10, 0.02, 2e6]);
  assert.deepEqual(niceTicks(-2, 2, 4), { step: 1, values: [-2, -1, 0, 1, 2] });
  assert.deepEqual(niceTicks(-4.02, 4.02, 4).values, [-4, -2, 0, 2, 4], 'not a single tick at 0 with a step of 5');
  assert.deepEqual(niceTicks(0.17, 4.17, 5).values, [1, 2, 3, 4]);
  const t = niceTicks(0.1, 0.4, 4);
  assert.deepEqual(t.values.map((x) => formatTick(x, t.step, 0.4)), ['0.1', '0.2', '0.3', '0.4'], 'no 0.30000000000000004');
  assert.equal(formatTick(-2, 1, 2), '−2');
  assert.equal(formatTick(-1e-17, 0.5, 2), '0');
  assert.equal(formatTick(2e6, 1e6, 3e6), '2e6');
  assert.equal(formatTick(1.5e6, 5e5, 3e6), '1.5e6');
  assert.equal(formatTick(-5e-5, 5e-5, 1e-4), '−5e−5');
  assert.equal(formatTick(150, 50, 200), '150');
});

test('plot: the y-range is robust — a pole does not flatten the rest; constants are centred', () => {
  const xs = linspace(-2, 2);
  const recip = xs.map((x) => 1 / x);
  const r = yRange(recip);
  assert.ok(r);
  assert.ok(r[1] < 15 && r[1] > 3, `1/x on [−2, 2] shows a moderate range, not ±100: ${r}`);
  assert.ok(r[0] > -15 && r[0] < -3);
  const e = yRange(xs.map(Math.exp));
  assert.ok(e && e[1] >= Math.exp(2) && e[0] <= Math.exp(-2), 'a smooth curve is shown whole');
  assert.deepEqual(yRange([5, 5, 5]), [4.5, 5.5]);
  assert.deepEqual(yRange([0, 0]), [-1, 1]);
  assert.equal(yRange([NaN, Infinity, undefined, null, 1e200]), null, 'nothing finite');
  const withMarker = yRange([0, 1, 2], [3]);
  assert.ok(withMarker && withMarker[1] > 3, 'the marked values are shown');
});

// ---- drawing -----------------------------------------------------------------------------------------------

test('plot: no line across the pole of 1/x — two subpaths, one on each side of 0, each reaching the edge', () => {
  const xs = linspace(-2, 2);
  const dr = draw({ xs, series: [{ label: '1/x', ys: xs.map((x) => 1 / x) }] });
  sane(dr);
  const [curve] = dr.curves;
  assert.equal(curve.length, 2, `two subpaths: ${dr.d[0].slice(0, 200)}`);
  assert.ok(curve[0].every((p) => p.x < 0), 'the first subpath lies left of 0');
  assert.ok(curve[1].every((p) => p.x > 0), 'the second subpath lies right of 0');
  // Both ends at the pole are drawn to the frame's edge (bottom on the left, top on the right), not stopped short.
  const bottom = dr.frame.top + dr.frame.height;
  assert.ok(Math.abs(curve[0][curve[0].length - 1].y - bottom) < 0.11);
  assert.ok(Math.abs(curve[1][0].y - dr.frame.top) < 0.11);
});

test('plot: tan x over several periods — one subpath per branch, none spans a pole', () => {
  const xs = linspace(-5, 5);
  const dr = draw({ xs, series: [{ label: 'tan', ys: xs.map(Math.tan) }] });
  sane(dr);
  const poles = [-1.5, -0.5, 0.5, 1.5].map((k) => k * Math.PI);
  assert.ok(poles.every((p) => -5 < p && p < 5));
  const [curve] = dr.curves;
  assert.equal(curve.length, poles.length + 1);
  for (const sp of curve) {
    const lo = Math.min(...sp.map((p) => p.x));
    const hi = Math.max(...sp.map((p) => p.x));
    for (const p of poles) assert.ok(!(lo < p && p < hi), `a subpath [${lo}, ${hi}] spans the pole ${p}`);
  }
});

test('plot: a pole without a change of sign inside the range (1/x + 100) is still broken', () => {
  const xs = linspace(-2, 2);
  const dr = draw({ xs, series: [{ label: 'f', ys: xs.map((x) => 1 / x + 100) }] });
  sane(dr);
  assert.equal(dr.curves[0].length, 2);
  assert.ok(dr.curves[0][0].every((p) => p.x < 0) && dr.curves[0][1].every((p) => p.x > 0));
});

test('plot: steep but continuous curves are not broken (x³ on [−10, 10], e^{e^x})', () => {
  const xs = linspace(-10, 10);
  const cube = draw({ xs, series: [{ label: 'x³', ys: xs.map((x) => x ** 3) }] });
  assert.equal(cube.curves[0].length, 1);
  const ys = linspace(-3, 3);
  const tower = draw({ xs: ys, series: [{ label: 'f', ys: ys.map((x) => Math.exp(Math.exp(x))) }] });
  assert.equal(tower.curves[0].length, 1, 'leaves the top once, drawn to the edge');
  const last = tower.curves[0][0][tower.curves[0][0].length - 1];
  assert.ok(Math.abs(last.y - tower.frame.top) < 0.11);
});

test('plot: ln x — no point drawn for x ≤ 0 (a gap, not a line along the axis)', () => {
  const xs = linspace(-2, 2);
  const dr = draw({ xs, series: [{ label: 'ln x', ys: xs.map(Math.log) }] });
  sane(dr);
  assert.ok(dr.curves[0].length >= 1);
  for (const sp of dr.curves[0]) for (const p of sp) assert.ok(p.x > 0, `a point at x = ${p.x}`);
  // undefined and null are gaps too.
  const gappy = draw({ xs, series: [{ label: 'g', ys: xs.map((x) => (x < 0 ? undefined : x > 1 ? null : x)) }] });
  for (const p of gappy.curves[0].flat()) assert.ok(p.x >= 0 && p.x <= 1.001);
});

test('plot: two curves, distinguishable (solid and dashed, two colours), with a legend and the marked point', () => {
  const xs = linspace(-1, 3);
  const input: PlotInput = {
    xs,
    series: [
      { label: 'stated', ys: xs.map((x) => 2 * x * x) },
      { label: 'actual', ys: xs.map((x) => 3 * x * x) },
    ],
    marker: { x: 1.5, ys: [4.5, 6.75] },
    variable: 'x',
    note: 'y = 0.37',
    color: '#d4d4d4',
  };
  const dr = draw(input);
  sane(dr);
  assert.equal(dr.curves.length, 2);
  const paths = [...dr.svg.matchAll(/<path class="curve"[^>]*>/g)].map((m) => m[0]);
  assert.ok(!/stroke-dasharray/.test(paths[0]) && /stroke-dasharray/.test(paths[1]), 'solid, then dashed');
  assert.match(paths[0], /stroke="#d4d4d4"/);
  assert.doesNotMatch(paths[1], /stroke="#d4d4d4"/);
  assert.match(dr.svg, />stated</);
  assert.match(dr.svg, />actual</);
  assert.match(dr.svg, /class="note"[^>]*>y = 0\.37</);
  assert.match(dr.svg, /class="variable"[^>]*>x</);
  const marker = /<g class="marker">(.*?)<\/g>/.exec(dr.svg);
  assert.ok(marker, 'a marker');
  const dots = [...marker[1].matchAll(/<circle cx="([\d.]+)" cy="([\d.]+)"/g)];
  assert.equal(dots.length, 2);
  const mx = input.xs[0] + ((Number(dots[0][1]) - dr.frame.left) / dr.frame.width) * (input.xs[input.xs.length - 1] - input.xs[0]);
  assert.ok(Math.abs(mx - 1.5) < 0.01, `the marker is at x = 1.5 (${mx})`);
  assert.ok(Number(dots[1][2]) < Number(dots[0][2]), 'the larger value is drawn higher');
  // The tick labels are numbers of the range.
  assert.match(dr.svg, />−1</);
  assert.match(dr.svg, />3</);
  assert.ok(plotDataUri(input)?.startsWith('data:image/svg+xml;base64,'));
});

test('plot: constant curves, all-undefined curves, huge values', () => {
  const xs = linspace(-2, 2);
  const flat = draw({ xs, series: [{ label: 'c', ys: xs.map(() => 5) }] });
  sane(flat);
  assert.equal(flat.curves[0].length, 1);
  assert.ok(flat.curves[0][0].every((p) => p.y === flat.curves[0][0][0].y), 'a horizontal line');
  const mid = flat.frame.top + flat.frame.height / 2;
  assert.ok(Math.abs(flat.curves[0][0][0].y - mid) < 0.11, 'centred');
  assert.match(flat.svg, />5</);
  const two = draw({ xs, series: [{ label: 'c', ys: xs.map(() => 5) }, { label: 'zero', ys: xs.map(() => 0) }] });
  sane(two);
  assert.equal(two.curves[1].length, 1);
  assert.ok(two.curves[0][0][0].y < two.curves[1][0][0].y, '5 above 0');
  const zeros = draw({ xs, series: [{ label: 'zero', ys: xs.map(() => 0) }] });
  assert.match(zeros.svg, />0</);
  // Nothing defined: no plot at all (and no exception).
  assert.equal(plotSvg({ xs, series: [{ label: 'ln', ys: xs.map(() => NaN) }] }), null);
  assert.equal(plotSvg({ xs, series: [{ label: 'u', ys: xs.map(() => undefined) }] }), null);
  assert.equal(plotSvg({ xs: [1], series: [{ label: 'one', ys: [1] }] }), null);
  assert.equal(plotSvg({ xs, series: [] }), null);
  // One curve undefined, the other drawn.
  const half = draw({ xs, series: [{ label: 'a', ys: xs.map(() => NaN) }, { label: 'b', ys: xs }] });
  assert.equal(half.d[0], '');
  assert.equal(half.curves[1].length, 1);
  // Huge values: compact exponent ticks, finite coordinates; beyond 1e150 is a gap.
  const big = draw({ xs, series: [{ label: 'big', ys: xs.map((x) => Math.exp(x * x) * 1e120) }, { label: 'bigger', ys: xs.map((x) => (x > 1 ? 1e300 : 1e121)) }] });
  sane(big);
  assert.match(big.svg, />\d(?:\.\d+)?e12\d</);
  for (const p of big.curves[1].flat()) assert.ok(p.x <= 1.001, 'values of 1e300 are not drawn');
});

test('plot: labels are escaped, the ink is checked, the size is the hover size', () => {
  const xs = linspace(0, 1, 10);
  const svg = plotSvg({ xs, series: [{ label: '<script>alert("x")</script> & more', ys: xs }], color: '" onload="evil()', note: '<b>' });
  assert.ok(svg);
  assert.ok(!svg.includes('<script') && !svg.includes('<b>') && !svg.includes('onload="evil'));
  assert.match(svg, /&lt;script&gt;/);
  assert.ok(svg.includes(DEFAULT_INK));
  assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" width="320" height="100" viewBox="0 0 320 100"/);
  assert.ok(svg.endsWith('</svg>'));
  assert.doesNotMatch(svg, /href|url\(|<foreignObject|<image/);
  const long = plotSvg({ xs, series: [{ label: 'a very long label that goes on and on and on and on', ys: xs }, { label: 'another long label, also quite long', ys: xs }] });
  assert.ok(long && long.includes('…'), 'long labels are shortened');
});

// ---- sampling and the cached image -----------------------------------------------------------------------------

function spec(curves: [string, Expr][], x0 = 0, kind: PlotSpec['kind'] = 'counterexample'): PlotSpec {
  return { kind, variable: 'x', x0, curves: curves.map(([label, expr]) => ({ label, expr })) };
}

test('plot sampling: x₀ ± max(2, |x₀|/2), 200 points, marked values at x₀ itself', () => {
  assert.deepEqual(defaultInterval(0), [-2, 2]);
  assert.deepEqual(defaultInterval(10), [5, 15]);
  const d = samplePlot(spec([['stated', mul(num(2), pow(X, num(2)))], ['actual', mul(num(3), pow(X, num(2)))]], 1.5));
  assert.ok(d);
  assert.equal(d.xs.length, 200);
  assert.equal(d.xs[0], -0.5);
  assert.equal(d.xs[199], 3.5);
  assert.deepEqual(d.marker, { x: 1.5, ys: [4.5, 6.75] });
  assert.equal(d.curves[0].label, 'stated');
  assert.equal(d.variable, 'x');
});

test('plot sampling: a curve undefined on most of the interval shrinks it to its domain; nowhere defined gives null', () => {
  // √(0.25 − x²) around 0: defined on [−0.5, 0.5] only, about a quarter of [−2, 2].
  const d = samplePlot(spec([['f', pow(sub(num(0.25), pow(X, num(2))), num(0.5))]], 0));
  assert.ok(d);
  assert.ok(d.xs[0] >= -0.55 && d.xs[199] <= 0.55, `shrunk to [${d.xs[0]}, ${d.xs[199]}]`);
  assert.ok(d.curves[0].ys.filter(Number.isFinite).length > 150);
  assert.equal(samplePlot(spec([['f', fn('ln', sub(num(-1), pow(X, num(2))))]], 0)), null);
  // A derivative is drawn only where its function is defined: 1/x beside ln x.
  const ln = samplePlot(spec([['ln x', fn('ln', X)], ['1/x', div(num(1), X)]], 1, 'derivative'));
  assert.ok(ln);
  ln.xs.forEach((x, i) => {
    if (x <= 0) assert.ok(Number.isNaN(ln.curves[1].ys[i]), `1/x drawn at ${x}`);
  });
  assert.ok(ln.curves[1].ys.some((y) => Number.isFinite(y) && y > 0));
  // The other variables' values are noted.
  const fixed = samplePlot({ ...spec([['f', X]], 1), fixed: [['theta', 0.5]] });
  assert.equal(fixed?.note, 'θ = 0.5');
});

test('plot image: drawn lazily, cached per spec and ink; nothing to draw gives null', () => {
  const s = spec([['stated', fn('sin', X)], ['actual', add(fn('cos', X), num(1))]], 0.5);
  const a = plotImageUri(s, '#112233');
  assert.ok(a);
  const svg = decode(a);
  assert.ok(svg.includes('#112233'));
  assert.equal(plotImageUri(s, '#112233'), a, 'cached');
  const b = plotImageUri(s, '#445566');
  assert.ok(b && b !== a && decode(b).includes('#445566'), 'another ink, another image');
  assert.equal(plotImageUri(spec([['f', fn('ln', sub(num(-1), pow(X, num(2))))]], 0), '#000000'), null);
  assert.equal(plotImageUri({ ...s, x0: NaN }, '#000000'), null);
});

test('plot image: a cold render takes a few milliseconds, a cached one almost nothing', () => {
  const s = spec([['stated', mul(fn('tan', X), pow(X, num(2)))], ['actual', add(fn('exp', mul(num(-1), X)), div(num(1), X))]], 0.7);
  let t0 = performance.now();
  assert.ok(plotImageUri(s, '#808081'));
  const cold = performance.now() - t0;
  t0 = performance.now();
  plotImageUri(s, '#808081');
  const cached = performance.now() - t0;
  // Generous bounds (CI machines vary): the hover budget is 20 ms at p95.
  assert.ok(cold < 60, `cold plot ${cold.toFixed(1)} ms`);
  assert.ok(cached < 2, `cached plot ${cached.toFixed(2)} ms`);
});
