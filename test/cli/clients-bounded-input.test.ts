import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BypassWatch, type BypassingServer } from '../../src/clients/bypass-watch.js';
import { clientDirs } from '../../src/clients/client-dirs.js';
import { linuxFixtureHomes, type FixtureHome } from '../clients/fixture-home.js';
import { runCli } from '../support/run-cli.js';

/** Client config files that are devices, pipes, huge or nested 10,000 levels deep: refused by name, and the rest still read. */
const fixture = linuxFixtureHomes();

const FILES = {
  desktop: path.join('.config', 'Claude', 'claude_desktop_config.json'),
  cursor: path.join('.cursor', 'mcp.json'),
  vscode: path.join('.config', 'Code', 'User', 'mcp.json'),
  zed: path.join('.config', 'zed', 'settings.json'),
  codex: path.join('.codex', 'config.toml'),
  continue: path.join('.continue', 'config.yaml'),
  windsurf: path.join('.codeium', 'windsurf', 'mcp_config.json'),
};

interface Listed {
  clients: { id: string; files: { path: string; error?: string; servers: { name: string }[] }[] }[];
}

function list(h: FixtureHome): { listed: Listed; errors: Map<string, string> } {
  const result = runCli(['--home', h.airlockHome, 'clients', 'list', '--json', ...h.where()]);
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  const listed = JSON.parse(result.stdout) as Listed;
  const errors = new Map<string, string>();
  for (const c of listed.clients) for (const f of c.files) if (f.error !== undefined) errors.set(f.path, f.error);
  return { listed, errors };
}

function serversOf(listed: Listed, client: string): number {
  return listed.clients.find((c) => c.id === client)?.files.reduce((n, f) => n + f.servers.length, 0) ?? 0;
}

describe('client config files read with a size cap', () => {
  it('a device, a FIFO and a 9 MiB file are each refused with the file named; the other clients are still listed', () => {
    const h = fixture();
    const zed = path.join(h.userHome, FILES.zed);
    fs.rmSync(zed);
    fs.symlinkSync('/dev/zero', zed);
    const cursor = path.join(h.userHome, FILES.cursor);
    fs.rmSync(cursor);
    expect(spawnSync('mkfifo', [cursor]).status).toBe(0);
    const desktop = path.join(h.userHome, FILES.desktop);
    fs.writeFileSync(desktop, `{"mcpServers": {}, "padding": "${'x'.repeat(9 * 1024 * 1024)}"}`);

    const { listed, errors } = list(h);
    expect(errors.get(zed)).toBe(`${zed} cannot be read: it is not a regular file (a device, pipe or socket); Airlock reads only regular files; Airlock left it untouched`);
    expect(errors.get(cursor)).toContain(`${cursor} cannot be read: it is not a regular file`);
    expect(errors.get(desktop)).toMatch(new RegExp(`^${desktop.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} cannot be read: it is 9\\.0 MiB, over the 8\\.0 MiB limit`));
    for (const client of ['vscode', 'windsurf', 'cline', 'gemini-cli', 'codex', 'continue', 'claude-code']) expect(serversOf(listed, client), client).toBeGreaterThan(0);
  });
});

describe('client config files nested 10,000 levels deep', () => {
  function deepHome(): { h: FixtureHome; deep: string[] } {
    const h = fixture();
    const n = 10_000;
    const write = (relative: string, text: string) => {
      const file = path.join(h.userHome, relative);
      fs.writeFileSync(file, text);
      return file;
    };
    const deep = [
      write(FILES.vscode, `{ // deep\n "servers": {}, "x": ${'['.repeat(n)}${']'.repeat(n)} }`),
      write(FILES.desktop, `{"mcpServers": {}, "x": ${'{"a":'.repeat(n)}1${'}'.repeat(n)}}`),
      write(FILES.codex, `x = ${'['.repeat(n)}${']'.repeat(n)}\n`),
      write(FILES.windsurf, `{"mcpServers": {}, "x": "${'['.repeat(200)}", "y": ${'['.repeat(n)}${']'.repeat(n)}}`),
      write(FILES.continue, `name: deep\nmcpServers: []\nx: ${'['.repeat(n)}${']'.repeat(n)}\n`),
    ];
    // Nesting without brackets: TOML dotted keys and YAML compact sequences.
    fs.mkdirSync(path.join(h.project, '.codex'), { recursive: true });
    deep.push(write(path.relative(h.userHome, path.join(h.project, '.codex', 'config.toml')), `${Array.from({ length: n }, () => 'a').join('.')} = 1\n`));
    fs.mkdirSync(path.join(h.userHome, '.continue', 'mcpServers'), { recursive: true });
    deep.push(write(path.join('.continue', 'mcpServers', 'deep.yaml'), `mcpServers:\n${'- '.repeat(n)}x\n`));
    return { h, deep };
  }

  it('clients list refuses each deep file by name and lists the other clients', () => {
    const { h, deep } = deepHome();
    const { listed, errors } = list(h);
    for (const file of deep) expect(errors.get(file), file).toContain(': cannot be parsed (it nests lists and objects deeper than 128 levels). Airlock left it untouched');
    // Brackets inside a JSON string are text, not nesting.
    const column = Number(/mcp_config\.json:1:(\d+):/.exec(errors.get(path.join(h.userHome, FILES.windsurf)) ?? '')?.[1]);
    // Had the 200 brackets inside "x" been counted, the limit would be passed within them (before column 230).
    expect(column).toBeGreaterThan(300);
    for (const client of ['cursor', 'zed', 'cline', 'gemini-cli', 'claude-code']) expect(serversOf(listed, client), client).toBeGreaterThan(0);
  });

  it("the Host's bypass watch survives them and still reports the other clients' servers", () => {
    const { h } = deepHome();
    const appeared: BypassingServer[] = [];
    const watch = new BypassWatch(clientDirs({ userHome: h.userHome, platform: 'linux', projects: [h.project] }), (a) => appeared.push(...a));
    expect(() => watch.poll()).not.toThrow();
    const clients = new Set(appeared.map((b) => b.client));
    for (const client of ['cursor', 'zed', 'cline', 'gemini-cli', 'claude-code'] as const) expect(clients.has(client), client).toBe(true);
    for (const client of ['vscode', 'claude-desktop', 'windsurf'] as const) {
      expect(appeared.filter((b) => b.client === client && !b.file.includes(`${path.sep}project${path.sep}`)), client).toEqual([]);
    }
  });
});
