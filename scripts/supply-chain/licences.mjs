// Every runtime package's licence (from the lockfile, else from its installed package.json)
// must be allowed by supply-chain/licence-allow-list.json; SPDX expressions with AND/OR are
// judged as a whole (spdx.mjs). A package with no licence, or one not on the list, fails by name.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { runIfMain } from './check-result.mjs';
import { readLockfile, runtimePackages } from './lockfile-runtime.mjs';
import { licenceAllowed } from './spdx.mjs';

export const ALLOW_LIST_FILE = 'supply-chain/licence-allow-list.json';
const OWN_ALLOW_LIST = new URL('../../supply-chain/licence-allow-list.json', import.meta.url);

/** The licence expression a package declares, or null when it declares none we can read. */
function declaredLicence(root, pkg) {
  if (typeof pkg.entry.license === 'string') return pkg.entry.license;
  const manifest = path.join(root, pkg.location, 'package.json');
  if (!existsSync(manifest)) return null;
  const json = JSON.parse(readFileSync(manifest, 'utf8'));
  if (typeof json.license === 'string') return json.license;
  if (typeof json.license?.type === 'string') return json.license.type;
  // The old `licenses: [{ type }]` form means the user may pick any of them.
  if (Array.isArray(json.licenses)) return json.licenses.map((l) => l.type ?? l).join(' OR ') || null;
  return null;
}

export async function checkLicences(root) {
  const listFile = existsSync(path.join(root, ALLOW_LIST_FILE)) ? path.join(root, ALLOW_LIST_FILE) : OWN_ALLOW_LIST;
  const allowed = new Set(Object.keys(JSON.parse(readFileSync(listFile, 'utf8')).allowed));
  const packages = runtimePackages(readLockfile(root));
  const problems = [];
  const seen = new Map();
  for (const pkg of packages) {
    const licence = declaredLicence(root, pkg);
    const id = `${pkg.name}@${pkg.version}`;
    if (licence === null) {
      problems.push(`${id} (${pkg.location}) declares no licence: find its terms and add a reviewed entry, or drop the package`);
    } else if (!licenceAllowed(licence, allowed)) {
      problems.push(`${id} is licensed "${licence}", which ${ALLOW_LIST_FILE} does not allow: replace the package, or review the licence and add it to the list`);
    } else {
      seen.set(licence, (seen.get(licence) ?? 0) + 1);
    }
  }
  const tally = [...seen].sort((a, b) => b[1] - a[1]).map(([l, n]) => `${n} ${l}`).join(', ');
  return {
    ok: problems.length === 0,
    summary: `${packages.length} runtime packages${problems.length ? `, ${problems.length} not allowed` : ''}${tally ? ` (${tally})` : ''}`,
    problems,
  };
}

await runIfMain(import.meta.url, 'licences', checkLicences);
