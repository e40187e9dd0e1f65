// What the soak scripts (crash-soak.mjs, load-soak.mjs) share: the airlock CLI of a checkout, run
// with a bare environment, and a real `airlock serve` started as a child process so that its
// memory and CPU can be read alone from /proc. Needs that checkout's dist/ (npm run build:node).
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** This checkout, or ROOT=<another checkout with dist/> (to run a before/after build with the same driver). */
export const root = path.resolve(process.env.ROOT ?? fileURLToPath(new URL('..', import.meta.url)));
export const BIN = path.join(root, 'bin', 'airlock.js');
// Only what Node and the CLI need: no AIRLOCK_HOME or client settings of the person running it leak in.
export const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' };

/** Runs `airlock ARGS` to the end; throws with its output when it fails. Returns its stdout. */
export function cli(args) {
  const r = spawnSync(process.execPath, [BIN, ...args], { env, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`airlock ${args.join(' ')} failed (${r.status}): ${r.stderr}${r.stdout}`);
  return r.stdout;
}

/**
 * Starts `airlock serve --home HOME ...args` and resolves once its stdout satisfies `ready` (by
 * default: its first output, the "listening" line). Its stdout keeps being read afterwards (it
 * logs each session; a full pipe would stall it) but is kept only until ready. `nodeArgs` go to
 * node itself (--heapsnapshot-signal, --cpu-prof); `cwd` is where such files land.
 */
export async function startHost(home, { args = [], nodeArgs = [], cwd, ready = (out) => out.length > 0 } = {}) {
  const host = spawn(process.execPath, [...nodeArgs, BIN, 'serve', '--home', home, ...args], { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  let out = '';
  host.stderr.on('data', (d) => (err += d));
  const exited = new Promise((resolve) => host.once('exit', resolve));
  await Promise.race([
    new Promise((resolve) => {
      const onData = (d) => {
        out += d;
        if (!ready(out)) return;
        host.stdout.off('data', onData);
        host.stdout.resume();
        resolve();
      };
      host.stdout.on('data', onData);
    }),
    exited.then((code) => {
      throw new Error(`airlock serve exited (${code}) before it listened: ${err}${out}`);
    }),
  ]);
  return { host, exited, stdout: out, stderr: () => err };
}

/** The command that starts @modelcontextprotocol/server-everything over stdio, from this checkout's node_modules. */
export function everythingCommand() {
  const dir = path.join(root, 'node_modules', '@modelcontextprotocol', 'server-everything');
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
  const bin = typeof manifest.bin === 'string' ? manifest.bin : Object.values(manifest.bin)[0];
  return [process.execPath, path.join(dir, bin), 'stdio'];
}

/** The process ids whose parent is `parent` (Linux /proc). */
export function childrenOf(parent) {
  const out = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === parent) out.push(Number(entry));
    } catch {
      // Gone already.
    }
  }
  return out;
}

/** True when this module is the script node was started with. */
export function isMain(importMetaUrl) {
  return Boolean(process.argv[1]) && path.resolve(process.argv[1]) === fileURLToPath(importMetaUrl);
}

/**
 * A Chrome DevTools Protocol session with a Node process started with --inspect=127.0.0.1:0
 * (its ws:// address is on its stderr): `send(method, params)` resolves with the result. Used to
 * force a full GC of the Host and read its V8 heap, to tell garbage not yet collected from memory kept.
 */
export async function inspectorSession(wsUrl) {
  const { WebSocket } = await import('undici');
  const ws = new WebSocket(wsUrl);
  await new Promise((resolve, reject) => {
    ws.addEventListener('open', resolve, { once: true });
    ws.addEventListener('error', reject, { once: true });
  });
  let next = 1;
  const waiting = new Map();
  const listeners = new Map();
  ws.addEventListener('message', (event) => {
    const m = JSON.parse(String(event.data));
    if (m.method) for (const fn of listeners.get(m.method) ?? []) fn(m.params);
    const w = waiting.get(m.id);
    if (!w) return;
    waiting.delete(m.id);
    if (m.error) w.reject(new Error(`${m.error.message} (${JSON.stringify(m.error)})`));
    else w.resolve(m.result);
  });
  return {
    send: (method, params = {}) =>
      new Promise((resolve, reject) => {
        const id = next++;
        waiting.set(id, { resolve, reject });
        ws.send(JSON.stringify({ id, method, params }));
      }),
    on: (method, fn) => listeners.set(method, [...(listeners.get(method) ?? []), fn]),
    close: () => ws.close(),
  };
}

/**
 * The same for each worker thread of that process (NodeWorker domain): resolves with one
 * `send(method, params)` per worker attached within `waitMs`, e.g. the Host's audit worker.
 */
export async function workerSessions(main, waitMs = 1000) {
  const workers = [];
  main.on('NodeWorker.attachedToWorker', ({ sessionId, workerInfo }) => {
    let next = 1;
    const waiting = new Map();
    main.on('NodeWorker.receivedMessageFromWorker', (p) => {
      if (p.sessionId !== sessionId) return;
      const m = JSON.parse(p.message);
      const w = waiting.get(m.id);
      if (!w) return;
      waiting.delete(m.id);
      if (m.error) w.reject(new Error(m.error.message));
      else w.resolve(m.result);
    });
    workers.push({
      title: workerInfo.title,
      send: (method, params = {}) =>
        new Promise((resolve, reject) => {
          const id = next++;
          waiting.set(id, { resolve, reject });
          void main.send('NodeWorker.sendMessageToWorker', { sessionId, message: JSON.stringify({ id, method, params }) });
        }),
    });
  });
  await main.send('NodeWorker.enable', { waitForDebuggerOnStart: false });
  await new Promise((resolve) => setTimeout(resolve, waitMs));
  return workers;
}
