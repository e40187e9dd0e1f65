/**
 * The audit log, its Merkle tree or its checkpoints do not hold together (events removed, a
 * root that no longer matches what was signed). Not a bug: evidence of tampering or damage that
 * the user must see, so callers show its message and stop, never sign or export over it.
 */
export class LogIntegrityError extends Error {
  override name = 'LogIntegrityError';
}
