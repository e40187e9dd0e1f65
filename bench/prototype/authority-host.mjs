// The Host's side of prototype C (bench only): the authority for the log and the Live view.
// Listens on SOCKET; from each judging connect it takes either notices (connect committed the
// records itself: rows and events for the window) or records to commit (one transaction per line,
// WAL, synchronous = NORMAL), answered once committed, then turned into rows and events.
//   node bench/prototype/authority-host.mjs HOME SOCKET      (prints "listening" once ready)
import fs from 'node:fs';
import net from 'node:net';
import { EventEmitter } from 'node:events';
import { appendAuditEvents } from '../../dist/engine/audit/index.js';
import { openStore } from '../../dist/engine/store/index.js';
import { CallLog } from '../../dist/host/call-log.js';
import { LineFramer } from '../../dist/proxy/line-framer.js';
import { applyNotices } from './relay-parts.mjs';

const [home, socketPath] = process.argv.slice(2);
const store = openStore(home);
store.db.pragma('synchronous = NORMAL');
const calls = new CallLog();
const emitter = new EventEmitter();

function applyEvents(events) {
  const notices = [];
  for (const e of events) {
    const d = e.detail ?? {};
    if (e.type === 'call.decided') notices.push({ started: { id: d.callId, server: e.server, sessionId: d.sessionId ?? '', client: d.client ?? null, method: d.method ?? 'unknown', key: e.tool ?? '', decision: e.decision, rule: e.rule, reason: d.reason ?? '' }, args: e.args ?? null });
    else if (e.type === 'call.finished') notices.push({ finished: d.callId, latencyMs: d.latencyMs, decision: e.decision });
  }
  applyNotices(calls, emitter, notices);
}

fs.rmSync(socketPath, { force: true });
const server = net.createServer((socket) => {
  socket.on('error', () => undefined);
  const framer = new LineFramer({
    onLine: (line) => {
      const message = JSON.parse(line.toString('utf8'));
      if (message.commit) {
        appendAuditEvents(store, message.commit);
        if (message.ack !== undefined) socket.write(`${message.ack}\n`);
        applyEvents(message.commit);
      } else if (message.notices) {
        applyNotices(calls, emitter, message.notices);
      }
    },
    onOversize: () => {},
  });
  socket.on('data', (chunk) => framer.push(chunk));
});
server.listen(socketPath, () => process.stdout.write('listening\n'));
process.on('SIGTERM', () => process.exit(0));
