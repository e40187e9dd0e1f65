import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { listAuditEvents } from '../../src/engine/audit/index.js';
import { openStore } from '../../src/engine/store/index.js';
import { Host } from '../../src/host/host.js';
import { httpTransport } from '../../src/renderer/http-transport.js';
import { createHostApi } from '../../src/shared/host-api/index.js';
import { runCli } from '../support/run-cli.js';
import { connectDemo, DEMO_TOOLS, demoToolsWithEcho, nextEvent, rewriteTools, startAirlockHome } from './airlock-harness.js';

/**
 * The Live view's rows survive a Host restart: a real Host, a real client through `airlock
 * connect`, the demo server; the Host stops and a new one starts on the same home, and the
 * window's HostApi (over the control API's HTTP) lists the calls from before, held ones with
 * who answered them, read back from the audit log.
 */

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const ARGUMENT = 'a value that must stay out of the audit log';

describe('recent calls across a Host restart', () => {
  it('lists the calls from before the restart with their answers, a timed-out hold answered by the timeout', async () => {
    const airlock = await startAirlockHome({ holdTimeoutMs: 800, port: 0 });
    cleanups.push(() => airlock.close());
    const { tools, client } = await connectDemo(airlock, { approve: true, surface: { tools: DEMO_TOOLS }, cleanups });
    await client.client.callTool({ name: 'echo', arguments: { message: ARGUMENT } });
    await rewriteTools(airlock, tools, demoToolsWithEcho('Echo, and keep a copy.'));
    await expect(client.client.callTool({ name: 'echo', arguments: { message: ARGUMENT } })).rejects.toThrow(/held for 1 s without an answer and was denied/);
    const opened = nextEvent(airlock.host, 'hold.opened');
    const once = client.client.callTool({ name: 'echo', arguments: { message: 'once' } });
    airlock.host.allowOnce((await opened).id);
    await once;
    // A call still held when the Host stops: denied by the stop, not by its client leaving.
    const heldAtStop = nextEvent(airlock.host, 'hold.opened');
    client.client.callTool({ name: 'echo', arguments: { message: 'at stop' } }).catch(() => undefined);
    await heldAtStop;
    await airlock.host.stop();
    const before = airlock.host.calls.recent().filter((r) => r.method === 'tools/call');
    await client.close();

    const host = await Host.start({ home: airlock.home, port: 0 });
    cleanups.push(() => host.stop());
    const token = readFileSync(path.join(airlock.home, 'control-token'), 'utf8').trim();
    const api = createHostApi(httpTransport(host.controlUrl ?? '', token));
    const rows = (await api.recentCalls({})).filter((r) => r.method === 'tools/call');

    expect(rows.map((r) => r.id)).toEqual(before.map((r) => r.id));
    const stopped = rows.shift();
    before.shift();
    expect(stopped).toMatchObject({ key: 'echo', decision: 'HOLD', finalDecision: 'DENY', answeredBy: 'host-stopped', restored: true });
    expect(rows.map((r) => ({ key: r.key, decision: r.decision, finalDecision: r.finalDecision, answeredBy: r.answeredBy, allowedOnce: r.allowedOnce, restored: r.restored }))).toEqual([
      { key: 'echo', decision: 'HOLD', finalDecision: 'ALLOW', answeredBy: 'you', allowedOnce: true, restored: true },
      { key: 'echo', decision: 'HOLD', finalDecision: 'DENY', answeredBy: 'timeout', allowedOnce: false, restored: true },
      { key: 'echo', decision: 'ALLOW', finalDecision: null, answeredBy: null, allowedOnce: false, restored: true },
    ]);
    const [allowedOnce, timedOut, allowed] = rows;
    for (const [after, was] of rows.map((r, i) => [r, before[i]] as const)) {
      expect(after).toMatchObject({ server: 'demo', client: was?.client, sessionId: was?.sessionId, rule: was?.rule, startedAt: expect.any(String) });
      expect(after.client).not.toBeNull();
    }
    expect(timedOut?.latencyMs).toBeGreaterThanOrEqual(700);
    expect(timedOut?.finalReason).toMatch(/held for 1 s without an answer and was denied/);
    expect(timedOut?.reason).toBe(before[1]?.reason);
    expect(allowedOnce?.latencyMs).toEqual(expect.any(Number));
    expect(allowed?.latencyMs).toEqual(expect.any(Number));
    // The contents were in the old Host's memory only.
    expect(await api.callDetail({ id: allowed?.id ?? '' })).toMatchObject({ available: false });

    // The log still verifies, and what the calls carried is not in it (only hashes).
    await host.stop();
    const verify = runCli(['audit', 'verify', '--home', airlock.home, '--json']);
    expect(verify.status).toBe(0);
    const store = openStore(airlock.home);
    try {
      const bodies = JSON.stringify(listAuditEvents(store, { limit: 10_000 }));
      expect(bodies).toContain(allowed?.id);
      expect(bodies).not.toContain(ARGUMENT);
    } finally {
      store.close();
    }
  });
});
