// Writes artifacts/sbom.cdx.json, a CycloneDX SBOM of what the app ships, and checks it lists
// every runtime package of the lockfile at its locked version and nothing else.
// `npm sbom --omit dev` would be the direct way, but npm drops every runtime package that a
// dev dependency also uses (npm/cli#7909, open; here 112 of 141). So this asks npm for the SBOM
// of the whole installed tree and keeps the components the lockfile says ship. npm reads the
// installed node_modules, so a package installed at another version than locked shows up here.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { runIfMain } from './check-result.mjs';
import { readLockfile, runtimePackages } from './lockfile-runtime.mjs';
import { runNpm } from './run-npm.mjs';

export const SBOM_FILE = 'artifacts/sbom.cdx.json';

/** Keeps the runtime components and the dependency edges between them. */
function runtimeSbom(full, runtimeRefs) {
  const rootRef = full.metadata?.component?.['bom-ref'];
  const components = full.components
    .filter((c) => runtimeRefs.has(`${c.name}@${c.version}`))
    .map((c) => ({
      ...c,
      // npm marks a package "development" when any dev dependency reaches it (the same bug).
      properties: (c.properties ?? []).filter((p) => p.name !== 'cdx:npm:package:development'),
    }));
  const kept = new Set([rootRef, ...components.map((c) => c['bom-ref'])]);
  const dependencies = (full.dependencies ?? [])
    .filter((d) => kept.has(d.ref))
    .map((d) => ({ ...d, dependsOn: (d.dependsOn ?? []).filter((r) => kept.has(r)) }));
  return { ...full, components, dependencies };
}

/** Every runtime package at its locked version, and no component the lockfile does not ship. */
export function compareSbom(sbom, packages) {
  const listed = new Set(sbom.components.map((c) => `${c.name}@${c.version}`));
  const locked = new Set(packages.map((p) => `${p.name}@${p.version}`));
  const problems = [];
  for (const id of locked) {
    if (!listed.has(id)) problems.push(`${id} is locked as a runtime dependency but the SBOM does not list it: run npm ci, then check again`);
  }
  for (const id of listed) {
    if (!locked.has(id)) problems.push(`the SBOM lists ${id}, which the lockfile does not pin for runtime`);
  }
  return problems;
}

export async function checkSbom(root, { env = process.env } = {}) {
  const packages = runtimePackages(readLockfile(root));
  const res = await runNpm(['sbom', '--sbom-format', 'cyclonedx'], { cwd: root, env });
  if (res.code !== 0) {
    // npm names what is missing or at the wrong version (ESBOMPROBLEMS) on stderr.
    const lines = res.stderr.split('\n').filter((l) => /error (missing|invalid|extraneous)/.test(l)).map((l) => l.replace(/^npm error /, ''));
    return { ok: false, summary: `npm sbom refused the installed tree: it does not match the lockfile; run npm ci`, problems: lines.length ? lines : [res.stderr.trim().split('\n').at(-1) ?? `exit ${res.code}`] };
  }
  const sbom = runtimeSbom(JSON.parse(res.stdout), new Set(packages.map((p) => `${p.name}@${p.version}`)));
  mkdirSync(path.join(root, path.dirname(SBOM_FILE)), { recursive: true });
  writeFileSync(path.join(root, SBOM_FILE), `${JSON.stringify(sbom, null, 2)}\n`);
  const problems = compareSbom(sbom, packages);
  return {
    ok: problems.length === 0,
    summary: `${SBOM_FILE}: CycloneDX ${sbom.specVersion}, ${sbom.components.length} components for ${new Set(packages.map((p) => `${p.name}@${p.version}`)).size} locked runtime packages`,
    problems,
  };
}

await runIfMain(import.meta.url, 'sbom', checkSbom);
