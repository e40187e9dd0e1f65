import { createHash } from 'node:crypto';
import type { AuditEventInput } from '../../engine/audit/index.js';
import { parseStrictJson } from '../../input/strict-json.js';

/** One journaled record: its place in the journal and the audit event input, arguments already hashed. */
export interface JournalEntry {
  seq: number;
  event: AuditEventInput;
}

/** A line that does not hold: the journal is damaged there (never a torn last line, which is dropped). */
export class JournalDamage extends Error {
  constructor(
    readonly line: number,
    why: string,
  ) {
    super(`line ${line}: ${why}`);
  }
}

/**
 * `SUM JSON\n`: SUM is the SHA-256 (hex) of JSON, so an edited byte is seen rather than appended
 * as a different record. It detects damage, not an attacker who can also recompute the sum: such
 * a one can write the database too (SECURITY.md).
 */
export function formatJournalLine(entry: JournalEntry): string {
  const json = JSON.stringify(entry);
  return `${createHash('sha256').update(json).digest('hex')} ${json}\n`;
}

/**
 * The entries of a journal file's text, in order. A last line without its newline was cut by a
 * crash inside its write(): its call was never forwarded, so it is dropped (`torn`); so are the
 * zeros written ahead of the records (audit-journal.ts), which hold no newline. Any other bad
 * line (a sum that does not match, strict JSON that does not parse, a sequence that is not one
 * more than the line before) throws JournalDamage.
 */
export function parseJournal(text: string, firstLine = 1): { entries: JournalEntry[]; torn: boolean } {
  const lines = text.split('\n');
  const last = lines.pop();
  const torn = last !== undefined && last !== '';
  const entries: JournalEntry[] = [];
  lines.forEach((line, i) => {
    const at = firstLine + i;
    const space = line.indexOf(' ');
    const json = line.slice(space + 1);
    if (space !== 64 || createHash('sha256').update(json).digest('hex') !== line.slice(0, 64)) throw new JournalDamage(at, 'its checksum does not match its contents');
    let value: unknown;
    try {
      value = parseStrictJson(json);
    } catch (error) {
      throw new JournalDamage(at, `it is not valid JSON (${(error as Error).message})`);
    }
    const entry = value as Partial<JournalEntry> | null;
    if (entry === null || typeof entry !== 'object' || !Number.isSafeInteger(entry.seq) || (entry.seq ?? 0) < 1 || entry.event === null || typeof entry.event !== 'object') {
      throw new JournalDamage(at, 'it is not a journal record ({ seq, event })');
    }
    const previous = entries.at(-1);
    if (previous && entry.seq !== previous.seq + 1) throw new JournalDamage(at, `its sequence number ${entry.seq} does not follow ${previous.seq}`);
    entries.push(entry as JournalEntry);
  });
  return { entries, torn };
}
