import type { AuditEventInput } from '../engine/audit/index.js';
import { ApprovalRefusedError } from '../engine/controller/server-controller.js';
import { getServerConfig, type Store } from '../engine/store/index.js';
import type { ServerConfig } from '../engine/store/server-configs.js';
import { proxyFetch } from '../proxy/http/http-client.js';
import { OAuthVault, signIn, signOut, systemOpener, type AuthorizationOpener, type SignInResult, type SignInState, type SignOutResult } from './oauth/index.js';
import { SecretStore } from './secret-store.js';
import type { SecretCipher, SecretVault } from './secret-vault.js';
import { SignInWatch } from './sign-in-watch.js';
import { OAUTH_CLIENT_SECRET_KEY } from './server-registration.js';

/** The sign-in of one remote server, as the Host (window, `servers login` with a Host running) and the CLI alone both start it. */
export async function signInToRemote(options: {
  config: ServerConfig;
  oauthVault: OAuthVault;
  secrets: () => SecretVault;
  open: AuthorizationOpener;
  print: (line: string) => void;
  /** Where HTTPS_PROXY, HTTP_PROXY and NO_PROXY are read: the sign-in goes through the same proxy as the server's calls. */
  env: NodeJS.ProcessEnv;
}): Promise<SignInResult> {
  const remote = requireRemote(options.config, 'sign in to');
  const clientId = remote.oauthClientId;
  // A pre-registered client's secret sits in the secret store beside the header values (server-registration.ts).
  const clientSecret = clientId === undefined ? undefined : options.secrets().get(options.config.name)[OAUTH_CLIENT_SECRET_KEY];
  return signIn({
    server: options.config.name,
    serverUrl: remote.url,
    vault: options.oauthVault,
    open: options.open,
    print: options.print,
    fetchFn: proxyFetch(options.env),
    ...(clientId === undefined ? {} : { client: { clientId, ...(clientSecret ? { clientSecret } : {}) } }),
    ...(remote.oauthClientMetadataUrl === undefined ? {} : { clientMetadataUrl: remote.oauthClientMetadataUrl }),
  });
}

export function signOutOfRemote(config: ServerConfig, oauthVault: OAuthVault, env: NodeJS.ProcessEnv): Promise<SignOutResult> {
  requireRemote(config, 'sign out of');
  return signOut({ server: config.name, vault: oauthVault, fetchFn: proxyFetch(env) });
}

/** Refused for a local server: it has no sign-in. */
export class NotRemoteError extends Error {
  override name = 'NotRemoteError';
}

function requireRemote(config: ServerConfig, what: string): NonNullable<ServerConfig['remote']> {
  if (!config.remote) throw new NotRemoteError(`"${config.name}" is a local server (it runs a command), so there is nothing to ${what}. See the servers with: airlock servers list`);
  return config.remote;
}

/** What the Host's remote sign-ins reach: its home and store, where it writes the audit log and its log lines, and the options the app sets. */
export interface RemoteSignInsOptions {
  home: string;
  store: Store;
  /** The app's keychain; headless, the vault's own file key. */
  oauthCipher?: SecretCipher;
  secrets?: SecretVault;
  openBrowser?: AuthorizationOpener;
  env: NodeJS.ProcessEnv;
  audit(event: AuditEventInput): void;
  log(message: string): void;
  /** A lapse begins (its reason) or ends (null). */
  changed(server: string, reason: string | null): void;
}

/**
 * The Host's remote sign-ins: the sealed vault (opened on first use), which servers wait for a
 * person to sign in again, and signing in and out, audited.
 */
export class RemoteSignIns {
  private vault: OAuthVault | null = null;
  readonly watch: SignInWatch;

  constructor(private readonly options: RemoteSignInsOptions) {
    this.watch = new SignInWatch(() => this.oauthVault(), options.changed);
  }

  oauthVault(): OAuthVault {
    this.vault ??= OAuthVault.open(this.options.home, this.options.oauthCipher);
    return this.vault;
  }

  /** 'not-needed' for a server that is not remote. */
  state(server: string): SignInState {
    return getServerConfig(this.options.store, server)?.remote ? this.watch.state(server) : 'not-needed';
  }

  /** The consent page opens in the browser (its address also goes to the log); held calls go on after. */
  async signIn(server: string): Promise<{ outcome: SignInResult['outcome'] }> {
    const { home, env } = this.options;
    const result = await signInToRemote({
      config: this.config(server),
      oauthVault: this.oauthVault(),
      secrets: () => this.options.secrets ?? SecretStore.open(home),
      open: this.options.openBrowser ?? systemOpener(env),
      print: (line) => this.options.log(line),
      env,
    });
    this.options.audit({ type: 'server.signed-in', server, detail: { outcome: result.outcome } });
    this.watch.recheck(server);
    return { outcome: result.outcome };
  }

  /** Forgets the server's tokens (and asks the server to revoke them where it can). */
  async signOut(server: string): Promise<SignOutResult> {
    const result = await signOutOfRemote(this.config(server), this.oauthVault(), this.options.env);
    this.options.audit({ type: 'server.signed-out', server, detail: { forgotten: result.forgotten, revocation: result.revocation } });
    return result;
  }

  private config(server: string): ServerConfig {
    const config = getServerConfig(this.options.store, server);
    if (!config) throw new ApprovalRefusedError(`there is no server named "${server}". See them with: airlock servers list`);
    if (!config.remote) throw new ApprovalRefusedError(`"${server}" is a local server (it runs a command), so it has no sign-in. See the servers with: airlock servers list`);
    return config;
  }
}
