import type { OAuthVault } from './oauth-vault.js';

/**
 * For `servers list` and the window: 'not-needed' (the server never asked for a sign-in),
 * 'signed-out', 'signed-in', or 'expired' (the refresh was refused, the access token ran out with
 * no refresh token, or the server asks for a larger scope): the user must sign in again.
 */
export type SignInState = 'signed-in' | 'expired' | 'signed-out' | 'not-needed';

export function signInState(vault: OAuthVault, server: string, now: number = Date.now()): SignInState {
  const entry = vault.get(server);
  if (!entry?.needed) return 'not-needed';
  if (entry.lapsed !== undefined || entry.requiredScope !== undefined) return 'expired';
  if (!entry.tokens) return 'signed-out';
  if (entry.expiresAt !== undefined && entry.expiresAt <= now && !entry.tokens.refresh_token) return 'expired';
  return 'signed-in';
}

/** Why the state is 'expired', for the "sign in again" Review item; undefined otherwise. */
export function lapseReason(vault: OAuthVault, server: string, now: number = Date.now()): string | undefined {
  const entry = vault.get(server);
  if (entry?.lapsed) return entry.lapsed;
  if (entry?.requiredScope) return `the server asks for a larger scope (${entry.requiredScope})`;
  if (signInState(vault, server, now) === 'expired') return 'the access token expired and the server gave no refresh token';
  return undefined;
}
