import type { Migration } from './migration.js';

/**
 * Items the user quarantined one by one (a tool answered "n"): their calls are denied and they
 * are not served, while the rest of the server keeps working. Cleared by approving the item
 * or a whole new baseline.
 */
export const migration003: Migration = {
  version: 3,
  name: 'quarantined-items',
  sql: `
CREATE TABLE quarantined_items (
  server TEXT NOT NULL REFERENCES servers (name),
  kind TEXT NOT NULL,
  key TEXT NOT NULL,
  reason TEXT NOT NULL,
  quarantined_at TEXT NOT NULL,
  PRIMARY KEY (server, kind, key)
) STRICT;
`,
};
