import { assertDecision, type Decision } from '../decision.js';
import { RPC_DENIED_BY_AIRLOCK, type JsonRpcErrorObject } from './jsonrpc.js';

/** The gate's rules, in the order they run (DESIGN.md §3). */
export const RULES = Object.freeze(['R0', 'R1', 'R2', 'R3', 'R4', 'R5', 'R6'] as const);
export type RuleId = (typeof RULES)[number];

export const RULE_NAMES: Readonly<Record<RuleId, string>> = Object.freeze({
  R0: 'structure',
  R1: 'method and shape',
  R2: 'server state',
  R3: 'surface approval',
  R4: 'arguments',
  R5: 'policy',
  R6: 'response scan',
});

export interface Verdict {
  decision: Decision;
  rule: RuleId;
  /** Stable reason code, e.g. "tool.held", "structure.not-json". */
  code: string;
  /** One line a person can act on: what happened, to what, and what to do. */
  reason: string;
  /** The JSON-RPC error a DENY answers with (absent for the other decisions). */
  error?: JsonRpcErrorObject;
  /** In monitor mode: what enforcement would have decided. */
  wouldHave?: Omit<Verdict, 'wouldHave'>;
}

/** Builds a verdict, validating the decision at runtime: an unknown decision throws. */
export function verdict(decision: Decision, rule: RuleId, code: string, reason: string, rpcCode = RPC_DENIED_BY_AIRLOCK): Verdict {
  const checked = assertDecision(decision);
  if (!RULES.includes(rule)) throw new Error(`invalid gate rule ${JSON.stringify(rule)}`);
  const v: Verdict = { decision: checked, rule, code, reason };
  if (checked === 'DENY') v.error = { code: rpcCode, message: reason, data: { airlock: { rule, code } } };
  return v;
}
