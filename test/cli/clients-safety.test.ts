import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../../src/clients/config-syntax.js';
import { linuxFixtureHomes, type FixtureHome } from '../clients/fixture-home.js';
import { AIRLOCK_BIN, runCli } from '../support/run-cli.js';

/**
 * What a user trusting Airlock with their editor's config expects: their edits survive a
 * restore, a broken file is never touched, a killed write loses nothing, nothing changes
 * without their yes, and two writers never interleave.
 */

const fixture = linuxFixtureHomes();

function cli(h: FixtureHome, args: string[], env: NodeJS.ProcessEnv = {}) {
  return runCli(['--home', h.airlockHome, ...args], env);
}

const at = (h: FixtureHome, relative: string): string => path.join(h.userHome, relative);
const CURSOR = '.cursor/mcp.json';
const ZED = '.config/zed/settings.json';
const CODEX = '.codex/config.toml';
const CONTINUE = '.continue/config.yaml';
const CLAUDE_CODE = '.claude.json';

function install(h: FixtureHome): void {
  const result = cli(h, ['clients', 'install', '--yes', ...h.where()]);
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
}

describe('clients restore after the user edited a file', () => {
  it("keeps the user's unrelated edits and reverts only Airlock's entries, in JSONC, TOML, YAML and ~/.claude.json", () => {
    const h = fixture();
    const original = new Map([ZED, CODEX, CONTINUE, CLAUDE_CODE].map((f) => [f, fs.readFileSync(at(h, f), 'utf8')]));
    install(h);
    // The user's own edits, each in a part of the file Airlock does not own.
    const edits: Record<string, [string, string]> = {
      [ZED]: ['"vim_mode": true', '"vim_mode": false'],
      [CODEX]: ['model = "', 'model = "gpt-5-codex-user-edit-'],
      [CONTINUE]: ['name: ', 'name: user-edited '],
      [CLAUDE_CODE]: ['"numStartups": ', '"numStartups": 9'],
    };
    for (const [file, [from, to]] of Object.entries(edits)) {
      const text = fs.readFileSync(at(h, file), 'utf8');
      expect(text.includes(from), `${file} contains ${from}`).toBe(true);
      fs.writeFileSync(at(h, file), text.replace(from, to));
    }
    const restore = cli(h, ['clients', 'restore', '--yes']);
    expect(restore.status).toBe(0);
    expect(restore.stdout).toContain('only Airlock\'s entries are reverted, your edits stay');
    for (const [file, [from, to]] of Object.entries(edits)) {
      const format = file.endsWith('.toml') ? 'toml' : file.endsWith('.yaml') ? 'yaml' : 'jsonc';
      const restored = fs.readFileSync(at(h, file), 'utf8');
      expect(restored, `${file} keeps the user's edit`).toContain(to);
      expect(restored, `${file} has no Airlock entry left`).not.toContain('airlock.js');
      // Semantically the original plus the user's edit, nothing else.
      const expected = parseConfigText(original.get(file)!.replace(from, to), format, file);
      expect(parseConfigText(restored, format, file), file).toEqual(expected);
    }
  });

  it('leaves an entry the user re-pointed themselves as they made it, and says so', () => {
    const h = fixture();
    install(h);
    const file = at(h, CURSOR);
    const text = fs.readFileSync(file, 'utf8');
    const mine = text.replace(/"github-cursor"|"github"(?=\s*\])/, '"my-own-server"');
    expect(mine).not.toBe(text);
    fs.writeFileSync(file, mine);
    const restore = cli(h, ['clients', 'restore', '--yes', '--client', 'cursor']);
    expect(restore.status).toBe(0);
    expect(restore.stdout).toMatch(/"github" no longer runs Airlock server "github[^"]*" \(you changed it\); left as you made it/);
    expect(fs.readFileSync(file, 'utf8')).toContain('"my-own-server"');
  });
});

describe('clients install with a file it cannot parse', () => {
  it('leaves that file untouched, names it and its line, and still routes the other clients', () => {
    const h = fixture();
    const cursor = at(h, CURSOR);
    const broken = fs.readFileSync(cursor, 'utf8').replace(/\n(\s*)"github"/, '\n$1"github" "oops"');
    fs.writeFileSync(cursor, broken);
    const line = broken.split('\n').findIndex((l) => l.includes('"oops"')) + 1;
    const result = cli(h, ['clients', 'install', '--yes', ...h.where()]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`${cursor}:${line}:`);
    expect(result.stderr).toContain('left it untouched');
    expect(fs.readFileSync(cursor, 'utf8')).toBe(broken);
    expect(fs.readFileSync(at(h, CODEX), 'utf8')).toContain('airlock.js');
  });
});

describe('an install killed between the temp write and the rename', () => {
  it('leaves the original intact; the next install cleans up and completes, and restore is exact', async () => {
    const h = fixture();
    const before = h.snapshot();
    const marker = path.join(h.dir, 'paused');
    const child = spawn(process.execPath, [AIRLOCK_BIN, '--home', h.airlockHome, 'clients', 'install', '--yes', '--client', 'cursor', ...h.where()], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, AIRLOCK_TEST_PAUSE_BEFORE_RENAME: marker },
      stdio: 'ignore',
    });
    const exited = new Promise((resolve) => child.on('exit', resolve));
    const deadline = Date.now() + 20_000;
    while (!fs.existsSync(marker) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
    expect(fs.existsSync(marker)).toBe(true);
    const temp = fs.readFileSync(marker, 'utf8');
    expect(fs.existsSync(temp)).toBe(true);
    child.kill('SIGKILL');
    await exited;

    for (const [file, bytes] of before) expect(h.snapshot().get(file)?.equals(bytes), `${file} intact`).toBe(true);

    install(h);
    expect(fs.existsSync(temp)).toBe(false);
    expect(fs.readdirSync(path.dirname(at(h, CURSOR))).filter((n) => n.endsWith('.tmp'))).toEqual([]);
    expect(fs.readFileSync(at(h, CURSOR), 'utf8')).toContain('airlock.js');

    const restore = cli(h, ['clients', 'restore', '--yes']);
    expect(restore.status).toBe(0);
    for (const [file, bytes] of before) expect(h.snapshot().get(file)?.equals(bytes), `${file} restored exactly`).toBe(true);
  });

  it('refuses a second writer while the first holds the lock, naming its pid', async () => {
    const h = fixture();
    const marker = path.join(h.dir, 'paused');
    const child = spawn(process.execPath, [AIRLOCK_BIN, '--home', h.airlockHome, 'clients', 'install', '--yes', '--client', 'cursor', ...h.where()], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, AIRLOCK_TEST_PAUSE_BEFORE_RENAME: marker },
      stdio: 'ignore',
    });
    const exited = new Promise((resolve) => child.on('exit', resolve));
    try {
      const deadline = Date.now() + 20_000;
      while (!fs.existsSync(marker) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
      const second = cli(h, ['clients', 'install', '--yes', ...h.where()]);
      expect(second.status).toBe(1);
      expect(second.stderr).toContain(`another Airlock process (pid ${child.pid}) is changing client configs`);
    } finally {
      child.kill('SIGKILL');
      await exited;
    }
  });
});

describe('clients install asks before it changes anything', () => {
  it('without a terminal and without --yes it shows the change, changes nothing and exits 2', () => {
    const h = fixture();
    const before = h.snapshot();
    const result = cli(h, ['clients', 'install', ...h.where()]);
    expect(result.status).toBe(2);
    expect(result.stdout).toContain('+++');
    expect(result.stderr).toContain('Run it again with --yes');
    for (const [file, bytes] of before) expect(h.snapshot().get(file)?.equals(bytes)).toBe(true);
    const servers = cli(h, ['servers', 'list', '--json']);
    expect(JSON.parse(servers.stdout)).toEqual([]);
  });

  it('restore without a terminal and without --yes shows the change and leaves the routed files as they are', () => {
    const h = fixture();
    install(h);
    const installed = h.snapshot();
    const result = cli(h, ['clients', 'restore']);
    expect(result.status).toBe(2);
    expect(result.stdout).toContain('goes back byte for byte');
    expect(result.stderr).toContain('clients restore changes your client files only when you agree');
    for (const [file, bytes] of installed) expect(h.snapshot().get(file)?.equals(bytes)).toBe(true);
  });

  it('--dry-run shows the diff and changes nothing', () => {
    const h = fixture();
    const before = h.snapshot();
    const result = cli(h, ['clients', 'install', '--dry-run', ...h.where()]);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain(`--- ${at(h, CURSOR)}`);
    expect(result.stdout).toContain('Dry run: nothing was changed.');
    for (const [file, bytes] of before) expect(h.snapshot().get(file)?.equals(bytes)).toBe(true);
  });

  it.each([
    ['n', false],
    ['y', true],
  ])('in a terminal it asks, and answering %s %s', (answer, applies) => {
    const h = fixture();
    const command = [process.execPath, AIRLOCK_BIN, '--home', h.airlockHome, 'clients', 'install', '--client', 'cursor', ...h.where()].map((w) => `'${w}'`).join(' ');
    // util-linux `script` gives the command a real terminal; the answer is typed into it.
    const result = spawnSync('script', ['-qec', command, '/dev/null'], { input: `${answer}\n`, encoding: 'utf8', timeout: 30_000 });
    expect(result.stdout).toContain('Route these servers through Airlock? [y/N]');
    expect(fs.readFileSync(at(h, CURSOR), 'utf8').includes('airlock.js')).toBe(applies);
  });
});

describe('clients install keeps file permissions', () => {
  it('a 0640 file is still 0640 after install and after restore', () => {
    const h = fixture();
    fs.chmodSync(at(h, CURSOR), 0o640);
    install(h);
    expect(fs.statSync(at(h, CURSOR)).mode & 0o777).toBe(0o640);
    expect(cli(h, ['clients', 'restore', '--yes']).status).toBe(0);
    expect(fs.statSync(at(h, CURSOR)).mode & 0o777).toBe(0o640);
  });
});
