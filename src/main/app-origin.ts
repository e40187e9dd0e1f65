/**
 * The window's own origin: the renderer build is served on `app://airlock/…` (app-protocol.ts),
 * never from file://, so one exact origin can be checked by the protocol, the navigation guard
 * and the IPC sender check alike.
 */
export const APP_SCHEME = 'app';
export const APP_HOST = 'airlock';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
/** The page the window loads. */
export const APP_INDEX_URL = `${APP_ORIGIN}/`;

/**
 * For `protocol.registerSchemesAsPrivileged` before the app is ready: a standard, secure scheme
 * gets a real origin, so the CSP's 'self' means app://airlock and nothing else.
 */
export const APP_SCHEME_PRIVILEGES = { standard: true, secure: true } as const;

/**
 * True only for app://airlock URLs. Node gives non-special schemes an opaque origin ("null"),
 * so the parts are compared one by one; anything unusual (a port, credentials, another case of
 * the host) is refused rather than normalised.
 */
export function isAppUrl(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  return parsed.protocol === `${APP_SCHEME}:` && parsed.host === APP_HOST && parsed.username === '' && parsed.password === '';
}
