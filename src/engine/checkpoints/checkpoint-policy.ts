import type { Store } from '../store/store.js';
import { latestCheckpoint } from './list-checkpoints.js';

/** Sign a checkpoint once this many events are unsigned… */
export const CHECKPOINT_EVERY_EVENTS = 256;
/** …or once the oldest unsigned event is this old (and at clean shutdown, whatever the count). */
export const CHECKPOINT_EVERY_MS = 60_000;

export interface CheckpointPolicy {
  everyEvents: number;
  everyMs: number;
}

export const DEFAULT_CHECKPOINT_POLICY: CheckpointPolicy = Object.freeze({ everyEvents: CHECKPOINT_EVERY_EVENTS, everyMs: CHECKPOINT_EVERY_MS });

export interface CheckpointLag {
  /** Events appended since the latest checkpoint (all of them before the first). */
  eventsSinceLast: number;
  /** Time since the latest checkpoint was signed; Infinity before the first. */
  msSinceLast: number;
}

/** True when there are unsigned events and either limit is reached. */
export function shouldCheckpoint(lag: CheckpointLag, policy: CheckpointPolicy = DEFAULT_CHECKPOINT_POLICY): boolean {
  if (lag.eventsSinceLast <= 0) return false;
  return lag.eventsSinceLast >= policy.everyEvents || lag.msSinceLast >= policy.everyMs;
}

/** How far the log has run past its latest checkpoint: two indexed reads. */
export function checkpointLag(store: Store, now: Date = new Date()): CheckpointLag {
  const head = store.db.prepare<[], number | null>('SELECT MAX(seq) FROM audit_events').pluck().get() ?? 0;
  const latest = latestCheckpoint(store);
  if (latest === undefined) return { eventsSinceLast: head, msSinceLast: Number.POSITIVE_INFINITY };
  return { eventsSinceLast: head - latest.tree_size, msSinceLast: now.getTime() - Date.parse(latest.timestamp) };
}
