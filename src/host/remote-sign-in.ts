import type { ServerConfig } from '../engine/store/server-configs.js';
import { proxyFetch } from '../proxy/http/http-client.js';
import { signIn, signOut, type AuthorizationOpener, type OAuthVault, type SignInResult, type SignOutResult } from './oauth/index.js';
import type { SecretVault } from './secret-vault.js';
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
