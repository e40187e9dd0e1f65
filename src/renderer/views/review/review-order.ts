import { itemId, severityRank, type ReviewItem, type Severity } from '../../../shared/host-api/index.js';

/** The item's worst finding, or null when it has none. */
export function worstSeverity(item: ReviewItem): Severity | null {
  let worst: Severity | null = null;
  for (const f of item.findings) if (worst === null || severityRank(f.severity) > severityRank(worst)) worst = f.severity;
  return worst;
}

function oldestCall(item: ReviewItem): number {
  return Math.min(...item.pendingCalls.map((h) => Date.parse(h.openedAt)));
}

/** Items with a call waiting on them first; then worst first; then the call that has waited longest; then by name. */
export function reviewOrder(items: readonly ReviewItem[]): ReviewItem[] {
  const waiting = (item: ReviewItem): number => (item.pendingCalls.length > 0 ? 1 : 0);
  return [...items].sort(
    (a, b) =>
      waiting(b) - waiting(a) ||
      severityRank(worstSeverity(b)) - severityRank(worstSeverity(a)) ||
      oldestCall(a) - oldestCall(b) ||
      compare(a.server, b.server) ||
      compare(a.kind, b.kind) ||
      compare(a.key, b.key),
  );
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The item a location hash names (`#/review?server=S&kind=K&key=KEY`), as the tray menu and a
 * notification click open it; null when it names none.
 */
export function itemIdFromHash(hash: string): string | null {
  const query = hash.indexOf('?');
  if (query < 0) return null;
  const params = new URLSearchParams(hash.slice(query + 1));
  const server = params.get('server');
  const key = params.get('key');
  if (server === null || key === null) return null;
  return itemId({ server, kind: (params.get('kind') ?? 'tool') as ReviewItem['kind'], key });
}
