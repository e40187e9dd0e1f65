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

describe('the HostApi over HTTP, across a Host restart', () => {
  const refused = (): never => {
    throw new TypeError('fetch failed'); // what fetch throws while nothing listens on the port
  };
  const answer = (): Response => new Response('{"ok":true,"result":{"up":true}}', { status: 200 });

  it('retries a query while the Host restarts and answers once it is back', async () => {
    let calls = 0;
    const transport = httpTransport('http://127.0.0.1:1', 'token', { fetchImpl: async () => (++calls <= 2 ? refused() : answer()), queryRetryMs: [0, 0, 0] });
    await expect(transport.invoke('status', {})).resolves.toEqual({ up: true });
    expect(calls).toBe(3);
  });

  it('gives up on a query after its retries, saying how to open the window again', async () => {
    let calls = 0;
    const transport = httpTransport('http://127.0.0.1:1', 'token', { fetchImpl: async () => (++calls, refused()), queryRetryMs: [0, 0] });
    await expect(transport.invoke('review', {})).rejects.toThrow(/not answering at this address\. If it restarted, open the window again with: airlock open/);
    expect(calls).toBe(3);
  });

  it('never resends a command: approve fails once and says it may not have been done', async () => {
    let calls = 0;
    const transport = httpTransport('http://127.0.0.1:1', 'token', { fetchImpl: async () => (++calls, refused()), queryRetryMs: [0, 0] });
    await expect(transport.invoke('approve', { server: 'demo', hash: 'sha256:00' })).rejects.toThrow(/so approve may not have been done: once the window reconnects, look again before you retry/);
    expect(calls).toBe(1);
  });

  it('reconnects the event stream by itself, "reconnecting" meanwhile, and says where to go when the Host stays away', async () => {
    let clock = 0;
    let calls = 0;
    const states: Array<[boolean, string | undefined]> = [];
    const events: unknown[] = [];
    const up = (): Response => new Response(streamOf('data: {"n":1}\n\n'), { status: 200 });
    // Up, then down for 3 tries (20 s on the clock), then up again.
    const fetchImpl = async (): Promise<Response> => {
      calls += 1;
      if (calls === 1 || calls === 5) return up();
      clock += 10_000;
      return refused();
    };
    const transport = httpTransport('http://127.0.0.1:1', 'token', { fetchImpl: fetchImpl as typeof fetch, streamRetryMs: { first: 0, max: 0 }, lostAfterMs: 15_000, now: () => clock });
    const stop = transport.subscribe((e) => events.push(e), (connected, hint) => states.push([connected, hint]));
    for (let i = 0; i < 200 && events.length < 2; i++) await new Promise((r) => setTimeout(r, 1));
    stop();
    expect(events).toEqual([{ n: 1 }, { n: 1 }]);
    expect(states.slice(0, 6)).toEqual([
      [true, undefined],
      [false, undefined], // the stream ended: reconnecting…
      [false, undefined],
      [false, 'the Airlock host is not answering at this address. If it restarted, open the window again with: airlock open'],
      [false, 'the Airlock host is not answering at this address. If it restarted, open the window again with: airlock open'],
      [true, undefined],
    ]);
  });

  it('opens one event stream for all its listeners, tells each, and closes it when the last one leaves', async () => {
    const streams: AbortSignal[] = [];
    let push: ((text: string) => void) | null = null;
    const fetchImpl = async (_url: unknown, init?: RequestInit): Promise<Response> => {
      streams.push(init?.signal as AbortSignal);
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          push = (text) => controller.enqueue(new TextEncoder().encode(text));
          init?.signal?.addEventListener('abort', () => controller.error(new Error('aborted')));
        },
      });
      return new Response(body, { status: 200 });
    };
    const transport = httpTransport('http://127.0.0.1:1', 'token', { fetchImpl: fetchImpl as typeof fetch, streamRetryMs: { first: 0, max: 0 } });
    const seen: Array<[string, unknown]> = [];
    const late: boolean[] = [];
    // Six views listening, as the Review view and the tab bar do: a browser has six connections per host.
    const stops = Array.from({ length: 6 }, (_, i) => transport.subscribe((e) => seen.push([`view ${i}`, e])));
    for (let i = 0; i < 50 && push === null; i++) await new Promise((r) => setTimeout(r, 1));
    const stopLate = transport.subscribe(() => undefined, (connected) => late.push(connected));
    push!('data: {"n":1}\n\n');
    for (let i = 0; i < 50 && seen.length < 6; i++) await new Promise((r) => setTimeout(r, 1));
    expect(streams).toHaveLength(1);
    expect(seen).toEqual(Array.from({ length: 6 }, (_, i) => [`view ${i}`, { n: 1 }]));
    // A listener that joins a connected stream hears that it is connected, as it would from its own.
    expect(late).toEqual([true]);
    for (const stop of stops) stop();
    expect(streams[0]?.aborted).toBe(false);
    stopLate();
    expect(streams[0]?.aborted).toBe(true);
  });

  it('says the token was refused when the Host answers 401 on the stream', async () => {
    const states: Array<[boolean, string | undefined]> = [];
    const transport = httpTransport('http://127.0.0.1:1', 'token', { fetchImpl: async () => new Response('{}', { status: 401 }), streamRetryMs: { first: 0, max: 0 } });
    const stop = transport.subscribe(() => undefined, (connected, hint) => states.push([connected, hint]));
    for (let i = 0; i < 50 && states.length === 0; i++) await new Promise((r) => setTimeout(r, 1));
    stop();
    expect(states[0]).toEqual([false, "the Airlock host refused this page's token: open the window again with: airlock open (or the address from: airlock ui-url)"]);
  });
});
