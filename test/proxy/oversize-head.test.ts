import { describe, expect, it } from 'vitest';
import { LineFramer, OVERSIZE_HEAD_BYTES } from '../../src/proxy/line-framer.js';
import { idInHead } from '../../src/proxy/relay-ids.js';

/**
 * Issue 16: an answer over the frame limit is dropped as it streams, but its first bytes are kept,
 * so the call it answers can get its error even while other calls wait (its id comes first).
 */

function dropped(chunks: string[], maxBytes = 512): Array<{ bytes: number; head: string }> {
  const seen: Array<{ bytes: number; head: string }> = [];
  const framer = new LineFramer({ maxBytes, onLine: () => undefined, onOversize: (bytes, head) => seen.push({ bytes, head: head.toString('utf8') }) });
  for (const chunk of chunks) framer.push(Buffer.from(chunk));
  return seen;
}

describe('LineFramer: the head of a dropped line', () => {
  it('keeps the first bytes of a line dropped across many chunks, contiguous and no more than OVERSIZE_HEAD_BYTES', () => {
    const line = `{"jsonrpc":"2.0","id":42,"result":{"text":"${'z'.repeat(1_000)}"}}`;
    const chunks = ['{"jsonrpc"', ':"2.0","id"', ...line.slice(21).match(/.{1,7}/g)!, '\n'];
    expect(chunks.join('')).toBe(`${line}\n`);
    const [only] = dropped(chunks);
    expect(only).toEqual({ bytes: line.length, head: line.slice(0, OVERSIZE_HEAD_BYTES) });
  });

  it('keeps the head of a line that ends just past the limit, and of one in a single chunk', () => {
    expect(dropped([`{"id":"a${'b'.repeat(70)}"}\n`], 64)[0]?.head).toBe(`{"id":"a${'b'.repeat(70)}"}`);
    expect(dropped([`${'q'.repeat(65)}\n`], 64)[0]).toEqual({ bytes: 65, head: 'q'.repeat(65) });
    expect(dropped([`${'w'.repeat(2_000)}\n`])[0]).toEqual({ bytes: 2_000, head: 'w'.repeat(OVERSIZE_HEAD_BYTES) });
  });
});

describe('idInHead', () => {
  it('reads the id a JSON-RPC answer starts with, number or string', () => {
    expect(idInHead(Buffer.from('{"jsonrpc":"2.0","id":7,"result":{"content":[{"text":"yyyy'))).toBe(7);
    expect(idInHead(Buffer.from('{ "id" : "call-\\"9\\"" , "jsonrpc":"2.0","result"'))).toBe('call-"9"');
  });

  it('reads nothing from a head where the id is not first (it could be any nested "id")', () => {
    expect(idInHead(Buffer.from('{"jsonrpc":"2.0","result":{"id":3},"id":4'))).toBeNull();
    expect(idInHead(Buffer.from('{"jsonrpc":"2.0","id":'))).toBeNull();
    expect(idInHead(Buffer.from('not json at all'))).toBeNull();
  });
});
