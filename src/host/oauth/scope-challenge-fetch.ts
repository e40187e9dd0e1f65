import { extractWWWAuthenticateParams } from '@modelcontextprotocol/sdk/client/auth.js';
import type { FetchLike } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { OAuthVault } from './oauth-vault.js';
import { scopeCovers, unionScopes } from './scopes.js';

/**
 * A fetch for the Streamable HTTP transport (its `fetch` option) that notes a 403
 * insufficient_scope in the vault before the SDK sees it. The SDK answers that 403 with `auth()`,
 * which would only refresh the token at the same scope; with the larger scope noted, the provider
 * withholds the refresh token, so `auth()` asks for a new authorization instead (recorded as
 * "sign in again" in the background) and `signIn` asks for the union of old and new scopes.
 */
export function scopeChallengeFetch(options: { server: string; vault: OAuthVault }, base: FetchLike = fetch): FetchLike {
  return async (url, init) => {
    const response = await base(url, init);
    if (response.status === 403) {
      const { error, scope } = extractWWWAuthenticateParams(response);
      if (error === 'insufficient_scope' && scope) recordScopeChallenge(options.vault, options.server, scope);
    }
    return response;
  };
}

/** Notes that the server asked for `scope`; nothing changes when the current tokens already cover it. */
export function recordScopeChallenge(vault: OAuthVault, server: string, scope: string): void {
  const entry = vault.get(server);
  if (entry?.tokens && scopeCovers(entry.tokens.scope, scope)) return;
  const wanted = unionScopes(entry?.tokens?.scope, entry?.requiredScope, scope);
  vault.update(server, (e) => ({ ...e, needed: true, requiredScope: wanted, lapsed: `the server asks for a larger scope (${wanted})` }));
}
