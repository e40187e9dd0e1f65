import { Worker } from 'node:worker_threads';
import type { AuditEventInput } from '../engine/audit/index.js';
import type { Store } from '../engine/store/index.js';
import { compiledWorkerUrl } from '../engine/worker-file.js';
import { keepComponentFailure } from './crash-report/index.js';
import { AuditJournal } from './journal/audit-journal.js';

/** How long per-call events may wait to be written together, and how many trigger a write at once. */
export const AUDIT_FLUSH_MS = 10;
export const AUDIT_FLUSH_EVENTS = 256;
/** How long after a failed write the worker (or the journal) tries again. */
export const AUDIT_RETRY_MS = 1_000;

/**
 * Appends per-call audit events from a worker thread, in batches (every 10 ms or 256 events,
 * one transaction each), so neither hashing nor disk syncs sit in the path of a call. A record
 * that must survive a crash before its call is forwarded goes through `journal()` first: one
 * write() to the home's journal, synchronously (journal/audit-journal.ts), replayed at the next
 * start if the Host dies before the batch is committed. While anything cannot be written, `broken`
 * is set and the Host refuses calls: it fails closed rather than forward calls it may not record.
 * A failed commit (the database locked, full or read-only) keeps its batch in the worker and is
 * retried every AUDIT_RETRY_MS, and a journal that could not write (or keep space ahead) is tried
 * again as often; once both can write, `broken` clears and calls flow again. A journal found
 * damaged at start, one that could not be cut back to a whole record, or a dead worker stays
 * broken until a restart.
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
  /** A fault no retry clears: the journal found damaged at start, or the worker died. */
  private fatal: Error | null = null;
  /** The worker's first failed commit, while batches wait in it for a retry. */
  private commitError: Error | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  /** The journal's fault the Host was told of, while the journal is retried. */
  private journalError: Error | null = null;
  private journalRetry: NodeJS.Timeout | null = null;

  constructor(
    home: string,
    store: Store,
    private readonly onError: (error: Error) => void,
    /** The names to scrub from a report of the worker's death (the Host's servers). */
    serverNames: () => readonly string[] = () => [],
  ) {
    try {
      // Before the worker starts and before any call: the records of the last run come first.
      this.journalFile = AuditJournal.open(home, store);
    } catch (error) {
      this.fatal = error as Error;
      // After the Host's constructor, so whoever listens to its log can hear it.
      setImmediate(() => onError(error as Error));
    }
    this.worker = new Worker(compiledWorkerUrl(import.meta.url, 'audit-worker.js'), { workerData: { home } });
    this.worker.on('message', (message: { error?: string; code?: string; flushed?: number; committed?: number; recovered?: boolean }) => {
      if (message.error !== undefined) this.commitFailed(Object.assign(new Error(message.error), message.code === undefined ? {} : { code: message.code }));
      if (message.recovered) this.commitError = null;
      if (message.committed !== undefined) this.journalFile?.committed(message.committed);
      if (message.flushed !== undefined) {
        this.flushed.get(message.flushed)?.();
        this.flushed.delete(message.flushed);
      }
    });
    // An exception inside the thread: calls are refused from now on, and a report is kept (kind "failure"), never sent.
    this.worker.on('error', (error) => {
      this.fail(error);
      this.onError(new Error(keepComponentFailure(home, error, { component: 'audit-worker', serverNames })));
    });
    // A journal that could not keep space ahead at start (a full disk) refuses calls until it can.
    if (this.journalFile) setImmediate(() => this.noticeJournalFault());
  }

  /** Why calls are refused now (the first fault that holds), or null when the log can be written. */
  get broken(): Error | null {
    return this.fatal ?? this.journalFile?.fault ?? this.commitError;
  }

  /** What a refused call's client is told: what cannot be written, why, and what to do. */
  get refusal(): string | null {
    const error = this.broken;
    if (error === null) return null;
    return describeAuditFault(error, error === this.commitError || (error === this.journalFile?.fault && !this.journalFile.needsRestart));
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
    } finally {
      this.noticeJournalFault();
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

  /** Asks the writer's thread for a full garbage collection (the Host is idle). */
  collectGarbage(): void {
    this.worker.postMessage({ gc: true });
  }

  async close(): Promise<void> {
    for (const timer of [this.retryTimer, this.journalRetry]) if (timer) clearTimeout(timer);
    this.retryTimer = null;
    this.journalRetry = null;
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
    // The first failure is the one the Host is told of, and the one a recovery clears.
    if (!this.commitError) {
      this.commitError = error;
      this.onError(error);
    }
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.worker.postMessage({ retry: true });
    }, AUDIT_RETRY_MS);
    this.retryTimer.unref();
  }

  /** A journal fault is told once and retried every AUDIT_RETRY_MS until the journal can write again; one that needs a restart is told too. */
  private noticeJournalFault(): void {
    const fault = this.journalFile?.fault ?? null;
    if (fault === null || fault === this.journalError) return;
    if (this.journalError !== null && !this.journalFile?.needsRestart) return;
    this.journalError = fault;
    this.onError(fault);
    if (!this.journalRetry && !this.journalFile?.needsRestart) this.retryJournal();
  }

  private retryJournal(): void {
    this.journalRetry = setTimeout(() => {
      this.journalRetry = null;
      if (this.journalFile?.recover()) this.journalError = null;
      else if (!this.journalFile?.needsRestart) this.retryJournal();
    }, AUDIT_RETRY_MS);
    this.journalRetry.unref();
  }

  private fail(error: Error): void {
    if (this.fatal) return;
    this.fatal = error;
    this.onError(error);
  }
}

/**
 * A refusal a person can act on, from the fault's errno or SQLite code and its message: a full
 * disk, a read-only disk or home, permissions, another program holding the database, a failed
 * write. `retried` says whether Airlock gets over it alone (else the user restarts it).
 */
export function describeAuditFault(error: Error, retried: boolean): string {
  const text = `${(error as NodeJS.ErrnoException).code ?? ''} ${error.message}`;
  const then = retried ? 'Airlock tries again every second and answers calls once it can write' : 'then restart Airlock';
  const what = `Airlock cannot write its audit log (${error.message}), so it refuses calls rather than forward calls it cannot record.`;
  if (/ENOSPC|EDQUOT|SQLITE_FULL|disk is full|no space left|quota/i.test(text)) return `${what} The disk is full: free some space on it; ${then}.`;
  if (/EROFS|SQLITE_READONLY|read-only|readonly/i.test(text)) return `${what} The disk or the Airlock home is read-only: make it writable again (remount it read-write); ${then}.`;
  if (/EACCES|EPERM|SQLITE_PERM|permission denied|not permitted/i.test(text)) return `${what} Airlock may not write its home: give its user write access to the home folder and its files; ${then}.`;
  if (/SQLITE_BUSY|SQLITE_LOCKED|database is locked/i.test(text)) return `${what} Another program holds the database: close it (or wait for it to finish); ${then}.`;
  // SQLite reports a write the disk refused (EROFS, EIO) as an I/O error, without the reason.
  if (/SQLITE_IOERR|EIO|I\/O error/i.test(text)) return `${what} The disk refused a write: check that it is not full, read-only or failing; ${then}.`;
  return retried ? `${what} Check the disk and the home folder's permissions; ${then} (if it does not, restart it).` : `${what} Restart Airlock once that is fixed.`;
}
