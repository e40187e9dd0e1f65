import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfigText } from '../../src/clients/config-syntax.js';
import { clientDirs } from '../../src/clients/client-dirs.js';
import { Host } from '../../src/host/host.js';
import { listAuditEvents } from '../../src/engine/audit/index.js';
import { openStore } from '../../src/engine/store/index.js';
import { connectSdk1, demoServer } from '../support/mcp-clients.js';
import { runCli } from '../support/run-cli.js';
import { makeTempDir } from '../support/temp-dir.js';
import { DEMO_TOOLS, nextEvent } from './airlock-harness.js';

/**
 * The whole path a user takes: a client config that starts a server directly, `airlock
 * clients install`, and then the client's own entry, unchanged in name, reaching the server
 * through Airlock. And a server added by hand afterwards is caught.
 */

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

interface Setup {
  userHome: string;
  airlockHome: string;
  cursorFile: string;
  claudeFile: string;
  toolsFile: string;
}

/** A fake home whose Cursor and Claude Desktop both run Airlock's demo server with the same token. */
function setup(): Setup {
  const { dir, cleanup } = makeTempDir('airlock-clients-e2e-');
  cleanups.push(cleanup);
  const userHome = path.join(dir, 'home');
  const toolsFile = path.join(dir, 'tools.json');
  fs.writeFileSync(toolsFile, JSON.stringify({ tools: DEMO_TOOLS }));
  const demo = demoServer(toolsFile);
  const entry = { command: demo.command, args: demo.args, env: { DEMO_API_TOKEN: 'tok_live_4f9a8b7c6d5e4f3a2b1c' } };
  const cursorFile = path.join(userHome, '.cursor', 'mcp.json');
  const claudeFile = path.join(userHome, '.config', 'Claude', 'claude_desktop_config.json');
  for (const file of [cursorFile, claudeFile]) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, `${JSON.stringify({ mcpServers: { demo: entry } }, null, 2)}\n`);
  }
  return { userHome, airlockHome: path.join(dir, 'airlock'), cursorFile, claudeFile, toolsFile };
}

const where = (s: Setup): string[] => ['--user-home', s.userHome, '--platform', 'linux'];

describe('a client entry routed by clients install', () => {
  it('reaches its server through Airlock under the same name, with its secret moved to the secret store', async () => {
    const s = setup();
    const install = runCli(['--home', s.airlockHome, 'clients', 'install', '--yes', '--approve-current', ...where(s)]);
    expect(install.stderr).toBe('');
    expect(install.status).toBe(0);
    // One server for both clients: same command, arguments and variables.
    const servers = JSON.parse(runCli(['--home', s.airlockHome, 'servers', 'list', '--json']).stdout) as { name: string }[];
    expect(servers.map((x) => x.name)).toEqual(['demo']);
    expect(fs.readFileSync(path.join(s.airlockHome, 'secrets.json'), 'utf8')).toContain('"DEMO_API_TOKEN": "tok_live_4f9a8b7c6d5e4f3a2b1c"');
    for (const file of [s.cursorFile, s.claudeFile]) expect(fs.readFileSync(file, 'utf8')).not.toContain('tok_live_');

    const host = await Host.start({ home: s.airlockHome });
    cleanups.push(() => host.stop());
    const routed = (parseConfigText(fs.readFileSync(s.cursorFile, 'utf8'), 'jsonc', s.cursorFile) as { mcpServers: { demo: { command: string; args: string[]; env?: unknown } } }).mcpServers.demo;
    expect(routed.env).toBeUndefined();
    // --client=cursor tells the Host which AI client's file the entry lives in (client policies' entry:cursor).
    expect(routed.args.slice(-4)).toEqual(['connect', `--home=${s.airlockHome}`, '--client=cursor', 'demo']);

    const client = await connectSdk1(routed.command, routed.args);
    cleanups.push(() => client.close());
    const tools = await client.client.listTools();
    expect(tools.tools.map((t) => t.name).sort()).toEqual(DEMO_TOOLS.map((t) => (t as { name: string }).name).sort());
    const echoed = await client.client.callTool({ name: 'echo', arguments: { message: 'through airlock' } });
    expect(JSON.stringify(echoed.content)).toContain('through airlock');
  });

  it('without --approve-current the imported server is held for review', async () => {
    const s = setup();
    expect(runCli(['--home', s.airlockHome, 'clients', 'install', '--yes', '--client', 'cursor', ...where(s)]).status).toBe(0);
    const host = await Host.start({ home: s.airlockHome });
    cleanups.push(() => host.stop());
    const routed = (parseConfigText(fs.readFileSync(s.cursorFile, 'utf8'), 'jsonc', s.cursorFile) as { mcpServers: { demo: { command: string; args: string[] } } }).mcpServers.demo;
    const client = await connectSdk1(routed.command, routed.args);
    cleanups.push(() => client.close());
    // First sight with no approval: nothing is served until the user approves the surface.
    const tools = await client.client.listTools();
    expect(tools.tools).toEqual([]);
    expect((await host.review('demo')).length).toBeGreaterThan(0);
  });
});

describe('the Host watching client files', () => {
  it('reports a server added by hand after install as bypassing, and audits it', async () => {
    const s = setup();
    expect(runCli(['--home', s.airlockHome, 'clients', 'install', '--yes', ...where(s)]).status).toBe(0);
    const host = await Host.start({ home: s.airlockHome, listen: false, clients: clientDirs({ userHome: s.userHome, platform: 'linux' }), clientWatchMs: 50 });
    cleanups.push(() => host.stop());
    expect(host.bypassing()).toEqual([]);

    const appeared = nextEvent(host, 'clients.bypassing');
    const config = JSON.parse(fs.readFileSync(s.cursorFile, 'utf8')) as { mcpServers: Record<string, unknown> };
    config.mcpServers.sneaky = { command: 'npx', args: ['-y', 'some-unreviewed-server'] };
    fs.writeFileSync(s.cursorFile, JSON.stringify(config, null, 2));
    const event = await appeared;
    expect(event.appeared).toEqual([expect.objectContaining({ client: 'cursor', file: s.cursorFile, name: 'sneaky', transport: 'stdio', routable: true })]);
    expect(host.bypassing().map((b) => b.name)).toEqual(['sneaky']);

    const listed = JSON.parse(runCli(['--home', s.airlockHome, 'clients', 'list', '--json', '--client', 'cursor', ...where(s)]).stdout) as {
      clients: { files: { servers: { name: string; status: string }[] }[] }[];
    };
    expect(listed.clients[0]?.files[0]?.servers).toEqual([
      expect.objectContaining({ name: 'demo', status: 'routed' }),
      expect.objectContaining({ name: 'sneaky', status: 'bypassing', routable: true }),
    ]);

    await host.stop();
    const store = openStore(s.airlockHome);
    try {
      const audited = listAuditEvents(store, {}).filter((e) => e.type === 'client.bypass-detected');
      expect(audited.map((e) => e.detail)).toEqual([expect.objectContaining({ client: 'cursor', entry: 'sneaky' })]);
    } finally {
      store.close();
    }
  });
});
