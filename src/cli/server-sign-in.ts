import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { getServerConfig, openStore, type ServerConfig } from '../engine/store/index.js';
import { RemoteHostControl } from '../host/control.js';
import { OAUTH_VAULT_FILE_NAME, OAuthVault, systemOpener, type SignInState } from '../host/oauth/index.js';
import { signInToRemote, signOutOfRemote } from '../host/remote-sign-in.js';
import { SecretStore } from '../host/secret-store.js';
import { SignInWatch } from '../host/sign-in-watch.js';
import { EXIT, UsageError } from './exit-codes.js';
import { homeFrom } from './home-option.js';
import type { CliIo } from './io.js';

/**
 * `airlock servers login|logout NAME`. With a Host running, the Host signs in (it holds the
 * vault's cipher, the app's keychain, and lets the calls it held go on); without one, this
 * process does, with the home's file-sealed vault.
 */
export function registerServerSignIn(servers: Command, io: CliIo, setExit: (code: number) => void): void {
  servers
    .command('login')
    .description('sign in to a remote server: your browser opens its consent page, and comes back to Airlock on 127.0.0.1')
    .argument('<name>', 'the remote server')
    .action(async (name: string, _options: unknown, command: Command) => {
      const home = homeFrom(command, io);
      const config = remoteConfig(home, name, 'sign in to');
      const outcome = await failAsUsage(`the sign-in to "${name}"`, async () => {
        const host = await RemoteHostControl.connect(home);
        if (host) {
          io.err(`the running Airlock host opens your browser to sign in to "${name}" (its log shows the address too)…\n`);
          try {
            return (await host.signIn(name)).outcome;
          } finally {
            host.close();
          }
        }
        const print = (line: string): void => io.err(`${line}\n`);
        return (await signInToRemote({ config, oauthVault: OAuthVault.open(home), secrets: () => SecretStore.open(home), open: systemOpener(), print, env: process.env })).outcome;
      });
      io.out(outcome === 'not-needed' ? `"${name}" (${config.remote?.url}) answers without a sign-in; nothing to do.\n` : `signed in to "${name}" (${config.remote?.url}); its tokens are sealed in the Airlock vault.\n`);
      setExit(EXIT.OK);
    });

  servers
    .command('logout')
    .description("forget a remote server's tokens (revoked at the server where it offers that)")
    .argument('<name>', 'the remote server')
    .action(async (name: string, _options: unknown, command: Command) => {
      const home = homeFrom(command, io);
      const config = remoteConfig(home, name, 'sign out of');
      const result = await failAsUsage(`signing out of "${name}"`, async () => {
        const host = await RemoteHostControl.connect(home);
        if (!host) return signOutOfRemote(config, OAuthVault.open(home), process.env);
        try {
          return await host.signOut(name);
        } finally {
          host.close();
        }
      });
      const revoked = { revoked: 'the server revoked them', 'no-endpoint': 'the server offers no revocation, so they stay valid there until they expire', failed: `revoking them failed (${result.detail ?? 'no detail'}), so they may stay valid there until they expire`, 'nothing-to-revoke': '' }[result.revocation];
      io.out(result.forgotten ? `signed out of "${name}": its tokens are deleted here; ${revoked}.\n` : `"${name}" had no sign-in; nothing to do.\n`);
      setExit(EXIT.OK);
    });
}

/** Each remote server's sign-in state, for `servers list`; none when there is no remote server (the vault is not created). */
export function signInStates(home: string, configs: readonly ServerConfig[]): Map<string, SignInState> {
  const remote = configs.filter((c) => c.remote !== undefined);
  // No sealed file yet: nothing ever asked for a sign-in, and listing must not create the vault's key.
  if (remote.length === 0 || !fs.existsSync(path.join(home, OAUTH_VAULT_FILE_NAME))) return new Map();
  const watch = new SignInWatch(() => OAuthVault.open(home), () => undefined);
  return new Map(remote.map((c) => [c.name, watch.state(c.name)]));
}

function remoteConfig(home: string, name: string, what: string): ServerConfig {
  const store = openStore(home);
  try {
    const config = getServerConfig(store, name);
    if (!config) throw new UsageError(`no server named "${name}" is configured. See the servers with: airlock servers list`);
    if (!config.remote) throw new UsageError(`"${name}" is a local server (it runs a command), so there is nothing to ${what}. Only a server added with --url has a sign-in.`);
    return config;
  } finally {
    store.close();
  }
}

/** A sign-in that failed (timed out, refused, unreachable) is an exit 1 with its reason, not a crash. */
async function failAsUsage<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`${what} failed: ${(error as Error).message}`, EXIT.FAILED);
  }
}
