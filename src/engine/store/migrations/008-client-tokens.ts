import type { Migration } from './migration.js';

/**
 * Tokens of the loopback MCP endpoint: one per client, kept as its SHA-256 only (the token is
 * shown once, when it is made). A revoked token's row is deleted; its creation and revocation
 * stay in the audit log. `last_used_at` is written at most once a minute per token.
 */
export const migration008: Migration = {
  version: 8,
  name: 'client-tokens',
  sql: `
CREATE TABLE client_tokens (
  name TEXT PRIMARY KEY NOT NULL CHECK (length(name) BETWEEN 1 AND 64),
  hash TEXT NOT NULL UNIQUE CHECK (length(hash) = 64 AND hash NOT GLOB '*[^0-9a-f]*'),
  created_at TEXT NOT NULL,
  last_used_at TEXT
) STRICT;
`,
};
