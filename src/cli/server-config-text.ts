import { z } from 'zod';
import { ServerStateSchema } from '../engine/decision.js';
import type { ServerConfig, ServerRecord } from '../engine/store/index.js';
import type { SignInState } from '../host/oauth/index.js';
import { provenanceJson, provenanceLine, type ListedProvenance } from './provenance-text.js';

const MASK = '***';

/** The JSON `servers list --json` prints: a contract for scripts. Secret values are never in it, only `***`. */
export const ServersListJsonSchema = z.array(
  z.strictObject({
    name: z.string(),
    command: z.string(),
    args: z.array(z.string()),
    env: z.record(z.string(), z.string()),
    /** KEY → the Host variable it is read from. */
    envFrom: z.record(z.string(), z.string()),
    secrets: z.record(z.string(), z.literal(MASK)),
    approveOnFirstList: z.boolean(),
    createdAt: z.string(),
    /** From the controller's record; null until the Host has seen the server. */
    state: ServerStateSchema.nullable(),
    generation: z.number().int().nullable(),
    /** A remote server's endpoint, its header names (values are never shown) and its sign-in; absent for a local server. */
    url: z.string().optional(),
    transport: z.enum(['streamable-http', 'sse']).optional(),
    headers: z.record(z.string(), z.string()).optional(),
    signInState: z.enum(['signed-in', 'expired', 'signed-out', 'not-needed']).optional(),
    /** Which clients may use it, when not every client (airlock servers access). */
    clients: z.string().optional(),
    /** The program its approved baseline names (issue 17), and whether the command names an exact version. */
    provenance: z.record(z.string(), z.unknown()).nullable().optional(),
    pinned: z.enum(['pinned', 'unpinned', 'not-a-package']).optional(),
  }),
);
export type ServersListJson = z.infer<typeof ServersListJsonSchema>;

type ListedServer = { config: ServerConfig; record: ServerRecord | undefined; signInState?: SignInState | undefined; clients?: string | undefined } & ListedProvenance;

export function serversListJson(servers: ReadonlyArray<ListedServer>): ServersListJson {
  return ServersListJsonSchema.parse(
    servers.map(({ config, record, signInState, clients, provenance }) => ({
      name: config.name,
      command: config.command,
      args: config.args,
      env: config.env,
      envFrom: config.envFrom,
      secrets: Object.fromEntries(config.secretKeys.map((key) => [key, MASK])),
      approveOnFirstList: config.approveOnFirstList,
      createdAt: config.createdAt,
      state: record?.state ?? null,
      generation: record?.generation ?? null,
      ...(config.remote
        ? { url: config.remote.url, transport: config.remote.transport, headers: remoteHeaderMasks(config), signInState: signInState ?? 'not-needed' }
        : {}),
      ...(clients === undefined ? {} : { clients }),
      ...provenanceJson(config, provenance),
    })),
  );
}

export function serversListText(servers: ReadonlyArray<ListedServer>): string {
  if (servers.length === 0) return 'no servers configured. Add one with: airlock servers add NAME [--secret KEY]... -- COMMAND [ARGS...] (or --url URL for a remote one)\n';
  return servers
    .map(({ config, record, signInState, clients, provenance }) => {
      const status = record === undefined ? 'not started yet' : `${record.state}, generation ${record.generation}`;
      const lines = [`${config.name} (${status})`];
      if (config.remote) {
        lines.push(`  url: ${config.remote.url} (${config.remote.transport})`);
        const headers = Object.entries(remoteHeaderMasks(config)).map(([name, value]) => `${name}: ${value}`);
        if (headers.length > 0) lines.push(`  headers: ${headers.join(', ')}`);
        lines.push(`  sign-in: ${SIGN_IN_TEXT[signInState ?? 'not-needed'](config.name)}`);
      } else lines.push(`  command: ${commandLine(config)}`);
      if (Object.keys(config.env).length > 0) lines.push(`  env: ${literalEnv(config).join(' ')}`);
      if (Object.keys(config.envFrom).length > 0) lines.push(`  env-from: ${envFromText(config).join(' ')}`);
      if (config.secretKeys.length > 0) lines.push(`  secrets: ${secretsText(config).join(' ')}`);
      lines.push(`  first listing: ${firstListing(config)}`);
      if (clients !== undefined) lines.push(`  clients: ${clients}`);
      // Once an approval recorded the program: before that there is nothing to show or pin.
      if (provenance) lines.push(`  program: ${provenanceLine(config, provenance)}`);
      return `${lines.join('\n')}\n`;
    })
    .join('\n');
}

/** One line for `servers add`: what was stored, with secrets as `***` and env-from as `$VAR`. */
export function addedText(config: ServerConfig, replaced: boolean): string {
  const env = [...literalEnv(config), ...envFromText(config), ...secretsText(config)];
  const envPart = env.length === 0 ? '' : ` with ${env.join(' ')}`;
  const headers = config.remote ? Object.keys(remoteHeaderMasks(config)).map((name) => `${name}: ${MASK}`) : [];
  const what = config.remote ? `${config.remote.url}${headers.length > 0 ? ` with headers ${headers.join(', ')}` : ''}` : `${commandLine(config)}${envPart}`;
  return `${replaced ? 'replaced' : 'added'} server "${config.name}": ${what}; its tools ${
    config.approveOnFirstList ? 'will be pinned as approved the first time it lists them (--approve)' : 'will be held until you review them'
  }\n`;
}

/** The command with its arguments, or a remote server's URL. */
export function commandLine(config: Pick<ServerConfig, 'command' | 'args' | 'remote'>): string {
  if (config.remote) return config.remote.url;
  return [config.command, ...config.args].map(shellQuote).join(' ');
}

const SIGN_IN_TEXT: Record<SignInState, (name: string) => string> = {
  'signed-in': () => 'signed in',
  expired: (name) => `expired: sign in again with: airlock servers login ${name}`,
  'signed-out': (name) => `signed out: sign in with: airlock servers login ${name}`,
  'not-needed': () => 'none asked for',
};

/** A remote server's headers, plain values shown and secret ones as ***. */
function remoteHeaderMasks(config: ServerConfig): Record<string, string> {
  return { ...(config.remote?.headers ?? {}), ...Object.fromEntries((config.remote?.secretHeaders ?? []).map((name) => [name, MASK])) };
}

function firstListing(config: ServerConfig): string {
  return config.approveOnFirstList ? 'approved as listed (--approve: trust on first use)' : 'held until reviewed';
}

function literalEnv(config: ServerConfig): string[] {
  return Object.entries(config.env).map(([key, value]) => `${key}=${shellQuote(value)}`);
}

function envFromText(config: ServerConfig): string[] {
  return Object.entries(config.envFrom).map(([key, variable]) => `${key}=$${variable}`);
}

function secretsText(config: ServerConfig): string[] {
  return config.secretKeys.map((key) => `${key}=${MASK}`);
}

/** Quotes a word for display the way a POSIX shell would read it back. */
function shellQuote(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}
