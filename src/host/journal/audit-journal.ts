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

/** Zeros kept written past the last record, so that writing a record never needs new space. */
export const JOURNAL_RESERVE_BYTES = 64 * 1024;

/** The journal could not be written (disk full, read-only, file gone): nothing more may be forwarded. */
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
 *
 * Records are written over zeros written ahead of them (JOURNAL_RESERVE_BYTES): on a disk that
 * fills up, it is topping up those zeros that fails, after a record was written, not the record
 * of a call about to be forwarded; `fault` says so and the Host refuses calls until `recover()`
 * can write the zeros again. Zeros hold no newline, so what a crash leaves of them is a torn last
 * line that the next start drops (journal-line.ts). A record whose write fails anyway (a
 * copy-on-write filesystem needs new blocks even over zeros) is cut back, and its call refused.
 */
export class AuditJournal {
  /** Where the next record goes: the end of the last whole record. */
  private end = 0;
  /** How far the file is written (records, then zeros). */
  private allocated = 0;
  private committedSeq: number;
  /** The last record in the rotated file, while that file waits for the chain. */
  private rotatedUpTo: number | null = null;
  /** A fault that needs a restart: the journal may not be whole. */
  private failure: JournalWriteError | null = null;
  /** A fault that goes when space (or write access) comes back: the journal is whole. */
  private spaceFault: JournalWriteError | null = null;

  private constructor(
    private readonly file: string,
    private readonly rotated: string,
    private fd: number | null,
    private seq: number,
  ) {
    this.committedSeq = seq;
    this.reserve();
  }

  /**
   * Replays what the journal holds past the chain's mark, empties it and opens it for writing.
   * Throws a StoreError that says what to do when the journal is damaged: its records are not in
   * the log, and the Host must not forward a call it may fail to record.
   */
  static open(home: string, store: Store): AuditJournal {
    const file = path.join(home, JOURNAL_FILE);
    const rotated = path.join(home, ROTATED_JOURNAL_FILE);
    const seq = replayJournal(store, [rotated, file]);
    for (const f of [rotated, file]) fs.rmSync(f, { force: true });
    return new AuditJournal(file, rotated, openForWrite(file), seq);
  }

  /** Why records cannot be journaled safely now, or null. */
  get fault(): JournalWriteError | null {
    return this.failure ?? this.spaceFault;
  }

  /** Whether the fault is one `recover()` cannot clear: the journal may not be whole until a restart replays it. */
  get needsRestart(): boolean {
    return this.failure !== null;
  }

  /**
   * Writes one record (its arguments replaced by their hash, stamped with the time now) and
   * returns it as journaled. Throws JournalWriteError when the journal cannot be written (the
   * file is then as it was before), or when a fault before made it unsafe to go on. A record
   * whose arguments cannot be hashed throws before anything is written.
   */
  write(event: AuditEventInput): JournalEntry {
    if (this.failure) throw this.failure;
    if (this.fd === null) throw new JournalWriteError('the audit journal is closed');
    const { args, ...rest } = event;
    const entry: JournalEntry = { seq: this.seq + 1, event: { ...rest, ...(args === undefined ? {} : { argsHash: canonicalDigest(args) }), ts: new Date().toISOString() } };
    const line = Buffer.from(formatJournalLine(entry));
    let written = 0;
    try {
      while (written < line.length) written += fs.writeSync(this.fd, line, written, line.length - written, this.end + written);
    } catch (error) {
      throw this.cutBack(written, error as Error);
    }
    this.seq = entry.seq;
    this.end += line.length;
    this.allocated = Math.max(this.allocated, this.end);
    if (this.end >= JOURNAL_ROTATE_BYTES && this.rotatedUpTo === null) this.rotate();
    else this.reserve();
    return entry;
  }

  /** Writes the space ahead again after a fault that lets it; true once it could, and records can be journaled again. */
  recover(): boolean {
    if (this.failure || this.fd === null) return false;
    this.spaceFault = null;
    this.reserve(true);
    return this.spaceFault === null;
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
    if (this.fd !== null) {
      // The zeros ahead go: what stays is records only (a disk that refuses even this leaves zeros, dropped at start).
      trySync(() => fs.ftruncateSync(this.fd!, this.end));
      fs.closeSync(this.fd);
    }
    this.fd = null;
    if (this.failure === null && this.committedSeq >= this.seq) for (const f of [this.rotated, this.file]) fs.rmSync(f, { force: true });
  }

  /** A record's write failed: what of it reached the file goes, so the journal ends with its last whole record. */
  private cutBack(written: number, error: Error): JournalWriteError {
    const why = error.message;
    if (written > 0) {
      try {
        fs.ftruncateSync(this.fd!, this.end);
        this.allocated = this.end;
      } catch (cutError) {
        this.failure = new JournalWriteError(
          `cannot write the audit journal ${this.file} (${why}), nor cut the part written back off (${(cutError as Error).message}). ` +
            'Free disk space or make the home writable, then restart Airlock: it appends the records the journal holds at start',
        );
        return this.failure;
      }
    }
    this.spaceFault = new JournalWriteError(`cannot write the audit journal ${this.file}: ${why}`);
    return this.spaceFault;
  }

  /**
   * Writes zeros ahead of the records when less than half the reserve is left, from where the
   * file ends (or, to prove the disk takes writes again, from the end of the last record); a
   * failure is a `fault` until `recover()`.
   */
  private reserve(probe = false): void {
    if (this.fd === null || (!probe && this.allocated - this.end >= JOURNAL_RESERVE_BYTES / 2)) return;
    const from = probe ? this.end : this.allocated;
    const zeros = Buffer.alloc(this.end + JOURNAL_RESERVE_BYTES - from);
    try {
      let written = 0;
      while (written < zeros.length) {
        written += fs.writeSync(this.fd, zeros, written, zeros.length - written, from + written);
        this.allocated = Math.max(this.allocated, from + written);
      }
    } catch (error) {
      this.spaceFault = new JournalWriteError(`cannot keep space for the audit journal ${this.file}: ${(error as Error).message}`);
    }
  }

  private rotate(): void {
    try {
      fs.renameSync(this.file, this.rotated);
      trySync(() => fs.ftruncateSync(this.fd!, this.end));
      if (this.fd !== null) fs.closeSync(this.fd);
      this.fd = null;
      this.fd = openForWrite(this.file);
      this.rotatedUpTo = this.seq;
      this.end = 0;
      this.allocated = 0;
      this.reserve();
    } catch (error) {
      // The record just written is safe in the rotated file; the next write fails closed.
      this.failure = new JournalWriteError(`cannot rotate the audit journal ${this.file}: ${(error as Error).message}. Free disk space or make the home writable, then restart Airlock`);
    }
  }
}

function trySync(action: () => void): void {
  try {
    action();
  } catch {
    // Best effort: nothing depends on it.
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

/** A new journal: 0600, created here (never a file or link that was already there), written at the offsets AuditJournal keeps. */
function openForWrite(file: string): number {
  const { O_WRONLY, O_CREAT, O_EXCL, O_NOFOLLOW } = fs.constants;
  try {
    const fd = fs.openSync(file, O_WRONLY | O_CREAT | O_EXCL | (POSIX ? O_NOFOLLOW : 0), 0o600);
    if (POSIX) fs.fchmodSync(fd, 0o600);
    return fd;
  } catch (error) {
    throw new StoreError(`cannot create the audit journal ${file}: ${(error as Error).message}. Check the home folder's permissions and free space, then start Airlock again.`);
  }
}
