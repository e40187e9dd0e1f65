export { checkpointSignedBytes, type Checkpoint, type CheckpointSigner } from './checkpoint.js';
export {
  CHECKPOINT_EVERY_EVENTS,
  CHECKPOINT_EVERY_MS,
  DEFAULT_CHECKPOINT_POLICY,
  checkpointLag,
  shouldCheckpoint,
  type CheckpointLag,
  type CheckpointPolicy,
} from './checkpoint-policy.js';
export { createCheckpoint } from './create-checkpoint.js';
export { checkpointAtOrAfter, latestCheckpoint, listCheckpoints } from './list-checkpoints.js';
export { getLogId, LOG_ID_META_KEY } from './log-id.js';
export { checkLogCheckpoints, type LogCheckpointInput, type LogCheckpointProblem, type LogCheckpointProblemKind } from './check-log-checkpoints.js';
