import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalJson, digestOf } from '../../src/engine/canonical-json.js';
import { appendAuditEvent, verifyAuditChain, verifyAuditChainStep, type AuditEvent } from '../../src/engine/audit/index.js';
import { openStore, type Store } from '../../src/engine/store/index.js';
import { mixedEvents } from './fixtures/audit-events.js';
import { makeTempDir } from './fixtures/child-fixture.js';

/**
 * An attacker with the file can drop the append-only triggers; these tests do the same through a
 * second, raw connection, change one thing, check that verify names exactly that event, and put
 * the original back.
 */
let tmp: ReturnType<typeof makeTempDir>;
let store: Store;
let raw: Database.Database;
let events: AuditEvent[];
const EVENT_COUNT = 20;

beforeAll(() => {
  tmp = makeTempDir();
  store = openStore(path.join(tmp.dir, 'home'));
  events = mixedEvents(EVENT_COUNT).map((input) => appendAuditEvent(store, input));
  raw = new Database(store.path);
  raw.exec('DROP TRIGGER audit_events_no_update; DROP TRIGGER audit_events_no_delete');
  raw.pragma('synchronous = OFF'); // thousands of tamper-and-restore commits; durability is not under test
});
afterAll(() => {
  raw.close();
  store.close();
  tmp.cleanup();
});

type Column = 'body' | 'hash' | 'ts' | 'type' | 'server' | 'tool' | 'decision';
const read = (seq: number, column: Column): string | null =>
  (raw.prepare(`SELECT ${column} AS v FROM audit_events WHERE seq = ?`).get(seq) as { v: string | null }).v;
const write = (seq: number, column: Column, value: string | null): void => {
  raw.prepare(`UPDATE audit_events SET ${column} = ? WHERE seq = ?`).run(value, seq);
};

/** Writes `value` into one cell, runs verify, restores the cell, and returns what verify said. */
function verifyWith(seq: number, column: Column, value: string | null): ReturnType<typeof verifyAuditChain> {
  const original = read(seq, column);
  write(seq, column, value);
  try {
    return verifyAuditChain(store);
  } finally {
    write(seq, column, original);
  }
}

function flipByte(text: string, position: number): string {
  const code = text.charCodeAt(position);
  expect(code).toBeLessThan(0x80); // bodies here are ASCII, so char index = byte index
  return text.slice(0, position) + String.fromCharCode(code ^ 0x01) + text.slice(position + 1);
}

function expectBrokenAt(result: ReturnType<typeof verifyAuditChain>, seq: number, reason?: RegExp): void {
  if (result.ok) throw new Error(`verify passed, but event ${seq} was tampered with`);
  expect(result.brokenSeq).toBe(seq);
  expect(result.count).toBe(seq - 1);
  expect(result.reason.startsWith(`event ${seq}: `)).toBe(true);
  if (reason) expect(result.reason).toMatch(reason);
}

describe('verifyAuditChain against tampering', () => {
  it('names exactly the event whose body or hash had any single byte flipped', () => {
    let flips = 0;
    for (const event of events) {
      for (const column of ['body', 'hash'] as const) {
        const original = read(event.seq, column)!;
        for (let position = 0; position < original.length; position++) {
          expectBrokenAt(verifyWith(event.seq, column, flipByte(original, position)), event.seq);
          flips++;
        }
      }
    }
    expect(flips).toBeGreaterThan(EVENT_COUNT * 300);
    expect(verifyAuditChain(store)).toMatchObject({ ok: true, count: EVENT_COUNT });
  });

  it('says why in one line when the stored hash does not match the contents', () => {
    const wrong = digestOf('something else');
    expectBrokenAt(verifyWith(4, 'hash', wrong), 4, new RegExp(`^event 4: stored hash does not match its contents \\(expected ${events[3]!.hash}, found ${wrong}\\)$`));
  });

  it('detects a deleted middle event at its seq', () => {
    const row = raw.prepare('SELECT * FROM audit_events WHERE seq = 10').get() as Record<string, unknown>;
    raw.prepare('DELETE FROM audit_events WHERE seq = 10').run();
    try {
      expectBrokenAt(verifyAuditChain(store), 10, /^event 10: is missing \(the next stored event is 11\)$/);
    } finally {
      raw.prepare('INSERT INTO audit_events VALUES (@seq, @ts, @type, @server, @tool, @decision, @body, @hash)').run(row);
    }
    expect(verifyAuditChain(store).ok).toBe(true);
  });

  it('detects a body rewritten in non-canonical form, even with a freshly computed hash', () => {
    const body = read(5, 'body')!;
    const parsed = JSON.parse(body) as Record<string, unknown>;
    const reordered = JSON.stringify(Object.fromEntries(Object.entries(parsed).reverse()));
    const spaced = JSON.stringify(parsed, null, 1);
    for (const rewritten of [reordered, spaced]) {
      expect(JSON.parse(rewritten)).toEqual(parsed);
      expectBrokenAt(verifyWith(5, 'body', rewritten), 5, /not in canonical \(RFC 8785\) form/);
      const original = read(5, 'hash');
      write(5, 'hash', digestOf(rewritten));
      try {
        expectBrokenAt(verifyWith(5, 'body', rewritten), 5, /not in canonical/);
      } finally {
        write(5, 'hash', original);
      }
    }
  });

  it('detects a consistent rewrite of a middle event by the next event’s prevHash', () => {
    const parsed = JSON.parse(read(7, 'body')!) as Record<string, unknown>;
    const forged = canonicalJson({ ...parsed, server: 'innocent' });
    const [body, hash, server] = [read(7, 'body'), read(7, 'hash'), read(7, 'server')];
    write(7, 'body', forged);
    write(7, 'hash', digestOf(forged));
    write(7, 'server', 'innocent');
    try {
      expectBrokenAt(verifyAuditChain(store), 8, /^event 8: its prevHash does not match the hash of the event before it/);
    } finally {
      write(7, 'body', body);
      write(7, 'hash', hash);
      write(7, 'server', server);
    }
  });

  it('detects each query column changed without its body', () => {
    const cases: [Column, string | null][] = [
      ['ts', '2000-01-01T00:00:00.000Z'],
      ['type', 'surface.approved'],
      ['server', 'someone-else'],
      ['tool', 'other_tool'],
      ['decision', 'ALLOW'],
    ];
    for (const [column, value] of cases) {
      const seq = 6; // hold.resolved on filesystem/read_file, decided DENY
      expectBrokenAt(verifyWith(seq, column, value), seq, new RegExp(`^event ${seq}: column "${column}" says`));
    }
    expectBrokenAt(verifyWith(7, 'tool', 'added'), 7, /column "tool" says "added" but the event says null/);
    expect(verifyAuditChain(store)).toMatchObject({ ok: true, count: EVENT_COUNT });
  });
});

describe('verifyAuditChainStep, the resumable check the window shows progress for', () => {
  function runSteps(limit: number): { steps: number; last: ReturnType<typeof verifyAuditChainStep> } {
    let last = verifyAuditChainStep(store, { checked: 0 }, limit);
    let steps = 1;
    while (!last.done) {
      last = verifyAuditChainStep(store, { checked: last.checked, head: last.head }, limit);
      steps++;
    }
    return { steps, last };
  }

  it.each([1, 3, 7, 20, 50])('in steps of %i reaches the same head as the full walk', (limit) => {
    const full = verifyAuditChain(store);
    if (!full.ok) throw new Error('the fixture log should verify');
    const { steps, last } = runSteps(limit);
    expect(last).toEqual({ ok: true, done: true, checked: EVENT_COUNT, head: full.head, brokenSeq: null, reason: null });
    expect(steps).toBe(Math.floor(EVENT_COUNT / limit) + 1);
  });

  it('stops at the same event, with the same reason, as the full walk', () => {
    const original = read(13, 'body')!;
    write(13, 'body', flipByte(original, 20));
    try {
      const full = verifyAuditChain(store);
      const { last } = runSteps(4);
      expect(full.ok).toBe(false);
      expect(last).toMatchObject({ ok: false, done: true, checked: 12, brokenSeq: 13, reason: (full as { reason: string }).reason });
    } finally {
      write(13, 'body', original);
    }
  });

  it('finds a deleted event when the step starts right before the gap', () => {
    const row = raw.prepare('SELECT * FROM audit_events WHERE seq = 10').get() as Record<string, unknown>;
    raw.prepare('DELETE FROM audit_events WHERE seq = 10').run();
    try {
      expect(runSteps(9).last).toMatchObject({ ok: false, checked: 9, brokenSeq: 10, reason: 'event 10: is missing (the next stored event is 11)' });
    } finally {
      raw.prepare('INSERT INTO audit_events VALUES (@seq, @ts, @type, @server, @tool, @decision, @body, @hash)').run(row);
    }
  });
});
