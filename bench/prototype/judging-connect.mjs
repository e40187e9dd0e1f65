// Prototype C of issue 15 (bench only): `airlock connect` judges. It spawns the server itself and
// runs the relay session and the gate in its own process (client ⇄ connect ⇄ server: two hops
// fewer than today), with the Host as the authority for state, holds and the log. Issue 16's rule
// holds: no call is forwarded before its call.decided record is committed, one group commit per
// event-loop turn. Two ways to commit:
//   AUDIT=local  connect appends to the home's SQLite itself (WAL, synchronous = NORMAL; appends
//                from many processes serialize under BEGIN IMMEDIATE into one chain), and tells
//                the Host what the Live view needs in a notice line every 10 ms.
//   AUDIT=journal connect appends the group's records to its own journal file (one write, no fsync)
//                and forwards; it appends them to the SQLite chain itself every 10 ms, off the
//                call's path; Live-view notices as with local.
//   AUDIT=none   no audit record at all: the floor of this design (relay and gate only).
//   AUDIT=host   connect sends the group's records to the Host, which commits them and answers;
//                the group's forwards wait for that answer. The Host stays the only writer.
// State comes from the home's store (in a product: from the Host, pushed at each change), read
// once per message as the Host's gate does. Holds are out of scope here (the bench never holds).
//   node bench/prototype/judging-connect.mjs HOME SERVER AUTHORITY_SOCKET
import net from 'node:net';
import path from 'node:path';
// The server starts first; the gate, the relay and the audit writer load while it starts (its
// own start, ≈ 300 ms for server-everything, hides theirs). The client's first bytes wait in the pipe.
import { getServerConfig, openStore } from '../../dist/engine/store/index.js';
import { buildServerEnv } from '../../dist/host/server-env.js';
import { UpstreamStdio } from '../../dist/proxy/upstream-stdio.js';

const [home, serverName, authoritySocket] = process.argv.slice(2);
const mode = process.env.AUDIT ?? 'local';
const store = openStore(home);
store.db.pragma('synchronous = NORMAL');
const config = getServerConfig(store, serverName);
const { env } = buildServerEnv({ config, secrets: {}, hostEnv: process.env });
const child = new UpstreamStdio({ command: config.command, args: config.args, env, cwd: process.cwd() });
const [{ appendAuditEvents }, { TrustRegistry }, { LineFramer }, { RelaySession }, { GatedUpstream, GroupCommit, journalCommit, relayHooks }] = await Promise.all([
  import('../../dist/engine/audit/index.js'),
  import('../../dist/engine/controller/trust-registry.js'),
  import('../../dist/proxy/line-framer.js'),
  import('../../dist/proxy/relay-session.js'),
  import('./relay-parts.mjs'),
]);
const registry = new TrustRegistry(store);

const host = net.createConnection(authoritySocket);
await new Promise((resolve, reject) => host.once('connect', resolve).once('error', reject));
host.setNoDelay?.(true);

let commit;
let lazy;
const acks = [];
if (mode === 'host') {
  let seq = 0;
  const framer = new LineFramer({ onLine: () => acks.shift()(), onOversize: () => {} });
  host.on('data', (chunk) => framer.push(chunk));
  commit = (events) => new Promise((resolve) => {
    acks.push(resolve);
    host.write(`${JSON.stringify({ commit: events, ack: ++seq })}\n`);
  });
  // Records that gate nothing: committed by the Host too, nobody waits for its answer.
  lazy = (events) => host.write(`${JSON.stringify({ commit: events })}\n`);
} else if (mode === 'journal') {
  const { journal, later } = journalCommit(path.join(home, `audit-journal-${process.pid}.jsonl`), (events) => void appendAuditEvents(store, events));
  [commit, lazy] = [journal, later];
} else {
  commit = (events) => void appendAuditEvents(store, events);
}
const group = new GroupCommit(commit, lazy ?? commit);

let notices = [];
let noticeTimer = null;
const notice = (n) => {
  notices.push(n);
  noticeTimer ??= setTimeout(() => {
    noticeTimer = null;
    host.write(`${JSON.stringify({ notices })}\n`);
    notices = [];
  }, 10);
};

const upstream = new GatedUpstream(child, group);
// The client's stdio as the Duplex a RelaySession expects (data/end/close/error, write, end).
const client = {
  on(event, listener) {
    if (event === 'error') process.stdout.on('error', listener);
    process.stdin.on(event, listener);
    return this;
  },
  resume: () => process.stdin.resume(),
  write: (data) => process.stdout.write(data),
  end: () => process.stdout.end(),
  get destroyed() {
    return process.stdout.destroyed;
  },
};
const record = mode === 'none' ? () => {} : (e, urgent) => group.record(e, urgent);
const hooks = relayHooks({ name: config.name, registry, approveOnFirstList: config.approveOnFirstList, record, liveView: false, notice: mode === 'host' ? () => {} : notice });
const session = new RelaySession(config.name, client, upstream, hooks);
hooks.bind(session);
session.start();
void session.closedPromise.then(() => {
  group.flush();
  setTimeout(() => process.exit(0), 50);
});
