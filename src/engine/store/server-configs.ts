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

/** An HTTP header name (RFC 9110 token), as a remote server's header is given. */
export const HEADER_NAME_PATTERN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** Loopback hosts, the only ones a remote server may be reached at over plain http. */
const LOOPBACK_HOSTS: ReadonlySet<string> = new Set(['127.0.0.1', '[::1]', 'localhost']);

/** Why a remote server's URL cannot be used, or undefined: https only, plain http only to loopback, no credentials in it. */
export function remoteUrlProblem(text: string): string | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return `${JSON.stringify(text)} is not a URL: give the server's full address, such as https://mcp.example.com/mcp`;
  }
  if (url.username !== '' || url.password !== '') return 'the URL must not carry a user name or password: give the key as a header (--header NAME) so it goes to the secret store';
  if (url.protocol === 'https:') return undefined;
  if (url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname)) return undefined;
  if (url.protocol === 'http:') return `plain http is allowed only to this machine (127.0.0.1, [::1], localhost), not to ${url.hostname}: use https`;
  return `${url.protocol} is not an MCP transport: use https:// (or http:// to this machine)`;
}

/**
 * How a remote server is reached. `transport`: `streamable-http` (the current transport; Airlock
 * falls back to HTTP+SSE when the server only speaks that) or `sse` (the older transport, only).
 * Header values named in `secretHeaders` are in the secret store, never here.
 */
export const RemoteEndpointSchema = z
  .strictObject({
    url: z.string().superRefine((text, ctx) => {
      const problem = remoteUrlProblem(text);
      if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
    }),
    transport: z.enum(['streamable-http', 'sse']),
    headers: z.record(z.string().regex(HEADER_NAME_PATTERN, 'not a valid header name'), NoNulString),
    secretHeaders: z.array(z.string().regex(HEADER_NAME_PATTERN, 'not a valid header name')),
    /** A client the user registered with the server's authorization server themselves; its secret, if any, is in the secret store. */
    oauthClientId: z.string().min(1).max(512).optional(),
    /**
     * A client ID metadata document (an https URL the user's organisation publishes) that names
     * Airlock as an OAuth client, used where the authorization server accepts one instead of
     * registering a client: Airlock has no web address of its own to publish one.
     */
    oauthClientMetadataUrl: z
      .string()
      .refine((text) => URL.canParse(text) && new URL(text).protocol === 'https:' && new URL(text).pathname !== '/', 'a client ID metadata document is an https URL with a path')
      .optional(),
  })
  .superRefine((remote, ctx) => {
    const lower = new Set<string>();
    for (const name of [...Object.keys(remote.headers), ...remote.secretHeaders]) {
      if (lower.has(name.toLowerCase())) ctx.addIssue({ code: 'custom', message: `header ${name} is given twice: each header takes its value from one place only` });
      lower.add(name.toLowerCase());
    }
  });
export type RemoteEndpoint = z.infer<typeof RemoteEndpointSchema>;

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
    command: NoNulString,
    args: z.array(NoNulString),
    env: z.record(z.string(), NoNulString),
    envFrom: z.record(z.string(), HostVariableSchema),
    secretKeys: z.array(z.string()),
    /** Trust on first use: pin the first surface the server lists instead of holding it for review. */
    approveOnFirstList: z.boolean(),
    /** Set for a server reached over HTTP: then `command` is "" and `args`, `env`, `envFrom` are empty. */
    remote: RemoteEndpointSchema.optional(),
    createdAt: z.iso.datetime({ offset: true }),
  })
  .superRefine((config, ctx) => {
    if (config.remote === undefined && config.command === '') ctx.addIssue({ code: 'custom', message: 'command: must not be empty' });
    if (config.remote !== undefined && (config.command !== '' || config.args.length > 0 || Object.keys(config.env).length > 0 || Object.keys(config.envFrom).length > 0)) {
      ctx.addIssue({ code: 'custom', message: 'a remote server (url) has no command, arguments or environment: give one or the other' });
    }
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
  remote: string | null;
}

/** Inserts the config, or replaces the one of that name (callers that must not replace check first, in one transaction). */
export function putServerConfig(store: Store, input: ServerConfigInput): ServerConfig {
  const config = parseServerConfig({ ...input, createdAt: input.createdAt ?? new Date().toISOString() });
  store.db
    .prepare<[ServerConfigRow]>(
      `INSERT INTO server_configs (name, command, args, env, env_from, secret_keys, approve_on_first_list, created_at, remote)
       VALUES (@name, @command, @args, @env, @env_from, @secret_keys, @approve_on_first_list, @created_at, @remote)
       ON CONFLICT (name) DO UPDATE SET command = excluded.command, args = excluded.args, env = excluded.env,
         env_from = excluded.env_from, secret_keys = excluded.secret_keys,
         approve_on_first_list = excluded.approve_on_first_list, created_at = excluded.created_at, remote = excluded.remote`,
    )
    .run(configToRow(config));
  return config;
}

export function getServerConfig(store: Store, name: string): ServerConfig | undefined {
  const row = store.db.prepare<[string], ServerConfigRow>('SELECT * FROM server_configs WHERE name = ?').get(name);
  return row === undefined ? undefined : rowToConfig(row);
}

/** Whether a server of that name is configured, its statement prepared once (asked on every request of the MCP endpoint). */
export function serverConfigPresence(store: Store): (name: string) => boolean {
  const statement = store.db.prepare<[string], { n: number }>('SELECT 1 AS n FROM server_configs WHERE name = ?');
  return (name) => statement.get(name) !== undefined;
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
    remote: config.remote === undefined ? null : JSON.stringify(config.remote),
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
      ...(row.remote === null ? {} : { remote: parseStrictJson(row.remote) }),
      createdAt: row.created_at,
    });
  } catch (error) {
    throw new StoreError(
      `the stored config of server ${JSON.stringify(row.name)} is invalid (${errorMessage(error)}): the database was changed outside Airlock. ` +
        `Add the server again with: airlock servers add ${row.name} --replace -- COMMAND [ARGS...]`,
    );
  }
}
