import { type OAuthClientProvider, type OAuthDiscoveryState, refreshAuthorization } from '@modelcontextprotocol/sdk/client/auth.js';
import type { OAuthClientInformationMixed, OAuthClientMetadata, OAuthTokens } from '@modelcontextprotocol/sdk/shared/auth.js';
import type { FetchLike } from '@modelcontextprotocol/sdk/shared/transport.js';
import { InvalidGrantError, OAuthError } from '@modelcontextprotocol/sdk/server/auth/errors.js';
import type { OAuthEntryView, OAuthVault } from './oauth-vault.js';
import { scopeCovers, unionScopes } from './scopes.js';

/** Refresh this long before the access token expires, so no request leaves with a dying token. */
export const DEFAULT_REFRESH_MARGIN_MS = 60_000;

/** Named in a background flow's authorization request; a real sign-in replaces it with the listener's address. */
export const PLACEHOLDER_REDIRECT_URL = 'http://127.0.0.1/airlock/oauth/callback';

export interface AirlockOAuthProviderOptions {
  /** The Airlock server name, the vault key. */
  server: string;
  vault: OAuthVault;
  /**
   * Present only during `signIn`: the loopback redirect, the state it checks and the opener.
   * Without it the provider is the Host's background one: it refreshes, and when the server
   * wants a new authorization it records "sign in again" instead of opening a browser.
   */
  interactive?: { redirectUrl: string; state: string; openAuthorization(url: URL): Promise<void> };
  /** An https URL of a client ID metadata document, used where the authorization server supports them. */
  clientMetadataUrl?: string;
  /** The scope asked for when neither the server's challenge nor its metadata names one. */
  scope?: string;
  refreshMarginMs?: number;
  fetchFn?: FetchLike;
  now?: () => number;
}

/**
 * The MCP SDK's OAuthClientProvider for one Airlock server: everything it saves goes to the
 * sealed OAuthVault. The Streamable HTTP transport takes it as `authProvider` and calls the SDK's
 * `auth()` on a 401 or a 403 insufficient_scope; `signIn` drives the same `auth()` with a browser.
 */
export class AirlockOAuthProvider implements OAuthClientProvider {
  readonly clientMetadataUrl?: string;
  private refreshing?: Promise<OAuthTokens | undefined>;

  constructor(private readonly options: AirlockOAuthProviderOptions) {
    this.clientMetadataUrl = options.clientMetadataUrl;
  }

  get redirectUrl(): string {
    return this.options.interactive?.redirectUrl ?? this.entry()?.redirectUrl ?? PLACEHOLDER_REDIRECT_URL;
  }

  get clientMetadata(): OAuthClientMetadata {
    return {
      client_name: 'Airlock',
      redirect_uris: [this.redirectUrl],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
      ...(this.options.scope ? { scope: this.options.scope } : {}),
    };
  }

  state(): string {
    // The background provider never receives a redirect, so its state is never checked.
    return this.options.interactive?.state ?? 'airlock-background';
  }

  clientInformation(): OAuthClientInformationMixed | undefined {
    return this.entry()?.client;
  }

  saveClientInformation(client: OAuthClientInformationMixed): void {
    this.update((e) => ({ ...e, client }));
  }

  /**
   * The saved tokens, refreshed first when they expire within the margin. During an interactive
   * sign-in there are none: `auth()` would otherwise refresh instead of asking for consent.
   */
  async tokens(): Promise<OAuthTokens | undefined> {
    if (this.options.interactive) return undefined;
    const entry = this.entry();
    if (!entry?.tokens) return undefined;
    if (entry.requiredScope !== undefined && !scopeCovers(entry.tokens.scope, entry.requiredScope)) {
      // A larger scope is wanted: a refresh keeps the old scope, so auth() must not get to try
      // one. The access token still serves the calls its scope allows until the user signs in.
      const { refresh_token: _withheld, ...withoutRefresh } = entry.tokens;
      return withoutRefresh;
    }
    const margin = this.options.refreshMarginMs ?? DEFAULT_REFRESH_MARGIN_MS;
    if (entry.expiresAt === undefined || entry.expiresAt - margin > this.now() || !entry.tokens.refresh_token) return entry.tokens;
    this.refreshing ??= this.refreshEarly(entry).finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  saveTokens(tokens: OAuthTokens): void {
    const expiresAt = tokens.expires_in === undefined ? undefined : this.now() + tokens.expires_in * 1000;
    this.update((e) => ({
      ...e,
      needed: true,
      tokens,
      expiresAt,
      codeVerifier: undefined,
      lapsed: undefined,
      requiredScope: e.requiredScope && scopeCovers(tokens.scope, e.requiredScope) ? undefined : e.requiredScope,
    }));
  }

  async redirectToAuthorization(url: URL): Promise<void> {
    if (this.options.interactive) {
      await this.options.interactive.openAuthorization(url);
      return;
    }
    // The Host cannot ask for consent in the background: it records why, and the transport's
    // UnauthorizedError holds the calls with "sign in again" (never a silent failure).
    const scope = url.searchParams.get('scope') ?? undefined;
    this.update((e) => {
      const wanted = e.tokens !== undefined && scope !== undefined && !scopeCovers(e.tokens.scope, scope) ? unionScopes(e.tokens.scope, e.requiredScope, scope) : undefined;
      if (wanted !== undefined) return { ...e, needed: true, requiredScope: wanted, lapsed: `the server asks for a larger scope (${wanted})` };
      return { ...e, needed: true, lapsed: e.lapsed ?? (e.tokens ? 'the server no longer accepts the saved sign-in' : undefined) };
    });
  }

  saveCodeVerifier(codeVerifier: string): void {
    if (this.options.interactive) this.update((e) => ({ ...e, codeVerifier }));
  }

  codeVerifier(): string {
    const verifier = this.entry()?.codeVerifier;
    if (!verifier) throw new Error(`no sign-in to "${this.options.server}" is under way. Start one with: airlock servers login ${this.options.server}`);
    return verifier;
  }

  invalidateCredentials(scope: 'all' | 'client' | 'tokens' | 'verifier' | 'discovery'): void {
    this.update((e) => {
      const next = { ...e };
      const keepClient = e.preRegistered === true;
      if ((scope === 'all' || scope === 'client') && !keepClient) next.client = undefined;
      if (scope === 'all' || scope === 'tokens') {
        if (e.tokens) next.lapsed = 'the authorization server refused the saved sign-in';
        next.tokens = undefined;
        next.expiresAt = undefined;
      }
      if (scope === 'all' || scope === 'verifier') next.codeVerifier = undefined;
      if (scope === 'all' || scope === 'discovery') next.discovery = undefined;
      return next;
    });
  }

  saveDiscoveryState(discovery: OAuthDiscoveryState): void {
    this.update((e) => ({ ...e, needed: true, discovery }));
  }

  discoveryState(): OAuthDiscoveryState | undefined {
    return this.entry()?.discovery;
  }

  /** Refreshes with the SDK's refreshAuthorization before expiry; a refused refresh marks the sign-in lapsed. */
  private async refreshEarly(entry: OAuthEntryView): Promise<OAuthTokens | undefined> {
    const discovery = entry.discovery;
    if (!discovery || !entry.client || !entry.tokens?.refresh_token) return entry.tokens;
    try {
      const tokens = await refreshAuthorization(discovery.authorizationServerUrl, {
        metadata: discovery.authorizationServerMetadata,
        clientInformation: entry.client,
        refreshToken: entry.tokens.refresh_token,
        // Verbatim, as auth() sends it: a URL object would add a "/" that exact-match servers refuse.
        resource: discovery.resourceMetadata?.resource,
        fetchFn: this.options.fetchFn,
      });
      const stamped = { ...tokens, issuer: discovery.authorizationServerUrl };
      this.saveTokens(stamped);
      return stamped;
    } catch (error) {
      if (error instanceof InvalidGrantError || (error instanceof OAuthError && error.errorCode === 'invalid_client')) {
        this.invalidateCredentials('tokens');
        return undefined;
      }
      // Unreachable or a server error: the token still has its margin; the next request tries again.
      return entry.tokens;
    }
  }

  private entry(): OAuthEntryView | undefined {
    return this.options.vault.get(this.options.server);
  }

  private update(change: (entry: OAuthEntryView) => OAuthEntryView): void {
    this.options.vault.update(this.options.server, change);
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }
}
