import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CLIENT_IDS, type ClientPlatform } from '../../src/clients/client-adapter.js';
import { clientDirs } from '../../src/clients/client-dirs.js';
import { scanClients } from '../../src/clients/client-scan.js';
import { copyFixtureHome, type FixtureHome } from '../clients/fixture-home.js';
import { runCli } from '../support/run-cli.js';

const PLATFORMS: ClientPlatform[] = ['darwin', 'win32', 'linux'];

let homes: FixtureHome[] = [];
afterEach(() => {
  for (const h of homes) h.cleanup();
  homes = [];
});

function fixture(platform: ClientPlatform): FixtureHome {
  const h = copyFixtureHome(platform);
  homes.push(h);
  return h;
}

function cli(h: FixtureHome, args: string[], input?: string) {
  return runCli(['--home', h.airlockHome, ...args], {}, input === undefined ? {} : { input });
}

/** The secret values the fixtures put in client configs, as Airlock's own scan classifies them. */
function movableSecrets(h: FixtureHome): string[] {
  const scan = scanClients(clientDirs({ userHome: h.userHome, platform: h.platform, projects: [h.project] }));
  return scan.flatMap((c) => c.files.flatMap((f) => f.servers.flatMap((s) => (s.route?.ok ? Object.values(s.route.import.secrets) : []))));
}

interface ListedServer {
  name: string;
  status: 'routed' | 'bypassing';
  routable?: boolean;
  airlockServer?: string;
}
interface Listed {
  clients: { id: string; found: boolean; files: { path: string; error?: string; servers: ListedServer[] }[] }[];
}

function list(h: FixtureHome): Listed {
  const result = cli(h, ['clients', 'list', '--json', ...h.where()]);
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  return JSON.parse(result.stdout) as Listed;
}

describe.each(PLATFORMS)('airlock clients on a %s home', (platform) => {
  it('lists every client of the fixture home, each server bypassing before install', () => {
    const h = fixture(platform);
    const listed = list(h);
    expect(listed.clients.map((c) => c.id)).toEqual([...CLIENT_IDS]);
    for (const c of listed.clients) expect(c.found, `${c.id} found`).toBe(true);
    const servers = listed.clients.flatMap((c) => c.files.flatMap((f) => f.servers));
    expect(servers.length).toBeGreaterThan(20);
    expect(new Set(servers.map((s) => s.status))).toEqual(new Set(['bypassing']));
  });

  it('install then restore gives every file back byte for byte', () => {
    const h = fixture(platform);
    const before = h.snapshot();
    const install = cli(h, ['clients', 'install', '--yes', ...h.where()]);
    expect(install.stderr).toBe('');
    expect(install.status).toBe(0);
    const installed = h.snapshot();
    const changed = [...before.keys()].filter((file) => !before.get(file)?.equals(installed.get(file) ?? Buffer.alloc(0)));
    // Every client has at least one routable stdio server in the fixtures, so every client's file changes.
    expect(changed.length).toBeGreaterThanOrEqual(CLIENT_IDS.length);
    const afterList = list(h);
    for (const c of afterList.clients) {
      expect(c.files.flatMap((f) => f.servers).some((s) => s.status === 'routed'), `${c.id} has a routed server`).toBe(true);
    }

    const restore = cli(h, ['clients', 'restore', '--yes']);
    expect(restore.stderr).toBe('');
    expect(restore.status).toBe(0);
    const restored = h.snapshot();
    expect([...restored.keys()].sort()).toEqual([...before.keys()].sort());
    for (const [file, bytes] of before) expect(restored.get(file)?.equals(bytes), `${file} is byte-identical`).toBe(true);
  });

  it('moves secrets out of the configs: never in the rewritten files, the output, the list or the audit log', () => {
    const h = fixture(platform);
    const secrets = movableSecrets(h);
    expect(secrets.length).toBeGreaterThanOrEqual(5);
    const install = cli(h, ['clients', 'install', '--yes', ...h.where()]);
    expect(install.status).toBe(0);
    expect(install.stdout).toMatch(/moved \d+ secret\(s\)/);
    const listText = cli(h, ['clients', 'list', ...h.where()]);
    const listJson = cli(h, ['clients', 'list', '--json', ...h.where()]);
    // Everything Airlock keeps except the secret store and the backups (which hold the files as they were).
    const airlockFiles = fs
      .readdirSync(h.airlockHome, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile() && e.name !== 'secrets.json' && !e.parentPath.includes('backups'))
      .map((e) => fs.readFileSync(path.join(e.parentPath, e.name)).toString('latin1'))
      .join('\n');
    expect(airlockFiles).toContain('client.installed');
    const files = [...h.snapshot().values()].map((b) => b.toString('utf8')).join('\n');
    for (const secret of secrets) {
      for (const [what, text] of [
        ['rewritten files', files],
        ['install output', install.stdout + install.stderr],
        ['clients list', listText.stdout + listJson.stdout],
        ['database, audit log and install record', airlockFiles],
      ] as const) {
        expect(text.includes(secret), `${secret} in ${what}`).toBe(false);
      }
    }
    const store = fs.readFileSync(path.join(h.airlockHome, 'secrets.json'), 'utf8');
    for (const secret of secrets) expect(store).toContain(JSON.stringify(secret));
  });
});
