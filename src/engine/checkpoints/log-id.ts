import type { Store } from '../store/store.js';

export const LOG_ID_META_KEY = 'log_id';
const LOG_ID_PATTERN = /^[0-9a-f]{32}$/;

/** This log's id: 32 lowercase hex digits, made once by migration 005 and never changed. */
export function getLogId(store: Store): string {
  const id = store.getMeta(LOG_ID_META_KEY);
  if (id === undefined || !LOG_ID_PATTERN.test(id)) {
    throw new Error(
      `the audit log in ${store.path} has ${id === undefined ? 'no' : 'a malformed'} log id (meta "${LOG_ID_META_KEY}"), so its checkpoints cannot be signed or checked. ` +
        'The database was edited by hand: restore it from a backup.',
    );
  }
  return id;
}
