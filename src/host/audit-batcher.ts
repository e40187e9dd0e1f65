import { appendAuditEvents, type AuditEventInput } from '../engine/audit/index.js';
import type { Store } from '../engine/store/index.js';

/** How long per-call events may wait to be written together, and how many trigger a write at once. */
export const AUDIT_FLUSH_MS = 10;
export const AUDIT_FLUSH_EVENTS = 256;

/**
 * Appends per-call audit events in batches: one transaction (one fsync) every 10 ms or 256
 * events, so logging every call does not put a disk sync in the path of every call. If a
 * write fails, `broken` is set and the Host refuses further calls: it fails closed rather
 * than forward calls it can no longer record.
 */
export class AuditBatcher {
  private queue: AuditEventInput[] = [];
  private timer: NodeJS.Timeout | null = null;
  broken: Error | null = null;

  constructor(
    private readonly store: Store,
    private readonly onError: (error: Error) => void,
  ) {}

  append(event: AuditEventInput): void {
    this.queue.push(event);
    if (this.queue.length >= AUDIT_FLUSH_EVENTS) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), AUDIT_FLUSH_MS);
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.queue.length === 0) return;
    const batch = this.queue;
    this.queue = [];
    try {
      appendAuditEvents(this.store, batch);
    } catch (error) {
      this.broken = error as Error;
      this.onError(error as Error);
    }
  }
}
