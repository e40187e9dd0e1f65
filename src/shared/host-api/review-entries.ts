import type { ReviewItem, Severity } from './host-api-values.js';

/**
 * How Review lists what waits for an answer, the same in the window and in `airlock review`:
 * an item's identity, its findings worst first, and a first-seen server as one entry.
 */

const RANK: Record<Severity, number> = { info: 1, low: 2, medium: 3, high: 4, critical: 5 };

export function severityRank(severity: Severity | null): number {
  return severity === null ? 0 : RANK[severity];
}

/** One item's identity across reloads (its hashes change when the server changes it again). */
export function itemId(item: Pick<ReviewItem, 'server' | 'kind' | 'key'>): string {
  return `${item.server}\u0000${item.kind}\u0000${item.key}`;
}

/** Findings worst first (the Host sends them so; sorting again keeps the view honest if it does not). */
export function findingsWorstFirst<T extends { severity: Severity }>(findings: readonly T[]): T[] {
  return [...findings].sort((a, b) => RANK[b.severity] - RANK[a.severity]);
}

/** A review entry: one item, or a first-seen server's items as one decision (`members`). */
export type ReviewEntry = ReviewItem & { members?: ReviewItem[] };

/** The program first (a change there holds every call), then tools: they are what a model calls. */
const KIND_ORDER: readonly ReviewItem['kind'][] = ['provenance', 'tool', 'prompt', 'resource', 'resource-template', 'instructions', 'server-info'];

/** A first-seen server's items in the order they are shown: tools first, then by name. */
export function byKindThenKey(a: Pick<ReviewItem, 'kind' | 'key'>, b: Pick<ReviewItem, 'kind' | 'key'>): number {
  return KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind) || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
}

/** The key a first-seen server's group goes by (its items are keyed by their own names). */
export const GROUP_KEY = '';

/**
 * A server Airlock has never approved becomes one entry with all its items: rated by the worst
 * finding of any of them, approved whole by the surface hash shown (hash null), or item by item.
 * Items of servers with a baseline stay one entry each.
 */
export function groupFirstSeen(items: readonly ReviewItem[]): ReviewEntry[] {
  const groups = new Map<string, ReviewItem[]>();
  const out: ReviewEntry[] = [];
  for (const item of items) {
    if (item.firstSeen !== true) {
      out.push(item);
      continue;
    }
    const members = groups.get(item.server);
    if (members === undefined) groups.set(item.server, [item]);
    else members.push(item);
  }
  for (const [server, members] of groups) {
    const first = members[0] as ReviewItem;
    // The same server-wide finding rides on every member; show it once.
    const seen = new Set<string>();
    const findings = findingsWorstFirst(members.flatMap((m) => m.findings)).filter((f) => {
      const id = `${f.code}\u0000${f.itemKind ?? ''}\u0000${f.itemKey ?? ''}\u0000${f.path}`;
      if (seen.has(id)) return false;
      seen.add(id);
      return true;
    });
    out.push({
      server,
      state: first.state,
      kind: 'server-info',
      key: GROUP_KEY,
      status: 'added',
      hash: null,
      surfaceHash: first.surfaceHash,
      findings,
      approved: null,
      live: null,
      quarantined: members.every((m) => m.quarantined),
      pendingCalls: members.flatMap((m) => m.pendingCalls),
      firstSeen: true,
      members: [...members].sort(byKindThenKey),
    });
  }
  return out;
}

/** The entry that shows an item: itself, or the group it belongs to (a tray link names a member). */
export function entryIndexOf(entries: readonly ReviewEntry[], id: string): number {
  return entries.findIndex((e) => itemId(e) === id || (e.members?.some((m) => itemId(m) === id) ?? false));
}

/** "9 tools, 1 prompt" */
export function membersText(members: readonly Pick<ReviewItem, 'kind'>[]): string {
  const counts = new Map<string, number>();
  for (const m of members) counts.set(m.kind, (counts.get(m.kind) ?? 0) + 1);
  return [...counts].map(([kind, n]) => `${n} ${kind.replace('-', ' ')}${n === 1 ? '' : 's'}`).join(', ');
}

/** An item's description as its server lists it now, when it has one. */
export function liveDescription(live: unknown): string | null {
  if (typeof live !== 'object' || live === null) return null;
  const text = (live as { description?: unknown }).description;
  return typeof text === 'string' ? text : null;
}

/**
 * How an item is named to a person: `tool "echo"`, or for a server's singletons what it is
 * ("the program", "the instructions", "the server info") rather than its kind twice.
 */
export function itemLabel(kind: string, key: string): string {
  const singleton = key === kind ? SINGLETON_LABELS.get(kind) : undefined;
  return singleton ?? `${kind} "${key}"`;
}

const SINGLETON_LABELS: ReadonlyMap<string, string> = new Map([
  ['provenance', 'the program'],
  ['instructions', 'the instructions'],
  ['server-info', 'the server info'],
]);
