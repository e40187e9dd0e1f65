import fs from 'node:fs';
import path from 'node:path';
import type { ClientAdapter } from './client-adapter.js';
import { configSizeCap, readConfigBytes } from './config-read.js';
import { parseConfigText, editConfigText, type DocEdit } from './config-syntax.js';
import { writeConfigFile } from './config-writer.js';
import { routedServer } from './entry-routing.js';
import { loopbackEndpointServer } from './http-entry.js';
import { BACKUPS_DIR_NAME, readInstallRecord, sha256Hex, writeInstallRecord, type FileRecord } from './install-record.js';
import { valueAt } from './standard-entry.js';

/**
 * Giving client files back. Airlock's writes are undone newest first: while the file is
 * exactly what a write produced, it becomes exactly what that write found (its backup), byte
 * for byte. Once the file holds edits of the user's, only Airlock's own entries are reverted,
 * key by key, and everything else stays as the user left it.
 */

export interface EntryOutcome {
  name: string;
  server: string;
  outcome: 'reverted' | 'gone' | 'changed-by-user';
}

export interface FileRestorePlan {
  adapter: ClientAdapter;
  record: FileRecord;
  /** The bytes on disk now, planned against. */
  current: Buffer;
  /** What the file becomes. */
  restored: Buffer;
  /** true: the file's bytes before Airlock's first write, exactly. */
  exact: boolean;
  entries: EntryOutcome[];
}

export interface RestoreProblem {
  adapter: ClientAdapter;
  path: string;
  problem: string;
}

export interface RestorePlan {
  files: FileRestorePlan[];
  problems: RestoreProblem[];
}

export function planRestore(recordDir: string, adapters: readonly ClientAdapter[]): RestorePlan {
  const record = readInstallRecord(recordDir);
  const plan: RestorePlan = { files: [], problems: [] };
  for (const fileRecord of record.files) {
    const adapter = adapters.find((a) => a.id === fileRecord.client);
    if (adapter === undefined) continue;
    try {
      const filePlan = planFileRestore(recordDir, adapter, fileRecord);
      if (typeof filePlan === 'string') plan.problems.push({ adapter, path: fileRecord.path, problem: filePlan });
      else plan.files.push(filePlan);
    } catch (error) {
      plan.problems.push({ adapter, path: fileRecord.path, problem: (error as Error).message });
    }
  }
  return plan;
}

function planFileRestore(recordDir: string, adapter: ClientAdapter, record: FileRecord): FileRestorePlan | string {
  // Through a symbolic link to the file it names; a dangling link, a device or a huge file is refused with its reason.
  const current = readConfigBytes(record.path, configSizeCap({ client: record.client, scope: 'user' }));
  if (current === undefined) return `${record.path} no longer exists; there is nothing to restore (its backups stay in ${path.join(recordDir, BACKUPS_DIR_NAME)})`;
  let bytes = current;
  let remaining = record.steps.length;
  while (remaining > 0) {
    const step = record.steps[remaining - 1];
    if (step === undefined) break;
    const hash = sha256Hex(bytes);
    if (hash === step.afterSha256) bytes = readBackup(recordDir, step.backup, step.beforeSha256);
    // A step recorded by a run that was killed before its rename never changed the file.
    else if (hash !== step.beforeSha256) break;
    remaining--;
  }
  const entries: EntryOutcome[] = [];
  if (remaining > 0) {
    // The user edited the file after one of Airlock's writes: revert entries, keep the rest.
    const format = record.format;
    let text = bytes.toString('utf8');
    for (const step of record.steps.slice(0, remaining).reverse()) {
      const before = readBackup(recordDir, step.backup, step.beforeSha256).toString('utf8');
      const ref = { client: record.client, path: record.path, scope: 'user' as const, format };
      const originalEntries = adapter.readServers(parseConfigText(before, format, `${record.path} (backup ${step.backup})`), ref);
      const nowEntries = adapter.readServers(parseConfigText(text, format, record.path), ref);
      const edits: DocEdit[] = [];
      for (const routed of step.entries) {
        const now = nowEntries.find((e) => e.id === routed.id);
        const original = originalEntries.find((e) => e.id === routed.id);
        if (now === undefined || original === undefined) {
          entries.push({ name: routed.name, server: routed.server, outcome: 'gone' });
          continue;
        }
        // Still pointing where install put it: `airlock connect SERVER`, or the endpoint's /mcp/SERVER.
        if ((routed.via === 'http' ? loopbackEndpointServer(now.url) : routedServer(now)) !== routed.server) {
          entries.push({ name: routed.name, server: routed.server, outcome: 'changed-by-user' });
          continue;
        }
        const originalValue = valueAt(parseConfigText(before, format, record.path), original.path);
        for (const relative of routed.edits) edits.push({ path: [...now.path, ...relative], value: valueAt(originalValue, relative) });
        entries.push({ name: routed.name, server: routed.server, outcome: 'reverted' });
      }
      if (edits.length > 0) text = editConfigText(text, format, edits, record.path);
    }
    bytes = Buffer.from(text, 'utf8');
  } else {
    for (const step of record.steps) for (const e of step.entries) entries.push({ name: e.name, server: e.server, outcome: 'reverted' });
  }
  return { adapter, record, current, restored: bytes, exact: remaining === 0, entries };
}

/** Writes the restored files and forgets their records. Call under the clients lock. */
export function applyRestore(plan: RestorePlan, recordDir: string): void {
  for (const file of plan.files) {
    if (!file.restored.equals(file.current)) {
      writeConfigFile({
        path: file.record.path,
        expected: file.current,
        content: file.restored,
        backupDir: path.join(recordDir, BACKUPS_DIR_NAME),
        label: `${file.record.client}-before-restore`,
      });
    }
    const record = readInstallRecord(recordDir);
    record.files = record.files.filter((f) => f.path !== file.record.path);
    writeInstallRecord(recordDir, record);
  }
}

function readBackup(recordDir: string, name: string, expectedSha256: string): Buffer {
  const file = path.join(recordDir, BACKUPS_DIR_NAME, name);
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch {
    throw new Error(`the backup ${file} is missing; Airlock cannot restore this file exactly and left it untouched`);
  }
  if (sha256Hex(bytes) !== expectedSha256) throw new Error(`the backup ${file} was changed since Airlock wrote it; Airlock left the file untouched`);
  return bytes;
}
