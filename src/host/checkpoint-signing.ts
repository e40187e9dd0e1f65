import { checkpointLag, createCheckpoint, shouldCheckpoint } from '../engine/checkpoints/index.js';
import type { Store } from '../engine/store/index.js';
import type { SecretCipher } from './secret-vault.js';
import { SigningKey } from './signing-key.js';

/**
 * Signs a checkpoint of the audit log when the policy says so (every 256 events or 60 s), or,
 * at shutdown, whenever events are unsigned. A failure is logged, never thrown: the Host keeps
 * serving, and the next check tries again.
 */
export function signCheckpointIfDue(store: Store, home: string, keyCipher: SecretCipher | undefined, atShutdown: boolean, log: (message: string) => void): void {
  try {
    const lag = checkpointLag(store);
    if (atShutdown ? lag.eventsSinceLast > 0 : shouldCheckpoint(lag)) {
      const made = createCheckpoint(store, SigningKey.loadOrCreate(home, keyCipher));
      if (made) log(`signed checkpoint ${made.tree_size} (root ${made.root_hash})`);
    }
  } catch (error) {
    log(`could not sign a checkpoint: ${(error as Error).message}`);
  }
}
