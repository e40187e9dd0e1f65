import { EventEmitter } from 'node:events';
import { Duplex, PassThrough, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { parseSurface } from '../../src/engine/surface.js';
import { RelaySession, type RelayHooks } from '../../src/proxy/relay-session.js';
import type { Upstream, UpstreamEvents } from '../../src/proxy/upstream.js';

/**
 * Issue 16: a listing that could not be pinned because Airlock's own store failed (a full disk)
 * is tried again by the session itself when the hook asks for it, so the session's calls are
 * answered again once the fault goes, without the client listing again.
 */

class ListingUpstream extends EventEmitter<UpstreamEvents> implements Upstream {
  alive = true;
  lists = 0;

  send(line: Buffer | string): void {
    const message = JSON.parse(line.toString().trim()) as { id?: unknown; method?: string };
    const reply = (result: object): void => void setImmediate(() => this.emit('line', Buffer.from(JSON.stringify({ jsonrpc: '2.0', id: message.id, result }))));
    if (message.method === 'initialize') reply({ protocolVersion: '2025-11-25', capabilities: { tools: {} }, serverInfo: { name: 'lists', version: '1' } });
    else if (message.method === 'tools/list') {
      this.lists += 1;
      reply({ tools: [{ name: 'echo', inputSchema: { type: 'object' } }] });
    }
  }

  stop(): Promise<void> {
    this.alive = false;
    return Promise.resolve();
  }

  stderr(): string {
    return '';
  }
}

function relayWith(observe: () => void, retryMs: number | undefined): { upstream: ListingUpstream; failures: string[]; observed: () => number; relay: RelaySession } {
  const failures: string[] = [];
  let observed = 0;
  const hooks: RelayHooks = {
    gateContext: () => ({ server: 'lists', state: 'GREEN', itemStatus: () => 'approved', policy: 'enforce', maxMessageBytes: 1 << 20 }),
    judged: () => undefined,
    hold: () => Promise.reject(new Error('no holds here')),
    finished: () => undefined,
    fromServer: () => undefined,
    observe: () => {
      observe();
      observed += 1;
    },
    observeFailed: (error) => {
      failures.push(error.message);
      // As the Host's hook does: only a fault of the store asks for another listing.
      return (error as { code?: string }).code === 'SQLITE_FULL' ? retryMs : undefined;
    },
    served: () => parseSurface({}),
    log: () => undefined,
  };
  const client = new PassThrough();
  const clientSide = Duplex.from({ readable: client, writable: new Writable({ write: (_chunk: Buffer, _e, done) => done() }) });
  const upstream = new ListingUpstream();
  const relay = new RelaySession('lists', clientSide, upstream, hooks);
  relay.start();
  client.write(`${JSON.stringify({ jsonrpc: '2.0', id: 'init', method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 't', version: '1' } } })}\n`);
  client.write(`${JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' })}\n`);
  client.write(`${JSON.stringify({ jsonrpc: '2.0', id: 'list', method: 'tools/list' })}\n`);
  return { upstream, failures, observed: () => observed, relay };
}

async function until(check: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

const storeFull = (): never => {
  throw Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
};

describe('a listing that failed on a fault of Airlock\'s own store', () => {
  it('is listed again by the session after the delay the hook asks for, until it is pinned', async () => {
    let faults = 2;
    const { upstream, failures, observed, relay } = relayWith(() => (faults-- > 0 ? storeFull() : undefined), 30);
    await until(() => observed() === 1);
    // Two failed listings, then a third that was pinned: nobody but the session asked for them.
    expect(failures.filter((f) => f === 'database or disk is full')).toHaveLength(2);
    // The client listed once (forwarded too); the server was listed for Airlock three times.
    expect(upstream.lists).toBe(4);
    await relay.close('done');
  });

  it('is not listed again when the hook asks for nothing (the server listed something Airlock cannot pin)', async () => {
    const { upstream, failures, relay } = relayWith(storeFull, undefined);
    await until(() => failures.includes('database or disk is full'));
    await new Promise((r) => setTimeout(r, 200));
    expect(failures.filter((f) => f === 'database or disk is full')).toHaveLength(1);
    expect(upstream.lists).toBe(2);
    await relay.close('done');
  });
});
