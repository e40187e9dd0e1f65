import { describe, expect, it } from 'vitest';
import { installWindowGuards, isAllowedExternal, isBrowserUrl, type SessionLike, type ShellLike, type WebContentsLike } from '../../src/main/window-guards.js';

const GITHUB = 'https://github.com/example/airlock';

/** webContents, shell and session fakes that keep the handlers the guards install. */
function setup() {
  const listeners: Record<string, (event: { url: string; preventDefault(): void }) => void> = {};
  let openHandler: ((details: { url: string }) => { action: 'deny' }) | undefined;
  let requestHandler: Parameters<SessionLike['setPermissionRequestHandler']>[0] | undefined;
  let checkHandler: Parameters<SessionLike['setPermissionCheckHandler']>[0] | undefined;
  const opened: string[] = [];
  const contents: WebContentsLike = {
    on: (event: string, listener: never) => void (listeners[event] = listener),
    setWindowOpenHandler: (handler) => void (openHandler = handler),
  };
  const shell: ShellLike = { openExternal: async (url) => void opened.push(url) };
  const session: SessionLike = {
    setPermissionRequestHandler: (h) => void (requestHandler = h),
    setPermissionCheckHandler: (h) => void (checkHandler = h),
  };
  installWindowGuards(contents, shell, session, ['https://modelcontextprotocol.io/', GITHUB]);
  const fire = (event: string, url = ''): boolean => {
    let prevented = false;
    listeners[event]?.({ url, preventDefault: () => void (prevented = true) });
    return prevented;
  };
  return {
    navigationPrevented: (url: string) => fire('will-navigate', url),
    webviewPrevented: () => fire('will-attach-webview'),
    openWindow: (url: string) => openHandler?.({ url }),
    opened,
    permissionGranted: (permission: string) =>
      new Promise<boolean>((resolve) => {
        if (!requestHandler) throw new Error('no permission request handler installed');
        requestHandler({}, permission, resolve);
      }),
    permissionChecked: (permission: string) => checkHandler?.({}, permission),
  };
}

describe('installWindowGuards', () => {
  it('lets the window navigate within app://airlock only', () => {
    const g = setup();
    expect(g.navigationPrevented('app://airlock/index.html')).toBe(false);
    for (const url of ['https://evil.example/', 'file:///etc/passwd', 'app://other/', 'app://airlock.evil/', 'javascript:alert(1)', 'http://127.0.0.1:1234/']) {
      expect(g.navigationPrevented(url), url).toBe(true);
    }
  });

  it('denies every new window, and sends only allow-listed https links to the browser', async () => {
    const g = setup();
    const urls = ['https://modelcontextprotocol.io/specification', `${GITHUB}/issues/1`, 'https://evil.example/', 'https://github.com/someone-else/repo', 'app://airlock/'];
    expect(urls.map((u) => g.openWindow(u))).toEqual(urls.map(() => ({ action: 'deny' })));
    await Promise.resolve();
    expect(g.opened).toEqual(['https://modelcontextprotocol.io/specification', `${GITHUB}/issues/1`]);
  });

  it('prevents attaching a webview', () => {
    expect(setup().webviewPrevented()).toBe(true);
  });

  it('denies every permission request and check', async () => {
    const g = setup();
    for (const permission of ['media', 'notifications', 'clipboard-read', 'openExternal', 'geolocation']) {
      expect(await g.permissionGranted(permission), permission).toBe(false);
      expect(g.permissionChecked(permission), permission).toBe(false);
    }
  });
});

describe('isAllowedExternal', () => {
  const allow = ['https://modelcontextprotocol.io/', GITHUB];

  it('compares parsed URLs, so look-alikes do not pass', () => {
    expect(isAllowedExternal('https://modelcontextprotocol.io@evil.example/', allow)).toBe(false);
    expect(isAllowedExternal('https://modelcontextprotocol.io.evil.example/', allow)).toBe(false);
    expect(isAllowedExternal(`${GITHUB}-fork/`, allow)).toBe(false);
    expect(isAllowedExternal('http://modelcontextprotocol.io/', allow)).toBe(false);
    expect(isAllowedExternal('https://modelcontextprotocol.io:8443/', allow)).toBe(false);
    expect(isAllowedExternal('not a url', allow)).toBe(false);
  });

  it('accepts the listed page and pages under it', () => {
    expect(isAllowedExternal(GITHUB, allow)).toBe(true);
    expect(isAllowedExternal(`${GITHUB}/blob/main/README.md`, allow)).toBe(true);
    expect(isAllowedExternal('https://modelcontextprotocol.io/', allow)).toBe(true);
  });
});

describe('isBrowserUrl (a sign-in page the Host asks the browser to open)', () => {
  it('opens https, and http only to this machine', () => {
    expect(isBrowserUrl(new URL('https://auth.example.com/authorize?client_id=x&state=y'))).toBe(true);
    expect(isBrowserUrl(new URL('http://127.0.0.1:5555/authorize'))).toBe(true);
    expect(isBrowserUrl(new URL('http://localhost:5555/authorize'))).toBe(true);
    expect(isBrowserUrl(new URL('http://auth.example.com/authorize'))).toBe(false);
  });

  it('never hands a file, a custom scheme or a URL with credentials to another program', () => {
    for (const url of ['file:///etc/passwd', 'javascript:alert(1)', 'smb://host/share', 'ms-msdt:/id', 'https://user:pw@auth.example.com/']) expect(isBrowserUrl(new URL(url)), url).toBe(false);
  });
});
