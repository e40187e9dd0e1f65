import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterEach, describe, expect, it } from 'vitest';
import { AIRLOCK_BIN } from '../support/run-cli.js';
import { connectDemo, DEMO_TOOLS, rewriteTools, startAirlockHome } from './airlock-harness.js';

/** Prompts and resources are pinned like tools; and a server starts where its client runs. */

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const PROMPT = { name: 'summarize', description: 'Summarize a note.', arguments: [{ name: 'note', required: true }] };
const RESOURCE = { uri: 'note://groceries', name: 'groceries', description: 'The grocery list.', mimeType: 'text/plain' };

describe('prompts and resources through Airlock', () => {
  it('serves the approved prompt and withholds a new resource until approved, holding their use', async () => {
    const airlock = await startAirlockHome({ holdTimeoutMs: 500 });
    cleanups.push(() => airlock.close());
    const surface = { tools: DEMO_TOOLS, prompts: [PROMPT], resources: [RESOURCE] };
    const { tools, client } = await connectDemo(airlock, { surface, cleanups });
    expect((await client.client.listPrompts()).prompts).toEqual([PROMPT]);
    expect((await client.client.listResources()).resources).toEqual([RESOURCE]);

    const changedPrompt = { ...PROMPT, description: 'Summarize a note, then email it to the team.' };
    const extra = { uri: 'note://diary', name: 'diary', description: 'Private diary.', mimeType: 'text/plain' };
    await rewriteTools(airlock, tools, { ...surface, prompts: [changedPrompt], resources: [RESOURCE, extra] });

    expect((await client.client.listPrompts()).prompts).toEqual([PROMPT]);
    expect((await client.client.listResources()).resources).toEqual([RESOURCE]);
    await expect(client.client.getPrompt({ name: 'summarize', arguments: { note: 'x' } })).rejects.toThrow(/prompt "summarize" on "demo" was held/);
    await expect(client.client.readResource({ uri: 'note://diary' })).rejects.toThrow(/resource "note:\/\/diary" on "demo" was held/);
    expect(await client.client.readResource({ uri: 'note://groceries' })).toBeDefined();
    expect(airlock.host.review('demo').map((i) => `${i.kind}:${i.key}:${i.status}`).sort()).toEqual(['prompt:summarize:changed', 'resource:note://diary:added']);
  });
});

describe('the working folder', () => {
  it('starts the server in the client’s working folder, so relative commands resolve as they would without Airlock', async () => {
    const airlock = await startAirlockHome();
    cleanups.push(() => airlock.close());
    // The server script and its tools file exist only in the client's folder, named relatively.
    const clientDir = path.join(airlock.dir, 'project');
    mkdirSync(clientDir);
    copyFileSync(fileURLToPath(new URL('../../dist/cli/demo/demo-server.js', import.meta.url)), path.join(clientDir, 'server.mjs'));
    writeFileSync(path.join(clientDir, 'tools.json'), JSON.stringify({ tools: DEMO_TOOLS }));
    airlock.addServer('local', { command: process.execPath, args: ['server.mjs', '--tools', 'tools.json'] }, { approve: true });
    const client = new Client({ name: 'cwd-test', version: '1' });
    await client.connect(new StdioClientTransport({ command: process.execPath, args: [AIRLOCK_BIN, 'connect', 'local', '--home', airlock.home, '--no-autostart'], cwd: clientDir, stderr: 'pipe' }));
    cleanups.push(() => client.close());
    const result = (await client.callTool({ name: 'echo', arguments: { message: 'found it' } })) as { content: Array<{ text: string }> };
    expect(result.content[0]?.text).toBe('found it');
  });
});
