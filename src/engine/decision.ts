import { z } from 'zod';

/**
 * The frozen set of decisions the gate may produce (DESIGN.md §3). Anything else is a bug,
 * and a bug in a firewall must stop the message rather than let it through.
 */
export const DECISIONS = Object.freeze(['ALLOW', 'HOLD', 'DENY', 'SILENCE'] as const);
export const DecisionSchema = z.enum(DECISIONS);
export type Decision = z.infer<typeof DecisionSchema>;

export function assertDecision(value: unknown): Decision {
  const parsed = DecisionSchema.safeParse(value);
  if (!parsed.success) {
    throw new Error(`invalid gate decision ${JSON.stringify(value)}: must be one of ${DECISIONS.join(', ')}`);
  }
  return parsed.data;
}

/** Traffic-light state of one server's controller (DESIGN.md §3). */
export const SERVER_STATES = Object.freeze(['GREEN', 'AMBER', 'RED'] as const);
export const ServerStateSchema = z.enum(SERVER_STATES);
export type ServerState = z.infer<typeof ServerStateSchema>;

export function worstState(states: Iterable<ServerState>): ServerState {
  let worst: ServerState = 'GREEN';
  for (const s of states) if (SERVER_STATES.indexOf(s) > SERVER_STATES.indexOf(worst)) worst = s;
  return worst;
}
