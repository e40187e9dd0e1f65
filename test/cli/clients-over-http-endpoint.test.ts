import fs from 'node:fs';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterEach, describe, expect, it } from 'vitest';
import { everythingServer } from '../support/mcp-clients.js';
import { runCli } from '../support/run-cli.js';
import { startAirlockHome } from '../e2e/airlock-harness.js';

/**
 * End to end: a Host serving its MCP endpoint on a free port, a client file routed to it by
 * `clients install --over-http`, and an MCP client that reads the written URL and takes its token
 * from `token-env`'s line, as a shell profile would give it.
 */

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('a client routed over HTTP reaches its server through the running Host', () => {
  it('connects to the written URL with the token from token-env and lists the server tools', async () => {
    const airlock = await startAirlockHome({ mcpPort: 0 });
    cleanups.push(() => airlock.close());
    const userHome = path.join(airlock.dir, 'user');
    const everything = everythingServer();
    fs.mkdirSync(path.join(userHome, '.cursor'), { recursive: true });
    fs.writeFileSync(path.join(userHome, '.cursor', 'mcp.json'), JSON.stringify({ mcpServers: { everything: { command: everything.command, args: everything.args } } }, null, 2));
    const where = ['--user-home', userHome, '--platform', 'linux', '--home', airlock.home];

    const installed = runCli(['clients', 'install', '--over-http', '--approve-current', '--yes', ...where]);
    expect(installed.stderr).toBe('');
    expect(installed.status).toBe(0);
    const entry = (JSON.parse(fs.readFileSync(path.join(userHome, '.cursor', 'mcp.json'), 'utf8')) as { mcpServers: { everything: { url: string; headers: Record<string, string> } } }).mcpServers.everything;
    // The Host remembered the port it took; install wrote exactly that address.
    expect(entry.url).toBe(`${airlock.host.mcpUrl}/everything`);
    expect(entry.headers).toEqual({ Authorization: 'Bearer ${env:AIRLOCK_TOKEN_CURSOR}' });

    const exported = runCli(['clients', 'token-env', '--home', airlock.home]);
    const line = /^export AIRLOCK_TOKEN_CURSOR='([^']+)'$/m.exec(exported.stdout);
    expect(line).not.toBeNull();
    // What Cursor does with ${env:AIRLOCK_TOKEN_CURSOR}: the variable's value in the header.
    const headers = { Authorization: entry.headers.Authorization!.replace('${env:AIRLOCK_TOKEN_CURSOR}', line![1]!) };
    const client = new Client({ name: 'Cursor', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(entry.url), { requestInit: { headers } }));
    cleanups.push(() => client.close());
    expect((await client.listTools()).tools.map((t) => t.name)).toContain('echo');

    // The routed entry is Airlock's, as the list sees it.
    const listed = runCli(['clients', 'list', ...where]);
    expect(listed.stdout).toMatch(/everything\s+routed\s+through Airlock server "everything" \(over HTTP/);
  });
});
