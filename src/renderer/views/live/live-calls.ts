import type { CallRow, Decision } from '../../../shared/host-api/index.js';
import { decisionLabel } from '../../components/decision-label.js';

/** The Live view keeps the newest calls only: the Host keeps the rest in the audit log. */
export const MAX_CALL_ROWS = 1000;

export const DECISIONS: readonly Decision[] = ['ALLOW', 'HOLD', 'DENY', 'SILENCE'];

const startedMs = (row: CallRow): number => Date.parse(row.startedAt);

/**
 * How far along a row is: a finished call (with its latency) beats a started one, a held call
 * with its answer beats one still waiting. Events and the first load can arrive in any order,
 * so a late `call.started` must never undo a `call.finished` already shown.
 */
function progressOf(row: CallRow): number {
  return (row.latencyMs !== null ? 1 : 0) + (row.finalDecision !== null ? 1 : 0);
}

function preferred(existing: CallRow | undefined, incoming: CallRow): CallRow {
  return existing === undefined || progressOf(incoming) >= progressOf(existing) ? incoming : existing;
}

/** Newest first, then by id so equal times keep one order. */
function newestFirst(a: CallRow, b: CallRow): number {
  return startedMs(b) - startedMs(a) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** One event's call merged in: a known id is replaced where it stands, a new one inserted by time; at most `max` rows. */
export function mergeCall(rows: readonly CallRow[], call: CallRow, max = MAX_CALL_ROWS): CallRow[] {
  const at = rows.findIndex((r) => r.id === call.id);
  if (at >= 0) {
    const chosen = preferred(rows[at], call);
    if (chosen === rows[at]) return rows as CallRow[];
    const next = [...rows];
    next[at] = chosen;
    return next;
  }
  const next = [...rows];
  const before = next.findIndex((r) => newestFirst(call, r) < 0);
  next.splice(before < 0 ? next.length : before, 0, call);
  return next.length > max ? next.slice(0, max) : next;
}

/** Many calls (the first load) merged into rows that events may already have filled. */
export function mergeCalls(rows: readonly CallRow[], calls: readonly CallRow[], max = MAX_CALL_ROWS): CallRow[] {
  const byId = new Map(rows.map((r) => [r.id, r]));
  for (const call of calls) byId.set(call.id, preferred(byId.get(call.id), call));
  return [...byId.values()].sort(newestFirst).slice(0, max);
}

export interface CallFilter {
  /** '' for every server. */
  server: string;
  /** '' for every decision. */
  decision: Decision | '';
}

/** A decision filter matches the gate's decision or a hold's answer: "DENY" also lists held calls the user denied. */
export function filterCalls(rows: readonly CallRow[], filter: CallFilter): CallRow[] {
  return rows.filter(
    (r) => (filter.server === '' || r.server === filter.server) && (filter.decision === '' || r.decision === filter.decision || r.finalDecision === filter.decision),
  );
}

export function serversOf(rows: readonly CallRow[]): string[] {
  return [...new Set(rows.map((r) => r.server))].sort();
}

export interface MinuteBucket {
  /** Start of the minute, ms since the epoch. */
  start: number;
  counts: Record<Decision, number>;
}

const MINUTE = 60_000;

/**
 * Calls per minute by the gate's decision, oldest minute first, for the `minutes` minutes ending
 * with the one `now` falls in. Calls outside that window are left out.
 */
export function callsPerMinute(rows: readonly CallRow[], now: number, minutes = 30): MinuteBucket[] {
  const last = Math.floor(now / MINUTE) * MINUTE;
  const first = last - (minutes - 1) * MINUTE;
  const buckets: MinuteBucket[] = Array.from({ length: minutes }, (_, i) => ({ start: first + i * MINUTE, counts: { ALLOW: 0, HOLD: 0, DENY: 0, SILENCE: 0 } }));
  for (const row of rows) {
    const t = startedMs(row);
    if (!(t >= first && t < last + MINUTE)) continue;
    const bucket = buckets[Math.floor((t - first) / MINUTE)];
    if (bucket) bucket.counts[row.decision] += 1;
  }
  return buckets;
}

/** The chart in words: totals per decision over the window. */
export function bucketsSummary(buckets: readonly MinuteBucket[]): string {
  const totals = DECISIONS.map((d) => [d, buckets.reduce((sum, b) => sum + b.counts[d], 0)] as const);
  const all = totals.reduce((sum, [, n]) => sum + n, 0);
  return `Last ${buckets.length} minutes: ${all} ${all === 1 ? 'call' : 'calls'} (${totals.map(([d, n]) => `${n} ${decisionLabel(d)}`).join(', ')})`;
}
