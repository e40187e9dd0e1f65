import fs from 'node:fs';
import { BoundedReadError, readBoundedFile } from '../input/bounded-file.js';
import type { ConfigFileRef } from './client-adapter.js';

/**
 * Reading a client's config file before anything parses it: with a size cap on the open
 * descriptor (a device such as /dev/zero, a FIFO or a runaway file is refused at once, never
 * read into memory), and through a symbolic link to the file it names (dotfile managers link
 * these files), with a dangling link named as such rather than taken for a missing file.
 */

/**
 * 8 MiB for a file that holds MCP settings: the largest real ones are a few hundred KiB (VS Code
 * or Zed settings with long comments), so this is far above any of them and still small enough
 * to parse every poll of the Host's bypass watch without a pause.
 */
export const MAX_CONFIG_BYTES = 8 * 1024 * 1024;

/**
 * 256 MiB for Claude Code's ~/.claude.json, which holds app state and history beside the
 * servers: users report it at 65 MB and 101 MB (anthropics/claude-code#6394, #2593). Refusing it
 * would hide Claude Code's servers from the bypass watch, which is worse than parsing it.
 */
export const MAX_CLAUDE_STATE_BYTES = 256 * 1024 * 1024;

export function configSizeCap(ref: Pick<ConfigFileRef, 'client' | 'scope'>): number {
  return ref.client === 'claude-code' && ref.scope === 'user' ? MAX_CLAUDE_STATE_BYTES : MAX_CONFIG_BYTES;
}

/** A config file that exists (or is linked to) but cannot be read; `message` names it and says what to do. */
export class ConfigReadError extends Error {
  override name = 'ConfigReadError';
  constructor(
    readonly file: string,
    readonly reason: BoundedReadError['reason'] | 'dangling-link',
    message: string,
  ) {
    super(message);
  }
}

/** The file's bytes; undefined when there is no such file (and no link by that name). */
export function readConfigBytes(file: string, maxBytes: number): Buffer | undefined {
  try {
    return readBoundedFile(file, maxBytes);
  } catch (error) {
    if (!(error instanceof BoundedReadError)) throw error;
    if (error.reason === 'missing' || error.reason === 'unreadable') {
      const target = danglingLinkTarget(file);
      if (target !== undefined) throw new ConfigReadError(file, 'dangling-link', danglingLinkMessage(file, target));
      // ENOTDIR too: a file where a folder of the path should be means there is no config here.
      if (!pathExists(file)) return undefined;
    }
    throw new ConfigReadError(file, error.reason, `${file} cannot be read: ${error.message}; Airlock left it untouched`);
  }
}

/** Where a symbolic link at `file` points when what it points to does not exist; undefined for anything else. */
export function danglingLinkTarget(file: string): string | undefined {
  let target: string;
  try {
    if (!fs.lstatSync(file).isSymbolicLink()) return undefined;
    target = fs.readlinkSync(file);
  } catch {
    return undefined;
  }
  try {
    fs.statSync(file);
    return undefined;
  } catch {
    return target;
  }
}

function pathExists(file: string): boolean {
  try {
    fs.lstatSync(file);
    return true;
  } catch {
    return false;
  }
}

export function danglingLinkMessage(file: string, target: string): string {
  return `${file} is a symbolic link to ${target}, which does not exist; Airlock left it untouched. Point the link at the real file (or remove it) and run the command again.`;
}
