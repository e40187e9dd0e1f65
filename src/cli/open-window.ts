import { spawn } from 'node:child_process';
import path from 'node:path';
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
  const [command, ...args] = opener(env);
  const opened = new Promise<boolean>((resolve) => {
    try {
      const child = spawn(command ?? 'xdg-open', [...args, file], { detached: true, stdio: 'ignore' });
      child.once('error', () => resolve(false));
      child.once('spawn', () => {
        child.unref();
        resolve(true);
      });
    } catch {
      resolve(false);
    }
  });
  return { file, opened };
}

function opener(env: NodeJS.ProcessEnv): string[] {
  if (env.AIRLOCK_BROWSER) return [env.AIRLOCK_BROWSER];
  if (process.platform === 'darwin') return ['open'];
  if (process.platform === 'win32') return ['cmd', '/c', 'start', '""'];
  return ['xdg-open'];
}
