import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { appendAuditEvent, countAuditEvents, listAuditEvents, verifyAuditChain, type AuditEventInput } from '../../src/engine/audit/index.js';
import { canonicalDigest } from '../../src/engine/canonical-json.js';
import { openStore, StoreError, type Store } from '../../src/engine/store/index.js';
import { AuditBatcher } from '../../src/host/audit-batcher.js';
import { AuditJournal, JOURNAL_FILE, JOURNAL_ROTATE_BYTES, ROTATED_JOURNAL_FILE } from '../../src/host/journal/audit-journal.js';
import { appendWithJournalMark, readJournalMark } from '../../src/host/journal/journal-mark.js';
import { makeTempDir } from '../support/temp-dir.js';

/**
 * The Host's write-ahead audit journal (issue 16) on real files and a real SQLite store: what a
 * crash leaves in it is appended to the chain at the next start, exactly once.
 */

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

function home(): { home: string; store: Store } {
  const { dir, cleanup } = makeTempDir('airlock-journal-');
  const h = path.join(dir, 'home');
  const store = openStore(h);
  cleanups.push(cleanup, () => store.close());
  return { home: h, store };
}

const SECRET = 'a value that must not reach the disk';
const decided = (n: number): AuditEventInput => ({
  type: 'call.decided',
  server: 'demo',
  tool: 'echo',
  decision: 'ALLOW',
  rule: 'R5',
  args: { message: `${SECRET} ${n}` },
  detail: { code: 'policy.allowed', method: 'tools/call', callId: `call-${n}` },
});
const callIds = (store: Store): unknown[] => listAuditEvents(store, { limit: 1000 }).map((e) => e.detail?.callId);
const journalText = (h: string): string => fs.readFileSync(path.join(h, JOURNAL_FILE), 'utf8');

/** Journals records and "crashes": the process's descriptor is closed, nothing reached the chain. */
function journalThenCrash(h: string, store: Store, count: number, from = 1): void {
  const journal = AuditJournal.open(h, store);
  for (let n = from; n < from + count; n++) journal.write(decided(n));
  journal.close();
}

describe('the audit journal', () => {
  it('appends at the next start what a crash left in the journal, and starts empty again', () => {
    const { home: h, store } = home();
    journalThenCrash(h, store, 3);
    expect(callIds(store)).toEqual([]);
    AuditJournal.open(h, store).close();
    expect(callIds(store)).toEqual(['call-1', 'call-2', 'call-3']);
    expect(verifyAuditChain(store).ok).toBe(true);
    expect(readJournalMark(store.db)).toBe(3);
    expect(fs.existsSync(path.join(h, JOURNAL_FILE))).toBe(false);
  });

  it('drops a torn last line: its write never returned, so its call was never forwarded', () => {
    const { home: h, store } = home();
    journalThenCrash(h, store, 2);
    const text = journalText(h);
    const lines = text.split('\n');
    fs.appendFileSync(path.join(h, JOURNAL_FILE), (lines[1] ?? '').slice(0, 90));
    AuditJournal.open(h, store).close();
    expect(callIds(store)).toEqual(['call-1', 'call-2']);
  });

  it('never appends a record twice: a replay that ran before (or died after its commit) is skipped by the mark', () => {
    const { home: h, store } = home();
    journalThenCrash(h, store, 5);
    const text = journalText(h);
    // The worker had committed the first two (and moved the mark) before the crash.
    const journaled = text.trim().split('\n').map((l) => (JSON.parse(l.slice(65)) as { event: AuditEventInput }).event);
    appendWithJournalMark(store, journaled.slice(0, 2), 2);
    AuditJournal.open(h, store).close();
    expect(callIds(store)).toEqual(['call-1', 'call-2', 'call-3', 'call-4', 'call-5']);
    // A crash after the replay's commit, before the journal was emptied: the same journal again.
    fs.writeFileSync(path.join(h, JOURNAL_FILE), text, { mode: 0o600 });
    AuditJournal.open(h, store).close();
    expect(callIds(store)).toHaveLength(5);
    expect(verifyAuditChain(store).ok).toBe(true);
    // Numbering goes on after the mark: the next records replay too.
    journalThenCrash(h, store, 1, 6);
    AuditJournal.open(h, store).close();
    expect(callIds(store)).toEqual(['call-1', 'call-2', 'call-3', 'call-4', 'call-5', 'call-6']);
  });

  it('is a 0600 file that holds the hash of the arguments and never their values', () => {
    const { home: h, store } = home();
    const old = process.umask(0);
    try {
      const journal = AuditJournal.open(h, store);
      journal.write(decided(1));
      expect(fs.statSync(path.join(h, JOURNAL_FILE)).mode & 0o777).toBe(0o600);
      const text = journalText(h);
      expect(text).not.toContain(SECRET);
      expect(text).toContain(canonicalDigest({ message: `${SECRET} 1` }));
      journal.close();
    } finally {
      process.umask(old);
    }
    AuditJournal.open(h, store).close();
    const [event] = listAuditEvents(store);
    expect(event?.argsHash).toBe(canonicalDigest({ message: `${SECRET} 1` }));
  });

  it('stamps a record with the time it was journaled, and never lets the chain go back in time', () => {
    const { home: h, store } = home();
    const before = Date.now();
    journalThenCrash(h, store, 1);
    const journaledAt = (JSON.parse(journalText(h).slice(65)) as { event: { ts: string } }).event.ts;
    expect(Date.parse(journaledAt)).toBeGreaterThanOrEqual(before);
    // An event appended later by another writer carries a later time than the journaled record.
    const later = appendAuditEvent(store, { type: 'server.message', server: 'demo' });
    AuditJournal.open(h, store).close();
    const events = listAuditEvents(store);
    expect(events.map((e) => e.type)).toEqual(['server.message', 'call.decided']);
    // Replayed after it, the record takes its predecessor's time rather than an earlier one.
    expect(events[1]?.ts).toBe(Date.parse(later.ts) > Date.parse(journaledAt) ? later.ts : journaledAt);
    expect(Date.parse(events[1]?.ts ?? '')).toBeGreaterThanOrEqual(Date.parse(events[0]?.ts ?? ''));
  });

  it('refuses a journal with an edited byte, naming the file and the line, and appends nothing of it', () => {
    const { home: h, store } = home();
    journalThenCrash(h, store, 3);
    const file = path.join(h, JOURNAL_FILE);
    fs.writeFileSync(file, journalText(h).replace('call-2', 'call-9'));
    expect(() => AuditJournal.open(h, store)).toThrow(StoreError);
    expect(() => AuditJournal.open(h, store)).toThrow(/audit journal .*audit-journal is damaged \(line 2: its checksum does not match.*refuses calls.*move it aside/);
    expect(callIds(store)).toEqual([]);
    expect(fs.existsSync(file)).toBe(true);
  });

  it('refuses a journal whose records do not follow the mark (some were removed)', () => {
    const { home: h, store } = home();
    journalThenCrash(h, store, 3);
    const file = path.join(h, JOURNAL_FILE);
    fs.writeFileSync(file, journalText(h).split('\n').slice(1).join('\n'));
    expect(() => AuditJournal.open(h, store)).toThrow(/damaged \(records 1 to 1 are missing/);
  });

  it('fails closed when the journal found at start is damaged: the Host is told, and no record can be journaled', async () => {
    const { home: h, store } = home();
    journalThenCrash(h, store, 2);
    fs.writeFileSync(path.join(h, JOURNAL_FILE), journalText(h).replace('"R5"', '"R4"'));
    const errors: Error[] = [];
    const batcher = new AuditBatcher(h, store, (error) => errors.push(error));
    try {
      expect(batcher.broken?.message).toMatch(/audit journal .* is damaged/);
      expect(() => batcher.journal(decided(3))).toThrow(/damaged/);
      await new Promise((r) => setImmediate(r));
      expect(errors.map((e) => e.message)).toEqual([batcher.broken?.message]);
    } finally {
      await batcher.close();
    }
    // The damaged journal is kept as it was, for the person who looks into it.
    expect(journalText(h)).toContain('"R4"');
  });

  it('rotates a long journal, deletes the rotated part once the chain has it, and replays both parts after a crash', async () => {
    const { home: h, store } = home();
    const journal = AuditJournal.open(h, store);
    let n = 0;
    while (!fs.existsSync(path.join(h, ROTATED_JOURNAL_FILE))) journal.write(decided(++n));
    expect(n).toBeGreaterThan(JOURNAL_ROTATE_BYTES / 1000);
    journal.write(decided(++n));
    journal.close();
    AuditJournal.open(h, store).close();
    expect(countAuditEvents(store)).toBe(n);
    expect(readJournalMark(store.db)).toBe(n);
    expect(verifyAuditChain(store).ok).toBe(true);

    const second = AuditJournal.open(h, store);
    let last = 0;
    while (!fs.existsSync(path.join(h, ROTATED_JOURNAL_FILE))) last = second.write(decided(++n)).seq;
    second.committed(last);
    expect(fs.existsSync(path.join(h, ROTATED_JOURNAL_FILE))).toBe(false);
    second.close();
  });

  it('through the batcher: a journaled record reaches the chain with the mark, and a clean close leaves no journal', async () => {
    const { home: h, store } = home();
    const batcher = new AuditBatcher(h, store, () => undefined);
    batcher.journal(decided(1));
    batcher.append({ type: 'call.finished', server: 'demo', tool: 'echo', decision: 'ALLOW', rule: 'R6', response: { ok: true } });
    batcher.journal(decided(2));
    await batcher.close();
    expect(listAuditEvents(store).map((e) => e.type)).toEqual(['call.decided', 'call.finished', 'call.decided']);
    expect(readJournalMark(store.db)).toBe(2);
    expect(fs.existsSync(path.join(h, JOURNAL_FILE))).toBe(false);
  });
});
