import { JsonRefusal, parseStrictJson } from '../../input/strict-json.js';
import type { ServerState } from '../decision.js';
import { classifyJsonRpc, RPC_INVALID_PARAMS, RPC_INVALID_REQUEST, RPC_PARSE_ERROR, type JsonRpcId, type JsonRpcMessage } from './jsonrpc.js';
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
  /** What the relay session knows about ids; absent when a message is judged on its own. */
  ids?: SessionIds;
  /** The argument (R4) and response (R6) rules in force; none when absent. */
  rules?: GateRules;
  /** The values of this server's secrets, for response checks that keep them from the client (never logged). */
  secrets?: readonly string[];
  /** The approved definition of an item (what the model was shown), for rules that check against it. */
  approvedItem?(kind: ItemKindForGate, key: string): unknown;
  /** R5 client access: why this session's client may not use an item, or undefined when it may; absent, every client may. */
  clientAccess?(kind: JudgedCall['kind'], key: string): ClientRefusal | undefined;
}

/** Why a client may not use an item, in words the Host chose (it knows the caller and the policy). */
export interface ClientRefusal {
  /** Who called: `client "Cursor" (through connect)`. */
  caller: string;
  /** The policy that decided and what it allows: `the client policy of "memory" (allowed: token:ci)`. */
  rule: string;
  /** What to run to change it. */
  change: string;
}

/** Item kinds as the gate names them, templates included (a completion names one). */
export type ItemKindForGate = JudgedCall['kind'] | 'resource-template';

/** The ids a relay session has in play, so that no message can be read as another one. */
export interface SessionIds {
  /** A client request with this id is forwarded and not answered yet (or held). */
  clientRequestInFlight(id: JsonRpcId): boolean;
  /** The id is one of Airlock's own requests to the server (its listings). */
  ownRequest(id: JsonRpcId): boolean;
  /** The server asked the client something under this id, and no answer went back yet. */
  serverAsked(id: JsonRpcId): boolean;
}

/**
 * A rule of the argument (R4) or response (R6) stage: returns a verdict to decide, or
 * undefined to pass. Their content comes in a later issue; the slots exist and pass today.
 */
export type ArgumentRule = (call: JudgedCall, ctx: GateContext) => Verdict | undefined;
export type ResponseRule = (response: JsonRpcMessage, request: JudgedCall | null, ctx: GateContext) => ResponseVerdict | undefined;

/** An R6 verdict: may carry the payload to forward in place of the server's (redacted) and its finding codes. */
export interface ResponseVerdict extends Verdict {
  /** The result (or error object) to forward instead of the server's; only with ALLOW. */
  rewritten?: unknown;
  /** Every finding code the response check made, for the audit event (codes only, never values). */
  findings?: readonly string[];
}

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
export function judgeClientMessage(raw: string | Uint8Array, ctx: GateContext, rules: GateRules = ctx.rules ?? NO_RULES): RequestJudgement {
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
    value = parseStrictJson(text);
  } catch (error) {
    if (!(error instanceof JsonRefusal) || error.reason === 'syntax') {
      return fail(verdict('DENY', 'R0', 'structure.not-json', `message to "${ctx.server}" is not valid JSON; it was not forwarded`, RPC_PARSE_ERROR));
    }
    // Valid JSON that Airlock will not read one way while the server might read it another.
    const decision = answerable(JSON.parse(text)) ? 'DENY' : 'SILENCE';
    return fail(verdict(decision, 'R0', `structure.${error.reason}`, `message to "${ctx.server}" was refused: ${error.message}; it was not forwarded`, RPC_INVALID_REQUEST));
  }
  const message = classifyJsonRpc(value);
  if (message.kind === 'invalid') {
    // A notification has nobody to answer: drop it on purpose rather than reply to no one.
    const decision = answerable(value) ? 'DENY' : 'SILENCE';
    return fail(verdict(decision, 'R0', 'structure.not-jsonrpc', `message to "${ctx.server}" is not valid JSON-RPC 2.0 (${message.reason}); it was not forwarded`, RPC_INVALID_REQUEST));
  }
  const judged = judgeParsed(message, ctx, rules);
  return { ...judged, message };
}

function fail(v: Verdict): RequestJudgement {
  return { verdict: v, message: null, call: null };
}

/**
 * Whether a refused message gets an error back. A notification has nobody to answer, and a
 * response is not answered: its id is the other side's, so an error under it could answer a
 * request of the client's own a second time. Anything else is answered (with id null when the
 * message has none).
 */
function answerable(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return true;
  const hasId = 'id' in value;
  return 'method' in value ? hasId : !hasId;
}

/**
 * Requests a quarantined server still answers: the handshake, liveness and the lists (which
 * Airlock serves from the approved surface, empty for a RED server). Everything else is denied.
 */
const LIFECYCLE_METHODS = new Set(['initialize', 'ping', 'server/discover', 'tools/list', 'prompts/list', 'resources/list', 'resources/templates/list', 'subscriptions/listen']);

function judgeParsed(message: JsonRpcMessage, ctx: GateContext, rules: GateRules): Omit<RequestJudgement, 'message'> {
  const shape = judgeEnvelope(message, ctx);
  if (shape) return { verdict: shape, call: null };
  // R1: the methods the gate judges must have the shape it reads; others pass untouched.
  const call = message.kind === 'request' ? judgedCall(message.message) : null;
  if (call && !call.ok) {
    return { verdict: verdict('DENY', 'R1', 'shape.invalid-params', `${call.method} to "${ctx.server}" has invalid params (${call.problem}); it was not forwarded`, RPC_INVALID_PARAMS), call: null };
  }
  const judgedOne = call?.ok ? call.call : null;
  if (!judgedOne && message.kind === 'request' && ctx.state === 'RED' && !LIFECYCLE_METHODS.has(message.message.method)) {
    const quarantined = verdict('DENY', 'R2', 'server.quarantined', `${message.message.method} to "${ctx.server}" was denied: the server is quarantined. Review it with: airlock review ${ctx.server}`);
    return { verdict: applyPolicy(quarantined, ctx), call: null };
  }
  const candidate = judgedOne ? (judgeCall(judgedOne, ctx) ?? firstDecided(rules.argumentRules, (r) => r(judgedOne, ctx))) : undefined;
  return { verdict: applyPolicy(candidate, ctx), call: judgedOne };
}

/**
 * R1 for the envelope: a request method sent as a notification (no id) would reach the server
 * unjudged and unanswered, so it is dropped; an id already in play, or one of Airlock's own,
 * would let one message be read as another, so it is refused.
 */
function judgeEnvelope(message: JsonRpcMessage, ctx: GateContext): Verdict | undefined {
  if (message.kind === 'notification' && !message.message.method.startsWith('notifications/')) {
    return verdict('SILENCE', 'R1', 'shape.request-as-notification', `${message.message.method} to "${ctx.server}" came without an id, as a notification; only notifications/* may be sent so, and it was not forwarded`);
  }
  if (!ctx.ids) return undefined;
  if (message.kind === 'request') {
    const id = message.message.id;
    if (ctx.ids.ownRequest(id)) {
      return verdict('DENY', 'R1', 'shape.reserved-id', `${message.message.method} to "${ctx.server}" used the id ${JSON.stringify(id)}, which Airlock uses for its own requests; it was not forwarded. Use another id.`, RPC_INVALID_REQUEST);
    }
    if (ctx.ids.clientRequestInFlight(id)) {
      return verdict('DENY', 'R1', 'shape.duplicate-id', `${message.message.method} to "${ctx.server}" reused the id ${JSON.stringify(id)} of a request still in flight; it was not forwarded. Give each request its own id.`, RPC_INVALID_REQUEST);
    }
  }
  if ((message.kind === 'result' || message.kind === 'error') && (message.message.id === null || !ctx.ids.serverAsked(message.message.id))) {
    return verdict('SILENCE', 'R1', 'shape.unasked-response', `a response to "${ctx.server}" answered an id the server did not ask the client (${JSON.stringify(message.message.id)}); it was not forwarded`);
  }
  return undefined;
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
  // R5 client access, judged before the surface: a client that may not use the item is denied
  // whatever its status, so it never opens a hold (a Y could not let it through) and learns
  // nothing of what the server offers.
  const refusal = ctx.clientAccess?.(call.kind, call.key);
  if (refusal !== undefined) {
    return verdict('DENY', 'R5', 'policy.client-not-allowed', `${what} was denied: ${refusal.caller} is not allowed by ${refusal.rule}. ${refusal.change}`);
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
function applyPolicy(candidate: Verdict | undefined, ctx: GateContext, allowed = `forwarded to "${ctx.server}"`): Verdict {
  if (!candidate) return verdict('ALLOW', 'R5', 'policy.allow', allowed);
  if (ctx.policy === 'enforce' || candidate.decision === 'ALLOW') return candidate;
  const { wouldHave: _ignored, ...recorded } = candidate;
  return { ...verdict('ALLOW', 'R5', 'policy.monitor', `monitor mode: forwarded to "${ctx.server}"; enforcement would have answered ${candidate.decision} (${candidate.reason})`), wouldHave: recorded };
}

/** A message from the server towards the client, as the gate read it. */
export interface ServerMessageJudgement {
  verdict: Verdict;
  message: JsonRpcMessage | null;
}

/** What a server may notify a client of, unasked; anything else it notifies is dropped. */
const SERVER_NOTIFICATIONS = new Set([
  'notifications/progress',
  'notifications/message',
  'notifications/cancelled',
  'notifications/resources/updated',
  'notifications/tasks/status',
  'notifications/elicitation/complete',
  'notifications/subscriptions/acknowledged',
]);

/**
 * Judges one message from a server towards its client, before anything else reads it: R0 the
 * same strict structure as a client's message; then what the server starts on its own
 * (sampling, elicitation, roots requests, notifications): a quarantined server reaches the
 * client with nothing (R2), a notification about an item the user has not approved is dropped
 * (R3), and only known notifications pass (R1). Responses are ALLOW here; the relay matches them
 * to their requests and R6 scans them.
 */
export function judgeServerMessage(raw: Uint8Array, ctx: GateContext): ServerMessageJudgement {
  const none = (v: Verdict): ServerMessageJudgement => ({ verdict: v, message: null });
  let text: string;
  try {
    text = utf8.decode(raw);
  } catch {
    return none(verdict('SILENCE', 'R0', 'structure.not-utf8', `"${ctx.server}" wrote a message that is not valid UTF-8; it was dropped`));
  }
  let value: unknown;
  try {
    value = parseStrictJson(text);
  } catch (error) {
    const why = error instanceof JsonRefusal ? error.message : 'not valid JSON';
    return none(verdict('SILENCE', 'R0', `structure.${error instanceof JsonRefusal ? error.reason : 'syntax'}`, `"${ctx.server}" wrote a message Airlock refuses to read (${why}); it was dropped`));
  }
  const message = classifyJsonRpc(value);
  if (message.kind === 'invalid') {
    return none(verdict('SILENCE', 'R0', 'structure.not-jsonrpc', `"${ctx.server}" sent an invalid JSON-RPC message (${message.reason}); it was dropped`));
  }
  if (message.kind === 'result' || message.kind === 'error') return { verdict: verdict('ALLOW', 'R5', 'policy.allow', `response from "${ctx.server}"`), message };
  const method = message.message.method;
  const what = message.kind === 'request' ? `request ${method}` : `notification ${method}`;
  const refuse = message.kind === 'request' ? 'DENY' : 'SILENCE';
  if (message.kind === 'notification' && !SERVER_NOTIFICATIONS.has(method)) {
    return { verdict: verdict('SILENCE', 'R1', 'server-message.unknown-notification', `"${ctx.server}" sent the ${what}, which Airlock does not relay; it was dropped`), message };
  }
  let candidate: Verdict | undefined;
  if (ctx.unavailable !== undefined) {
    candidate = verdict(refuse, 'R2', 'engine.unavailable', `the ${what} from "${ctx.server}" was not relayed: ${ctx.unavailable}`);
  } else if (ctx.state === 'RED') {
    candidate = verdict(refuse, 'R2', 'server.quarantined', `the ${what} from "${ctx.server}" was not relayed: the server is quarantined`);
  } else if (method === 'notifications/resources/updated') {
    const uri = message.message.params?.uri;
    if (typeof uri !== 'string' || ctx.itemStatus('resource', uri) !== 'approved') {
      candidate = verdict('SILENCE', 'R3', 'server-message.unapproved-item', `"${ctx.server}" announced an update to a resource you have not approved; it was dropped`);
    }
  }
  return { verdict: applyPolicy(candidate, ctx, `relayed from "${ctx.server}"`), message };
}

/** R6: scans a response from the server before it reaches the client. */
export function judgeServerResponse(response: JsonRpcMessage, request: JudgedCall | null, ctx: GateContext, rules: GateRules = ctx.rules ?? NO_RULES): ResponseVerdict {
  for (const rule of rules.responseRules) {
    const v = rule(response, request, ctx);
    if (v === undefined) continue;
    const decided: ResponseVerdict = verdict(v.decision, v.rule, v.code, v.reason, v.error?.code);
    if (decided.rule !== 'R6') throw new Error(`a response rule must decide as R6, not ${decided.rule}`);
    // A rewrite is only ever forwarded: with any other decision nothing of the response reaches the client.
    if (v.rewritten !== undefined && decided.decision === 'ALLOW') decided.rewritten = v.rewritten;
    if (v.findings !== undefined) decided.findings = [...v.findings];
    return decided;
  }
  return verdict('ALLOW', 'R6', 'response.allow', `response from "${ctx.server}" forwarded`);
}

function firstDecided<R>(rules: readonly R[], run: (rule: R) => Verdict | undefined): Verdict | undefined {
  for (const rule of rules) {
    const v = run(rule);
    if (v !== undefined) return verdict(v.decision, v.rule, v.code, v.reason, v.error?.code);
  }
  return undefined;
}
