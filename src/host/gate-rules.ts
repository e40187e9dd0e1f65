import type { GateRules } from '../engine/gate/gate.js';

/**
 * The argument (R4) and response (R6) rules the Host runs on every session's calls, in order.
 * The first rule that decides, decides; the audit event names its rule and code.
 */
export function hostGateRules(): GateRules {
  return Object.freeze({ argumentRules: [], responseRules: [] });
}
