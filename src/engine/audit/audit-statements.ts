import type Database from 'better-sqlite3';

/** One audit_events row as stored: query columns copied from the body, the body, its hash. */
export interface AuditRow {
  seq: number;
  ts: string;
  type: string;
  server: string | null;
  tool: string | null;
  decision: string | null;
  body: string;
  hash: string;
}

/** The columns that duplicate body fields for querying; verify checks each against the body. */
export const AUDIT_QUERY_COLUMNS = ['ts', 'type', 'server', 'tool', 'decision'] as const;

function prepareAll(db: Database.Database) {
  return {
    last: db.prepare<[], { seq: number; hash: string; ts: string }>('SELECT seq, hash, ts FROM audit_events ORDER BY seq DESC LIMIT 1'),
    insert: db.prepare<[AuditRow]>(
      'INSERT INTO audit_events (seq, ts, type, server, tool, decision, body, hash) VALUES (@seq, @ts, @type, @server, @tool, @decision, @body, @hash)',
    ),
    all: db.prepare<[], AuditRow>('SELECT * FROM audit_events ORDER BY seq'),
  };
}

const cache = new WeakMap<Database.Database, ReturnType<typeof prepareAll>>();

/** Statements prepared once per connection. */
export function auditStatements(db: Database.Database): ReturnType<typeof prepareAll> {
  let statements = cache.get(db);
  if (statements === undefined) {
    statements = prepareAll(db);
    cache.set(db, statements);
  }
  return statements;
}
