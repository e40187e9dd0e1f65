// The lockfile is the only source of versions. CI installs with `npm ci` alone, which installs
// exactly what package-lock.json pins (checked by integrity) and refuses a lockfile that does
// not match package.json; so "a range that could resolve differently" means, here:
//   - a spec npm ci does not take from the registry by locked version and integrity: git,
//     GitHub shorthand, URL, file:/link: paths, dist-tags (`latest`), and unbounded ranges
//     (`*`, `>=1`), which tell a reviewer nothing about what may be installed next;
//   - a lockfile whose root entry lists other specs than package.json, a direct dependency
//     whose locked version does not satisfy its range (npm ls over the lockfile says so),
//     a locked package with no integrity hash or resolved from outside an https registry;
//   - a CI script that installs with anything but `npm ci`.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { runIfMain } from './check-result.mjs';
import { readLockfile } from './lockfile-runtime.mjs';
import { runNpm } from './run-npm.mjs';
import { refuseSpec } from './version-spec.mjs';

const SECTIONS = ['dependencies', 'devDependencies', 'optionalDependencies'];

function specProblems(manifest, lock) {
  const problems = [];
  const lockedRoot = lock.packages[''] ?? {};
  for (const section of SECTIONS) {
    const specs = manifest[section] ?? {};
    for (const [name, spec] of Object.entries(specs)) {
      const refused = refuseSpec(spec);
      if (refused) problems.push(`package.json ${section} "${name}": "${spec}" is ${refused}; use a version range from the registry, then npm install`);
      if (lockedRoot[section]?.[name] !== spec) problems.push(`package-lock.json does not record ${section} "${name}": "${spec}"; run npm install and commit the lockfile`);
    }
    for (const name of Object.keys(lockedRoot[section] ?? {})) {
      if (!(name in specs)) problems.push(`package-lock.json records ${section} "${name}", which package.json no longer has; run npm install`);
    }
  }
  return problems;
}

function entryProblems(lock) {
  const problems = [];
  for (const [location, entry] of Object.entries(lock.packages)) {
    if (location === '' || entry.link || entry.inBundle || !location.includes('node_modules/')) continue;
    if (!entry.version) problems.push(`${location} has no locked version`);
    if (!entry.integrity) problems.push(`${location} has no integrity hash, so npm ci cannot verify what it installs`);
    if (entry.resolved && !/^https:\/\/.+\.tgz$/.test(entry.resolved)) problems.push(`${location} resolves to ${entry.resolved}, not a registry tarball`);
  }
  return problems;
}

async function treeProblems(root, env) {
  const res = await runNpm(['ls', '--package-lock-only', '--all', '--json'], { cwd: root, env });
  let tree;
  try { tree = JSON.parse(res.stdout); } catch { return [`npm ls could not read the lockfile: ${res.stderr.trim().split('\n').at(-1)}`]; }
  // npm ls lists invalid (locked version outside the range) and missing entries as problems.
  return (tree.problems ?? []).map((p) => `npm ls: ${p}`);
}

function ciProblems(root) {
  const file = path.join(root, '.ci', 'run');
  if (!existsSync(file)) return [];
  const lines = readFileSync(file, 'utf8').split('\n').filter((l) => !/^\s*#/.test(l));
  const problems = [];
  if (!lines.some((l) => /\bnpm\s+ci\b/.test(l))) problems.push('.ci/run does not install with npm ci');
  for (const line of lines) {
    if (/\bnpm\s+(install|i|add|update|up|upgrade)\b/.test(line)) problems.push(`.ci/run runs "${line.trim()}"; CI must install with npm ci only`);
  }
  return problems;
}

export async function checkLockfile(root, { env = process.env } = {}) {
  const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
  const lock = readLockfile(root);
  const problems = [...specProblems(manifest, lock), ...entryProblems(lock), ...(await treeProblems(root, env)), ...ciProblems(root)];
  const direct = SECTIONS.reduce((n, s) => n + Object.keys(manifest[s] ?? {}).length, 0);
  return {
    ok: problems.length === 0,
    summary: `${direct} direct dependencies, ${Object.keys(lock.packages).length - 1} locked packages${problems.length ? `: ${problems.length} problems` : ': every version comes from the lockfile'}`,
    problems,
  };
}

await runIfMain(import.meta.url, 'lockfile', checkLockfile);
