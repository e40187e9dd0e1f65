import type { Decision } from '../../shared/host-api/index.js';

/** The user's word for each decision: the gate's SILENCE is a message dropped without an answer. */
export function decisionLabel(decision: Decision | string): string {
  return decision === 'SILENCE' ? 'DROPPED' : decision;
}
