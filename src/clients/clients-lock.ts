import fs from 'node:fs';
import path from 'node:path';
import { processAlive } from './config-writer.js';

/** Two Airlock processes changing client files at once is refused; the message says who holds it. */
export class ClientsLockError extends Error {
  override name = 'ClientsLockError';
}

export interface ClientsLock {
  release(): void;
}

/**
 * An exclusive lock on client-file changes, held for a whole install or restore (plan, prompt,
 * write), so two writers cannot interleave. A lock file whose process is gone is taken over.
 */
export function acquireClientsLock(recordDir: string): ClientsLock {
  fs.mkdirSync(recordDir, { recursive: true, mode: 0o700 });
  const file = path.join(recordDir, 'clients.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = fs.openSync(file, 'wx', 0o600);
      fs.writeFileSync(fd, `${process.pid}\n`);
      fs.closeSync(fd);
      let released = false;
      return {
        release() {
          if (released) return;
          released = true;
          fs.rmSync(file, { force: true });
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number.parseInt(readOrEmpty(file), 10);
      if (Number.isInteger(holder) && processAlive(holder)) {
        throw new ClientsLockError(`another Airlock process (pid ${holder}) is changing client configs right now; nothing was changed. Wait for it to finish and run the command again.`);
      }
      // The holder is gone (killed mid-change): its lock is stale.
      fs.rmSync(file, { force: true });
    }
  }
  throw new ClientsLockError(`cannot take the client-config lock ${file}; nothing was changed. Run the command again.`);
}

function readOrEmpty(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}
