import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BypassWatch, type BypassingServer } from '../../src/clients/bypass-watch.js';
import { clientDirs } from '../../src/clients/client-dirs.js';
import { getServerConfig, openStore, type ServerConfig } from '../../src/engine/store/index.js';
import { secretHeaderKey } from '../../src/host/server-registration.js';
import { linuxHomeCopies } from '../clients/fixture-home.js';

/**
 * Remote entries of every client that has them, routed through `airlock connect` or left with a
 * reason. Fixture: test/fixtures/clients/remote-entries (a linux home; its README section says
 * where each shape comes from).
 */
const FIXTURE = fileURLToPath(new URL('../fixtures/clients/remote-entries/', import.meta.url));

const copyHome = linuxHomeCopies(FIXTURE, 'airlock-remote-');

function home() {
  const h = copyHome();
  const snapshot = () => new Map(FILES.map((relative) => [relative, fs.readFileSync(h.file(relative))]));
  return { ...h, snapshot };
}

const FILES = [
  '.claude.json',
  '.cursor/mcp.json',
  '.config/Code/User/mcp.json',
  '.codeium/windsurf/mcp_config.json',
  '.config/zed/settings.json',
  '.cline/data/settings/cline_mcp_settings.json',
  '.gemini/settings.json',
  '.codex/config.toml',
  '.continue/config.yaml',
  '.config/Claude/claude_desktop_config.json',
];

interface ListedServer {
  name: string;
  status: string;
  transport: string;
  url?: string;
  routable?: boolean;
  reason?: string;
  airlockServer?: string;
}

function listed(h: ReturnType<typeof home>): Map<string, ListedServer[]> {
  const result = h.cli(['clients', 'list', '--json', ...h.where]);
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  const byClient = new Map<string, ListedServer[]>();
  for (const c of (JSON.parse(result.stdout) as { clients: { id: string; files: { error?: string; servers: ListedServer[] }[] }[] }).clients) {
    for (const f of c.files) expect(f.error).toBeUndefined();
    byClient.set(c.id, c.files.flatMap((f) => f.servers));
  }
  return byClient;
}

/** Per client: entry → the Airlock server, its transport, plain headers and secret headers (name → value). */
const ROUTED: Record<string, Record<string, { server: string; url: string; transport: 'streamable-http' | 'sse'; headers: Record<string, string>; secrets: Record<string, string> }>> = {
  'claude-code': {
    notion: { server: 'notion', url: 'https://mcp.notion.com/mcp', transport: 'streamable-http', headers: { 'Notion-Version': '2025-09-03' }, secrets: { Authorization: 'Bearer ntn_FAKE1111RemoteClaudeCode' } },
    sentry: { server: 'sentry', url: 'https://mcp.sentry.dev/sse', transport: 'sse', headers: {}, secrets: {} },
  },
  cursor: { linear: { server: 'linear', url: 'https://mcp.linear.app/mcp', transport: 'streamable-http', headers: {}, secrets: { 'X-API-Key': 'lin_api_FAKE2222RemoteCursor' } } },
  vscode: {
    github: { server: 'github', url: 'https://api.githubcopilot.com/mcp/', transport: 'streamable-http', headers: {}, secrets: { Authorization: 'Bearer ghp_FAKE3333RemoteVscode3333333333333' } },
    docs: { server: 'docs', url: 'http://localhost:8931/sse', transport: 'sse', headers: {}, secrets: {} },
  },
  windsurf: { context7: { server: 'context7', url: 'https://mcp.context7.com/mcp', transport: 'streamable-http', headers: {}, secrets: { CONTEXT7_API_KEY: 'ctx7sk-FAKE4444RemoteWindsurf' } } },
  // "linear" is Cursor's already, with another header: Zed's becomes a server of its own.
  zed: { linear: { server: 'linear-zed', url: 'https://mcp.linear.app/mcp', transport: 'streamable-http', headers: {}, secrets: { Authorization: 'Bearer lin_oauth_FAKE5555RemoteZed' } } },
  cline: {
    'remote-http': { server: 'remote-http', url: 'https://mcp.example.com/mcp', transport: 'streamable-http', headers: {}, secrets: { Authorization: 'Bearer sk-FAKE6666RemoteCline' } },
    'remote-sse': { server: 'remote-sse', url: 'https://mcp.example.com/sse', transport: 'sse', headers: {}, secrets: {} },
  },
  'gemini-cli': {
    http: { server: 'http', url: 'https://mcp.example.com/mcp', transport: 'streamable-http', headers: {}, secrets: { Authorization: 'Bearer AIzaFAKE7777RemoteGemini' } },
    events: { server: 'events', url: 'https://mcp.example.com/sse', transport: 'sse', headers: {}, secrets: {} },
  },
  codex: { figma: { server: 'figma', url: 'https://mcp.figma.com/mcp', transport: 'streamable-http', headers: { 'X-Figma-Region': 'us-east-1' }, secrets: { 'X-Figma-Token': 'figd_FAKE8888RemoteCodex' } } },
  continue: { Remote: { server: 'Remote', url: 'https://mcp.example.com/mcp', transport: 'streamable-http', headers: {}, secrets: { Authorization: 'Bearer sk-FAKE9999RemoteContinue' } } },
};

const LEFT: Record<string, Record<string, string>> = {
  'claude-desktop': { remote: 'Claude Desktop does not start remote servers from this file (it adds them as connectors), which Airlock cannot carry over yet' },
  'claude-code': {
    api: 'header Authorization uses ${API_KEY}, which only Claude Code can resolve',
    signin: 'it has an "oauth" block for a sign-in Claude Code runs itself, which Airlock cannot carry over yet',
    socket: 'its type "ws" is not a transport Airlock speaks (it speaks Streamable HTTP and SSE)',
  },
  cursor: {
    'static-oauth': 'it has an "auth" block (a static OAuth client) for a sign-in Cursor runs itself, which Airlock cannot carry over yet',
    'with-password': 'its URL carries a user name or password, which Airlock would have to store in clear; put the key in a header instead',
    'plain-http': 'it uses plain http to mcp.example.com; Airlock reaches remote servers over https only (plain http only on this machine)',
  },
  vscode: { prompted: 'header X-Token uses ${input:token}, which only VS Code can resolve' },
  'gemini-cli': { google: 'it signs in through "authProviderType", which Gemini CLI runs itself, which Airlock cannot carry over yet' },
  codex: { docs: "its bearer token comes from Codex's environment (bearer_token_env_var), which Airlock cannot carry over yet" },
  continue: {
    Socket: 'its type "websocket" is not a transport Airlock speaks (it speaks Streamable HTTP and SSE)',
    Proxied: 'its requestOptions set "timeout", how Continue connects, which Airlock cannot carry over yet',
  },
};

const SECRETS = Object.values(ROUTED).flatMap((entries) => Object.values(entries).flatMap((e) => Object.values(e.secrets)));

describe('remote entries of every client', () => {
  it('clients list shows each remote entry bypassing, routable or with the reason it is left alone', () => {
    const h = home();
    const byClient = listed(h);
    for (const [client, entries] of Object.entries(ROUTED)) {
      for (const name of Object.keys(entries)) {
        expect(byClient.get(client)?.find((s) => s.name === name), `${client} ${name}`).toMatchObject({ status: 'bypassing', transport: 'remote', routable: true });
      }
    }
    for (const [client, entries] of Object.entries(LEFT)) {
      for (const [name, reason] of Object.entries(entries)) {
        expect(byClient.get(client)?.find((s) => s.name === name), `${client} ${name}`).toMatchObject({ status: 'bypassing', routable: false, reason });
      }
    }
    const listText = h.cli(['clients', 'list', ...h.where]).stdout;
    // The URL's password is neither listed nor quoted in a reason.
    expect(listText).not.toContain('FAKE2323password');
    expect(listText).toContain('which only VS Code can resolve');
  });

  it('install routes them through airlock connect, registers URL, transport and plain headers, and moves header secrets to the secret store', () => {
    const h = home();
    const dry = h.cli(['clients', 'install', '--dry-run', ...h.where]);
    expect(dry.status).toBe(0);
    for (const secret of SECRETS) expect(dry.stdout.includes(secret), `${secret} in the dry run`).toBe(false);
    expect(dry.stdout).toContain('***');

    const install = h.cli(['clients', 'install', '--yes', ...h.where]);
    expect(install.stderr).toBe('');
    expect(install.status).toBe(0);
    for (const secret of SECRETS) expect(install.stdout.includes(secret), `${secret} in the output`).toBe(false);

    const files = [...h.snapshot().values()].map((bytes) => bytes.toString('utf8')).join('\n');
    for (const secret of SECRETS) expect(files.includes(secret), `${secret} in a client file`).toBe(false);

    const byClient = listed(h);
    for (const [client, entries] of Object.entries(ROUTED)) {
      for (const [name, { server }] of Object.entries(entries)) {
        expect(byClient.get(client)?.find((s) => s.name === name), `${client} ${name}`).toMatchObject({ status: 'routed', airlockServer: server });
      }
    }
    for (const [client, entries] of Object.entries(LEFT)) {
      for (const name of Object.keys(entries)) expect(byClient.get(client)?.find((s) => s.name === name)?.status, `${client} ${name}`).toBe('bypassing');
    }

    const store = openStore(h.airlockHome);
    let configs: ServerConfig[];
    try {
      configs = Object.values(ROUTED).flatMap((entries) => Object.values(entries).map((e) => getServerConfig(store, e.server)!));
    } finally {
      store.close();
    }
    const secretsFile = JSON.parse(fs.readFileSync(path.join(h.airlockHome, 'secrets.json'), 'utf8')) as { servers: Record<string, Record<string, string>> };
    const expected = Object.values(ROUTED).flatMap((entries) => Object.values(entries));
    expected.forEach((e, i) => {
      const config = configs[i];
      expect(config, e.server).toMatchObject({ command: '', args: [], env: {}, envFrom: {}, secretKeys: [] });
      expect(config?.remote, e.server).toEqual({ url: e.url, transport: e.transport, headers: e.headers, secretHeaders: Object.keys(e.secrets).sort() });
      const stored = secretsFile.servers[e.server] ?? {};
      expect(stored, e.server).toEqual(Object.fromEntries(Object.entries(e.secrets).map(([header, value]) => [secretHeaderKey(header), value])));
    });
  });

  it('a routed entry keeps the keys Airlock does not own and loses its URL, headers and remote type', () => {
    const h = home();
    expect(h.cli(['clients', 'install', '--yes', ...h.where]).status).toBe(0);
    const cline = JSON.parse(fs.readFileSync(h.file('.cline/data/settings/cline_mcp_settings.json'), 'utf8')) as { mcpServers: Record<string, Record<string, unknown>> };
    const entry = cline.mcpServers['remote-http'];
    expect(entry).toMatchObject({ type: 'stdio', autoApprove: ['search'], disabled: false, timeout: 60 });
    expect(entry?.args).toEqual(expect.arrayContaining(['connect', 'remote-http']));
    expect(entry).not.toHaveProperty('url');
    expect(entry).not.toHaveProperty('headers');
    const gemini = JSON.parse(fs.readFileSync(h.file('.gemini/settings.json'), 'utf8')) as { mcpServers: Record<string, Record<string, unknown>> };
    // Gemini CLI's type names remote transports only, so none is written; httpUrl goes.
    expect(Object.keys(gemini.mcpServers.http ?? {}).sort()).toEqual(['args', 'command', 'timeout', 'trust']);
    const codex = fs.readFileSync(h.file('.codex/config.toml'), 'utf8');
    expect(codex).toContain('tool_timeout_sec = 30');
    expect(codex).toContain('bearer_token_env_var = "DOCS_TOKEN"');
    expect(codex).not.toContain('http_headers');
    const cont = fs.readFileSync(h.file('.continue/config.yaml'), 'utf8');
    expect(cont).not.toContain('requestOptions:\n      headers:\n        Authorization');
    expect(cont).toContain('X-Team: platform');
  });

  it("the Host's bypass watch reports the routable ones, then only those left alone, each with its reason", () => {
    const h = home();
    const appeared: BypassingServer[] = [];
    const gone: BypassingServer[] = [];
    const watch = new BypassWatch(clientDirs({ userHome: h.userHome, platform: 'linux' }), (a, g) => {
      appeared.push(...a);
      gone.push(...g);
    });
    watch.poll();
    const routable = Object.entries(ROUTED).flatMap(([client, entries]) => Object.keys(entries).map((name) => `${client}/${name}`));
    expect(appeared.filter((b) => b.routable).map((b) => `${b.client}/${b.name}`).sort()).toEqual(routable.sort());
    expect(h.cli(['clients', 'install', '--yes', ...h.where]).status).toBe(0);
    watch.poll();
    expect(gone.map((b) => `${b.client}/${b.name}`).sort()).toEqual(routable.sort());
    const left = Object.fromEntries(watch.current().filter((b) => b.transport === 'remote').map((b) => [`${b.client}/${b.name}`, b.reason]));
    expect(left).toEqual(Object.fromEntries(Object.entries(LEFT).flatMap(([client, entries]) => Object.entries(entries).map(([name, reason]) => [`${client}/${name}`, reason]))));
  });

  it('restore gives every file back byte for byte', () => {
    const h = home();
    const before = h.snapshot();
    expect(h.cli(['clients', 'install', '--yes', ...h.where]).status).toBe(0);
    const installed = h.snapshot();
    const changed = FILES.filter((file) => !before.get(file)?.equals(installed.get(file)!));
    // Claude Desktop's file alone has nothing Airlock routes.
    expect(changed).toEqual(FILES.filter((file) => !file.includes('Claude/')));
    const restore = h.cli(['clients', 'restore', '--yes']);
    expect(restore.stderr).toBe('');
    expect(restore.status).toBe(0);
    for (const [file, bytes] of h.snapshot()) expect(bytes.equals(before.get(file)!), `${file} is byte-identical`).toBe(true);
  });
});

describe('hostile remote entries', () => {
  function cursorHome(servers: Record<string, unknown>) {
    const h = home();
    fs.writeFileSync(h.file('.cursor/mcp.json'), JSON.stringify({ mcpServers: servers }, null, 2));
    return h;
  }

  it('a header named __proto__, a duplicate header differing in case, a URL with credentials and a huge headers object are each left with a reason', () => {
    const many = Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`X-H${i}`, 'v']));
    const h = cursorHome({ proto: { url: 'https://a.example/mcp', headers: {} }, twice: { url: 'https://b.example/mcp' }, creds: { url: 'https://u:FAKEpw1234@c.example/mcp' }, many: { url: 'https://d.example/mcp', headers: many } });
    // "__proto__" and a case-twin cannot be written through an object literal: edit the text.
    const text = fs
      .readFileSync(h.file('.cursor/mcp.json'), 'utf8')
      .replace('"headers": {}', '"headers": { "__proto__": "x", "X-Ok": "1" }')
      .replace('"url": "https://b.example/mcp"', '"url": "https://b.example/mcp", "headers": { "Authorization": "Bearer FAKEone1111", "authorization": "Bearer FAKEtwo2222" }');
    fs.writeFileSync(h.file('.cursor/mcp.json'), text);
    const before = fs.readFileSync(h.file('.cursor/mcp.json'));
    const cursor = listed(h).get('cursor') ?? [];
    expect(cursor.find((s) => s.name === 'proto')).toMatchObject({ routable: false, reason: 'its header "__proto__" is not a name Airlock can send' });
    expect(cursor.find((s) => s.name === 'twice')).toMatchObject({ routable: false, reason: "it sets the header authorization twice (as Authorization and authorization); which value Cursor sends cannot be known" });
    expect(cursor.find((s) => s.name === 'creds')).toMatchObject({ routable: false, reason: expect.stringContaining('user name or password') });
    expect(cursor.find((s) => s.name === 'creds')?.url).toBe('https://c.example/mcp');
    expect(cursor.find((s) => s.name === 'many')).toMatchObject({ routable: false, reason: 'it sets 5000 headers, more than the 64 Airlock carries' });
    const install = h.cli(['clients', 'install', '--yes', '--client', 'cursor', ...h.where]);
    expect(install.stdout + install.stderr).not.toContain('FAKEpw1234');
    expect(fs.readFileSync(h.file('.cursor/mcp.json')).equals(before)).toBe(true);
  });
});
