import path from 'node:path';
import type { ClientAdapter, ClientDirs, ClientId, Launcher } from '../clients/client-adapter.js';
import { CLIENT_ADAPTERS, adapterFor } from '../clients/adapters/index.js';
import { scanClients } from '../clients/client-scan.js';
import { redactedDiff } from '../clients/clients-report.js';
import { acquireClientsLock } from '../clients/clients-lock.js';
import { parseConfigText } from '../clients/config-syntax.js';
import { ConfigChangedError } from '../clients/config-writer.js';
import { sensitiveValues } from '../clients/entry-routing.js';
import { endpointBase } from '../clients/http-entry.js';
import { applyInstall, planInstall, TOKEN_PLACEHOLDER, unchangedSince, type InstallPlan } from '../clients/install-plan.js';
import { applyRestore, planRestore, type RestorePlan } from '../clients/restore-plan.js';
import { readInstallRecord } from '../clients/install-record.js';
import { appendAuditEvent } from '../engine/audit/index.js';
import type { Store } from '../engine/store/index.js';
import { listClientTokens } from '../engine/store/client-tokens.js';
import { airlockLauncher } from './airlock-launcher.js';
import { importPlannedServers, ServerImportNamer, type ImportSummary } from './client-import.js';
import { createClientToken, revokeClientToken } from './client-tokens.js';
import { ClientTokenValues } from './client-token-values.js';
import { DEFAULT_MCP_PORT, lastMcpPort } from './mcp-port.js';
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

/** This home's MCP endpoint base: the port the Host last listened on, or the usual one. */
export function mcpEndpointBase(home: string): string {
  return endpointBase(lastMcpPort(home) ?? DEFAULT_MCP_PORT);
}

/** `dirs` with this home's endpoint, so that entries pointing at it count as routed through Airlock. */
export function withAirlockEndpoint(dirs: ClientDirs, home: string): ClientDirs {
  return dirs.airlockEndpoint === undefined ? { ...dirs, airlockEndpoint: () => mcpEndpointBase(home) } : dirs;
}

/** What --over-http will do per client: its variable (or the token as text), and whether its existing token is replaced. */
export interface HttpClientPlan {
  client: ClientId;
  clientName: string;
  /** AIRLOCK_TOKEN_<CLIENT>, when the client reads its token from it. */
  variable?: string;
  /** The token is written into these files as text (--token-in-file). */
  tokenInFile: string[];
  /** The client has a token already; applying replaces it and the old one stops working. */
  replacesToken: boolean;
}

export interface InstallProposal {
  plan: InstallPlan;
  namer: ServerImportNamer;
  files: { client: ClientId; clientName: string; path: string; diff: string; routes: { name: string; server: string; secretKeys: string[] }[] }[];
  skipped: { client: ClientId; path: string; name: string; reason: string }[];
  unreadable: { path: string; error: string }[];
  /** --over-http only. */
  http?: {
    endpoint: string;
    clients: HttpClientPlan[];
    /** Files whose client cannot give an entry a URL and headers: routed over stdio as without --over-http. */
    stdioOnly: { client: ClientId; clientName: string; path: string }[];
  };
}

export interface InstallOptions {
  /** Route entries to the MCP endpoint where the client's file can say so (--over-http). */
  overHttp?: boolean;
  /** With overHttp: write the token as text where the client cannot read a variable (--token-in-file). */
  tokenInFile?: boolean;
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
  options: InstallOptions = {},
): InstallProposal {
  const routeWith = launcher();
  const namer = new ServerImportNamer(store, vault ?? SecretStore.open(home));
  const endpoint = mcpEndpointBase(home);
  const http = options.overHttp === true ? { endpoint, tokenInFile: options.tokenInFile === true } : undefined;
  const plan = planInstall(scanClients(withAirlockEndpoint(dirs, home), only), routeWith, namer.name, http);
  return {
    plan,
    namer,
    files: plan.files.map((file) => ({
      client: file.adapter.id,
      clientName: file.adapter.displayName,
      path: file.file.ref.path,
      // Every entry of the file, routed or not: the diff's context lines can show a neighbour's secrets.
      diff: redactedDiff(file.file.ref.path, file.file.text, file.after, [...file.file.servers.flatMap((server) => sensitiveValues(server.entry)), TOKEN_PLACEHOLDER]),
      routes: file.routes.map((route) => ({ name: route.entry.name, server: route.server, secretKeys: Object.keys(route.import.secrets).sort() })),
    })),
    skipped: plan.skipped.map((s) => ({ client: s.adapter.id, path: s.file.ref.path, name: s.entry.name, reason: s.reason })),
    unreadable: plan.unreadable.map((u) => ({ path: u.ref.path, error: u.error })),
    ...(http === undefined ? {} : { http: { endpoint, clients: httpClients(store, plan), stdioOnly: plan.files.filter((f) => f.bearer === undefined).map((f) => ({ client: f.adapter.id, clientName: f.adapter.displayName, path: f.file.ref.path })) } }),
  };
}

function httpClients(store: Store, plan: InstallPlan): HttpClientPlan[] {
  const existing = new Set(listClientTokens(store).map((t) => t.name));
  const byClient = new Map<ClientId, HttpClientPlan>();
  for (const file of plan.files) {
    if (file.bearer === undefined) continue;
    const id = file.adapter.id;
    const entry = byClient.get(id) ?? { client: id, clientName: file.adapter.displayName, tokenInFile: [], replacesToken: existing.has(id) };
    if ('variable' in file.bearer) entry.variable = file.bearer.variable;
    else entry.tokenInFile.push(file.file.ref.path);
    byClient.set(id, entry);
  }
  return [...byClient.values()];
}

export interface InstallResult extends ImportSummary {
  files: string[];
  /** --over-http: the clients whose token install made (or replaced), never the tokens. */
  tokens: { client: ClientId; variable?: string; replaced: boolean; inFile: boolean }[];
}

/**
 * Imports the servers and writes the files of a proposal. Every file must still hold the bytes
 * the proposal was made from, checked before anything is written, so a file saved meanwhile
 * stops the whole change rather than half of it. The caller holds the clients lock.
 */
export function carryOutInstall(store: Store, home: string, proposal: InstallProposal, approveCurrent: boolean, vault?: SecretVault): InstallResult {
  const stale = proposal.plan.files.find((file) => !unchangedSince(file.file));
  if (stale !== undefined) {
    throw new ConfigChangedError(`${stale.file.ref.path} changed since the change was shown to you; nothing was written. Look at the new change and apply it again.`);
  }
  const summary = importPlannedServers(store, vault ?? SecretStore.open(home), proposal.plan, proposal.namer, approveCurrent);
  const tokens = makeClientTokens(store, home, proposal);
  // The files get the real token where it is written as text; everywhere else they name the variable only.
  const plan: InstallPlan = {
    ...proposal.plan,
    files: proposal.plan.files.map((file) => {
      const token = tokens.values.get(file.adapter.id);
      return file.bearer !== undefined && 'text' in file.bearer && token !== undefined ? { ...file, after: withToken(file.after, file.file.ref, token) } : file;
    }),
  };
  applyInstall(plan, clientRecordsDir(home));
  for (const file of plan.files) {
    appendAuditEvent(store, {
      type: 'client.installed',
      detail: {
        client: file.adapter.id,
        file: file.file.ref.path,
        servers: file.routes.map((r) => r.server),
        secretsMoved: file.routes.reduce((n, r) => n + Object.keys(r.import.secrets).length, 0),
        via: file.bearer === undefined ? 'stdio' : 'http',
        ...(file.bearer !== undefined && 'text' in file.bearer ? { tokenInFile: true } : {}),
      },
    });
  }
  return { ...summary, files: plan.files.map((f) => f.file.ref.path), tokens: tokens.made };
}

/**
 * The planned text with the real token where the placeholder stood. The token has the
 * placeholder's length and characters, so the file's quoting fits it; the parse check makes sure.
 */
function withToken(after: string, ref: { path: string; format: 'jsonc' | 'toml' | 'yaml' }, token: string): string {
  const text = after.split(TOKEN_PLACEHOLDER).join(token);
  const expected = JSON.stringify(parseConfigText(after, ref.format, ref.path)).split(TOKEN_PLACEHOLDER).join(token);
  if (JSON.stringify(parseConfigText(text, ref.format, ref.path)) !== expected) throw new Error(`writing the token into ${ref.path} would not give the intended content; Airlock left it untouched`);
  return text;
}

/**
 * One token per client routed over HTTP, named after the client id: made (or replaced: the old one
 * stops working) now that the change is applied, and kept for `airlock clients token-env`.
 */
function makeClientTokens(store: Store, home: string, proposal: InstallProposal): { values: Map<ClientId, string>; made: InstallResult['tokens'] } {
  const values = new Map<ClientId, string>();
  const made: InstallResult['tokens'] = [];
  const clients = proposal.http?.clients ?? [];
  if (clients.length === 0) return { values, made };
  const kept = new ClientTokenValues(home);
  for (const client of clients) {
    const created = createClientToken(store, client.client, { replace: true });
    kept.set(client.client, created.token);
    values.set(client.client, created.token);
    made.push({ client: client.client, ...(client.variable === undefined ? {} : { variable: client.variable }), replaced: created.replaced, inFile: client.tokenInFile.length > 0 });
  }
  return { values, made };
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

export interface RestoreResult {
  files: string[];
  /** Clients whose endpoint token the restore revoked: no file Airlock routed over HTTP for them is left. */
  revokedTokens: ClientId[];
  /** Clients whose token stays: an HTTP-routed entry the user changed since (left as they made it), or one in a file not restored. */
  keptTokens: ClientId[];
}

export function carryOutRestore(store: Store, home: string, proposal: RestoreProposal): RestoreResult {
  applyRestore(proposal.plan, clientRecordsDir(home));
  for (const file of proposal.plan.files) {
    appendAuditEvent(store, { type: 'client.restored', detail: { client: file.record.client, file: file.record.path, exact: file.exact, entries: file.entries.map((e) => `${e.name}:${e.outcome}`) } });
  }
  return { files: proposal.plan.files.map((f) => f.record.path), ...revokeRestoredTokens(store, home, proposal) };
}

/**
 * Restore undoes install's token too: a client whose HTTP-routed entries are all given back no
 * longer needs its token, and a bearer token nothing uses should not stay valid. It stays while an
 * entry still points at the endpoint: one the user changed (left as they made it), or one in a
 * file this restore does not cover.
 */
function revokeRestoredTokens(store: Store, home: string, proposal: RestoreProposal): Omit<RestoreResult, 'files'> {
  const restoredHttp = new Set<ClientId>();
  const kept = new Set<ClientId>();
  for (const file of proposal.plan.files) {
    const httpEntries = file.record.steps.flatMap((step) => step.entries).filter((entry) => entry.via === 'http');
    if (httpEntries.length === 0) continue;
    restoredHttp.add(file.record.client);
    const outcomes = file.entries.filter((outcome) => httpEntries.some((entry) => entry.name === outcome.name && entry.server === outcome.server));
    if (outcomes.some((outcome) => outcome.outcome === 'changed-by-user')) kept.add(file.record.client);
  }
  // Files of the same client that this restore left (another --client choice, or a problem) still use the token.
  for (const record of readRemainingRecords(home)) if (record.steps.some((step) => step.entries.some((e) => e.via === 'http'))) kept.add(record.client);
  const withToken = new Set(listClientTokens(store).map((t) => t.name));
  const revokedTokens: ClientId[] = [];
  const values = new ClientTokenValues(home);
  for (const client of restoredHttp) {
    if (kept.has(client)) continue;
    if (withToken.has(client)) {
      revokeClientToken(store, client);
      revokedTokens.push(client);
    }
    values.delete(client);
  }
  return { revokedTokens, keptTokens: [...kept].filter((client) => restoredHttp.has(client) && withToken.has(client)) };
}

function readRemainingRecords(home: string) {
  return readInstallRecord(clientRecordsDir(home)).files;
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
