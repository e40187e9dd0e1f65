import { createInterface } from 'node:readline';
import { Duplex, PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { verdict } from '../../src/engine/gate/verdict.js';
import type { Surface } from '../../src/engine/surface.js';
import { RelaySession, type RelayHooks } from '../../src/proxy/relay-session.js';
import { UpstreamHttp } from '../../src/proxy/upstream-http.js';
import { modernMeta } from '../support/http-upstream-driver.js';
import { freePort, startModernServer, startSdkServer } from '../support/http-upstream-servers.js';

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A relay session over UpstreamHttp whose hooks approve whatever the server lists (the Host's part). */
function relayTo(url: string): { send(message: object): void; answer(id: unknown): Promise<Record<string, unknown>>; logs: string[] } {
  const received: Array<Record<string, unknown>> = [];
  const logs: string[] = [];
  let wake = (): void => undefined;
  // The client's side of the connection: what it sends, and each line the relay writes back.
  const toRelay = new PassThrough();
  const fromRelay = new PassThrough();
  const client = Duplex.from({ readable: toRelay, writable: fromRelay });
  createInterface({ input: fromRelay }).on('line', (line) => {
    received.push(JSON.parse(line) as Record<string, unknown>);
    wake();
  });
  let surface: Surface = {} as Surface;
  const hooks: RelayHooks = {
    gateContext: () => ({ server: 'remote', state: 'GREEN', itemStatus: () => 'approved', policy: 'enforce', maxMessageBytes: 1024 * 1024 }),
    judged: () => undefined,
    hold: () => Promise.resolve(verdict('DENY', 'R3', 'tool.held', 'held')),
    finished: () => undefined,
    fromServer: () => undefined,
    observe: (live) => void (surface = live),
    observeFailed: (error) => void logs.push(`observe failed: ${error.message}`),
    served: () => surface,
    log: (message) => void logs.push(message),
  };
  const upstream = new UpstreamHttp({ url, env: {} });
  const session = new RelaySession('remote', client, upstream, hooks);
  session.start();
  cleanups.push(() => session.close('test over'));
  return {
    send: (message) => toRelay.write(`${JSON.stringify({ jsonrpc: '2.0', ...message })}\n`),
    answer: (id) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no answer to ${String(id)}: ${JSON.stringify(received)} ${logs.join(' | ')}`)), 15_000);
        const check = (): void => {
          const found = received.find((m) => m.id === id && ('result' in m || 'error' in m));
          if (found) return (clearTimeout(timer), resolve(found));
          wake = check;
        };
        check();
      }),
    logs,
  };
}

describe('RelaySession over UpstreamHttp', () => {
  it('relays a 2025-11-25 session: the gate judges the call and the remote answers it', async () => {
    const server = await startSdkServer({ stateful: true });
    cleanups.push(server.stop);
    const relay = relayTo(server.url);
    relay.send({ id: 0, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'relay-test', version: '1' } } });
    await relay.answer(0);
    relay.send({ method: 'notifications/initialized' });
    relay.send({ id: 1, method: 'tools/list' });
    expect(((await relay.answer(1)).result as { tools: Array<{ name: string }> }).tools.map((t) => t.name)).toEqual(['echo']);
    relay.send({ id: 2, method: 'tools/call', params: { name: 'echo', arguments: { text: 'through the relay' } } });
    expect((await relay.answer(2)).result).toEqual({ content: [{ type: 'text', text: 'through the relay' }] });
  });

  it('relays a 2026-07-28 server: server/discover, then a stateless call', async () => {
    const server = await startModernServer();
    cleanups.push(server.stop);
    const relay = relayTo(server.url);
    relay.send({ id: 'd', method: 'server/discover', params: { _meta: modernMeta() } });
    expect((await relay.answer('d')).result).toMatchObject({ supportedVersions: ['2026-07-28'] });
    relay.send({ id: 'c', method: 'tools/call', params: { name: 'echo', arguments: { text: 'modern relay' }, _meta: modernMeta() } });
    expect((await relay.answer('c')).result).toMatchObject({ content: [{ type: 'text', text: 'modern relay' }] });
  });

  it('answers the client with the named failure when the remote is down', async () => {
    const relay = relayTo(`http://127.0.0.1:${await freePort()}/mcp`);
    relay.send({ id: 0, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'relay-test', version: '1' } } });
    const answer = await relay.answer(0);
    expect((answer.error as { message: string }).message).toMatch(/is unreachable: it refused the connection/);
  });
});
