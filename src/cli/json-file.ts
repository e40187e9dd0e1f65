import { readFileSync } from 'node:fs';
import { UsageError } from './exit-codes.js';

/**
 * Reads and parses a JSON file the user named; a missing, unreadable or malformed file is a
 * one-line error naming the file and its role ("OLD", "receipt", …), exit 2.
 */
export function readJsonFile(path: string, role: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder' : code === 'EACCES' ? 'permission denied' : (error as Error).message;
    throw new UsageError(`cannot read ${role} file "${path}": ${why}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new UsageError(`${role} file "${path}" is not valid JSON: ${(error as Error).message}`);
  }
}
