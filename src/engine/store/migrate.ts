import type Database from 'better-sqlite3';
import { MIGRATIONS, type Migration } from './migrations/index.js';
import { StoreError } from './store-error.js';

const CREATE_SCHEMA_MIGRATIONS = `
CREATE TABLE IF NOT EXISTS schema_migrations (
  version INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  applied_at TEXT NOT NULL
) STRICT`;

/** The highest migration recorded in the database, 0 for a new one. */
export function schemaVersion(db: Database.Database): number {
  const table = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'").get();
  if (table === undefined) return 0;
  const row = db.prepare('SELECT MAX(version) AS version FROM schema_migrations').get() as { version: number | null };
  return row.version ?? 0;
}

/**
 * Applies the migrations the database lacks, each in its own IMMEDIATE transaction that
 * re-checks whether it is still missing, so two processes opening a new home at once cannot
 * apply one twice. Refuses a database written by a newer Airlock rather than guess at its
 * schema. Returns the versions applied now.
 */
export function applyMigrations(db: Database.Database, dbPath: string, migrations: readonly Migration[] = MIGRATIONS): number[] {
  assertNotNewer(db, dbPath, migrations);
  db.exec(CREATE_SCHEMA_MIGRATIONS);
  const isApplied = db.prepare('SELECT 1 FROM schema_migrations WHERE version = ?');
  const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
  const applied: number[] = [];
  for (const migration of migrations) {
    const applyOne = db.transaction(() => {
      if (isApplied.get(migration.version) !== undefined) return;
      db.exec(migration.sql);
      record.run(migration.version, migration.name, new Date().toISOString());
      applied.push(migration.version);
    });
    try {
      applyOne.immediate();
    } catch (error) {
      throw new StoreError(
        `cannot upgrade the Airlock database ${dbPath} to schema version ${migration.version} (${migration.name}): ${(error as Error).message}. ` +
          `Nothing of this step was written. Restore the file from a backup or report this as a bug.`,
      );
    }
  }
  return applied;
}

/** For read-only opens: the schema must be exactly the one this code knows. */
export function assertSchemaCurrent(db: Database.Database, dbPath: string, migrations: readonly Migration[] = MIGRATIONS): void {
  assertNotNewer(db, dbPath, migrations);
  const found = schemaVersion(db);
  if (found < migrations.length) {
    throw new StoreError(
      `the Airlock database ${dbPath} has schema version ${found}, older than this Airlock's ${migrations.length}, and it was opened read-only. ` +
        `Start Airlock once (airlock serve or the app) to upgrade it, then try again.`,
    );
  }
}

function assertNotNewer(db: Database.Database, dbPath: string, migrations: readonly Migration[]): void {
  const found = schemaVersion(db);
  if (found > migrations.length) {
    throw new StoreError(
      `the Airlock database ${dbPath} has schema version ${found}, newer than this Airlock understands (${migrations.length}). ` +
        `It was written by a newer Airlock: upgrade Airlock, or use another home with --home. The file was not changed.`,
    );
  }
}
