import { appendAuditEvent, type AuditEventInput } from '../engine/audit/index.js';
import type { Store } from '../engine/store/index.js';

/**
 * Appends per-call audit events in batches, one transaction (one fsync) per turn of the
 * event loop, so logging every call does not add a disk sync to every call's latency.
 * If writing fails, `broken` is set and the Host refuses further calls: it fails closed
 * rather than forward calls it can no longer record.
 */
export class AuditBatcher {
  private queue: AuditEventInput[] = [];
  private scheduled = false;
  broken: Error | null = null;

  constructor(
    private readonly store: Store,
    private readonly onError: (error: Error) => void,
  ) {}

  append(event: AuditEventInput): void {
    this.queue.push(event);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
  }

  flush(): void {
    this.scheduled = false;
    if (this.queue.length === 0) return;
    const batch = this.queue;
    this.queue = [];
    try {
      this.store.transaction(() => {
        for (const event of batch) appendAuditEvent(this.store, event);
      });
    } catch (error) {
      this.broken = error as Error;
      this.onError(error as Error);
    }
  }
}
