import type { JsonObject, SurfaceInput } from '../engine/surface.js';

/** The list methods whose results make up a surface, and the result field each one fills. */
export const LIST_METHODS = Object.freeze({
  'tools/list': { field: 'tools', capability: 'tools' },
  'prompts/list': { field: 'prompts', capability: 'prompts' },
  'resources/list': { field: 'resources', capability: 'resources' },
  'resources/templates/list': { field: 'resourceTemplates', capability: 'resources' },
} as const);
export type ListMethod = keyof typeof LIST_METHODS;

export function isListMethod(method: string): method is ListMethod {
  return Object.hasOwn(LIST_METHODS, method);
}

/** The list_changed notifications a server sends, and the list each one invalidates. */
export const LIST_CHANGED = Object.freeze({
  'notifications/tools/list_changed': 'tools',
  'notifications/prompts/list_changed': 'prompts',
  'notifications/resources/list_changed': 'resources',
} as const);

/** Enough pages for any honest server; a server that pages forever is cut off, not followed. */
const MAX_PAGES = 100;

export type OwnRequest = (method: string, params: Record<string, unknown>) => Promise<Record<string, unknown>>;

/** What the server said about itself at initialize or server/discover. */
export interface ServerSelf {
  capabilities: JsonObject;
  instructions?: string;
  serverInfo?: JsonObject;
}

/**
 * Lists a server's whole surface with Airlock's own requests (every page of every list the
 * server declares), so drift is judged on everything the model could read, not on whatever
 * page a client happened to ask for.
 */
export async function listSurface(self: ServerSelf, request: OwnRequest): Promise<SurfaceInput> {
  const surface: SurfaceInput = {};
  if (self.serverInfo !== undefined) surface.serverInfo = self.serverInfo;
  if (self.instructions !== undefined) surface.instructions = self.instructions;
  for (const [method, { field, capability }] of Object.entries(LIST_METHODS)) {
    if (self.capabilities[capability] === undefined) continue;
    (surface as Record<string, unknown>)[field] = await listAllPages(method, field, request);
  }
  return surface;
}

async function listAllPages(method: string, field: string, request: OwnRequest): Promise<unknown[]> {
  const items: unknown[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < MAX_PAGES; page += 1) {
    const result = await request(method, cursor === undefined ? {} : { cursor });
    const list = result[field];
    if (!Array.isArray(list)) throw new Error(`${method} answered without a "${field}" list`);
    items.push(...list);
    const next = result.nextCursor;
    if (typeof next !== 'string' || next === '') return items;
    cursor = next;
  }
  throw new Error(`${method} kept returning more pages after ${MAX_PAGES}; Airlock stopped listing and will not pin a partial surface`);
}

/** Reads capabilities, instructions and serverInfo from an initialize or server/discover result. */
export function serverSelfFrom(result: Record<string, unknown>): ServerSelf {
  const capabilities = isObject(result.capabilities) ? result.capabilities : {};
  const meta = isObject(result._meta) ? result._meta : {};
  const info = isObject(result.serverInfo) ? result.serverInfo : isObject(meta['io.modelcontextprotocol/serverInfo']) ? meta['io.modelcontextprotocol/serverInfo'] : undefined;
  const self: ServerSelf = { capabilities };
  if (typeof result.instructions === 'string') self.instructions = result.instructions;
  if (info) self.serverInfo = info;
  return self;
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
