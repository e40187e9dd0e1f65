import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CLIENT_ADAPTERS, adapterFor } from '../../src/clients/adapters/index.js';
import type { ClientId, ClientServerEntry, Launcher } from '../../src/clients/client-adapter.js';
import { redactUrl } from '../../src/clients/clients-report.js';
import { parseConfigText } from '../../src/clients/config-syntax.js';
import { checkRoutable, sensitiveValues } from '../../src/clients/entry-routing.js';

/** How each client's remote entries read, and which of them Airlock routes. Fixture: test/fixtures/clients/remote-entries. */
const HOME = fileURLToPath(new URL('../fixtures/clients/remote-entries/', import.meta.url));
const DIRS = { userHome: HOME, platform: 'linux' as const, env: {}, projects: [] };
const LAUNCHER: Launcher = { command: '/usr/bin/node', args: ['/opt/airlock/bin/airlock.js', 'connect'] };

function entries(client: ClientId): ClientServerEntry[] {
  const adapter = adapterFor(client);
  return adapter.configFiles(DIRS).flatMap((ref) => (fs.existsSync(ref.path) ? adapter.readServers(parseConfigText(fs.readFileSync(ref.path, 'utf8'), ref.format, ref.path), ref) : []));
}

function entry(client: ClientId, name: string): ClientServerEntry {
  const found = entries(client).find((e) => e.name === name);
  if (found === undefined) throw new Error(`no ${name} in ${client}'s fixture`);
  return found;
}

const remote = (url: string, headers: Record<string, string> = {}): ClientServerEntry => ({
  id: 'mcpServers/x',
  name: 'x',
  path: ['mcpServers', 'x'],
  transport: 'remote',
  url,
  remote: { transport: 'streamable-http', headers: Object.fromEntries(Object.entries(headers)), ownKeys: [['url'], ['headers']] },
});

describe('remote entries as each client writes them', () => {
  it.each([
    ['claude-code', 'notion', 'streamable-http', [['url'], ['type'], ['headers']]],
    ['claude-code', 'sentry', 'sse', [['url'], ['type']]],
    ['cursor', 'linear', 'streamable-http', [['url'], ['headers']]],
    ['vscode', 'docs', 'sse', [['url'], ['type']]],
    ['windsurf', 'context7', 'streamable-http', [['serverUrl'], ['headers']]],
    ['zed', 'linear', 'streamable-http', [['url'], ['headers']]],
    ['cline', 'remote-http', 'streamable-http', [['url'], ['type'], ['headers']]],
    ['gemini-cli', 'http', 'streamable-http', [['httpUrl'], ['headers']]],
    ['gemini-cli', 'events', 'sse', [['url']]],
    ['codex', 'figma', 'streamable-http', [['url'], ['http_headers']]],
    // requestOptions holds nothing but the headers, so it goes whole.
    ['continue', 'Remote', 'streamable-http', [['url'], ['type'], ['requestOptions']]],
  ] as const)('%s %s: %s, taking over %j', (client, name, transport, ownKeys) => {
    const read = entry(client, name);
    expect(read.remote?.transport).toBe(transport);
    expect(read.remote?.ownKeys).toEqual(ownKeys);
    expect(checkRoutable(read, adapterFor(client).displayName).ok).toBe(true);
  });

  it('gemini-cli drops every URL key and writes no type: it would use a url left beside the command', () => {
    const both: ClientServerEntry = { ...remote('https://a.example/mcp'), remote: { transport: 'streamable-http', type: 'http', headers: {}, ownKeys: [['httpUrl'], ['url'], ['type']] } };
    expect(adapterFor('gemini-cli').routeEdits(both, LAUNCHER, 'a')).toEqual([
      { path: ['command'], value: LAUNCHER.command },
      { path: ['args'], value: [...LAUNCHER.args, 'a'] },
      { path: ['httpUrl'], value: undefined },
      { path: ['url'], value: undefined },
      { path: ['type'], value: undefined },
    ]);
  });

  it('other clients get type "stdio" where the entry had a remote type', () => {
    expect(adapterFor('vscode').routeEdits(entry('vscode', 'github'), LAUNCHER, 'github')).toEqual([
      { path: ['command'], value: LAUNCHER.command },
      { path: ['args'], value: [...LAUNCHER.args, 'github'] },
      { path: ['url'], value: undefined },
      { path: ['type'], value: 'stdio' },
      { path: ['headers'], value: undefined },
    ]);
  });

  it('splits headers into plain ones and secrets, by the rule used for variables', () => {
    const check = checkRoutable(entry('codex', 'figma'), 'Codex');
    expect(check).toEqual({
      ok: true,
      import: { command: '', args: [], env: {}, envFrom: {}, secrets: { 'X-Figma-Token': 'figd_FAKE8888RemoteCodex' }, remote: { url: 'https://mcp.figma.com/mcp', transport: 'streamable-http', headers: { 'X-Figma-Region': 'us-east-1' } } },
    });
  });

  it('every adapter reads the fixture without error', () => {
    for (const adapter of CLIENT_ADAPTERS) expect(() => entries(adapter.id)).not.toThrow();
  });
});

describe('remote entries Airlock leaves alone', () => {
  it.each([
    [{ Authorization: 'Bearer $TOKEN' }, 'header Authorization uses a $VARIABLE, which only Cursor can resolve'],
    [{ 'X-Key': 'abc$secretpart123' }, 'header X-Key uses a $VARIABLE, which only Cursor can resolve'],
    [{ Host: 'evil.example' }, 'it sets the header Host, which the transport sets itself'],
    [{ 'X-A': 'one\r\nX-B: two' }, 'its header X-A holds a line break or NUL, which no HTTP header can carry'],
    [{ 'X-Big': 'x'.repeat(9000) }, 'its header X-Big is longer than 8192 characters'],
    [{ 'Bad Name': 'v' }, 'its header "Bad Name" is not a name Airlock can send'],
  ])('headers %j: %s', (headers, reason) => {
    expect(checkRoutable(remote('https://a.example/mcp', headers), 'Cursor')).toEqual({ ok: false, reason });
  });

  it.each([
    ['https://a.example/mcp?api_key=FAKEq1234567', 'its URL carries a secret in ?api_key=, which Airlock would have to store in clear'],
    ['https://actions.example.com/mcp/sk-ak-FAKEpath12345678901234/sse', 'its URL seems to carry a key in its path, which Airlock would have to store in clear'],
    ['ftp://a.example/mcp', "its URL's scheme ftp: is not an MCP transport"],
    ['http://10.0.0.5/mcp', 'it uses plain http to 10.0.0.5; Airlock reaches remote servers over https only (plain http only on this machine)'],
    ['not a url', 'its URL is not a valid URL'],
  ])('URL %s: %s', (url, reason) => {
    expect(checkRoutable(remote(url), 'Cursor')).toEqual({ ok: false, reason });
  });

  it.each(['http://127.0.0.1:3845/sse', 'http://localhost:8931/sse', 'http://[::1]:9000/mcp', 'https://mcp.example.com/mcp?version=2'])('routes %s', (url) => {
    expect(checkRoutable(remote(url), 'Cursor').ok).toBe(true);
  });

  it('never shows a URL credential, a secret query value or a key-like path segment', () => {
    const url = 'https://ada:FAKEpw9999@a.example/mcp/sk-ak-FAKEpath12345678901234/sse?token=FAKEq7777777';
    expect(redactUrl(url)).toBe('https://a.example/mcp/***/sse');
    expect(sensitiveValues({ url })).toEqual(expect.arrayContaining(['FAKEpw9999', 'FAKEq7777777', 'sk-ak-FAKEpath12345678901234']));
    expect(sensitiveValues(entry('claude-code', 'notion'))).toEqual(['Bearer ntn_FAKE1111RemoteClaudeCode']);
  });
});
