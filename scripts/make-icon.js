#!/usr/bin/env node
/**
 * Draws the extension icon, images/icon.png (128×128 RGBA): a curve with its tangent on a dark blue tile and a
 * green check badge. A hand-written PNG encoder (zlib only), 4×4 supersampling for smooth edges.
 * Run `node scripts/make-icon.js` to regenerate; the PNG is committed.
 */
'use strict';
const fs = require('fs');
const path = require('path');
const zlib = require('zlib');

const SIZE = 128;
const SS = 4; // samples per axis per pixel

// Shapes in pixel coordinates (y down).
const curve = []; // y = a sine-like curve across the tile
for (let i = 0; i <= 120; i++) {
  const x = 14 + (100 * i) / 120;
  const t = (x - 14) / 100;
  curve.push([x, 86 - 44 * Math.sin(t * Math.PI * 1.15) + 14 * t]);
}
const tx = 14 + 100 * 0.28; // tangent point
const tt = 0.28;
const ty = 86 - 44 * Math.sin(tt * Math.PI * 1.15) + 14 * tt;
const slope = -44 * Math.PI * 1.15 * Math.cos(tt * Math.PI * 1.15) / 100 + 14 / 100;
const tangent = [[tx - 26, ty - 26 * slope], [tx + 30, ty + 30 * slope]];

function segDist(px, py, [ax, ay], [bx, by]) {
  const dx = bx - ax;
  const dy = by - ay;
  const t = Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(px - (ax + t * dx), py - (ay + t * dy));
}
function polyDist(px, py, pts) {
  let d = Infinity;
  for (let i = 1; i < pts.length; i++) d = Math.min(d, segDist(px, py, pts[i - 1], pts[i]));
  return d;
}
function insideRoundedRect(px, py, x0, y0, x1, y1, r) {
  const cx = Math.max(x0 + r, Math.min(x1 - r, px));
  const cy = Math.max(y0 + r, Math.min(y1 - r, py));
  return px >= x0 && px <= x1 && py >= y0 && py <= y1 && Math.hypot(px - cx, py - cy) <= r;
}

/** Colour [r, g, b, a] (0–255) at a sample point, painting back to front. */
function sample(px, py) {
  if (!insideRoundedRect(px, py, 2, 2, 126, 126, 24)) return [0, 0, 0, 0];
  const g = py / SIZE; // vertical gradient
  let c = [Math.round(0x2b + (0x16 - 0x2b) * g), Math.round(0x4c + (0x2a - 0x4c) * g), Math.round(0x7e + (0x4a - 0x7e) * g)];
  if (Math.abs(py - 100) < 0.8 && px > 12 && px < 116) c = [0x6f, 0x86, 0xa6]; // x axis
  if (polyDist(px, py, curve) < 3.6) c = [0xf1, 0xf4, 0xf8];
  if (polyDist(px, py, tangent) < 2.6) c = [0xf4, 0xa2, 0x61];
  if (Math.hypot(px - tx, py - ty) < 6) c = [0xf4, 0xa2, 0x61];
  const bx = 96;
  const by = 96;
  if (Math.hypot(px - bx, py - by) < 22) c = [0xf1, 0xf4, 0xf8];
  if (Math.hypot(px - bx, py - by) < 19) c = [0x2a, 0x9d, 0x8f];
  if (polyDist(px, py, [[bx - 10, by + 1], [bx - 3, by + 8], [bx + 10, by - 8]]) < 3.2) c = [0xff, 0xff, 0xff];
  return [c[0], c[1], c[2], 255];
}

function render() {
  const rows = [];
  for (let y = 0; y < SIZE; y++) {
    const row = Buffer.alloc(1 + SIZE * 4); // filter byte 0 (None), then RGBA
    for (let x = 0; x < SIZE; x++) {
      let r = 0, g = 0, b = 0, a = 0;
      for (let sy = 0; sy < SS; sy++) {
        for (let sx = 0; sx < SS; sx++) {
          const [cr, cg, cb, ca] = sample(x + (sx + 0.5) / SS, y + (sy + 0.5) / SS);
          r += cr * ca; g += cg * ca; b += cb * ca; a += ca;
        }
      }
      const o = 1 + x * 4;
      if (a > 0) {
        row[o] = Math.round(r / a);
        row[o + 1] = Math.round(g / a);
        row[o + 2] = Math.round(b / a);
      }
      row[o + 3] = Math.round(a / (SS * SS));
    }
    rows.push(row);
  }
  return Buffer.concat(rows);
}

const CRC_TABLE = new Uint32Array(256).map((_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const byte of buf) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

function png() {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(SIZE, 0);
  ihdr.writeUInt32BE(SIZE, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // colour type RGBA
  ihdr[10] = 0; // compression
  ihdr[11] = 0; // filter
  ihdr[12] = 0; // no interlace
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', zlib.deflateSync(render(), { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const out = path.join(__dirname, '..', 'images', 'icon.png');
fs.mkdirSync(path.dirname(out), { recursive: true });
fs.writeFileSync(out, png());
console.log(`${path.relative(process.cwd(), out)} (${fs.statSync(out).size} bytes)`);
