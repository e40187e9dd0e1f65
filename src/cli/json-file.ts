import { BoundedReadError, readBoundedFile } from '../input/bounded-file.js';
import { JsonRefusal, parseStrictJson } from '../input/strict-json.js';
import { UsageError } from './exit-codes.js';

const MIB = 1024 * 1024;

/**
 * How large a file the user names may be, by kind; checked on the open descriptor before a byte
 * is parsed, so /dev/zero or a huge file is a quick refusal, not a hung or crashed command.
 */
export const JSON_FILE_LIMITS = Object.freeze({
  /** A tools/list result or one tool definition: real ones are a few KiB to a few hundred; 8 MiB is generous. */
  toolList: 8 * MIB,
  /**
   * A receipt file: one receipt or an exported bundle of many. A bundle takes about 2.6 KiB per
   * receipt without a drift record (measured: 20,000 receipts of a 20,000-event log, pretty-printed,
   * 52.8 MB; each receipt carries its event, its inclusion proof and its checkpoint), so 256 MiB
   * holds about 100,000 receipts, the size bench/export.bench.ts exports, and stays well under
   * V8's longest string (about 512 MiB), which the text must fit in to be parsed at all.
   */
  receiptFile: 256 * MIB,
});

/**
 * Reads and parses a JSON file the user named, with a size cap, strict UTF-8 and strict JSON
 * (duplicate keys and "__proto__" keys refused: other readers would take a different value or
 * drop the key). Every problem is a one-line error naming the file, its role ("OLD",
 * "receipt", …) and, for size, the limit; exit 2.
 */
export function readJsonFile(path: string, role: string, maxBytes: number): unknown {
  let bytes: Buffer;
  try {
    bytes = readBoundedFile(path, maxBytes);
  } catch (error) {
    if (error instanceof BoundedReadError) throw new UsageError(`cannot read ${role} file "${path}": ${error.message}`);
    throw error;
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw new UsageError(`${role} file "${path}" is not valid UTF-8 text; JSON files must be UTF-8`);
  }
  try {
    return parseStrictJson(text);
  } catch (error) {
    if (error instanceof JsonRefusal) {
      if (error.reason === 'syntax') throw new UsageError(`${role} file "${path}" is ${error.message}`);
      throw new UsageError(`${role} file "${path}" is refused: ${error.message}`);
    }
    throw error;
  }
}
