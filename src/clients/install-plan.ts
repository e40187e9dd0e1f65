import path from 'node:path';
import type { ClientAdapter, ClientServerEntry, Launcher } from './client-adapter.js';
import type { ScannedClient, ScannedFile, UnreadableFile } from './client-scan.js';
import { readConfigBytes } from './config-read.js';
import { editConfigText, type DocEdit } from './config-syntax.js';
import { writeConfigFile } from './config-writer.js';
import type { ServerImport } from './entry-routing.js';
import { BACKUPS_DIR_NAME, readInstallRecord, sha256Hex, writeInstallRecord } from './install-record.js';

/** One entry an install routes: the Airlock server it will connect to and what that server runs. */
export interface PlannedRoute {
  entry: ClientServerEntry;
  server: string;
  import: ServerImport;
  /** Edits relative to the entry. */
  edits: DocEdit[];
}

export interface FileInstallPlan {
  adapter: ClientAdapter;
  file: ScannedFile;
  routes: PlannedRoute[];
  after: string;
}

export interface SkippedEntry {
  adapter: ClientAdapter;
  file: ScannedFile;
  entry: ClientServerEntry;
  reason: string;
}

export interface InstallPlan {
  files: FileInstallPlan[];
  skipped: SkippedEntry[];
  unreadable: UnreadableFile[];
}

/** Picks the Airlock server name for an entry (the caller knows the registry). */
export type ServerNamer = (entry: ClientServerEntry, serverImport: ServerImport, adapter: ClientAdapter) => string;

/**
 * What `clients install` would change: for each file with a routable bypassing entry, the new
 * text with those entries running `launcher … connect NAME`. Nothing is written here.
 */
export function planInstall(scan: readonly ScannedClient[], launcher: Launcher, nameServer: ServerNamer): InstallPlan {
  const plan: InstallPlan = { files: [], skipped: [], unreadable: scan.flatMap((c) => c.unreadable) };
  for (const { adapter, files } of scan) {
    for (const file of files) {
      const routes: PlannedRoute[] = [];
      for (const scanned of file.servers) {
        if (scanned.status === 'routed' || scanned.route === undefined) continue;
        if (!scanned.route.ok) {
          plan.skipped.push({ adapter, file, entry: scanned.entry, reason: scanned.route.reason });
          continue;
        }
        const server = nameServer(scanned.entry, scanned.route.import, adapter);
        routes.push({ entry: scanned.entry, server, import: scanned.route.import, edits: adapter.routeEdits(scanned.entry, launcher, server) });
      }
      if (routes.length === 0) continue;
      const edits = routes.flatMap((route) => route.edits.map((edit) => ({ path: [...route.entry.path, ...edit.path], value: edit.value })));
      plan.files.push({ adapter, file, routes, after: editConfigText(file.text, file.ref.format, edits, file.ref.path) });
    }
  }
  return plan;
}

export interface InstalledFile {
  path: string;
  backup: string;
}

/**
 * Writes the planned files, recording each write before making it (so restore knows the
 * backup even if Airlock is killed right after the rename). Call under the clients lock.
 */
export function applyInstall(plan: InstallPlan, recordDir: string): InstalledFile[] {
  const written: InstalledFile[] = [];
  for (const filePlan of plan.files) {
    const { ref, bytes } = filePlan.file;
    const record = readInstallRecord(recordDir);
    // The step is recorded once the backup is durable and before the rename: if Airlock is
    // killed right after the rename, restore still knows the backup.
    const backup = writeConfigFile({
      path: ref.path,
      expected: bytes,
      content: filePlan.after,
      backupDir: path.join(recordDir, BACKUPS_DIR_NAME),
      label: ref.client,
      beforeRename: (backupPath) => {
        const step = {
          at: new Date().toISOString(),
          backup: path.basename(backupPath),
          beforeSha256: sha256Hex(bytes),
          afterSha256: sha256Hex(Buffer.from(filePlan.after, 'utf8')),
          entries: filePlan.routes.map((route) => ({ id: route.entry.id, name: route.entry.name, server: route.server, edits: route.edits.map((e) => [...e.path]) })),
        };
        const existing = record.files.find((f) => f.path === ref.path);
        if (existing === undefined) record.files.push({ client: ref.client, path: ref.path, format: ref.format, steps: [step] });
        else existing.steps.push(step);
        writeInstallRecord(recordDir, record);
      },
    });
    written.push({ path: ref.path, backup });
  }
  return written;
}

/** Whether a file still has the exact bytes planned against (used to refuse stale plans early). */
export function unchangedSince(file: ScannedFile): boolean {
  try {
    return readConfigBytes(file.ref.path, file.bytes.length)?.equals(file.bytes) === true;
  } catch {
    return false;
  }
}
