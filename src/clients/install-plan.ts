import path from 'node:path';
import type { ClientAdapter, ClientId, ClientServerEntry, Launcher } from './client-adapter.js';
import type { ScannedClient, ScannedFile, UnreadableFile } from './client-scan.js';
import { readConfigBytes } from './config-read.js';
import { editConfigText, type DocEdit } from './config-syntax.js';
import { writeConfigFile } from './config-writer.js';
import type { ServerImport } from './entry-routing.js';
import { endpointUrl, tokenVariableName, type BearerSource } from './http-entry.js';
import { BACKUPS_DIR_NAME, readInstallRecord, sha256Hex, writeInstallRecord } from './install-record.js';

/** One entry an install routes: the Airlock server it will connect to and what that server runs. */
export interface PlannedRoute {
  entry: ClientServerEntry;
  server: string;
  import: ServerImport;
  /** Edits relative to the entry. */
  edits: DocEdit[];
  /** stdio: the entry runs `airlock connect`; http: it reaches the MCP endpoint. */
  via: 'stdio' | 'http';
}

export interface FileInstallPlan {
  adapter: ClientAdapter;
  file: ScannedFile;
  routes: PlannedRoute[];
  after: string;
  /**
   * For HTTP routes, where the client's token comes from: the variable (AIRLOCK_TOKEN_<CLIENT>), or the
   * token as text (--token-in-file), written as TOKEN_PLACEHOLDER in `after` until the token is made.
   */
  bearer?: { variable: string } | { text: true };
}

/** Stands for the client's token in a planned file until install makes the token (the same length and characters). */
export const TOKEN_PLACEHOLDER = `airlock_ct_${'X'.repeat(43)}`;

/** Why an entry is left when its client cannot read the token from a variable (and --token-in-file was not given). */
export const NO_VARIABLE_REASON = 'its config cannot read a variable; Airlock will not write a token into it as text';

/** `clients install --over-http`: where the endpoint is, and whether a token may be written as text. */
export interface HttpInstallOptions {
  /** This home's endpoint base, `http://127.0.0.1:PORT/mcp`. */
  endpoint: string;
  /** Write the token as text into files whose client cannot read a variable (--token-in-file). */
  tokenInFile: boolean;
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
  /** Set for --over-http. */
  http?: HttpInstallOptions;
}

/** Picks the Airlock server name for an entry (the caller knows the registry). */
export type ServerNamer = (entry: ClientServerEntry, serverImport: ServerImport, adapter: ClientAdapter) => string;

/**
 * What `clients install` would change: for each file with a routable bypassing entry, the new
 * text with those entries running `launcher … connect NAME` or, with `http`, reaching the MCP
 * endpoint where the client's file can say so. Nothing is written here.
 */
export function planInstall(scan: readonly ScannedClient[], launcher: Launcher, nameServer: ServerNamer, http?: HttpInstallOptions): InstallPlan {
  const plan: InstallPlan = { files: [], skipped: [], unreadable: scan.flatMap((c) => c.unreadable), ...(http === undefined ? {} : { http }) };
  for (const { adapter, files } of scan) {
    for (const file of files) {
      const mode = http === undefined ? 'stdio' : httpMode(adapter, file, http);
      const bearer: BearerSource | undefined = mode === 'variable' ? { variable: tokenVariableName(adapter.id) } : mode === 'text' ? { token: TOKEN_PLACEHOLDER } : undefined;
      const routes: PlannedRoute[] = [];
      for (const scanned of file.servers) {
        if (scanned.status === 'routed' || scanned.route === undefined) continue;
        if (!scanned.route.ok || mode === 'skip') {
          plan.skipped.push({ adapter, file, entry: scanned.entry, reason: scanned.route.ok ? NO_VARIABLE_REASON : scanned.route.reason });
          continue;
        }
        const server = nameServer(scanned.entry, scanned.route.import, adapter);
        const edits = bearer !== undefined && http !== undefined && adapter.http !== undefined ? adapter.http.routeEdits(scanned.entry, endpointUrl(http.endpoint, server), bearer) : adapter.routeEdits(scanned.entry, entryLauncher(launcher, adapter.id), server);
        routes.push({ entry: scanned.entry, server, import: scanned.route.import, edits, via: bearer === undefined ? 'stdio' : 'http' });
      }
      if (routes.length === 0) continue;
      const edits = routes.flatMap((route) => route.edits.map((edit) => ({ path: [...route.entry.path, ...edit.path], value: edit.value })));
      plan.files.push({
        adapter,
        file,
        routes,
        after: editConfigText(file.text, file.ref.format, edits, file.ref.path),
        ...(bearer === undefined ? {} : { bearer: 'variable' in bearer ? { variable: bearer.variable } : { text: true as const } }),
      });
    }
  }
  return plan;
}

/**
 * The launcher with `--client=ID` added: the entry then tells the Host which AI client's file it
 * lives in, so that a server's client policy can allow it by `entry:ID`. One word, so the server's
 * name stays the first word after "connect" that is not an option (routedServer).
 */
export function entryLauncher(launcher: Launcher, client: ClientId): Launcher {
  return { command: launcher.command, args: [...launcher.args, `--client=${client}`] };
}

/** How --over-http routes this file's entries: with a variable, with the token as text, over stdio (no URL entries), or not at all. */
function httpMode(adapter: ClientAdapter, file: ScannedFile, http: HttpInstallOptions): 'variable' | 'text' | 'stdio' | 'skip' {
  if (adapter.http === undefined) return 'stdio';
  if (adapter.http.readsVariable(file.ref)) return 'variable';
  return http.tokenInFile ? 'text' : 'skip';
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
          entries: filePlan.routes.map((route) => ({ id: route.entry.id, name: route.entry.name, server: route.server, edits: route.edits.map((e) => [...e.path]), ...(route.via === 'http' ? { via: 'http' as const } : {}) })),
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
