import { argumentRule } from '../engine/gate/argument-rule.js';
import type { GateRules } from '../engine/gate/gate.js';
import { DEFAULT_RESPONSE_POLICY, type ResponseCheckPolicy } from '../engine/gate/response-checks.js';
import { responseCheckRule } from '../engine/gate/response-rule.js';

/**
 * The argument (R4) and response (R6) rules the Host runs on every session's calls, in order.
 * The first rule that decides, decides; the audit event names its rule and code.
 */
export function hostGateRules(responsePolicy: ResponseCheckPolicy = DEFAULT_RESPONSE_POLICY): GateRules {
  return Object.freeze({ argumentRules: [argumentRule()], responseRules: [responseCheckRule(responsePolicy)] });
}
