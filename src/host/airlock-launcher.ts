import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Launcher } from '../clients/client-adapter.js';
import { defaultHome } from '../engine/store/home-dir.js';

/**
 * What a routed client entry runs: this Node and this Airlock's bin script by absolute path,
 * because GUI clients (Claude Desktop on macOS above all) start servers with a minimal PATH on
 * which neither `airlock` nor `node` may be found. A non-default Airlock home is passed along.
 */
export function airlockLauncher(home: string, env: NodeJS.ProcessEnv): Launcher {
  const script = fs.realpathSync(fileURLToPath(new URL('../../bin/airlock.js', import.meta.url)));
  // One word (--home=DIR), so the server's name stays the first word after "connect" that is not an option.
  const homeArgs = path.resolve(home) === path.resolve(defaultHome({ ...env, AIRLOCK_HOME: undefined })) ? [] : [`--home=${path.resolve(home)}`];
  // "connect" right after the script: bin/airlock.js then takes its fast path.
  return { command: process.execPath, args: [script, 'connect', ...homeArgs] };
}
