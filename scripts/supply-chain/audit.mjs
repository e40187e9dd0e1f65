// npm audit over the runtime dependencies (--omit=dev): fails on a high or critical advisory
// unless supply-chain/audit-exceptions.json accepts it (see audit-exceptions.mjs).
// When the advisory service cannot answer (this workplace's registry answers 405; DNS or network
// errors elsewhere) the check says so in one line and passes: it cannot know, and failing every
// build for an outage would teach people to ignore it. Any other npm error fails.
import { readAuditExceptions } from './audit-exceptions.mjs';
import { runIfMain } from './check-result.mjs';
import { runNpm } from './run-npm.mjs';

const BLOCKING = new Set(['high', 'critical']);
const NETWORK_CODES = /\b(ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENETUNREACH|EHOSTUNREACH|ECONNABORTED|EPROTO|CERT_\w+|UNABLE_TO_\w+)\b/;

/** The one-line reason when npm's answer says the advisory service could not be asked, else null. */
export function unreachableReason(report, stderr) {
  if (report && typeof report.statusCode === 'number' && report.statusCode >= 400) {
    return `the advisory service answered ${report.message ?? report.statusCode}`;
  }
  const text = `${report?.error?.code ?? ''} ${report?.code ?? ''} ${report?.message ?? ''} ${report?.error?.summary ?? ''} ${stderr}`;
  const network = NETWORK_CODES.exec(text);
  if (network) return `the advisory service could not be reached (${network[1]})`;
  return null;
}

/** GHSA id from the advisory URL, and npm's numeric source id: an exception may name either. */
function advisoryIds(via) {
  const ghsa = /GHSA-[\w-]+/i.exec(via.url ?? '')?.[0];
  return [String(via.source), ghsa].filter(Boolean);
}

export async function checkAudit(root, { env = process.env, today = new Date() } = {}) {
  const { exceptions, problems } = readAuditExceptions(root, today);
  const res = await runNpm(['audit', '--omit=dev', '--json'], { cwd: root, env });
  let report = null;
  try { report = JSON.parse(res.stdout); } catch { /* judged below */ }

  const hasReport = typeof report?.vulnerabilities === 'object' && report.vulnerabilities !== null;
  // Only without a report: a failed metadata fetch after a good audit must not hide findings.
  const unreachable = hasReport ? null : unreachableReason(report, res.stderr);
  if (unreachable) {
    return { ok: problems.length === 0, summary: `skipped: ${unreachable}; no advisory data, so nothing to judge`, problems };
  }
  if (!hasReport) {
    const why = report?.message ?? report?.error?.summary ?? res.stderr.trim().split('\n').pop() ?? `exit ${res.code}`;
    return { ok: false, summary: `npm audit failed: ${why}`, problems };
  }

  let accepted = 0;
  const seen = new Set();
  for (const vuln of Object.values(report.vulnerabilities)) {
    for (const via of vuln.via) {
      // A string `via` points at another vulnerable package; its own advisories are listed there.
      if (typeof via !== 'object' || !BLOCKING.has(via.severity)) continue;
      const ids = advisoryIds(via);
      const key = `${via.name}:${ids.join('/')}`;
      if (seen.has(key)) continue;
      seen.add(key);
      if (exceptions.some((e) => ids.includes(e.advisory) && e.package === via.name)) { accepted += 1; continue; }
      problems.push(`${via.severity} ${ids.at(-1)} in ${via.name} ${via.range}: ${via.title} (${via.url}); upgrade it, or add a reviewed entry to supply-chain/audit-exceptions.json`);
    }
  }
  const counts = report.metadata?.vulnerabilities ?? {};
  const tally = ['critical', 'high', 'moderate', 'low'].map((s) => `${counts[s] ?? 0} ${s}`).join(', ');
  return {
    ok: problems.length === 0,
    summary: `${tally} in runtime dependencies${accepted ? `; ${accepted} high/critical accepted by a current exception` : ''}`,
    problems,
  };
}

await runIfMain(import.meta.url, 'audit', checkAudit);
