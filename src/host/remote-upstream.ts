import type { ServerConfig } from '../engine/store/server-configs.js';
import { proxyFetch } from '../proxy/http/http-client.js';
import { UpstreamHttp } from '../proxy/upstream-http.js';
import type { Upstream } from '../proxy/upstream.js';
import { AirlockOAuthProvider, recordScopeChallenge, type OAuthVault } from './oauth/index.js';
import { redactSecrets, type Secret } from './secret.js';
import { remoteHeaders } from './server-registration.js';
import { signInAgainText } from './sign-in-watch.js';

export interface RemoteUpstreamOptions {
  oauthVault: OAuthVault;
  /** A 401/403 the sign-in could not fix: the Host holds the server's calls with "sign in again". */
  authRequired(reason: string): void;
  env: NodeJS.ProcessEnv;
  maxFrameBytes?: number;
  log(message: string): void;
}

/**
 * The upstream of a remote server: header values from the secret store, the sign-in from the
 * sealed OAuth vault (refreshed there; a consent the Host cannot ask for in the background
 * becomes "sign in again", never a browser opened unasked). Each named failure is logged.
 */
export function remoteUpstream(config: ServerConfig, secrets: Record<string, Secret>, options: RemoteUpstreamOptions): Upstream {
  const remote = config.remote!;
  const { headers, missing } = remoteHeaders(config, secrets);
  if (missing.length > 0) {
    throw new Error(`the secret store has no value for header ${missing.join(', ')} of "${config.name}". Give it again with: airlock servers add ${config.name} --url ${remote.url} --replace ${remote.secretHeaders.map((h) => `--header ${h}`).join(' ')}`);
  }
  const upstream = new UpstreamHttp({
    url: remote.url,
    headers,
    authProvider: new AirlockOAuthProvider({ server: config.name, vault: options.oauthVault, fetchFn: proxyFetch(options.env), ...(remote.oauthClientMetadataUrl === undefined ? {} : { clientMetadataUrl: remote.oauthClientMetadataUrl }) }),
    transport: remote.transport,
    onAuthRequired: (reason) => options.authRequired(reason),
    // A wider scope needs consent in a browser: noted, so the next sign-in asks for it.
    onScopeChallenge: (scope) => recordScopeChallenge(options.oauthVault, config.name, scope),
    signInHint: signInAgainText(config.name, remote),
    env: options.env,
    ...(options.maxFrameBytes ? { maxFrameBytes: options.maxFrameBytes } : {}),
    redact: (text) => redactSecrets(text, Object.values(secrets)),
  });
  upstream.once('exit', ({ error }) => {
    if (error) options.log(`"${config.name}" (${remote.url}) cannot be used: ${error.message}`);
  });
  // The transport answers a failed exchange with a JSON-RPC error naming it (unreachable, TLS, 401, 403, 404, 5xx): the log says so too.
  upstream.on('line', (line) => {
    const failure = line.includes('"transport":"http"') ? transportFailure(line) : undefined;
    if (failure !== undefined) options.log(`"${config.name}" (${remote.url}): ${failure}`);
  });
  return upstream;
}

/** The failure and message of an error answer the HTTP transport wrote for a failed exchange (redacted there); undefined for the server's own messages. */
function transportFailure(line: Buffer): string | undefined {
  try {
    const { error } = JSON.parse(line.toString('utf8')) as { error?: { message?: unknown; data?: { transport?: unknown; failure?: unknown } } };
    if (error?.data?.transport !== 'http' || typeof error.message !== 'string') return undefined;
    return `${String(error.data.failure)}: ${error.message}`;
  } catch {
    return undefined;
  }
}
