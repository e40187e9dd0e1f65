import type Database from 'better-sqlite3';
import { appendAuditEvents, type AuditEventInput } from '../../engine/audit/index.js';
import type { Store } from '../../engine/store/index.js';

/** The sequence number of the last journaled record in the chain (0 when none ever was). */
export function readJournalMark(db: Database.Database): number {
  const row = db.prepare<[], { seq: number }>('SELECT seq FROM audit_journal_mark WHERE id = 1').get();
  return row?.seq ?? 0;
}

const markStatements = new WeakMap<Database.Database, Database.Statement<[number]>>();

/**
 * Appends events to the chain and, in the same transaction, moves the journal mark to
 * `journalSeq` (when the batch holds journaled records): the chain and the mark can never
 * disagree, so a replay after a crash appends exactly the records the chain lacks.
 */
export function appendWithJournalMark(store: Store, events: readonly AuditEventInput[], journalSeq: number | undefined): void {
  if (journalSeq === undefined) {
    appendAuditEvents(store, events);
    return;
  }
  let mark = markStatements.get(store.db);
  if (mark === undefined) {
    mark = store.db.prepare<[number]>('INSERT INTO audit_journal_mark (id, seq) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET seq = max(seq, excluded.seq)');
    markStatements.set(store.db, mark);
  }
  const statement = mark;
  store.db
    .transaction(() => {
      // Nested: appendAuditEvents' own transaction becomes a savepoint of this one.
      appendAuditEvents(store, events);
      statement.run(journalSeq);
    })
    .immediate();
}
