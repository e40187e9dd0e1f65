import { auth, extractWWWAuthenticateParams, type OAuthClientProvider } from '@modelcontextprotocol/sdk/client/auth.js';
import type { FetchLike } from '@modelcontextprotocol/sdk/shared/transport.js';
import { fetch, type Dispatcher, type Response } from 'undici';
import { platformResponse } from './http-client.js';

/**
 * Sign-in for one remote upstream, through the MCP SDK's own OAuth helpers (discovery from the
 * 401's WWW-Authenticate, refresh, registration, PKCE): the provider keeps the tokens, the SDK
 * runs the flow, this class only asks for them and says when a person must sign in again.
 */
export class UpstreamAuth {
  /** Every token value seen, so that no message ever shows one. */
  readonly secrets = new Set<string>();
  private readonly fetchFn: FetchLike;

  constructor(
    private readonly url: URL,
    private readonly provider: OAuthClientProvider | undefined,
    dispatcher: Dispatcher,
    private readonly onAuthRequired: ((reason: string) => void) | undefined,
    private readonly onScopeChallenge: ((scope: string) => void) | undefined = undefined,
  ) {
    // Inside the OAuth flow redirects are part of the protocol (metadata, token endpoints), so
    // this fetch follows them; the MCP endpoint's own fetch never does. The SDK checks
    // `instanceof Response`, so it gets the platform's Response, not undici's.
    this.fetchFn = (async (input: string | URL, init?: RequestInit) => platformResponse(await fetch(input, { ...(init as object), dispatcher }))) as unknown as FetchLike;
  }

  async headers(): Promise<Record<string, string>> {
    const tokens = await this.provider?.tokens();
    if (!tokens?.access_token) return {};
    this.secrets.add(tokens.access_token);
    if (tokens.refresh_token) this.secrets.add(tokens.refresh_token);
    return { authorization: `Bearer ${tokens.access_token}` };
  }

  /**
   * After a 401, or a 403 with insufficient_scope: asks the provider (refresh, or a new sign-in
   * with the wider scope). True when the request may be tried again; otherwise the Host was told
   * that a person must sign in, with `reason`.
   */
  async recover(response: Response, redact: (text: string) => string): Promise<{ retry: true } | { retry: false; reason: string }> {
    const host = this.url.host;
    const { resourceMetadataUrl, scope, error } = extractWWWAuthenticateParams(response as unknown as globalThis.Response);
    if (response.status === 403 && error !== 'insufficient_scope') return { retry: false, reason: '' };
    if (response.status === 403 && scope !== undefined) this.onScopeChallenge?.(scope);
    if (!this.provider) {
      return this.required(response.status === 401 ? `${host} asks for sign-in (401) and Airlock holds no sign-in for it` : `${host} asks for a wider sign-in (403 insufficient_scope)`);
    }
    try {
      const result = await auth(this.provider, { serverUrl: this.url, resourceMetadataUrl, scope, fetchFn: this.fetchFn });
      if (result === 'AUTHORIZED') return { retry: true };
      return this.required(`${host} asks for a new sign-in in a browser`);
    } catch (failure) {
      return this.required(`signing in to ${host} failed: ${redact((failure as Error)?.message ?? String(failure)).slice(0, 300)}`);
    }
  }

  /** The named failure the Host holds calls on ("sign in again"). */
  required(reason: string): { retry: false; reason: string } {
    this.onAuthRequired?.(reason);
    return { retry: false, reason };
  }
}
