import path from 'node:path';
import { errorCode } from '../engine/store/store-error.js';
import { readPrivateFile, writeFileAtomically } from './private-file.js';

/**
 * The port the home's Host last served its window on (`<home>/control-port`, 0600). A Host
 * started without --port takes it again when it is free, so a window left open in a browser
 * finds the restarted Host at the same address and reconnects by itself.
 */
export const CONTROL_PORT_FILE = 'control-port';

export function lastControlPort(home: string): number | undefined {
  return rememberedPort(home, CONTROL_PORT_FILE, 'control port file');
}

export function rememberControlPort(home: string, port: number): void {
  rememberPort(home, CONTROL_PORT_FILE, 'control port file', port);
}

/** A port remembered in a 0600 file of the home; a file Airlock will not trust means none (it is only a preference). */
export function rememberedPort(home: string, file: string, what: string): number | undefined {
  let text: string | undefined;
  try {
    text = readPrivateFile(path.join(home, file), what, 'delete it');
  } catch {
    return undefined;
  }
  const port = Number(text?.trim());
  return Number.isInteger(port) && port > 0 && port <= 65535 ? port : undefined;
}

export function rememberPort(home: string, file: string, what: string, port: number): void {
  writeFileAtomically(path.join(home, file), `${port}\n`, what);
}

/** Listens on `preferred` when given and free, else on `port` (0: any free port). */
export async function listenPreferring<T>(preferred: number | undefined, port: number, listen: (port: number) => Promise<T>): Promise<T> {
  if (preferred === undefined || preferred === port) return listen(port);
  try {
    return await listen(preferred);
  } catch (error) {
    // Taken by another program since (or not ours to bind): any free port will do.
    if (errorCode(error) === 'EADDRINUSE' || errorCode(error) === 'EACCES') return listen(port);
    throw error;
  }
}
