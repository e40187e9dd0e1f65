import { isAppUrl } from './app-origin.js';

/** The parts of Electron's webContents, shell and session the guards use. */
export interface WebContentsLike {
  on(event: 'will-navigate', listener: (event: { readonly url: string; preventDefault(): void }) => void): unknown;
  on(event: 'will-attach-webview', listener: (event: { preventDefault(): void }) => void): unknown;
  setWindowOpenHandler(handler: (details: { readonly url: string }) => { action: 'deny' }): void;
}

export interface ShellLike {
  openExternal(url: string): Promise<void>;
}

export interface SessionLike {
  setPermissionRequestHandler(handler: (webContents: unknown, permission: string, callback: (granted: boolean) => void) => void): void;
  setPermissionCheckHandler(handler: (webContents: unknown, permission: string) => boolean): void;
}

/** Pages a link in the window may open in the user's browser. The project's own repository is added when it has one. */
export const EXTERNAL_ALLOW_LIST: readonly string[] = ['https://modelcontextprotocol.io/'];

/**
 * The window shows text from upstream servers, so it must not be steered anywhere: it may only
 * navigate within app://airlock, opens no windows of its own (an allow-listed https link goes to
 * the user's browser instead), attaches no webview, and is granted no permission at all.
 */
export function installWindowGuards(contents: WebContentsLike, shell: ShellLike, session: SessionLike, allowList: readonly string[] = EXTERNAL_ALLOW_LIST): void {
  contents.on('will-navigate', (event) => {
    if (!isAppUrl(event.url)) event.preventDefault();
  });
  contents.setWindowOpenHandler(({ url }) => {
    if (isAllowedExternal(url, allowList)) shell.openExternal(url).catch(() => undefined);
    return { action: 'deny' };
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
}

/**
 * An https URL under one of the allow-listed prefixes, compared after parsing (so
 * "https://modelcontextprotocol.io@evil.example/" is evil.example), with no credentials or port.
 */
export function isAllowedExternal(url: string, allowList: readonly string[]): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.protocol !== 'https:' || parsed.username !== '' || parsed.password !== '' || parsed.port !== '') return false;
  return allowList.some((entry) => {
    const allowed = new URL(entry);
    const prefix = allowed.pathname.endsWith('/') ? allowed.pathname : `${allowed.pathname}/`;
    return parsed.origin === allowed.origin && (parsed.pathname === allowed.pathname || parsed.pathname.startsWith(prefix));
  });
}

/**
 * A sign-in page the Host asks the user's browser to open (an authorization server's consent
 * page): https, or http to this machine, with no credentials in it. Never a file, a custom
 * scheme or anything else `shell.openExternal` would hand to another program.
 */
export function isBrowserUrl(url: URL): boolean {
  if (url.username !== '' || url.password !== '') return false;
  if (url.protocol === 'https:') return true;
  return url.protocol === 'http:' && (url.hostname === '127.0.0.1' || url.hostname === '[::1]' || url.hostname === 'localhost');
}
