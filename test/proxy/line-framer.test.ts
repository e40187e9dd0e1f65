import { describe, expect, it } from 'vitest';
import { DEFAULT_MAX_FRAME_BYTES, LineFramer } from '../../src/proxy/line-framer.js';

function collect(maxBytes?: number): { framer: LineFramer; lines: string[]; oversize: number[] } {
  const lines: string[] = [];
  const oversize: number[] = [];
  const framer = new LineFramer({ maxBytes, onLine: (line) => lines.push(line.toString('utf8')), onOversize: (n) => oversize.push(n) });
  return { framer, lines, oversize };
}

describe('LineFramer', () => {
  it('splits lines, strips \\r\\n and \\n, and skips blank lines', () => {
    const { framer, lines } = collect();
    framer.push(Buffer.from('{"a":1}\n{"b":2}\r\n\n\r\n{"c"'));
    framer.push(Buffer.from(':3}\n'));
    expect(lines).toEqual(['{"a":1}', '{"b":2}', '{"c":3}']);
  });

  it('joins a line split at every byte, multi-byte characters included', () => {
    const { framer, lines } = collect();
    const text = '{"t":"é…𝄞"}\r\n{"u":2}\n';
    for (const byte of Buffer.from(text)) framer.push(Buffer.from([byte]));
    expect(lines).toEqual(['{"t":"é…𝄞"}', '{"u":2}']);
  });

  it('passes on a last line that has no newline when the stream ends', () => {
    const { framer, lines } = collect();
    framer.push(Buffer.from('{"a":1}\n{"b":2}'));
    expect(lines).toEqual(['{"a":1}']);
    framer.end();
    expect(lines).toEqual(['{"a":1}', '{"b":2}']);
  });

  it('keeps a line of exactly maxBytes, with \\n or \\r\\n, and drops one byte more', () => {
    const { framer, lines, oversize } = collect(8);
    framer.push(Buffer.from('12345678\n12345678\r\n123456789\n1234567890\r\nok\n'));
    expect(lines).toEqual(['12345678', '12345678', 'ok']);
    expect(oversize).toEqual([9, 11]);
  });

  it('reports an oversized line that the stream ends in', () => {
    const { framer, lines, oversize } = collect(4);
    framer.push(Buffer.from('ok\n1234'));
    framer.push(Buffer.from('5678'));
    framer.end();
    expect(lines).toEqual(['ok']);
    expect(oversize).toEqual([8]);
  });

  it('drops a 100 MB line fed in chunks without holding it, once, and frames the next line', () => {
    const maxBytes = 1024 * 1024;
    let longest = 0;
    const lines: string[] = [];
    const oversize: number[] = [];
    const framer = new LineFramer({
      maxBytes,
      onLine: (line) => {
        longest = Math.max(longest, line.length);
        lines.push(line.length > 100 ? `<${line.length} bytes>` : line.toString());
      },
      onOversize: (n) => oversize.push(n),
    });
    framer.push(Buffer.from('{"before":1}\n{"big":"'));
    const chunk = Buffer.alloc(64 * 1024, 0x78);
    const total = 100 * 1024 * 1024;
    for (let sent = 0; sent < total; sent += chunk.length) framer.push(chunk);
    framer.push(Buffer.from('"}\n{"after":2}\n'));
    expect(oversize).toEqual([total + '{"big":"'.length + 2]);
    expect(lines).toEqual(['{"before":1}', '{"after":2}']);
    expect(longest).toBeLessThanOrEqual(maxBytes);
  });

  it('by default keeps a line of exactly 32 MiB and drops a longer one', () => {
    expect(DEFAULT_MAX_FRAME_BYTES).toBe(32 * 1024 * 1024);
    const { framer, lines, oversize } = collect();
    framer.push(Buffer.alloc(DEFAULT_MAX_FRAME_BYTES, 0x61));
    framer.push(Buffer.from('\n'));
    framer.push(Buffer.alloc(DEFAULT_MAX_FRAME_BYTES + 2, 0x61));
    framer.push(Buffer.from('\nnext\n'));
    expect(lines.map((l) => l.length)).toEqual([DEFAULT_MAX_FRAME_BYTES, 4]);
    expect(oversize).toEqual([DEFAULT_MAX_FRAME_BYTES + 2]);
  });

  it('refuses a maxBytes that is not a positive integer', () => {
    expect(() => new LineFramer({ maxBytes: 0, onLine: () => {}, onOversize: () => {} })).toThrow(RangeError);
  });
});
