import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BypassWatch } from '../../src/clients/bypass-watch.js';
import { clientDirs } from '../../src/clients/client-dirs.js';
import { endpointServer, loopbackEndpointServer, tokenVariableName } from '../../src/clients/http-entry.js';
import { checkRoutable } from '../../src/clients/entry-routing.js';
import { makeTempDir } from '../support/temp-dir.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

const BASE = 'http://127.0.0.1:47811/mcp';

describe("an entry's URL and this home's MCP endpoint", () => {
  it('names the server of a URL on the endpoint, 127.0.0.1 or localhost', () => {
    expect(endpointServer(`${BASE}/github`, BASE)).toBe('github');
    expect(endpointServer('http://localhost:47811/mcp/my.server-1', BASE)).toBe('my.server-1');
  });

  it('does not count another port, host, scheme, path, query or a nested path as the endpoint', () => {
    for (const url of [
      'http://127.0.0.1:47812/mcp/github',
      'http://10.0.0.2:47811/mcp/github',
      'https://127.0.0.1:47811/mcp/github',
      'http://127.0.0.1:47811/other/github',
      'http://127.0.0.1:47811/mcp/github?x=1',
      'http://127.0.0.1:47811/mcp/a/b',
      'http://127.0.0.1:47811/mcp/',
      'http://user:pw@127.0.0.1:47811/mcp/github',
      'not a url',
    ]) {
      expect(endpointServer(url, BASE), url).toBeUndefined();
    }
    expect(endpointServer(`${BASE}/github`, undefined)).toBeUndefined();
  });

  it("refuses to import another Airlock endpoint's entry as an upstream server", () => {
    expect(loopbackEndpointServer('http://127.0.0.1:1234/mcp/github')).toBe('github');
    const check = checkRoutable({ id: 'mcpServers/x', name: 'x', path: ['mcpServers', 'x'], transport: 'remote', url: 'http://127.0.0.1:1234/mcp/github', remote: { transport: 'streamable-http', headers: {}, ownKeys: [['url']] } }, 'Cursor');
    expect(check).toMatchObject({ ok: false, reason: expect.stringContaining('Airlock MCP endpoint') });
  });

  it('names the variable after the client id, uppercase with underscores', () => {
    expect(tokenVariableName('cursor')).toBe('AIRLOCK_TOKEN_CURSOR');
    expect(tokenVariableName('claude-code')).toBe('AIRLOCK_TOKEN_CLAUDE_CODE');
    expect(tokenVariableName('gemini-cli')).toBe('AIRLOCK_TOKEN_GEMINI_CLI');
  });
});

describe('the bypass watch and entries routed over HTTP', () => {
  it("counts an entry on this home's endpoint as routed, and one on another port as bypassing", () => {
    const { dir, cleanup } = makeTempDir('airlock-http-watch-');
    cleanups.push(cleanup);
    fs.mkdirSync(path.join(dir, '.cursor'));
    const servers = {
      ours: { url: `${BASE}/github`, headers: { Authorization: 'Bearer ${env:AIRLOCK_TOKEN_CURSOR}' } },
      stale: { url: 'http://127.0.0.1:47999/mcp/github', headers: { Authorization: 'Bearer ${env:AIRLOCK_TOKEN_CURSOR}' } },
    };
    fs.writeFileSync(path.join(dir, '.cursor', 'mcp.json'), JSON.stringify({ mcpServers: servers }));
    const dirs = { ...clientDirs({ userHome: dir, platform: 'linux' }), airlockEndpoint: () => BASE };
    const watch = new BypassWatch(dirs, () => {});
    watch.poll();
    expect(watch.current().map((b) => [b.name, b.routable])).toEqual([['stale', false]]);
    // Without the home's endpoint nothing over HTTP is Airlock's.
    const blind = new BypassWatch(clientDirs({ userHome: dir, platform: 'linux' }), () => {});
    blind.poll();
    expect(blind.current().map((b) => b.name).sort()).toEqual(['ours', 'stale']);
  });
});
