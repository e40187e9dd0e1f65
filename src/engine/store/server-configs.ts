import { parseStrictJson } from '../../input/strict-json.js';
import { z } from 'zod';
import type { Store } from './store.js';
import { StoreError, errorMessage } from './store-error.js';

/** 1–64 characters, safe in file names, URLs and log lines. */
export const SERVER_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
/** A POSIX-portable environment variable name. */
export const ENV_KEY_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;

export const ServerNameSchema = z
  .string()
  .regex(SERVER_NAME_PATTERN, 'use 1 to 64 letters, digits, ".", "_" or "-", starting with a letter or digit');

export function envKeyProblem(key: string): string | undefined {
  // "__proto__" fits the pattern, but a copy by assignment turns it into a prototype and drops it.
  if (key === '__proto__') return '"__proto__" cannot be a variable name here: JavaScript objects treat it as their prototype; rename the variable';
  return ENV_KEY_PATTERN.test(key) ? undefined : `${JSON.stringify(key)} is not a valid variable name: use letters, digits and "_", not starting with a digit`;
}

// NUL cannot cross exec(): a value holding one would be cut short or refused at spawn time.
const NoNulString = z.string().regex(/^[^\0]*$/, 'must not contain a NUL character');

/** A variable name of the Host's environment (Windows allows names like "ProgramFiles(x86)"). */
const HostVariableSchema = z
  .string()
  .min(1, 'a Host variable name must not be empty')
  .refine((s) => !s.includes('=') && !s.includes('\0'), 'a Host variable name must not contain "=" or NUL')
  .refine((s) => !s.startsWith('$'), 'give the Host variable name without "$"');

const KEY_SOURCES = [
  ['env', 'env'],
  ['envFrom', 'env-from'],
  ['secretKeys', 'secrets'],
] as const;

/**
 * How to start one upstream server. A variable takes its value from exactly one place: a literal
 * in `env`, a variable of the Host's environment named in `envFrom`, or the secret store
 * (`secretKeys`; values never live in this record).
 */
export const ServerConfigSchema = z
  .strictObject({
    name: ServerNameSchema,
    command: NoNulString.min(1, 'must not be empty'),
    args: z.array(NoNulString),
    env: z.record(z.string(), NoNulString),
    envFrom: z.record(z.string(), HostVariableSchema),
    secretKeys: z.array(z.string()),
    /** Trust on first use: pin the first surface the server lists instead of holding it for review. */
    approveOnFirstList: z.boolean(),
    createdAt: z.iso.datetime({ offset: true }),
  })
  .superRefine((config, ctx) => {
    const seenIn = new Map<string, string>();
    for (const [field, label] of KEY_SOURCES) {
      const keys = field === 'secretKeys' ? config.secretKeys : Object.keys(config[field]);
      for (const key of keys) {
        const problem = envKeyProblem(key);
        if (problem !== undefined) ctx.addIssue({ code: 'custom', message: `${label}: ${problem}` });
        const earlier = seenIn.get(key);
        if (earlier === undefined) seenIn.set(key, label);
        else {
          const where = earlier === label ? `twice in ${label}` : `in both ${earlier} and ${label}`;
          ctx.addIssue({ code: 'custom', message: `variable ${key} is given ${where}: each variable takes its value from one place only` });
        }
      }
    }
  });
export type ServerConfig = z.infer<typeof ServerConfigSchema>;
/** What a caller puts: `createdAt` defaults to now. */
export type ServerConfigInput = Omit<ServerConfig, 'createdAt'> & { createdAt?: string };

/** A server config that cannot be stored; the message lists every problem, for the user. */
export class ServerConfigError extends Error {
  override name = 'ServerConfigError';
}

/** Validates a config, throwing a ServerConfigError that says everything wrong with it. */
export function parseServerConfig(value: unknown): ServerConfig {
  const parsed = ServerConfigSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  const name = (value as { name?: unknown } | null)?.name;
  const what = typeof name === 'string' ? `server ${JSON.stringify(name)}` : 'the server';
  throw new ServerConfigError(`${what} cannot be configured: ${parsed.error.issues.map(issueText).join('; ')}`);
}

function issueText(issue: z.core.$ZodIssue): string {
  // The cross-field checks name their fields in the message (and have no path).
  return issue.path.length === 0 ? issue.message : `${issue.path.map(String).join('.')}: ${issue.message}`;
}

interface ServerConfigRow {
  name: string;
  command: string;
  args: string;
  env: string;
  env_from: string;
  secret_keys: string;
  approve_on_first_list: number;
  created_at: string;
}

/** Inserts the config, or replaces the one of that name (callers that must not replace check first, in one transaction). */
export function putServerConfig(store: Store, input: ServerConfigInput): ServerConfig {
  const config = parseServerConfig({ ...input, createdAt: input.createdAt ?? new Date().toISOString() });
  store.db
    .prepare<[ServerConfigRow]>(
      `INSERT INTO server_configs (name, command, args, env, env_from, secret_keys, approve_on_first_list, created_at)
       VALUES (@name, @command, @args, @env, @env_from, @secret_keys, @approve_on_first_list, @created_at)
       ON CONFLICT (name) DO UPDATE SET command = excluded.command, args = excluded.args, env = excluded.env,
         env_from = excluded.env_from, secret_keys = excluded.secret_keys,
         approve_on_first_list = excluded.approve_on_first_list, created_at = excluded.created_at`,
    )
    .run(configToRow(config));
  return config;
}

export function getServerConfig(store: Store, name: string): ServerConfig | undefined {
  const row = store.db.prepare<[string], ServerConfigRow>('SELECT * FROM server_configs WHERE name = ?').get(name);
  return row === undefined ? undefined : rowToConfig(row);
}

export function listServerConfigs(store: Store): ServerConfig[] {
  return store.db.prepare<[], ServerConfigRow>('SELECT * FROM server_configs ORDER BY name').all().map(rowToConfig);
}

/** Removes the config; true if there was one. The server's state, baselines and audit events stay. */
export function deleteServerConfig(store: Store, name: string): boolean {
  return store.db.prepare<[string]>('DELETE FROM server_configs WHERE name = ?').run(name).changes > 0;
}

function configToRow(config: ServerConfig): ServerConfigRow {
  return {
    name: config.name,
    command: config.command,
    args: JSON.stringify(config.args),
    env: JSON.stringify(config.env),
    env_from: JSON.stringify(config.envFrom),
    secret_keys: JSON.stringify(config.secretKeys),
    approve_on_first_list: config.approveOnFirstList ? 1 : 0,
    created_at: config.createdAt,
  };
}

/** Read side: a row that no longer validates was edited outside Airlock, and no server is started from it. */
function rowToConfig(row: ServerConfigRow): ServerConfig {
  try {
    return parseServerConfig({
      name: row.name,
      command: row.command,
      args: parseStrictJson(row.args),
      env: parseStrictJson(row.env),
      envFrom: parseStrictJson(row.env_from),
      secretKeys: parseStrictJson(row.secret_keys),
      approveOnFirstList: row.approve_on_first_list === 1,
      createdAt: row.created_at,
    });
  } catch (error) {
    throw new StoreError(
      `the stored config of server ${JSON.stringify(row.name)} is invalid (${errorMessage(error)}): the database was changed outside Airlock. ` +
        `Add the server again with: airlock servers add ${row.name} --replace -- COMMAND [ARGS...]`,
    );
  }
}
