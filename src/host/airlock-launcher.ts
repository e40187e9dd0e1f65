import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Launcher } from '../clients/client-adapter.js';
import { defaultHome } from '../engine/store/home-dir.js';

/**
 * What a routed client entry runs: this Node and this Airlock's bin script by absolute path,
 * because GUI clients (Claude Desktop on macOS above all) start servers with a minimal PATH on
 * which neither `airlock` nor `node` may be found. A non-default Airlock home is passed along.
 */
export function airlockLauncher(home: string, env: NodeJS.ProcessEnv): Launcher {
  const script = fs.realpathSync(fileURLToPath(new URL('../../bin/airlock.js', import.meta.url)));
  // "connect" right after the script: bin/airlock.js then takes its fast path.
  return { command: process.execPath, args: [script, 'connect', ...homeArgs(home, env)] };
}

/** The oldest Node.js the bundled connect script is built and tested for. */
export const MIN_NODE_MAJOR = 20;

/** A `node` executable and what its `--version` printed ("v22.11.0"). */
export interface FoundNode {
  path: string;
  version: string;
}

export interface AppLauncherOptions {
  /** The bundled `airlock-connect.mjs` the app ships (in its resources folder). */
  connectScript: string;
  /** The app's executable, which connect runs with --background when the Host is not running. */
  appExecutable: string;
  home: string;
  env: NodeJS.ProcessEnv;
  /** Default: the first Node 20+ on PATH (else the first Node found, so the refusal can name it). */
  findNode?: (env: NodeJS.ProcessEnv) => FoundNode | undefined;
}

/**
 * What a routed client entry runs when the desktop app installs it: the user's own Node (by
 * absolute path, for the same minimal-PATH reason as above) running the app's bundled connect
 * script, because the packaged app binary cannot run scripts (its RunAsNode fuse is off). Both
 * paths must outlive the app's run (under AppImage, pass $APPIMAGE and a copy of the script
 * outside the mount). Throws, before anything is planned or written, when no Node 20+ is found.
 */
export function appLauncher(options: AppLauncherOptions): Launcher {
  const found = (options.findNode ?? findNodeOnPath)(options.env);
  const needs = `Airlock's desktop app needs Node.js ${MIN_NODE_MAJOR} or newer on this machine for \`airlock connect\`, the small command your AI clients run to reach Airlock`;
  const todo = `Install it from https://nodejs.org and run Install again; nothing was changed.`;
  if (found === undefined) throw new Error(`${needs}, and no Node.js was found on PATH. ${todo}`);
  if ((nodeMajor(found.version) ?? 0) < MIN_NODE_MAJOR) {
    throw new Error(`${needs}, and the Node.js found (${found.path}) is ${found.version || 'of an unknown version'}. ${todo}`);
  }
  return {
    command: found.path,
    // "connect" spelled out keeps the entry in the `… airlock-connect.mjs connect NAME` shape that
    // routedServer recognises; --start-app= is one word so NAME stays the first non-option word.
    args: [path.resolve(options.connectScript), 'connect', `--start-app=${path.resolve(options.appExecutable)}`, ...homeArgs(options.home, options.env)],
  };
}

/** `--home=DIR` when `home` is not the default one; one word, so the server's name stays the first word after "connect" that is not an option. */
function homeArgs(home: string, env: NodeJS.ProcessEnv): string[] {
  return path.resolve(home) === path.resolve(defaultHome({ ...env, AIRLOCK_HOME: undefined })) ? [] : [`--home=${path.resolve(home)}`];
}

/** The major version of a `node --version` answer ("v20.19.0" → 20). */
export function nodeMajor(version: string): number | undefined {
  const match = /^v?(\d+)\.\d+\.\d+/.exec(version.trim());
  return match ? Number(match[1]) : undefined;
}

/**
 * Searches PATH, then the folders installers put Node in (an app started from the macOS Dock
 * gets a PATH without Homebrew's), for a `node` that runs and is 20 or newer.
 */
export function findNodeOnPath(env: NodeJS.ProcessEnv, options: { platform?: NodeJS.Platform; wellKnownDirs?: readonly string[] } = {}): FoundNode | undefined {
  const platform = options.platform ?? process.platform;
  const pathApi = platform === 'win32' ? path.win32 : path.posix;
  // Windows spells it Path, and a copied environment is case-sensitive.
  const pathKey = Object.keys(env).find((key) => (platform === 'win32' ? key.toUpperCase() === 'PATH' : key === 'PATH'));
  const listed = (pathKey === undefined ? '' : (env[pathKey] ?? '')).split(platform === 'win32' ? ';' : ':');
  const wellKnown = options.wellKnownDirs ?? wellKnownNodeDirs(platform, env);
  // Only absolute folders: a relative PATH entry would depend on the folder the client starts in.
  const dirs = [...new Set([...listed, ...wellKnown].filter((dir) => dir !== '' && pathApi.isAbsolute(dir)))];
  let tooOld: FoundNode | undefined;
  for (const dir of dirs) {
    const candidate = pathApi.join(dir, platform === 'win32' ? 'node.exe' : 'node');
    if (!isExecutableFile(candidate, platform)) continue;
    const version = nodeVersion(candidate, env);
    if (version === undefined) continue;
    if ((nodeMajor(version) ?? 0) >= MIN_NODE_MAJOR) return { path: candidate, version };
    tooOld ??= { path: candidate, version };
  }
  return tooOld;
}

function wellKnownNodeDirs(platform: NodeJS.Platform, env: NodeJS.ProcessEnv): string[] {
  if (platform === 'darwin') return ['/opt/homebrew/bin', '/usr/local/bin'];
  if (platform === 'win32') return [path.win32.join(env.ProgramFiles ?? 'C:\\Program Files', 'nodejs')];
  return ['/usr/local/bin', '/usr/bin'];
}

function isExecutableFile(file: string, platform: NodeJS.Platform): boolean {
  try {
    if (!fs.statSync(file).isFile()) return false;
    if (platform !== 'win32') fs.accessSync(file, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function nodeVersion(file: string, env: NodeJS.ProcessEnv): string | undefined {
  try {
    // NODE_OPTIONS could make it fail or print more; the version is all we ask.
    const { NODE_OPTIONS: _options, ...rest } = env;
    return execFileSync(file, ['--version'], { encoding: 'utf8', timeout: 10_000, windowsHide: true, env: rest, stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
}
