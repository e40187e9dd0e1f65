import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readJson, shownPath } from './file-digest.js';
import { npmExactVersion, npmPackageName, type NpmRunner } from './launch-words.js';

/**
 * Where a runner put the package that ran, found on disk (the registry is never asked: Airlock
 * makes no connection of its own). Notes name no folder: the same program found from another
 * project or npx folder must give the same record, or each start would log a new approval.
 */
export interface NpmFound {
  version: string | null;
  integrity: string | null;
  source: 'project' | 'npx-cache' | 'pnpm-cache' | 'bun-cache' | 'not-found';
  note: string;
}

/**
 * npx's own folder for a list of specs: npm's libnpmexec names it by the first 16 hex digits of
 * sha512 over the specs, sorted and joined by newlines, under `<cache>/_npx/`.
 */
export function npxFolderName(specs: readonly string[]): string {
  return createHash('sha512')
    .update([...specs].sort((a, b) => a.localeCompare(b, 'en')).join('\n'))
    .digest('hex')
    .slice(0, 16);
}

/** npm's cache folder for a server's environment: npm_config_cache, else npm's default. */
export function npmCacheDir(env: NodeJS.ProcessEnv): string {
  const configured = env.npm_config_cache ?? env.NPM_CONFIG_CACHE;
  if (configured) return configured;
  const home = env.HOME ?? env.USERPROFILE ?? os.homedir();
  return process.platform === 'win32' ? path.join(env.LOCALAPPDATA ?? path.join(home, 'AppData', 'Local'), 'npm-cache') : path.join(home, '.npm');
}

/** The integrity npm recorded for `node_modules/<name>` in the lockfile of the tree at `root`. */
function lockedIntegrity(root: string, name: string): string | null {
  for (const lock of [path.join(root, 'package-lock.json'), path.join(root, 'node_modules', '.package-lock.json')]) {
    const packages = readJson(lock)?.packages;
    const entry = typeof packages === 'object' && packages !== null ? (packages as Record<string, unknown>)[`node_modules/${name}`] : undefined;
    const integrity = typeof entry === 'object' && entry !== null ? (entry as Record<string, unknown>).integrity : undefined;
    if (typeof integrity === 'string') return integrity;
  }
  return null;
}

function installedVersion(root: string, name: string): string | null {
  const version = readJson(path.join(root, 'node_modules', name, 'package.json'))?.version;
  return typeof version === 'string' ? version : null;
}

/**
 * The package an npm runner ran, as it would have found it: npx first uses a project's own
 * node_modules (walking up from the cwd), then its cache folder for the spec. pnpm dlx and
 * bunx keep their own caches; the newest copy there is taken, and the note says so.
 */
export function findNpmPackage(runner: NpmRunner, spec: string, cwd: string, env: NodeJS.ProcessEnv): NpmFound {
  const name = npmPackageName(spec);
  if (name === null) return { version: null, integrity: null, source: 'not-found', note: `the spec is not a registry package name, so its version is not read` };
  const exact = npmExactVersion(spec);
  if (runner === 'npx' || runner === 'npm exec') {
    for (let dir = path.resolve(cwd); ; dir = path.dirname(dir)) {
      const version = installedVersion(dir, name);
      if (version !== null && (exact === null || exact === version)) {
        return { version, integrity: lockedIntegrity(dir, name), source: 'project', note: "read from the project's own node_modules (npx runs a project's copy first); the registry was not asked" };
      }
      if (dir === path.dirname(dir)) break;
    }
    const folder = path.join(npmCacheDir(env), '_npx', npxFolderName([spec]));
    const version = installedVersion(folder, name);
    if (version !== null) return { version, integrity: lockedIntegrity(folder, name), source: 'npx-cache', note: "read from npx's install in npm's cache on disk; the registry was not asked" };
    return { version: null, integrity: null, source: 'not-found', note: `npx's install of ${spec} was not found on disk (looked in the project's node_modules and ${shownPath(folder)})` };
  }
  const newest = runner === 'pnpm dlx' ? newestPnpmCopy(env, name) : newestBunCopy(env, name);
  if (newest === null) return { version: null, integrity: null, source: 'not-found', note: `${runner}'s copy of ${name} was not found on disk` };
  return { version: newest.version, integrity: null, source: runner === 'pnpm dlx' ? 'pnpm-cache' : 'bun-cache', note: `the newest copy in ${runner}'s cache on disk; no integrity is recorded there; the registry was not asked` };
}

function cacheHome(env: NodeJS.ProcessEnv): string {
  return env.XDG_CACHE_HOME ?? path.join(env.HOME ?? os.homedir(), '.cache');
}

function listDirs(dir: string): string[] {
  try {
    return fs.readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => path.join(dir, d.name));
  } catch {
    return [];
  }
}

function newestOf(candidates: ReadonlyArray<{ dir: string; version: string | null }>): { dir: string; version: string } | null {
  let best: { dir: string; version: string; mtime: number } | null = null;
  for (const c of candidates) {
    if (c.version === null) continue;
    let mtime: number;
    try {
      mtime = fs.statSync(c.dir).mtimeMs;
    } catch {
      continue;
    }
    if (!best || mtime > best.mtime) best = { dir: c.dir, version: c.version, mtime };
  }
  return best && { dir: best.dir, version: best.version };
}

/** pnpm dlx: `<cache>/pnpm/dlx/<hash>/<stamp>/node_modules/<name>`. */
function newestPnpmCopy(env: NodeJS.ProcessEnv, name: string): { dir: string; version: string } | null {
  const root = path.join(cacheHome(env), 'pnpm', 'dlx');
  const trees = listDirs(root).flatMap((hash) => [hash, ...listDirs(hash)]);
  return newestOf(trees.map((dir) => ({ dir: path.join(dir, 'node_modules', name), version: installedVersion(dir, name) })));
}

/** bunx: `~/.bun/install/cache/<name>@<version>@@@<n>/package.json`. */
function newestBunCopy(env: NodeJS.ProcessEnv, name: string): { dir: string; version: string } | null {
  const root = env.BUN_INSTALL_CACHE_DIR ?? path.join(env.BUN_INSTALL ?? path.join(env.HOME ?? os.homedir(), '.bun'), 'install', 'cache');
  const scope = name.startsWith('@') ? name.slice(0, name.indexOf('/')) : null;
  const base = scope ? name.slice(scope.length + 1) : name;
  const dirs = listDirs(scope ? path.join(root, scope) : root).filter((d) => path.basename(d).startsWith(`${base}@`));
  return newestOf(dirs.map((dir) => {
    const version = readJson(path.join(dir, 'package.json'))?.version;
    return { dir, version: typeof version === 'string' ? version : null };
  }));
}
