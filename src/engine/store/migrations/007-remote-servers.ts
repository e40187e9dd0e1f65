import type { Migration } from './migration.js';

/**
 * Remote servers: a server reached over HTTP instead of started as a command. `remote` holds its
 * endpoint as JSON (url, transport, plain headers, the names of secret headers, a pre-registered
 * OAuth client id); NULL for a command. Secret header values and tokens live in the secret store.
 * SQLite cannot drop 002's CHECK (command <> ''), and a remote server's command is "": the table
 * is rebuilt with the check widened to "a command, or a remote endpoint" (nothing references it).
 */
export const migration007: Migration = {
  version: 7,
  name: 'remote-servers',
  sql: `
CREATE TABLE server_configs_007 (
  name TEXT PRIMARY KEY NOT NULL,
  command TEXT NOT NULL,
  args TEXT NOT NULL CHECK (json_valid(args) AND json_type(args) = 'array'),
  env TEXT NOT NULL CHECK (json_valid(env) AND json_type(env) = 'object'),
  env_from TEXT NOT NULL CHECK (json_valid(env_from) AND json_type(env_from) = 'object'),
  secret_keys TEXT NOT NULL CHECK (json_valid(secret_keys) AND json_type(secret_keys) = 'array'),
  approve_on_first_list INTEGER NOT NULL CHECK (approve_on_first_list IN (0, 1)),
  created_at TEXT NOT NULL,
  -- the endpoint of a server reached over HTTP; NULL for one started as a command
  remote TEXT CHECK (remote IS NULL OR (json_valid(remote) AND json_type(remote) = 'object')),
  CHECK ((remote IS NULL AND command <> '') OR (remote IS NOT NULL AND command = ''))
) STRICT;
INSERT INTO server_configs_007 (name, command, args, env, env_from, secret_keys, approve_on_first_list, created_at, remote)
  SELECT name, command, args, env, env_from, secret_keys, approve_on_first_list, created_at, NULL FROM server_configs;
DROP TABLE server_configs;
ALTER TABLE server_configs_007 RENAME TO server_configs;
`,
};
