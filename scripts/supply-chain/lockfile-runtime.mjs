// Reads package-lock.json (v2/v3) and names the packages the app ships: every entry that
// npm did not flag `dev` (npm computes that flag over the whole graph when it writes the
// lockfile, so a package used by both a runtime and a dev dependency counts as runtime).
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

export function readLockfile(root) {
  const file = path.join(root, 'package-lock.json');
  if (!existsSync(file)) throw new Error(`no package-lock.json in ${root}: run npm install once and commit the lockfile`);
  const lock = JSON.parse(readFileSync(file, 'utf8'));
  if (!lock.packages || (lock.lockfileVersion ?? 1) < 2) {
    throw new Error(`package-lock.json in ${root} is lockfileVersion ${lock.lockfileVersion ?? 1}; regenerate it with npm 7 or newer`);
  }
  return lock;
}

/** The package name a lockfile location holds (`node_modules/a/node_modules/@s/b` → `@s/b`). */
export function nameAt(location, entry) {
  return entry.name ?? location.slice(location.lastIndexOf('node_modules/') + 'node_modules/'.length);
}

/** @returns {{ location: string, name: string, version: string, entry: any }[]} */
export function runtimePackages(lock) {
  const found = [];
  for (const [location, entry] of Object.entries(lock.packages)) {
    if (location === '' || !location.includes('node_modules/')) continue; // the root and workspace folders
    if (entry.dev || entry.link || entry.extraneous) continue;
    found.push({ location, name: nameAt(location, entry), version: entry.version, entry });
  }
  return found;
}
