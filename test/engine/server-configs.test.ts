import { beforeEach, describe, expect, it } from 'vitest';
import {
  deleteServerConfig,
  getServerConfig,
  listServerConfigs,
  putServerConfig,
  ServerConfigError,
  StoreError,
  type ServerConfigInput,
  type Store,
} from '../../src/engine/store/index.js';
import { useTempStore } from './fixtures/temp-store.js';

const temp = useTempStore();
let store: Store;
beforeEach(() => {
  store = temp.store;
});

const github: ServerConfigInput = {
  name: 'github',
  command: 'npx',
  args: ['-y', '@modelcontextprotocol/server-github'],
  env: { LOG_LEVEL: 'debug' },
  envFrom: { GITHUB_HOST: 'GH_HOST' },
  secretKeys: ['GITHUB_TOKEN'],
  approveOnFirstList: false,
};

describe('server configs in the store', () => {
  it('round-trips a config with every field, createdAt defaulting to now', () => {
    const stored = putServerConfig(store, github);
    expect(stored.createdAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(getServerConfig(store, 'github')).toEqual({ ...github, createdAt: stored.createdAt });
    expect(getServerConfig(store, 'nope')).toBeUndefined();
  });

  it('lists configs by name and replaces one on a second put', () => {
    putServerConfig(store, { ...github, name: 'zeta' });
    putServerConfig(store, github);
    putServerConfig(store, { ...github, args: ['--other'], approveOnFirstList: true });
    expect(listServerConfigs(store).map((c) => [c.name, c.args, c.approveOnFirstList])).toEqual([
      ['github', ['--other'], true],
      ['zeta', ['-y', '@modelcontextprotocol/server-github'], false],
    ]);
  });

  it('deletes a config, saying whether there was one, and leaves the server record in place', () => {
    putServerConfig(store, github);
    store.putServer({ name: 'github', state: 'GREEN', generation: 0, liveSurface: null, liveHash: null });
    expect(deleteServerConfig(store, 'github')).toBe(true);
    expect(deleteServerConfig(store, 'github')).toBe(false);
    expect(getServerConfig(store, 'github')).toBeUndefined();
    expect(store.getServer('github')?.state).toBe('GREEN');
  });

  it('stores the names of secret keys and Host variables, never a secret value', () => {
    putServerConfig(store, github);
    const row = store.db.prepare('SELECT env, env_from, secret_keys FROM server_configs').get();
    expect(row).toEqual({ env: '{"LOG_LEVEL":"debug"}', env_from: '{"GITHUB_HOST":"GH_HOST"}', secret_keys: '["GITHUB_TOKEN"]' });
  });
});

describe('server config validation', () => {
  it.each([
    ['', /name: use 1 to 64 letters/],
    ['-leading-dash', /name: use 1 to 64 letters/],
    ['has space', /name: use 1 to 64 letters/],
    ['a'.repeat(65), /name: use 1 to 64 letters/],
  ])('refuses the server name %j', (name, message) => {
    expect(() => putServerConfig(store, { ...github, name })).toThrow(message);
  });

  it('accepts names of 64 characters with dots, dashes and underscores', () => {
    const name = `a1.b_c-${'x'.repeat(57)}`;
    expect(putServerConfig(store, { ...github, name }).name).toBe(name);
  });

  it('refuses an empty command', () => {
    expect(() => putServerConfig(store, { ...github, command: '' })).toThrow(/server "github" cannot be configured: command: must not be empty/);
  });

  it.each([
    ['env', { ...github, env: { '1BAD': 'x' } }],
    ['env-from', { ...github, envFrom: { 'BAD-KEY': 'HOME' } }],
    ['secrets', { ...github, secretKeys: ['BAD KEY'] }],
  ])('refuses a bad variable name in %s', (label, config) => {
    expect(() => putServerConfig(store, config)).toThrow(new RegExp(`${label}: ".*" is not a valid variable name`));
  });

  it('refuses a variable that takes its value from two places, naming both', () => {
    expect(() => putServerConfig(store, { ...github, env: { GITHUB_TOKEN: 'x' } })).toThrow(
      /variable GITHUB_TOKEN is given in both env and secrets: each variable takes its value from one place only/,
    );
    expect(() => putServerConfig(store, { ...github, envFrom: { GITHUB_TOKEN: 'T' } })).toThrow(/in both env-from and secrets/);
    expect(() => putServerConfig(store, { ...github, secretKeys: ['A', 'A'] })).toThrow(/variable A is given twice in secrets/);
  });

  it('refuses a Host variable written with "$" and a NUL in a value', () => {
    expect(() => putServerConfig(store, { ...github, envFrom: { GITHUB_HOST: '$GH_HOST' } })).toThrow(/envFrom.GITHUB_HOST: give the Host variable name without "\$"/);
    expect(() => putServerConfig(store, { ...github, args: ['a\0b'] })).toThrow(/args.0: must not contain a NUL character/);
  });

  it('throws a ServerConfigError and writes nothing when a config is refused', () => {
    expect(() => putServerConfig(store, { ...github, name: 'bad name' })).toThrow(ServerConfigError);
    expect(listServerConfigs(store)).toEqual([]);
  });

  it('refuses at the table level a flag other than 0/1 and args that are not a JSON array', () => {
    const insert = store.db.prepare("INSERT INTO server_configs (name, command, args, env, env_from, secret_keys, approve_on_first_list, created_at) VALUES ('x', 'cmd', ?, '{}', '{}', '[]', ?, 'now')");
    expect(() => insert.run('[]', 2)).toThrow(/CHECK constraint/);
    expect(() => insert.run('{"a":1}', 0)).toThrow(/CHECK constraint/);
  });

  it('refuses at the table level a row that is both or neither a command and a remote endpoint', () => {
    const insert = store.db.prepare("INSERT INTO server_configs (name, command, args, env, env_from, secret_keys, approve_on_first_list, created_at, remote) VALUES (?, ?, '[]', '{}', '{}', '[]', 0, 'now', ?)");
    expect(() => insert.run('both', 'npx', '{"url":"https://mcp.example.com/mcp"}')).toThrow(/CHECK constraint/);
    expect(() => insert.run('neither', '', null)).toThrow(/CHECK constraint/);
    expect(() => insert.run('not-an-object', '', '[1]')).toThrow(/CHECK constraint/);
    insert.run('remote', '', '{"url":"https://mcp.example.com/mcp"}');
    insert.run('local', 'npx', null);
  });

  it('refuses to read a row edited outside Airlock, saying how to repair it', () => {
    putServerConfig(store, github);
    store.db.prepare(`UPDATE server_configs SET env = '{"bad key":"x"}'`).run();
    expect(() => getServerConfig(store, 'github')).toThrow(StoreError);
    expect(() => listServerConfigs(store)).toThrow(/stored config of server "github" is invalid .*changed outside Airlock.*airlock servers add github --replace/);
  });
});
