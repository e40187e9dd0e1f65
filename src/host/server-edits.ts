import type { ClientDirs } from '../clients/client-adapter.js';
import { scanClients } from '../clients/client-scan.js';
import { displayCommand } from '../clients/command-display.js';
import { parseServerConfig, ServerConfigError, type Store } from '../engine/store/index.js';
import { HostApiError, type AddedServer, type HostApiParams, type RemovedServer, type RoutingEntry } from '../shared/host-api/index.js';
import type { OAuthVault } from './oauth/oauth-vault.js';
import type { SecretVault } from './secret-vault.js';
import { registerServer, ServerExistsError, ServerNotConfiguredError, unregisterServer } from './server-registration.js';

/**
 * The window's add and remove: the same checks and the same store writes as `airlock servers
 * add|remove` (server-registration.ts), with refusals that point at the form rather than at flags.
 */

export function addServerFromWindow(store: Store, openVault: () => SecretVault, params: HostApiParams<'addServer'>): AddedServer {
  if (params.name.trim() === '') throw new HostApiError('the server has no name: give it one (letters, digits, ".", "_" or "-"); nothing was changed');
  if (params.command.trim() === '') throw new HostApiError(`server "${params.name}" has no command: give the program that starts it (for example npx or node); nothing was changed`);
  const secretKeys = Object.keys(params.secrets).sort();
  let config;
  try {
    config = parseServerConfig({
      name: params.name,
      command: params.command,
      args: params.args,
      env: params.env,
      envFrom: {},
      secretKeys,
      approveOnFirstList: params.approveOnFirstList,
      createdAt: new Date().toISOString(),
    });
  } catch (error) {
    // The messages name fields and variable names, never a value.
    if (error instanceof ServerConfigError) throw new HostApiError(`${error.message}; nothing was changed`);
    throw error;
  }
  try {
    registerServer(store, openVault, config, params.secrets, { replace: false });
  } catch (error) {
    if (error instanceof ServerExistsError) {
      throw new HostApiError(`a server named "${config.name}" already exists (${displayCommand(error.existing.command, error.existing.args)}); nothing was changed. Choose another name, or remove "${config.name}" first from its page in Servers`);
    }
    throw error;
  }
  return { name: config.name, secretKeys, approveOnFirstList: config.approveOnFirstList };
}

export function removeServerFromWindow(store: Store, openVault: () => SecretVault, clientDirs: ClientDirs, server: string, openOAuthVault?: () => OAuthVault): RemovedServer {
  try {
    unregisterServer(store, openVault, server, openOAuthVault);
  } catch (error) {
    if (error instanceof ServerNotConfiguredError) throw new HostApiError(`no server named "${server}" is configured, so there is nothing to remove; the list may be out of date: look at Servers again`);
    throw error;
  }
  return { name: server, stillRoutedBy: entriesRoutingTo(clientDirs, server) };
}

/** The client config entries that start `server` through Airlock. */
function entriesRoutingTo(clientDirs: ClientDirs, server: string): RoutingEntry[] {
  return scanClients(clientDirs).flatMap(({ adapter, files }) =>
    files.flatMap((file) => file.servers.filter((s) => s.status === 'routed' && s.airlockServer === server).map((s) => ({ client: adapter.displayName, path: file.ref.path, entry: s.entry.name }))),
  );
}
