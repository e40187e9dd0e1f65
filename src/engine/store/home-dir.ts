import os from 'node:os';
import path from 'node:path';

export const APP_NAME = 'Airlock';

/**
 * The data folder: AIRLOCK_HOME if set, else the folder Electron's app.getPath('userData')
 * gives the "Airlock" app, so the tray app and `airlock serve` share one home by default.
 */
export function defaultHome(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  const pathApi = platform === 'win32' ? path.win32 : path.posix;
  const explicit = env.AIRLOCK_HOME;
  if (explicit) return pathApi.resolve(explicit);
  const home = (platform === 'win32' ? env.USERPROFILE : env.HOME) || os.homedir();
  switch (platform) {
    case 'darwin':
      return pathApi.join(home, 'Library', 'Application Support', APP_NAME);
    case 'win32':
      return pathApi.join(env.APPDATA || pathApi.join(home, 'AppData', 'Roaming'), APP_NAME);
    default: {
      // The XDG spec says a relative XDG_CONFIG_HOME is invalid and must be ignored.
      const xdg = env.XDG_CONFIG_HOME;
      const configHome = xdg && pathApi.isAbsolute(xdg) ? xdg : pathApi.join(home, '.config');
      return pathApi.join(configHome, APP_NAME);
    }
  }
}
