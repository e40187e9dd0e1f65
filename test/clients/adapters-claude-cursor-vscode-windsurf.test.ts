import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { claudeCodeAdapter } from '../../src/clients/adapters/claude-code.js';
import { claudeDesktopAdapter } from '../../src/clients/adapters/claude-desktop.js';
import { cursorAdapter } from '../../src/clients/adapters/cursor.js';
import { vscodeAdapter } from '../../src/clients/adapters/vscode.js';
import { windsurfAdapter } from '../../src/clients/adapters/windsurf.js';
import type { ClientAdapter, ClientDirs, ClientPlatform, ClientServerEntry, ConfigFileRef, DocPath, Launcher } from '../../src/clients/client-adapter.js';
import { CLIENT_IDS, ClientShapeError } from '../../src/clients/client-adapter.js';
import { editConfigText, parseConfigText } from '../../src/clients/config-syntax.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/clients/', import.meta.url));
const PROJECT = path.join(FIXTURES, 'project');
const PLATFORMS: ClientPlatform[] = ['darwin', 'win32', 'linux'];
const ADAPTERS = [claudeDesktopAdapter, claudeCodeAdapter, cursorAdapter, vscodeAdapter, windsurfAdapter];

function fixtureDirs(platform: ClientPlatform, env: ClientDirs['env'] = {}, projects = [PROJECT]): ClientDirs {
  return { userHome: path.join(FIXTURES, 'homes', platform), platform, env, projects };
}

/** Candidate files as [scope, path relative to the fixtures folder]. */
function candidates(adapter: ClientAdapter, dirs: ClientDirs): [string, string][] {
  return adapter.configFiles(dirs).map((file) => [file.scope, path.relative(FIXTURES, file.path)]);
}

/** Every file under the platform's home and the project folder, relative to the fixtures folder. */
function fixtureFilesOf(platform: ClientPlatform): string[] {
  const roots = [path.join(FIXTURES, 'homes', platform), PROJECT];
  return roots.flatMap((root) => fs.readdirSync(root, { recursive: true, encoding: 'utf8' }).map((name) => path.join(root, name)))
    .filter((file) => fs.statSync(file).isFile())
    .map((file) => path.relative(FIXTURES, file));
}

function fileRef(adapter: ClientAdapter, platform: ClientPlatform, relative: string): ConfigFileRef {
  const file = adapter.configFiles(fixtureDirs(platform)).find((candidate) => candidate.path === path.join(FIXTURES, relative));
  if (file === undefined) throw new Error(`${adapter.id} does not list ${relative} on ${platform}`);
  return file;
}

function readFixture(adapter: ClientAdapter, platform: ClientPlatform, relative: string): ClientServerEntry[] {
  const file = fileRef(adapter, platform, relative);
  return adapter.readServers(parseConfigText(fs.readFileSync(file.path, 'utf8'), file.format, file.path), file).map(withoutRemoteDetails);
}

/** A remote entry's details (headers, transport, own keys) are checked in remote-entries.test.ts. */
function withoutRemoteDetails(entry: ClientServerEntry): ClientServerEntry {
  const { remote: _remote, ...rest } = entry;
  return rest;
}

const MCP: DocPath = ['mcpServers'];
const SERVERS: DocPath = ['servers'];

function stdio(container: DocPath, name: string, command: string, args: string[], env: Record<string, string> = {}, more: Partial<ClientServerEntry> = {}): ClientServerEntry {
  return { id: [...container, name].join('/'), name, path: [...container, name], transport: 'stdio', command, args, env, disabled: false, ...more };
}

function remote(container: DocPath, name: string, url: string, more: Partial<ClientServerEntry> = {}): ClientServerEntry {
  return { id: [...container, name].join('/'), name, path: [...container, name], transport: 'remote', url, disabled: false, ...more };
}

const LAUNCHER: Launcher = { command: '/opt/airlock/bin/airlock', args: ['--home', '/opt/airlock/home', 'connect'] };

/** Applies an entry's route edits to its file's text, as the installer does. */
function routeInText(adapter: ClientAdapter, platform: ClientPlatform, relative: string, name: string, server: string): string {
  const file = fileRef(adapter, platform, relative);
  const text = fs.readFileSync(file.path, 'utf8');
  const entry = adapter.readServers(parseConfigText(text, file.format, file.path), file).find((candidate) => candidate.name === name);
  if (entry === undefined) throw new Error(`no entry ${name} in ${relative}`);
  const edits = adapter.routeEdits(entry, LAUNCHER, server).map((edit) => ({ path: [...entry.path, ...edit.path], value: edit.value }));
  return editConfigText(text, file.format, edits, file.path);
}

function readText(adapter: ClientAdapter, text: string): ClientServerEntry[] {
  const file = adapter.configFiles(fixtureDirs('linux', {}, []))[0];
  if (file === undefined) throw new Error(`${adapter.id} lists no user file`);
  return adapter.readServers(parseConfigText(text, 'jsonc', file.path), file).map(withoutRemoteDetails);
}

const temps: string[] = [];
function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'airlock-clients-'));
  temps.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of temps.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

describe('adapters for Claude Desktop, Claude Code, Cursor, VS Code and Windsurf', () => {
  it('carry ids from CLIENT_IDS and the names the clients call themselves', () => {
    expect(ADAPTERS.map((adapter) => [adapter.id, adapter.displayName])).toEqual([
      ['claude-desktop', 'Claude Desktop'],
      ['claude-code', 'Claude Code'],
      ['cursor', 'Cursor'],
      ['vscode', 'VS Code'],
      ['windsurf', 'Windsurf'],
    ]);
    for (const adapter of ADAPTERS) expect(CLIENT_IDS).toContain(adapter.id);
  });

  it('name every file as JSONC, for their own client, with the project only on project-scope files', () => {
    for (const adapter of ADAPTERS) {
      for (const platform of PLATFORMS) {
        for (const file of adapter.configFiles(fixtureDirs(platform))) {
          expect(file.format).toBe('jsonc');
          expect(file.client).toBe(adapter.id);
          expect(path.isAbsolute(file.path)).toBe(true);
          expect(file.project).toBe(file.scope === 'project' ? PROJECT : undefined);
        }
      }
    }
  });

  const ownFixtures: Record<string, (relative: string) => boolean> = {
    'claude-desktop': (relative) => path.basename(relative) === 'claude_desktop_config.json',
    'claude-code': (relative) => ['.claude.json', '.mcp.json'].includes(path.basename(relative)),
    cursor: (relative) => relative.endsWith(path.join('.cursor', 'mcp.json')),
    vscode: (relative) => relative.endsWith(path.join('Code', 'User', 'mcp.json')) || relative.endsWith(path.join('.vscode', 'mcp.json')),
    windsurf: (relative) => relative.endsWith(path.join('.codeium', 'windsurf', 'mcp_config.json')),
  };
  for (const adapter of ADAPTERS) {
    it.each(PLATFORMS)(`${adapter.id}: the listed files that exist on %s are exactly its fixture files`, (platform) => {
      const existing = adapter.configFiles(fixtureDirs(platform)).filter((file) => fs.existsSync(file.path)).map((file) => path.relative(FIXTURES, file.path));
      const own = fixtureFilesOf(platform).filter((relative) => ownFixtures[adapter.id]?.(relative) === true);
      expect(own.length).toBeGreaterThan(0);
      expect([...existing].sort()).toEqual([...own].sort());
    });
  }

  it('give every entry of every fixture file an id of its own', () => {
    for (const adapter of ADAPTERS) {
      for (const platform of PLATFORMS) {
        for (const file of adapter.configFiles(fixtureDirs(platform)).filter((candidate) => fs.existsSync(candidate.path))) {
          const ids = readFixture(adapter, platform, path.relative(FIXTURES, file.path)).map((entry) => entry.id);
          expect(ids.length).toBeGreaterThan(1);
          expect(new Set(ids).size).toBe(ids.length);
        }
      }
    }
  });

  it('read an empty file as no servers', () => {
    for (const adapter of ADAPTERS) expect(readText(adapter, '')).toEqual([]);
  });
});

describe('claude-desktop', () => {
  const DESKTOP_MAC = path.join('homes', 'darwin', 'Library', 'Application Support', 'Claude', 'claude_desktop_config.json');
  const DESKTOP_WIN = path.join('homes', 'win32', 'AppData', 'Roaming', 'Claude', 'claude_desktop_config.json');
  const DESKTOP_MSIX = path.join('homes', 'win32', 'AppData', 'Local', 'Packages', 'Claude_pzs8sxrjxfjjc', 'LocalCache', 'Roaming', 'Claude', 'claude_desktop_config.json');
  const DESKTOP_LINUX = path.join('homes', 'linux', '.config', 'Claude', 'claude_desktop_config.json');

  it('lists the Application Support file on macOS, and no project file', () => {
    expect(candidates(claudeDesktopAdapter, fixtureDirs('darwin'))).toEqual([['user', DESKTOP_MAC]]);
  });

  it('lists the %APPDATA% file, then the MSIX copy of each Claude_* package, on Windows', () => {
    expect(candidates(claudeDesktopAdapter, fixtureDirs('win32'))).toEqual([
      ['user', DESKTOP_WIN],
      ['user', DESKTOP_MSIX],
    ]);
  });

  it('lists the XDG config file on Linux', () => {
    expect(candidates(claudeDesktopAdapter, fixtureDirs('linux'))).toEqual([['user', DESKTOP_LINUX]]);
  });

  it('honours APPDATA and LOCALAPPDATA on Windows, listing each Claude_* package folder even before it has a file', () => {
    const local = tempDir();
    for (const name of ['Claude_pzs8sxrjxfjjc', 'Claude_zzzzzzzzzzzzz', 'Microsoft.WindowsTerminal_8wekyb3d8bbwe']) fs.mkdirSync(path.join(local, 'Packages', name), { recursive: true });
    const files = claudeDesktopAdapter.configFiles(fixtureDirs('win32', { APPDATA: path.join(local, 'Roaming'), LOCALAPPDATA: local }));
    expect(files.map((file) => file.path)).toEqual([
      path.join(local, 'Roaming', 'Claude', 'claude_desktop_config.json'),
      path.join(local, 'Packages', 'Claude_pzs8sxrjxfjjc', 'LocalCache', 'Roaming', 'Claude', 'claude_desktop_config.json'),
      path.join(local, 'Packages', 'Claude_zzzzzzzzzzzzz', 'LocalCache', 'Roaming', 'Claude', 'claude_desktop_config.json'),
    ]);
  });

  it('looks for MSIX packages on Windows only', () => {
    const local = tempDir();
    fs.mkdirSync(path.join(local, 'Packages', 'Claude_pzs8sxrjxfjjc'), { recursive: true });
    expect(claudeDesktopAdapter.configFiles(fixtureDirs('darwin', { LOCALAPPDATA: local, APPDATA: local })).map((file) => path.relative(FIXTURES, file.path))).toEqual([DESKTOP_MAC]);
  });

  it('honours XDG_CONFIG_HOME on Linux', () => {
    expect(claudeDesktopAdapter.configFiles(fixtureDirs('linux', { XDG_CONFIG_HOME: '/srv/alex/config' })).map((file) => file.path)).toEqual([
      path.join('/srv/alex/config', 'Claude', 'claude_desktop_config.json'),
    ]);
  });

  it('reads the macOS file: stdio entries with their env, a remote one through mcp-remote', () => {
    expect(readFixture(claudeDesktopAdapter, 'darwin', DESKTOP_MAC)).toEqual([
      stdio(MCP, 'filesystem', 'npx', ['-y', '@modelcontextprotocol/server-filesystem', '/Users/alex/Desktop', '/Users/alex/Downloads']),
      stdio(MCP, 'github', 'npx', ['-y', '@modelcontextprotocol/server-github'], { GITHUB_PERSONAL_ACCESS_TOKEN: 'ghp_FAKEdesktopmac00000000000000000000000' }),
      stdio(MCP, 'linear', 'npx', ['-y', 'mcp-remote', 'https://mcp.linear.app/sse']),
    ]);
  });

  it('reads the Windows %APPDATA% file with its backslashed paths', () => {
    expect(readFixture(claudeDesktopAdapter, 'win32', DESKTOP_WIN)).toEqual([
      stdio(MCP, 'filesystem', 'npx', ['-y', '@modelcontextprotocol/server-filesystem', 'C:\\Users\\alex\\Documents', 'C:\\Users\\alex\\Downloads']),
      stdio(MCP, 'github', 'C:\\Program Files\\nodejs\\npx.cmd', ['-y', '@modelcontextprotocol/server-github'], { GITHUB_PERSONAL_ACCESS_TOKEN: 'ghp_FAKEdesktopwin00000000000000000000000' }),
      stdio(MCP, 'sqlite', 'uvx', ['mcp-server-sqlite', '--db-path', 'C:\\Users\\alex\\data\\notes.db']),
    ]);
  });

  it('reads the Windows MSIX file', () => {
    expect(readFixture(claudeDesktopAdapter, 'win32', DESKTOP_MSIX)).toEqual([
      stdio(MCP, 'memory', 'npx', ['-y', '@modelcontextprotocol/server-memory'], { MEMORY_FILE_PATH: 'C:\\Users\\alex\\.mcp\\memory.json' }),
      stdio(MCP, 'slack', 'npx', ['-y', '@modelcontextprotocol/server-slack'], { SLACK_BOT_TOKEN: 'xoxb-FAKE-desktop-msix-000000000000', SLACK_TEAM_ID: 'T00000000' }),
      stdio(MCP, 'atlassian', 'npx', ['-y', 'mcp-remote', 'https://mcp.atlassian.com/v1/sse']),
    ]);
  });

  it('reads the Linux file', () => {
    expect(readFixture(claudeDesktopAdapter, 'linux', DESKTOP_LINUX)).toEqual([
      stdio(MCP, 'filesystem', 'npx', ['-y', '@modelcontextprotocol/server-filesystem', '/home/alex/notes']),
      stdio(MCP, 'brave-search', 'npx', ['-y', '@modelcontextprotocol/server-brave-search'], { BRAVE_API_KEY: 'BSA-fake-desktop-linux-000000000' }),
      stdio(MCP, 'puppeteer', 'docker', ['run', '-i', '--rm', '--init', '-e', 'DOCKER_CONTAINER=true', 'mcp/puppeteer']),
    ]);
  });

  it('routes an entry by replacing command and args and dropping its env', () => {
    const [, github] = readFixture(claudeDesktopAdapter, 'win32', DESKTOP_WIN);
    expect(github === undefined ? undefined : claudeDesktopAdapter.routeEdits(github, LAUNCHER, 'desktop-github')).toEqual([
      { path: ['command'], value: '/opt/airlock/bin/airlock' },
      { path: ['args'], value: ['--home', '/opt/airlock/home', 'connect', 'desktop-github'] },
      { path: ['env'], value: undefined },
    ]);
  });

  it('routes an entry without env with no env edit', () => {
    const [filesystem] = readFixture(claudeDesktopAdapter, 'darwin', DESKTOP_MAC);
    expect(filesystem === undefined ? undefined : claudeDesktopAdapter.routeEdits(filesystem, LAUNCHER, 'desktop-files')).toEqual([
      { path: ['command'], value: '/opt/airlock/bin/airlock' },
      { path: ['args'], value: ['--home', '/opt/airlock/home', 'connect', 'desktop-files'] },
    ]);
  });

  it('leaves the secret out of the routed file and keeps the other entries and top-level keys', () => {
    const text = routeInText(claudeDesktopAdapter, 'darwin', DESKTOP_MAC, 'github', 'desktop-github');
    expect(text).not.toContain('ghp_FAKEdesktopmac');
    expect(text).toContain('"globalShortcut": "Alt+Space"');
    expect(readText(claudeDesktopAdapter, text).map((entry) => [entry.name, entry.command, entry.args])).toEqual([
      ['filesystem', 'npx', ['-y', '@modelcontextprotocol/server-filesystem', '/Users/alex/Desktop', '/Users/alex/Downloads']],
      ['github', '/opt/airlock/bin/airlock', ['--home', '/opt/airlock/home', 'connect', 'desktop-github']],
      ['linear', 'npx', ['-y', 'mcp-remote', 'https://mcp.linear.app/sse']],
    ]);
  });

  it('rejects an mcpServers list, naming the key', () => {
    expect(() => readText(claudeDesktopAdapter, '{"mcpServers": []}')).toThrow(ClientShapeError);
    expect(() => readText(claudeDesktopAdapter, '{"mcpServers": []}')).toThrow('"mcpServers" should be an object of servers, found a list');
  });
});

describe('claude-code', () => {
  const USER = (platform: ClientPlatform) => path.join('homes', platform, '.claude.json');
  const PROJECT_FILE = path.join('project', '.mcp.json');

  it.each(PLATFORMS)('lists ~/.claude.json, then each project\'s .mcp.json, on %s', (platform) => {
    expect(candidates(claudeCodeAdapter, fixtureDirs(platform))).toEqual([
      ['user', USER(platform)],
      ['project', PROJECT_FILE],
    ]);
  });

  it('lists only ~/.claude.json when no project is named', () => {
    expect(candidates(claudeCodeAdapter, fixtureDirs('linux', {}, []))).toEqual([['user', USER('linux')]]);
  });

  it('reads .claude.json from CLAUDE_CONFIG_DIR when it is set', () => {
    expect(claudeCodeAdapter.configFiles(fixtureDirs('linux', { CLAUDE_CONFIG_DIR: '/srv/alex/claude-work' }, []))[0]?.path).toBe(path.join('/srv/alex/claude-work', '.claude.json'));
  });

  it('ignores a relative CLAUDE_CONFIG_DIR, which it cannot place', () => {
    expect(candidates(claudeCodeAdapter, fixtureDirs('darwin', { CLAUDE_CONFIG_DIR: 'claude-work' }, []))).toEqual([['user', USER('darwin')]]);
  });

  it('reads user-scope and local-scope servers from the macOS ~/.claude.json, local ids carrying the project path', () => {
    expect(readFixture(claudeCodeAdapter, 'darwin', USER('darwin'))).toEqual([
      remote(MCP, 'github', 'https://api.githubcopilot.com/mcp/'),
      stdio(MCP, 'sentry', 'npx', ['-y', '@sentry/mcp-server@latest'], { SENTRY_ACCESS_TOKEN: 'sntrys_FAKEcodemac000000000000000000', SENTRY_HOST: '${SENTRY_HOST:-sentry.io}' }),
      stdio(['projects', '/Users/alex/src/shop', 'mcpServers'], 'postgres', 'npx', ['-y', '@modelcontextprotocol/server-postgres', 'postgresql://localhost/shop_dev'], { PGPASSWORD: 'pg-fake-code-mac-local-0000' }),
    ]);
  });

  it('reads the Windows ~/.claude.json, whose project keys use forward slashes', () => {
    const entries = readFixture(claudeCodeAdapter, 'win32', USER('win32'));
    expect(entries).toEqual([
      remote(MCP, 'notion', 'https://mcp.notion.com/mcp'),
      stdio(MCP, 'jira', 'cmd', ['/c', 'npx', '-y', 'mcp-atlassian'], { JIRA_URL: 'https://example.atlassian.net', JIRA_API_TOKEN: 'ATATT-fake-code-win-0000000000' }),
      stdio(['projects', 'C:/Users/alex/src/shop', 'mcpServers'], 'postgres', 'npx', ['-y', '@modelcontextprotocol/server-postgres', 'postgresql://localhost/shop_dev'], { PGPASSWORD: 'pg-fake-code-win-local-0000' }),
      remote(['projects', 'C:/Users/alex/src/shop', 'mcpServers'], 'logs', 'http://localhost:9100/sse'),
    ]);
    expect(entries.map((entry) => entry.id)).toEqual(['mcpServers/notion', 'mcpServers/jira', 'projects/C:/Users/alex/src/shop/mcpServers/postgres', 'projects/C:/Users/alex/src/shop/mcpServers/logs']);
  });

  it('reads the Linux ~/.claude.json, keeping ${VAR:-default} strings as written', () => {
    expect(readFixture(claudeCodeAdapter, 'linux', USER('linux'))).toEqual([
      stdio(MCP, 'sentry', 'npx', ['-y', '@sentry/mcp-server@latest'], { SENTRY_ACCESS_TOKEN: 'sntrys_FAKEcodelinux0000000000000000' }),
      remote(MCP, 'grafana', '${GRAFANA_MCP_URL:-http://localhost:8000/sse}'),
      stdio(MCP, 'k8s', '/home/alex/.local/bin/mcp-server-kubernetes', ['--kubeconfig', '${KUBECONFIG:-/home/alex/.kube/config}']),
      stdio(['projects', '/home/alex/work/api', 'mcpServers'], 'redis', 'uvx', ['--from', 'redis-mcp-server@latest', 'redis-mcp-server', '--url', 'redis://localhost:6379/0'], { REDIS_PWD: 'redis-fake-code-linux-0000' }),
    ]);
  });

  it('reads the project .mcp.json: an untyped stdio entry, an http one, a typed stdio one', () => {
    expect(readFixture(claudeCodeAdapter, 'darwin', PROJECT_FILE)).toEqual([
      stdio(MCP, 'playwright', 'npx', ['@playwright/mcp@latest']),
      remote(MCP, 'api-server', '${API_BASE_URL:-https://api.example.com}/mcp'),
      stdio(MCP, 'stripe', 'npx', ['-y', '@stripe/mcp', '--tools=all'], { STRIPE_SECRET_KEY: 'sk_test_FAKEclaudecodeproject0000000000' }),
    ]);
  });

  it('does not read a projects key in a project .mcp.json as local scope', () => {
    const file = fileRef(claudeCodeAdapter, 'linux', PROJECT_FILE);
    const document = { mcpServers: {}, projects: { '/home/alex/work/api': { mcpServers: { db: { command: 'db-mcp' } } } } };
    expect(claudeCodeAdapter.readServers(document, file)).toEqual([]);
  });

  it('routes a local-scope entry in place, keeping its type and every other project key', () => {
    const text = routeInText(claudeCodeAdapter, 'darwin', USER('darwin'), 'postgres', 'code-shop-postgres');
    expect(text).not.toContain('pg-fake-code-mac-local-0000');
    const document = parseConfigText(text, 'jsonc', 'routed.json') as { projects: Record<string, Record<string, unknown>>; numStartups: number };
    expect(document.numStartups).toBe(87);
    expect(document.projects['/Users/alex/src/shop']).toMatchObject({
      allowedTools: ['Bash(npm run test:*)', 'mcp__postgres__query'],
      hasTrustDialogAccepted: true,
      mcpServers: { postgres: { type: 'stdio', command: '/opt/airlock/bin/airlock', args: ['--home', '/opt/airlock/home', 'connect', 'code-shop-postgres'] } },
    });
    expect(document.projects['/Users/alex/src/shop']?.mcpServers).not.toHaveProperty('postgres.env');
  });

  it('routes an entry by replacing command and args and dropping its env', () => {
    const stripe = readFixture(claudeCodeAdapter, 'linux', PROJECT_FILE).find((entry) => entry.name === 'stripe');
    expect(stripe === undefined ? undefined : claudeCodeAdapter.routeEdits(stripe, LAUNCHER, 'stripe')).toEqual([
      { path: ['command'], value: '/opt/airlock/bin/airlock' },
      { path: ['args'], value: ['--home', '/opt/airlock/home', 'connect', 'stripe'] },
      { path: ['env'], value: undefined },
    ]);
  });

  it('rejects an mcpServers list, naming the key', () => {
    expect(() => readText(claudeCodeAdapter, '{"mcpServers": []}')).toThrow('"mcpServers" should be an object of servers, found a list');
  });

  it('rejects a projects list, naming the key', () => {
    expect(() => readText(claudeCodeAdapter, '{"projects": []}')).toThrow(ClientShapeError);
    expect(() => readText(claudeCodeAdapter, '{"projects": []}')).toThrow('"projects" should be an object of project folders, found a list');
  });

  it('rejects a project whose mcpServers is a string, naming the project', () => {
    expect(() => readText(claudeCodeAdapter, '{"projects": {"/home/alex/app": {"mcpServers": "none"}}}')).toThrow('"projects./home/alex/app.mcpServers" should be an object of servers, found a string');
  });
});

describe('cursor', () => {
  const USER = (platform: ClientPlatform) => path.join('homes', platform, '.cursor', 'mcp.json');
  const PROJECT_FILE = path.join('project', '.cursor', 'mcp.json');

  it.each(PLATFORMS)('lists ~/.cursor/mcp.json, then the project\'s .cursor/mcp.json, on %s', (platform) => {
    expect(candidates(cursorAdapter, fixtureDirs(platform))).toEqual([
      ['user', USER(platform)],
      ['project', PROJECT_FILE],
    ]);
  });

  it('keeps ~/.cursor under the home on Windows, whatever APPDATA says', () => {
    expect(cursorAdapter.configFiles(fixtureDirs('win32', { APPDATA: '/elsewhere' }, []))[0]?.path).toBe(path.join(FIXTURES, USER('win32')));
  });

  it('reads the macOS file, reporting the envFile entry as unsupported', () => {
    expect(readFixture(cursorAdapter, 'darwin', USER('darwin'))).toEqual([
      stdio(MCP, 'github', 'docker', ['run', '-i', '--rm', '-e', 'GITHUB_PERSONAL_ACCESS_TOKEN', 'ghcr.io/github/github-mcp-server'], { GITHUB_PERSONAL_ACCESS_TOKEN: 'ghp_FAKEcursormac000000000000000000000000' }),
      stdio(MCP, 'notes', 'node', ['${userHome}/mcp/notes/index.js'], { NOTES_TOKEN: '${env:NOTES_TOKEN}' }),
      remote(MCP, 'linear', 'https://mcp.linear.app/mcp'),
      stdio(MCP, 'supabase', 'npx', ['-y', '@supabase/mcp-server-supabase@latest', '--read-only'], {}, { unsupported: ['it sets "envFile"'] }),
    ]);
  });

  it('reads the Windows file', () => {
    expect(readFixture(cursorAdapter, 'win32', USER('win32'))).toEqual([
      stdio(MCP, 'filesystem', 'npx', ['-y', '@modelcontextprotocol/server-filesystem', 'C:\\Users\\alex\\src', '${userHome}\\Documents']),
      stdio(MCP, 'azure-devops', 'npx', ['-y', '@azure-devops/mcp', 'contoso'], { AZURE_DEVOPS_PAT: 'azdo-fake-cursor-win-000000000000' }),
      remote(MCP, 'context7', 'https://mcp.context7.com/mcp'),
    ]);
  });

  it('reads the Linux file, with a streamable-http type', () => {
    expect(readFixture(cursorAdapter, 'linux', USER('linux'))).toEqual([
      stdio(MCP, 'github', 'npx', ['-y', '@modelcontextprotocol/server-github'], { GITHUB_PERSONAL_ACCESS_TOKEN: 'ghp_FAKEcursorlinux00000000000000000000000' }),
      stdio(MCP, 'obsidian', 'uvx', ['mcp-obsidian'], { OBSIDIAN_API_KEY: 'obs-fake-cursor-linux-0000', OBSIDIAN_HOST: '${env:OBSIDIAN_HOST}' }),
      remote(MCP, 'sentry', 'https://mcp.sentry.dev/mcp'),
    ]);
  });

  it('reads the project file with ${workspaceFolder} as written', () => {
    expect(readFixture(cursorAdapter, 'linux', PROJECT_FILE)).toEqual([
      stdio(MCP, 'db', 'python', ['${workspaceFolder}/tools/db_mcp.py', '--readonly'], { DATABASE_URL: 'postgresql://app:fake-cursor-project-pw@localhost:5432/app' }),
      remote(MCP, 'figma', 'http://127.0.0.1:3845/sse'),
      stdio(MCP, 'local-api', 'node', ['${workspaceFolder}/scripts/api-mcp.js'], {}, { unsupported: ['it sets "envFile"'] }),
    ]);
  });

  it('routes an entry by replacing command and args and dropping its env', () => {
    const [github] = readFixture(cursorAdapter, 'darwin', USER('darwin'));
    expect(github === undefined ? undefined : cursorAdapter.routeEdits(github, LAUNCHER, 'cursor-github')).toEqual([
      { path: ['command'], value: '/opt/airlock/bin/airlock' },
      { path: ['args'], value: ['--home', '/opt/airlock/home', 'connect', 'cursor-github'] },
      { path: ['env'], value: undefined },
    ]);
  });

  it('leaves the secret out of the routed file and the remote entry untouched', () => {
    const text = routeInText(cursorAdapter, 'win32', USER('win32'), 'azure-devops', 'cursor-azdo');
    expect(text).not.toContain('azdo-fake-cursor-win');
    expect(text).toContain('"CONTEXT7_API_KEY": "${env:CONTEXT7_API_KEY}"');
    expect(readText(cursorAdapter, text).find((entry) => entry.name === 'azure-devops')).toEqual(
      stdio(MCP, 'azure-devops', '/opt/airlock/bin/airlock', ['--home', '/opt/airlock/home', 'connect', 'cursor-azdo']),
    );
  });

  it('rejects an mcpServers list, naming the key', () => {
    expect(() => readText(cursorAdapter, '{"mcpServers": []}')).toThrow(ClientShapeError);
    expect(() => readText(cursorAdapter, '{"mcpServers": []}')).toThrow('"mcpServers"');
  });
});

describe('vscode', () => {
  const USER_FILES: Record<ClientPlatform, string> = {
    darwin: path.join('homes', 'darwin', 'Library', 'Application Support', 'Code', 'User', 'mcp.json'),
    win32: path.join('homes', 'win32', 'AppData', 'Roaming', 'Code', 'User', 'mcp.json'),
    linux: path.join('homes', 'linux', '.config', 'Code', 'User', 'mcp.json'),
  };
  const PROJECT_FILE = path.join('project', '.vscode', 'mcp.json');

  it.each(PLATFORMS)('lists the user profile mcp.json, then the workspace .vscode/mcp.json, on %s', (platform) => {
    expect(candidates(vscodeAdapter, fixtureDirs(platform))).toEqual([
      ['user', USER_FILES[platform]],
      ['project', PROJECT_FILE],
    ]);
  });

  it('honours APPDATA on Windows', () => {
    expect(vscodeAdapter.configFiles(fixtureDirs('win32', { APPDATA: 'D:\\Profiles\\alex\\Roaming' }, []))[0]?.path).toBe(path.join('D:\\Profiles\\alex\\Roaming', 'Code', 'User', 'mcp.json'));
  });

  it('honours XDG_CONFIG_HOME on Linux', () => {
    expect(vscodeAdapter.configFiles(fixtureDirs('linux', { XDG_CONFIG_HOME: '/srv/alex/config' }, []))[0]?.path).toBe(path.join('/srv/alex/config', 'Code', 'User', 'mcp.json'));
  });

  it('reads the macOS file despite comments and trailing commas, ${input:} kept as written', () => {
    expect(readFixture(vscodeAdapter, 'darwin', USER_FILES.darwin)).toEqual([
      stdio(SERVERS, 'perplexity', 'npx', ['-y', 'server-perplexity-ask'], { PERPLEXITY_API_KEY: '${input:perplexity-key}' }),
      remote(SERVERS, 'github', 'https://api.githubcopilot.com/mcp/'),
      stdio(SERVERS, 'brave-search', 'npx', ['-y', '@modelcontextprotocol/server-brave-search'], { BRAVE_API_KEY: 'BSA-fake-vscode-mac-000000000' }),
    ]);
  });

  it('reads the Windows file', () => {
    expect(readFixture(vscodeAdapter, 'win32', USER_FILES.win32)).toEqual([
      stdio(SERVERS, 'memory', 'npx', ['-y', '@modelcontextprotocol/server-memory'], { MEMORY_FILE_PATH: '${userHome}\\.mcp\\memory.json' }),
      stdio(SERVERS, 'azure', 'npx', ['-y', '@azure/mcp@latest', 'server', 'start'], { AZURE_CLIENT_SECRET: 'azure-fake-vscode-win-0000000000' }),
      remote(SERVERS, 'microsoft-docs', 'https://learn.microsoft.com/api/mcp'),
    ]);
  });

  it('reads the Linux file, an sse entry as remote', () => {
    expect(readFixture(vscodeAdapter, 'linux', USER_FILES.linux)).toEqual([
      stdio(SERVERS, 'time', 'uvx', ['mcp-server-time', '--local-timezone=Europe/Berlin']),
      stdio(SERVERS, 'gitlab', 'npx', ['-y', '@modelcontextprotocol/server-gitlab'], { GITLAB_PERSONAL_ACCESS_TOKEN: 'glpat-FAKEvscodelinux000000', GITLAB_API_URL: '${env:GITLAB_API_URL}' }),
      remote(SERVERS, 'team-docs', 'https://docs.example.internal/mcp/sse'),
    ]);
  });

  it('reads the workspace file, reporting the envFile entry as unsupported', () => {
    expect(readFixture(vscodeAdapter, 'darwin', PROJECT_FILE)).toEqual([
      stdio(SERVERS, 'project-tools', 'node', ['${workspaceFolder}/build/index.js'], { API_KEY: '${input:api-key}', LOG_LEVEL: 'debug' }),
      stdio(SERVERS, 'postgres', 'docker', ['run', '-i', '--rm', '-e', 'DATABASE_URI', 'crystaldba/postgres-mcp', '--access-mode=restricted'], { DATABASE_URI: 'postgresql://dev:fake-vscode-project-pw@localhost:5432/dev' }, { unsupported: ['it sets "envFile"'] }),
      remote(SERVERS, 'docs', 'http://localhost:8931/sse'),
    ]);
  });

  it('reads servers from the servers key only', () => {
    expect(readText(vscodeAdapter, '{"mcpServers": {"github": {"command": "npx"}}}')).toEqual([]);
  });

  it('routes an entry by replacing command and args and dropping its env', () => {
    const [, azure] = readFixture(vscodeAdapter, 'win32', USER_FILES.win32);
    expect(azure === undefined ? undefined : vscodeAdapter.routeEdits(azure, LAUNCHER, 'vscode-azure')).toEqual([
      { path: ['command'], value: '/opt/airlock/bin/airlock' },
      { path: ['args'], value: ['--home', '/opt/airlock/home', 'connect', 'vscode-azure'] },
      { path: ['env'], value: undefined },
    ]);
  });

  it('keeps comments, inputs, type and dev when routing a workspace entry', () => {
    const text = routeInText(vscodeAdapter, 'linux', PROJECT_FILE, 'project-tools', 'project-tools');
    expect(text).toContain('/* Built from this repo; VS Code restarts it when the sources change. */');
    expect(text).toContain('// Remote server for the docs site.');
    const document = parseConfigText(text, 'jsonc', 'routed.json') as { inputs: unknown[]; servers: Record<string, unknown> };
    expect(document.inputs).toEqual([{ type: 'promptString', id: 'api-key', description: 'Internal API key', password: true }]);
    expect(document.servers['project-tools']).toEqual({
      type: 'stdio',
      command: '/opt/airlock/bin/airlock',
      args: ['--home', '/opt/airlock/home', 'connect', 'project-tools'],
      dev: { watch: 'src/**/*.ts', debug: { type: 'node' } },
    });
  });

  it('rejects a servers value that is not an object, naming the key', () => {
    expect(() => readText(vscodeAdapter, '{"servers": "github"}')).toThrow(ClientShapeError);
    expect(() => readText(vscodeAdapter, '{"servers": "github"}')).toThrow('"servers" should be an object of servers, found a string');
  });
});

describe('windsurf', () => {
  const USER = (platform: ClientPlatform) => path.join('homes', platform, '.codeium', 'windsurf', 'mcp_config.json');

  it.each(PLATFORMS)('lists ~/.codeium/windsurf/mcp_config.json and no project file on %s', (platform) => {
    expect(candidates(windsurfAdapter, fixtureDirs(platform))).toEqual([['user', USER(platform)]]);
  });

  it('reads the macOS file: disabled flags, and a serverUrl remote', () => {
    expect(readFixture(windsurfAdapter, 'darwin', USER('darwin'))).toEqual([
      stdio(MCP, 'github', 'npx', ['-y', '@modelcontextprotocol/server-github'], { GITHUB_PERSONAL_ACCESS_TOKEN: 'ghp_FAKEwindsurfmac0000000000000000000000' }),
      remote(MCP, 'figma', 'https://mcp.figma.com/mcp'),
      stdio(MCP, 'puppeteer', 'npx', ['-y', '@modelcontextprotocol/server-puppeteer'], {}, { disabled: true }),
    ]);
  });

  it('reads the Windows file: a disabled url remote', () => {
    expect(readFixture(windsurfAdapter, 'win32', USER('win32'))).toEqual([
      stdio(MCP, 'filesystem', 'npx', ['-y', '@modelcontextprotocol/server-filesystem', 'C:\\Users\\alex\\projects']),
      stdio(MCP, 'notion', 'npx', ['-y', '@notionhq/notion-mcp-server'], { NOTION_TOKEN: 'ntn_FAKEwindsurfwin000000000000000', NOTION_VERSION: '${env:NOTION_VERSION}' }),
      remote(MCP, 'context7', 'https://mcp.context7.com/mcp', { disabled: true }),
    ]);
  });

  it('reads the Linux file', () => {
    expect(readFixture(windsurfAdapter, 'linux', USER('linux'))).toEqual([
      stdio(MCP, 'supabase', 'npx', ['-y', '@supabase/mcp-server-supabase@latest', '--project-ref=fakeprojectref'], { SUPABASE_ACCESS_TOKEN: 'sbp_FAKEwindsurflinux00000000000000' }),
      remote(MCP, 'tidewave', 'http://localhost:4000/tidewave/mcp'),
      stdio(MCP, 'sequential-thinking', 'npx', ['-y', '@modelcontextprotocol/server-sequential-thinking'], {}, { disabled: true }),
    ]);
  });

  it('prefers serverUrl over url when an entry has both', () => {
    expect(readText(windsurfAdapter, '{"mcpServers": {"x": {"serverUrl": "https://a.example/mcp", "url": "https://b.example/mcp"}}}')).toEqual([remote(MCP, 'x', 'https://a.example/mcp')]);
  });

  it('keeps disabled and disabledTools when routing an entry', () => {
    const text = routeInText(windsurfAdapter, 'darwin', USER('darwin'), 'github', 'windsurf-github');
    expect(text).not.toContain('ghp_FAKEwindsurfmac');
    const document = parseConfigText(text, 'jsonc', 'routed.json') as { mcpServers: Record<string, unknown> };
    expect(document.mcpServers.github).toEqual({
      command: '/opt/airlock/bin/airlock',
      args: ['--home', '/opt/airlock/home', 'connect', 'windsurf-github'],
      disabled: false,
      disabledTools: ['delete_repository', 'push_files'],
    });
  });

  it('routes an entry without env with no env edit', () => {
    const [filesystem] = readFixture(windsurfAdapter, 'win32', USER('win32'));
    expect(filesystem === undefined ? undefined : windsurfAdapter.routeEdits(filesystem, LAUNCHER, 'windsurf-files')).toEqual([
      { path: ['command'], value: '/opt/airlock/bin/airlock' },
      { path: ['args'], value: ['--home', '/opt/airlock/home', 'connect', 'windsurf-files'] },
    ]);
  });

  it('rejects an mcpServers list, naming the key', () => {
    expect(() => readText(windsurfAdapter, '{"mcpServers": [{"command": "npx"}]}')).toThrow(ClientShapeError);
    expect(() => readText(windsurfAdapter, '{"mcpServers": [{"command": "npx"}]}')).toThrow('"mcpServers" should be an object of servers, found a list');
  });
});
