// `npm run supply-chain`: every supply-chain check over this project, one line each, then the
// problems of any that failed. Exits 1 when one fails. The checks are independent, so they run
// at once; together they take a few seconds.
import { checkAudit } from './audit.mjs';
import { formatResult } from './check-result.mjs';
import { checkLicences } from './licences.mjs';
import { checkLockfile } from './lockfile.mjs';
import { checkSbom } from './sbom.mjs';
import { checkSecrets } from './secrets.mjs';

const CHECKS = [
  ['lockfile', checkLockfile],
  ['audit', checkAudit],
  ['sbom', checkSbom],
  ['licences', checkLicences],
  ['secrets', checkSecrets],
];

const root = process.cwd();
const results = await Promise.all(CHECKS.map(async ([name, check]) => {
  try {
    return [name, await check(root)];
  } catch (error) {
    return [name, { ok: false, summary: `could not run: ${error instanceof Error ? error.message : String(error)}`, problems: [] }];
  }
}));
for (const [name, result] of results) console.log(formatResult(name, result));
process.exitCode = results.every(([, r]) => r.ok) ? 0 : 1;
