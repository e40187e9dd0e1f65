import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BypassWatch, type BypassingServer } from '../../src/clients/bypass-watch.js';
import { clientDirs } from '../../src/clients/client-dirs.js';
import { linuxHomeCopies } from '../clients/fixture-home.js';

/**
 * Server entries named like Object.prototype's members ("__proto__", "constructor"…) are
 * servers like any other: the client starts them, so Airlock must list, route, restore and
 * watch them. Fixture: test/fixtures/clients/prototype-names (a linux home).
 */
const FIXTURE = fileURLToPath(new URL('../fixtures/clients/prototype-names/', import.meta.url));
const PROTOTYPE_NAMES = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'prototype'];

const home = linuxHomeCopies(FIXTURE, 'airlock-proto-names-');

interface Listed {
  clients: { id: string; files: { path: string; error?: string; servers: { name: string; status: string; routable?: boolean; reason?: string; airlockServer?: string }[] }[] }[];
}

function listed(h: ReturnType<typeof home>): Map<string, Listed['clients'][number]['files'][number]['servers']> {
  const result = h.cli(['clients', 'list', '--json', ...h.where]);
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  const byClient = new Map<string, Listed['clients'][number]['files'][number]['servers']>();
  for (const c of (JSON.parse(result.stdout) as Listed).clients) {
    for (const f of c.files) expect(f.error, `${f.path} reads`).toBeUndefined();
    byClient.set(c.id, c.files.flatMap((f) => f.servers));
  }
  return byClient;
}

const EXPECTED: Record<string, string[]> = {
  'claude-desktop': PROTOTYPE_NAMES,
  vscode: ['__proto__', 'constructor'],
  zed: ['__proto__', 'toString'],
  codex: ['__proto__', 'constructor'],
  continue: ['__proto__', 'constructor', 'proto-env'],
};

describe('client entries named like prototype members', () => {
  it('clients list shows every one of them, in JSONC, TOML and YAML files, as bypassing and routable', () => {
    const h = home();
    const servers = listed(h);
    for (const [client, names] of Object.entries(EXPECTED)) {
      expect(servers.get(client)?.map((s) => s.name), client).toEqual(names);
      for (const s of servers.get(client) ?? []) {
        expect(s.status, `${client} ${s.name}`).toBe('bypassing');
        if (s.name !== 'proto-env') expect(s.routable, `${client} ${s.name}`).toBe(true);
      }
    }
  });

  it('an env variable named "__proto__" leaves its entry unrouted with the reason, never dropped', () => {
    const h = home();
    const protoEnv = listed(h).get('continue')?.find((s) => s.name === 'proto-env');
    expect(protoEnv).toMatchObject({ status: 'bypassing', routable: false });
    expect(protoEnv?.reason).toContain('"__proto__" is not a name Airlock can set');

    const install = h.cli(['clients', 'install', '--yes', ...h.where]);
    expect(install.status).toBe(0);
    expect(install.stdout).toContain('proto-env');
    expect(install.stdout).toContain('"__proto__" is not a name Airlock can set');
    const yaml = fs.readFileSync(h.file('.continue/config.yaml'), 'utf8');
    expect(yaml).toContain('      __proto__: kept-by-continue\n');
  });

  it('install routes every one of them, and restore gives each file back byte for byte', () => {
    const h = home();
    const files = ['.config/Claude/claude_desktop_config.json', '.config/Code/User/mcp.json', '.config/zed/settings.json', '.codex/config.toml', '.continue/config.yaml'];
    const before = new Map(files.map((f) => [f, fs.readFileSync(h.file(f))]));

    const install = h.cli(['clients', 'install', '--yes', ...h.where]);
    expect(install.stderr).toBe('');
    expect(install.status).toBe(0);
    const after = listed(h);
    for (const [client, names] of Object.entries(EXPECTED)) {
      const routed = (after.get(client) ?? []).filter((s) => s.status === 'routed').map((s) => s.name);
      expect(routed, client).toEqual(names.filter((n) => n !== 'proto-env'));
    }
    // The "__proto__" entry itself now runs Airlock (in the file, not only in Airlock's reading of it).
    const desktop = JSON.parse(fs.readFileSync(h.file(files[0]!), 'utf8')) as { mcpServers: Record<string, { args: string[] }> };
    const protoEntry = Object.getOwnPropertyDescriptor(desktop.mcpServers, '__proto__')?.value as { args: string[] } | undefined;
    expect(protoEntry?.args).toContain('connect');
    expect(protoEntry?.args.at(-1)).toBe('proto__');
    expect(fs.readFileSync(h.file('.codex/config.toml'), 'utf8')).toMatch(/\[mcp_servers\.__proto__\]\ncommand = "[^"]+"\nargs = \[[^\]]*"connect"[^\]]*"proto__"\]/);

    const restore = h.cli(['clients', 'restore', '--yes']);
    expect(restore.stderr).toBe('');
    expect(restore.status).toBe(0);
    for (const f of files) expect(fs.readFileSync(h.file(f)).equals(before.get(f)!), f).toBe(true);
  });

  it("the Host's bypass watch reports every one of them", () => {
    const h = home();
    const appeared: BypassingServer[] = [];
    const watch = new BypassWatch(clientDirs({ userHome: h.userHome, platform: 'linux' }), (a) => appeared.push(...a));
    watch.poll();
    for (const [client, names] of Object.entries(EXPECTED)) {
      expect(appeared.filter((b) => b.client === client).map((b) => b.name), client).toEqual(names);
    }
  });
});
