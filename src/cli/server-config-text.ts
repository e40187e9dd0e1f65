import { z } from 'zod';
import { ServerStateSchema } from '../engine/decision.js';
import type { ServerConfig, ServerRecord } from '../engine/store/index.js';

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
  }),
);
export type ServersListJson = z.infer<typeof ServersListJsonSchema>;

export function serversListJson(servers: ReadonlyArray<{ config: ServerConfig; record: ServerRecord | undefined }>): ServersListJson {
  return ServersListJsonSchema.parse(
    servers.map(({ config, record }) => ({
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
    })),
  );
}

export function serversListText(servers: ReadonlyArray<{ config: ServerConfig; record: ServerRecord | undefined }>): string {
  if (servers.length === 0) return 'no servers configured. Add one with: airlock servers add NAME [--secret KEY]... -- COMMAND [ARGS...]\n';
  return servers
    .map(({ config, record }) => {
      const status = record === undefined ? 'not started yet' : `${record.state}, generation ${record.generation}`;
      const lines = [`${config.name} (${status})`, `  command: ${commandLine(config)}`];
      if (Object.keys(config.env).length > 0) lines.push(`  env: ${literalEnv(config).join(' ')}`);
      if (Object.keys(config.envFrom).length > 0) lines.push(`  env-from: ${envFromText(config).join(' ')}`);
      if (config.secretKeys.length > 0) lines.push(`  secrets: ${secretsText(config).join(' ')}`);
      lines.push(`  first listing: ${firstListing(config)}`);
      return `${lines.join('\n')}\n`;
    })
    .join('\n');
}

/** One line for `servers add`: what was stored, with secrets as `***` and env-from as `$VAR`. */
export function addedText(config: ServerConfig, replaced: boolean): string {
  const env = [...literalEnv(config), ...envFromText(config), ...secretsText(config)];
  const envPart = env.length === 0 ? '' : ` with ${env.join(' ')}`;
  return `${replaced ? 'replaced' : 'added'} server "${config.name}": ${commandLine(config)}${envPart}; its tools ${
    config.approveOnFirstList ? 'will be pinned as approved the first time it lists them (--approve)' : 'will be held until you review them'
  }\n`;
}

export function commandLine(config: Pick<ServerConfig, 'command' | 'args'>): string {
  return [config.command, ...config.args].map(shellQuote).join(' ');
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
