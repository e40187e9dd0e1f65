import { PAGE_CSP } from '../host/http-static.js';

/** The window's Content-Security-Policy: the same one the headless Host serves the page with. */
export const WINDOW_CSP: string = PAGE_CSP;

/**
 * The window's BrowserWindow options. The renderer is an untrusted-content boundary (it shows
 * what upstream servers say), so it gets no Node, a sandbox, an isolated preload world, no
 * webviews; webSecurity is left at its default (on) by not mentioning it.
 */
export function windowOptions(preload: string) {
  return {
    width: 1100,
    height: 760,
    minWidth: 900,
    minHeight: 600,
    show: false,
    title: 'Airlock',
    webPreferences: {
      preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webviewTag: false,
      spellcheck: false,
    },
  } as const;
}
