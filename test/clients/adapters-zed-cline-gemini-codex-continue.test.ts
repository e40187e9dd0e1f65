import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { clineAdapter } from '../../src/clients/adapters/cline.js';
import { codexAdapter } from '../../src/clients/adapters/codex.js';
import { continueAdapter } from '../../src/clients/adapters/continue.js';
import { geminiCliAdapter } from '../../src/clients/adapters/gemini-cli.js';
import { zedAdapter } from '../../src/clients/adapters/zed.js';
import type { ClientAdapter, ClientDirs, ClientPlatform, ClientServerEntry, ConfigFileRef, ConfigFormat, DocPath, Launcher } from '../../src/clients/client-adapter.js';
import { CLIENT_IDS, ClientShapeError } from '../../src/clients/client-adapter.js';
import { editConfigText, parseConfigText } from '../../src/clients/config-syntax.js';
import { valueAt } from '../../src/clients/standard-entry.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/clients/', import.meta.url));
const PROJECT = path.join(FIXTURES, 'project');
const PLATFORMS: ClientPlatform[] = ['darwin', 'win32', 'linux'];
const ADAPTERS = [zedAdapter, clineAdapter, geminiCliAdapter, codexAdapter, continueAdapter];
const LAUNCHER: Launcher = { command: '/opt/airlock/bin/airlock', args: ['--home', '/opt/airlock/home', 'connect'] };

function fixtureDirs(platform: ClientPlatform, env: ClientDirs['env'] = {}): ClientDirs {
  return { userHome: path.join(FIXTURES, 'homes', platform), platform, env, projects: [PROJECT] };
}

/** Candidate files as [scope, path relative to the fixtures folder]. */
function candidates(adapter: ClientAdapter, dirs: ClientDirs): [string, string][] {
  return adapter.configFiles(dirs).map((file) => [file.scope, path.relative(FIXTURES, file.path)]);
}

function fileRef(adapter: ClientAdapter, platform: ClientPlatform, relative: string): ConfigFileRef {
  const file = adapter.configFiles(fixtureDirs(platform)).find((candidate) => candidate.path === path.join(FIXTURES, relative));
  if (file === undefined) throw new Error(`${adapter.id} does not list ${relative} on ${platform}`);
  return file;
}

function readEntries(adapter: ClientAdapter, file: ConfigFileRef, text: string): ClientServerEntry[] {
  return adapter.readServers(parseConfigText(text, file.format, file.path), file).map(withoutRemoteDetails);
}

/** A remote entry's details (headers, transport, own keys) are checked in remote-entries.test.ts. */
function withoutRemoteDetails(entry: ClientServerEntry): ClientServerEntry {
  const { remote: _remote, ...rest } = entry;
  return rest;
}

function stdio(container: DocPath, key: string | number, name: string, command: string, args: string[], env: Record<string, string> = {}, more: Partial<ClientServerEntry> = {}): ClientServerEntry {
  const id = typeof key === 'number' ? `${container.join('/')}/${name}` : [...container, key].join('/');
  return { id, name, path: [...container, key], transport: 'stdio', command, args, env, disabled: false, ...more };
}

function remote(container: DocPath, key: string | number, name: string, url: string, more: Partial<ClientServerEntry> = {}): ClientServerEntry {
  const id = typeof key === 'number' ? `${container.join('/')}/${name}` : [...container, key].join('/');
  return { id, name, path: [...container, key], transport: 'remote', url, disabled: false, ...more };
}

const at = (container: DocPath) => ({
  stdio: (name: string, command: string, args: string[], env: Record<string, string> = {}, more: Partial<ClientServerEntry> = {}) => stdio(container, name, name, command, args, env, more),
  remote: (name: string, url: string, more: Partial<ClientServerEntry> = {}) => remote(container, name, name, url, more),
});
const zed = at(['context_servers']);
const mcp = at(['mcpServers']);
const codex = at(['mcp_servers']);
const list = {
  stdio: (index: number, name: string, command: string, args: string[], env: Record<string, string> = {}, more: Partial<ClientServerEntry> = {}) => stdio(['mcpServers'], index, name, command, args, env, more),
  remote: (index: number, name: string, url: string, more: Partial<ClientServerEntry> = {}) => remote(['mcpServers'], index, name, url, more),
};

const GITHUB = ['-y', '@modelcontextprotocol/server-github'];
const WIN_NPX = 'C:\\Program Files\\nodejs\\npx.cmd';
const WIN_FILESYSTEM = ['-y', '@modelcontextprotocol/server-filesystem', 'C:\\Users\\ada\\Documents'];
const ZED_EXTENSION = { unsupported: ['a Zed extension starts it with a command of its own'] };
const CODEX_BEARER = "its bearer token comes from Codex's environment (bearer_token_env_var)";
const SETS_CWD = { unsupported: ['it sets "cwd"'] };
const CLINE_STORAGE = 'Code/User/globalStorage/saoudrizwan.claude-dev/settings/cline_mcp_settings.json';
const CONTINUE_PROJECT_BLOCKS = ['mcp.json', 'playwright-mcp.yaml', 'supabase.yaml'].map((name): [string, string] => ['project', `project/.continue/mcpServers/${name}`]);

/** Every candidate file per client and platform, as [scope, path relative to the fixtures folder]. */
const CANDIDATES: Record<string, Record<ClientPlatform, [string, string][]>> = {
  zed: {
    darwin: [['user', 'homes/darwin/.config/zed/settings.json'], ['project', 'project/.zed/settings.json']],
    linux: [['user', 'homes/linux/.config/zed/settings.json'], ['project', 'project/.zed/settings.json']],
    win32: [['user', 'homes/win32/AppData/Roaming/Zed/settings.json'], ['project', 'project/.zed/settings.json']],
  },
  cline: {
    darwin: [['user', `homes/darwin/Library/Application Support/${CLINE_STORAGE}`], ['user', 'homes/darwin/.cline/data/settings/cline_mcp_settings.json']],
    linux: [['user', `homes/linux/.config/${CLINE_STORAGE}`], ['user', 'homes/linux/.cline/data/settings/cline_mcp_settings.json']],
    win32: [['user', `homes/win32/AppData/Roaming/${CLINE_STORAGE}`], ['user', 'homes/win32/.cline/data/settings/cline_mcp_settings.json']],
  },
  'gemini-cli': Object.fromEntries(PLATFORMS.map((platform) => [platform, [['user', `homes/${platform}/.gemini/settings.json`], ['project', 'project/.gemini/settings.json']]])) as Record<ClientPlatform, [string, string][]>,
  codex: Object.fromEntries(PLATFORMS.map((platform) => [platform, [['user', `homes/${platform}/.codex/config.toml`], ['project', 'project/.codex/config.toml']]])) as Record<ClientPlatform, [string, string][]>,
  continue: {
    darwin: [['user', 'homes/darwin/.continue/config.yaml'], ['user', 'homes/darwin/.continue/mcpServers/sentry.yaml'], ...CONTINUE_PROJECT_BLOCKS],
    linux: [['user', 'homes/linux/.continue/config.yaml'], ...CONTINUE_PROJECT_BLOCKS],
    win32: [['user', 'homes/win32/.continue/config.yaml'], ...CONTINUE_PROJECT_BLOCKS],
  },
};

/** Files missing on purpose: the fixture home has no such file. */
const ABSENT = new Set(['homes/darwin/.cline/data/settings/cline_mcp_settings.json', 'homes/win32/.cline/data/settings/cline_mcp_settings.json']);

interface FileCase {
  adapter: ClientAdapter;
  platform: ClientPlatform;
  file: string;
  entries: ClientServerEntry[];
}

const FILES: FileCase[] = [
  {
    adapter: zedAdapter,
    platform: 'darwin',
    file: 'homes/darwin/.config/zed/settings.json',
    entries: [
      zed.stdio('github', 'npx', GITHUB, { GITHUB_PERSONAL_ACCESS_TOKEN: 'ghp_FAKE1111ZedDarwin1111111111111111' }),
      { ...zed.stdio('postgres', '/opt/homebrew/bin/postgres-mcp', ['--access-mode', 'restricted'], { DATABASE_URI: 'postgresql://ada:sk-fake-zed-darwin-pg@localhost:5432/app' }), legacyCommand: true } as ClientServerEntry,
      zed.remote('linear', 'https://mcp.linear.app/mcp'),
      { id: 'context_servers/mcp-server-context7', name: 'mcp-server-context7', path: ['context_servers', 'mcp-server-context7'], transport: 'stdio', disabled: false, ...ZED_EXTENSION },
    ],
  },
  {
    adapter: zedAdapter,
    platform: 'linux',
    file: 'homes/linux/.config/zed/settings.json',
    entries: [
      zed.stdio('github', '/usr/bin/npx', GITHUB, { GITHUB_PERSONAL_ACCESS_TOKEN: 'ghp_FAKE1121ZedLinux11111111111111111' }),
      { ...zed.stdio('postgres', '/usr/local/bin/postgres-mcp', ['--access-mode', 'unrestricted'], { DATABASE_URI: 'postgresql://ada:sk-fake-zed-linux-pg@db.internal:5432/app' }), legacyCommand: true } as ClientServerEntry,
      zed.stdio('puppeteer', 'npx', ['-y', '@modelcontextprotocol/server-puppeteer'], {}, { disabled: true }),
      zed.remote('linear', 'https://mcp.linear.app/mcp'),
    ],
  },
  {
    adapter: zedAdapter,
    platform: 'win32',
    file: 'homes/win32/AppData/Roaming/Zed/settings.json',
    entries: [
      zed.stdio('filesystem', WIN_NPX, WIN_FILESYSTEM, { GITHUB_PERSONAL_ACCESS_TOKEN: 'ghp_FAKE1131ZedWin32111111111111111111' }),
      { ...zed.stdio('postgres', 'C:\\Tools\\postgres-mcp\\postgres-mcp.exe', ['--access-mode', 'restricted'], { DATABASE_URI: 'postgresql://ada:sk-fake-zed-win32-pg@localhost:5432/app' }), legacyCommand: true } as ClientServerEntry,
      zed.remote('linear', 'https://mcp.linear.app/mcp'),
      { id: 'context_servers/mcp-server-context7', name: 'mcp-server-context7', path: ['context_servers', 'mcp-server-context7'], transport: 'stdio', disabled: false, ...ZED_EXTENSION },
    ],
  },
  {
    adapter: zedAdapter,
    platform: 'linux',
    file: 'project/.zed/settings.json',
    entries: [
      zed.stdio('sqlite', 'uvx', ['mcp-server-sqlite', '--db-path', './dev.db'], { SQLITE_KEY: 'sk-fake-zed-project-sqlite' }),
      zed.stdio('devbox', 'devbox-mcp', [], {}, { unsupported: ['it sets "remote": true (it runs on the remote host)'] }),
    ],
  },
  {
    adapter: clineAdapter,
    platform: 'darwin',
    file: `homes/darwin/Library/Application Support/${CLINE_STORAGE}`,
    entries: [
      mcp.stdio('github.com/modelcontextprotocol/servers/tree/main/src/github', 'npx', GITHUB, { GITHUB_PERSONAL_ACCESS_TOKEN: 'ghp_FAKE2211ClineDarwin111111111111111' }),
      mcp.stdio('brave-search', 'node', ['/Users/ada/mcp/brave-search/dist/index.js'], { BRAVE_API_KEY: 'BSA_FAKE2212ClineDarwin' }, { disabled: true }),
      mcp.stdio('notes', 'python3', ['server.py'], {}, SETS_CWD),
      mcp.remote('remote-docs', 'https://docs.example.com/mcp'),
    ],
  },
  {
    adapter: clineAdapter,
    platform: 'linux',
    file: `homes/linux/.config/${CLINE_STORAGE}`,
    entries: [
      mcp.stdio('github', '/usr/bin/npx', GITHUB, { GITHUB_PERSONAL_ACCESS_TOKEN: 'ghp_FAKE2221ClineLinux1111111111111111' }),
      mcp.remote('events', 'http://localhost:8931/sse'),
      // Cline runs the command of an entry that has both a command and a url.
      mcp.stdio('legacy-both', 'node', ['/home/ada/mcp/legacy/index.js'], {}, { disabled: true }),
    ],
  },
  {
    adapter: clineAdapter,
    platform: 'linux',
    file: 'homes/linux/.cline/data/settings/cline_mcp_settings.json',
    entries: [
      mcp.stdio('filesystem', 'npx', ['-y', '@modelcontextprotocol/server-filesystem', '/home/ada/projects']),
      mcp.remote('database', 'http://localhost:8080/mcp'),
      mcp.stdio('sentry', 'uvx', ['mcp-server-sentry'], { SENTRY_AUTH_TOKEN: 'sntrys_FAKE2233ClineCli' }),
    ],
  },
  {
    adapter: clineAdapter,
    platform: 'win32',
    file: `homes/win32/AppData/Roaming/${CLINE_STORAGE}`,
    entries: [
      mcp.stdio('filesystem', WIN_NPX, WIN_FILESYSTEM, { GITHUB_PERSONAL_ACCESS_TOKEN: 'ghp_FAKE2241ClineWin3211111111111111111' }),
      mcp.stdio('notes', 'C:\\Python312\\python.exe', ['C:\\Users\\ada\\mcp\\notes\\server.py'], {}, { ...SETS_CWD, disabled: true }),
      mcp.remote('remote-sse', 'https://mcp.example.com/sse'),
    ],
  },
  {
    adapter: geminiCliAdapter,
    platform: 'darwin',
    file: 'homes/darwin/.gemini/settings.json',
    entries: [
      mcp.stdio('github', 'npx', GITHUB, { GITHUB_PERSONAL_ACCESS_TOKEN: '$GITHUB_TOKEN' }),
      mcp.stdio('sqlite', 'uvx', ['mcp-server-sqlite', '--db-path', '/Users/ada/data/app.db'], { SQLITE_KEY: 'sk-fake-gemini-darwin-sqlite' }, { disabled: true }),
      mcp.stdio('pythonTools', 'python', ['-m', 'my_mcp_server', '--port', '8080'], { API_KEY: '${EXTERNAL_API_KEY}' }, SETS_CWD),
      mcp.remote('githubCopilot', 'https://api.githubcopilot.com/mcp/'),
    ],
  },
  {
    adapter: geminiCliAdapter,
    platform: 'linux',
    file: 'homes/linux/.gemini/settings.json',
    entries: [
      mcp.stdio('github', '/usr/bin/npx', GITHUB, { GITHUB_PERSONAL_ACCESS_TOKEN: 'ghp_FAKE3321GeminiLinux11111111111111' }),
      mcp.stdio('memory', 'npx', ['-y', '@modelcontextprotocol/server-memory'], { MEMORY_FILE_PATH: '${HOME}/.local/share/mcp/memory.json' }),
      mcp.remote('events', 'http://localhost:8080/sse'),
    ],
  },
  {
    adapter: geminiCliAdapter,
    platform: 'win32',
    file: 'homes/win32/.gemini/settings.json',
    entries: [
      mcp.stdio('filesystem', WIN_NPX, WIN_FILESYSTEM, { GITHUB_PERSONAL_ACCESS_TOKEN: 'ghp_FAKE3331GeminiWin321111111111111111' }),
      mcp.stdio('github', 'npx.cmd', GITHUB, { GITHUB_PERSONAL_ACCESS_TOKEN: '${GITHUB_TOKEN}' }),
      // Not in mcp.allowed, so Gemini CLI does not connect to it.
      mcp.remote('cloudRun', 'https://my-gcp-service.run.app/mcp', {
        disabled: true,
        unsupported: ['it has an "oauth" block for a sign-in Gemini CLI runs itself', 'it signs in through "authProviderType", which Gemini CLI runs itself'],
      }),
    ],
  },
  {
    adapter: geminiCliAdapter,
    platform: 'darwin',
    file: 'project/.gemini/settings.json',
    entries: [
      mcp.stdio('projectDb', 'node', ['tools/db-mcp.js', '--read-only'], { DB_PASSWORD: 'sk-fake-gemini-project-db' }),
      mcp.remote('docs', 'http://localhost:3000/mcp'),
    ],
  },
  {
    adapter: codexAdapter,
    platform: 'darwin',
    file: 'homes/darwin/.codex/config.toml',
    entries: [
      codex.stdio('context7', 'npx', ['-y', '@upstash/context7-mcp']),
      codex.stdio('github', 'npx', GITHUB, { GITHUB_PERSONAL_ACCESS_TOKEN: 'ghp_FAKE4411CodexDarwin1111111111111111' }),
      codex.stdio('sentry', 'uvx', ['mcp-server-sentry'], { SENTRY_AUTH_TOKEN: 'sntrys_FAKE4412CodexDarwin' }, { disabled: true }),
      codex.remote('figma', 'https://mcp.figma.com/mcp', { unsupported: [CODEX_BEARER] }),
    ],
  },
  {
    adapter: codexAdapter,
    platform: 'linux',
    file: 'homes/linux/.codex/config.toml',
    entries: [
      codex.stdio('github', '/usr/bin/npx', GITHUB, { GITHUB_PERSONAL_ACCESS_TOKEN: 'ghp_FAKE4421CodexLinux11111111111111111' }),
      codex.stdio('sentry', 'uv', ['run', 'mcp-server-sentry'], { SENTRY_AUTH_TOKEN: 'sntrys_FAKE4422CodexLinux' }, { unsupported: ['it sets "env_vars"', 'it sets "cwd"'] }),
      codex.remote('docs', 'https://docs.internal.example/mcp', { unsupported: [CODEX_BEARER, "its headers come from Codex's environment (env_http_headers)"] }),
    ],
  },
  {
    adapter: codexAdapter,
    platform: 'win32',
    file: 'homes/win32/.codex/config.toml',
    entries: [
      codex.stdio('filesystem', WIN_NPX, WIN_FILESYSTEM, { GITHUB_PERSONAL_ACCESS_TOKEN: 'ghp_FAKE4431CodexWin32111111111111111111' }),
      codex.remote('figma', 'https://mcp.figma.com/mcp', { unsupported: [CODEX_BEARER] }),
    ],
  },
  {
    adapter: codexAdapter,
    platform: 'linux',
    file: 'project/.codex/config.toml',
    entries: [
      codex.stdio('playwright', 'npx', ['@playwright/mcp@latest'], {}, { disabled: true }),
      codex.stdio('db', 'node', ['tools/db-mcp.js'], { DB_PASSWORD: 'sk-fake-codex-project-db' }),
    ],
  },
  {
    adapter: continueAdapter,
    platform: 'darwin',
    file: 'homes/darwin/.continue/config.yaml',
    entries: [
      list.stdio(0, 'GitHub', 'npx', GITHUB, { GITHUB_PERSONAL_ACCESS_TOKEN: '${{ secrets.GITHUB_PERSONAL_ACCESS_TOKEN }}' }),
      list.stdio(1, 'Brave Search', 'npx', ['-y', '@modelcontextprotocol/server-brave-search'], { BRAVE_API_KEY: 'BSA_FAKE5511ContinueDarwin' }),
      // env comes from the `<<: *memory_defaults` merge key.
      list.stdio(2, 'Memory', 'npx', ['-y', '@modelcontextprotocol/server-memory'], { MEMORY_FILE_PATH: '/Users/ada/.local/share/mcp/memory.json' }),
      list.remote(3, 'Linear', 'https://mcp.linear.app/mcp'),
    ],
  },
  {
    adapter: continueAdapter,
    platform: 'darwin',
    file: 'homes/darwin/.continue/mcpServers/sentry.yaml',
    entries: [list.stdio(0, 'Sentry', 'uvx', ['mcp-server-sentry'], { SENTRY_AUTH_TOKEN: 'sntrys_FAKE5512ContinueDarwin' }, SETS_CWD)],
  },
  {
    adapter: continueAdapter,
    platform: 'linux',
    file: 'homes/linux/.continue/config.yaml',
    entries: [
      list.stdio(0, 'SQLite', 'uvx', ['mcp-server-sqlite', '--db-path', '/home/ada/data/app.db'], { HTTPS_PROXY: 'http://proxy.internal:3128', NO_PROXY: 'localhost,127.0.0.1' }),
      list.stdio(1, 'GitHub', '/usr/bin/npx', GITHUB, { GITHUB_PERSONAL_ACCESS_TOKEN: 'ghp_FAKE5521ContinueLinux1111111111111' }),
      { id: 'mcpServers/anthropic/memory-mcp', name: 'anthropic/memory-mcp', path: ['mcpServers', 2], transport: 'stdio', unsupported: ['it is the hub block "anthropic/memory-mcp", which Continue fetches and starts itself'] },
      list.remote(3, 'Events', 'http://localhost:8931/sse'),
    ],
  },
  {
    adapter: continueAdapter,
    platform: 'win32',
    file: 'homes/win32/.continue/config.yaml',
    entries: [
      list.stdio(0, 'Filesystem', WIN_NPX, WIN_FILESYSTEM, { GITHUB_PERSONAL_ACCESS_TOKEN: 'ghp_FAKE5531ContinueWin3211111111111111' }),
      list.remote(1, 'Docs', 'https://docs.example.com/mcp'),
    ],
  },
  {
    adapter: continueAdapter,
    platform: 'linux',
    file: 'project/.continue/mcpServers/mcp.json',
    entries: [
      mcp.stdio('postgres', 'npx', ['-y', '@modelcontextprotocol/server-postgres', 'postgresql://localhost/app'], { PGPASSWORD: 'sk-fake-continue-project-json' }),
      mcp.remote('remote', 'https://mcp.example.com/mcp'),
    ],
  },
  {
    adapter: continueAdapter,
    platform: 'linux',
    file: 'project/.continue/mcpServers/playwright-mcp.yaml',
    entries: [list.stdio(0, 'Browser search', 'npx', ['@playwright/mcp@latest'])],
  },
  {
    adapter: continueAdapter,
    platform: 'linux',
    file: 'project/.continue/mcpServers/supabase.yaml',
    entries: [
      list.stdio(0, 'Supabase MCP', 'npx', ['-y', '@supabase/mcp-server-supabase@latest', '--read-only'], { SUPABASE_ACCESS_TOKEN: '${{ secrets.SUPABASE_TOKEN }}' }),
      list.stdio(1, 'Supabase Staging', 'npx', ['-y', '@supabase/mcp-server-supabase@latest', '--project-ref', 'staging'], {
        SUPABASE_ACCESS_TOKEN: '${{ secrets.SUPABASE_TOKEN }}',
        SUPABASE_DB_PASSWORD: 'sk-fake-continue-project-staging',
      }),
    ],
  },
];

/** The comments of a file: each line's text from its comment marker on (a marker at the start or after a space). */
function commentsOf(text: string, format: ConfigFormat): string[] {
  const marker = format === 'jsonc' ? /(^|\s)(\/\/.*)$/ : /(^|\s)(#.*)$/;
  return text.split('\n').flatMap((line) => {
    const match = marker.exec(line);
    return match?.[2] === undefined ? [] : [match[2].trim()];
  });
}

function isRoutable(entry: ClientServerEntry): boolean {
  return entry.transport === 'stdio' && entry.unsupported === undefined;
}

/** Routes every routable entry of a fixture file, as the installer does, and returns the texts and entries. */
function routeFile(adapter: ClientAdapter, platform: ClientPlatform, relative: string) {
  const file = fileRef(adapter, platform, relative);
  const before = fs.readFileSync(file.path, 'utf8');
  const entries = readEntries(adapter, file, before);
  const edits = entries.filter(isRoutable).flatMap((entry) => adapter.routeEdits(entry, LAUNCHER, entry.name).map((edit) => ({ path: [...entry.path, ...edit.path], value: edit.value })));
  const after = editConfigText(before, file.format, edits, file.path);
  return { file, before, after, entries, routed: readEntries(adapter, file, after), document: parseConfigText(after, file.format, file.path) };
}

describe('adapter ids', () => {
  it('match CLIENT_IDS', () => {
    for (const adapter of ADAPTERS) expect(CLIENT_IDS).toContain(adapter.id);
    expect(ADAPTERS.map((adapter) => adapter.id)).toEqual(['zed', 'cline', 'gemini-cli', 'codex', 'continue']);
  });
});

describe.each(ADAPTERS)('$id configFiles', (adapter) => {
  it.each(PLATFORMS)('lists the user files first, then the project files, on %s', (platform) => {
    expect(candidates(adapter, fixtureDirs(platform))).toEqual(CANDIDATES[adapter.id]?.[platform]);
  });

  it.each(PLATFORMS)('finds exactly the fixture files that exist on %s', (platform) => {
    const existing = adapter.configFiles(fixtureDirs(platform)).filter((file) => fs.existsSync(file.path)).map((file) => path.relative(FIXTURES, file.path));
    const expected = (CANDIDATES[adapter.id]?.[platform] ?? []).map(([, relative]) => relative).filter((relative) => !ABSENT.has(relative));
    expect(existing).toEqual(expected);
    expect(expected.length).toBeGreaterThan(0);
  });

  it('lists no project file when no project is named', () => {
    expect(adapter.configFiles({ ...fixtureDirs('linux'), projects: [] }).every((file) => file.scope === 'user')).toBe(true);
  });
});

describe('paths from the environment', () => {
  it('zed honours XDG_CONFIG_HOME on Linux only', () => {
    expect(zedAdapter.configFiles(fixtureDirs('linux', { XDG_CONFIG_HOME: '/srv/ada/config' }))[0]?.path).toBe('/srv/ada/config/zed/settings.json');
    expect(zedAdapter.configFiles(fixtureDirs('darwin', { XDG_CONFIG_HOME: '/srv/ada/config' }))[0]?.path).toBe(path.join(FIXTURES, 'homes/darwin/.config/zed/settings.json'));
  });

  it('zed honours APPDATA on Windows', () => {
    expect(zedAdapter.configFiles(fixtureDirs('win32', { APPDATA: '/mnt/c/Users/ada/AppData/Roaming' }))[0]?.path).toBe('/mnt/c/Users/ada/AppData/Roaming/Zed/settings.json');
  });

  it('cline honours APPDATA for the extension storage and CLINE_DIR for the shared data folder', () => {
    expect(clineAdapter.configFiles(fixtureDirs('win32', { APPDATA: '/mnt/c/Roaming', CLINE_DIR: '/srv/cline' })).map((file) => file.path)).toEqual([
      `/mnt/c/Roaming/${CLINE_STORAGE}`,
      '/srv/cline/data/settings/cline_mcp_settings.json',
    ]);
  });

  it('cline prefers CLINE_DATA_DIR over CLINE_DIR', () => {
    expect(clineAdapter.configFiles(fixtureDirs('linux', { CLINE_DIR: '/srv/cline', CLINE_DATA_DIR: '/srv/cline-data' }))[1]?.path).toBe('/srv/cline-data/settings/cline_mcp_settings.json');
  });

  it('cline reads the Linux extension storage under XDG_CONFIG_HOME', () => {
    expect(clineAdapter.configFiles(fixtureDirs('linux', { XDG_CONFIG_HOME: '/srv/ada/config' }))[0]?.path).toBe(`/srv/ada/config/${CLINE_STORAGE}`);
  });

  it('codex honours an absolute CODEX_HOME and ignores a relative one', () => {
    expect(codexAdapter.configFiles(fixtureDirs('linux', { CODEX_HOME: '/srv/codex' }))[0]?.path).toBe('/srv/codex/config.toml');
    expect(codexAdapter.configFiles(fixtureDirs('linux', { CODEX_HOME: 'codex-home' }))[0]?.path).toBe(path.join(FIXTURES, 'homes/linux/.codex/config.toml'));
  });

  it('continue honours CONTINUE_GLOBAL_DIR', () => {
    expect(continueAdapter.configFiles(fixtureDirs('darwin', { CONTINUE_GLOBAL_DIR: path.join(FIXTURES, 'homes/darwin/.continue') })).slice(0, 2).map((file) => path.relative(FIXTURES, file.path))).toEqual([
      'homes/darwin/.continue/config.yaml',
      'homes/darwin/.continue/mcpServers/sentry.yaml',
    ]);
    expect(continueAdapter.configFiles(fixtureDirs('linux', { CONTINUE_GLOBAL_DIR: '/srv/continue' }))[0]?.path).toBe('/srv/continue/config.yaml');
  });
});

describe('continue file formats', () => {
  it('reads JSON block files as JSONC and YAML ones as YAML', () => {
    const formats = continueAdapter.configFiles(fixtureDirs('darwin')).map((file) => [path.basename(file.path), file.format, file.project]);
    expect(formats).toEqual([
      ['config.yaml', 'yaml', undefined],
      ['sentry.yaml', 'yaml', undefined],
      ['mcp.json', 'jsonc', PROJECT],
      ['playwright-mcp.yaml', 'yaml', PROJECT],
      ['supabase.yaml', 'yaml', PROJECT],
    ]);
  });
});

describe.each(FILES)('$adapter.id: $file', ({ adapter, platform, file, entries }) => {
  it('reads the expected entries', () => {
    const ref = fileRef(adapter, platform, file);
    expect(readEntries(adapter, ref, fs.readFileSync(ref.path, 'utf8'))).toEqual(entries);
  });

  it('gives every entry a different id', () => {
    const ids = entries.map((entry) => entry.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('routes every routable stdio entry to the launcher and keeps the others as they were', () => {
    const { routed } = routeFile(adapter, platform, file);
    expect(routed).toEqual(entries.map((entry) => (isRoutable(entry) ? { ...entry, command: LAUNCHER.command, args: [...LAUNCHER.args, entry.name], env: {} } : entry)));
  });

  // Cline and Gemini CLI write plain JSON; the Zed, TOML and YAML fixtures all have comments.
  const hasComments = commentsOf(fs.readFileSync(path.join(FIXTURES, file), 'utf8'), fileRef(adapter, platform, file).format).length > 0;
  if (hasComments) {
    it('keeps every comment of the file when routing', () => {
      const { before, after, file: ref } = routeFile(adapter, platform, file);
      expect(commentsOf(after, ref.format)).toEqual(commentsOf(before, ref.format));
    });
  }

  it('takes the literal secrets of routed entries out of the file', () => {
    const { after } = routeFile(adapter, platform, file);
    const secrets = entries.filter(isRoutable).flatMap((entry) => Object.values(entry.env ?? {})).filter((value) => /fake/i.test(value));
    for (const secret of secrets) expect(after).not.toContain(secret);
  });
});

describe('route edits keep what Airlock does not own', () => {
  it('zed edits the older shape in place: command.path and command.args set, command.env gone, settings kept', () => {
    const { document } = routeFile(zedAdapter, 'darwin', 'homes/darwin/.config/zed/settings.json');
    expect(valueAt(document, ['context_servers', 'postgres'])).toEqual({ command: { path: LAUNCHER.command, args: [...LAUNCHER.args, 'postgres'] }, settings: {} });
    expect(valueAt(document, ['context_servers', 'github'])).toEqual({ source: 'custom', command: LAUNCHER.command, args: [...LAUNCHER.args, 'github'] });
  });

  it('zed gives the older shape edits under "command" and the flat shape edits at the top', () => {
    const [github, postgres] = zedAdapter.readServers(parseConfigText(fs.readFileSync(path.join(FIXTURES, 'homes/darwin/.config/zed/settings.json'), 'utf8'), 'jsonc', 'settings.json'), fileRef(zedAdapter, 'darwin', 'homes/darwin/.config/zed/settings.json'));
    if (github === undefined || postgres === undefined) throw new Error('fixture changed');
    expect(zedAdapter.routeEdits(postgres, LAUNCHER, 'pg')).toEqual([
      { path: ['command', 'path'], value: LAUNCHER.command },
      { path: ['command', 'args'], value: [...LAUNCHER.args, 'pg'] },
      { path: ['command', 'env'], value: undefined },
    ]);
    expect(zedAdapter.routeEdits(github, LAUNCHER, 'gh')).toEqual([
      { path: ['command'], value: LAUNCHER.command },
      { path: ['args'], value: [...LAUNCHER.args, 'gh'] },
      { path: ['env'], value: undefined },
    ]);
  });

  it('zed keeps the disabled flag and the timeout of a routed entry', () => {
    const { document } = routeFile(zedAdapter, 'linux', 'homes/linux/.config/zed/settings.json');
    expect(valueAt(document, ['context_servers', 'puppeteer', 'enabled'])).toBe(false);
    expect(valueAt(document, ['context_servers', 'github', 'timeout'])).toBe(120);
  });

  it('cline keeps autoApprove, disabled, timeout and type', () => {
    const { document } = routeFile(clineAdapter, 'darwin', `homes/darwin/Library/Application Support/${CLINE_STORAGE}`);
    const github = valueAt(document, ['mcpServers', 'github.com/modelcontextprotocol/servers/tree/main/src/github']);
    expect(github).toEqual({ autoApprove: ['search_repositories', 'get_file_contents'], disabled: false, timeout: 60, type: 'stdio', command: LAUNCHER.command, args: [...LAUNCHER.args, 'github.com/modelcontextprotocol/servers/tree/main/src/github'] });
    expect(valueAt(document, ['mcpServers', 'brave-search', 'disabled'])).toBe(true);
  });

  it('gemini keeps trust, timeout and the tool filters', () => {
    const { document } = routeFile(geminiCliAdapter, 'darwin', 'homes/darwin/.gemini/settings.json');
    expect(valueAt(document, ['mcpServers', 'github'])).toEqual({ command: LAUNCHER.command, args: [...LAUNCHER.args, 'github'], timeout: 30000, trust: false, includeTools: ['search_repositories', 'get_file_contents'] });
    expect(valueAt(document, ['mcp', 'excluded'])).toEqual(['sqlite']);
  });

  it('codex empties both forms of env and keeps enabled, enabled_tools and the timeouts', () => {
    const { document, after } = routeFile(codexAdapter, 'darwin', 'homes/darwin/.codex/config.toml');
    expect(valueAt(document, ['mcp_servers', 'github'])).toEqual({ command: LAUNCHER.command, args: [...LAUNCHER.args, 'github'], enabled_tools: ['search_repositories', 'get_file_contents'], tool_timeout_sec: 45, env: {} });
    expect(valueAt(document, ['mcp_servers', 'sentry'])).toEqual({ command: LAUNCHER.command, args: [...LAUNCHER.args, 'sentry'], env: {}, enabled: false });
    expect(valueAt(document, ['profiles', 'fast', 'model'])).toBe('gpt-5-codex-mini');
    expect(after).toContain('[projects."/Users/ada/src/app"]');
  });

  it('continue overrides a merged env with an empty one and keeps the anchors and merge keys', () => {
    const { document, before, after } = routeFile(continueAdapter, 'darwin', 'homes/darwin/.continue/config.yaml');
    expect(valueAt(document, ['mcpServers', 2])).toEqual({ name: 'Memory', type: 'stdio', env: {}, command: LAUNCHER.command, args: [...LAUNCHER.args, 'Memory'] });
    expect(valueAt(document, ['mcpServers', 0, 'connectionTimeout'])).toBe(20000);
    const anchored = before.split('\n').filter((line) => /[&*][a-z_]+/.test(line) || line.startsWith('%YAML'));
    expect(anchored).toEqual(['%YAML 1.1', 'mcp_defaults: &mcp_defaults', 'memory_defaults: &memory_defaults', '    <<: *mcp_defaults', '    <<: *memory_defaults']);
    for (const line of anchored) expect(after.split('\n')).toContain(line);
  });

  it('continue keeps an anchor that a routed entry used as its env', () => {
    const { after, document } = routeFile(continueAdapter, 'linux', 'homes/linux/.continue/config.yaml');
    expect(after.split('\n')).toContain('proxy_env: &proxy_env');
    expect(valueAt(document, ['proxy_env'])).toEqual({ HTTPS_PROXY: 'http://proxy.internal:3128', NO_PROXY: 'localhost,127.0.0.1' });
    expect(valueAt(document, ['models', 0, 'model'])).toBe('llama3.1:8b');
  });

  it('continue deletes env in a JSON block file', () => {
    const { document } = routeFile(continueAdapter, 'linux', 'project/.continue/mcpServers/mcp.json');
    expect(valueAt(document, ['mcpServers', 'postgres'])).toEqual({ command: LAUNCHER.command, args: [...LAUNCHER.args, 'postgres'] });
  });
});

describe('a container of the wrong type', () => {
  const cases: { id: string; adapter: ClientAdapter; format: ConfigFormat; text: string; message: RegExp }[] = [
    { id: 'zed', adapter: zedAdapter, format: 'jsonc', text: '{ "context_servers": ["github"] }', message: /"context_servers" should be an object of servers, found a list/ },
    { id: 'cline', adapter: clineAdapter, format: 'jsonc', text: '{ "mcpServers": "github" }', message: /"mcpServers" should be an object of servers, found a string/ },
    { id: 'gemini-cli', adapter: geminiCliAdapter, format: 'jsonc', text: '{ "mcpServers": 3 }', message: /"mcpServers" should be an object of servers, found a number/ },
    { id: 'codex', adapter: codexAdapter, format: 'toml', text: 'mcp_servers = 3\n', message: /"mcp_servers" should be an object of servers, found a number/ },
    { id: 'continue', adapter: continueAdapter, format: 'yaml', text: 'mcpServers:\n  github:\n    command: npx\n', message: /"mcpServers" should be a list of servers, found an object/ },
    { id: 'continue', adapter: continueAdapter, format: 'jsonc', text: '{ "mcpServers": [] }', message: /"mcpServers" should be an object of servers, found a list/ },
  ];

  it.each(cases)('$id ($format) throws a ClientShapeError naming the key', ({ adapter, format, text, message }) => {
    const file = adapter.configFiles(fixtureDirs('linux')).find((candidate) => candidate.format === format);
    if (file === undefined) throw new Error(`${adapter.id} has no ${format} file`);
    const read = () => adapter.readServers(parseConfigText(text, format, file.path), file);
    expect(read).toThrow(ClientShapeError);
    expect(read).toThrow(message);
  });

  it('a missing container reads as no servers', () => {
    for (const adapter of ADAPTERS) {
      const file = adapter.configFiles(fixtureDirs('linux'))[0];
      if (file === undefined) throw new Error(`${adapter.id} lists no file`);
      expect(adapter.readServers({ theme: 'One Dark' }, file)).toEqual([]);
    }
  });
});
