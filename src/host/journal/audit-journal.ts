import fs from 'node:fs';
import path from 'node:path';
import { canonicalDigest } from '../../engine/canonical-json.js';
import type { AuditEventInput } from '../../engine/audit/index.js';
import { ensurePrivateFile, StoreError, type Store } from '../../engine/store/index.js';
import { formatJournalLine, JournalDamage, parseJournal, type JournalEntry } from './journal-line.js';
import { appendWithJournalMark, readJournalMark } from './journal-mark.js';

/** The journal in the home, and the one it was rotated to while the chain caught up with it. */
export const JOURNAL_FILE = 'audit-journal';
export const ROTATED_JOURNAL_FILE = 'audit-journal.1';
/** A journal this long is rotated (once the chain has the rotated one, it is deleted). */
export const JOURNAL_ROTATE_BYTES = 1024 * 1024;
/** A journal longer than this is refused at start rather than read whole. */
export const MAX_JOURNAL_BYTES = 256 * 1024 * 1024;
/** Records replayed per transaction at start. */
const REPLAY_BATCH = 1000;

const POSIX = process.platform !== 'win32';

/** The journal could not be written (disk full, file gone): nothing more may be forwarded. */
export class JournalWriteError extends Error {
  override name = 'JournalWriteError';
}

/**
 * The Host's write-ahead journal of the records that must survive a crash of its process before
 * their call is forwarded (`call.decided`, `hold.resolved`). Each record is one line written with
 * one write() and no fsync: once write() returns, the kernel holds it, and only a power cut or a
 * kernel crash could lose it (SQLite's own log is kept to the same standard). The audit worker
 * appends the records to the chain in batches and moves the chain's journal mark in the same
 * transaction; at start, whatever the journal holds past the mark is appended before anything
 * else happens, then the journal starts empty. Arguments are hashed before a record is written,
 * so the journal holds what the audit log holds and no raw value.
 */
export class AuditJournal {
  private bytes = 0;
  private committedSeq: number;
  /** The last record in the rotated file, while that file waits for the chain. */
  private rotatedUpTo: number | null = null;
  private failure: JournalWriteError | null = null;

  private constructor(
    private readonly file: string,
    private readonly rotated: string,
    private fd: number | null,
    private seq: number,
  ) {
    this.committedSeq = seq;
  }

  /**
   * Replays what the journal holds past the chain's mark, empties it and opens it for appending.
   * Throws a StoreError that says what to do when the journal is damaged: its records are not in
   * the log, and the Host must not forward a call it may fail to record.
   */
  static open(home: string, store: Store): AuditJournal {
    const file = path.join(home, JOURNAL_FILE);
    const rotated = path.join(home, ROTATED_JOURNAL_FILE);
    const seq = replayJournal(store, [rotated, file]);
    for (const f of [rotated, file]) fs.rmSync(f, { force: true });
    return new AuditJournal(file, rotated, openForAppend(file), seq);
  }

  /**
   * Writes one record (its arguments replaced by their hash, stamped with the time now) and
   * returns it as journaled. Throws JournalWriteError when the journal cannot be written; after
   * that every write throws. A record whose arguments cannot be hashed throws before anything is written.
   */
  write(event: AuditEventInput): JournalEntry {
    if (this.failure) throw this.failure;
    if (this.fd === null) throw new JournalWriteError('the audit journal is closed');
    const { args, ...rest } = event;
    const entry: JournalEntry = { seq: this.seq + 1, event: { ...rest, ...(args === undefined ? {} : { argsHash: canonicalDigest(args) }), ts: new Date().toISOString() } };
    const line = Buffer.from(formatJournalLine(entry));
    try {
      let written = 0;
      while (written < line.length) written += fs.writeSync(this.fd, line, written);
    } catch (error) {
      this.failure = new JournalWriteError(`cannot write the audit journal ${this.file}: ${(error as Error).message}`);
      throw this.failure;
    }
    this.seq = entry.seq;
    this.bytes += line.length;
    if (this.bytes >= JOURNAL_ROTATE_BYTES && this.rotatedUpTo === null) this.rotate();
    return entry;
  }

  /** The chain has every record up to `seq`: a rotated journal it covers is deleted. */
  committed(seq: number): void {
    this.committedSeq = Math.max(this.committedSeq, seq);
    if (this.rotatedUpTo !== null && this.committedSeq >= this.rotatedUpTo) {
      fs.rmSync(this.rotated, { force: true });
      this.rotatedUpTo = null;
    }
  }

  /** Closes the journal; deletes it when the chain holds all of it (else the next start replays it). */
  close(): void {
    if (this.fd !== null) fs.closeSync(this.fd);
    this.fd = null;
    if (this.failure === null && this.committedSeq >= this.seq) for (const f of [this.rotated, this.file]) fs.rmSync(f, { force: true });
  }

  private rotate(): void {
    try {
      fs.renameSync(this.file, this.rotated);
      if (this.fd !== null) fs.closeSync(this.fd);
      this.fd = null;
      this.fd = openForAppend(this.file);
      this.rotatedUpTo = this.seq;
      this.bytes = 0;
    } catch (error) {
      // The record just written is safe in the rotated file; the next write fails closed.
      this.failure = new JournalWriteError(`cannot rotate the audit journal ${this.file}: ${(error as Error).message}`);
    }
  }
}

/** Appends to the chain the records past its mark, in order; returns the last sequence number in use. */
function replayJournal(store: Store, files: readonly string[]): number {
  const mark = readJournalMark(store.db);
  const entries: JournalEntry[] = [];
  for (const file of files) {
    const text = readJournalFile(file);
    if (text === undefined) continue;
    let parsed: JournalEntry[];
    try {
      parsed = parseJournal(text).entries;
    } catch (error) {
      if (error instanceof JournalDamage) throw damaged(file, error.message);
      throw error;
    }
    const previous = entries.at(-1);
    if (previous && parsed[0] && parsed[0].seq !== previous.seq + 1) throw damaged(file, `its first record (${parsed[0].seq}) does not follow the last one of ${path.basename(files[0] ?? '')} (${previous.seq})`);
    entries.push(...parsed);
  }
  const pending = entries.filter((e) => e.seq > mark);
  const first = pending[0];
  if (first && first.seq !== mark + 1) throw damaged(files.at(-1) ?? '', `records ${mark + 1} to ${first.seq - 1} are missing from it`);
  for (let i = 0; i < pending.length; i += REPLAY_BATCH) {
    const batch = pending.slice(i, i + REPLAY_BATCH);
    try {
      appendWithJournalMark(store, batch.map((e) => e.event), batch.at(-1)?.seq);
    } catch (error) {
      throw damaged(files.at(-1) ?? '', `record ${batch[0]?.seq ?? ''} or one after it is not a valid audit event (${(error as Error).message})`);
    }
  }
  return Math.max(mark, entries.at(-1)?.seq ?? 0);
}

function damaged(file: string, why: string): StoreError {
  return new StoreError(
    `the audit journal ${file} is damaged (${why}), so records of calls it holds are not in the audit log. ` +
      `Airlock refuses calls rather than lose their records. Keep a copy of the file, move it aside (mv '${file}' '${file}.damaged') and start Airlock again; then check the log with: airlock audit verify`,
  );
}

/** The journal's text, or undefined when there is none; checked on the open descriptor (owner, mode, size). */
function readJournalFile(file: string): string | undefined {
  if (!ensurePrivateFile(file, { create: false })) return undefined;
  const fd = fs.openSync(file, fs.constants.O_RDONLY | (POSIX ? fs.constants.O_NOFOLLOW : 0));
  try {
    const stat = fs.fstatSync(fd);
    if (!stat.isFile()) throw new StoreError(`the audit journal ${file} is not a regular file. Move it aside and start Airlock again.`);
    if (stat.size > MAX_JOURNAL_BYTES) throw damaged(file, `it is ${stat.size} bytes, more than the ${MAX_JOURNAL_BYTES} a journal may hold`);
    return fs.readFileSync(fd, 'utf8');
  } finally {
    fs.closeSync(fd);
  }
}

/** A new journal: 0600, created here (never a file or link that was already there), appended to only. */
function openForAppend(file: string): number {
  const { O_WRONLY, O_APPEND, O_CREAT, O_EXCL, O_NOFOLLOW } = fs.constants;
  try {
    const fd = fs.openSync(file, O_WRONLY | O_APPEND | O_CREAT | O_EXCL | (POSIX ? O_NOFOLLOW : 0), 0o600);
    if (POSIX) fs.fchmodSync(fd, 0o600);
    return fd;
  } catch (error) {
    throw new StoreError(`cannot create the audit journal ${file}: ${(error as Error).message}. Check the home folder's permissions and free space, then start Airlock again.`);
  }
}
