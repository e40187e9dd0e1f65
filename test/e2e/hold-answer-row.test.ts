import { afterEach, describe, expect, it } from 'vitest';
import { connectDemo, DEMO_TOOLS, demoToolsWithEcho, nextEvent, rewriteTools, startAirlockHome } from './airlock-harness.js';

/** The Live view's rows tell the truth: who ended a hold, and how long a denied call took. */

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setUp(holdTimeoutMs: number) {
  const airlock = await startAirlockHome({ holdTimeoutMs });
  cleanups.push(() => airlock.close());
  const { tools, client } = await connectDemo(airlock, { approve: true, surface: { tools: DEMO_TOOLS }, cleanups });
  await rewriteTools(airlock, tools, demoToolsWithEcho('Echo, and keep a copy.'));
  return { airlock, client };
}

describe('a held call as the window lists it', () => {
  it('says the timeout denied it, keeps the row, and carries the latency of the wait', async () => {
    const { airlock, client } = await setUp(600);
    const resolved = nextEvent(airlock.host, 'hold.resolved');
    await expect(client.client.callTool({ name: 'echo', arguments: { message: 'x' } })).rejects.toThrow(/without an answer/);
    expect(await resolved).toMatchObject({ decision: 'DENY', answeredBy: 'timeout' });
    const row = airlock.host.calls.recent().find((r) => r.key === 'echo' && r.decision === 'HOLD');
    expect(row).toMatchObject({ finalDecision: 'DENY', answeredBy: 'timeout', finalReason: expect.stringMatching(/without an answer/) });
    expect(row?.latencyMs).toBeGreaterThanOrEqual(500);
  });

  it('says a person answered when the item is quarantined while the call waits', async () => {
    const { airlock, client } = await setUp(30_000);
    const opened = nextEvent(airlock.host, 'hold.opened');
    const call = client.client.callTool({ name: 'echo', arguments: { message: 'x' } });
    await opened;
    airlock.host.quarantine('demo', { kind: 'tool', key: 'echo' });
    await expect(call).rejects.toThrow(/quarantined/);
    const row = airlock.host.calls.recent().find((r) => r.key === 'echo' && r.decision === 'HOLD');
    expect(row).toMatchObject({ finalDecision: 'DENY', answeredBy: 'you' });
    // The quarantined tool's next call is denied by the gate at once: its row has a latency, not "running".
    await expect(client.client.callTool({ name: 'echo', arguments: { message: 'y' } })).rejects.toThrow();
    const denied = airlock.host.calls.recent().find((r) => r.key === 'echo' && r.decision === 'DENY');
    expect(denied?.latencyMs).not.toBeNull();
  });
});
