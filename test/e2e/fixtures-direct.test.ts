import { realpathSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Client as Sdk1Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterEach, describe, expect, test } from 'vitest';
import {
  connectSdk1,
  connectSdk2,
  demoServer,
  everythingServer,
  filesystemServer,
  memoryServer,
  type McpConnection,
  type ServerCommand,
} from '../support/mcp-clients.js';
import { makeTempDir } from '../support/temp-dir.js';

/**
 * The end-to-end fixtures, proved WITHOUT Airlock in between: real clients talking straight to
 * the demo server and to the npm reference servers. When a test through Airlock fails, these
 * say whether the fixture or Airlock is to blame.
 */

const TOOLS_LIST_CHANGED = 'notifications/tools/list_changed';
const anyObject = { type: 'object' } as const;
const tool = (name: string, description = `the ${name} tool`) => ({ name, description, inputSchema: anyObject });
const DEMO_TOOLS = ['echo', 'read_note', 'slow', 'crash', 'garbage', 'progress', 'log', 'ask_model', 'ask_user', 'list_roots'];

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function toolsFile(surface: object): { file: string; write: (next: object) => void } {
  const { dir, cleanup } = makeTempDir();
  cleanups.push(cleanup);
  const file = path.join(dir, 'tools.json');
  const write = (next: object): void => writeFileSync(file, JSON.stringify(next));
  write(surface);
  return { file, write };
}

function demoSurface(extra: object = {}) {
  return { instructions: 'Demo server for fixture tests.', tools: DEMO_TOOLS.map((name) => tool(name)), ...extra };
}

async function track<C extends { close(): Promise<void> }>(connecting: Promise<C>): Promise<C> {
  const connection = await connecting;
  cleanups.push(() => connection.close());
  return connection;
}

const sdk1 = (server: ServerCommand, handlers = {}) => track(connectSdk1(server.command, server.args, server.env, { handlers }));

function textOf(result: unknown): string {
  const content = (result as { content?: { type: string; text?: string }[] }).content ?? [];
  return content.map((block) => block.text ?? '').join('');
}

describe('SDK 1.x client ↔ demo server (2025 era)', () => {
  async function connect(handlers = {}): Promise<McpConnection<Sdk1Client> & { write: (next: object) => void }> {
    const { file, write } = toolsFile(demoSurface());
    return { ...(await sdk1(demoServer(file), handlers)), write };
  }

  test('initialize answers with the server info, instructions and listChanged capabilities, and tools/list serves the file', async () => {
    const { client } = await connect();
    expect(client.getServerVersion()).toMatchObject({ name: 'airlock-demo-server' });
    expect(client.getInstructions()).toBe('Demo server for fixture tests.');
    expect(client.getServerCapabilities()).toMatchObject({ tools: { listChanged: true }, prompts: { listChanged: true }, resources: { listChanged: true } });
    expect((await client.listTools()).tools.map((t) => t.name)).toEqual(DEMO_TOOLS);
  });

  test('echo returns its message', async () => {
    const { client } = await connect();
    expect(textOf(await client.callTool({ name: 'echo', arguments: { message: 'hello, airlock' } }))).toBe('hello, airlock');
  });

  test('other tools describe the call, and a tool not in the file is an error', async () => {
    const { client } = await connect();
    expect(textOf(await client.callTool({ name: 'read_note', arguments: { name: 'groceries' } }))).toBe('called read_note with {"name":"groceries"}');
    await expect(client.callTool({ name: 'not_there', arguments: {} })).rejects.toThrow(/Unknown tool: not_there/);
  });

  test('rewriting the tools file sends tools/list_changed and the next list serves the new tools', async () => {
    const connection = await connect();
    const changed = connection.notifications.next(TOOLS_LIST_CHANGED);
    connection.write(demoSurface({ tools: [tool('echo', 'a new description'), tool('brand_new')] }));
    await changed;
    const { tools } = await connection.client.listTools();
    expect(tools.map((t) => [t.name, t.description])).toEqual([
      ['echo', 'a new description'],
      ['brand_new', 'the brand_new tool'],
    ]);
  });

  test('ask_model sends sampling/createMessage to the client and returns the model text', async () => {
    const connection = await connect({ samplingText: 'sampled text' });
    expect(textOf(await connection.client.callTool({ name: 'ask_model', arguments: { prompt: 'Say hi' } }))).toBe('sampled text');
    expect(connection.requests.sampling).toEqual([expect.objectContaining({ messages: [{ role: 'user', content: { type: 'text', text: 'Say hi' } }] })]);
  });

  test('ask_user sends a form elicitation/create and returns the action and content', async () => {
    const connection = await connect({ elicitation: { action: 'accept', content: { name: 'Grace' } } });
    expect(JSON.parse(textOf(await connection.client.callTool({ name: 'ask_user', arguments: {} })))).toEqual({ action: 'accept', content: { name: 'Grace' } });
    expect(connection.requests.elicitation).toEqual([expect.objectContaining({ mode: 'form', requestedSchema: expect.objectContaining({ required: ['name'] }) })]);
  });

  test('list_roots sends roots/list and returns the roots', async () => {
    const roots = [{ uri: 'file:///projects/demo', name: 'demo' }];
    const connection = await connect({ roots });
    expect(JSON.parse(textOf(await connection.client.callTool({ name: 'list_roots', arguments: {} })))).toEqual(roots);
    expect(connection.requests.roots).toBe(1);
  });

  test('progress sends two notifications/progress for the call’s progressToken before answering', async () => {
    const { client } = await connect();
    const seen: { progress: number; total?: number }[] = [];
    const result = await client.callTool({ name: 'progress', arguments: {} }, undefined, { onprogress: (p) => seen.push({ progress: p.progress, total: p.total }) });
    expect(textOf(result)).toBe('progress done');
    expect(seen).toEqual([
      { progress: 1, total: 2 },
      { progress: 2, total: 2 },
    ]);
  });

  test('log sends notifications/message', async () => {
    const connection = await connect();
    const logged = connection.notifications.next('notifications/message');
    await connection.client.callTool({ name: 'log', arguments: { message: 'hello log', level: 'warning' } });
    expect(await logged).toMatchObject({ level: 'warning', data: 'hello log' });
  });

  test('slow answers after the delay it is given', async () => {
    const { client } = await connect();
    expect(textOf(await client.callTool({ name: 'slow', arguments: { ms: 50 } }))).toBe('waited 50 ms');
  });

  test('garbage writes a non-JSON line the client reports as an error, then still answers', async () => {
    const { client } = await connect();
    const errors: Error[] = [];
    client.onerror = (error) => errors.push(error);
    expect(textOf(await client.callTool({ name: 'garbage', arguments: {} }))).toBe('garbage written');
    expect(errors.length).toBeGreaterThan(0);
  });

  test('crash exits the server and the client’s pending call rejects', async () => {
    const connection = await connect();
    await expect(connection.client.callTool({ name: 'crash', arguments: {} })).rejects.toThrow(/closed/i);
    expect(connection.stderr()).toContain('crash: exiting with code 3');
  });
});

describe('SDK 2.x client ↔ demo server (2026-07-28 era)', () => {
  async function connect(handlers = {}) {
    const { file, write } = toolsFile(demoSurface());
    const server = demoServer(file);
    return { ...(await track(connectSdk2(server.command, server.args, server.env, { handlers }))), write };
  }

  test('negotiates 2026-07-28 through server/discover, lists tools and calls echo', async () => {
    const connection = await connect();
    expect(connection.era).toBe('modern');
    expect(connection.protocolVersion).toBe('2026-07-28');
    expect(connection.client.getServerVersion()).toMatchObject({ name: 'airlock-demo-server' });
    expect(connection.client.getInstructions()).toBe('Demo server for fixture tests.');
    expect((await connection.client.listTools()).tools.map((t) => t.name)).toEqual(DEMO_TOOLS);
    expect(textOf(await connection.client.callTool({ name: 'echo', arguments: { message: 'modern hello' } }))).toBe('modern hello');
  });

  test('a tools file change reaches the client on its subscriptions/listen stream', async () => {
    const connection = await connect();
    const changed = connection.notifications.next(TOOLS_LIST_CHANGED);
    connection.write(demoSurface({ tools: [tool('echo')] }));
    expect(await changed).toEqual({ _meta: { 'io.modelcontextprotocol/subscriptionId': expect.any(String) } });
    expect((await connection.client.listTools()).tools.map((t) => t.name)).toEqual(['echo']);
  });

  test('ask_model and ask_user go through input_required and the client’s handlers', async () => {
    const connection = await connect({ samplingText: 'modern sample', elicitation: { action: 'accept', content: { name: 'Lin' } } });
    expect(textOf(await connection.client.callTool({ name: 'ask_model', arguments: {} }))).toBe('modern sample');
    expect(JSON.parse(textOf(await connection.client.callTool({ name: 'ask_user', arguments: {} })))).toEqual({ action: 'accept', content: { name: 'Lin' } });
  });

  test('with negotiation "legacy" the same server is reached through initialize', async () => {
    const { file } = toolsFile(demoSurface());
    const server = demoServer(file);
    const connection = await track(connectSdk2(server.command, server.args, undefined, { negotiation: 'legacy' }));
    expect(connection.era).toBe('legacy');
    expect(connection.protocolVersion).toBe('2025-11-25');
    expect(textOf(await connection.client.callTool({ name: 'echo', arguments: { message: 'old hello' } }))).toBe('old hello');
  });
});

describe('SDK 2.x client ↔ a 2025-era npm server', () => {
  test('server-everything: the server/discover probe finds no 2026 support, so the client falls back to initialize', async () => {
    const server = everythingServer();
    const connection = await track(connectSdk2(server.command, server.args, server.env));
    expect(connection.era).toBe('legacy');
    expect(connection.protocolVersion).toBe('2025-11-25');
    expect(textOf(await connection.client.callTool({ name: 'echo', arguments: { message: 'hi' } }))).toBe('Echo: hi');
  });
});

describe('SDK 1.x client ↔ npm reference servers', () => {
  test('server-everything: echo answers, and four tools are added after initialized, each with a tools/list_changed', async () => {
    const connection = await sdk1(everythingServer());
    // It registers the client-capability-dependent tools in oninitialized; each registration sends list_changed.
    await connection.notifications.waitFor(TOOLS_LIST_CHANGED, 4);
    const names = (await connection.client.listTools()).tools.map((t) => t.name);
    expect(names).toEqual(expect.arrayContaining(['echo', 'get-sum', 'get-env', 'trigger-long-running-operation']));
    expect(names).toEqual(expect.arrayContaining(['get-roots-list', 'trigger-elicitation-request', 'trigger-sampling-request', 'simulate-research-query']));
    expect(textOf(await connection.client.callTool({ name: 'echo', arguments: { message: 'hi' } }))).toBe('Echo: hi');
  });

  test('server-filesystem: lists its tools and reads a file in the allowed directory', async () => {
    const { dir, cleanup } = makeTempDir();
    cleanups.push(cleanup);
    const real = realpathSync(dir);
    writeFileSync(path.join(real, 'note.txt'), 'filesystem says hi\n');
    // It replaces its allowed directories with the client's roots, so the roots name the same folder.
    const connection = await sdk1(filesystemServer(real), { roots: [{ uri: pathToFileURL(real).href, name: 'tmp' }] });
    const names = (await connection.client.listTools()).tools.map((t) => t.name);
    expect(names).toEqual(expect.arrayContaining(['read_text_file', 'list_directory', 'write_file', 'list_allowed_directories']));
    const result = await connection.client.callTool({ name: 'read_text_file', arguments: { path: path.join(real, 'note.txt') } });
    expect(textOf(result)).toBe('filesystem says hi\n');
  });

  test('server-memory: lists its tools with MEMORY_FILE_PATH in a temp folder', async () => {
    const { dir, cleanup } = makeTempDir();
    cleanups.push(cleanup);
    const connection = await sdk1(memoryServer(dir));
    const names = (await connection.client.listTools()).tools.map((t) => t.name);
    expect(names).toEqual(expect.arrayContaining(['create_entities', 'read_graph', 'search_nodes', 'open_nodes']));
    expect(textOf(await connection.client.callTool({ name: 'read_graph', arguments: {} }))).toContain('"entities"');
  });
});
