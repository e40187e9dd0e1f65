import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listAuditEvents, verifyAuditChain } from '../../src/engine/audit/index.js';
import { openStore } from '../../src/engine/store/index.js';
import { makeTempDir, spawnFixture } from './fixtures/child-fixture.js';

let tmp: ReturnType<typeof makeTempDir>;
beforeEach(() => {
  tmp = makeTempDir();
});
afterEach(() => {
  tmp.cleanup();
});

describe('appendAuditEvent from many processes', () => {
  it('serializes 10 processes × 50 appends into one unbroken chain 1..500', async () => {
    const home = path.join(tmp.dir, 'home');
    openStore(home).close(); // create and migrate once, so the writers race on appends only
    const workers = Array.from({ length: 10 }, (_, i) => spawnFixture('append-audit-child.mjs', [home, '50', String(i)]));
    for (const w of workers) expect(await w.nextMessage()).toEqual({ event: 'ready' });
    for (const w of workers) w.child.stdin.write('go\n'); // all start together
    for (const w of workers) expect(await w.nextMessage()).toEqual({ event: 'done' });
    expect(await Promise.all(workers.map((w) => w.exited))).toEqual(Array(10).fill(0));

    const store = openStore(home, { readonly: true });
    try {
      expect(verifyAuditChain(store)).toMatchObject({ ok: true, count: 500 });
      const events = listAuditEvents(store, { limit: 1000 });
      expect(events.map((e) => e.seq)).toEqual(Array.from({ length: 500 }, (_, i) => i + 1));
      for (let worker = 0; worker < 10; worker++) {
        const own = events.filter((e) => e.server === `server-${worker}`);
        // each writer's events keep its own order within the shared chain
        expect(own.map((e) => e.detail?.i)).toEqual(Array.from({ length: 50 }, (_, i) => i));
      }
    } finally {
      store.close();
    }
  });
});
