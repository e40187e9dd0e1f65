import type { ItemStatus } from '../../src/engine/gate/gate.js';
import type { JudgedCall } from '../../src/engine/gate/judged-methods.js';
import { TOOLS } from './arbitraries.js';

/**
 * The approved surface the gate and relay properties judge against: a few tools in each
 * status, one prompt, two resources. A Map, so that names like "__proto__" or "toString"
 * are unknown here as they are in the real controller.
 */
const STATUS = new Map<string, ItemStatus>([
  ...TOOLS.approved.map((name) => [`tool:${name}`, 'approved'] as const),
  ...TOOLS.held.map((name) => [`tool:${name}`, 'held'] as const),
  ...TOOLS.quarantined.map((name) => [`tool:${name}`, 'quarantined'] as const),
  ...TOOLS.removed.map((name) => [`tool:${name}`, 'removed'] as const),
  ['prompt:p', 'approved'],
  ['resource:file:///ok.txt', 'approved'],
  ['resource:file:///held.txt', 'held'],
]);

export function itemStatus(kind: JudgedCall['kind'], key: string): ItemStatus {
  return STATUS.get(`${kind}:${key}`) ?? 'unknown';
}

/** The approved surface as the model may read it: the approved tools only, no POISON anywhere. */
export const APPROVED_SURFACE = Object.freeze({
  serverInfo: { name: 'fixture', version: '1.0.0' },
  instructions: 'Use read_file to read files.',
  tools: TOOLS.approved.map((name) => ({ name, description: `The approved ${name}.`, inputSchema: { type: 'object' } })),
  prompts: [{ name: 'p', description: 'The approved prompt.' }],
  resources: [{ uri: 'file:///ok.txt', name: 'ok' }],
  resourceTemplates: [],
});

const JUDGED: Record<string, JudgedCall['kind']> = { 'tools/call': 'tool', 'prompts/get': 'prompt', 'resources/read': 'resource', 'resources/subscribe': 'resource' };
const KEY_FIELD: Record<JudgedCall['kind'], string> = { tool: 'name', prompt: 'name', resource: 'uri' };

/**
 * Whether a parsed message is a call the approved surface does not allow: a judged method
 * whose item is not approved (or whose params are not even an object with its key). Used on
 * every reading of a message, first-wins and last-wins alike.
 */
export function isUnapprovedCall(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const message = value as Record<string, unknown>;
  const method = message.method;
  if (typeof method !== 'string' || !Object.hasOwn(JUDGED, method)) return false;
  const kind = JUDGED[method]!;
  const params = message.params;
  if (typeof params !== 'object' || params === null || Array.isArray(params)) return true;
  const key = (params as Record<string, unknown>)[KEY_FIELD[kind]];
  return typeof key !== 'string' || itemStatus(kind, key) !== 'approved';
}

/** A judged method sent without an id: a notification that no server should act on, and none may forward. */
export function isJudgedNotification(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const message = value as Record<string, unknown>;
  return typeof message.method === 'string' && Object.hasOwn(JUDGED, message.method) && !Object.hasOwn(message, 'id');
}
