import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { crc32, inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { trayIconFile, type TrayLight } from '../../src/main/tray-state.js';

/** The committed output of scripts/make-tray-icons.mjs. */
const ICON_DIR = fileURLToPath(new URL('../../resources/tray/', import.meta.url));
const STATES: TrayLight[] = ['GREEN', 'AMBER', 'RED', 'IDLE'];
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

interface DecodedPng {
  width: number;
  height: number;
  /** RGBA, 8 bits per channel. */
  pixels: Buffer;
}

/** Reads a PNG as the encoder writes it (8-bit RGBA, filter 0), checking the signature, every chunk's CRC and the IHDR. */
function readPng(file: string): DecodedPng {
  const bytes = fs.readFileSync(file);
  expect(bytes.subarray(0, 8).equals(PNG_SIGNATURE), `${file}: PNG signature`).toBe(true);
  const chunks: { type: string; data: Buffer }[] = [];
  for (let offset = 8; offset < bytes.length; ) {
    const length = bytes.readUInt32BE(offset);
    const type = bytes.toString('latin1', offset + 4, offset + 8);
    const data = bytes.subarray(offset + 8, offset + 8 + length);
    expect(bytes.readUInt32BE(offset + 8 + length), `${file}: CRC of ${type}`).toBe(crc32(bytes.subarray(offset + 4, offset + 8 + length)));
    chunks.push({ type, data });
    offset += 12 + length;
  }
  expect(chunks[0]?.type).toBe('IHDR');
  expect(chunks.at(-1)?.type).toBe('IEND');
  const ihdr = chunks[0]!.data;
  const width = ihdr.readUInt32BE(0);
  const height = ihdr.readUInt32BE(4);
  expect([ihdr[8], ihdr[9], ihdr[10], ihdr[11], ihdr[12]], `${file}: 8-bit RGBA, no interlace`).toEqual([8, 6, 0, 0, 0]);
  const raw = inflateSync(Buffer.concat(chunks.filter((c) => c.type === 'IDAT').map((c) => c.data)));
  expect(raw.length).toBe(height * (width * 4 + 1));
  const pixels = Buffer.alloc(width * height * 4);
  for (let y = 0; y < height; y++) {
    expect(raw[y * (width * 4 + 1)], `${file}: row ${y} filter`).toBe(0);
    raw.copy(pixels, y * width * 4, y * (width * 4 + 1) + 1, (y + 1) * (width * 4 + 1));
  }
  return { width, height, pixels };
}

const files = STATES.flatMap((state) =>
  ['darwin', 'linux'].flatMap((platform) => {
    const base = trayIconFile(state, platform as NodeJS.Platform);
    return [
      { name: base, size: 16, template: platform === 'darwin' },
      { name: base.replace(/\.png$/, '@2x.png'), size: 32, template: platform === 'darwin' },
    ];
  }),
);

describe('tray icons in resources/tray', () => {
  it.each(files)('$name is a valid $size px PNG with something drawn on it', ({ name, size }) => {
    const png = readPng(ICON_DIR + name);
    expect([png.width, png.height]).toEqual([size, size]);
    const opaque = [...Array(size * size).keys()].filter((i) => png.pixels[i * 4 + 3]! > 0).length;
    expect(opaque).toBeGreaterThan(size * size * 0.15);
    expect(opaque).toBeLessThan(size * size);
  });

  it.each(files.filter((f) => f.template))('$name is a template image: black and alpha only', ({ name }) => {
    const { pixels } = readPng(ICON_DIR + name);
    const coloured = [...Array(pixels.length / 4).keys()].filter((i) => pixels[i * 4]! + pixels[i * 4 + 1]! + pixels[i * 4 + 2]! > 0);
    expect(coloured).toEqual([]);
  });

  it('gives each state a different colour icon', () => {
    const images = STATES.map((state) => readPng(ICON_DIR + trayIconFile(state, 'win32')).pixels.toString('hex'));
    expect(new Set(images).size).toBe(STATES.length);
  });
});
