import { openStore, StoreError, type Store } from '../engine/store/index.js';
import { EXIT, UsageError } from './exit-codes.js';

/** How a command words the refusals of the store it works on. */
export interface StoreRefusals {
  /** Errors that refuse the request itself (an unknown token, nothing to pin…), besides Airlock's own files. */
  refusals?: ReadonlyArray<abstract new (...args: never[]) => Error>;
  /** Added to each refusal's message, e.g. ". Nothing was changed." */
  suffix?: string;
  exitCode?: number;
}

/**
 * Opens the home's store for one CLI command, runs `fn` and closes it. A refusal, or a problem
 * with Airlock's files (StoreError), becomes a one-line UsageError instead of a stack trace.
 */
export function withStore<T>(home: string, fn: (store: Store) => T, options: StoreRefusals = {}): T {
  let store: Store | undefined;
  try {
    store = openStore(home);
    return fn(store);
  } catch (error) {
    if (error instanceof StoreError || (options.refusals ?? []).some((kind) => error instanceof kind)) {
      throw new UsageError(`${(error as Error).message}${options.suffix ?? ''}`, options.exitCode ?? EXIT.BAD_INPUT);
    }
    throw error;
  } finally {
    store?.close();
  }
}
