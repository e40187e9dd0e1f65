import type { Migration } from './migration.js';

/**
 * Which clients may use a server (tool '*') or one of its tools: `allowed` is a JSON array of
 * rule entries ("token:NAME", "connect", "entry:CLIENT-ID", "client:NAME"). No row means every
 * client; an empty array means none. A tool's row overrides its server's row. Each change is
 * audited (policy.changed) in the same transaction.
 */
export const migration010: Migration = {
  version: 10,
  name: 'client-policies',
  sql: `
CREATE TABLE client_policies (
  server TEXT NOT NULL CHECK (length(server) BETWEEN 1 AND 64),
  tool TEXT NOT NULL CHECK (length(tool) BETWEEN 1 AND 512),
  allowed TEXT NOT NULL CHECK (json_valid(allowed) AND json_type(allowed) = 'array'),
  updated_at TEXT NOT NULL,
  PRIMARY KEY (server, tool)
) STRICT;
`,
};
