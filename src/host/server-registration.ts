import { appendAuditEvent } from '../engine/audit/index.js';
import { deleteServerConfig, getServerConfig, putServerConfig, type ServerConfig, type Store } from '../engine/store/index.js';
import type { OAuthVault } from './oauth/oauth-vault.js';
import type { Secret } from './secret.js';
import type { SecretVault } from './secret-vault.js';

/**
 * Adding and removing upstream servers, as `airlock servers add|remove` and the window both do
 * it: the config, its secrets and the audit event change in one store transaction. The store's
 * write lock also keeps two writers (a CLI process and the Host) from rewriting the secrets file
 * at once. Each caller words the refusals for its own user (a flag to add, or a button to press).
 */

/** A server of that name is configured already; nothing was changed. */
export class ServerExistsError extends Error {
  override name = 'ServerExistsError';
  constructor(readonly existing: ServerConfig) {
    super(`a server named "${existing.name}" already exists`);
  }
}

/** No server of that name is configured; nothing was changed. */
export class ServerNotConfiguredError extends Error {
  override name = 'ServerNotConfiguredError';
  constructor(readonly server: string) {
    super(`no server named "${server}" is configured`);
  }
}

/**
 * Stores `config` and exactly `secretValues` as its secrets (the vault is opened only when there
 * are secrets to write or old ones to drop). Returns whether a server of that name was replaced.
 */
export function registerServer(store: Store, openVault: () => SecretVault, config: ServerConfig, secretValues: Readonly<Record<string, string>>, options: { replace: boolean; openOAuthVault?: () => OAuthVault }): { replaced: boolean } {
  return store.transaction(() => {
    // Checked under the write lock: another writer may have added the name meanwhile.
    const current = getServerConfig(store, config.name);
    if (current !== undefined && !options.replace) throw new ServerExistsError(current);
    putServerConfig(store, config);
    // Inside the transaction: a failed secrets write rolls the config back.
    const hasSecrets = config.remote === undefined ? config.secretKeys.length > 0 : Object.keys(secretValues).length > 0;
    const vault = hasSecrets || current !== undefined ? openVault() : undefined;
    if (hasSecrets) vault?.replaceServer(config.name, secretValues);
    else vault?.deleteServer(config.name);
    // A sign-in belongs to one endpoint: tokens for the old URL are never sent to a new one.
    if (current?.remote !== undefined && current.remote.url !== config.remote?.url) options.openOAuthVault?.().deleteServer(config.name);
    appendAuditEvent(store, {
      type: 'server.added',
      server: config.name,
      // The command, or the URL and header names: arguments, env and header values can hold tokens.
      detail: {
        command: config.command,
        ...(config.remote ? { url: config.remote.url, transport: config.remote.transport, headers: [...Object.keys(config.remote.headers), ...config.remote.secretHeaders] } : {}),
        approveOnFirstList: config.approveOnFirstList,
        replaced: current !== undefined,
      },
    });
    return { replaced: current !== undefined };
  });
}

/**
 * Forgets the server's config and its secrets. Its state, approved versions and audit events
 * stay: a server added again under the same name is checked against what was approved before,
 * so removing and re-adding cannot launder an unapproved change.
 */
export function unregisterServer(store: Store, openVault: () => SecretVault, name: string, openOAuthVault?: () => OAuthVault): ServerConfig {
  return store.transaction(() => {
    const config = getServerConfig(store, name);
    if (config === undefined) throw new ServerNotConfiguredError(name);
    deleteServerConfig(store, name);
    openVault().deleteServer(name);
    if (config.remote !== undefined) openOAuthVault?.().deleteServer(name);
    appendAuditEvent(store, { type: 'server.removed', server: name, detail: { command: config.command, ...(config.remote ? { url: config.remote.url } : {}) } });
    return config;
  });
}

/**
 * Where a remote server's secret values sit among its entries in the secret vault. A remote
 * server has no environment, so its entry holds only these; the prefix keeps them apart from any
 * env secret all the same, and the hex spelling fits the vault's variable-name keys whatever the
 * header is called. OAuth tokens live elsewhere (the sealed OAuthVault), never here.
 */
export function secretHeaderKey(header: string): string {
  return `AIRLOCK_HEADER_${Buffer.from(header.toLowerCase(), 'utf8').toString('hex')}`;
}

/** The vault key of a pre-registered OAuth client's secret (`--oauth-client-secret`). */
export const OAUTH_CLIENT_SECRET_KEY = 'AIRLOCK_OAUTH_CLIENT_SECRET';

/** The vault entries of a remote server: its secret header values by header name, and the OAuth client secret. */
export function remoteSecretValues(headers: Readonly<Record<string, string>>, clientSecret?: string): Record<string, string> {
  const values: Record<string, string> = Object.fromEntries(Object.entries(headers).map(([name, value]) => [secretHeaderKey(name), value]));
  if (clientSecret !== undefined) values[OAUTH_CLIENT_SECRET_KEY] = clientSecret;
  return values;
}

/** A remote server's request headers: the plain ones and the secret ones from the vault; names of secret headers the vault lacks. */
export function remoteHeaders(config: ServerConfig, secrets: Readonly<Record<string, Secret>>): { headers: Record<string, string>; missing: string[] } {
  const headers: Record<string, string> = { ...(config.remote?.headers ?? {}) };
  const missing: string[] = [];
  for (const name of config.remote?.secretHeaders ?? []) {
    const secret = secrets[secretHeaderKey(name)];
    if (secret === undefined) missing.push(name);
    else headers[name] = secret.reveal();
  }
  return { headers, missing };
}
