import { Worker } from 'node:worker_threads';
import type { AuditEventInput } from '../engine/audit/index.js';
import { compiledWorkerUrl } from '../engine/worker-file.js';

/** How long per-call events may wait to be written together, and how many trigger a write at once. */
export const AUDIT_FLUSH_MS = 10;
export const AUDIT_FLUSH_EVENTS = 256;

/**
 * Appends per-call audit events from a worker thread, in batches (every 10 ms or 256 events,
 * one transaction each), so neither hashing nor disk syncs sit in the path of a call. If a
 * write fails, `broken` is set and the Host refuses further calls: it fails closed rather
 * than forward calls it can no longer record.
 */
export class AuditBatcher {
  private queue: AuditEventInput[] = [];
  private timer: NodeJS.Timeout | null = null;
  private readonly worker: Worker;
  private flushSeq = 0;
  private readonly flushed = new Map<number, () => void>();
  broken: Error | null = null;

  constructor(
    home: string,
    private readonly onError: (error: Error) => void,
  ) {
    this.worker = new Worker(compiledWorkerUrl(import.meta.url, 'audit-worker.js'), { workerData: { home } });
    this.worker.on('message', (message: { error?: string; flushed?: number }) => {
      if (message.error !== undefined) this.fail(new Error(message.error));
      if (message.flushed !== undefined) {
        this.flushed.get(message.flushed)?.();
        this.flushed.delete(message.flushed);
      }
    });
    this.worker.on('error', (error) => this.fail(error));
  }

  append(event: AuditEventInput): void {
    this.queue.push(event);
    if (this.queue.length >= AUDIT_FLUSH_EVENTS) this.send();
    else this.timer ??= setTimeout(() => this.send(), AUDIT_FLUSH_MS);
  }

  /** Resolves once every event appended so far is committed. */
  flush(): Promise<void> {
    this.send();
    const id = ++this.flushSeq;
    return new Promise((resolve) => {
      this.flushed.set(id, resolve);
      this.worker.postMessage({ flush: id });
    });
  }

  async close(): Promise<void> {
    await this.flush();
    this.worker.postMessage({ close: true });
    await new Promise<void>((resolve) => this.worker.once('exit', () => resolve()));
  }

  private send(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.queue.length === 0) return;
    this.worker.postMessage({ events: this.queue });
    this.queue = [];
  }

  private fail(error: Error): void {
    if (this.broken) return;
    this.broken = error;
    this.onError(error);
  }
}
