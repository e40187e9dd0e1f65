import type { ClientDirs } from '../clients/client-adapter.js';
import { clientDirs, parsePlatform } from '../clients/client-dirs.js';
import { UsageError } from './exit-codes.js';

/** --user-home, --platform and --project as the adapters' ClientDirs; a bad platform is the user's error. */
export function clientDirsFrom(options: { userHome?: string; platform?: string; project?: string[] }): ClientDirs {
  let platform;
  try {
    platform = options.platform === undefined ? undefined : parsePlatform(options.platform);
  } catch (error) {
    throw new UsageError(`${(error as Error).message}. Nothing was changed.`);
  }
  return clientDirs({ userHome: options.userHome, platform, projects: options.project ?? [] });
}
