import { parentPort, workerData } from 'node:worker_threads';
import type { AuditEventInput } from '../engine/audit/index.js';
import { openStore } from '../engine/store/index.js';
import { collectGarbage } from './idle-memory.js';
import { appendWithJournalMark } from './journal/journal-mark.js';

/**
 * The audit writer's thread: canonical JSON, hashing and the SQLite commits of per-call events
 * run here, on their own connection, so the Host's event loop only relays. Messages:
 * `{ events, journalSeq }` appends in order and, when the batch holds journaled records, moves
 * the journal mark to `journalSeq` in the same transaction, then answers `{ committed }`;
 * `{ flush: id }` answers `{ flushed: id }` once all before it are committed; `{ gc: true }` runs
 * a full garbage collection (the Host is idle). A failed batch (the database locked, full or
 * read-only) is kept, with every batch after it, and answered `{ error, code }`; `{ retry: true }`
 * tries them again in order and answers `{ recovered: true }` once all are in, so a fault that
 * goes loses no record and reorders none.
 */
const port = parentPort;
if (!port) throw new Error('audit-worker.js runs as a worker thread only');
const store = openStore((workerData as { home: string }).home);
const waiting: Array<{ events: AuditEventInput[]; journalSeq?: number }> = [];

/** Commits the waiting batches in order; stops at the first that fails and reports it. */
function commitWaiting(): boolean {
  while (waiting.length > 0) {
    const batch = waiting[0]!;
    try {
      appendWithJournalMark(store, batch.events, batch.journalSeq);
    } catch (error) {
      // The code (SQLITE_FULL, SQLITE_READONLY, SQLITE_BUSY…) lets the Host say what to do about it.
      const code = (error as { code?: unknown }).code;
      port!.postMessage({ error: (error as Error).message, ...(typeof code === 'string' ? { code } : {}) });
      return false;
    }
    waiting.shift();
    if (batch.journalSeq !== undefined) port!.postMessage({ committed: batch.journalSeq });
  }
  return true;
}

port.on('message', (message: { events?: AuditEventInput[]; journalSeq?: number; flush?: number; retry?: boolean; gc?: boolean; close?: boolean }) => {
  if (message.events) {
    const stuck = waiting.length > 0;
    waiting.push({ events: message.events, ...(message.journalSeq !== undefined ? { journalSeq: message.journalSeq } : {}) });
    // Behind a failed batch, a new one waits for the retry: the chain keeps its order.
    if (!stuck) commitWaiting();
  }
  if (message.retry && waiting.length > 0 && commitWaiting()) port.postMessage({ recovered: true });
  if (message.flush !== undefined) port.postMessage({ flushed: message.flush });
  // The Host is idle: hand back what the batches of its last sessions left on this thread's heap.
  if (message.gc) collectGarbage();
  if (message.close) {
    store.close();
    port.close();
  }
});
