import { findingsWorstFirst, severityRank, type Finding, type ItemKind, type ItemRef, type QuarantinedItem, type ReviewItem } from '../../../shared/host-api/index.js';

/** One row of what a whole-server approval does: an item that changes, or one the user quarantined. */
export interface ApprovalRow {
  kind: ItemKind;
  key: string;
  change: ReviewItem['status'] | 'unchanged';
  /** The review item, for its findings and diff; null for a quarantined item that did not change. */
  item: ReviewItem | null;
  /** Set when the user quarantined it: it stays quarantined unless ticked. */
  quarantine: { reason: string } | null;
}

export interface ApprovalSummary {
  rows: ApprovalRow[];
  /** The worst finding across every item, with the item it is on. */
  worst: { finding: Finding; row: ApprovalRow } | null;
  counts: { changed: number; added: number; removed: number; quarantined: number };
}

const KIND_ORDER: readonly ItemKind[] = ['provenance', 'server-info', 'instructions', 'tool', 'prompt', 'resource', 'resource-template'];
const refId = (r: ItemRef): string => `${r.kind}\u0000${r.key}`;

/** The items a whole-server approval touches, from the review list and the server's quarantined items; kinds in surface order, names sorted. */
export function approvalSummary(items: readonly ReviewItem[], quarantined: readonly QuarantinedItem[]): ApprovalSummary {
  const quarantine = new Map(quarantined.map((q) => [refId(q), { reason: q.reason }]));
  const rows: ApprovalRow[] = items.map((item) => ({ kind: item.kind, key: item.key, change: item.status, item, quarantine: quarantine.get(refId(item)) ?? null }));
  const listed = new Set(rows.map(refId));
  for (const q of quarantined) if (!listed.has(refId(q))) rows.push({ kind: q.kind, key: q.key, change: 'unchanged', item: null, quarantine: { reason: q.reason } });
  rows.sort((a, b) => KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind) || a.key.localeCompare(b.key));
  let worst: ApprovalSummary['worst'] = null;
  for (const row of rows) {
    const first = row.item ? findingsWorstFirst(row.item.findings)[0] : undefined;
    if (first !== undefined && (worst === null || severityRank(first.severity) > severityRank(worst.finding.severity))) worst = { finding: first, row };
  }
  const count = (status: ReviewItem['status']): number => rows.filter((r) => r.change === status).length;
  return { rows, worst, counts: { changed: count('changed'), added: count('added'), removed: count('removed'), quarantined: rows.filter((r) => r.quarantine !== null).length } };
}
