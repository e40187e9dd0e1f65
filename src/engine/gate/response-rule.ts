import type { GateContext, ResponseRule, ResponseVerdict } from './gate.js';
import type { JsonRpcMessage } from './jsonrpc.js';
import type { JudgedCall } from './judged-methods.js';
import { checkResponsePayload, DEFAULT_RESPONSE_POLICY, redactResponsePayload, searchableSecrets, type ResponseAction, type ResponseCheckPolicy, type ResponseFinding, type ResponseFindingKind } from './response-checks.js';
import { verdict } from './verdict.js';

/** Which finding names the verdict when a response has several: the one that matters most. */
const WEIGHT: Readonly<Record<ResponseFindingKind, number>> = { secret: 5, credential: 4, instructions: 3, 'invisible-chars': 2, 'too-large': 1 };
const ACTION_WEIGHT: Readonly<Record<ResponseAction, number>> = { deny: 3, redact: 2, record: 1 };

/**
 * Rule R6: reads the answer to a judged call (a tool result, prompt messages, a resource's
 * contents, or the error it answered with) for instructions aimed at the model, invisible
 * characters, the server's own secrets, well-known credentials and size, and applies the
 * policy's action for each finding. The verdict names the weightiest finding and lists all
 * finding codes; it never carries a matched value.
 */
export function responseCheckRule(policy: ResponseCheckPolicy = DEFAULT_RESPONSE_POLICY): ResponseRule {
  return (response: JsonRpcMessage, request: JudgedCall | null, ctx: GateContext): ResponseVerdict | undefined => {
    if (response.kind !== 'result' && response.kind !== 'error') return undefined;
    const payload = response.kind === 'result' ? response.message.result : response.message.error;
    const secrets = searchableSecrets(ctx.secrets);
    const check = checkResponsePayload(payload, secrets, policy);
    const what = request ? `the answer to ${request.method} "${request.key}" on "${ctx.server}"` : `an answer from "${ctx.server}"`;
    if (!check.complete) {
      // Fail closed: what was not read cannot be forwarded as judged.
      return verdict('DENY', 'R6', 'response.unscanned', `${what} has more text than Airlock reads (${check.bytes}+ bytes); it was not forwarded`);
    }
    if (check.findings.length === 0) return undefined;
    // Monitor mode observes: every finding is recorded and the answer goes on untouched.
    const actionOf = (f: ResponseFinding): ResponseAction => (ctx.policy === 'monitor' ? 'record' : policy.actions[f.kind]);
    const findings = [...check.findings].sort((a, b) => ACTION_WEIGHT[actionOf(b)] - ACTION_WEIGHT[actionOf(a)] || WEIGHT[b.kind] - WEIGHT[a.kind]);
    const lead = findings[0]!;
    const action = actionOf(lead);
    const codes = [...new Set(findings.map((f) => `response.${f.kind}`))];
    const found = findings.map((f) => `${f.label}${f.count > 1 ? ` (${f.count})` : ''}`).join(', ');
    const code = `response.${lead.kind}`;
    if (action === 'deny') {
      return { ...verdict('DENY', 'R6', code, `${what} was withheld: it holds ${found}. Review the server with: airlock review ${ctx.server}`), findings: codes };
    }
    if (action === 'redact') {
      const kinds = new Set(findings.filter((f) => actionOf(f) === 'redact').map((f) => f.kind));
      const rewritten = redactResponsePayload(payload, secrets, kinds);
      return { ...verdict('ALLOW', 'R6', code, `${what} holds ${found}; ${[...kinds].join(', ')} redacted before it reached the client`), findings: codes, rewritten };
    }
    const monitor = ctx.policy === 'monitor' ? ' (monitor mode)' : '';
    return { ...verdict('ALLOW', 'R6', code, `${what} holds ${found}; forwarded untouched and recorded${monitor}`), findings: codes };
  };
}
