import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listAuditEvents, verifyAuditChain } from '../../src/engine/audit/index.js';
import { getServerConfig, openStore } from '../../src/engine/store/index.js';
import { runCli } from '../support/run-cli.js';
import { makeTempDir } from '../support/temp-dir.js';

const TOKEN = 'ghp_Sup3rSecretTokenValue0123456789';
const OTHER_SECRET = 'xoxb-another-secret-value-42';

let tmp: ReturnType<typeof makeTempDir>;
let home: string;
beforeEach(() => {
  tmp = makeTempDir('airlock-servers-cli-');
  home = path.join(tmp.dir, 'home');
});
afterEach(() => tmp.cleanup());

const airlock = (args: readonly string[], input?: string, env: NodeJS.ProcessEnv = {}) => runCli(['--home', home, ...args], env, { input });

/** Every byte Airlock keeps in its database files, as text, to search for a leaked value. */
function databaseBytes(): string {
  return ['airlock.db', 'airlock.db-wal']
    .map((name) => path.join(home, name))
    .filter((file) => fs.existsSync(file))
    .map((file) => fs.readFileSync(file).toString('latin1'))
    .join('\n');
}

function withStore<T>(fn: (store: ReturnType<typeof openStore>) => T): T {
  const store = openStore(home);
  try {
    return fn(store);
  } finally {
    store.close();
  }
}

describe('airlock servers add / list / remove', () => {
  it('adds, lists (text and JSON) and removes a server', () => {
    const add = airlock(['servers', 'add', 'memory', '--env', 'LOG_LEVEL=debug', '--', 'npx', '-y', '@modelcontextprotocol/server-memory']);
    expect(add.stderr).toBe('');
    expect(add.status).toBe(0);
    expect(add.stdout).toBe('added server "memory": npx -y @modelcontextprotocol/server-memory with LOG_LEVEL=debug; its tools will be held until you review them\n');

    const list = airlock(['servers', 'list']);
    expect(list.status).toBe(0);
    expect(list.stdout).toBe(
      'memory (not started yet)\n  command: npx -y @modelcontextprotocol/server-memory\n  env: LOG_LEVEL=debug\n  first listing: held until reviewed\n',
    );
    const json = JSON.parse(airlock(['servers', 'list', '--json']).stdout);
    expect(json).toEqual([
      {
        name: 'memory',
        command: 'npx',
        args: ['-y', '@modelcontextprotocol/server-memory'],
        env: { LOG_LEVEL: 'debug' },
        envFrom: {},
        secrets: {},
        approveOnFirstList: false,
        createdAt: expect.stringMatching(/^\d{4}-/),
        state: null,
        generation: null,
      },
    ]);

    const remove = airlock(['servers', 'remove', 'memory']);
    expect(remove.status).toBe(0);
    expect(remove.stdout).toBe('removed server "memory" (npx -y @modelcontextprotocol/server-memory) and its secrets; its audit events and approved baselines are kept.\n');
    expect(airlock(['servers', 'list', '--json']).stdout).toBe('[]\n');
    expect(airlock(['servers', 'list']).stdout).toMatch(/^no servers configured/);
  });

  it('lists nothing for a home that does not exist, and creates no home doing so', () => {
    const r = airlock(['servers', 'list', '--json']);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual([]);
    expect(fs.existsSync(home)).toBe(false);
  });

  it("shows the controller's state and generation once the Host has seen the server", () => {
    airlock(['servers', 'add', 'fs', '--approve', '--', 'node', 'server.js']);
    withStore((store) => store.putServer({ name: 'fs', state: 'AMBER', generation: 2, liveSurface: null, liveHash: null }));
    expect(airlock(['servers', 'list']).stdout).toMatch(/^fs \(AMBER, generation 2\)\n.*\n {2}first listing: approved as listed \(--approve: trust on first use\)\n$/s);
    expect(JSON.parse(airlock(['servers', 'list', '--json']).stdout)[0]).toMatchObject({ approveOnFirstList: true, state: 'AMBER', generation: 2 });
  });

  it('audits add and remove with the command name only, keeps the audit log and baselines after remove', () => {
    airlock(['servers', 'add', 'gh', '--secret', 'GITHUB_TOKEN', '--env', 'LOG=verbose-value', '--', 'npx', '--token-arg=hidden-arg', 'pkg'], `${TOKEN}\n`);
    withStore((store) => store.putServer({ name: 'gh', state: 'GREEN', generation: 0, liveSurface: null, liveHash: null }));
    const removed = airlock(['servers', 'remove', 'gh']);
    expect(removed.stderr).toBe('');
    expect(removed.status).toBe(0);
    withStore((store) => {
      const events = listAuditEvents(store, { server: 'gh' });
      expect(events.map((e) => [e.type, e.detail])).toEqual([
        ['server.added', { command: 'npx', approveOnFirstList: false, replaced: false }],
        ['server.removed', { command: 'npx' }],
      ]);
      expect(JSON.stringify(events)).not.toMatch(/verbose-value|hidden-arg|ghp_/);
      expect(verifyAuditChain(store).ok).toBe(true);
      expect(store.getServer('gh')?.state).toBe('GREEN');
      expect(getServerConfig(store, 'gh')).toBeUndefined();
    });
  });

  it('refuses to remove an unknown server with exit 2', () => {
    const r = airlock(['servers', 'remove', 'ghost']);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('airlock: no server named "ghost" is configured; nothing was changed. See the servers with: airlock servers list\n');
  });
});

describe('airlock servers add: secrets', () => {
  it('reads secrets from stdin, one line per --secret, and keeps them out of output, database and audit log', () => {
    const add = airlock(['servers', 'add', 'gh', '--secret', 'GITHUB_TOKEN', '--secret', 'SLACK_TOKEN', '--', 'npx', '-y', 'pkg'], `${TOKEN}\n${OTHER_SECRET}\n`);
    expect(add.status).toBe(0);
    expect(add.stdout).toBe('added server "gh": npx -y pkg with GITHUB_TOKEN=*** SLACK_TOKEN=***; its tools will be held until you review them\n');

    const secretsFile = path.join(home, 'secrets.json');
    expect(JSON.parse(fs.readFileSync(secretsFile, 'utf8'))).toEqual({ version: 1, servers: { gh: { GITHUB_TOKEN: TOKEN, SLACK_TOKEN: OTHER_SECRET } } });
    if (process.platform !== 'win32') expect(fs.statSync(secretsFile).mode & 0o777).toBe(0o600);

    const text = airlock(['servers', 'list']);
    const json = airlock(['servers', 'list', '--json']);
    expect(text.stdout).toContain('  secrets: GITHUB_TOKEN=*** SLACK_TOKEN=***\n');
    expect(JSON.parse(json.stdout)[0].secrets).toEqual({ GITHUB_TOKEN: '***', SLACK_TOKEN: '***' });
    for (const output of [add.stdout, add.stderr, text.stdout, json.stdout, databaseBytes()]) {
      expect(output).not.toContain(TOKEN);
      expect(output).not.toContain(OTHER_SECRET);
    }
    withStore((store) => expect(JSON.stringify(listAuditEvents(store))).not.toMatch(/ghp_|xoxb-/));
  });

  it('refuses --secret KEY=VALUE, explaining why, without echoing the value or storing anything', () => {
    const r = airlock(['servers', 'add', 'gh', '--secret', `GITHUB_TOKEN=${TOKEN}`, '--', 'npx', 'pkg']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--secret takes a variable name only, never KEY=VALUE: a value on the command line is visible to other users in the process list/);
    expect(r.stderr).toMatch(/Pipe it on stdin .*--secret GITHUB_TOKEN.*rotate it/);
    expect(r.stderr).not.toContain(TOKEN);
    expect(fs.existsSync(path.join(home, 'secrets.json'))).toBe(false);
    expect(JSON.parse(airlock(['servers', 'list', '--json']).stdout)).toEqual([]);
  });

  it('refuses a secret value given as a word before --, without echoing it', () => {
    const r = airlock(['servers', 'add', 'gh', '--secret', 'GITHUB_TOKEN', TOKEN, '--', 'npx', 'pkg'], 'x-value\n');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/takes the server's NAME before -- and nothing else; found 1 more word\(s\) before --.*rotate it/);
    expect(r.stderr).not.toContain(TOKEN);
    expect(databaseBytes()).not.toContain(TOKEN);
  });

  it('refuses an empty value and a wrong number of lines on stdin', () => {
    const empty = airlock(['servers', 'add', 'gh', '--secret', 'A', '--', 'cmd'], '\n');
    expect(empty.status).toBe(2);
    expect(empty.stderr).toMatch(/the value given for secret A is empty/);
    const short = airlock(['servers', 'add', 'gh', '--secret', 'A', '--secret', 'B', '--', 'cmd'], 'only-one\n');
    expect(short.status).toBe(2);
    expect(short.stderr).toMatch(/expected 2 lines on stdin, one value per --secret \(A, B\), in that order; got 1/);
    const none = airlock(['servers', 'add', 'gh', '--secret', 'A', '--', 'cmd']);
    expect(none.stderr).toMatch(/expected 1 line on stdin.*got 0/);
    expect(JSON.parse(airlock(['servers', 'list', '--json']).stdout)).toEqual([]);
  });

  it.runIf(process.platform !== 'win32')('writes neither config nor secret when secrets.json is readable by others, and says how to fix it', () => {
    airlock(['servers', 'add', 'first', '--secret', 'A', '--', 'cmd'], 'value-a\n');
    fs.chmodSync(path.join(home, 'secrets.json'), 0o644);
    const add = airlock(['servers', 'add', 'second', '--secret', 'B', '--', 'cmd'], 'value-b\n');
    expect(add.status).toBe(2);
    expect(add.stderr).toMatch(/secrets\.json has mode 0644, so other users could read it\. Run: chmod 600/);
    const remove = airlock(['servers', 'remove', 'first']);
    expect(remove.status).toBe(2);
    expect(JSON.parse(airlock(['servers', 'list', '--json']).stdout).map((s: { name: string }) => s.name)).toEqual(['first']);
    withStore((store) => expect(listAuditEvents(store).map((e) => e.type)).toEqual(['server.added']));
  });

  it('strips a Windows line end from a value read on stdin', () => {
    expect(airlock(['servers', 'add', 'gh', '--secret', 'A', '--', 'cmd'], 'value-a\r\n').status).toBe(0);
    expect(JSON.parse(fs.readFileSync(path.join(home, 'secrets.json'), 'utf8')).servers.gh).toEqual({ A: 'value-a' });
  });

  it('removes the secrets with the server', () => {
    airlock(['servers', 'add', 'gh', '--secret', 'A', '--', 'cmd'], 'value-a\n');
    airlock(['servers', 'add', 'other', '--secret', 'B', '--', 'cmd'], 'value-b\n');
    expect(airlock(['servers', 'remove', 'gh']).status).toBe(0);
    expect(JSON.parse(fs.readFileSync(path.join(home, 'secrets.json'), 'utf8')).servers).toEqual({ other: { B: 'value-b' } });
  });
});

describe('airlock servers add: refusals and replacement', () => {
  it('stores an --env-from reference, never the value of the variable', () => {
    const r = airlock(['servers', 'add', 'api', '--env-from', 'API_KEY=MY_API_KEY', '--env-from', 'REGION=$MY_REGION', '--', 'node', 'server.js'], undefined, {
      MY_API_KEY: 'value-of-the-host-variable',
    });
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('added server "api": node server.js with API_KEY=$MY_API_KEY REGION=$MY_REGION; its tools will be held until you review them\n');
    expect(databaseBytes()).not.toContain('value-of-the-host-variable');
    withStore((store) => expect(getServerConfig(store, 'api')?.envFrom).toEqual({ API_KEY: 'MY_API_KEY', REGION: 'MY_REGION' }));
    expect(airlock(['servers', 'list']).stdout).toContain('  env-from: API_KEY=$MY_API_KEY REGION=$MY_REGION\n');
  });

  it('refuses an existing name unless --replace, which replaces the config and its secrets', () => {
    airlock(['servers', 'add', 'gh', '--secret', 'OLD', '--', 'old-cmd'], 'old-value\n');
    const again = airlock(['servers', 'add', 'gh', '--', 'new-cmd']);
    expect(again.status).toBe(2);
    expect(again.stderr).toMatch(/a server named "gh" already exists \(old-cmd\); nothing was changed\. Add --replace to replace it/);

    const replaced = airlock(['servers', 'add', 'gh', '--replace', '--approve', '--secret', 'NEW', '--', 'new-cmd'], 'new-value\n');
    expect(replaced.status).toBe(0);
    expect(replaced.stdout).toMatch(/^replaced server "gh": new-cmd with NEW=\*\*\*; its tools will be pinned as approved the first time it lists them \(--approve\)\n$/);
    expect(JSON.parse(fs.readFileSync(path.join(home, 'secrets.json'), 'utf8')).servers).toEqual({ gh: { NEW: 'new-value' } });
    expect(airlock(['servers', 'add', 'gh', '--replace', '--', 'plain']).status).toBe(0);
    expect(JSON.parse(fs.readFileSync(path.join(home, 'secrets.json'), 'utf8')).servers).toEqual({});
  });

  it.each([
    [['--env', '1BAD=x'], /--env: "1BAD" is not a valid variable name/],
    [['--env', 'NOEQUALS'], /--env expects KEY=VALUE; got an argument without "="/],
    [['--env-from', 'BAD-KEY=HOME'], /--env-from: "BAD-KEY" is not a valid variable name/],
    [['--secret', 'bad-key'], /secrets: "bad-key" is not a valid variable name/],
    [['--env', 'A=1', '--env', 'A=2'], /--env A is given twice/],
    [['--env', 'TOKEN=x', '--secret', 'TOKEN'], /variable TOKEN is given in both env and secrets/],
  ])('refuses bad variables: %j', (options, message) => {
    const r = airlock(['servers', 'add', 'srv', ...options, '--', 'cmd'], 'v-value\n');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(JSON.parse(airlock(['servers', 'list', '--json']).stdout)).toEqual([]);
  });

  it('refuses a bad server name', () => {
    const r = airlock(['servers', 'add', '-bad', '--', 'cmd']);
    expect(r.status).toBe(2);
    const spaced = airlock(['servers', 'add', 'has space', '--', 'cmd']);
    expect(spaced.status).toBe(2);
    expect(spaced.stderr).toMatch(/server "has space" cannot be configured: name: use 1 to 64 letters/);
  });

  it('refuses a missing command, with or without --', () => {
    const noSeparator = airlock(['servers', 'add', 'srv']);
    expect(noSeparator.status).toBe(2);
    expect(noSeparator.stderr).toMatch(/put the server's command after --/);
    const nothingAfter = airlock(['servers', 'add', 'srv', '--']);
    expect(nothingAfter.status).toBe(2);
    expect(nothingAfter.stderr).toMatch(/the server's command is missing after --/);
    const nameAfter = airlock(['servers', 'add', '--', 'srv', 'node']);
    expect(nameAfter.status).toBe(2);
    expect(nameAfter.stderr).toMatch(/the server's NAME goes before --/);
    const wordsWithoutSeparator = airlock(['servers', 'add', 'srv', 'node', 'server.js']);
    expect(wordsWithoutSeparator.status).toBe(2);
    expect(wordsWithoutSeparator.stderr).toMatch(/put the server's command after --/);
  });

  it("gives options after -- to the server's command, not to Airlock", () => {
    const elsewhere = path.join(tmp.dir, 'elsewhere');
    for (const args of [
      ['servers', 'add', 'pkg', '--', 'npx', '-y', 'pkg', '--flag', '--approve', '--home', elsewhere, '--secret', 'X', '--', 'tail'],
      ['servers', 'add', 'pkg2', '--env', 'A=1', '--', 'npx', '-y', 'pkg', '--flag', '--approve', '--home', elsewhere, '--secret', 'X', '--', 'tail'],
    ]) {
      const r = airlock(args);
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
    }
    withStore((store) => {
      for (const name of ['pkg', 'pkg2']) {
        const config = getServerConfig(store, name);
        expect(config).toMatchObject({ command: 'npx', args: ['-y', 'pkg', '--flag', '--approve', '--home', elsewhere, '--secret', 'X', '--', 'tail'], approveOnFirstList: false, secretKeys: [] });
      }
    });
    expect(fs.existsSync(elsewhere)).toBe(false);
  });

  it('puts the home option anywhere before --, and reads AIRLOCK_HOME', () => {
    expect(runCli(['servers', 'add', 'a', '--home', home, '--', 'cmd']).status).toBe(0);
    expect(runCli(['servers', 'list', '--json'], { AIRLOCK_HOME: home }).stdout).toContain('"name": "a"');
  });
});
