import type { Migration } from './migration.js';

/**
 * How far into the Host's audit journal the chain has got: the sequence number of the last
 * journaled record appended, written in the same transaction as the events themselves. At start
 * the Host appends only the journal's records after it, so a replay never duplicates an event.
 */
export const migration009: Migration = {
  version: 9,
  name: 'audit-journal-mark',
  sql: `
CREATE TABLE audit_journal_mark (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  seq INTEGER NOT NULL CHECK (seq >= 0)
) STRICT;
`,
};
