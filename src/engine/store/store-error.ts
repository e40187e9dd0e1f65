/**
 * An error about Airlock's own files (home folder, database, lock) whose message is meant for
 * the person at the keyboard: what happened, to which file, and what to do next.
 */
export class StoreError extends Error {
  override name = 'StoreError';
}

/** The message of an unknown thrown value, for wrapping library errors into ones a user can act on. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The errno code of a Node system error ("ENOENT", "EEXIST"…), or undefined. */
export function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}
