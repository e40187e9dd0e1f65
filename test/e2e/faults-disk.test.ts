import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterEach, describe, expect, it } from 'vitest';
import { verifyAuditChain } from '../../src/engine/audit/index.js';
import { canonicalDigest } from '../../src/engine/canonical-json.js';
import { openStore } from '../../src/engine/store/index.js';
import { demoServer } from '../support/mcp-clients.js';
import { runCli } from '../support/run-cli.js';
import { makeTempDir } from '../support/temp-dir.js';
import { auditEvents, DEMO_TOOLS } from './airlock-harness.js';

/**
 * The disk faults of issue 16 on a real filesystem: the Host runs on a small tmpfs of its own,
 * in a private mount namespace (test/fixtures/fault-fs/fault-host.mjs under `unshare -Urm`),
 * which the test fills up and frees, while an MCP client calls it over HTTP from outside.
 * Read-only is tested at start: Linux refuses to remount a filesystem read-only while a file on
 * it is open for writing (EBUSY), as the Host's database always is, so a running Host meets a
 * read-only disk only after disk errors, and that needs an unmount, so a restart, to undo.
 */

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const FIXTURE = path.join(ROOT, 'test/fixtures/fault-fs/fault-host.mjs');
const JOURNAL_FIXTURE = path.join(ROOT, 'test/fixtures/fault-fs/journal-full.mjs');
/** Room for the home and its WAL; the fill takes whatever is left. */
const TMPFS_KB = 16 * 1024;

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Fails, saying why, where no private mount namespace can be had: this test must not pass by skipping. */
function requireUnshare(): void {
  const probe = spawnSync('unshare', ['-Urm', 'sh', '-c', 'mount -t tmpfs -o size=64k tmpfs /mnt'], { encoding: 'utf8' });
  if (probe.status !== 0) {
    throw new Error(
      `these tests need a private mount namespace with a tmpfs (unshare -Urm, then mount -t tmpfs), which failed here: ${probe.error?.message ?? probe.stderr.trim()}. ` +
        'Run them as root, or where unprivileged user namespaces are enabled (sysctl kernel.unprivileged_userns_clone=1).',
    );
  }
}

/** A home with the demo server approved and a client token, made outside the namespace and copied into its tmpfs. */
function seedHome(dir: string): { home: string; bearer: string } {
  const home = path.join(dir, 'seed');
  const tools = path.join(dir, 'tools.json');
  fs.writeFileSync(tools, JSON.stringify({ tools: DEMO_TOOLS }));
  const server = demoServer(tools);
  const added = runCli(['servers', 'add', 'demo', '--home', home, '--approve', '--', server.command, ...server.args]);
  if (added.status !== 0) throw new Error(`servers add failed: ${added.stderr}`);
  const made = runCli(['clients', 'token', 'fault-test', '--home', home]);
  if (made.status !== 0) throw new Error(`clients token failed: ${made.stderr}`);
  return { home, bearer: made.stdout.trim() };
}

interface FaultHost {
  logs: string[];
  /** Sends a command and resolves with the fixture's answer to it. */
  command(line: string): Promise<Record<string, unknown>>;
  /** Starts the Host in the namespace; resolves with its MCP endpoint's URL. */
  start(): Promise<string>;
  /** Resolves with the first log line (past or to come) that matches. */
  logged(pattern: RegExp, timeoutMs?: number): Promise<string>;
}

/** test/fixtures/fault-fs/fault-host.mjs in a private mount namespace, its tmpfs holding a copy of `seed`; `exit` copies the home to `outHome`. */
async function faultHost(dir: string, seed: string, outHome: string): Promise<FaultHost> {
  const child: ChildProcessWithoutNullStreams = spawn('unshare', ['-Urm', process.execPath, FIXTURE, path.join(dir, 'mnt'), seed, outHome, path.join(ROOT, 'dist'), String(TMPFS_KB)]);
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  cleanups.push(() => child.exitCode === null && child.kill('SIGKILL'));
  const logs: string[] = [];
  const logWaiters = new Set<(line: string) => void>();
  const answers: Array<{ resolve: (answer: Record<string, unknown>) => void; reject: (error: Error) => void }> = [];
  readline.createInterface({ input: child.stdout }).on('line', (line) => {
    const message = JSON.parse(line) as Record<string, unknown>;
    if (typeof message.log !== 'string') return answers.shift()?.resolve(message);
    logs.push(message.log);
    for (const waiter of logWaiters) waiter(message.log);
  });
  child.on('exit', (code) => {
    for (const answer of answers.splice(0)) answer.reject(new Error(`the fault host exited (${code}): ${stderr}`));
  });
  const command = (line: string): Promise<Record<string, unknown>> =>
    new Promise((resolve, reject) => {
      answers.push({ resolve, reject });
      if (line !== '') child.stdin.write(`${line}\n`);
    });
  // Its first line says whether the tmpfs is mounted and the home copied.
  expect(await command('')).toEqual({ mounted: true });
  return {
    logs,
    command,
    async start() {
      const answer = await command('start');
      if (typeof answer.ready !== 'string') throw new Error(`the Host did not start: ${JSON.stringify(answer)}`);
      return answer.ready;
    },
    logged(pattern, timeoutMs = 15_000) {
      const seen = logs.find((l) => pattern.test(l));
      if (seen !== undefined) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no log line like ${pattern} within ${timeoutMs} ms; the log: ${logs.join('\n')}`)), timeoutMs);
        const waiter = (line: string): void => {
          if (!pattern.test(line)) return;
          clearTimeout(timer);
          logWaiters.delete(waiter);
          resolve(line);
        };
        logWaiters.add(waiter);
      });
    },
  };
}

/** A fresh temp dir with a seeded home, and the fault host on a copy of it. */
async function setUp(): Promise<{ dir: string; seed: { home: string; bearer: string }; out: string; host: FaultHost }> {
  requireUnshare();
  const { dir, cleanup } = makeTempDir('airlock-fault-fs-');
  cleanups.push(cleanup);
  const seed = seedHome(dir);
  const out = path.join(dir, 'out');
  return { dir, seed, out, host: await faultHost(dir, seed.home, out) };
}

async function httpClient(url: string, bearer: string): Promise<Client> {
  const client = new Client({ name: 'fault-test-client', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(`${url}/demo`), { requestInit: { headers: { authorization: `Bearer ${bearer}` } } }));
  cleanups.push(() => client.close());
  await client.listTools();
  return client;
}

const text = (result: unknown): string => ((result as { content: Array<{ text: string }> }).content[0]?.text ?? '');

/** Calls echo with `message`: its answer's text, or the error the client got. */
async function echo(client: Client, message: string): Promise<{ answered: boolean; text: string }> {
  try {
    return { answered: true, text: text(await client.callTool({ name: 'echo', arguments: { message } })) };
  } catch (error) {
    return { answered: false, text: (error as Error).message };
  }
}

async function eventually<T>(attempt: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await attempt();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Nothing recorded is lost: seq 1..n without a gap, the chain and the CLI verify, and every answered call has its ALLOW record. */
function expectWholeLog(home: string, answered: readonly string[]): void {
  const events = auditEvents(home);
  expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
  const store = openStore(home, { readonly: true });
  try {
    expect(verifyAuditChain(store)).toMatchObject({ ok: true });
  } finally {
    store.close();
  }
  const verified = runCli(['audit', 'verify', '--home', home]);
  expect(verified.status, verified.stdout + verified.stderr).toBe(0);
  const allowed = events.filter((e) => e.type === 'call.decided' && e.tool === 'echo' && e.decision === 'ALLOW').map((e) => e.argsHash);
  expect(allowed.sort()).toEqual(answered.map((message) => canonicalDigest({ message })).sort());
}

/** Calls echo, remembering every message the upstream answered. */
function caller(client: Client, answered: string[]): (message: string) => Promise<{ answered: boolean; text: string }> {
  return async (message) => {
    const result = await echo(client, message);
    if (result.answered) answered.push(message);
    return result;
  };
}

describe('the disk full under the Host (a real tmpfs in a private mount namespace)', () => {
  it('refuses calls saying the disk is full, loses no record, and serves again once space is freed, without a restart', async () => {
    const { seed, out, host } = await setUp();
    const url = await host.start();
    const client = await httpClient(url, seed.bearer);
    const answered: string[] = [];
    const call = caller(client, answered);

    expect(await call('before-full')).toEqual({ answered: true, text: 'before-full' });
    expect(await host.command('fill')).toMatchObject({ filled: expect.any(Number) });
    // Some calls may still fit in space already written (the journal's reserve, the WAL); then they are refused.
    let refusal: string | undefined;
    for (let i = 0; i < 2000 && refusal === undefined; i++) {
      const result = await call(`during-full-${i}`);
      if (!result.answered) refusal = result.text;
    }
    expect(refusal, host.logs.join('\n')).toMatch(/was denied: Airlock cannot write its audit log \(.+\), so it refuses calls .* The disk is full: free some space on it; Airlock tries again every second/);
    await host.logged(/audit log write failed, calls are now refused: .*(ENOSPC|disk is full)/);
    // Still full: still refused with the same reason, and the session stays up; a new client is refused the same way.
    expect(await call('still-full')).toMatchObject({ answered: false, text: expect.stringMatching(/The disk is full/) });
    const second = await httpClient(url, seed.bearer);
    expect(await caller(second, answered)('new-session-while-full')).toMatchObject({ answered: false, text: expect.stringMatching(/The disk is full/) });

    expect(await host.command('free')).toEqual({ freed: true });
    await eventually(async () => ((await call('after-free')).answered ? true : undefined), 20_000);
    expect(await call('after-free-2')).toEqual({ answered: true, text: 'after-free-2' });
    // The second session's listing may have failed while full (its surface could not be pinned in the store): the session lists
    // again by itself every second, so its calls are answered once there is space, without the client listing again.
    await eventually(async () => ((await caller(second, answered)('after-free-second-session')).answered ? true : undefined), 20_000);

    // Records are written in batches a few ms after the answer; stopping flushes them, then the home is copied out.
    expect(await host.command('exit')).toEqual({ exited: true });
    expectWholeLog(out, answered);
  }, 120_000);

  it('the journal keeps space ahead: a full disk is seen after a record is written, a failed write is cut back, and a restart replays every record', () => {
    requireUnshare();
    const { dir, cleanup } = makeTempDir('airlock-fault-journal-');
    cleanups.push(cleanup);
    const run = spawnSync('unshare', ['-Urm', process.execPath, JOURNAL_FIXTURE, path.join(dir, 'mnt'), path.join(ROOT, 'dist')], { encoding: 'utf8', timeout: 60_000 });
    expect(run.status, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout) as Record<string, unknown> & { writtenBeforeFault: number; written: number };
    // Topping up the space ahead is what fails; the record written just before is whole, and one more still fits.
    expect(report.fault).toMatch(/cannot keep space for the audit journal .*ENOSPC/);
    expect(report.writtenAfterFault).toBe(true);
    // A record too large for what is left fails part way through its write, and is cut back to the last whole record.
    expect(report.largeRecord).toMatch(/cannot write the audit journal .*ENOSPC/);
    expect(report.afterFailedWrite).toEqual({ records: report.writtenBeforeFault + 1, bytesAfterLastRecord: 0, needsRestart: false });
    expect(report.recoveredWhileFull).toBe(false);
    expect(report.recoveredAfterFree).toBe(true);
    expect(report.chain).toEqual({ count: report.written, callIds: Array.from({ length: report.written }, (_, i) => `call-${i + 1}`), verified: true });
    // Through the batcher: refused while full (the Host is told once), cleared once freed, and every record journaled is in the chain, in order.
    const batcher = report.batcher as { refusal: string; told: string[]; clearedAfterFree: boolean; journaled: string[]; chain: { callIds: Array<string | null>; verified: boolean } };
    expect(batcher.refusal).toMatch(/^Airlock cannot write its audit log \(cannot keep space for the audit journal .*ENOSPC.*\).* The disk is full: free some space on it; Airlock tries again every second/);
    expect(batcher.told).toEqual([expect.stringMatching(/cannot keep space for the audit journal .*ENOSPC/)]);
    expect(batcher.clearedAfterFree).toBe(true);
    expect(batcher.chain.callIds.filter((c) => c !== null)).toEqual(batcher.journaled);
    expect(batcher.chain.verified).toBe(true);
  }, 90_000);
});

describe('a read-only filesystem under the Host', () => {
  it('refuses to start on a read-only home, saying so, and starts with every record once it is writable again', async () => {
    const { seed, out, host } = await setUp();
    const answered: string[] = [];
    const first = await httpClient(await host.start(), seed.bearer);
    expect(await caller(first, answered)('before-read-only')).toMatchObject({ answered: true });
    await first.close();
    expect(await host.command('stop')).toEqual({ stopped: true });

    expect(await host.command('ro')).toEqual({ ro: true });
    expect(await host.command('start')).toEqual({ refused: expect.stringMatching(/EROFS: read-only file system/) });
    expect(await host.command('rw')).toEqual({ rw: true });
    const again = await httpClient(await host.start(), seed.bearer);
    expect(await caller(again, answered)('after-read-only')).toMatchObject({ answered: true });
    expect(await host.command('exit')).toEqual({ exited: true });
    expectWholeLog(out, answered);
  }, 120_000);
});
