import { parseStrictJson } from '../../input/strict-json.js';
import type { Decision } from '../decision.js';
import type { Store } from '../store/store.js';
import { AuditEventSchema, type AuditEvent } from './audit-event.js';

export interface ListAuditEventsOptions {
  /** Only events after this seq (for paging and tailing). */
  afterSeq?: number;
  /** Only events before this seq (paging backwards from the newest). */
  beforeSeq?: number;
  /** Newest first instead of oldest first. */
  newestFirst?: boolean;
  /** At most this many, oldest first; default 100, capped at 10,000. */
  limit?: number;
  server?: string;
  decision?: Decision;
}

export const DEFAULT_AUDIT_PAGE = 100;
export const MAX_AUDIT_PAGE = 10_000;

/**
 * Events in seq order, filtered on the query columns. It reads; it does not verify the chain
 * (verifyAuditChain does), so a caller showing events as evidence should verify first.
 */
export function listAuditEvents(store: Store, options: ListAuditEventsOptions = {}): AuditEvent[] {
  const limit = Math.min(Math.max(Math.trunc(options.limit ?? DEFAULT_AUDIT_PAGE), 0), MAX_AUDIT_PAGE);
  const params: Record<string, string | number> = { afterSeq: options.afterSeq ?? 0, limit };
  const where = ['seq > @afterSeq'];
  if (options.beforeSeq !== undefined) {
    where.push('seq < @beforeSeq');
    params.beforeSeq = options.beforeSeq;
  }
  if (options.server !== undefined) {
    where.push('server = @server');
    params.server = options.server;
  }
  if (options.decision !== undefined) {
    where.push('decision = @decision');
    params.decision = options.decision;
  }
  const rows = store.db
    .prepare<[Record<string, string | number>], { body: string; hash: string }>(`SELECT body, hash FROM audit_events WHERE ${where.join(' AND ')} ORDER BY seq ${options.newestFirst ? 'DESC' : 'ASC'} LIMIT @limit`)
    .all(params);
  return rows.map((row) => AuditEventSchema.parse({ ...(parseStrictJson(row.body) as object), hash: row.hash }));
}

/** How many events the log holds (for one server, when given). */
export function countAuditEvents(store: Store, server?: string): number {
  const row =
    server === undefined
      ? store.db.prepare<[], { n: number }>('SELECT count(*) AS n FROM audit_events').get()
      : store.db.prepare<[string], { n: number }>('SELECT count(*) AS n FROM audit_events WHERE server = ?').get(server);
  return row?.n ?? 0;
}

export interface RecentAuditEventsOptions {
  /** Only events of these types. */
  types: readonly string[];
  /** Look at most this many of the newest events (of any type), so a huge log is never walked whole. */
  window: number;
}

/**
 * The newest events of the given types, newest first, read lazily (stop iterating to stop
 * reading). Unlike listAuditEvents, a row that does not parse as an event is skipped, not thrown:
 * a reader that only shows recent history must start on any log, old or damaged (verify says
 * what is wrong with it). It reads by the primary key from the head down, never the whole log.
 */
export function* recentAuditEvents(store: Store, options: RecentAuditEventsOptions): Generator<AuditEvent> {
  if (options.types.length === 0) return;
  const head = store.db.prepare<[], { seq: number | null }>('SELECT max(seq) AS seq FROM audit_events').get()?.seq ?? 0;
  const floor = Math.max(0, head - Math.max(0, Math.trunc(options.window)));
  const rows = store.db
    .prepare<unknown[], { body: string; hash: string }>(`SELECT body, hash FROM audit_events WHERE seq > ? AND type IN (${options.types.map(() => '?').join(',')}) ORDER BY seq DESC`)
    .iterate(floor, ...options.types);
  for (const row of rows) {
    let parsed: unknown;
    try {
      parsed = parseStrictJson(row.body);
    } catch {
      continue;
    }
    const event = AuditEventSchema.safeParse(typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? { ...parsed, hash: row.hash } : null);
    if (event.success) yield event.data;
  }
}
