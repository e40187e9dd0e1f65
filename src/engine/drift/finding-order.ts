import type { Finding } from '../finding.js';
import { severityRank } from '../severity.js';
import { ITEM_KINDS } from '../surface.js';

export const kindRank = (kind: string | null): number => (kind === null ? -1 : (ITEM_KINDS as readonly string[]).indexOf(kind));
export const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Worst first, then server-wide before per-item, then kind, key, path and code: a stable order for receipts. */
export function compareFindings(a: Finding, b: Finding): number {
  return (
    severityRank(b.severity) - severityRank(a.severity) ||
    kindRank(a.itemKind) - kindRank(b.itemKind) ||
    compareText(a.itemKey ?? '', b.itemKey ?? '') ||
    compareText(a.path, b.path) ||
    compareText(a.code, b.code)
  );
}
