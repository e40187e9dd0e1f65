import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ensurePrivateFile } from '../engine/store/private-fs.js';

export const CONTROL_TOKEN_FILE_NAME = 'control-token';

/**
 * The bearer token of the loopback control API: 32 random bytes, kept in a 0600 file of the
 * home (checked on its descriptor), created on first use. Never printed or logged.
 */
export function controlToken(home: string): string {
  const file = path.join(home, CONTROL_TOKEN_FILE_NAME);
  ensurePrivateFile(file);
  const existing = fs.readFileSync(file, 'utf8').trim();
  if (/^[0-9a-f]{64}$/.test(existing)) return existing;
  const token = randomBytes(32).toString('hex');
  fs.writeFileSync(file, `${token}\n`, { mode: 0o600 });
  return token;
}
