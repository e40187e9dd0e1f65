import { spawn } from 'node:child_process';

/** Opens a URL for the user; resolves false when no browser could be started (the URL is printed anyway). */
export type AuthorizationOpener = (url: URL) => Promise<boolean> | boolean;

/**
 * The headless opener: the system's (open, rundll32, xdg-open), or AIRLOCK_BROWSER, as `airlock
 * open` does. The authorization URL may go on the command line: it carries the PKCE challenge
 * and the state, never a secret (the verifier stays in the vault).
 */
export function systemOpener(env: NodeJS.ProcessEnv = process.env): AuthorizationOpener {
  return (url) => openInBrowser(url.href, env);
}

/** Starts the user's browser (or AIRLOCK_BROWSER) on a URL or file; false when it could not be started. */
export function openInBrowser(target: string, env: NodeJS.ProcessEnv): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    const [command = 'xdg-open', ...args] = browserCommand(env);
    try {
      const child = spawn(command, [...args, target], { detached: true, stdio: 'ignore', env });
      child.once('error', () => resolve(false));
      child.once('spawn', () => {
        child.unref();
        resolve(true);
      });
    } catch {
      resolve(false);
    }
  });
}

function browserCommand(env: NodeJS.ProcessEnv): string[] {
  if (env.AIRLOCK_BROWSER) return [env.AIRLOCK_BROWSER];
  if (process.platform === 'darwin') return ['open'];
  // Not `cmd /c start`: cmd would cut a URL at its first &.
  if (process.platform === 'win32') return ['rundll32', 'url.dll,FileProtocolHandler'];
  return ['xdg-open'];
}
