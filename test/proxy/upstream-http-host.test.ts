import { afterEach, describe, expect, it } from 'vitest';
import { startAirlockHome } from '../e2e/airlock-harness.js';
import { connectSdk1 } from '../support/mcp-clients.js';
import { runCli } from '../support/run-cli.js';
import { startModernServer, startSdkServer } from '../support/http-upstream-servers.js';

/** A remote server behind the real Host, reached by a real client through `airlock connect NAME`. */

const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function throughAirlock(url: string): Promise<Awaited<ReturnType<typeof connectSdk1>>> {
  const airlock = await startAirlockHome();
  cleanups.push(() => airlock.close());
  const added = runCli(['servers', 'add', 'remote', '--home', airlock.home, '--approve', '--url', url]);
  expect(added.status, added.stderr).toBe(0);
  const { command, args } = airlock.connect('remote');
  const client = await connectSdk1(command, args);
  cleanups.push(() => client.close());
  return client;
}

describe('a remote MCP server through the real Host', () => {
  it('a 2025-11-25 Streamable HTTP server: listed, approved, and its tool answers through the gate', async () => {
    const server = await startSdkServer({ stateful: true });
    cleanups.push(server.stop);
    const through = await throughAirlock(server.url);
    expect((await through.client.listTools()).tools.map((t) => t.name)).toEqual(['echo']);
    expect(await through.client.callTool({ name: 'echo', arguments: { text: 'via the Host' } })).toEqual({ content: [{ type: 'text', text: 'via the Host' }] });
    expect(server.seen.filter((r) => r.method === 'POST').at(-1)?.headers['mcp-session-id']).toEqual(expect.any(String));
  }, 60_000);

  it('a server that is down: the client gets an error that names it unreachable', async () => {
    const server = await startModernServer();
    const url = server.url;
    await server.stop();
    const airlock = await startAirlockHome();
    cleanups.push(() => airlock.close());
    expect(runCli(['servers', 'add', 'remote', '--home', airlock.home, '--url', url]).status).toBe(0);
    const { command, args } = airlock.connect('remote');
    await expect(connectSdk1(command, args)).rejects.toThrow(/unreachable/);
  }, 60_000);
});
