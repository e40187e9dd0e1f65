import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { connectSdk1, connectSdk2, everythingServer, filesystemServer, memoryServer, type ServerCommand } from '../support/mcp-clients.js';
import { startAirlockHome, type AirlockHome } from './airlock-harness.js';

/**
 * Servers nobody here wrote, from npm, through Airlock: the same results as without it, and
 * the drift their own behaviour produces.
 */

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function both(server: ServerCommand, options: { approve?: boolean; roots?: { uri: string }[] } = {}): Promise<{ airlock: AirlockHome; direct: Awaited<ReturnType<typeof connectSdk1>>; through: Awaited<ReturnType<typeof connectSdk1>> }> {
  const airlock = await startAirlockHome({ holdTimeoutMs: 30_000 });
  cleanups.push(() => airlock.close());
  airlock.addServer('real', server, { approve: options.approve ?? true });
  const handlers = options.roots ? { handlers: { roots: options.roots } } : {};
  const direct = await connectSdk1(server.command, server.args, server.env, handlers);
  cleanups.push(() => direct.close());
  const { command, args } = airlock.connect('real');
  const through = await connectSdk1(command, args, undefined, handlers);
  cleanups.push(() => through.close());
  await through.client.listTools();
  return { airlock, direct, through };
}

describe('real MCP servers through Airlock', () => {
  it('server-everything: echo gives the same result as a direct call, and sampling round-trips', async () => {
    const { direct, through } = await both(everythingServer());
    const args = { name: 'echo', arguments: { message: 'same either way' } };
    expect(await through.client.callTool(args)).toEqual(await direct.client.callTool(args));
    const throughTools = (await through.client.listTools()).tools.map((t) => t.name).sort();
    expect(throughTools).toContain('echo');
    const sampled = await through.client.callTool({ name: 'trigger-sampling-request', arguments: { prompt: 'hi', maxTokens: 10 } });
    expect(JSON.stringify(sampled)).toContain('the model says hello');
  });

  it('server-everything with the 2.x client: falls back to the 2025 handshake through Airlock and echoes', async () => {
    const airlock = await startAirlockHome();
    cleanups.push(() => airlock.close());
    airlock.addServer('real', everythingServer(), { approve: true });
    const { command, args } = airlock.connect('real');
    const client = await connectSdk2(command, args);
    cleanups.push(() => client.close());
    expect(client.era).toBe('legacy');
    expect(JSON.stringify(await client.client.callTool({ name: 'echo', arguments: { message: 'two' } }))).toContain('Echo: two');
  });

  it('server-everything without --approve: its tools, including those it adds after initialized, wait for review', async () => {
    const { airlock, through } = await both(everythingServer(), { approve: false });
    expect((await through.client.listTools()).tools).toEqual([]);
    const held = airlock.host.tools('real');
    expect(held.length).toBeGreaterThanOrEqual(12);
    expect(held.every((t) => t.gate === 'held')).toBe(true);
  });

  it('server-filesystem: reading a file gives the same result as a direct call', async () => {
    const airlockDir = await startAirlockHome();
    const dir = path.join(airlockDir.dir, 'files');
    await airlockDir.close();
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'note.txt'), 'hello from disk');
    const roots = [{ uri: `file://${dir}` }];
    const { direct, through } = await both(filesystemServer(dir), { roots });
    const args = { name: 'read_text_file', arguments: { path: path.join(dir, 'note.txt') } };
    const viaAirlock = await through.client.callTool(args);
    expect(viaAirlock).toEqual(await direct.client.callTool(args));
    expect(JSON.stringify(viaAirlock)).toContain('hello from disk');
  });

  it('server-memory: writes and reads the graph through Airlock', async () => {
    const { dir, cleanup } = await import('../support/temp-dir.js').then((m) => m.makeTempDir('airlock-memory-'));
    cleanups.push(cleanup);
    const { through } = await both(memoryServer(dir));
    await through.client.callTool({ name: 'create_entities', arguments: { entities: [{ name: 'Airlock', entityType: 'project', observations: ['pins tool surfaces'] }] } });
    expect(JSON.stringify(await through.client.callTool({ name: 'read_graph', arguments: {} }))).toContain('pins tool surfaces');
  });
});
