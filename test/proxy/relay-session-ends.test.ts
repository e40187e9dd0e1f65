import { EventEmitter } from 'node:events';
import { Duplex, PassThrough, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { ResponseVerdict } from '../../src/engine/gate/gate.js';
import type { JudgedCall } from '../../src/engine/gate/judged-methods.js';
import { verdict } from '../../src/engine/gate/verdict.js';
import { parseSurface } from '../../src/engine/surface.js';
import { ClientWriter } from '../../src/proxy/client-writer.js';
import { RelaySession, type RelayHooks } from '../../src/proxy/relay-session.js';
import type { Upstream, UpstreamEvents } from '../../src/proxy/upstream.js';

/**
 * Issue 16: how a relay session ends calls its server never answers (cancelled by the client, or
 * the session closed), how a cancelled held call ends its hold, and the backpressure that keeps a
 * flooding server from filling the Host's memory.
 */

/** A server that answers initialize and lists, and never answers a tools/call. */
class SilentUpstream extends EventEmitter<UpstreamEvents> implements Upstream {
  alive = true;
  readonly received: string[] = [];
  paused = 0;
  resumed = 0;

  send(line: Buffer | string): void {
    const message = JSON.parse(line.toString().trim()) as { id?: unknown; method?: string };
    this.received.push(message.method ?? 'answer');
    const reply = (result: object): void => void setImmediate(() => this.emit('line', Buffer.from(JSON.stringify({ jsonrpc: '2.0', id: message.id, result }))));
    if (message.method === 'initialize') reply({ protocolVersion: '2025-11-25', capabilities: { tools: {} }, serverInfo: { name: 'silent', version: '1' } });
    else if (message.method === 'tools/list') reply({ tools: [{ name: 'hang', inputSchema: { type: 'object' } }] });
  }

  stop(): Promise<void> {
    this.alive = false;
    return Promise.resolve();
  }

  stderr(): string {
    return '';
  }

  pauseReading(): void {
    this.paused += 1;
  }

  resumeReading(): void {
    this.resumed += 1;
  }
}

function session(holdStatus: 'approved' | 'held' = 'approved') {
  const finished: Array<{ call: JudgedCall; verdict: ResponseVerdict }> = [];
  const holds: AbortSignal[] = [];
  const hooks: RelayHooks = {
    gateContext: () => ({ server: 'silent', state: 'GREEN', itemStatus: () => holdStatus, policy: 'enforce', maxMessageBytes: 1 << 20 }),
    judged: () => undefined,
    hold: (_judgement, cancelled) => {
      holds.push(cancelled!);
      return new Promise((resolve) => cancelled!.addEventListener('abort', () => resolve(verdict('DENY', 'R3', 'tool.hold-cancelled', 'cancelled'))));
    },
    finished: (call, v) => void finished.push({ call, verdict: v }),
    fromServer: () => undefined,
    observe: () => undefined,
    observeFailed: () => undefined,
    served: () => parseSurface({}),
    log: () => undefined,
  };
  const client = new PassThrough();
  const written: string[] = [];
  const clientSide = Duplex.from({ readable: client, writable: new Writable({ write: (chunk: Buffer, _e, done) => (written.push(chunk.toString()), done()) }) });
  const upstream = new SilentUpstream();
  const relay = new RelaySession('silent', clientSide, upstream, hooks);
  relay.start();
  const send = (message: object): void => void client.write(`${JSON.stringify(message)}\n`);
  send({ jsonrpc: '2.0', id: 'init', method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 't', version: '1' } } });
  send({ jsonrpc: '2.0', method: 'notifications/initialized' });
  return { relay, upstream, finished, holds, send, written };
}

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 1_000 && !check(); i += 1) await new Promise((r) => setTimeout(r, 5));
  expect(check()).toBe(true);
}

const hang = (id: number) => ({ jsonrpc: '2.0', id, method: 'tools/call', params: { name: 'hang', arguments: {} } });

describe('RelaySession: calls its server never answers', () => {
  it('records a forwarded call the client cancels as finished (response.cancelled), and still relays the cancellation', async () => {
    const s = session();
    s.send(hang(1));
    await until(() => s.upstream.received.includes('tools/call'));
    expect(s.relay.inFlight).toBe(1);
    s.send({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 1, reason: 'timeout' } });
    await until(() => s.upstream.received.includes('notifications/cancelled'));
    expect(s.finished.map((f) => [f.call.key, f.verdict.decision, f.verdict.code])).toEqual([['hang', 'DENY', 'response.cancelled']]);
    expect(s.relay.inFlight).toBe(0);
  });

  it('records every unanswered call as finished (response.unanswered) when the session closes, saying why', async () => {
    const s = session();
    s.send(hang(1));
    s.send(hang(2));
    await until(() => s.upstream.received.filter((m) => m === 'tools/call').length === 2);
    await s.relay.close('the client disconnected');
    expect(s.finished.map((f) => f.verdict.code)).toEqual(['response.unanswered', 'response.unanswered']);
    expect(s.finished[0]!.verdict.reason).toBe('the session closed before "silent" answered: the client disconnected');
  });

  it('ends the hold of a held call its client cancels, answers nothing and forwards nothing', async () => {
    const s = session('held');
    s.send(hang(1));
    await until(() => s.holds.length === 1);
    s.send({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 1 } });
    await until(() => s.holds[0]!.aborted);
    await new Promise((r) => setTimeout(r, 20));
    expect(s.upstream.received).not.toContain('tools/call');
    expect(s.written.join('')).not.toContain('"id":1,');
    expect(s.finished).toEqual([]);
  });
});

describe('ClientWriter: backpressure', () => {
  it('pauses the server\'s reading while the client is full, once, and resumes it when the client drains', async () => {
    const release: Array<() => void> = [];
    const client = new Duplex({ read() {}, write: (_chunk, _e, done) => void release.push(done), highWaterMark: 16 });
    const source = { paused: 0, resumed: 0, pauseReading: () => void (source.paused += 1), resumeReading: () => void (source.resumed += 1) };
    const writer = new ClientWriter(client, source, () => false);
    writer.json({ jsonrpc: '2.0', method: 'notifications/message', params: { data: 'more than sixteen bytes' } });
    writer.line(Buffer.from('{"jsonrpc":"2.0","method":"x"}'));
    expect(source).toMatchObject({ paused: 1, resumed: 0 });
    while (release.length > 0) release.shift()!();
    await new Promise((r) => setImmediate(r));
    expect(source).toMatchObject({ paused: 1, resumed: 1 });
  });

  it('writes nothing once its session is closed', () => {
    const chunks: string[] = [];
    const client = new Writable({ write: (chunk: Buffer, _e, done) => (chunks.push(chunk.toString()), done()) }) as unknown as Duplex;
    new ClientWriter(client, {}, () => true).error(1, -32000, 'late');
    expect(chunks).toEqual([]);
  });
});
