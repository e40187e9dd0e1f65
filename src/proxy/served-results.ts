import type { JsonObject, Surface } from '../engine/surface.js';

/**
 * The results Airlock answers in the server's place: initialize, server/discover and the four
 * lists. Each is built field by field from the approved surface; a field of the server's live
 * result passes only when it is protocol plumbing with a checked type (a version, a cache hint),
 * never text the model could read. Unknown fields and `_meta` are dropped: nothing new reaches
 * the client unapproved.
 */

const SERVER_INFO_META_KEY = 'io.modelcontextprotocol/serverInfo';
/** Short protocol tokens (versions, result types, cache scopes); longer text is not plumbing. */
const MAX_TOKEN_LENGTH = 64;

export function servedSelfResult(method: string, live: Record<string, unknown>, served: Surface, serverName: string): JsonObject {
  const result: JsonObject = {};
  if (method === 'initialize') {
    if (isToken(live.protocolVersion)) result.protocolVersion = live.protocolVersion;
  } else {
    const versions = Array.isArray(live.supportedVersions) ? live.supportedVersions.filter(isToken) : [];
    result.supportedVersions = versions;
  }
  result.capabilities = servedCapabilities(live.capabilities);
  // A server not approved yet (or quarantined) is named by the name the user gave it, nothing more.
  const info: JsonObject = served.serverInfo ?? { name: serverName, version: 'unapproved' };
  if (method === 'initialize') result.serverInfo = info;
  else result._meta = { [SERVER_INFO_META_KEY]: info };
  if (served.instructions !== undefined) result.instructions = served.instructions;
  copyModernHints(live, result);
  return result;
}

export function servedListResult(field: string, served: unknown, live: Record<string, unknown>): JsonObject {
  // Everything approved is served in one page; the server's cursors are its own.
  const result: JsonObject = { [field]: served as JsonObject[] };
  copyModernHints(live, result);
  return result;
}

/** 2026-07-28 results carry resultType and cache hints; kept when they have their protocol types. */
function copyModernHints(live: Record<string, unknown>, result: JsonObject): void {
  if (isToken(live.resultType)) result.resultType = live.resultType;
  if (typeof live.ttlMs === 'number' && Number.isFinite(live.ttlMs) && live.ttlMs >= 0) result.ttlMs = live.ttlMs;
  if (isToken(live.cacheScope)) result.cacheScope = live.cacheScope;
}

/**
 * The capabilities a client may rely on, rebuilt from known names and flags only: `experimental`
 * and unknown keys can carry any text, so they are dropped. Airlock tells clients when what they
 * may read changes (after an approval), so it declares listChanged for every list it serves.
 */
function servedCapabilities(live: unknown): JsonObject {
  const caps = isObject(live) ? live : {};
  const out: JsonObject = {};
  for (const name of ['tools', 'prompts']) if (isObject(caps[name])) out[name] = { listChanged: true };
  if (isObject(caps.resources)) out.resources = { listChanged: true, ...(caps.resources.subscribe === true ? { subscribe: true } : {}) };
  for (const name of ['logging', 'completions']) if (isObject(caps[name])) out[name] = {};
  if (isObject(caps.tasks)) out.tasks = shapeOnly(caps.tasks, TASKS_SHAPE);
  return out;
}

/** The 2025-11-25 tasks capability: nested objects whose presence is the information. */
const TASKS_SHAPE: Shape = { list: {}, cancel: {}, requests: { tools: { call: {} }, sampling: { createMessage: {} }, elicitation: { create: {} } } };
interface Shape {
  [key: string]: Shape;
}

function shapeOnly(value: Record<string, unknown>, shape: Shape): JsonObject {
  const out: JsonObject = {};
  for (const [key, inner] of Object.entries(shape)) {
    const present = value[key];
    if (Object.hasOwn(value, key) && isObject(present)) out[key] = shapeOnly(present, inner);
  }
  return out;
}

function isToken(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= MAX_TOKEN_LENGTH && /^[\w.:/-]+$/.test(value);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
