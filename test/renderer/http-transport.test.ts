import { describe, expect, it } from 'vitest';
import { httpTransport, readEventStream } from '../../src/renderer/http-transport.js';

/** The window's HTTP carrier reads the Host's answers and events as strict JSON and never crashes on a bad one. */

function streamOf(text: string): ReadableStream<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  return new ReadableStream({
    start(controller) {
      // Two chunks, split mid-event, as a network delivers them.
      controller.enqueue(bytes.slice(0, 7));
      controller.enqueue(bytes.slice(7));
      controller.close();
    },
  });
}

const deep = (levels: number): string => `${'['.repeat(levels)}${']'.repeat(levels)}`;

describe('the event stream reader', () => {
  it('drops events with duplicate or "__proto__" keys or 10,000 levels of nesting, and goes on with the next', async () => {
    const events: unknown[] = [];
    const text = [
      'data: {"type":"state.changed","type":"call.started"}',
      'data: {"__proto__":{"polluted":true}}',
      `data: ${deep(10_000)}`,
      'data: {"type":"state.changed","server":"demo"}',
    ].join('\n\n');
    await readEventStream(streamOf(`${text}\n\n`), (e) => events.push(e));
    expect(events).toEqual([{ type: 'state.changed', server: 'demo' }]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('keeps reading when a listener throws on one event', async () => {
    const seen: unknown[] = [];
    await readEventStream(streamOf('data: {"n":1}\n\ndata: {"n":2}\n\n'), (e) => {
      seen.push(e);
      if (seen.length === 1) throw new Error('a view failed');
    });
    expect(seen).toEqual([{ n: 1 }, { n: 2 }]);
  });
});

describe('the HostApi over HTTP, answers', () => {
  const answering = (body: string) => httpTransport('http://127.0.0.1:1', 'token', async () => new Response(body, { status: 200 }));

  it('refuses an answer with a duplicate key, naming why', async () => {
    await expect(answering('{"ok":true,"ok":false,"error":"x"}').invoke('status', {})).rejects.toThrow(/answer to status was refused: .*key "ok" twice/);
  });

  it('refuses an answer nested 10,000 levels deep instead of overflowing the stack', async () => {
    await expect(answering(`{"ok":true,"result":${deep(10_000)}}`).invoke('status', {})).rejects.toThrow(/answer to status was refused: .*deeper than/);
  });

  it('passes a well-formed answer through', async () => {
    await expect(answering('{"ok":true,"result":{"a":[1]}}').invoke('status', {})).resolves.toEqual({ a: [1] });
  });
});
