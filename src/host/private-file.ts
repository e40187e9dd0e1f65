import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { StoreError } from '../engine/store/index.js';

const POSIX = process.platform !== 'win32';
const GROUP_OTHER_BITS = 0o077;

/**
 * Reads a secret-bearing file, or undefined if there is none. O_NOFOLLOW refuses a planted
 * symlink, and the checks run with fstat on the descriptor that is read, so the file checked is
 * the file read. A file others could read is refused, not tightened: its secrets may be exposed.
 */
export function readPrivateFile(file: string, what: string, remedy: string): string | undefined {
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | (POSIX ? fs.constants.O_NOFOLLOW : 0));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    if (code === 'ELOOP') throw new StoreError(`the Airlock ${what} ${file} is a symbolic link, which Airlock refuses. Remove the link and ${remedy}.`);
    throw new StoreError(`cannot open the Airlock ${what} ${file}: ${(error as Error).message}. Check its permissions.`);
  }
  try {
    if (POSIX) checkPrivate(fs.fstatSync(fd), file, what, remedy);
    return fs.readFileSync(fd, 'utf8');
  } finally {
    fs.closeSync(fd);
  }
}

function checkPrivate(stat: fs.Stats, file: string, what: string, remedy: string): void {
  if (!stat.isFile()) throw new StoreError(`the Airlock ${what} ${file} is not a regular file. Move it aside and ${remedy}.`);
  const uid = process.getuid?.();
  if (uid !== undefined && stat.uid !== uid) {
    throw new StoreError(
      `the Airlock ${what} ${file} belongs to another user (uid ${stat.uid}, you are uid ${uid}), who could have read or replaced it. ` +
        `Have its owner remove it, or use a home folder you own (--home or AIRLOCK_HOME).`,
    );
  }
  if ((stat.mode & GROUP_OTHER_BITS) !== 0) {
    const mode = (stat.mode & 0o777).toString(8).padStart(4, '0');
    throw new StoreError(
      `the Airlock ${what} ${file} has mode ${mode}, so other users could read it. Run: chmod 600 '${file}' ` +
        `and consider its contents exposed (rotate them).`,
    );
  }
}

/**
 * Writes a 0600 temp file beside the target, fsyncs it and renames it over the target, so a
 * reader sees the old file or the new one, never half of one, and a crash loses no secret.
 */
export function writeFileAtomically(file: string, contents: string, what: string): void {
  const dir = path.dirname(file);
  const temp = path.join(dir, `.${path.basename(file)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  const { O_WRONLY, O_CREAT, O_EXCL, O_NOFOLLOW } = fs.constants;
  let fd: number | undefined;
  try {
    fd = fs.openSync(temp, O_WRONLY | O_CREAT | O_EXCL | (POSIX ? O_NOFOLLOW : 0), 0o600);
    if (POSIX) fs.fchmodSync(fd, 0o600); // the umask may have taken bits off, never adds any
    fs.writeFileSync(fd, contents);
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fd = undefined;
    fs.renameSync(temp, file);
  } catch (error) {
    if (fd !== undefined) fs.closeSync(fd);
    fs.rmSync(temp, { force: true });
    throw new StoreError(`cannot write the Airlock ${what} ${file}: ${(error as Error).message}. Nothing was changed; check the folder's permissions and free space.`);
  }
  if (POSIX) syncDir(dir);
}

/** Makes the rename durable; best effort, as some file systems refuse fsync on a folder. */
function syncDir(dir: string): void {
  try {
    const fd = fs.openSync(dir, fs.constants.O_RDONLY | fs.constants.O_DIRECTORY);
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    // the data itself is fsynced; only the rename's durability is at stake
  }
}
