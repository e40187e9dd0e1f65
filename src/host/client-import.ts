import { isDeepStrictEqual } from 'node:util';
import type { ClientAdapter, ClientServerEntry } from '../clients/client-adapter.js';
import type { ServerImport } from '../clients/entry-routing.js';
import type { InstallPlan } from '../clients/install-plan.js';
import { appendAuditEvent } from '../engine/audit/index.js';
import { getServerConfig, parseServerConfig, putServerConfig, SERVER_NAME_PATTERN, type ServerConfig, type Store } from '../engine/store/index.js';
import type { SecretVault } from './secret-vault.js';
import { remoteSecretValues, secretHeaderKey } from './server-registration.js';

/**
 * Bringing servers found in client configs into Airlock's registry. An entry keeps its name
 * where it can; the same server configured in two clients (same command, arguments and
 * variables) becomes one Airlock server, and a different server of the same name gets the
 * client's id appended.
 */
export class ServerImportNamer {
  private readonly pending = new Map<string, ServerImport>();

  constructor(
    private readonly store: Store,
    private readonly secrets: SecretVault,
  ) {}

  /** The Airlock server name for an entry: an existing identical server, or a free name. */
  readonly name = (entry: ClientServerEntry, serverImport: ServerImport, adapter: ClientAdapter): string => {
    const base = serverNameFrom(entry.name);
    for (const candidate of candidates(base, adapter.id)) {
      const planned = this.pending.get(candidate);
      if (planned !== undefined) {
        if (isDeepStrictEqual(planned, serverImport)) return candidate;
        continue;
      }
      const existing = getServerConfig(this.store, candidate);
      if (existing === undefined) {
        this.pending.set(candidate, serverImport);
        return candidate;
      }
      if (this.sameServer(existing, serverImport)) return candidate;
    }
    throw new Error(`no free Airlock server name for "${entry.name}"`);
  };

  private sameServer(config: ServerConfig, serverImport: ServerImport): boolean {
    const stored = this.secrets.get(config.name);
    if (config.remote !== undefined || serverImport.remote !== undefined) {
      const remote = config.remote;
      const wanted = serverImport.remote;
      return (
        remote !== undefined &&
        wanted !== undefined &&
        remote.url === wanted.url &&
        remote.transport === wanted.transport &&
        remote.oauthClientId === undefined &&
        isDeepStrictEqual(remote.headers, wanted.headers) &&
        isDeepStrictEqual([...remote.secretHeaders].sort(), Object.keys(serverImport.secrets).sort()) &&
        Object.entries(serverImport.secrets).every(([header, value]) => stored[secretHeaderKey(header)]?.reveal() === value)
      );
    }
    return (
      config.command === serverImport.command &&
      isDeepStrictEqual(config.args, serverImport.args) &&
      isDeepStrictEqual(config.env, serverImport.env) &&
      isDeepStrictEqual(config.envFrom, serverImport.envFrom) &&
      isDeepStrictEqual([...config.secretKeys].sort(), Object.keys(serverImport.secrets).sort()) &&
      Object.entries(serverImport.secrets).every(([key, value]) => Object.hasOwn(stored, key) && stored[key]?.reveal() === value)
    );
  }

  /** Whether `name` is one this run will create (false: it already exists in the registry). */
  isNew(name: string): boolean {
    return this.pending.has(name);
  }
}

/** A registry name from a client's entry name: letters, digits, ".", "_" and "-", at most 64. */
export function serverNameFrom(entryName: string): string {
  const cleaned = entryName.normalize('NFKC').replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[^A-Za-z0-9]+/, '').slice(0, 48).replace(/-+$/, '');
  return SERVER_NAME_PATTERN.test(cleaned) ? cleaned : 'server';
}

function* candidates(base: string, client: string): Generator<string> {
  yield base;
  yield `${base}-${client}`;
  for (let n = 2; n < 1000; n++) yield `${base}-${client}-${n}`;
}

export interface ImportSummary {
  /** Servers added to the registry by this install. */
  added: string[];
  /** Servers that were already in the registry and are now also used by these entries. */
  reused: string[];
  /** Per server, the names of the variables moved into the secret store. */
  secretsMoved: Record<string, string[]>;
}

/**
 * Adds the plan's new servers to the registry and their secrets to the secret store, in one
 * store transaction (its write lock also serializes writers of secrets.json). With
 * `approveCurrent`, each new server's first listed surface is pinned as approved; otherwise its
 * tools are held until the user reviews them.
 */
export function importPlannedServers(store: Store, secrets: SecretVault, plan: InstallPlan, namer: ServerImportNamer, approveCurrent: boolean): ImportSummary {
  const summary: ImportSummary = { added: [], reused: [], secretsMoved: {} };
  const byServer = new Map<string, { serverImport: ServerImport; client: string }>();
  for (const file of plan.files) for (const route of file.routes) if (!byServer.has(route.server)) byServer.set(route.server, { serverImport: route.import, client: file.adapter.id });
  store.transaction(() => {
    for (const [name, { serverImport, client }] of byServer) {
      const secretKeys = Object.keys(serverImport.secrets).sort();
      if (secretKeys.length > 0) summary.secretsMoved[name] = secretKeys;
      if (!namer.isNew(name) || getServerConfig(store, name) !== undefined) {
        summary.reused.push(name);
        continue;
      }
      const remote = serverImport.remote;
      const config = parseServerConfig({
        name,
        command: serverImport.command,
        args: serverImport.args,
        env: serverImport.env,
        envFrom: serverImport.envFrom,
        // A remote server's secrets are header values, named in remote.secretHeaders instead.
        secretKeys: remote === undefined ? secretKeys : [],
        approveOnFirstList: approveCurrent,
        ...(remote === undefined ? {} : { remote: { url: remote.url, transport: remote.transport, headers: remote.headers, secretHeaders: secretKeys } }),
        createdAt: new Date().toISOString(),
      });
      putServerConfig(store, config);
      if (secretKeys.length > 0) {
        // A remote server's header values sit under the keys the Host reads them back from (server-registration.ts).
        secrets.replaceServer(name, remote === undefined ? serverImport.secrets : remoteSecretValues(serverImport.secrets));
      }
      // The command, or the URL's origin only: arguments, variable values and URL paths can hold tokens.
      const what: Record<string, string> = remote === undefined ? { command: config.command } : { transport: remote.transport, origin: new URL(remote.url).origin };
      appendAuditEvent(store, { type: 'server.added', server: name, detail: { ...what, importedFrom: client, approveOnFirstList: approveCurrent, secrets: secretKeys.length } });
      summary.added.push(name);
    }
  });
  return summary;
}
