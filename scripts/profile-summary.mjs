// Summarizes a V8 .cpuprofile (node --cpu-prof) by where the busy time went: self time grouped into
// the categories of issue 15's breakdown (writes, JSON, gate, audit hand-off, events, call log…),
// then the top functions. Idle time is left out; percentages are of busy time.
//   node scripts/profile-summary.mjs FILE.cpuprofile [CALLS]   CALLS: µs per call are printed too
//   SKIP_MS=4000 leaves out the profile's first 4 s; TOP=40 lists 40 functions.
// Samples are wall-clock on the thread: a blocking syscall (a pipe write that wakes the reader, an
// fsync) counts as busy here even while the thread is off the CPU; /proc's CPU times do not.
import fs from 'node:fs';

const [file, callsArg] = process.argv.slice(2);
if (!file) throw new Error('usage: node scripts/profile-summary.mjs FILE.cpuprofile [CALLS]');
const calls = callsArg ? Number(callsArg) : 0;
const profile = JSON.parse(fs.readFileSync(file, 'utf8'));

const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parentOf = new Map();
for (const n of profile.nodes) for (const c of n.children ?? []) parentOf.set(c, n.id);
// SKIP_MS: leave out the first milliseconds of the profile (start, first listing, warm-up calls).
const skipUs = Number(process.env.SKIP_MS ?? 0) * 1000;
const selfUs = new Map();
let at = 0;
for (let i = 0; i < profile.samples.length; i += 1) {
  const id = profile.samples[i];
  at += profile.timeDeltas[i] ?? 0;
  if (at < skipUs) continue;
  selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
}

/** First matching rule wins; a node is classified by itself or, failing that, by its nearest classified caller. */
const RULES = [
  ['idle', (f) => f === '(idle)'],
  ['GC', (f) => f === '(garbage collector)'],
  ['socket/pipe writes (writeBuffer, writev, libuv)', (f, u) => /^(writeBuffer|writev|writeGeneric|writevGeneric|handleWriteReq|_writeGeneric|_writev|_write|onWriteComplete|afterWriteDispatched)$/.test(f) || (u.includes('stream_base_commons') && f !== '') || u.includes('internal/streams/writable')],
  ['socket/pipe reads and stream events', (f, u) => u.includes('internal/streams/readable') || f === 'onStreamRead' || u.includes('internal/stream_base_commons') || u.includes('node:net') || u.includes('node:internal/net')],
  ['worker hand-off (postMessage, structured clone)', (f, u) => f === 'postMessage' || u.includes('internal/worker') || u.includes('worker_threads')],
  ['audit (engine/audit, SQLite, hashing)', (f, u) => u.includes('/engine/audit/') || u.includes('/engine/merkle/') || u.includes('better-sqlite3') || u.includes('canonical-json') || u.includes('/engine/store/') || f === 'run' || f === 'get' || f === 'transaction' || /sha256|digest|createHash|update/.test(f)],
  ['audit batcher', (f, u) => u.includes('audit-batcher') || u.includes('audit-worker')],
  ['timers', (f, u) => u.includes('internal/timers') || /^(setTimeout|clearTimeout|listOnTimeout|processTimers)$/.test(f)],
  ['JSON (parse, stringify, strict scan)', (f, u) => f === 'parse' || f === 'stringify' || u.includes('strict-json') || u.includes('/input/')],
  ['gate (engine/gate, controller)', (f, u) => u.includes('/engine/gate/') || u.includes('/engine/controller/') || u.includes('/engine/surface') || u.includes('/engine/drift/') || u.includes('zod')],
  ['call log and call audit fields', (f, u) => u.includes('call-log') || u.includes('call-audit') || u.includes('/host/secret') || f === 'toISOString'],
  ['events (EventEmitter emit and listeners)', (f, u) => u.includes('node:events') || u.includes('http-events') || u.includes('host-events') || u.includes('control')],
  ['relay session, framing, upstream', (f, u) => u.includes('/proxy/')],
  ['host composition', (f, u) => u.includes('/host/')],
  ['microtasks, ticks, async hooks', (f, u) => u.includes('internal/process/task_queues') || u.includes('async_hooks') || f === 'processTicksAndRejections' || f === 'runMicrotasks'],
  ['(program): native, kernel, uncategorized', (f) => f === '(program)'],
];

const categoryCache = new Map();
function categoryOf(id) {
  if (categoryCache.has(id)) return categoryCache.get(id);
  const n = byId.get(id);
  const f = n.callFrame.functionName;
  const u = n.callFrame.url;
  let cat = RULES.find(([, test]) => test(f, u))?.[0];
  if (cat === undefined) {
    const p = parentOf.get(id);
    cat = p === undefined ? 'other' : categoryOf(p);
    // Builtins called from our code (Map.get, Array.push…) count with their caller; at the root they are "other".
    if (cat === 'idle' || cat === '(program): native, kernel, uncategorized') cat = 'other (builtins, node internals)';
  }
  categoryCache.set(id, cat);
  return cat;
}

const cats = new Map();
const funcs = new Map();
let busy = 0;
let idle = 0;
for (const [id, us] of selfUs) {
  const cat = categoryOf(id);
  if (cat === 'idle') {
    idle += us;
    continue;
  }
  busy += us;
  cats.set(cat, (cats.get(cat) ?? 0) + us);
  const n = byId.get(id);
  const key = `${n.callFrame.functionName || '(anonymous)'} ${n.callFrame.url.replace(/^.*\/(dist|node_modules)\//, '$1/').replace(/^node:/, '')}:${n.callFrame.lineNumber + 1}`;
  funcs.set(key, (funcs.get(key) ?? 0) + us);
}

const fmt = (us) => (calls ? `${(us / calls).toFixed(1)} µs/call` : `${(us / 1000).toFixed(0)} ms`);
console.log(`${file}\nbusy ${(busy / 1000).toFixed(0)} ms, idle ${(idle / 1000).toFixed(0)} ms${calls ? `, ${calls} calls: ${(busy / calls).toFixed(0)} µs busy a call` : ''}\n`);
console.log('| category | share of busy | per call |\n| --- | ---: | ---: |');
for (const [cat, us] of [...cats].sort((a, b) => b[1] - a[1])) console.log(`| ${cat} | ${((us / busy) * 100).toFixed(1)} % | ${fmt(us)} |`);
console.log('\ntop functions (self time):');
for (const [key, us] of [...funcs].sort((a, b) => b[1] - a[1]).slice(0, Number(process.env.TOP ?? 25))) console.log(`  ${((us / busy) * 100).toFixed(1).padStart(5)} %  ${fmt(us).padStart(16)}  ${key}`);
