import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { danglingLinkMessage, danglingLinkTarget, readConfigBytes } from './config-read.js';

/**
 * Writing a client's config file so that no byte of the user's is lost: the bytes are checked
 * to be exactly the ones the change was planned against, a backup is written first, then a
 * temp file beside the target is written, fsynced and renamed over it with the original
 * permissions. A crash leaves either the old file or the new one, never half of one.
 */

/** The file changed between reading and writing (the client or the user saved it): nothing was written. */
export class ConfigChangedError extends Error {
  override name = 'ConfigChangedError';
}

export interface ConfigWrite {
  path: string;
  /** The bytes the change was planned against; the write is refused if the file now differs. */
  expected: Buffer;
  content: string | Buffer;
  /** Where the timestamped copy of `expected` goes (a 0700 folder is created). */
  backupDir: string;
  /** Prefix of the backup's name, e.g. the client id. */
  label: string;
  /** Called with the backup's path once it is durable and before the file is replaced (to record it). */
  beforeRename?: (backupPath: string) => void;
}

/** Test hook: pause between the temp file's fsync and the rename, so a test can kill the process there. */
const PAUSE_BEFORE_RENAME = 'AIRLOCK_TEST_PAUSE_BEFORE_RENAME';

/** A config path that cannot be written through (a dangling symbolic link): nothing was written. */
export class ConfigTargetError extends Error {
  override name = 'ConfigTargetError';
}

/**
 * The file a write to `file` must replace. A symbolic link (dotfile managers link client configs
 * into a repository) is followed to its final target, so the temp file is renamed over the
 * target and the link stays a link pointing where it pointed; renaming over the link itself
 * would replace it with a regular file and cut the user's dotfiles off from the client.
 */
export function writeTarget(file: string): string {
  try {
    return fs.realpathSync(file);
  } catch (error) {
    const target = danglingLinkTarget(file);
    if (target !== undefined) throw new ConfigTargetError(danglingLinkMessage(file, target));
    throw error;
  }
}

/** Writes `content` over `path` (or the file it links to) atomically; returns the backup's path. */
export function writeConfigFile(write: ConfigWrite): string {
  const target = writeTarget(write.path);
  const stat = fs.statSync(target);
  // The same cap as the read the change was planned from: a file swapped for a device or a huge one is not read whole.
  let current: Buffer | undefined;
  try {
    current = readConfigBytes(target, write.expected.length);
  } catch {
    current = undefined;
  }
  if (current === undefined || !current.equals(write.expected)) {
    throw new ConfigChangedError(`${write.path} changed while Airlock was preparing its change (another program saved it); nothing was written. Run the command again.`);
  }
  removeStaleTempFiles(target);
  const backup = writeBackup(write.backupDir, write.label, write.path, current);
  const temp = path.join(path.dirname(target), `.${path.basename(target)}.airlock-${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
  const mode = stat.mode & 0o7777;
  const fd = fs.openSync(temp, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL, mode);
  try {
    fs.writeFileSync(fd, write.content);
    // The umask may have narrowed the mode at creation; the file gets exactly the old one.
    fs.fchmodSync(fd, mode);
    fs.fsyncSync(fd);
  } catch (error) {
    fs.closeSync(fd);
    fs.rmSync(temp, { force: true });
    throw error;
  }
  fs.closeSync(fd);
  try {
    write.beforeRename?.(backup);
  } catch (error) {
    fs.rmSync(temp, { force: true });
    throw error;
  }
  pauseForTest(temp);
  try {
    fs.renameSync(temp, target);
  } catch (error) {
    fs.rmSync(temp, { force: true });
    throw error;
  }
  fsyncDir(path.dirname(target));
  return backup;
}

/** A copy of the file's bytes under the backup folder, 0600, named by time, label and file name. */
export function writeBackup(dir: string, label: string, original: string, bytes: Buffer): string {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const target = path.join(dir, `${stamp}-${label}-${path.basename(original)}-${randomBytes(3).toString('hex')}`);
  writePrivateFile(target, bytes);
  return target;
}

/** A 0600 file written whole (temp + fsync + rename), for Airlock's own records and backups. */
export function writePrivateFile(target: string, content: string | Buffer): void {
  fs.mkdirSync(path.dirname(target), { recursive: true, mode: 0o700 });
  const temp = `${target}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
  const fd = fs.openSync(temp, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL, 0o600);
  try {
    fs.writeFileSync(fd, content);
    fs.fchmodSync(fd, 0o600);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(temp, target);
  fsyncDir(path.dirname(target));
}

/** Temp files a killed Airlock left beside this file (their process is gone). */
function removeStaleTempFiles(target: string): void {
  const prefix = `.${path.basename(target)}.airlock-`;
  for (const name of fs.readdirSync(path.dirname(target))) {
    if (!name.startsWith(prefix) || !name.endsWith('.tmp')) continue;
    const pid = Number(name.slice(prefix.length).split('-')[0]);
    if (Number.isInteger(pid) && pid !== process.pid && !processAlive(pid)) fs.rmSync(path.join(path.dirname(target), name), { force: true });
  }
}

export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function fsyncDir(dir: string): void {
  // Makes the rename durable; Windows cannot open a folder for fsync, and NTFS journals renames.
  if (process.platform === 'win32') return;
  const fd = fs.openSync(dir, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

function pauseForTest(temp: string): void {
  const marker = process.env[PAUSE_BEFORE_RENAME];
  if (marker === undefined || marker === '') return;
  fs.writeFileSync(marker, temp);
  // Block this thread (the test kills the process meanwhile); a minute at most.
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 60_000);
}
