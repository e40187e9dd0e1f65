import fs from 'node:fs';
import path from 'node:path';
import * as TOML from '@decimalturn/toml-patch';
import { parse as parseYaml } from 'yaml';
import { afterEach, describe, expect, it } from 'vitest';
import { clientTokenByHash } from '../../src/engine/store/client-tokens.js';
import { openStore } from '../../src/engine/store/index.js';
import { clientTokenHash } from '../../src/host/client-tokens.js';
import { CLIENT_TOKEN_VALUES_FILE } from '../../src/host/client-token-values.js';
import { runCli } from '../support/run-cli.js';
import { makeTempDir } from '../support/temp-dir.js';

/**
 * `clients install --over-http`: entries reach Airlock's MCP endpoint with the client's token from
 * an environment variable, written in each client's own syntax. The input files are the smallest
 * entries of each client's documented shape (see each adapter's header for its docs); Claude
 * Code's ~/.claude.json entry is there to be left (no variable expansion outside .mcp.json).
 */

const PORT = 47_811;
const BASE = `http://127.0.0.1:${PORT}/mcp`;
const GITHUB_PAT = 'ghp_FAKEoverhttp000000000000000000000000000';

const INPUTS: Record<string, string> = {
  'home/.cursor/mcp.json': `{
  "mcpServers": {
    "github": { "command": "npx", "args": ["-y", "@modelcontextprotocol/server-github"], "env": { "GITHUB_PERSONAL_ACCESS_TOKEN": "${GITHUB_PAT}" } },
    "sentry": { "type": "streamable-http", "url": "https://mcp.sentry.dev/mcp" },
    "elsewhere": { "url": "http://127.0.0.1:1/mcp/github" }
  }
}
`,
  'home/.config/Code/User/mcp.json': `{
  // VS Code's own comments stay.
  "servers": {
    "memory": { "type": "stdio", "command": "npx", "args": ["-y", "@modelcontextprotocol/server-memory"] }
  },
  "inputs": []
}
`,
  'home/.codeium/windsurf/mcp_config.json': `{
  "mcpServers": {
    "fetch": { "command": "uvx", "args": ["mcp-server-fetch"], "disabled": false }
  }
}
`,
  'home/.gemini/settings.json': `{
  "theme": "Default",
  "mcpServers": {
    "time": { "command": "uvx", "args": ["mcp-server-time"], "timeout": 30000 }
  }
}
`,
  'home/.codex/config.toml': `model = "o4-mini"

# the user's own comment
[mcp_servers.docs]
command = "npx"
args = ["-y", "docs-mcp"]
startup_timeout_sec = 20
`,
  'home/.claude.json': `{
  "numStartups": 3,
  "mcpServers": {
    "notes": { "type": "stdio", "command": "npx", "args": ["notes-mcp"] }
  }
}
`,
  'project/.mcp.json': `{
  "mcpServers": {
    "playwright": { "command": "npx", "args": ["@playwright/mcp@latest"] }
  }
}
`,
  'home/.config/zed/settings.json': `{
  "context_servers": {
    "sqlite": { "command": "uvx", "args": ["mcp-server-sqlite"] }
  }
}
`,
  'home/.config/Claude/claude_desktop_config.json': `{
  "mcpServers": {
    "everything": { "command": "npx", "args": ["-y", "@modelcontextprotocol/server-everything"] }
  }
}
`,
};

const VARIABLE_CLIENTS = ['claude-code', 'cursor', 'vscode', 'windsurf', 'gemini-cli', 'codex'] as const;

interface Setup {
  dir: string;
  airlockHome: string;
  file(relative: string): string;
  read(relative: string): string;
  json(relative: string): Record<string, unknown>;
  cli(args: readonly string[]): { status: number | null; stdout: string; stderr: string };
  where: string[];
  tokens(): Record<string, string>;
}

let cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups) cleanup();
  cleanups = [];
});

function setup(inputs: Record<string, string> = INPUTS): Setup {
  const { dir, cleanup } = makeTempDir('airlock-over-http-');
  cleanups.push(cleanup);
  for (const [relative, text] of Object.entries(inputs)) {
    fs.mkdirSync(path.dirname(path.join(dir, relative)), { recursive: true });
    fs.writeFileSync(path.join(dir, relative), text);
  }
  fs.mkdirSync(path.join(dir, 'project'), { recursive: true });
  const airlockHome = path.join(dir, 'airlock');
  const file = (relative: string) => path.join(dir, relative);
  return {
    dir,
    airlockHome,
    file,
    read: (relative) => fs.readFileSync(file(relative), 'utf8'),
    json: (relative) => JSON.parse(fs.readFileSync(file(relative), 'utf8').replace(/^\s*\/\/.*$/gm, '')) as Record<string, unknown>,
    cli: (args) => runCli([...args, '--home', airlockHome]),
    where: ['--user-home', path.join(dir, 'home'), '--platform', 'linux', '--project', path.join(dir, 'project')],
    tokens: () => {
      const text = fs.readFileSync(path.join(airlockHome, CLIENT_TOKEN_VALUES_FILE), 'utf8');
      return (JSON.parse(text) as { clients: Record<string, string> }).clients;
    },
  };
}

/** Every file under the folder, relative path → bytes. */
function filesUnder(root: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  for (const entry of fs.readdirSync(root, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) files.set(path.relative(root, path.join(entry.parentPath, entry.name)), fs.readFileSync(path.join(entry.parentPath, entry.name)));
  }
  return files;
}

function server(document: Record<string, unknown>, ...keys: string[]): unknown {
  return keys.reduce<unknown>((value, key) => (value as Record<string, unknown>)[key], document);
}

function clientOf(airlockHome: string, token: string): string | undefined {
  const store = openStore(airlockHome);
  try {
    return clientTokenByHash(store, clientTokenHash(token))?.name;
  } finally {
    store.close();
  }
}

describe('clients install --over-http', () => {
  it("writes each client's entry in its own syntax, with the token's variable and never the token", () => {
    const s = setup();
    const before = filesUnder(s.dir);
    const result = s.cli(['clients', 'install', '--over-http', '--yes', ...s.where]);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);

    const bearer = (reference: string) => ({ Authorization: `Bearer ${reference}` });
    expect(server(s.json('home/.cursor/mcp.json'), 'mcpServers', 'github')).toEqual({ url: `${BASE}/github`, headers: bearer('${env:AIRLOCK_TOKEN_CURSOR}') });
    expect(server(s.json('home/.cursor/mcp.json'), 'mcpServers', 'sentry')).toEqual({ url: `${BASE}/sentry`, headers: bearer('${env:AIRLOCK_TOKEN_CURSOR}') });
    expect(server(s.json('home/.config/Code/User/mcp.json'), 'servers', 'memory')).toEqual({ type: 'http', url: `${BASE}/memory`, headers: bearer('${env:AIRLOCK_TOKEN_VSCODE}') });
    expect(s.read('home/.config/Code/User/mcp.json')).toContain("// VS Code's own comments stay.");
    expect(server(s.json('home/.codeium/windsurf/mcp_config.json'), 'mcpServers', 'fetch')).toEqual({ disabled: false, serverUrl: `${BASE}/fetch`, headers: bearer('${env:AIRLOCK_TOKEN_WINDSURF}') });
    expect(server(s.json('home/.gemini/settings.json'), 'mcpServers', 'time')).toEqual({ timeout: 30000, httpUrl: `${BASE}/time`, headers: bearer('${AIRLOCK_TOKEN_GEMINI_CLI}') });
    expect(server(s.json('project/.mcp.json'), 'mcpServers', 'playwright')).toEqual({ type: 'http', url: `${BASE}/playwright`, headers: bearer('${AIRLOCK_TOKEN_CLAUDE_CODE}') });
    const codex = s.read('home/.codex/config.toml');
    expect(TOML.parse(codex)).toEqual({ model: 'o4-mini', mcp_servers: { docs: { startup_timeout_sec: 20, url: `${BASE}/docs`, bearer_token_env_var: 'AIRLOCK_TOKEN_CODEX' } } });
    expect(codex).toContain('# the user\'s own comment');

    // No variable: left. Commands only: routed over stdio, with a note.
    expect(s.read('home/.claude.json')).toBe(INPUTS['home/.claude.json']);
    expect(s.read('home/.config/zed/settings.json')).toBe(INPUTS['home/.config/zed/settings.json']);
    expect(result.stdout).toContain('leave "notes" in ~/.claude.json as it is: its config cannot read a variable; Airlock will not write a token into it as text');
    expect(result.stdout).toContain('leave "sqlite" in ~/.config/zed/settings.json as it is: its config cannot read a variable; Airlock will not write a token into it as text');
    expect(result.stdout).toContain('--over-http --token-in-file');
    expect(result.stdout).toContain("note: Claude Desktop's file only starts commands");
    expect(server(s.json('home/.config/Claude/claude_desktop_config.json'), 'mcpServers', 'everything', 'args')).toEqual(expect.arrayContaining(['connect', 'everything']));
    // The endpoint elsewhere is not Airlock's, and not a server Airlock takes over either.
    expect(server(s.json('home/.cursor/mcp.json'), 'mcpServers', 'elsewhere')).toEqual({ url: 'http://127.0.0.1:1/mcp/github' });
    expect(result.stdout).toContain('eval "$(airlock clients token-env)"');

    // One token per client, kept for token-env and nowhere else: not in any client file, backup, record or database page.
    const tokens = s.tokens();
    expect(Object.keys(tokens).sort()).toEqual([...VARIABLE_CLIENTS].sort());
    for (const [client, token] of Object.entries(tokens)) {
      expect(clientOf(s.airlockHome, token)).toBe(client);
      expect(result.stdout).not.toContain(token);
      for (const [file, bytes] of filesUnder(s.dir)) {
        if (file === path.join('airlock', CLIENT_TOKEN_VALUES_FILE)) continue;
        expect(bytes.toString('latin1'), file).not.toContain(token);
      }
    }
    expect(fs.statSync(path.join(s.airlockHome, CLIENT_TOKEN_VALUES_FILE)).mode & 0o777).toBe(0o600);

    // token-env hands them out, POSIX and PowerShell.
    const env = s.cli(['clients', 'token-env']);
    expect(env.status).toBe(0);
    expect(env.stdout).toBe(VARIABLE_CLIENTS.map((c) => `export AIRLOCK_TOKEN_${c.toUpperCase().replace('-', '_')}='${tokens[c]}'\n`).join(''));
    const ps = s.cli(['clients', 'token-env', 'cursor', '--shell', 'powershell']);
    expect(ps.stdout).toBe(`$env:AIRLOCK_TOKEN_CURSOR = '${tokens.cursor}'\n`);

    // clients list calls them routed over HTTP, and the other endpoint's entry bypassing.
    const listed = JSON.parse(s.cli(['clients', 'list', '--json', ...s.where]).stdout) as { clients: { id: string; files: { servers: { name: string; status: string; via?: string; airlockServer?: string }[] }[] }[] };
    const status = (client: string, name: string) => listed.clients.find((c) => c.id === client)?.files.flatMap((f) => f.servers).find((x) => x.name === name);
    for (const [client, name] of [['cursor', 'github'], ['cursor', 'sentry'], ['vscode', 'memory'], ['windsurf', 'fetch'], ['gemini-cli', 'time'], ['codex', 'docs'], ['claude-code', 'playwright']]) {
      expect(status(client!, name!)).toMatchObject({ status: 'routed', via: 'http', airlockServer: name });
    }
    expect(status('cursor', 'elsewhere')).toMatchObject({ status: 'bypassing' });
    expect(status('claude-desktop', 'everything')).toMatchObject({ status: 'routed', via: 'stdio' });

    // Restore gives every byte back and revokes the tokens it no longer needs.
    const restored = s.cli(['clients', 'restore', '--yes', ...s.where]);
    expect(restored.status).toBe(0);
    expect(restored.stdout).toContain('Revoked the MCP endpoint token of');
    const after = filesUnder(s.dir);
    for (const [file, bytes] of before) expect(after.get(file)?.equals(bytes), file).toBe(true);
    for (const token of Object.values(tokens)) expect(clientOf(s.airlockHome, token)).toBeUndefined();
    expect(s.tokens()).toEqual({});
  });

  it('writes the token as text only with --token-in-file, and says so', () => {
    const s = setup({
      'home/.config/zed/settings.json': INPUTS['home/.config/zed/settings.json']!,
      'home/.cline/data/settings/cline_mcp_settings.json': '{ "mcpServers": { "git": { "command": "uvx", "args": ["mcp-server-git"], "disabled": false } } }\n',
      'home/.continue/config.yaml': 'name: Local\nversion: 1.0.0\nschema: v1\nmcpServers:\n  # kept\n  - name: search\n    command: npx\n    args: ["search-mcp"]\n',
    });
    const before = filesUnder(s.dir);
    const result = s.cli(['clients', 'install', '--over-http', '--token-in-file', '--yes', ...s.where]);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('warning: Zed cannot read a variable: its token is written into ~/.config/zed/settings.json as text (--token-in-file)');
    expect(result.stdout).toContain('warning: Cline cannot read a variable');
    const tokens = s.tokens();
    // The plan's diff shows *** where the token goes; the token is made only when applied, and never printed.
    expect(result.stdout).toContain('"Authorization": "Bearer ***"');
    for (const token of Object.values(tokens)) expect(result.stdout).not.toContain(token);
    expect(server(s.json('home/.config/zed/settings.json'), 'context_servers', 'sqlite')).toEqual({ url: `${BASE}/sqlite`, headers: { Authorization: `Bearer ${tokens.zed}` } });
    expect(server(s.json('home/.cline/data/settings/cline_mcp_settings.json'), 'mcpServers', 'git')).toEqual({ disabled: false, type: 'streamableHttp', url: `${BASE}/git`, headers: { Authorization: `Bearer ${tokens.cline}` } });
    expect(parseYaml(s.read('home/.continue/config.yaml'))).toEqual({
      name: 'Local',
      version: '1.0.0',
      schema: 'v1',
      mcpServers: [{ name: 'search', type: 'streamable-http', url: `${BASE}/search`, requestOptions: { headers: { Authorization: `Bearer ${tokens.continue}` } } }],
    });
    expect(s.read('home/.continue/config.yaml')).toContain('# kept');
    expect(clientOf(s.airlockHome, tokens.zed!)).toBe('zed');
    const listed = s.cli(['clients', 'list', ...s.where]).stdout;
    expect(listed).toMatch(/sqlite\s+routed\s+through Airlock server "sqlite" \(over HTTP/);
    expect(s.cli(['clients', 'restore', '--yes', ...s.where]).status).toBe(0);
    const after = filesUnder(s.dir);
    for (const [file, bytes] of before) expect(after.get(file)?.equals(bytes), file).toBe(true);
    expect(clientOf(s.airlockHome, tokens.zed!)).toBeUndefined();
  });

  it("replaces a client's token on a second install, and the old one stops working", () => {
    const s = setup({ 'home/.cursor/mcp.json': '{ "mcpServers": { "a": { "command": "npx", "args": ["a-mcp"] } } }\n' });
    expect(s.cli(['clients', 'install', '--over-http', '--yes', ...s.where]).status).toBe(0);
    const first = s.tokens().cursor!;
    expect(clientOf(s.airlockHome, first)).toBe('cursor');
    // A server added to the client by hand later, routed by a second install.
    const document = s.json('home/.cursor/mcp.json') as { mcpServers: Record<string, unknown> };
    document.mcpServers.b = { command: 'npx', args: ['b-mcp'] };
    fs.writeFileSync(s.file('home/.cursor/mcp.json'), JSON.stringify(document, null, 2));
    const preview = s.cli(['clients', 'install', '--over-http', '--dry-run', ...s.where]);
    expect(preview.stderr).toBe('');
    expect(preview.stdout).toContain('Cursor replaces client "cursor"\'s token for Airlock\'s MCP endpoint when you apply: the old token stops working at once');
    expect(s.tokens().cursor).toBe(first);
    expect(clientOf(s.airlockHome, first)).toBe('cursor');
    const second = s.cli(['clients', 'install', '--over-http', '--yes', ...s.where]);
    expect(second.status).toBe(0);
    expect(second.stdout).toContain('replaced the token of client "cursor" (the old one stopped working)');
    const next = s.tokens().cursor!;
    expect(next).not.toBe(first);
    expect(clientOf(s.airlockHome, first)).toBeUndefined();
    expect(clientOf(s.airlockHome, next)).toBe('cursor');
    expect(s.cli(['clients', 'token-env', 'cursor']).stdout).toBe(`export AIRLOCK_TOKEN_CURSOR='${next}'\n`);
  });

  it('refuses --token-in-file without --over-http, and token-env for a client without a token', () => {
    const s = setup({});
    const refused = s.cli(['clients', 'install', '--token-in-file', ...s.where]);
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toContain('--token-in-file only goes with --over-http');
    const none = s.cli(['clients', 'token-env', 'cursor']);
    expect(none.status).not.toBe(0);
    expect(none.stdout).toBe('');
    expect(none.stderr).toContain('client "cursor" has no token kept by Airlock');
    // In a shell profile (no names), nothing to export is not an error.
    const profile = s.cli(['clients', 'token-env']);
    expect(profile.status).toBe(0);
    expect(profile.stdout).toBe('');
  });

  it('skips a token that was revoked since, rather than handing out a dead one', () => {
    const s = setup({ 'home/.cursor/mcp.json': '{ "mcpServers": { "a": { "command": "npx", "args": ["a-mcp"] } } }\n' });
    expect(s.cli(['clients', 'install', '--over-http', '--yes', ...s.where]).status).toBe(0);
    expect(s.cli(['clients', 'revoke-token', 'cursor']).status).toBe(0);
    const env = s.cli(['clients', 'token-env']);
    expect(env.stdout).toBe('');
    expect(env.stderr).toContain('no longer works');
  });

  it("keeps the user's edits on restore, and keeps the token while an entry they changed may still use it", () => {
    const input = '{\n  "mcpServers": {\n    "a": { "command": "npx", "args": ["a-mcp"] },\n    "b": { "command": "npx", "args": ["b-mcp"] }\n  }\n}\n';
    const edited = (repointB: boolean) => {
      const s = setup({ 'home/.cursor/mcp.json': input });
      expect(s.cli(['clients', 'install', '--over-http', '--yes', ...s.where]).status).toBe(0);
      const token = s.tokens().cursor!;
      const document = s.json('home/.cursor/mcp.json') as { mcpServers: Record<string, { url?: string }>; theirs?: number };
      document.theirs = 1;
      if (repointB) document.mcpServers.b!.url = `${BASE}/a`;
      fs.writeFileSync(s.file('home/.cursor/mcp.json'), JSON.stringify(document, null, 2));
      const restored = s.cli(['clients', 'restore', '--yes', ...s.where]);
      expect(restored.status).toBe(0);
      return { s, token, restored, after: s.json('home/.cursor/mcp.json') as { mcpServers: Record<string, unknown>; theirs?: number } };
    };
    const plain = edited(false);
    expect(plain.after).toEqual({ mcpServers: { a: { command: 'npx', args: ['a-mcp'] }, b: { command: 'npx', args: ['b-mcp'] } }, theirs: 1 });
    expect(clientOf(plain.s.airlockHome, plain.token)).toBeUndefined();

    const repointed = edited(true);
    expect(repointed.after.mcpServers.a).toEqual({ command: 'npx', args: ['a-mcp'] });
    expect(repointed.after.mcpServers.b).toMatchObject({ url: `${BASE}/a` });
    expect(repointed.restored.stdout).toContain('"b" no longer runs Airlock server "b" (you changed it); left as you made it');
    expect(repointed.restored.stdout).toContain('Kept the MCP endpoint token of "cursor"');
    expect(clientOf(repointed.s.airlockHome, repointed.token)).toBe('cursor');
  });
});
