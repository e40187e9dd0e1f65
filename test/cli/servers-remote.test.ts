import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listAuditEvents } from '../../src/engine/audit/index.js';
import { getServerConfig, openStore } from '../../src/engine/store/index.js';
import { ServersListJsonSchema } from '../../src/cli/server-config-text.js';
import { runCli } from '../support/run-cli.js';
import { makeTempDir } from '../support/temp-dir.js';

const KEY = 'sk-live-remote-header-value-0042';
const CLIENT_SECRET = 'client-secret-value-9917';

let tmp: ReturnType<typeof makeTempDir>;
let home: string;
beforeEach(() => {
  tmp = makeTempDir('airlock-servers-remote-');
  home = path.join(tmp.dir, 'home');
});
afterEach(() => tmp.cleanup());

const airlock = (args: readonly string[], input?: string) => runCli(['--home', home, ...args], {}, { input });

/** Every file of the home but the secret store, as text, to search for a leaked value. */
function homeBytesOutsideSecrets(): string {
  return fs
    .readdirSync(home)
    .filter((name) => name !== 'secrets.json')
    .map((name) => path.join(home, name))
    .filter((file) => fs.statSync(file).isFile())
    .map((file) => fs.readFileSync(file).toString('latin1'))
    .join('\n');
}

describe('airlock servers add --url', () => {
  it('registers an https server with a header whose value is read from stdin, and audits the URL without it', () => {
    const added = airlock(['servers', 'add', 'docs', '--url', 'https://mcp.example.com/mcp', '--header', 'X-Api-Key'], `${KEY}\n`);
    expect(added.status, added.stderr).toBe(0);
    expect(added.stdout).toBe('added server "docs": https://mcp.example.com/mcp with headers X-Api-Key: ***; its tools will be held until you review them\n');

    const store = openStore(home);
    try {
      expect(getServerConfig(store, 'docs')).toMatchObject({ command: '', args: [], remote: { url: 'https://mcp.example.com/mcp', transport: 'streamable-http', headers: {}, secretHeaders: ['X-Api-Key'] } });
      const event = listAuditEvents(store, { limit: 10 }).find((e) => e.type === 'server.added');
      expect(event?.detail).toMatchObject({ url: 'https://mcp.example.com/mcp', transport: 'streamable-http', headers: ['X-Api-Key'] });
    } finally {
      store.close();
    }
    expect(homeBytesOutsideSecrets()).not.toContain(KEY);
    expect(fs.readFileSync(path.join(home, 'secrets.json'), 'utf8')).toContain(KEY);
  });

  it('lists a remote server with its URL, transport, masked headers and sign-in state, in text and JSON', () => {
    airlock(['servers', 'add', 'docs', '--url', 'https://mcp.example.com/sse', '--transport', 'sse', '--header', 'Authorization'], `Bearer ${KEY}\n`);
    const text = airlock(['servers', 'list']);
    expect(text.stdout).toContain('docs (not started yet)\n  url: https://mcp.example.com/sse (sse)\n  headers: Authorization: ***\n  sign-in: none asked for\n');
    const json = ServersListJsonSchema.parse(JSON.parse(airlock(['servers', 'list', '--json']).stdout));
    expect(json[0]).toMatchObject({ name: 'docs', url: 'https://mcp.example.com/sse', transport: 'sse', headers: { Authorization: '***' }, signInState: 'not-needed' });
    expect(text.stdout + JSON.stringify(json)).not.toContain(KEY);
  });

  it('reads several headers and then the OAuth client secret, one line each, in order', () => {
    const added = airlock(['servers', 'add', 'pay', '--url', 'https://mcp.example.com/mcp', '--header', 'X-Api-Key', '--header', 'X-Org', '--oauth-client-id', 'airlock-pre', '--oauth-client-secret'], `${KEY}\norg-7\n${CLIENT_SECRET}\n`);
    expect(added.status, added.stderr).toBe(0);
    const secrets = fs.readFileSync(path.join(home, 'secrets.json'), 'utf8');
    expect(secrets).toContain(KEY);
    expect(secrets).toContain('org-7');
    expect(secrets).toContain(CLIENT_SECRET);
    expect(homeBytesOutsideSecrets()).not.toContain(CLIENT_SECRET);
  });

  it('accepts plain http to this machine only', () => {
    expect(airlock(['servers', 'add', 'local', '--url', 'http://127.0.0.1:8931/mcp']).status).toBe(0);
    expect(airlock(['servers', 'add', 'local6', '--url', 'http://[::1]:8931/mcp']).status).toBe(0);
    const refused = airlock(['servers', 'add', 'lan', '--url', 'http://192.168.1.20/mcp']);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain('plain http is allowed only to this machine');
    expect(refused.stderr).toContain('use https');
  });

  it.each([
    ['not a URL', 'mcp.example.com/mcp', 'is not a URL'],
    ['a non-HTTP scheme', 'ftp://mcp.example.com/mcp', 'is not an MCP transport'],
    ['credentials in the URL', 'https://user:hunter2@mcp.example.com/mcp', 'must not carry a user name or password'],
  ])('refuses %s with exit 2 and stores nothing', (_what, url, message) => {
    const refused = airlock(['servers', 'add', 'bad', '--url', url]);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain(message);
    expect(refused.stderr).toContain('Nothing was changed');
    expect(refused.stderr).not.toContain('hunter2');
    expect(airlock(['servers', 'list']).stdout).toContain('no servers configured');
  });

  it('refuses a header value on the command line, a command beside --url and a local option', () => {
    const inline = airlock(['servers', 'add', 'x', '--url', 'https://mcp.example.com/mcp', '--header', `X-Api-Key=${KEY}`]);
    expect(inline.status).toBe(2);
    expect(inline.stderr).toContain('--header takes a header name only');
    expect(inline.stderr).not.toContain(KEY);
    const both = airlock(['servers', 'add', 'x', '--url', 'https://mcp.example.com/mcp', '--', 'npx', 'server']);
    expect(both.status).toBe(2);
    expect(both.stderr).toContain('a remote server (--url) has no command');
    const env = airlock(['servers', 'add', 'x', '--url', 'https://mcp.example.com/mcp', '--secret', 'TOKEN'], 'v\n');
    expect(env.status).toBe(2);
    expect(env.stderr).toContain('takes its keys as --header NAME');
    const transport = airlock(['servers', 'add', 'x', '--url', 'https://mcp.example.com/mcp', '--transport', 'websocket']);
    expect(transport.status).toBe(2);
    expect(transport.stderr).toContain('--transport must be streamable-http');
  });

  it('records a client ID metadata document URL for the sign-in, https with a path only, and never beside a client id', () => {
    const added = airlock(['servers', 'add', 'tracker', '--url', 'https://mcp.tracker.example/mcp', '--oauth-client-metadata-url', 'https://example.org/airlock/client.json']);
    expect(added.status, added.stderr).toBe(0);
    const store = openStore(home);
    try {
      expect(getServerConfig(store, 'tracker')?.remote?.oauthClientMetadataUrl).toBe('https://example.org/airlock/client.json');
    } finally {
      store.close();
    }
    for (const bad of ['http://example.org/client.json', 'https://example.org/', 'not a url']) {
      const refused = airlock(['servers', 'add', 'other', '--url', 'https://mcp.tracker.example/mcp', '--oauth-client-metadata-url', bad]);
      expect(refused.status, bad).toBe(2);
      expect(refused.stderr).toContain('a client ID metadata document is an https URL with a path');
    }
    const both = airlock(['servers', 'add', 'other', '--url', 'https://mcp.tracker.example/mcp', '--oauth-client-metadata-url', 'https://example.org/c.json', '--oauth-client-id', 'abc']);
    expect(both.status).toBe(2);
    expect(both.stderr).toContain('two ways to name the client: give one');
  });

  it('refuses a missing header value on stdin', () => {
    const short = airlock(['servers', 'add', 'x', '--url', 'https://mcp.example.com/mcp', '--header', 'X-A', '--header', 'X-B'], `${KEY}\n`);
    expect(short.status).toBe(2);
    expect(short.stderr).toContain('expected 2 lines on stdin');
  });

  it('login and logout refuse a local server and an unknown one', () => {
    airlock(['servers', 'add', 'local', '--', 'node', 'server.js']);
    const local = airlock(['servers', 'login', 'local']);
    expect(local.status).toBe(2);
    expect(local.stderr).toContain('is a local server');
    const unknown = airlock(['servers', 'logout', 'nope']);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain('no server named "nope"');
  });

  it('remove forgets a remote server and its header values', () => {
    airlock(['servers', 'add', 'docs', '--url', 'https://mcp.example.com/mcp', '--header', 'X-Api-Key'], `${KEY}\n`);
    const removed = airlock(['servers', 'remove', 'docs']);
    expect(removed.stdout).toContain('removed server "docs" (https://mcp.example.com/mcp)');
    expect(fs.readFileSync(path.join(home, 'secrets.json'), 'utf8')).not.toContain(KEY);
  });
});
