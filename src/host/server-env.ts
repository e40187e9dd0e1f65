import type { ServerConfig } from '../engine/store/index.js';
import type { Secret } from './secret.js';

/**
 * The variables an MCP client's own stdio launcher passes to a server: the MCP TypeScript SDK's
 * DEFAULT_INHERITED_ENV_VARS (its POSIX list is modelled on sudo's). A server started through
 * Airlock sees what it would see started by the client, and nothing else of the Host's
 * environment (which may hold tokens meant for other tools).
 */
export const INHERITED_ENV_VARS = Object.freeze({
  posix: Object.freeze(['HOME', 'LOGNAME', 'PATH', 'SHELL', 'TERM', 'USER']),
  win32: Object.freeze([
    'APPDATA',
    'HOMEDRIVE',
    'HOMEPATH',
    'LOCALAPPDATA',
    'PATH',
    'PROCESSOR_ARCHITECTURE',
    'SYSTEMDRIVE',
    'SYSTEMROOT',
    'TEMP',
    'USERNAME',
    'USERPROFILE',
    'PROGRAMFILES',
  ]),
});

export interface ServerEnvInput {
  config: Pick<ServerConfig, 'env' | 'envFrom' | 'secretKeys'>;
  /** The server's secrets from the secret store; only the keys the config names are used. */
  secrets: Readonly<Record<string, Secret>>;
  /** The Host's environment, where envFrom variables and the inherited ones come from. */
  hostEnv: Readonly<Record<string, string | undefined>>;
  /** The connecting client's PATH, so `npx`-style commands resolve as they would for the client. */
  clientPath?: string;
  platform?: NodeJS.Platform;
}

export interface ServerEnv {
  env: Record<string, string>;
  /** The server's variables (KEYs) left unset: an envFrom variable the Host lacks, or a secret not stored. */
  missing: string[];
}

/**
 * The environment to spawn an upstream server with, in layers, later ones winning: the inherited
 * variables, the client's PATH, the config's literal env, envFrom resolved from the Host, then
 * secrets (revealed here and nowhere else). Nothing missing is passed as empty: it is reported.
 */
export function buildServerEnv({ config, secrets, hostEnv, clientPath, platform = process.platform }: ServerEnvInput): ServerEnv {
  const lookup = platform === 'win32' ? windowsLookup(hostEnv) : (name: string) => hostEnv[name];
  const env: Record<string, string> = {};
  for (const name of platform === 'win32' ? INHERITED_ENV_VARS.win32 : INHERITED_ENV_VARS.posix) {
    const value = lookup(name);
    // A value starting with "()" is an exported shell function (the Shellshock vector): skipped, as the SDK does.
    if (value !== undefined && !value.startsWith('()')) env[name] = value;
  }
  if (clientPath !== undefined && clientPath !== '') env.PATH = clientPath;
  Object.assign(env, config.env);
  const missing: string[] = [];
  for (const [key, variable] of Object.entries(config.envFrom)) {
    const value = lookup(variable);
    if (value === undefined) missing.push(key);
    else env[key] = value;
  }
  for (const key of config.secretKeys) {
    const secret = Object.hasOwn(secrets, key) ? secrets[key] : undefined;
    if (secret === undefined) missing.push(key);
    else env[key] = secret.reveal();
  }
  return { env, missing };
}

/** One line for the user: why each missing variable is missing and what to do. */
export function describeMissingEnv(config: Pick<ServerConfig, 'name' | 'envFrom'>, missing: readonly string[]): string {
  const reasons = missing.map((key) => {
    const variable = Object.hasOwn(config.envFrom, key) ? config.envFrom[key] : undefined;
    return variable === undefined
      ? `${key} (its secret is not stored: add it again with airlock servers add ${config.name} --replace --secret ${key} …)`
      : `${key} (from $${variable}, which is not set in the environment Airlock was started with)`;
  });
  return `server "${config.name}" cannot start: ${reasons.join('; ')}`;
}

/** Windows variable names are case-insensitive ("Path" is PATH); a plain object's keys are not. */
function windowsLookup(hostEnv: Readonly<Record<string, string | undefined>>): (name: string) => string | undefined {
  const byUpper = new Map<string, string>();
  for (const [key, value] of Object.entries(hostEnv)) {
    if (value !== undefined && !byUpper.has(key.toUpperCase())) byUpper.set(key.toUpperCase(), value);
  }
  return (name) => byUpper.get(name.toUpperCase());
}
