// Reads supply-chain/audit-exceptions.json: advisories a person reviewed and accepted for a
// while. Every field is required and an exception lasts at most 90 days, so an accepted risk
// is looked at again; an expired one fails the check even when the advisory service is down.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

export const EXCEPTIONS_FILE = 'supply-chain/audit-exceptions.json';
const MAX_DAYS = 90;
const FIELDS = ['advisory', 'package', 'reason', 'reviewer', 'date', 'expires'];
const DAY_MS = 24 * 60 * 60 * 1000;

/** @returns {{ exceptions: Record<string, string>[], problems: string[] }} */
export function readAuditExceptions(root, today = new Date()) {
  const file = path.join(root, EXCEPTIONS_FILE);
  if (!existsSync(file)) return { exceptions: [], problems: [] };
  const list = JSON.parse(readFileSync(file, 'utf8')).exceptions ?? [];
  const problems = [];
  const exceptions = [];
  const todayDay = today.toISOString().slice(0, 10);
  for (const [i, item] of list.entries()) {
    const label = `${EXCEPTIONS_FILE} entry ${i + 1} (${item.advisory ?? 'no advisory id'})`;
    const missing = FIELDS.filter((f) => typeof item[f] !== 'string' || item[f].trim() === '');
    if (missing.length > 0) { problems.push(`${label} lacks ${missing.join(', ')}: fill them in or remove the entry`); continue; }
    const date = Date.parse(`${item.date}T00:00:00Z`);
    const expires = Date.parse(`${item.expires}T00:00:00Z`);
    if (Number.isNaN(date) || Number.isNaN(expires)) { problems.push(`${label}: date and expires must be YYYY-MM-DD`); continue; }
    if (expires <= date || expires - date > MAX_DAYS * DAY_MS) { problems.push(`${label}: expires must fall within ${MAX_DAYS} days after date`); continue; }
    if (item.expires < todayDay) { problems.push(`${label} expired on ${item.expires}: review the advisory again, then renew or remove the exception`); continue; }
    exceptions.push(item);
  }
  return { exceptions, problems };
}
