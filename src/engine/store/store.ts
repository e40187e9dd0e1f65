import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { applyMigrations, assertSchemaCurrent } from './migrate.js';
import { ensurePrivateDir, ensurePrivateFile, tightenPrivateFile } from './private-fs.js';
import {
  baselineToRow,
  rowToBaseline,
  rowToServer,
  serverToRow,
  type BaselineRecord,
  type BaselineRow,
  type ServerRecord,
  type ServerRow,
} from './server-records.js';
import { StoreError, errorMessage } from './store-error.js';

export const DB_FILE_NAME = 'airlock.db';
/** How long a writer waits for another process's transaction before giving up. */
export const BUSY_TIMEOUT_MS = 10_000;

export interface OpenStoreOptions {
  /** Open an existing database for reading only: nothing is created, migrated or chmod-ed. */
  readonly?: boolean;
}

export type ServerRecordInput = Omit<ServerRecord, 'updatedAt'> & { updatedAt?: string };
export type BaselineRecordInput = Omit<BaselineRecord, 'approvedAt'> & { approvedAt?: string };

/**
 * Opens (creating and migrating if needed) the SQLite database of an Airlock home. The database
 * file is created 0600 before SQLite touches it, inside a 0700 folder; SQLite gives its -wal and
 * -shm files the database's mode, and they are checked again after opening.
 */
export function openStore(home: string, options: OpenStoreOptions = {}): Store {
  const readonly = options.readonly === true;
  const dbPath = path.join(home, DB_FILE_NAME);
  if (readonly) {
    if (!fs.existsSync(dbPath)) throw new StoreError(`there is no Airlock database at ${dbPath}. Check the home folder (--home or AIRLOCK_HOME), or start Airlock once to create it.`);
  } else {
    ensurePrivateDir(home);
    // A new file is created 0600 and fstat-checked before SQLite opens it. An existing one is
    // checked by path only: it may be open in another connection of this process, and closing
    // any descriptor of it would silently drop that connection's POSIX locks.
    if (fs.existsSync(dbPath)) tightenPrivateFile(dbPath);
    else ensurePrivateFile(dbPath);
  }
  let db: Database.Database;
  try {
    db = new Database(dbPath, { readonly, fileMustExist: true });
  } catch (error) {
    throw explainSqliteError(error, dbPath);
  }
  try {
    const applied = configure(db, dbPath, readonly);
    const store = new Store(home, dbPath, db, readonly, applied);
    if (!readonly) store.tightenFileModes();
    return store;
  } catch (error) {
    db.close();
    throw error instanceof StoreError ? error : explainSqliteError(error, dbPath);
  }
}

function configure(db: Database.Database, dbPath: string, readonly: boolean): number[] {
  db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  // A database edited by someone else must not get our connection to run risky functions from its schema.
  db.pragma('trusted_schema = OFF');
  db.pragma('foreign_keys = ON');
  if (readonly) {
    assertSchemaCurrent(db, dbPath);
    return [];
  }
  // WAL: readers (CLI, UI) never block the Host's writes, and writers from several processes serialize.
  const mode = db.pragma('journal_mode = WAL', { simple: true });
  if (mode !== 'wal') {
    throw new StoreError(`cannot switch the Airlock database ${dbPath} to WAL mode (got "${String(mode)}"); network drives do not support it. Choose a home on a local disk with --home.`);
  }
  // FULL, not NORMAL: a decision is logged before the call goes on, so a power cut must not lose
  // the record of a call that was forwarded. It costs one fsync per commit.
  db.pragma('synchronous = FULL');
  return applyMigrations(db, dbPath);
}

function explainSqliteError(error: unknown, dbPath: string): StoreError {
  const code = (error as { code?: unknown }).code;
  if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT') {
    return new StoreError(`the Airlock database ${dbPath} is damaged or not an SQLite database (${errorMessage(error)}). Move it aside and start again, or restore it from a backup.`);
  }
  if (code === 'SQLITE_BUSY') {
    return new StoreError(`the Airlock database ${dbPath} stayed locked by another process for ${BUSY_TIMEOUT_MS / 1000} s. Stop the other Airlock process and try again.`);
  }
  return new StoreError(`cannot open the Airlock database ${dbPath}: ${errorMessage(error)}. Check the file and its folder's permissions.`);
}

/** The open database of one Airlock home, with small typed accessors for its tables. */
export class Store {
  private readonly statements;

  constructor(
    readonly home: string,
    readonly path: string,
    /** The better-sqlite3 connection, for engine modules with their own tables (audit, …). */
    readonly db: Database.Database,
    readonly readonly: boolean,
    /** Migration versions applied by this open (empty when the schema was already current). */
    readonly migrationsApplied: readonly number[],
  ) {
    this.statements = {
      getServer: db.prepare<[string], ServerRow>('SELECT * FROM servers WHERE name = ?'),
      listServers: db.prepare<[], ServerRow>('SELECT * FROM servers ORDER BY name'),
      putServer: db.prepare<[ServerRow]>(
        `INSERT INTO servers (name, state, generation, live_surface, live_hash, updated_at)
         VALUES (@name, @state, @generation, @live_surface, @live_hash, @updated_at)
         ON CONFLICT (name) DO UPDATE SET state = excluded.state, generation = excluded.generation,
           live_surface = excluded.live_surface, live_hash = excluded.live_hash, updated_at = excluded.updated_at`,
      ),
      insertBaseline: db.prepare<[BaselineRow]>(
        `INSERT INTO baselines (server, generation, surface, surface_hash, approved_at, approved_by)
         VALUES (@server, @generation, @surface, @surface_hash, @approved_at, @approved_by)`,
      ),
      getBaseline: db.prepare<[string, number], BaselineRow>('SELECT * FROM baselines WHERE server = ? AND generation = ?'),
      latestBaseline: db.prepare<[string], BaselineRow>('SELECT * FROM baselines WHERE server = ? ORDER BY generation DESC LIMIT 1'),
      getMeta: db.prepare<[string], { value: string }>('SELECT value FROM meta WHERE key = ?'),
      setMeta: db.prepare<[string, string]>('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value'),
    };
  }

  getServer(name: string): ServerRecord | undefined {
    const row = this.statements.getServer.get(name);
    return row === undefined ? undefined : rowToServer(row);
  }

  listServers(): ServerRecord[] {
    return this.statements.listServers.all().map(rowToServer);
  }

  /** Inserts or replaces the server's record; `updatedAt` defaults to now. */
  putServer(input: ServerRecordInput): ServerRecord {
    const record: ServerRecord = { ...input, updatedAt: input.updatedAt ?? new Date().toISOString() };
    this.statements.putServer.run(serverToRow(record));
    return record;
  }

  /** Records an approval. The server's record must exist; a generation is never overwritten. */
  insertBaseline(input: BaselineRecordInput): BaselineRecord {
    const record: BaselineRecord = { ...input, approvedAt: input.approvedAt ?? new Date().toISOString() };
    this.statements.insertBaseline.run(baselineToRow(record));
    return record;
  }

  getBaseline(server: string, generation: number): BaselineRecord | undefined {
    const row = this.statements.getBaseline.get(server, generation);
    return row === undefined ? undefined : rowToBaseline(row);
  }

  /** The highest generation approved for the server, or undefined if none ever was. */
  latestBaseline(server: string): BaselineRecord | undefined {
    const row = this.statements.latestBaseline.get(server);
    return row === undefined ? undefined : rowToBaseline(row);
  }

  getMeta(key: string): string | undefined {
    return this.statements.getMeta.get(key)?.value;
  }

  setMeta(key: string, value: string): void {
    this.statements.setMeta.run(key, value);
  }

  /** Runs `fn` in a BEGIN IMMEDIATE transaction: all or nothing, serialized with other processes. */
  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate();
  }

  /** Re-checks that the database and its -wal/-shm files are ours and 0600 (tightening if not). */
  tightenFileModes(): void {
    for (const suffix of ['', '-wal', '-shm']) tightenPrivateFile(this.path + suffix);
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
