import type { ServerState } from '../decision.js';
import { classifyJsonRpc, RPC_INVALID_PARAMS, RPC_INVALID_REQUEST, RPC_PARSE_ERROR, type JsonRpcMessage } from './jsonrpc.js';
import { judgedCall, type JudgedCall } from './judged-methods.js';
import { verdict, type Verdict } from './verdict.js';

export type ItemStatus = 'approved' | 'held' | 'quarantined' | 'removed' | 'unknown';
export type PolicyMode = 'enforce' | 'monitor';

/** What the gate needs to know about the server a message is for; the controller provides it. */
export interface GateContext {
  server: string;
  state: ServerState;
  /** Status of a tool, prompt or resource against the approved baseline. */
  itemStatus(kind: JudgedCall['kind'], key: string): ItemStatus;
  policy: PolicyMode;
  maxMessageBytes: number;
  /** Set when Airlock cannot stand behind a decision (its audit log cannot be written…): every call is denied with it. */
  unavailable?: string;
}

/**
 * A rule of the argument (R4) or response (R6) stage: returns a verdict to decide, or
 * undefined to pass. Their content comes in a later issue; the slots exist and pass today.
 */
export type ArgumentRule = (call: JudgedCall, ctx: GateContext) => Verdict | undefined;
export type ResponseRule = (response: JsonRpcMessage, request: JudgedCall | null, ctx: GateContext) => Verdict | undefined;

export interface GateRules {
  argumentRules: readonly ArgumentRule[];
  responseRules: readonly ResponseRule[];
}

export const DEFAULT_MAX_MESSAGE_BYTES = 8 * 1024 * 1024;
const NO_RULES: GateRules = Object.freeze({ argumentRules: [], responseRules: [] });

export interface RequestJudgement {
  verdict: Verdict;
  /** The message as parsed, when R0 could parse it. */
  message: JsonRpcMessage | null;
  /** The call the gate judged (tool, prompt or resource), when the method is one it judges. */
  call: JudgedCall | null;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Judges one message from a client towards a server: R0 structure → R1 method and shape →
 * R2 server state → R3 surface approval → R4 arguments → R5 policy. The first rule that
 * decides, decides; anything the gate does not judge is allowed by R5 and forwarded untouched.
 */
export function judgeClientMessage(raw: string | Uint8Array, ctx: GateContext, rules: GateRules = NO_RULES): RequestJudgement {
  const size = typeof raw === 'string' ? Buffer.byteLength(raw, 'utf8') : raw.byteLength;
  if (size > ctx.maxMessageBytes) {
    return fail(verdict('DENY', 'R0', 'structure.too-large', `message to "${ctx.server}" is ${size} bytes, over the ${ctx.maxMessageBytes}-byte limit; it was not forwarded`, RPC_INVALID_REQUEST));
  }
  let text: string;
  try {
    text = typeof raw === 'string' ? raw : utf8.decode(raw);
  } catch {
    return fail(verdict('DENY', 'R0', 'structure.not-utf8', `message to "${ctx.server}" is not valid UTF-8; it was not forwarded`, RPC_PARSE_ERROR));
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return fail(verdict('DENY', 'R0', 'structure.not-json', `message to "${ctx.server}" is not valid JSON; it was not forwarded`, RPC_PARSE_ERROR));
  }
  const message = classifyJsonRpc(value);
  if (message.kind === 'invalid') {
    // A notification has nobody to answer: drop it on purpose rather than reply to no one.
    const isNotification = typeof value === 'object' && value !== null && 'method' in value && !('id' in value);
    const decision = isNotification ? 'SILENCE' : 'DENY';
    return fail(verdict(decision, 'R0', 'structure.not-jsonrpc', `message to "${ctx.server}" is not valid JSON-RPC 2.0 (${message.reason}); it was not forwarded`, RPC_INVALID_REQUEST));
  }
  const judged = judgeParsed(message, ctx, rules);
  return { ...judged, message };
}

function fail(v: Verdict): RequestJudgement {
  return { verdict: v, message: null, call: null };
}

function judgeParsed(message: JsonRpcMessage, ctx: GateContext, rules: GateRules): Omit<RequestJudgement, 'message'> {
  // R1: the methods the gate judges must have the shape it reads; others pass untouched.
  const call = message.kind === 'request' ? judgedCall(message.message) : null;
  if (call && !call.ok) {
    return { verdict: verdict('DENY', 'R1', 'shape.invalid-params', `${call.method} to "${ctx.server}" has invalid params (${call.problem}); it was not forwarded`, RPC_INVALID_PARAMS), call: null };
  }
  const judgedOne = call?.ok ? call.call : null;
  const candidate = judgedOne ? (judgeCall(judgedOne, ctx) ?? firstDecided(rules.argumentRules, (r) => r(judgedOne, ctx))) : undefined;
  return { verdict: applyPolicy(candidate, ctx), call: judgedOne };
}

/** R2 and R3: a quarantined server answers nothing; an item must be in the approved surface. */
function judgeCall(call: JudgedCall, ctx: GateContext): Verdict | undefined {
  const what = `${call.kind} "${call.key}" on "${ctx.server}"`;
  if (ctx.unavailable !== undefined) {
    // Fail closed: a call Airlock cannot judge and record is never forwarded.
    return verdict('DENY', 'R2', 'engine.unavailable', `${what} was denied: ${ctx.unavailable}`);
  }
  if (ctx.state === 'RED') {
    return verdict('DENY', 'R2', 'server.quarantined', `${what} was denied: the server is quarantined. Review it with: airlock review ${ctx.server}`);
  }
  const status = ctx.itemStatus(call.kind, call.key);
  switch (status) {
    case 'approved':
      return undefined;
    case 'held':
      return verdict('HOLD', 'R3', `${call.kind}.held`, `${what} is held: it changed or is new since you approved this server. Review it with: airlock review ${ctx.server}`);
    case 'quarantined':
      return verdict('DENY', 'R3', `${call.kind}.quarantined`, `${what} was denied: it is quarantined. Review it with: airlock review ${ctx.server}`);
    case 'removed':
      return verdict('DENY', 'R3', `${call.kind}.removed`, `${what} was denied: the server no longer offers it`);
    case 'unknown':
      return verdict('DENY', 'R3', `${call.kind}.unknown`, `${what} was denied: it is not part of the surface you approved`);
  }
}

/** R5: in enforce mode the earlier verdict stands; in monitor mode it is recorded and the call goes on. */
function applyPolicy(candidate: Verdict | undefined, ctx: GateContext): Verdict {
  if (!candidate) return verdict('ALLOW', 'R5', 'policy.allow', `forwarded to "${ctx.server}"`);
  if (ctx.policy === 'enforce' || candidate.decision === 'ALLOW') return candidate;
  const { wouldHave: _ignored, ...recorded } = candidate;
  return { ...verdict('ALLOW', 'R5', 'policy.monitor', `monitor mode: forwarded to "${ctx.server}"; enforcement would have answered ${candidate.decision} (${candidate.reason})`), wouldHave: recorded };
}

/** R6: scans a response from the server before it reaches the client. */
export function judgeServerResponse(response: JsonRpcMessage, request: JudgedCall | null, ctx: GateContext, rules: GateRules = NO_RULES): Verdict {
  const decided = firstDecided(rules.responseRules, (r) => r(response, request, ctx));
  if (!decided) return verdict('ALLOW', 'R6', 'response.allow', `response from "${ctx.server}" forwarded`);
  if (decided.rule !== 'R6') throw new Error(`a response rule must decide as R6, not ${decided.rule}`);
  return decided;
}

function firstDecided<R>(rules: readonly R[], run: (rule: R) => Verdict | undefined): Verdict | undefined {
  for (const rule of rules) {
    const v = run(rule);
    if (v !== undefined) return verdict(v.decision, v.rule, v.code, v.reason, v.error?.code);
  }
  return undefined;
}
