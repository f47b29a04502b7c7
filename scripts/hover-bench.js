#!/usr/bin/env node
/**
 * `npm run bench:hover [-- --no-plots] [notes…]` — hover timing (not a test): prints how long hovers take — cold
 * (first hover in the process: MathJax loaded and set up), warm (MathJax ready, formula not cached) and cached —
 * over the math of the given notes (default: the example notes), then the plots alone: the first plot drawn in
 * the process, the others (not cached) and cached ones. Runs the compiled code in server/out (`npm run build`).
 */
'use strict';
const fs = require('fs');
const path = require('path');

const ROOT = path.resolve(__dirname, '..');
const OUT = path.join(ROOT, 'server', 'out');
if (!fs.existsSync(path.join(OUT, 'lsp', 'hover.js'))) {
  console.error('bench:hover: server/out is missing; run `npm run build` first');
  process.exit(2);
}
const { checkDocument } = require(path.join(OUT, 'engine.js'));
const { LineMap } = require(path.join(OUT, 'scan', 'lines.js'));
const { hover } = require(path.join(OUT, 'lsp', 'hover.js'));
const { plotImageUri } = require(path.join(OUT, 'render', 'plotImage.js'));

function ms(t0) {
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

function main() {
  const plots = !process.argv.includes('--no-plots');
  const args = process.argv.slice(2).filter((a) => a !== '--no-plots');
  const files = args.length
    ? args
    : fs.readdirSync(path.join(ROOT, 'examples')).filter((f) => /\.(md|txt)$/.test(f)).map((f) => path.join(ROOT, 'examples', f));
  const docs = files.map((file) => {
    const text = fs.readFileSync(file, 'utf8');
    const report = checkDocument(text, { mode: file.endsWith('.txt') ? 'text' : 'markdown' });
    return { file, text, report, lines: new LineMap(text) };
  });
  const points = docs.flatMap((d) =>
    d.report.fragments
      .filter((f) => f.delimiter !== 'bare-inline')
      .map((f) => ({ d, position: d.lines.positionAt(Math.floor((f.start + f.end) / 2)) })),
  );
  if (!points.length) throw new Error('no math in these notes');
  const at = (p) =>
    hover({ text: p.d.text, position: p.position, report: p.d.report, reportText: p.d.text, lines: p.d.lines, color: '#d4d4d4', plots });
  // Plots alone, before the hovers draw them (another ink than the hovers', so these are not cached by them).
  const specs = docs.flatMap((d) => d.report.claims.flatMap((c) => (c.plot ? [c.plot] : [])));
  const plotTimes = [];
  for (const spec of specs) {
    const t = process.hrtime.bigint();
    plotImageUri(spec, '#333333');
    plotTimes.push(ms(t));
  }
  const plotCached = [];
  for (const spec of specs) {
    const t = process.hrtime.bigint();
    plotImageUri(spec, '#333333');
    plotCached.push(ms(t));
  }

  let t0 = process.hrtime.bigint();
  const first = at(points[0]);
  const cold = ms(t0);
  if (!first) throw new Error('no hover');
  const warm = [];
  for (const p of points.slice(1)) {
    t0 = process.hrtime.bigint();
    at(p);
    warm.push(ms(t0));
  }
  const cached = [];
  for (const p of points) {
    t0 = process.hrtime.bigint();
    at(p);
    cached.push(ms(t0));
  }
  const stats = (xs) => {
    const s = [...xs].sort((a, b) => a - b);
    const q = (f) => s[Math.min(s.length - 1, Math.floor(f * s.length))] ?? 0;
    return `median ${q(0.5).toFixed(2)} ms, p90 ${q(0.9).toFixed(2)} ms, max ${(s[s.length - 1] ?? 0).toFixed(2)} ms (n=${s.length})`;
  };
  console.log(`${points.length} formulas in ${docs.length} notes`);
  console.log(`cold (first hover, MathJax loaded and set up): ${cold.toFixed(1)} ms`);
  console.log(`warm (not cached):  ${stats(warm)}`);
  console.log(`cached:             ${stats(cached)}`);
  if (specs.length) {
    console.log(`plots: ${specs.length} claims with a plot${plots ? '' : ' (not shown in the hovers above: --no-plots)'}`);
    console.log(`plot cold (first in the process): ${plotTimes[0].toFixed(2)} ms`);
    if (plotTimes.length > 1) console.log(`plot warm (not cached): ${stats(plotTimes.slice(1))}`);
    console.log(`plot cached:            ${stats(plotCached)}`);
  }
}

main();
