import { afterEach, describe, expect, it } from 'vitest';
import type { Client as Sdk1Client } from '@modelcontextprotocol/sdk/client/index.js';
import { listQuarantinedItems } from '../../src/engine/store/quarantined-items.js';
import { openStore } from '../../src/engine/store/index.js';
import type { McpConnection } from '../support/mcp-clients.js';
import { runCli } from '../support/run-cli.js';
import { connectDemo, DEMO_TOOLS, demoToolsWithEcho, rewriteTools, startAirlockHome, type AirlockHome } from './airlock-harness.js';

/**
 * A whole-server approval never lifts a quarantine the user did not name: a real Host with its
 * real SQLite store, the demo server behind `airlock connect`, and a real MCP client.
 */

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const names = async (client: McpConnection<Sdk1Client>): Promise<string[]> => (await client.client.listTools()).tools.map((t) => t.name).sort();

/** echo quarantined by the user, then the server changes echo again (so the server waits for review). */
async function quarantinedEcho(): Promise<{ airlock: AirlockHome; client: McpConnection<Sdk1Client>; surfaceHash: string }> {
  const airlock = await startAirlockHome({ holdTimeoutMs: 30_000 });
  cleanups.push(() => airlock.close());
  const { tools, client } = await connectDemo(airlock, { approve: true, cleanups });
  await rewriteTools(airlock, tools, demoToolsWithEcho('Echo the message, and keep a copy.'));
  await airlock.host.api.invoke('quarantine', { server: 'demo', kind: 'tool', key: 'echo', reason: 'answered n' });
  const detail = (await airlock.host.api.invoke('serverDetail', { server: 'demo' })) as { liveSurfaceHash: string; quarantinedItems: unknown[] };
  expect(detail.quarantinedItems).toEqual([{ kind: 'tool', key: 'echo', reason: 'answered n' }]);
  return { airlock, client, surfaceHash: detail.liveSurfaceHash };
}

describe('approving a whole server with an item quarantined', () => {
  it('keeps the item quarantined through a HostApi approval that does not release it: withheld, calls denied, still so after a restart', async () => {
    const { airlock, client, surfaceHash } = await quarantinedEcho();
    const result = await airlock.host.api.invoke('approve', { server: 'demo', hash: surfaceHash });
    expect(result).toEqual({ state: 'GREEN', generation: 2 });

    const others = DEMO_TOOLS.map((t) => (t as { name: string }).name).filter((n) => n !== 'echo').sort();
    expect(await names(client)).toEqual(others);
    await expect(client.client.callTool({ name: 'echo', arguments: { message: 'x' } })).rejects.toThrow(/quarantined/);

    await airlock.host.stop();
    const store = openStore(airlock.home);
    try {
      expect(listQuarantinedItems(store, 'demo').map((q) => [q.kind, q.key])).toEqual([['tool', 'echo']]);
    } finally {
      store.close();
    }
  });

  it('keeps it quarantined through `airlock approve SERVER --hash` without --release, and says so', async () => {
    const { airlock, client, surfaceHash } = await quarantinedEcho();
    await airlock.host.stop();
    const approved = runCli(['approve', 'demo', '--hash', surfaceHash, '--home', airlock.home]);
    expect(approved.stderr).toBe('');
    expect(approved.stdout).toContain('approved "demo": the server is GREEN, generation 2');
    expect(approved.stdout).toContain('still quarantined: tool "echo"');
    const store = openStore(airlock.home);
    try {
      expect(listQuarantinedItems(store, 'demo').map((q) => q.key)).toEqual(['echo']);
    } finally {
      store.close();
    }
    await client.close();
  });

  it('refuses to release an item that is not quarantined, and approves nothing', async () => {
    const { airlock, surfaceHash } = await quarantinedEcho();
    await expect(airlock.host.api.invoke('approve', { server: 'demo', hash: surfaceHash, release: [{ kind: 'tool', key: 'slow' }] })).rejects.toThrow(/tool "slow" is not quarantined/);
    expect(airlock.host.servers()[0]).toMatchObject({ generation: 1 });
  });

  it('refuses a release list on a one-item approval', async () => {
    const { airlock } = await quarantinedEcho();
    await expect(airlock.host.api.invoke('approve', { server: 'demo', kind: 'tool', key: 'slow', hash: 'sha256:x', release: [{ kind: 'tool', key: 'echo' }] })).rejects.toThrow(/release goes with a whole-server approval only/);
  });

  it('releases the item the approval names: served again and callable', async () => {
    const { airlock, client, surfaceHash } = await quarantinedEcho();
    await airlock.host.api.invoke('approve', { server: 'demo', hash: surfaceHash, release: [{ kind: 'tool', key: 'echo' }] });
    expect(await names(client)).toContain('echo');
    expect(((await airlock.host.api.invoke('serverDetail', { server: 'demo' })) as { quarantinedItems: unknown[] }).quarantinedItems).toEqual([]);
    const answer = (await client.client.callTool({ name: 'echo', arguments: { message: 'back' } })) as { content: Array<{ text: string }> };
    expect(answer.content[0]?.text).toBe('back');
  });
});
