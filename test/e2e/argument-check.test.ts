import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { McpError } from '@modelcontextprotocol/sdk/types.js';
import { afterEach, describe, expect, it } from 'vitest';
import { canonicalDigest } from '../../src/engine/canonical-json.js';
import { connectSdk1, everythingServer, filesystemServer } from '../support/mcp-clients.js';
import { runCli } from '../support/run-cli.js';
import { auditEvents, startAirlockHome, type AirlockHome } from './airlock-harness.js';

/**
 * R4 with a real Host, real `airlock connect` and servers from npm: their real schemas (draft-07
 * from zod) let every valid call through, a call outside them is refused with the path named
 * before it reaches the server, and the refusal is in the audit log and in an exported receipt
 * with its rule and the hash of the arguments, never the arguments.
 */

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const SECRET = 'sk-live-argument-that-must-never-leave-the-machine';

async function refusal(promise: Promise<unknown>): Promise<McpError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(McpError);
  return error as McpError;
}

async function filesystemBehindAirlock(): Promise<{ airlock: AirlockHome; files: string; client: Awaited<ReturnType<typeof connectSdk1>> }> {
  const airlock = await startAirlockHome();
  cleanups.push(() => airlock.close());
  const files = path.join(airlock.dir, 'files');
  mkdirSync(files, { recursive: true });
  writeFileSync(path.join(files, 'note.txt'), 'hello from disk\nsecond line\n');
  airlock.addServer('fs', filesystemServer(files), { approve: true });
  const { command, args } = airlock.connect('fs');
  // server-filesystem serves the client's roots instead of its argument: give it the same folder.
  const client = await connectSdk1(command, args, undefined, { handlers: { roots: [{ uri: `file://${files}` }] } });
  cleanups.push(() => client.close());
  await client.client.listTools();
  return { airlock, files, client };
}

describe('R4 with real servers', () => {
  it('server-filesystem: valid calls to its tools pass on their real schemas', async () => {
    const { files, client } = await filesystemBehindAirlock();
    const note = path.join(files, 'note.txt');
    const calls: Array<{ name: string; arguments: Record<string, unknown> }> = [
      { name: 'list_allowed_directories', arguments: {} },
      { name: 'read_text_file', arguments: { path: note, head: 1 } },
      { name: 'read_multiple_files', arguments: { paths: [note] } },
      { name: 'write_file', arguments: { path: path.join(files, 'new.txt'), content: 'written through Airlock' } },
      { name: 'edit_file', arguments: { path: note, edits: [{ oldText: 'second line', newText: 'edited line' }], dryRun: true } },
      { name: 'create_directory', arguments: { path: path.join(files, 'sub') } },
      { name: 'list_directory_with_sizes', arguments: { path: files, sortBy: 'size' } },
      { name: 'directory_tree', arguments: { path: files, excludePatterns: ['*.log'] } },
      { name: 'search_files', arguments: { path: files, pattern: 'note' } },
      { name: 'get_file_info', arguments: { path: note } },
      { name: 'move_file', arguments: { source: path.join(files, 'new.txt'), destination: path.join(files, 'moved.txt') } },
    ];
    for (const call of calls) {
      const result = (await client.client.callTool(call)) as { isError?: boolean };
      expect(result.isError ?? false, call.name).toBe(false);
    }
    expect(readFileSync(path.join(files, 'moved.txt'), 'utf8')).toBe('written through Airlock');
  });

  it('server-filesystem: a wrong type is refused with the path named and never reaches the server', async () => {
    const { airlock, files, client } = await filesystemBehindAirlock();
    const target = path.join(files, `${SECRET}.txt`);
    const error = await refusal(client.client.callTool({ name: 'write_file', arguments: { path: target, content: 42 } }));
    expect(error.code).toBe(-32602);
    expect(error.message).toContain('tools/call "write_file" on "fs" was refused: argument /content must be string (the approved schema says so). The model called it outside what it was shown; nothing was forwarded.');
    expect(error.message).not.toContain(SECRET);
    expect(error.data).toEqual({ airlock: { rule: 'R4', code: 'arguments.schema-mismatch' } });
    // The server's own check would have answered with a tool result; it never saw the call.
    expect(existsSync(target)).toBe(false);
    const missing = await refusal(client.client.callTool({ name: 'read_text_file', arguments: { head: 2 } }));
    expect(missing.message).toContain('argument /path is required and missing');
    const enumError = await refusal(client.client.callTool({ name: 'list_directory_with_sizes', arguments: { path: files, sortBy: 'date' } }));
    expect(enumError.message).toContain('argument /sortBy must be one of "name", "size"');
    const nested = await refusal(client.client.callTool({ name: 'edit_file', arguments: { path: target, edits: [{ oldText: 'a', newText: ['b'] }] } }));
    expect(nested.message).toContain('argument /edits/0/newText must be string');
    await airlock.host.stop();
    const events = auditEvents(airlock.home);
    const refused = events.filter((e) => e.type === 'call.decided' && e.rule === 'R4');
    expect(refused.map((e) => e.tool)).toEqual(['write_file', 'read_text_file', 'list_directory_with_sizes', 'edit_file']);
    expect(refused.every((e) => e.decision === 'DENY')).toBe(true);
    expect(refused[0]?.argsHash).toBe(canonicalDigest({ path: target, content: 42 }));
    expect(refused[0]?.detail).toMatchObject({ code: 'arguments.schema-mismatch', method: 'tools/call' });
    // Nothing was forwarded, so none of these calls finished at the server.
    expect(events.filter((e) => e.type === 'call.finished')).toEqual([]);
    expect(JSON.stringify(events)).not.toContain(SECRET);
  });

  it('an R4 refusal is in the exported receipts with its rule and argsHash, without the values, and verifies', async () => {
    const { airlock, files, client } = await filesystemBehindAirlock();
    const args = { path: path.join(files, `${SECRET}.txt`), content: { text: SECRET } };
    await refusal(client.client.callTool({ name: 'write_file', arguments: args }));
    await client.close();
    await airlock.host.stop();
    const out = path.join(airlock.dir, 'bundle.json');
    const exported = runCli(['receipts', 'export', '--home', airlock.home, '--out', out]);
    expect(exported.stderr).toBe('');
    expect(exported.status).toBe(0);
    const text = readFileSync(out, 'utf8');
    expect(text).not.toContain(SECRET);
    const bundle = JSON.parse(text) as { receipts: Array<{ event: { type: string; tool: string | null; decision: string | null; rule: string | null; argsHash: string | null; detail: Record<string, unknown> | null } }> };
    const receipt = bundle.receipts.find((r) => r.event.type === 'call.decided' && r.event.rule === 'R4');
    expect(receipt?.event).toMatchObject({ tool: 'write_file', decision: 'DENY', rule: 'R4', argsHash: canonicalDigest(args), detail: { code: 'arguments.schema-mismatch' } });
    const verified = runCli(['verify', out, '--json']);
    expect(JSON.parse(verified.stdout)).toMatchObject({ ok: true, failures: [] });
  });

  it('server-everything: valid calls pass, calls outside its schemas are refused, prompts keep to their argument list', async () => {
    const airlock = await startAirlockHome();
    cleanups.push(() => airlock.close());
    airlock.addServer('everything', everythingServer(), { approve: true });
    const { command, args } = airlock.connect('everything');
    const client = await connectSdk1(command, args);
    cleanups.push(() => client.close());
    await client.client.listTools();
    await client.client.listPrompts();
    expect(JSON.stringify(await client.client.callTool({ name: 'echo', arguments: { message: 'fits' } }))).toContain('Echo: fits');
    expect(JSON.stringify(await client.client.callTool({ name: 'get-sum', arguments: { a: 2, b: 3 } }))).toContain('5');
    expect(await client.client.callTool({ name: 'get-annotated-message', arguments: { messageType: 'success', includeImage: false } })).toMatchObject({ content: expect.any(Array) });
    expect(await client.client.callTool({ name: 'get-resource-links', arguments: { count: 2 } })).toMatchObject({ content: expect.any(Array) });
    expect(await client.client.callTool({ name: 'get-structured-content', arguments: { location: 'Chicago' } })).toMatchObject({ content: expect.any(Array) });
    expect((await refusal(client.client.callTool({ name: 'get-sum', arguments: { a: 2, b: '3' } }))).message).toContain('argument /b must be number');
    expect((await refusal(client.client.callTool({ name: 'get-resource-links', arguments: { count: 11 } }))).message).toContain('argument /count must be <= 10');
    expect((await refusal(client.client.callTool({ name: 'get-structured-content', arguments: { location: 'Paris' } }))).message).toContain('argument /location must be one of "New York", "Chicago", "Los Angeles"');
    expect(JSON.stringify(await client.client.getPrompt({ name: 'args-prompt', arguments: { city: 'Lyon' } }))).toContain('Lyon');
    const missing = await refusal(client.client.getPrompt({ name: 'args-prompt', arguments: { state: 'Rhône' } }));
    expect(missing.message).toContain('prompts/get "args-prompt" on "everything" was refused: argument "city" is required by the approved prompt and was not given');
    const unknown = await refusal(client.client.getPrompt({ name: 'args-prompt', arguments: { city: 'Lyon', country: 'FR' } }));
    expect(unknown.message).toContain('argument "country" is not one the approved prompt declares (it takes "city", "state")');
  });
});
