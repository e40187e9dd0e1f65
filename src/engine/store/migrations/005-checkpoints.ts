import type { Migration } from './migration.js';

/**
 * Signed checkpoints: the Merkle root of the first tree_size events, signed with the Host's
 * Ed25519 key, with everything a verifier needs beside it. Also the log's id, made once here
 * (16 random bytes from SQLite's OS-seeded generator): it names this log in every checkpoint.
 */
export const migration005: Migration = {
  version: 5,
  name: 'checkpoints',
  sql: `
CREATE TABLE checkpoints (
  tree_size INTEGER PRIMARY KEY CHECK (tree_size >= 1),
  root_hash TEXT NOT NULL,
  timestamp TEXT NOT NULL,
  log_id TEXT NOT NULL,
  key_fingerprint TEXT NOT NULL,
  public_key TEXT NOT NULL,
  signature TEXT NOT NULL
) STRICT;

CREATE TRIGGER checkpoints_no_update BEFORE UPDATE ON checkpoints
BEGIN
  SELECT RAISE(ABORT, 'checkpoints are never changed: each one is a signed statement');
END;

CREATE TRIGGER checkpoints_no_delete BEFORE DELETE ON checkpoints
BEGIN
  SELECT RAISE(ABORT, 'checkpoints are never deleted: each one is a signed statement');
END;

INSERT INTO meta (key, value) VALUES ('log_id', lower(hex(randomblob(16)))) ON CONFLICT (key) DO NOTHING;
`,
};
