import fs from 'node:fs';
import path from 'node:path';
import type { ClientDirs } from './client-adapter.js';

/**
 * The per-user folders clients keep settings in, by platform. Paths are joined with this
 * machine's path module: a fake home for another platform is still a folder here.
 */

/** Windows %APPDATA% (Roaming); honoured from the environment only for the real home. */
export function roamingAppData(dirs: ClientDirs): string {
  return dirs.env.APPDATA ?? path.join(dirs.userHome, 'AppData', 'Roaming');
}

/** Windows %LOCALAPPDATA%. */
export function localAppData(dirs: ClientDirs): string {
  return dirs.env.LOCALAPPDATA ?? path.join(dirs.userHome, 'AppData', 'Local');
}

/** Linux $XDG_CONFIG_HOME, else ~/.config. */
export function xdgConfigHome(dirs: ClientDirs): string {
  const configured = dirs.env.XDG_CONFIG_HOME;
  // The XDG spec says a relative value is invalid and must be ignored.
  return configured !== undefined && path.isAbsolute(configured) ? configured : path.join(dirs.userHome, '.config');
}

/** Where desktop apps keep per-user settings: ~/Library/Application Support, %APPDATA%, or the XDG config folder. */
export function appSettingsDir(dirs: ClientDirs): string {
  switch (dirs.platform) {
    case 'darwin':
      return path.join(dirs.userHome, 'Library', 'Application Support');
    case 'win32':
      return roamingAppData(dirs);
    case 'linux':
      return xdgConfigHome(dirs);
  }
}

/** The entries of a folder whose names match, sorted; none when the folder is missing or unreadable. */
export function listMatching(dir: string, match: (name: string) => boolean): string[] {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  return names.filter(match).sort().map((name) => path.join(dir, name));
}
