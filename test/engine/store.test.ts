import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../src/engine/store/migrations/index.js';
import { openStore, StoreError, type Store } from '../../src/engine/store/index.js';
import { makeTempDir } from './fixtures/child-fixture.js';

const mode = (file: string): number => fs.statSync(file).mode & 0o777;
const posixOnly = process.platform === 'win32' ? it.skip : it;

let tmp: ReturnType<typeof makeTempDir>;
let home: string;
const opened: Store[] = [];
const open = (options?: { readonly?: boolean }): Store => {
  const store = openStore(home, options);
  opened.push(store);
  return store;
};

beforeEach(() => {
  tmp = makeTempDir();
  home = path.join(tmp.dir, 'home');
});
afterEach(() => {
  opened.splice(0).forEach((s) => s.close());
  tmp.cleanup();
});

describe('openStore migrations', () => {
  it('creates every table from an empty home and records each migration', () => {
    const store = open();
    const tables = store.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all();
    expect(tables).toEqual(['audit_events', 'audit_journal_mark', 'baselines', 'checkpoints', 'client_policies', 'client_tokens', 'drift_records', 'merkle_nodes', 'meta', 'quarantined_items', 'schema_migrations', 'server_configs', 'servers']);
    const versions = store.db.prepare('SELECT version, name FROM schema_migrations ORDER BY version').all();
    expect(versions).toEqual(MIGRATIONS.map((m) => ({ version: m.version, name: m.name })));
    expect(store.migrationsApplied).toEqual(MIGRATIONS.map((m) => m.version));
  });

  it('applies nothing twice when an existing home is reopened', () => {
    const first = open();
    const before = first.db.prepare('SELECT * FROM schema_migrations').all();
    first.close();
    const second = open();
    expect(second.migrationsApplied).toEqual([]);
    expect(second.db.prepare('SELECT * FROM schema_migrations').all()).toEqual(before);
  });

  it('refuses a database written by a newer Airlock, naming the file and what to do', () => {
    open().close();
    const raw = new Database(path.join(home, 'airlock.db'));
    raw.prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (99, 'from-the-future', '2030-01-01T00:00:00Z')").run();
    raw.close();
    expect(() => open()).toThrow(StoreError);
    expect(() => open()).toThrow(new RegExp(`${path.join(home, 'airlock.db')} has schema version 99, newer than this Airlock understands \\(${MIGRATIONS.length}\\).*upgrade Airlock`));
  });

  it('refuses a file that is not a database with advice to move it aside', () => {
    fs.mkdirSync(home, { mode: 0o700 });
    fs.writeFileSync(path.join(home, 'airlock.db'), 'this is not sqlite, just some text that is long enough to be a header', { mode: 0o600 });
    expect(() => open()).toThrow(/airlock\.db is damaged or not an SQLite database.*Move it aside/);
  });

  it('opens read-only without creating anything, and refuses a home with no database', () => {
    expect(() => open({ readonly: true })).toThrow(/there is no Airlock database at .*airlock\.db/);
    expect(fs.existsSync(home)).toBe(false);
    open().close();
    const reader = open({ readonly: true });
    expect(reader.listServers()).toEqual([]);
    expect(() => reader.setMeta('k', 'v')).toThrow(/readonly/);
  });
});

describe('openStore connection settings', () => {
  it('runs in WAL mode with foreign keys on, synchronous FULL and a busy timeout', () => {
    const store = open();
    expect(store.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(store.db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(store.db.pragma('synchronous', { simple: true })).toBe(2);
    expect(store.db.pragma('busy_timeout', { simple: true })).toBe(10_000);
  });
});

describe('openStore file permissions', () => {
  posixOnly('creates the home 0700 and the database 0600, and the -wal and -shm files 0600 after a write', () => {
    const store = open();
    store.setMeta('written', 'yes');
    expect(mode(home)).toBe(0o700);
    for (const suffix of ['', '-wal', '-shm']) {
      expect(fs.existsSync(store.path + suffix)).toBe(true);
      expect(mode(store.path + suffix)).toBe(0o600);
    }
  });

  posixOnly('keeps those modes under a permissive umask', () => {
    const previous = process.umask(0);
    try {
      const store = open();
      store.setMeta('written', 'yes');
      expect(mode(home)).toBe(0o700);
      expect([mode(store.path), mode(`${store.path}-wal`), mode(`${store.path}-shm`)]).toEqual([0o600, 0o600, 0o600]);
    } finally {
      process.umask(previous);
    }
  });

  posixOnly('tightens a pre-existing 0755 home and 0644 database', () => {
    fs.mkdirSync(home, { mode: 0o755 });
    fs.chmodSync(home, 0o755);
    const db = new Database(path.join(home, 'airlock.db'));
    db.close();
    fs.chmodSync(path.join(home, 'airlock.db'), 0o644);
    const store = open();
    expect(mode(home)).toBe(0o700);
    expect(mode(store.path)).toBe(0o600);
  });

  posixOnly('refuses a database path that is a symbolic link', () => {
    fs.mkdirSync(home, { mode: 0o700 });
    fs.writeFileSync(path.join(tmp.dir, 'elsewhere.db'), '');
    fs.symlinkSync(path.join(tmp.dir, 'elsewhere.db'), path.join(home, 'airlock.db'));
    expect(() => open()).toThrow(/airlock\.db is a symbolic link.*Remove the link/);
  });

  (process.getuid?.() === 0 ? it : it.skip)('refuses a home owned by another user, saying whose and what to do', () => {
    fs.mkdirSync(home, { mode: 0o700 });
    fs.chownSync(home, 4242, 4242);
    expect(() => open()).toThrow(new RegExp(`folder ${home} belongs to another user \\(uid 4242, you are uid 0\\).*Use a home folder that you own`));
  });
});
