import fs from 'node:fs';
import { StoreError, errorCode, errorMessage } from './store-error.js';

/**
 * Files under AIRLOCK_HOME are 0600 in 0700 folders (DESIGN.md §6): the database holds surfaces,
 * hashes and decisions, and the folder will hold keys. Windows has no mode bits: skipped there.
 */
const CHECK_MODES = process.platform !== 'win32';
const GROUP_OTHER_BITS = 0o077;

/**
 * Creates `dir` (and missing parents) as 0700, or checks an existing one: refuses a folder that
 * another user owns (they could read or swap our files) and tightens looser permissions to 0700.
 * The checks run on an open descriptor, so the folder checked is the folder changed.
 */
export function ensurePrivateDir(dir: string): void {
  try {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch (error) {
    throw new StoreError(`cannot create the Airlock folder ${dir}: ${errorMessage(error)}. Check the parent folder's permissions, or choose another home with --home.`);
  }
  if (!CHECK_MODES) return;
  const fd = openOrExplain(dir, fs.constants.O_RDONLY | fs.constants.O_DIRECTORY, 'folder');
  try {
    checkOwnedAndTighten(fd, dir, 'folder', 0o700);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Opens (creating if `create`, the default) `file` as 0600 and checks it on the descriptor: a
 * regular file we own, no group/other bits (tightened if there are). O_NOFOLLOW refuses a symlink
 * planted in our folder to point our writes elsewhere. Returns false when the file does not exist
 * and `create` is false.
 *
 * Never call this on a file SQLite already has open in this process: closing any descriptor of
 * a file drops every POSIX lock the process holds on it. Use `tightenPrivateFile` then.
 */
export function ensurePrivateFile(file: string, options: { create?: boolean } = {}): boolean {
  const { O_RDWR, O_CREAT, O_NOFOLLOW } = fs.constants;
  const flags = O_RDWR | (options.create === false ? 0 : O_CREAT) | (CHECK_MODES ? O_NOFOLLOW : 0);
  let fd: number;
  try {
    fd = fs.openSync(file, flags, 0o600);
  } catch (error) {
    if (errorCode(error) === 'ENOENT' && options.create === false) return false;
    throw explainOpenError(error, file, 'file');
  }
  try {
    if (CHECK_MODES) checkOwnedAndTighten(fd, file, 'file', 0o600);
  } finally {
    fs.closeSync(fd);
  }
  return true;
}

/**
 * The same check by path, for files SQLite holds open (db, -wal, -shm), where opening a second
 * descriptor is unsafe (see above). Missing files are fine: SQLite creates them on demand, with
 * the database file's mode.
 */
export function tightenPrivateFile(file: string): void {
  if (!CHECK_MODES) return;
  let stat: fs.Stats;
  try {
    stat = fs.lstatSync(file);
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return;
    throw explainOpenError(error, file, 'file');
  }
  if (stat.isSymbolicLink()) throw symlinkRefused(file);
  if (!stat.isFile()) throw new StoreError(`${file} is not a regular file. Move it aside and start Airlock again.`);
  assertOwner(stat, file, 'file');
  if ((stat.mode & GROUP_OTHER_BITS) !== 0) fs.chmodSync(file, 0o600);
}

function openOrExplain(target: string, flags: number, what: 'file' | 'folder'): number {
  try {
    return fs.openSync(target, flags);
  } catch (error) {
    throw explainOpenError(error, target, what);
  }
}

function checkOwnedAndTighten(fd: number, target: string, what: 'file' | 'folder', mode: number): void {
  const stat = fs.fstatSync(fd);
  if (what === 'file' ? !stat.isFile() : !stat.isDirectory()) {
    throw new StoreError(`${target} is not a ${what === 'file' ? 'regular file' : 'folder'}. Move it aside and start Airlock again.`);
  }
  assertOwner(stat, target, what);
  if ((stat.mode & GROUP_OTHER_BITS) !== 0) fs.fchmodSync(fd, mode);
}

function assertOwner(stat: fs.Stats, target: string, what: 'file' | 'folder'): void {
  const uid = process.getuid?.();
  if (uid !== undefined && stat.uid !== uid) {
    throw new StoreError(
      `the Airlock ${what} ${target} belongs to another user (uid ${stat.uid}, you are uid ${uid}), who could read or replace its contents. ` +
        `Use a home folder that you own (--home or AIRLOCK_HOME), or have its owner remove it.`,
    );
  }
}

function explainOpenError(error: unknown, target: string, what: 'file' | 'folder'): StoreError {
  if (errorCode(error) === 'ELOOP') return symlinkRefused(target);
  return new StoreError(`cannot open the Airlock ${what} ${target}: ${errorMessage(error)}. Check its permissions.`);
}

/** A link in our folder could point our writes at another file: refused rather than followed. */
function symlinkRefused(target: string): StoreError {
  return new StoreError(`${target} is a symbolic link, which Airlock refuses for its own files. Remove the link and start Airlock again.`);
}
