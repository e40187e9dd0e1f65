import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pythonExactVersion, pythonPackageName, type PythonRunner } from './launch-words.js';

export interface PythonFound {
  package: string | null;
  version: string | null;
  note: string;
}

/** PEP 503 normalized name, as a wheel's .dist-info folder spells it (with "_" for runs of "-_."). */
const distName = (name: string): string => name.toLowerCase().replace(/[-_.]+/g, '_');

function listDirs(dir: string): string[] {
  try {
    return fs.readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => path.join(dir, d.name));
  } catch {
    return [];
  }
}

/** The site-packages folders of the virtual environments under `root` (uv's archive, pipx's cache). */
function sitePackages(root: string): string[] {
  return listDirs(root).flatMap((env) => [
    ...listDirs(path.join(env, 'lib')).map((lib) => path.join(lib, 'site-packages')),
    path.join(env, 'Lib', 'site-packages'),
  ]);
}

/**
 * The version of a Python package a runner ran. A spec that pins it exactly says it; otherwise
 * the newest install of it in uv's or pipx's environments on disk is taken, and the note says
 * so. The index is never asked: Airlock makes no connection of its own.
 */
export function findPythonPackage(runner: PythonRunner, spec: string, env: NodeJS.ProcessEnv): PythonFound {
  const name = pythonPackageName(spec);
  if (name === null) return { package: null, version: null, note: 'the spec is not a plain package name, so its version is not read' };
  const exact = pythonExactVersion(spec);
  if (exact !== null) return { package: name, version: exact, note: `the version the spec pins (${runner} installs exactly that one)` };
  const home = env.HOME ?? os.homedir();
  const roots =
    runner === 'pipx run'
      ? [path.join(env.PIPX_HOME ?? path.join(home, '.local', 'share', 'pipx'), '.cache')]
      : [path.join(env.UV_CACHE_DIR ?? path.join(env.XDG_CACHE_HOME ?? path.join(home, '.cache'), 'uv'), 'archive-v0')];
  const prefix = `${distName(name)}-`;
  let best: { version: string; mtime: number } | null = null;
  for (const root of roots) {
    for (const site of sitePackages(root)) {
      let entries: string[];
      try {
        entries = fs.readdirSync(site);
      } catch {
        continue;
      }
      for (const entry of entries) {
        if (!entry.endsWith('.dist-info') || !distName(entry).startsWith(prefix)) continue;
        const version = entry.slice(prefix.length, -'.dist-info'.length);
        const mtime = fs.statSync(path.join(site, entry)).mtimeMs;
        if (!best || mtime > best.mtime) best = { version, mtime };
      }
    }
  }
  if (best === null) return { package: name, version: null, note: `${runner}'s install of ${name} was not found on disk, so its version is not known; pin it with: airlock servers pin` };
  return { package: name, version: best.version, note: `the newest install of ${name} in ${runner}'s environments on disk; the index was not asked` };
}
