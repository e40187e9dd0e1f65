import type { Command } from 'commander';
import { defaultHome } from '../engine/store/home-dir.js';
import type { CliIo } from './io.js';

/** The Airlock home a command works on: --home, else AIRLOCK_HOME, else the app-data folder. */
export function homeFrom(command: Command, io: CliIo): string {
  const { home } = command.optsWithGlobals<{ home?: string }>();
  return home ?? defaultHome(io.env);
}
