// Prototype B of issue 15 (bench only): today's process design — `airlock connect` → Host →
// server — with issue 16's rule added: no call is forwarded before its call.decided record is
// committed. The Host's own RelaySession, gate, call log and events (relay-parts.mjs mirrors
// host.ts's hooks), and the audit append on the main thread in one group commit per event-loop
// turn, WAL with synchronous = NORMAL (survives a crash of the process, not a power cut).
// AUDIT=worker instead commits on a worker thread (today's AuditBatcher thread) and awaits it.
// AUDIT=journal appends the records to a journal file (one write, no fsync) before forwarding, and
// hands them to the worker thread for the SQLite chain every 10 ms as today's AuditBatcher does.
// AUDIT=none writes no record at all: the floor of this process design (relay, gate, call log, events).
//   node bench/prototype/durable-host.mjs HOME      (prints "listening" once ready)
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { appendAuditEvents } from '../../dist/engine/audit/index.js';
import { TrustRegistry } from '../../dist/engine/controller/trust-registry.js';
import { getServerConfig, openStore } from '../../dist/engine/store/index.js';
import { buildServerEnv } from '../../dist/host/server-env.js';
import { listenHostSocket, readHello, writeHelloReply } from '../../dist/proxy/local-socket.js';
import { RelaySession } from '../../dist/proxy/relay-session.js';
import { UpstreamStdio } from '../../dist/proxy/upstream-stdio.js';
import { GatedUpstream, GroupCommit, journalCommit, relayHooks } from './relay-parts.mjs';

const home = process.argv[2];
const store = openStore(home);
store.db.pragma('synchronous = NORMAL');
const registry = new TrustRegistry(store);

let commit;
let lazy;
if (process.env.AUDIT === 'worker' || process.env.AUDIT === 'journal') {
  // The worker appends and answers; commits finish in order.
  const worker = new Worker(new URL('./audit-commit-worker.mjs', import.meta.url), { workerData: { home } });
  const waiting = [];
  worker.on('message', () => waiting.shift()());
  const toWorker = (events) => new Promise((resolve) => {
    waiting.push(resolve);
    worker.postMessage(events);
  });
  if (process.env.AUDIT === 'journal') {
    const { journal, later } = journalCommit(path.join(home, 'audit-journal.jsonl'), (events) => void toWorker(events));
    [commit, lazy] = [journal, later];
  } else {
    commit = toWorker;
  }
} else {
  commit = (events) => void appendAuditEvents(store, events);
}
const group = new GroupCommit(commit, lazy ?? commit);

await listenHostSocket(home, async (socket) => {
  socket.on('error', () => undefined);
  const hello = await readHello(socket);
  const config = getServerConfig(store, hello.server);
  const { env } = buildServerEnv({ config, secrets: {}, hostEnv: process.env, ...(hello.path ? { clientPath: hello.path } : {}) });
  const upstream = new GatedUpstream(new UpstreamStdio({ command: config.command, args: config.args, env, cwd: hello.cwd }), group);
  writeHelloReply(socket, { hello: 'ok' });
  const record = process.env.AUDIT === 'none' ? () => {} : (e, urgent) => group.record(e, urgent);
  const hooks = relayHooks({ name: config.name, registry, approveOnFirstList: config.approveOnFirstList, record });
  const session = new RelaySession(config.name, socket, upstream, hooks);
  hooks.bind(session);
  session.start();
});
process.stdout.write('listening\n');
process.on('SIGTERM', () => {
  group.flush();
  process.exit(0);
});
