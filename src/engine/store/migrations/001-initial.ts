import type { Migration } from './migration.js';

/**
 * The first schema: servers and their approved baselines, the audit chain, and a key/value meta
 * table. STRICT tables so a wrong type is an error, not a silently coerced value.
 */
export const migration001: Migration = {
  version: 1,
  name: 'initial',
  sql: `
CREATE TABLE servers (
  name TEXT PRIMARY KEY NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('GREEN', 'AMBER', 'RED')),
  -- the generation of the approved baseline the server runs on; 0 until one is approved
  generation INTEGER NOT NULL CHECK (generation >= 0),
  live_surface TEXT CHECK (live_surface IS NULL OR json_valid(live_surface)),
  live_hash TEXT,
  updated_at TEXT NOT NULL
) STRICT;

CREATE TABLE baselines (
  server TEXT NOT NULL REFERENCES servers (name),
  generation INTEGER NOT NULL CHECK (generation >= 1),
  surface TEXT NOT NULL CHECK (json_valid(surface)),
  surface_hash TEXT NOT NULL,
  approved_at TEXT NOT NULL,
  approved_by TEXT NOT NULL,
  PRIMARY KEY (server, generation)
) STRICT;

-- An approval is a fact; changing one in place would launder a surface. A new approval is a new
-- generation. (Like the audit triggers below, this stops accidents, not someone with file access.)
CREATE TRIGGER baselines_no_update BEFORE UPDATE ON baselines
BEGIN
  SELECT RAISE(ABORT, 'baselines are never changed in place: approve a new generation instead');
END;

CREATE TABLE audit_events (
  seq INTEGER PRIMARY KEY,
  ts TEXT NOT NULL,
  type TEXT NOT NULL,
  server TEXT,
  tool TEXT,
  decision TEXT,
  -- the canonical JSON of the event without its hash: the exact bytes that were hashed
  body TEXT NOT NULL,
  hash TEXT NOT NULL
) STRICT;

CREATE INDEX audit_events_by_server ON audit_events (server, seq);
CREATE INDEX audit_events_by_decision ON audit_events (decision, seq);

-- Append-only. These triggers stop a bug or a stray UPDATE; they do not stop an attacker with
-- write access to the file, who can drop them. The hash chain (and signed checkpoints) detect that.
CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
BEGIN
  SELECT RAISE(ABORT, 'the audit log is append-only: events are never updated');
END;

CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
BEGIN
  SELECT RAISE(ABORT, 'the audit log is append-only: events are never deleted');
END;

CREATE TABLE meta (
  key TEXT PRIMARY KEY NOT NULL,
  value TEXT NOT NULL
) STRICT;
`,
};
