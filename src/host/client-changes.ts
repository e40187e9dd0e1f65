import path from 'node:path';
import type { ClientAdapter, ClientDirs, ClientId, Launcher } from '../clients/client-adapter.js';
import { CLIENT_ADAPTERS, adapterFor } from '../clients/adapters/index.js';
import { scanClients } from '../clients/client-scan.js';
import { redactedDiff } from '../clients/clients-report.js';
import { acquireClientsLock } from '../clients/clients-lock.js';
import { parseConfigText } from '../clients/config-syntax.js';
import { ConfigChangedError } from '../clients/config-writer.js';
import { sensitiveValues } from '../clients/entry-routing.js';
import { applyInstall, planInstall, unchangedSince, type InstallPlan } from '../clients/install-plan.js';
import { applyRestore, planRestore, type RestorePlan } from '../clients/restore-plan.js';
import { appendAuditEvent } from '../engine/audit/index.js';
import type { Store } from '../engine/store/index.js';
import { airlockLauncher } from './airlock-launcher.js';
import { importPlannedServers, ServerImportNamer, type ImportSummary } from './client-import.js';
import { SecretStore } from './secret-store.js';
import type { SecretVault } from './secret-vault.js';

/**
 * Client-file changes as the CLI and the window make them: a proposal (the plan and its diffs,
 * secrets shown as ***) that changes nothing, then carrying it out exactly as shown.
 */

/** The folder under AIRLOCK_HOME with the record of client-file changes and their backups. */
export const CLIENT_RECORDS_DIR = 'clients';

export function clientRecordsDir(home: string): string {
  return path.join(home, CLIENT_RECORDS_DIR);
}

export interface InstallProposal {
  plan: InstallPlan;
  namer: ServerImportNamer;
  files: { client: ClientId; clientName: string; path: string; diff: string; routes: { name: string; server: string; secretKeys: string[] }[] }[];
  skipped: { client: ClientId; path: string; name: string; reason: string }[];
  unreadable: { path: string; error: string }[];
}

/**
 * `launcher` says what routed entries run (default: this Node and bin/airlock.js; the desktop
 * app passes appLauncher). It is asked first, so when it refuses (no Node.js) nothing is planned.
 */
export function proposeInstall(
  store: Store,
  home: string,
  dirs: ClientDirs,
  only: readonly ClientId[] | undefined,
  env: NodeJS.ProcessEnv,
  vault?: SecretVault,
  launcher: () => Launcher = () => airlockLauncher(home, env),
): InstallProposal {
  const routeWith = launcher();
  const namer = new ServerImportNamer(store, vault ?? SecretStore.open(home));
  const plan = planInstall(scanClients(dirs, only), routeWith, namer.name);
  return {
    plan,
    namer,
    files: plan.files.map((file) => ({
      client: file.adapter.id,
      clientName: file.adapter.displayName,
      path: file.file.ref.path,
      // Every entry of the file, routed or not: the diff's context lines can show a neighbour's secrets.
      diff: redactedDiff(file.file.ref.path, file.file.text, file.after, file.file.servers.flatMap((server) => sensitiveValues(server.entry))),
      routes: file.routes.map((route) => ({ name: route.entry.name, server: route.server, secretKeys: Object.keys(route.import.secrets).sort() })),
    })),
    skipped: plan.skipped.map((s) => ({ client: s.adapter.id, path: s.file.ref.path, name: s.entry.name, reason: s.reason })),
    unreadable: plan.unreadable.map((u) => ({ path: u.ref.path, error: u.error })),
  };
}

/**
 * Imports the servers and writes the files of a proposal. Every file must still hold the bytes
 * the proposal was made from, checked before anything is written, so a file saved meanwhile
 * stops the whole change rather than half of it. The caller holds the clients lock.
 */
export function carryOutInstall(store: Store, home: string, proposal: InstallProposal, approveCurrent: boolean, vault?: SecretVault): ImportSummary & { files: string[] } {
  const stale = proposal.plan.files.find((file) => !unchangedSince(file.file));
  if (stale !== undefined) {
    throw new ConfigChangedError(`${stale.file.ref.path} changed since the change was shown to you; nothing was written. Look at the new change and apply it again.`);
  }
  const summary = importPlannedServers(store, vault ?? SecretStore.open(home), proposal.plan, proposal.namer, approveCurrent);
  applyInstall(proposal.plan, clientRecordsDir(home));
  for (const file of proposal.plan.files) {
    appendAuditEvent(store, {
      type: 'client.installed',
      detail: { client: file.adapter.id, file: file.file.ref.path, servers: file.routes.map((r) => r.server), secretsMoved: file.routes.reduce((n, r) => n + Object.keys(r.import.secrets).length, 0) },
    });
  }
  return { ...summary, files: proposal.plan.files.map((f) => f.file.ref.path) };
}

export interface RestoreProposal {
  plan: RestorePlan;
  files: { client: ClientId; path: string; exact: boolean; diff: string; entries: { name: string; server: string; outcome: 'reverted' | 'gone' | 'changed-by-user' }[] }[];
  problems: { path: string; problem: string }[];
}

export function proposeRestore(home: string, only: readonly ClientId[] | undefined): RestoreProposal {
  const adapters: readonly ClientAdapter[] = only === undefined || only.length === 0 ? CLIENT_ADAPTERS : only.map(adapterFor);
  const plan = planRestore(clientRecordsDir(home), adapters);
  return {
    plan,
    files: plan.files.map((file) => {
      const restoredText = file.restored.toString('utf8');
      const ref = { client: file.record.client, path: file.record.path, scope: 'user' as const, format: file.record.format };
      const sensitive = file.adapter.readServers(parseOrEmpty(restoredText, ref), ref).flatMap(sensitiveValues);
      return {
        client: file.record.client,
        path: file.record.path,
        exact: file.exact,
        diff: file.restored.equals(file.current) ? '' : redactedDiff(file.record.path, file.current.toString('utf8'), restoredText, sensitive),
        entries: file.entries,
      };
    }),
    problems: plan.problems.map((p) => ({ path: p.path, problem: p.problem })),
  };
}

export function carryOutRestore(store: Store, home: string, proposal: RestoreProposal): { files: string[] } {
  applyRestore(proposal.plan, clientRecordsDir(home));
  for (const file of proposal.plan.files) {
    appendAuditEvent(store, { type: 'client.restored', detail: { client: file.record.client, file: file.record.path, exact: file.exact, entries: file.entries.map((e) => `${e.name}:${e.outcome}`) } });
  }
  return { files: proposal.plan.files.map((f) => f.record.path) };
}

/** Runs `fn` holding the clients lock. */
export function withClientsLock<T>(home: string, fn: () => T): T {
  const lock = acquireClientsLock(clientRecordsDir(home));
  try {
    return fn();
  } finally {
    lock.release();
  }
}

/** The restored text parsed, only to find values to redact from the diff. */
function parseOrEmpty(text: string, ref: { path: string; format: 'jsonc' | 'toml' | 'yaml' }): unknown {
  try {
    return parseConfigText(text, ref.format, ref.path);
  } catch {
    return {};
  }
}
