import fs from 'node:fs';
import { beforeEach, describe, expect, it } from 'vitest';
import { canonicalDigest, canonicalJson, digestOf } from '../../src/engine/canonical-json.js';
import { appendAuditEvent, GENESIS_HASH, listAuditEvents, verifyAuditChain } from '../../src/engine/audit/index.js';
import type { Store } from '../../src/engine/store/index.js';
import { mixedEvents } from './fixtures/audit-events.js';
import { useTempStore } from './fixtures/temp-store.js';

const temp = useTempStore();
let store: Store;
beforeEach(() => {
  store = temp.store;
});

describe('appendAuditEvent', () => {
  it('builds a chain from the genesis hash that verifies', () => {
    const events = mixedEvents(20).map((input) => appendAuditEvent(store, input));
    expect(events.map((e) => e.seq)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(events[0]!.prevHash).toBe(GENESIS_HASH);
    events.slice(1).forEach((e, i) => expect(e.prevHash).toBe(events[i]!.hash));
    expect(verifyAuditChain(store)).toEqual({ ok: true, count: 20, head: events[19]!.hash });
  });

  it('stores the exact canonical bytes it hashed, and hash = sha256(canonical event without hash)', () => {
    const event = appendAuditEvent(store, mixedEvents(3)[2]!);
    const row = store.db.prepare('SELECT body, hash FROM audit_events WHERE seq = 1').get() as { body: string; hash: string };
    const { hash, ...body } = event;
    expect(row.body).toBe(canonicalJson(body));
    expect(row.hash).toBe(hash);
    expect(hash).toBe(digestOf(row.body));
    expect(event.ts).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  it('keeps only hashes of arguments and responses: the raw text is in neither the db file nor its WAL', () => {
    const args = { path: '/home/u/ARGUMENT-CANARY-5e1f0c7b', token: 'x' };
    const response = { content: [{ type: 'text', text: 'RESPONSE-CANARY-9d24aa31' }] };
    const event = appendAuditEvent(store, { type: 'call.decided', server: 'fs', tool: 'read', decision: 'ALLOW', rule: 'R5', args, response });
    expect(event.argsHash).toBe(canonicalDigest(args));
    expect(event.responseHash).toBe(canonicalDigest(response));
    // Read while the store is open, so the WAL still holds the write (nothing else uses this db).
    const files = [store.path, `${store.path}-wal`].map((f) => fs.readFileSync(f).toString('latin1'));
    const everything = files.join('');
    expect(everything).toContain(event.argsHash!.slice(7)); // the write is really there…
    expect(everything).not.toContain('ARGUMENT-CANARY');
    expect(everything).not.toContain('RESPONSE-CANARY');
    store.close();
    expect(fs.readFileSync(store.path).toString('latin1')).not.toContain('CANARY');
  });

  it('rejects a decision outside the frozen set, an unknown field and a bulky detail', () => {
    expect(() => appendAuditEvent(store, { type: 'call.decided', decision: 'MAYBE' as never })).toThrow(/decision/);
    expect(() => appendAuditEvent(store, { type: 'call.decided', arguments: {} } as never)).toThrow(/arguments/);
    expect(() => appendAuditEvent(store, { type: 'call.decided', detail: { blob: 'x'.repeat(5000) } })).toThrow(/detail must stay under/);
    expect(verifyAuditChain(store)).toMatchObject({ ok: true, count: 0, head: GENESIS_HASH });
  });

  it('refuses UPDATE and DELETE of stored events through the triggers', () => {
    appendAuditEvent(store, mixedEvents(1)[0]!);
    expect(() => store.db.prepare("UPDATE audit_events SET type = 'x'").run()).toThrow(/append-only: events are never updated/);
    expect(() => store.db.prepare('DELETE FROM audit_events').run()).toThrow(/append-only: events are never deleted/);
  });
});

describe('listAuditEvents', () => {
  it('pages in seq order and filters by server and decision', () => {
    mixedEvents(18).forEach((input) => appendAuditEvent(store, input));
    expect(listAuditEvents(store, { afterSeq: 5, limit: 3 }).map((e) => e.seq)).toEqual([6, 7, 8]);
    expect(listAuditEvents(store, { server: 'github' }).map((e) => e.seq)).toEqual([7, 8, 16, 17]);
    expect(listAuditEvents(store, { decision: 'DENY' }).map((e) => e.seq)).toEqual([6, 8, 15, 17]);
    expect(listAuditEvents(store, { server: 'github', decision: 'DENY', afterSeq: 8 }).map((e) => e.seq)).toEqual([17]);
    expect(listAuditEvents(store).length).toBe(18);
  });
});
