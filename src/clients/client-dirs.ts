import os from 'node:os';
import path from 'node:path';
import type { ClientDirs, ClientPlatform } from './client-adapter.js';

export const CLIENT_PLATFORMS: readonly ClientPlatform[] = ['darwin', 'win32', 'linux'];

/** Variables clients honour for their own folders; read only for the real home. */
const FOLDER_VARIABLES = ['APPDATA', 'LOCALAPPDATA', 'XDG_CONFIG_HOME', 'CODEX_HOME', 'CLAUDE_CONFIG_DIR'] as const;

export interface ClientDirsOptions {
  /** A fake home (tests, or another user's dotfiles checkout): the environment is then ignored. */
  userHome?: string;
  platform?: ClientPlatform;
  projects?: readonly string[];
  env?: Readonly<Record<string, string | undefined>>;
}

/** Where to look for client files: the real home and this platform's rules unless told otherwise. */
export function clientDirs(options: ClientDirsOptions = {}): ClientDirs {
  const fake = options.userHome !== undefined;
  const env = options.env ?? process.env;
  return {
    userHome: path.resolve(options.userHome ?? os.homedir()),
    platform: options.platform ?? hostPlatform(),
    env: fake ? {} : Object.fromEntries(FOLDER_VARIABLES.filter((name) => env[name] !== undefined && env[name] !== '').map((name) => [name, env[name]])),
    projects: (options.projects ?? []).map((p) => path.resolve(p)),
  };
}

/** This machine's platform as client path rules know it (BSDs follow the Linux rules). */
export function hostPlatform(): ClientPlatform {
  return process.platform === 'darwin' || process.platform === 'win32' ? process.platform : 'linux';
}

export function parsePlatform(value: string): ClientPlatform {
  if ((CLIENT_PLATFORMS as readonly string[]).includes(value)) return value as ClientPlatform;
  throw new Error(`--platform must be one of ${CLIENT_PLATFORMS.join(', ')}; got ${JSON.stringify(value)}`);
}
