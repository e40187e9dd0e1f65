export { type AuthorizationOpener, openInBrowser, systemOpener } from '../browser-opener.js';
export { OAUTH_KEY_FILE_NAME, fileKeyCipher } from './file-key-cipher.js';
export { DEFAULT_SIGN_IN_TIMEOUT_MS, REDIRECT_PATH, listenForRedirect } from './loopback-redirect.js';
export { AirlockOAuthProvider, type AirlockOAuthProviderOptions, DEFAULT_REFRESH_MARGIN_MS } from './oauth-provider.js';
export { OAUTH_VAULT_FILE_NAME, OAuthVault, type OAuthEntryView } from './oauth-vault.js';
export { type PreRegisteredClient, type SignInOptions, type SignInResult, signIn } from './sign-in.js';
export { type SignInState, lapseReason, signInState } from './sign-in-state.js';
export { type Revocation, type SignOutResult, signOut } from './sign-out.js';
export { recordScopeChallenge, scopeChallengeFetch } from './scope-challenge-fetch.js';
