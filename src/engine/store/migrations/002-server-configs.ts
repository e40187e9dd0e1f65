import type { Migration } from './migration.js';

/**
 * The registry of upstream servers the user configured: how to start each one. Secret values are
 * never stored here, only the names of the variables that take them (their values live in the
 * secret store). A config is independent of the `servers` row the controller keeps: removing a
 * config leaves the server's state, baselines and audit events in place.
 */
export const migration002: Migration = {
  version: 2,
  name: 'server-configs',
  sql: `
CREATE TABLE server_configs (
  name TEXT PRIMARY KEY NOT NULL,
  command TEXT NOT NULL CHECK (command <> ''),
  args TEXT NOT NULL CHECK (json_valid(args) AND json_type(args) = 'array'),
  -- non-secret values, KEY -> value
  env TEXT NOT NULL CHECK (json_valid(env) AND json_type(env) = 'object'),
  -- KEY -> name of a variable of the Host's environment, read when the server starts
  env_from TEXT NOT NULL CHECK (json_valid(env_from) AND json_type(env_from) = 'object'),
  -- KEY names only; the values are in the secret store
  secret_keys TEXT NOT NULL CHECK (json_valid(secret_keys) AND json_type(secret_keys) = 'array'),
  -- 1: pin the surface the server lists first (trust on first use); 0: hold it until reviewed
  approve_on_first_list INTEGER NOT NULL CHECK (approve_on_first_list IN (0, 1)),
  created_at TEXT NOT NULL
) STRICT;
`,
};
