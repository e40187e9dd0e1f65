import fs from 'node:fs';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectSdk1, demoServer, type McpConnection } from '../support/mcp-clients.js';
import { startRemoteEcho } from '../support/remote-echo.js';
import { AIRLOCK_BIN, runCli } from '../support/run-cli.js';
import { isLoopbackOrUnspecified, pidsByCommandLine, watchSockets, type SocketSeen, type SocketWatch } from '../support/socket-watch.js';
import { spawnCli, type RunningCli } from '../support/spawn-cli.js';
import { makeTempDir } from '../support/temp-dir.js';
import { DEMO_TOOLS } from './airlock-harness.js';
import { openWindowInChromium, requireChromiumAndBuiltWindow } from './chromium-window.js';
import type { Client as Sdk1Client } from '@modelcontextprotocol/sdk/client/index.js';

/**
 * SECURITY.md item 9, "No network of its own", watched from outside: a real `airlock serve`
 * (the Host, with its MCP endpoint), a real `airlock connect` session, a stdio upstream and a
 * remote upstream on loopback, and the window in Chromium clicked through every view. Every
 * socket of Airlock's own processes is read from /proc every 20 ms for the whole run; each
 * internet socket must point at loopback (or nowhere: a listener), and none at port 53 (no DNS
 * lookups). Unix sockets (a session's link to the Host) are listed but cannot leave the machine.
 *
 * Airlock's processes are those run from bin/airlock.js with this home: the Host and each
 * `airlock connect`. The upstream servers the Host starts are the user's own programs and may
 * connect where they like; Chromium stands in for the app's window and is the browser, not
 * Airlock. Both are left out of the watch on purpose. A connection that opens and closes
 * between two polls would be missed; socket-watch.test.ts proves a short outbound attempt is
 * seen, and this test proves the watch saw the Host's connection to the remote upstream.
 */

const linux = process.platform === 'linux';
if (!linux) console.log(`no-egress: skipped, the socket watch reads /proc (Linux only); this is ${process.platform}`);

let tmp: ReturnType<typeof makeTempDir>;
let home: string;
let serve: RunningCli;
let remote: Awaited<ReturnType<typeof startRemoteEcho>>;
let watch: SocketWatch;
let context: BrowserContext;
let page: Page;
let client: McpConnection<Sdk1Client>;
let mcpUrl: string;
let remotePort: number;
let seen: SocketSeen[] = [];
const connectPids = new Set<number>();

const text = (result: unknown): string => JSON.stringify((result as { content?: unknown }).content);

describe.skipIf(!linux)('no network of its own: Airlock\'s processes connect only to loopback', () => {
  beforeAll(async () => {
    requireChromiumAndBuiltWindow();
    tmp = makeTempDir('airlock-no-egress-');
    home = path.join(tmp.dir, 'home');
    const userHome = path.join(tmp.dir, 'user-home');
    fs.mkdirSync(userHome);
    const toolsFile = path.join(tmp.dir, 'tools.json');
    fs.writeFileSync(toolsFile, JSON.stringify({ tools: DEMO_TOOLS }));
    const demo = demoServer(toolsFile);
    expect(runCli(['--home', home, 'servers', 'add', 'demo', '--approve', '--', demo.command, ...demo.args]).status).toBe(0);
    remote = await startRemoteEcho({ toolsFile });
    remotePort = Number(new URL(remote.url).port);
    const added = runCli(['--home', home, 'servers', 'add', 'remote', '--url', remote.url, '--approve']);
    expect(added.status, added.stderr).toBe(0);

    // Watch from before the Host starts: any process run from bin/airlock.js with this home.
    // (A process the Host forks to start an upstream shows the Host's command line and sockets
    // until it execs; it is watched too, harmlessly.)
    watch = watchSockets(() => {
      for (const pid of pidsByCommandLine([AIRLOCK_BIN, 'connect', home])) connectPids.add(pid);
      return pidsByCommandLine([AIRLOCK_BIN, home]);
    }, 20);
    serve = spawnCli(['--home', home, 'serve', '--port', '0', '--mcp-port', '0', '--hold-timeout', '60', '--user-home', userHome, '--platform', 'linux']);
    const lines = await serve.linesOut(3);
    mcpUrl = /on (http:\/\/127\.0\.0\.1:\d+\/mcp)\//.exec(lines.find((l) => l.startsWith('MCP endpoint for HTTP clients on ')) ?? '')?.[1] ?? '';
    expect(mcpUrl).not.toBe('');
    client = await connectSdk1(process.execPath, [AIRLOCK_BIN, 'connect', 'demo', '--home', home, '--no-autostart']);
    const url = runCli(['--home', home, 'ui-url']);
    expect(url.status).toBe(0);
    ({ context, page } = await openWindowInChromium(path.join(tmp.dir, 'chromium-profile'), url.stdout.trim(), { width: 1280, height: 820 }));
  }, 120_000);

  afterAll(async () => {
    watch?.stop();
    await client?.close().catch(() => undefined);
    await context?.close().catch(() => undefined);
    if (serve) {
      serve.child.kill('SIGTERM');
      await serve.exited;
    }
    await remote?.stop();
    tmp?.cleanup();
  });

  async function openView(name: string): Promise<void> {
    await page.getByRole('tab', { name: new RegExp(`^${name}`) }).click();
  }

  it('makes calls through airlock connect to the stdio upstream and to the remote one', async () => {
    expect(text(await client.client.callTool({ name: 'echo', arguments: { message: 'stays on this machine' } }))).toContain('stays on this machine');
    const remoteClient = await connectSdk1(process.execPath, [AIRLOCK_BIN, 'connect', 'remote', '--home', home, '--no-autostart']);
    try {
      const names = (await remoteClient.client.listTools()).tools.map((t) => t.name);
      expect(names).toContain('echo');
      expect(text(await remoteClient.client.callTool({ name: 'echo', arguments: { message: 'to the loopback remote' } }))).toContain('to the loopback remote');
    } finally {
      await remoteClient.close();
    }
  });

  it('clicks through every view of the window, with actions that reach the Host', async () => {
    await openView('Live');
    await page.getByText(/stays on this machine|echo/).first().waitFor();
    await openView('Review');
    await openView('Servers');
    await page.getByRole('button', { name: /demo/ }).first().click();
    await openView('Clients');
    const panel = page.getByRole('region', { name: 'HTTP clients' });
    await panel.getByText(`${mcpUrl}/SERVER`).waitFor();
    await openView('Receipts');
    await page.getByRole('button', { name: 'Verify chain' }).click();
    await page.getByText(/^Chain intact: \d+ events/).waitFor();
  });

  it('saw only loopback remotes and listeners on the Host and every airlock connect, and no DNS', async () => {
    // Let the Host's background work (client-config watch, drift checks, token checks) run a little.
    await new Promise((r) => setTimeout(r, 2_500));
    seen = watch.stop();
    const pids = watch.pids();
    const report = seen.filter((s) => s.protocol !== 'unix' || s.local !== '').map((s) => `${s.pid} ${s.protocol} ${s.local} -> ${s.remote} (state ${s.state})`).join('\n');
    console.log(`no-egress: ${watch.polls()} polls over ${pids.length} Airlock processes; sockets seen:\n${report}`);

    // Not vacuous: the Host and at least two `airlock connect` were watched, and the watch saw
    // the Host's own connection to the remote upstream and a session's connection to the Host.
    expect(pids).toContain(serve.child.pid);
    expect(connectPids.size).toBe(2);
    expect(watch.polls()).toBeGreaterThan(50);
    expect(seen.some((s) => s.pid === serve.child.pid && s.remotePort === remotePort && s.remoteHost === '127.0.0.1')).toBe(true);
    // Each `airlock connect` reaches the Host over its unix socket, which the watch lists too.
    for (const pid of connectPids) expect(seen.some((s) => s.pid === pid && s.protocol === 'unix' && s.state === '03')).toBe(true);

    const inet = seen.filter((s) => s.protocol !== 'unix');
    expect(inet.filter((s) => !isLoopbackOrUnspecified(s.remoteHost)).map((s) => `${s.protocol} ${s.local} -> ${s.remote}`)).toEqual([]);
    // Port 53 anywhere, loopback included (a local resolver such as 127.0.0.53): no name lookups.
    expect(inet.filter((s) => s.remotePort === 53).map((s) => `${s.protocol} ${s.local} -> ${s.remote}`)).toEqual([]);
    // Listeners only on loopback: nothing reachable from another machine.
    expect(inet.filter((s) => s.state === '0A' && !/^(127\.|::ffff:127\.|0:0:0:0:0:0:0:1:)/.test(s.local)).map((s) => s.local)).toEqual([]);
  });
});
