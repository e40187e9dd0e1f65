import { randomBytes } from 'node:crypto';
import { auth, extractWWWAuthenticateParams } from '@modelcontextprotocol/sdk/client/auth.js';
import type { OAuthClientInformationMixed } from '@modelcontextprotocol/sdk/shared/auth.js';
import type { FetchLike } from '@modelcontextprotocol/sdk/shared/transport.js';
import { LATEST_PROTOCOL_VERSION } from '@modelcontextprotocol/sdk/types.js';
import type { Secret } from '../secret.js';
import type { AuthorizationOpener } from '../browser-opener.js';
import { listenForRedirect } from './loopback-redirect.js';
import { AirlockOAuthProvider } from './oauth-provider.js';
import type { OAuthVault } from './oauth-vault.js';
import { unionScopes } from './scopes.js';

/** A client the user registered with the authorization server themselves. */
export interface PreRegisteredClient {
  clientId: string;
  clientSecret?: Secret;
}

export interface SignInOptions {
  server: string;
  /** The MCP endpoint of the remote server. */
  serverUrl: string;
  vault: OAuthVault;
  /** Shows the consent page: Electron's shell.openExternal in the app, systemOpener() headless. */
  open: AuthorizationOpener;
  /** Where the authorization URL is always printed too, for a browser on another screen. */
  print(line: string): void;
  /** Scope to ask for beyond what the server's challenge and metadata name. */
  scope?: string;
  /** Use this client instead of registering one; kept (sealed) for later sign-ins. */
  client?: PreRegisteredClient;
  /** An https URL of Airlock's client ID metadata document, used where the server supports them. */
  clientMetadataUrl?: string;
  timeoutMs?: number;
  fetchFn?: FetchLike;
}

export type SignInResult = { outcome: 'signed-in'; scope?: string; expiresAt?: number } | { outcome: 'not-needed' };

/**
 * Signs Airlock in to one remote server with the SDK's `auth()`: discovery from the 401's
 * WWW-Authenticate (protected resource metadata, then authorization server metadata, RFC 8414
 * with the OIDC fallbacks), registration or the given client, PKCE S256, the resource indicator
 * (RFC 8707) and the scope. The browser comes back to a one-use loopback listener. A 403
 * insufficient_scope (or a scope the Host recorded from one) asks for the larger scope.
 */
export async function signIn(options: SignInOptions): Promise<SignInResult> {
  const fetchFn = options.fetchFn ?? fetch;
  const existing = options.vault.get(options.server);
  const challenge = await probe(options.serverUrl, existing?.tokens?.access_token, fetchFn);
  if (challenge.status === 'open' && !existing?.needed) return { outcome: 'not-needed' };
  if (options.client) savePreRegistered(options.vault, options.server, options.client);

  const scope = unionScopes(options.scope, challenge.scope, existing?.requiredScope, existing?.tokens?.scope);
  const state = randomBytes(32).toString('base64url');
  const redirect = await listenForRedirect({ server: options.server, state, timeoutMs: options.timeoutMs });
  options.vault.update(options.server, (e) => ({ ...e, needed: true, redirectUrl: redirect.redirectUrl }));
  const provider = new AirlockOAuthProvider({
    server: options.server,
    vault: options.vault,
    clientMetadataUrl: options.clientMetadataUrl,
    scope,
    fetchFn,
    interactive: {
      redirectUrl: redirect.redirectUrl,
      state,
      async openAuthorization(url) {
        options.print(`To sign in to "${options.server}", open this address in a browser (Airlock tried to open it for you):\n${url.href}`);
        await options.open(url);
      },
    },
  });
  const authOptions = { serverUrl: options.serverUrl, scope, resourceMetadataUrl: challenge.resourceMetadataUrl, fetchFn };
  try {
    if ((await auth(provider, authOptions)) === 'REDIRECT') {
      const authorizationCode = await redirect.code;
      await auth(provider, { ...authOptions, authorizationCode });
    }
  } finally {
    await redirect.close();
  }
  const saved = options.vault.get(options.server);
  if (!saved?.tokens) throw new Error(`the sign-in to "${options.server}" ended without tokens. Try again with: airlock servers login ${options.server}`);
  return { outcome: 'signed-in', scope: saved.tokens.scope, expiresAt: saved.expiresAt };
}

type Challenge = { status: 'open' | 'challenged'; resourceMetadataUrl?: URL; scope?: string };

/**
 * One MCP initialize request, to read the server's WWW-Authenticate: with the current token, so a
 * 403 insufficient_scope names the larger scope. Redirects are not followed (the MCP endpoint's
 * never are), and the body is discarded unread.
 */
async function probe(serverUrl: string, accessToken: string | undefined, fetchFn: FetchLike): Promise<Challenge> {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    accept: 'application/json, text/event-stream',
    'mcp-protocol-version': LATEST_PROTOCOL_VERSION,
  };
  if (accessToken) headers.authorization = `Bearer ${accessToken}`;
  const body = JSON.stringify({
    jsonrpc: '2.0',
    id: 0,
    method: 'initialize',
    params: { protocolVersion: LATEST_PROTOCOL_VERSION, capabilities: {}, clientInfo: { name: 'airlock-sign-in', version: '1' } },
  });
  const response = await fetchFn(serverUrl, { method: 'POST', headers, body, redirect: 'manual' });
  await response.body?.cancel();
  if (response.ok) return { status: 'open' };
  if (response.status !== 401 && response.status !== 403) throw new Error(`the server at ${serverUrl} answered HTTP ${response.status} to Airlock's sign-in request. Check its address with: airlock servers list`);
  const { resourceMetadataUrl, scope } = extractWWWAuthenticateParams(response);
  return { status: 'challenged', resourceMetadataUrl, scope };
}

function savePreRegistered(vault: OAuthVault, server: string, client: PreRegisteredClient): void {
  const information: OAuthClientInformationMixed = { client_id: client.clientId, ...(client.clientSecret ? { client_secret: client.clientSecret.reveal() } : {}) };
  vault.update(server, (e) => ({ ...e, needed: true, client: information, preRegistered: true }));
}
