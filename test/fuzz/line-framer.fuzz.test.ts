import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LineFramer } from '../../src/proxy/line-framer.js';
import { chunk } from './arbitraries.js';
import { checkProperty } from './fuzz-run.js';

type Event = ['line', string] | ['oversize', number];

/** The framing MCP stdio means, written the obvious way: split on "\n", drop one "\r", skip blanks. */
function referenceSplit(bytes: Buffer, maxBytes: number, ended: boolean): Event[] {
  const events: Event[] = [];
  const segments: Buffer[] = [];
  let start = 0;
  for (let i = bytes.indexOf(0x0a); i !== -1; i = bytes.indexOf(0x0a, start)) {
    segments.push(bytes.subarray(start, i));
    start = i + 1;
  }
  if (ended && start < bytes.length) segments.push(bytes.subarray(start));
  for (const segment of segments) {
    if (segment.length > maxBytes + 1) {
      events.push(['oversize', segment.length]);
      continue;
    }
    const line = segment.length > 0 && segment[segment.length - 1] === 0x0d ? segment.subarray(0, -1) : segment;
    if (line.length === 0) continue;
    events.push(line.length > maxBytes ? ['oversize', line.length] : ['line', line.toString('hex')]);
  }
  return events;
}

/** Bytes rich in what framing cares about: "\n", "\r", and everything else. */
const streamBytes = fc
  .array(fc.oneof({ weight: 2, arbitrary: fc.constantFrom(0x0a, 0x0d) }, { weight: 1, arbitrary: fc.constantFrom(0x20, 0x7b, 0x7d, 0x22) }, { weight: 5, arbitrary: fc.integer({ min: 0, max: 255 }) }), { maxLength: 400 })
  .map((bytes) => Buffer.from(bytes));

describe('LineFramer under fuzzing', () => {
  it('yields, for any chunking of any bytes, the lines and oversize counts of a plain split, buffering at most maxBytes + 1', () => {
    checkProperty(
      'line-framer: any chunking equals the reference split',
      fc.property(streamBytes, fc.array(fc.nat(), { maxLength: 40 }), fc.integer({ min: 1, max: 64 }), fc.boolean(), (bytes, cuts, maxBytes, ended) => {
        const events: Event[] = [];
        const framer = new LineFramer({ maxBytes, onLine: (line) => events.push(['line', line.toString('hex')]), onOversize: (n) => events.push(['oversize', n]) });
        const internals = framer as unknown as { pendingBytes: number; parts: Buffer[] };
        for (const piece of chunk(bytes, cuts)) {
          framer.push(piece);
          const held = internals.parts.reduce((sum, part) => sum + part.length, 0);
          expect(internals.pendingBytes).toBeLessThanOrEqual(maxBytes + 1);
          expect(held).toBe(internals.pendingBytes);
        }
        if (ended) framer.end();
        expect(events).toEqual(referenceSplit(bytes, maxBytes, ended));
      }),
      2,
    );
  });

  it('counts a long line once whatever its chunks, and frames the line after it', () => {
    checkProperty(
      'line-framer: oversize counted once',
      fc.property(fc.integer({ min: 2, max: 5000 }), fc.array(fc.nat(), { maxLength: 60 }), fc.constantFrom('\n', '\r\n'), (length, cuts, ending) => {
        const maxBytes = 16;
        const bytes = Buffer.from(`${'x'.repeat(length + maxBytes)}${ending}{"ok":1}${ending}`);
        const events: Event[] = [];
        const framer = new LineFramer({ maxBytes, onLine: (line) => events.push(['line', line.toString()]), onOversize: (n) => events.push(['oversize', n]) });
        for (const piece of chunk(bytes, cuts)) framer.push(piece);
        framer.end();
        expect(events).toEqual([
          ['oversize', length + maxBytes + ending.length - 1],
          ['line', '{"ok":1}'],
        ]);
      }),
    );
  });
});
