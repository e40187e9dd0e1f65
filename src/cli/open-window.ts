import path from 'node:path';
import { openInBrowser } from '../host/browser-opener.js';
import { writeFileAtomically } from '../host/private-file.js';

export const OPEN_WINDOW_FILE = 'open-window.html';

/** The window's address with the control token in the fragment (never sent to a server, never logged). */
export function windowUrl(baseUrl: string, token: string): string {
  return `${baseUrl}/#token=${encodeURIComponent(token)}`;
}

/**
 * Opens the window in the user's browser without putting the token on a command line (which
 * other users can read in the process list): the browser is handed a 0600 page in the Airlock
 * home that forwards to the address, as Jupyter does. AIRLOCK_BROWSER names another opener.
 */
export function openWindowInBrowser(home: string, url: string, env: NodeJS.ProcessEnv): { file: string; opened: Promise<boolean> } {
  const file = path.join(home, OPEN_WINDOW_FILE);
  const escaped = url.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
  writeFileAtomically(
    file,
    `<!doctype html>\n<html><head><meta charset="utf-8"><meta name="referrer" content="no-referrer"><meta http-equiv="refresh" content="0;url=${escaped}"><title>Opening Airlock…</title></head><body>Opening Airlock…</body></html>\n`,
    'window launcher page',
  );
  const opened = openInBrowser(file, env);
  return { file, opened };
}
