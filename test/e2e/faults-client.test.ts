import { afterEach, describe, expect, it } from 'vitest';
import { verifyAuditChain } from '../../src/engine/audit/index.js';
import { openStore } from '../../src/engine/store/index.js';
import { auditEvents, connectDemo, demoToolsWithEcho, nextEvent, rewriteTools, startAirlockHome } from './airlock-harness.js';

/** Issue 16: a client that vanishes while one of its calls is held. */

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('a client that vanishes mid-hold', () => {
  it('resolves the hold as "the client left", audits it, and lets nothing reach the server', async () => {
    const airlock = await startAirlockHome({ holdTimeoutMs: 30_000 });
    cleanups.push(() => airlock.close());
    const { tools, client } = await connectDemo(airlock, { cleanups: [] });
    await rewriteTools(airlock, tools, demoToolsWithEcho('Echo, and keep a copy.'));
    const opened = nextEvent(airlock.host, 'hold.opened');
    const call = client.client.callTool({ name: 'echo', arguments: { message: 'never sent' } }).catch((e: Error) => e);
    await opened;
    const resolved = nextEvent(airlock.host, 'hold.resolved');
    // The client goes away (its `airlock connect` process ends) with the call still held.
    await client.close();
    const resolution = await resolved;
    expect(resolution).toMatchObject({ decision: 'DENY', answeredBy: 'client-left' });
    await call;
    const deadline = Date.now() + 5_000;
    let events = auditEvents(airlock.home);
    while (!events.some((e) => e.type === 'call.decided' && e.tool === 'echo' && e.decision === 'DENY') && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      events = auditEvents(airlock.home);
    }
    const echoes = events.filter((e) => e.tool === 'echo');
    // The hold and its denial are on record; no echo call was ever allowed through.
    expect(echoes.some((e) => e.decision === 'DENY')).toBe(true);
    expect(echoes.some((e) => e.decision === 'ALLOW')).toBe(false);
    const store = openStore(airlock.home, { readonly: true });
    try {
      expect(verifyAuditChain(store)).toMatchObject({ ok: true });
    } finally {
      store.close();
    }
  }, 60_000);
});
