import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { verifyAuditChain } from '../../src/engine/audit/index.js';
import { BUSY_TIMEOUT_MS, openStore } from '../../src/engine/store/index.js';
import { runCli } from '../support/run-cli.js';
import { auditEvents, connectDemo, startAirlockHome, type AirlockHome } from './airlock-harness.js';

/** The store faults of issue 16: the database locked by another process (a full disk and a read-only one: faults-disk.test.ts). */

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const echo = (message: string) => ({ name: 'echo', arguments: { message } });
const text = (result: unknown): string => ((result as { content: Array<{ text: string }> }).content[0]?.text ?? '');

function chainOk(home: string): void {
  const store = openStore(home, { readonly: true });
  try {
    expect(verifyAuditChain(store)).toMatchObject({ ok: true });
  } finally {
    store.close();
  }
  expect(runCli(['audit', 'verify', '--home', home]).status).toBe(0);
}

async function eventually(check: () => Promise<boolean> | boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('the database locked by another process', () => {
  it('refuses calls with the reason while locked, loses no record, and serves again once the lock goes', async () => {
    const airlock: AirlockHome = await startAirlockHome();
    cleanups.push(() => airlock.close());
    const { client } = await connectDemo(airlock, { cleanups });
    expect(text(await client.client.callTool(echo('before-lock')))).toBe('before-lock');
    const failed = new Promise<string>((resolve) => airlock.host.on('log', (m) => m.startsWith('audit log write failed') && resolve(m)));

    // Another process takes the write lock and keeps it past the store's busy timeout.
    const locker = new Database(path.join(airlock.home, 'airlock.db'));
    cleanups.push(() => locker.open && locker.close());
    locker.exec('BEGIN EXCLUSIVE');
    // Journaled before it is forwarded: this call is answered while its record waits on the lock.
    expect(text(await client.client.callTool(echo('during-lock')))).toBe('during-lock');
    expect(await failed).toMatch(/database is locked/);
    await expect(client.client.callTool(echo('refused-while-locked'))).rejects.toThrow(/was denied: Airlock cannot write its audit log \(database is locked\), so it refuses calls .* Another program holds the database: close it \(or wait for it to finish\); Airlock tries again every second/);

    locker.exec('COMMIT');
    locker.close();
    // The batcher retries its waiting batches; once they are in, calls flow again.
    await eventually(
      () => client.client.callTool(echo('after-lock')).then((r) => text(r) === 'after-lock', () => false),
      BUSY_TIMEOUT_MS + 10_000,
    );
    // The last call's record is written in the next batch, a few ms after its answer.
    const allowedEchoes = () => auditEvents(airlock.home).filter((e) => e.type === 'call.decided' && e.tool === 'echo' && e.decision === 'ALLOW').length;
    await eventually(() => allowedEchoes() === 3, 5_000);
    const events = auditEvents(airlock.home);
    // Nothing recorded is lost and nothing reordered: seq runs 1..n without a gap, and the chain verifies.
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    const echoes = events.filter((e) => e.type === 'call.decided' && e.tool === 'echo');
    const allowed = echoes.filter((e) => e.decision === 'ALLOW').map((e) => e.seq);
    const denied = echoes.filter((e) => e.decision === 'DENY').map((e) => e.seq);
    // before-lock, during-lock and after-lock were forwarded; every refusal in between is on record too.
    expect(allowed.length).toBe(3);
    expect(denied.length).toBeGreaterThan(0);
    expect(allowed[1]!).toBeLessThan(denied[0]!);
    expect(allowed[2]!).toBeGreaterThan(denied[denied.length - 1]!);
    chainOk(airlock.home);
  }, 60_000);
});
