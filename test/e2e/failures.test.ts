import { execFileSync } from 'node:child_process';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { connectSdk1, demoServer } from '../support/mcp-clients.js';
import { spawnCli } from '../support/spawn-cli.js';
import { connectDemo, DEMO_TOOLS, startAirlockHome, type AirlockHome } from './airlock-harness.js';

/** What a user meets when something breaks: every case answers, none hangs, nothing leaks. */

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function home(options: { maxFrameBytes?: number } = {}): Promise<AirlockHome> {
  const airlock = await startAirlockHome(options);
  cleanups.push(() => airlock.close());
  return airlock;
}

/** Processes whose command line contains `marker` (the demo server's unique tools-file path). */
function processesWith(marker: string): string[] {
  try {
    return execFileSync('pgrep', ['-f', marker], { encoding: 'utf8' }).trim().split('\n').filter(Boolean);
  } catch {
    return [];
  }
}

async function eventually(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A raw client: `airlock connect` with JSON-RPC lines written by hand. */
function rawClient(airlock: AirlockHome, name: string) {
  const { args } = airlock.connect(name);
  const cli = spawnCli(args.slice(1));
  cleanups.push(() => cli.child.kill());
  const send = (line: string): void => void cli.child.stdin?.write(`${line}\n`);
  const lines = async (count: number): Promise<Array<Record<string, unknown>>> => (await cli.linesOut(count)).map((l) => JSON.parse(l) as Record<string, unknown>);
  return { cli, send, lines };
}

const initialize = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } });

describe('failures through airlock connect', () => {
  it('answers with the tail of stderr, secrets redacted, when the upstream cannot start', async () => {
    const airlock = await home();
    const script = "console.error('fatal: bad config, token=' + process.env.API_TOKEN); process.exit(4)";
    airlock.addServer('broken', { command: process.execPath, args: ['-e', script] }, { approve: true, secrets: { API_TOKEN: 'sk-very-secret-value-123' } });
    const { command, args } = airlock.connect('broken');
    const error = await connectSdk1(command, args).then(
      () => null,
      (e: Error) => e,
    );
    expect(error?.message).toMatch(/server "broken" exited \(code 4\); the end of its stderr: fatal: bad config, token=\*\*\*/);
    expect(error?.message).not.toContain('sk-very-secret-value-123');
  });

  it('fails every pending call of a server that dies mid-call', async () => {
    const { client } = await connectDemo(await home(), { cleanups });
    const slow = client.client.callTool({ name: 'slow', arguments: { ms: 30_000 } }).then(() => null, (e: Error) => e);
    const crash = client.client.callTool({ name: 'crash', arguments: {} });
    await expect(crash).rejects.toThrow(/server "demo" exited \(code 3\)/);
    expect((await slow)?.message).toMatch(/exited/);
  });

  it('ends the upstream server and its children when the client disconnects', async () => {
    const { tools, client } = await connectDemo(await home(), { cleanups: [] });
    expect(processesWith(tools.file)).toHaveLength(1);
    await client.close();
    await eventually(() => processesWith(tools.file).length === 0);
  });

  it('answers a malformed client frame with a parse error and keeps the session', async () => {
    const airlock = await home();
    const tools = airlock.toolsFile({ tools: DEMO_TOOLS });
    airlock.addServer('demo', demoServer(tools.file), { approve: true });
    const raw = rawClient(airlock, 'demo');
    raw.send('{"jsonrpc": "2.0", "id": 7, "method": ');
    raw.send(initialize);
    const [parseError, init] = await raw.lines(2);
    expect(parseError).toMatchObject({ id: null, error: { code: -32700 } });
    // Nothing is approved before the first listing, so the server is named as the user named it.
    expect(init).toMatchObject({ id: 1, result: { serverInfo: { name: 'demo', version: 'unapproved' } } });
  });

  it('drops a malformed server frame and keeps the session', async () => {
    const { client } = await connectDemo(await home(), { cleanups });
    expect((await client.client.callTool({ name: 'garbage', arguments: {} })).content).toBeDefined();
    expect(((await client.client.callTool({ name: 'echo', arguments: { message: 'still here' } })) as { content: Array<{ text: string }> }).content[0]?.text).toBe('still here');
  });

  it('refuses a message over the size limit with an error and keeps the session', async () => {
    const airlock = await home({ maxFrameBytes: 64 * 1024 });
    const tools = airlock.toolsFile({ tools: DEMO_TOOLS });
    airlock.addServer('demo', demoServer(tools.file), { approve: true });
    const raw = rawClient(airlock, 'demo');
    raw.send(JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'echo', arguments: { message: 'x'.repeat(200 * 1024) } } }));
    raw.send(initialize);
    const [tooBig, init] = await raw.lines(2);
    expect(tooBig).toMatchObject({ id: null, error: { code: -32600, message: expect.stringMatching(/over the 65536-byte limit/) } });
    expect(init).toMatchObject({ id: 1, result: expect.any(Object) });
  });

  it('refuses every call once its audit log cannot be written (fail closed)', async () => {
    const airlock = await home();
    const { client } = await connectDemo(airlock, { cleanups });
    const echo = { name: 'echo', arguments: { message: 'logged' } };
    expect(((await client.client.callTool(echo)) as { content: Array<{ text: string }> }).content[0]?.text).toBe('logged');
    const failed = new Promise<string>((resolve) => airlock.host.on('log', (m) => m.startsWith('audit log write failed') && resolve(m)));
    // Sabotage from outside, as a full disk or a damaged file would: the next write fails.
    const db = new Database(path.join(airlock.home, 'airlock.db'));
    db.exec('ALTER TABLE audit_events RENAME TO audit_events_gone');
    db.close();
    await client.client.callTool(echo).catch(() => undefined);
    await failed;
    await expect(client.client.callTool(echo)).rejects.toThrow(/was denied: Airlock cannot write its audit log/);
  });

  it('refuses calls while the server lists something Airlock cannot pin (two tools of one name)', async () => {
    const airlock = await home();
    const { tools, client } = await connectDemo(airlock, { cleanups });
    const failed = new Promise<string>((resolve) => airlock.host.on('log', (m) => m.startsWith('could not list "demo"') && resolve(m)));
    tools.write({ tools: [...DEMO_TOOLS, DEMO_TOOLS[0]] });
    expect(await failed).toMatch(/duplicate tool name "echo"/);
    await expect(client.client.callTool({ name: 'echo', arguments: { message: 'x' } })).rejects.toThrow(/could not pin what "demo" lists now \(.*duplicate tool name "echo".*\); its calls are refused until it lists cleanly/);
    // Once it lists cleanly again (a client's list makes Airlock re-list), the approved tools work again.
    tools.write({ tools: DEMO_TOOLS });
    await client.client.listTools();
    expect(((await client.client.callTool({ name: 'echo', arguments: { message: 'again' } })) as { content: Array<{ text: string }> }).content[0]?.text).toBe('again');
  });

  it('tells the client when no server of that name exists', async () => {
    const airlock = await home();
    const { command, args } = airlock.connect('nope');
    await expect(connectSdk1(command, args)).rejects.toThrow(/there is no server named "nope"/);
  });
});
