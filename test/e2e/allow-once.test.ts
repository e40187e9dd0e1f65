import { afterEach, describe, expect, it } from 'vitest';
import { listAuditEvents } from '../../src/engine/audit/index.js';
import { openStore } from '../../src/engine/store/index.js';
import { RemoteHostControl } from '../../src/host/control.js';
import { connectDemo, DEMO_TOOLS, demoToolsWithEcho, nextEvent, rewriteTools, startAirlockHome } from './airlock-harness.js';

/**
 * The third answer to a held call: let this one call through, and only this one. A real
 * MCP client reaches the real Host through `airlock connect`; the demo server answers.
 */

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const text = (result: unknown): string => ((result as { content: Array<{ text: string }> }).content[0]?.text ?? '');

function holdEvents(home: string) {
  const store = openStore(home, { readonly: true });
  try {
    return listAuditEvents(store, { limit: 10_000 }).filter((e) => e.type === 'hold.resolved');
  } finally {
    store.close();
  }
}

async function changedEcho() {
  const airlock = await startAirlockHome({ holdTimeoutMs: 30_000 });
  cleanups.push(() => airlock.close());
  const { tools, client } = await connectDemo(airlock, { approve: true, surface: { tools: DEMO_TOOLS }, cleanups });
  await rewriteTools(airlock, tools, demoToolsWithEcho('Echo, and keep a copy.'));
  return { airlock, client };
}

describe('allow once, through airlock connect with the demo server', () => {
  it('lets one held call reach the server, holds the next call again, and audits it as allowed once', async () => {
    const { airlock, client } = await changedEcho();
    const opened = nextEvent(airlock.host, 'hold.opened');
    const call = client.client.callTool({ name: 'echo', arguments: { message: 'just this once' } });
    const hold = await opened;
    // Who asks: the name the client gave at initialize.
    expect(hold).toMatchObject({ server: 'demo', key: 'echo', client: 'airlock-test-client' });
    expect(airlock.host.review('demo')[0]?.pendingCalls[0]?.client).toBe('airlock-test-client');

    airlock.host.allowOnce(hold.id, 'the test');
    expect(text(await call)).toBe('just this once');

    // The definition stays unapproved: still in review, and the next call is held again.
    expect(airlock.host.review('demo')).toEqual([expect.objectContaining({ key: 'echo', status: 'changed' })]);
    const again = nextEvent(airlock.host, 'hold.opened');
    const second = client.client.callTool({ name: 'echo', arguments: { message: 'again' } });
    const secondHold = await again;
    expect(secondHold.id).not.toBe(hold.id);
    airlock.host.quarantine('demo', { kind: 'tool', key: 'echo' });
    await expect(second).rejects.toThrow(/quarantined/);

    await expect.poll(() => holdEvents(airlock.home).map((e) => ({ decision: e.decision, detail: e.detail })), { timeout: 5_000 }).toEqual([
      { decision: 'ALLOW', detail: expect.objectContaining({ code: 'hold.allowed-once', holdId: hold.id, client: 'airlock-test-client', answeredBy: 'the test' }) },
      { decision: 'DENY', detail: expect.objectContaining({ holdId: secondHold.id }) },
    ]);
  });

  it('answers allow once over the control socket, and refuses a hold that no longer waits', async () => {
    const { airlock, client } = await changedEcho();
    const remote = await RemoteHostControl.connect(airlock.home);
    if (remote === null) throw new Error('the Host did not listen on its socket');
    cleanups.push(() => remote.close());
    const opened = nextEvent(airlock.host, 'hold.opened');
    const call = client.client.callTool({ name: 'echo', arguments: { message: 'via the socket' } });
    const hold = await opened;
    expect((await remote.holdsList()).map((h) => h.client)).toEqual(['airlock-test-client']);
    await expect(remote.allowOnce(hold.id, 'airlock review')).resolves.toMatchObject({ allowed: { id: hold.id } });
    expect(text(await call)).toBe('via the socket');
    await expect(remote.allowOnce(hold.id, 'airlock review')).rejects.toThrow(/is no longer waiting/);
  });

  it('answers allow once over the HostApi, as the window sends it', async () => {
    const { airlock, client } = await changedEcho();
    const opened = nextEvent(airlock.host, 'hold.opened');
    const call = client.client.callTool({ name: 'echo', arguments: { message: 'from the window' } });
    const hold = await opened;
    await expect(airlock.host.api.invoke('allowOnce', { holdId: hold.id })).resolves.toMatchObject({ allowed: { id: hold.id, client: 'airlock-test-client' } });
    expect(text(await call)).toBe('from the window');
    await expect.poll(() => holdEvents(airlock.home).at(-1)?.detail, { timeout: 5_000 }).toMatchObject({ code: 'hold.allowed-once', answeredBy: 'the Airlock window' });
  });

  it('marks every item of a server added without --approve as first seen, so the window shows it as one decision', async () => {
    const airlock = await startAirlockHome({ holdTimeoutMs: 30_000 });
    cleanups.push(() => airlock.close());
    await connectDemo(airlock, { approve: false, surface: { tools: DEMO_TOOLS }, cleanups });
    const items = airlock.host.review('demo');
    expect(items.filter((i) => i.kind === 'tool')).toHaveLength(DEMO_TOOLS.length);
    expect(items.every((i) => i.firstSeen)).toBe(true);
    airlock.host.approve('demo', { hash: items[0]?.surfaceHash ?? '' });
    expect(airlock.host.review('demo')).toEqual([]);
  });
});
