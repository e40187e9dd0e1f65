#!/usr/bin/env node
// Draws the tray icons into resources/tray/ (committed; run again only to change them):
//   tray-<state>.png / @2x           colour, for Windows and Linux (16 and 32 px)
//   tray-<state>Template.png / @2x   black + alpha, for the macOS menu bar, which recolours
//                                    them; Electron needs the base name to end in "Template"
// States: green (check), amber (!), red (cross), idle (empty shield, no servers yet).
// Node builtins only: a shield and its glyph are sampled 8×8 per pixel for antialiasing,
// and written by the small PNG encoder below (8-bit RGBA, one zlib IDAT).
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';

const OUT_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'resources', 'tray');
const SAMPLES = 8;

const STATES = {
  green: { fill: [46, 158, 91], glyph: 'check' },
  amber: { fill: [232, 163, 23], glyph: 'bang' },
  red: { fill: [214, 69, 65], glyph: 'cross' },
  idle: { fill: [138, 143, 152], glyph: 'none' },
};

// ---- shapes, in unit coordinates (0..1, y down) ----

/** The shield's outline: a flat top, straight sides, then two quadratic curves to a point. */
const SHIELD = (() => {
  const points = [
    [0.16, 0.08],
    [0.84, 0.08],
    [0.84, 0.45],
  ];
  const curve = (p0, c, p1) => {
    for (let i = 1; i <= 16; i++) {
      const t = i / 16;
      const u = 1 - t;
      points.push([u * u * p0[0] + 2 * u * t * c[0] + t * t * p1[0], u * u * p0[1] + 2 * u * t * c[1] + t * t * p1[1]]);
    }
  };
  curve([0.84, 0.45], [0.84, 0.78], [0.5, 0.94]);
  curve([0.5, 0.94], [0.16, 0.78], [0.16, 0.45]);
  return points;
})();

function insidePolygon(x, y, poly) {
  let inside = false;
  for (let i = 0, j = poly.length - 1; i < poly.length; j = i++) {
    const [xi, yi] = poly[i];
    const [xj, yj] = poly[j];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

function segmentDistance(x, y, [ax, ay], [bx, by]) {
  const dx = bx - ax;
  const dy = by - ay;
  const t = Math.max(0, Math.min(1, ((x - ax) * dx + (y - ay) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(x - (ax + t * dx), y - (ay + t * dy));
}

function edgeDistance(x, y, poly) {
  let best = Infinity;
  for (let i = 0, j = poly.length - 1; i < poly.length; j = i++) best = Math.min(best, segmentDistance(x, y, poly[j], poly[i]));
  return best;
}

const stroke = (segments, width) => (x, y) => segments.some(([a, b]) => segmentDistance(x, y, a, b) <= width / 2);

const GLYPHS = {
  check: stroke(
    [
      [[0.32, 0.5], [0.45, 0.63]],
      [[0.45, 0.63], [0.69, 0.35]],
    ],
    0.11,
  ),
  cross: stroke(
    [
      [[0.35, 0.31], [0.65, 0.61]],
      [[0.65, 0.31], [0.35, 0.61]],
    ],
    0.11,
  ),
  bang: (x, y) => stroke([[[0.5, 0.24], [0.5, 0.5]]], 0.12)(x, y) || Math.hypot(x - 0.5, y - 0.66) <= 0.07,
  none: () => false,
};

// ---- rasterising ----

/** What one sample point shows: null (transparent) or an RGB colour. */
function colourSample(x, y, size, state) {
  if (!insidePolygon(x, y, SHIELD)) return null;
  const { fill, glyph } = STATES[state];
  // A one-pixel darker rim keeps the shield readable on light and dark trays alike.
  if (edgeDistance(x, y, SHIELD) < 1 / size) return fill.map((c) => Math.round(c * 0.62));
  return GLYPHS[glyph](x, y) ? [255, 255, 255] : fill;
}

/** Template images: the shield in black with the glyph cut out; idle is the shield's outline only. */
function templateSample(x, y, size, state) {
  if (!insidePolygon(x, y, SHIELD)) return null;
  const { glyph } = STATES[state];
  if (glyph === 'none') return edgeDistance(x, y, SHIELD) < Math.max(1.5 / size, 0.09) ? [0, 0, 0] : null;
  return GLYPHS[glyph](x, y) ? null : [0, 0, 0];
}

function render(size, sample) {
  const rgba = Buffer.alloc(size * size * 4);
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let r = 0;
      let g = 0;
      let b = 0;
      let covered = 0;
      for (let sy = 0; sy < SAMPLES; sy++) {
        for (let sx = 0; sx < SAMPLES; sx++) {
          const colour = sample((px + (sx + 0.5) / SAMPLES) / size, (py + (sy + 0.5) / SAMPLES) / size);
          if (colour === null) continue;
          r += colour[0];
          g += colour[1];
          b += colour[2];
          covered++;
        }
      }
      const o = (py * size + px) * 4;
      if (covered > 0) {
        rgba[o] = Math.round(r / covered);
        rgba[o + 1] = Math.round(g / covered);
        rgba[o + 2] = Math.round(b / covered);
        rgba[o + 3] = Math.round((255 * covered) / (SAMPLES * SAMPLES));
      }
    }
  }
  return rgba;
}

// ---- PNG ----

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes) {
  let c = 0xffffffff;
  for (const byte of bytes) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

function encodePng(size, rgba) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // RGBA
  // compression, filter and interlace methods stay 0
  const rows = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) rgba.copy(rows, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4); // filter byte 0: none
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(rows, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

mkdirSync(OUT_DIR, { recursive: true });
for (const state of Object.keys(STATES)) {
  for (const [suffix, size] of [['', 16], ['@2x', 32]]) {
    const files = {
      [`tray-${state}${suffix}.png`]: (x, y) => colourSample(x, y, size, state),
      [`tray-${state}Template${suffix}.png`]: (x, y) => templateSample(x, y, size, state),
    };
    for (const [name, sample] of Object.entries(files)) {
      writeFileSync(join(OUT_DIR, name), encodePng(size, render(size, sample)));
      console.log(`wrote resources/tray/${name} (${size}×${size})`);
    }
  }
}
