import { Worker } from 'node:worker_threads';
import type { AuditEventInput } from '../engine/audit/index.js';
import type { Store } from '../engine/store/index.js';
import { compiledWorkerUrl } from '../engine/worker-file.js';
import { AuditJournal, JournalWriteError } from './journal/audit-journal.js';

/** How long per-call events may wait to be written together, and how many trigger a write at once. */
export const AUDIT_FLUSH_MS = 10;
export const AUDIT_FLUSH_EVENTS = 256;
/** How long after a failed write the worker tries the waiting batches again. */
export const AUDIT_RETRY_MS = 1_000;

/**
 * Appends per-call audit events from a worker thread, in batches (every 10 ms or 256 events,
 * one transaction each), so neither hashing nor disk syncs sit in the path of a call. A record
 * that must survive a crash before its call is forwarded goes through `journal()` first: one
 * write() to the home's journal, synchronously (journal/audit-journal.ts), replayed at the next
 * start if the Host dies before the batch is committed. If a write fails, or the journal found
 * at start is damaged, `broken` is set and the Host refuses further calls: it fails closed rather
 * than forward calls it can no longer record. A failed commit (the database locked or full) keeps
 * its batch in the worker and is retried every AUDIT_RETRY_MS; once every waiting batch is in, in
 * order, `broken` clears and calls flow again. A journal failure or a dead worker stays broken.
 */
export class AuditBatcher {
  private queue: AuditEventInput[] = [];
  /** The journal's sequence number of the last journaled record in `queue`. */
  private queueJournalSeq: number | undefined;
  private timer: NodeJS.Timeout | null = null;
  private readonly worker: Worker;
  private readonly journalFile: AuditJournal | null = null;
  private flushSeq = 0;
  private readonly flushed = new Map<number, () => void>();
  broken: Error | null = null;
  /** The worker's first failed commit, while batches wait in it for a retry. */
  private commitError: Error | null = null;
  private retryTimer: NodeJS.Timeout | null = null;

  constructor(
    home: string,
    store: Store,
    private readonly onError: (error: Error) => void,
  ) {
    try {
      // Before the worker starts and before any call: the records of the last run come first.
      this.journalFile = AuditJournal.open(home, store);
    } catch (error) {
      this.broken = error as Error;
      // After the Host's constructor, so whoever listens to its log can hear it.
      setImmediate(() => onError(error as Error));
    }
    this.worker = new Worker(compiledWorkerUrl(import.meta.url, 'audit-worker.js'), { workerData: { home } });
    this.worker.on('message', (message: { error?: string; flushed?: number; committed?: number; recovered?: boolean }) => {
      if (message.error !== undefined) this.commitFailed(new Error(message.error));
      if (message.recovered) this.recovered();
      if (message.committed !== undefined) this.journalFile?.committed(message.committed);
      if (message.flushed !== undefined) {
        this.flushed.get(message.flushed)?.();
        this.flushed.delete(message.flushed);
      }
    });
    this.worker.on('error', (error) => this.fail(error));
  }

  append(event: AuditEventInput): void {
    this.queue.push(event);
    this.schedule();
  }

  /**
   * Writes the record to the journal now (its arguments hashed), then queues it for the chain.
   * When this returns, the record survives a crash of the process. Throws when it cannot be
   * journaled: the caller must then not forward the call it records.
   */
  journal(event: AuditEventInput): void {
    if (!this.journalFile) throw this.broken ?? new Error('the audit journal is not open');
    let entry;
    try {
      entry = this.journalFile.write(event);
    } catch (error) {
      if (error instanceof JournalWriteError) this.fail(error);
      throw error;
    }
    this.queue.push(entry.event);
    this.queueJournalSeq = entry.seq;
    this.schedule();
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
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    await this.flush();
    this.worker.postMessage({ close: true });
    await new Promise<void>((resolve) => this.worker.once('exit', () => resolve()));
    this.journalFile?.close();
  }

  private schedule(): void {
    if (this.queue.length >= AUDIT_FLUSH_EVENTS) this.send();
    else this.timer ??= setTimeout(() => this.send(), AUDIT_FLUSH_MS);
  }

  private send(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.queue.length === 0) return;
    this.worker.postMessage({ events: this.queue, journalSeq: this.queueJournalSeq });
    this.queue = [];
    this.queueJournalSeq = undefined;
  }

  private commitFailed(error: Error): void {
    // The first failure is the one `broken` holds and the one a recovery clears.
    if (!this.commitError) {
      this.commitError = error;
      this.fail(error);
    }
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.worker.postMessage({ retry: true });
    }, AUDIT_RETRY_MS);
    this.retryTimer.unref();
  }

  private recovered(): void {
    // Only the commit fault clears: a broken journal or a dead worker still needs a restart.
    if (this.broken && this.broken === this.commitError) this.broken = null;
    this.commitError = null;
  }

  private fail(error: Error): void {
    // A journal failure or a dead worker during a commit fault replaces it: no retry clears those.
    if (this.broken && this.broken !== this.commitError) return;
    this.broken = error;
    this.onError(error);
  }
}
