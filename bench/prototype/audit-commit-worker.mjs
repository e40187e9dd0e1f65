// The worker thread of durable-host.mjs with AUDIT=worker: appends each batch it is sent in one
// transaction (WAL, synchronous = NORMAL) and answers once it is committed.
import { parentPort, workerData } from 'node:worker_threads';
import { appendAuditEvents } from '../../dist/engine/audit/index.js';
import { openStore } from '../../dist/engine/store/index.js';

const store = openStore(workerData.home);
store.db.pragma('synchronous = NORMAL');
parentPort.on('message', (events) => {
  appendAuditEvents(store, events);
  parentPort.postMessage(0);
});
