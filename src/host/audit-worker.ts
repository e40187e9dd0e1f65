import { parentPort, workerData } from 'node:worker_threads';
import type { AuditEventInput } from '../engine/audit/index.js';
import { openStore } from '../engine/store/index.js';
import { appendWithJournalMark } from './journal/journal-mark.js';

/**
 * The audit writer's thread: canonical JSON, hashing and the SQLite commits of per-call events
 * run here, on their own connection, so the Host's event loop only relays. Messages:
 * `{ events, journalSeq }` appends in order and, when the batch holds journaled records, moves
 * the journal mark to `journalSeq` in the same transaction, then answers `{ committed }`;
 * `{ flush: id }` answers `{ flushed: id }` once all before it are committed. A failure is
 * reported once as `{ error }`, and nothing more is written.
 */
const port = parentPort;
if (!port) throw new Error('audit-worker.js runs as a worker thread only');
const store = openStore((workerData as { home: string }).home);
let failed = false;

port.on('message', (message: { events?: AuditEventInput[]; journalSeq?: number; flush?: number; close?: boolean }) => {
  if (message.events && !failed) {
    try {
      appendWithJournalMark(store, message.events, message.journalSeq);
      if (message.journalSeq !== undefined) port.postMessage({ committed: message.journalSeq });
    } catch (error) {
      failed = true;
      port.postMessage({ error: (error as Error).message });
    }
  }
  if (message.flush !== undefined) port.postMessage({ flushed: message.flush });
  if (message.close) {
    store.close();
    port.close();
  }
});
