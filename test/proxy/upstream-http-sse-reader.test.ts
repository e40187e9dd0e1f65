import { describe, expect, it } from 'vitest';
import { readSse, type SseItem } from '../../src/proxy/http/sse-reader.js';

async function read(chunks: string[], max = 1024): Promise<SseItem[]> {
  async function* body(): AsyncGenerator<Uint8Array> {
    for (const chunk of chunks) yield Buffer.from(chunk, 'utf8');
  }
  const items: SseItem[] = [];
  for await (const item of readSse(body(), max)) items.push(item);
  return items;
}

describe('readSse', () => {
  it('reads events split anywhere across chunks, with LF or CRLF line ends', async () => {
    const items = await read(['id: 7\r\nevent: mess', 'age\r\ndata: {"a":', '1}\r\n\r', '\ndata: two\ndata: lines\n\n']);
    expect(items).toEqual([
      { kind: 'event', event: { event: 'message', data: '{"a":1}', id: '7', retry: undefined } },
      { kind: 'event', event: { event: '', data: 'two\nlines', id: undefined, retry: undefined } },
    ]);
  });

  it('skips comments (keep-alives) and reports a retry and an id-only priming event', async () => {
    const items = await read([': ping\n\nid: p1\nretry: 250\n\n']);
    expect(items).toEqual([{ kind: 'event', event: { event: '', data: '', id: 'p1', retry: 250 } }]);
  });

  it('drops an event over the limit without buffering it, reports its size once, and reads on after it', async () => {
    const big = `data: ${'x'.repeat(3000)}\n\n`;
    const items = await read([big.slice(0, 1000), big.slice(1000), 'data: small\n\n'], 1024);
    expect(items).toEqual([
      { kind: 'oversize', bytes: big.length },
      { kind: 'event', event: { event: '', data: 'small', id: undefined, retry: undefined } },
    ]);
  });

  it('reports an oversized event the stream ended inside', async () => {
    const items = await read([`data: ${'y'.repeat(2000)}`], 100);
    expect(items).toEqual([{ kind: 'oversize', bytes: 2006 }]);
  });
});
