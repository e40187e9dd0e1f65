import type { FetchLike } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { OAuthVault } from './oauth-vault.js';

export type Revocation = 'revoked' | 'no-endpoint' | 'failed' | 'nothing-to-revoke';

export interface SignOutResult {
  /** Whether the sealed tokens were deleted (false when there were none). */
  forgotten: boolean;
  /** Best effort: 'failed' means the tokens are gone here but may stay valid at the server until they expire. */
  revocation: Revocation;
  detail?: string;
}

/**
 * Deletes the server's sealed tokens and, when the authorization server has a revocation
 * endpoint (RFC 7009), asks it to revoke them first. The SDK has no client-side revocation
 * helper, so this one request is Airlock's own. The client registration stays: it is no sign-in.
 */
export async function signOut(options: { server: string; vault: OAuthVault; fetchFn?: FetchLike; timeoutMs?: number }): Promise<SignOutResult> {
  const entry = options.vault.get(options.server);
  const tokens = entry?.tokens;
  if (!entry || !tokens) {
    if (entry) options.vault.update(options.server, (e) => ({ ...e, codeVerifier: undefined, lapsed: undefined, requiredScope: undefined }));
    return { forgotten: false, revocation: 'nothing-to-revoke' };
  }
  const endpoint = (entry.discovery?.authorizationServerMetadata as { revocation_endpoint?: string } | undefined)?.revocation_endpoint;
  let revocation: Revocation = 'no-endpoint';
  let detail: string | undefined;
  if (endpoint && entry.client) {
    // The refresh token first: revoking it ends the grant, which most servers extend to its access tokens.
    const attempts = [
      { token: tokens.refresh_token, hint: 'refresh_token' },
      { token: tokens.access_token, hint: 'access_token' },
    ].filter((a): a is { token: string; hint: string } => a.token !== undefined);
    revocation = 'revoked';
    for (const attempt of attempts) {
      const failure = await revoke(endpoint, attempt.token, attempt.hint, entry.client, options.fetchFn ?? fetch, options.timeoutMs ?? 10_000);
      if (failure) {
        revocation = 'failed';
        detail = failure;
      }
    }
  }
  options.vault.update(options.server, (e) => ({ ...e, tokens: undefined, expiresAt: undefined, codeVerifier: undefined, lapsed: undefined, requiredScope: undefined }));
  return { forgotten: true, revocation, detail };
}

async function revoke(endpoint: string, token: string, hint: string, client: { client_id: string; client_secret?: string }, fetchFn: FetchLike, timeoutMs: number): Promise<string | undefined> {
  const body = new URLSearchParams({ token, token_type_hint: hint, client_id: client.client_id });
  if (client.client_secret) body.set('client_secret', client.client_secret);
  try {
    const response = await fetchFn(endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
    await response.body?.cancel();
    // Never the response body: an error page could echo the token back.
    return response.ok ? undefined : `the revocation endpoint answered HTTP ${response.status}`;
  } catch (error) {
    return `the revocation endpoint could not be reached (${(error as Error).name})`;
  }
}
