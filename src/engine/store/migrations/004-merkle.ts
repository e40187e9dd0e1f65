import type { Migration } from './migration.js';

/**
 * The audit log as an RFC 9162 Merkle tree: one row per perfect subtree, (level, idx) covering the
 * 2^level leaves from leaf idx·2^level. Rows are written in the transaction that appends the event
 * (leaf i is the event with seq i+1). A log that predates this table gets its rows from code on
 * first use (syncMerkleTree): a migration runs SQL only, and the leaves need canonical JSON.
 */
export const migration004: Migration = {
  version: 4,
  name: 'merkle',
  sql: `
CREATE TABLE merkle_nodes (
  level INTEGER NOT NULL CHECK (level BETWEEN 0 AND 62),
  idx INTEGER NOT NULL CHECK (idx >= 0),
  hash BLOB NOT NULL CHECK (length(hash) = 32),
  PRIMARY KEY (level, idx)
) STRICT, WITHOUT ROWID;

-- Nodes follow the log: append-only like it. (Stops accidents; signed checkpoints catch the rest.)
CREATE TRIGGER merkle_nodes_no_update BEFORE UPDATE ON merkle_nodes
BEGIN
  SELECT RAISE(ABORT, 'the Merkle tree is append-only: nodes are never updated');
END;

CREATE TRIGGER merkle_nodes_no_delete BEFORE DELETE ON merkle_nodes
BEGIN
  SELECT RAISE(ABORT, 'the Merkle tree is append-only: nodes are never deleted');
END;
`,
};
