import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { HostApiEvent } from '../../src/shared/host-api/index.js';
import { connectSdk1, demoServer } from '../support/mcp-clients.js';
import { AIRLOCK_BIN, runCli } from '../support/run-cli.js';
import { makeTempDir } from '../support/temp-dir.js';
import { auditEvents, DEMO_TOOLS, startAirlockHome, type AirlockHome } from './airlock-harness.js';

/**
 * Adding and removing servers through the HostApi, as the window does: the server added is one a
 * real client reaches through `airlock connect`, its secret value stays in the secret store only,
 * and the refusals say what to do.
 */

const SECRET = 'sk-window-9f2c41d7e8b3a6';
const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface Started {
  airlock: AirlockHome;
  logs: string[];
  events: HostApiEvent[];
  /** The user's home the Host reads client configs from. */
  userHome: string;
  invoke(method: string, params: unknown): Promise<unknown>;
}

async function start(): Promise<Started> {
  const users = makeTempDir('airlock-user-');
  cleanups.push(users.cleanup);
  const airlock = await startAirlockHome({ port: 0, holdTimeoutMs: 30_000, clients: { userHome: users.dir, platform: 'linux', env: {}, projects: [] } });
  cleanups.push(() => airlock.close());
  const logs: string[] = [];
  airlock.host.on('log', (line) => logs.push(line));
  const events: HostApiEvent[] = [];
  cleanups.push(airlock.host.api.subscribe((e) => events.push(e)));
  return { airlock, logs, events, userHome: users.dir, invoke: (method, params) => airlock.host.api.invoke(method, params) };
}

function addDemo(s: Started, name: string, extra: object = {}): Promise<unknown> {
  const demo = demoServer(s.airlock.toolsFile({ tools: DEMO_TOOLS }).file);
  return s.invoke('addServer', { name, command: demo.command, args: demo.args, env: { LOG_LEVEL: 'debug' }, secrets: { DEMO_TOKEN: SECRET }, approveOnFirstList: true, ...extra });
}

/** Every byte Airlock wrote to its database files (the log and the registry). */
function databaseBytes(home: string): string {
  return readdirSync(home)
    .filter((f) => f.includes('.db') || f.includes('.sqlite'))
    .map((f) => readFileSync(path.join(home, f)).toString('latin1'))
    .join('\n');
}

describe('addServer through the HostApi', () => {
  it('adds a server a client then reaches with airlock connect, and calls it', async () => {
    const s = await start();
    expect(await addDemo(s, 'from-window')).toEqual({ name: 'from-window', secretKeys: ['DEMO_TOKEN'], approveOnFirstList: true });
    expect(s.events).toContainEqual({ type: 'servers.changed', server: 'from-window', change: 'added' });
    expect(((await s.invoke('servers', {})) as { name: string; configured?: boolean }[]).map((x) => [x.name, x.configured])).toEqual([['from-window', true]]);

    const client = await connectSdk1(process.execPath, [AIRLOCK_BIN, 'connect', 'from-window', '--home', s.airlock.home, '--no-autostart']);
    cleanups.push(() => client.close());
    const result = await client.client.callTool({ name: 'echo', arguments: { message: 'through the window-added server' } });
    expect(result.content).toEqual([{ type: 'text', text: 'through the window-added server' }]);
    // The CLI sees the same registry entry, the secret as ***.
    expect(runCli(['servers', 'list', '--home', s.airlock.home]).stdout).toContain('secrets: DEMO_TOKEN=***');
  });

  it('keeps the secret value out of the audit log, the Host log and the serverDetail answer', async () => {
    const s = await start();
    await addDemo(s, 'keeps-secret');
    const client = await connectSdk1(process.execPath, [AIRLOCK_BIN, 'connect', 'keeps-secret', '--home', s.airlock.home, '--no-autostart']);
    cleanups.push(() => client.close());
    await client.client.callTool({ name: 'echo', arguments: { message: 'hello' } });
    const detail = await s.invoke('serverDetail', { server: 'keeps-secret' });

    // It was stored, in the secret store only.
    expect(readFileSync(path.join(s.airlock.home, 'secrets.json'), 'utf8')).toContain(SECRET);
    expect(JSON.stringify(detail)).toContain('DEMO_TOKEN');
    expect(JSON.stringify(detail)).not.toContain(SECRET);
    expect(s.logs.join('\n')).toContain('keeps-secret');
    expect(s.logs.join('\n')).not.toContain(SECRET);
    const added = auditEvents(s.airlock.home).filter((e) => e.type === 'server.added');
    expect(added.map((e) => [e.server, e.detail])).toEqual([['keeps-secret', { command: process.execPath, approveOnFirstList: true, replaced: false }]]);
    expect(databaseBytes(s.airlock.home)).toContain('keeps-secret');
    expect(databaseBytes(s.airlock.home)).not.toContain(SECRET);
  });

  it('refuses a duplicate name, a bad name and an empty command, saying what to do, and changes nothing', async () => {
    const s = await start();
    await addDemo(s, 'twice');
    await expect(addDemo(s, 'twice', { secrets: { DEMO_TOKEN: 'another-value-123' } })).rejects.toThrow(
      /^a server named "twice" already exists \(.+\); nothing was changed\. Choose another name, or remove "twice" first from its page in Servers$/,
    );
    expect(readFileSync(path.join(s.airlock.home, 'secrets.json'), 'utf8')).toContain(SECRET);
    await expect(addDemo(s, 'has space')).rejects.toThrow('server "has space" cannot be configured: name: use 1 to 64 letters, digits, ".", "_" or "-", starting with a letter or digit; nothing was changed');
    await expect(addDemo(s, '')).rejects.toThrow('the server has no name: give it one');
    await expect(s.invoke('addServer', { name: 'no-command', command: '  ', args: [], env: {}, secrets: {}, approveOnFirstList: false })).rejects.toThrow(
      'server "no-command" has no command: give the program that starts it (for example npx or node); nothing was changed',
    );
    await expect(addDemo(s, 'bad-var', { env: { '1X': 'v' } })).rejects.toThrow('env: "1X" is not a valid variable name');
    await expect(addDemo(s, 'empty-secret', { secrets: { DEMO_TOKEN: '' } })).rejects.toThrow('secrets.DEMO_TOKEN: a secret variable needs a value');
    expect(((await s.invoke('servers', {})) as { name: string }[]).map((x) => x.name)).toEqual(['twice']);
  });

  it('refuses "__proto__" as a name or as a variable name, cleanly', async () => {
    const s = await start();
    const demo = demoServer(s.airlock.toolsFile({ tools: DEMO_TOOLS }).file);
    const base = { command: demo.command, args: demo.args, approveOnFirstList: false };
    await expect(s.invoke('addServer', { ...base, name: '__proto__', env: {}, secrets: {} })).rejects.toThrow('server "__proto__" cannot be configured: name: use 1 to 64 letters');
    // As the IPC carrier's structured clone would deliver it: an own "__proto__" key.
    for (const field of ['env', 'secrets']) {
      const params = JSON.parse(`{"name":"proto-${field}","command":${JSON.stringify(demo.command)},"args":[],"env":{},"secrets":{},"approveOnFirstList":false}`) as Record<string, unknown>;
      params[field] = JSON.parse('{"__proto__":"x"}');
      await expect(s.invoke('addServer', params)).rejects.toThrow(`invalid parameters for addServer: ${field}.__proto__: "__proto__" cannot be a name or a key here; nothing was changed`);
    }
    // Over HTTP the body itself is refused before any method runs.
    const token = readFileSync(path.join(s.airlock.home, 'control-token'), 'utf8').trim();
    const body = `{"method":"addServer","params":{"name":"proto-http","command":"node","args":[],"env":{"__proto__":"x"},"secrets":{},"approveOnFirstList":false}}`;
    const response = await fetch(`${s.airlock.host.controlUrl}/v1/rpc`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('__proto__');
    expect(await s.invoke('servers', {})).toEqual([]);
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });
});

describe('removeServer through the HostApi', () => {
  it('forgets the config and its secrets, keeps its approvals and history, and names the client entries still routed to it', async () => {
    const s = await start();
    await addDemo(s, 'going');
    const client = await connectSdk1(process.execPath, [AIRLOCK_BIN, 'connect', 'going', '--home', s.airlock.home, '--no-autostart']);
    await client.client.callTool({ name: 'echo', arguments: { message: 'before' } });
    await client.close();
    const claude = path.join(s.userHome, '.config', 'Claude', 'claude_desktop_config.json');
    mkdirSync(path.dirname(claude), { recursive: true });
    writeFileSync(claude, JSON.stringify({ mcpServers: { notes: { command: 'airlock', args: ['connect', 'going'] } } }));

    expect(await s.invoke('removeServer', { server: 'going' })).toEqual({ name: 'going', stillRoutedBy: [{ client: 'Claude Desktop', path: claude, entry: 'notes' }] });
    expect(s.events).toContainEqual({ type: 'servers.changed', server: 'going', change: 'removed' });
    expect(readFileSync(path.join(s.airlock.home, 'secrets.json'), 'utf8')).not.toContain(SECRET);
    // Seen and approved before: it stays listed, marked as no longer configured, with its approved version.
    expect(await s.invoke('servers', {})).toEqual([{ name: 'going', state: 'GREEN', generation: 1, held: 0, pendingCalls: 0, configured: false }]);
    const detail = (await s.invoke('serverDetail', { server: 'going' })) as { command: string | null; generations: unknown[] };
    expect([detail.command, detail.generations.length]).toEqual([null, 1]);
    expect(runCli(['servers', 'list', '--home', s.airlock.home]).stdout).toContain('no servers configured');

    await expect(s.invoke('removeServer', { server: 'going' })).rejects.toThrow('no server named "going" is configured, so there is nothing to remove');
    const audit = auditEvents(s.airlock.home).filter((e) => e.server === 'going');
    expect(audit.map((e) => e.type)).toContain('server.added');
    expect(audit.filter((e) => e.type === 'server.removed').map((e) => e.detail)).toEqual([{ command: process.execPath }]);
  });
});
