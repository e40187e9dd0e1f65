import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { CLIENT_IDS } from './client-adapter.js';
import { writePrivateFile } from './config-writer.js';

/**
 * Airlock's record of what it changed in each client file: for every write, the backup of the
 * bytes before it, the hashes before and after, and which entries it routed and which of their
 * keys it edited. Restore reads it to undo exactly those writes. It lives under AIRLOCK_HOME
 * (0600 in a 0700 folder), as do the backups, which hold the files' original secrets.
 */

const DocPathSchema = z.array(z.union([z.string(), z.number().int().nonnegative()]));
const Sha256Schema = z.string().regex(/^[0-9a-f]{64}$/);

const RoutedEntrySchema = z.strictObject({
  id: z.string(),
  name: z.string(),
  server: z.string(),
  /** Paths relative to the entry that the install set or deleted. */
  edits: z.array(DocPathSchema),
  /** Set when the entry was routed to the MCP endpoint (--over-http) rather than to `airlock connect`. */
  via: z.literal('http').optional(),
});
export type RoutedEntryRecord = z.infer<typeof RoutedEntrySchema>;

const WriteStepSchema = z.strictObject({
  at: z.iso.datetime(),
  /** The backup's file name, inside the backups folder. */
  backup: z.string().regex(/^[^/\\]+$/),
  beforeSha256: Sha256Schema,
  afterSha256: Sha256Schema,
  entries: z.array(RoutedEntrySchema),
});
export type WriteStep = z.infer<typeof WriteStepSchema>;

const FileRecordSchema = z.strictObject({
  client: z.enum(CLIENT_IDS),
  path: z.string(),
  format: z.enum(['jsonc', 'toml', 'yaml']),
  steps: z.array(WriteStepSchema).min(1),
});
export type FileRecord = z.infer<typeof FileRecordSchema>;

const InstallRecordSchema = z.strictObject({
  version: z.literal(1),
  files: z.array(FileRecordSchema),
});
export type InstallRecord = z.infer<typeof InstallRecordSchema>;

export const RECORD_FILE_NAME = 'installs.json';
export const BACKUPS_DIR_NAME = 'backups';

export function sha256Hex(bytes: Buffer | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export function readInstallRecord(recordDir: string): InstallRecord {
  const file = path.join(recordDir, RECORD_FILE_NAME);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, files: [] };
    throw error;
  }
  let parsed: ReturnType<typeof InstallRecordSchema.safeParse>;
  try {
    parsed = InstallRecordSchema.safeParse(JSON.parse(text));
  } catch {
    throw new Error(`Airlock's record of client changes ${file} is not valid JSON; nothing was changed. The backups of your files are in ${path.join(recordDir, BACKUPS_DIR_NAME)}.`);
  }
  if (!parsed.success) {
    throw new Error(`Airlock's record of client changes ${file} has an unexpected shape (${parsed.error.issues[0]?.message ?? 'invalid'}); nothing was changed. The backups of your files are in ${path.join(recordDir, BACKUPS_DIR_NAME)}.`);
  }
  return parsed.data;
}

export function writeInstallRecord(recordDir: string, record: InstallRecord): void {
  writePrivateFile(path.join(recordDir, RECORD_FILE_NAME), `${JSON.stringify(InstallRecordSchema.parse(record), null, 2)}\n`);
}
