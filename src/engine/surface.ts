import { z } from 'zod';
import { canonicalDigest, canonicalJson, type Digest } from './canonical-json.js';

/**
 * A server's surface: everything the model reads from it (DESIGN.md §2). Definitions are kept
 * whole, unknown fields included, because a field Airlock does not know yet can still carry
 * text to the model; hashing a chosen subset would let such a change through unseen.
 */
const JsonObjectSchema = z.record(z.string(), z.unknown());
export type JsonObject = z.infer<typeof JsonObjectSchema>;

export const ToolDefSchema = z.looseObject({
  name: z.string().min(1, 'a tool needs a non-empty "name"'),
  title: z.string().optional(),
  description: z.string().optional(),
  inputSchema: JsonObjectSchema.optional(),
  outputSchema: JsonObjectSchema.optional(),
  annotations: JsonObjectSchema.optional(),
});
export type ToolDef = z.infer<typeof ToolDefSchema>;

export const PromptDefSchema = z.looseObject({
  name: z.string().min(1),
  description: z.string().optional(),
  arguments: z.array(JsonObjectSchema).optional(),
});
export type PromptDef = z.infer<typeof PromptDefSchema>;

export const ResourceDefSchema = z.looseObject({
  uri: z.string().min(1),
  name: z.string().optional(),
  description: z.string().optional(),
  mimeType: z.string().optional(),
});
export type ResourceDef = z.infer<typeof ResourceDefSchema>;

export const ResourceTemplateDefSchema = z.looseObject({
  uriTemplate: z.string().min(1),
  name: z.string().optional(),
  description: z.string().optional(),
  mimeType: z.string().optional(),
});
export type ResourceTemplateDef = z.infer<typeof ResourceTemplateDefSchema>;

/**
 * What program served the surface (issue 17): the npm or Python package and exact version, the
 * SHA-256 of a script or binary, a container image digest, a remote URL. Written by the Host's
 * resolver (src/host/provenance/) from an allow-list of fields, never argument or env values.
 * It is part of what was approved, so it is hashed like any item; it is never served to a client.
 */
export const ProvenanceSchema = z.looseObject({ kind: z.string().min(1) });
export type Provenance = z.infer<typeof ProvenanceSchema>;

export const SurfaceSchema = z.object({
  serverInfo: JsonObjectSchema.optional(),
  instructions: z.string().optional(),
  tools: z.array(ToolDefSchema).default([]),
  prompts: z.array(PromptDefSchema).default([]),
  resources: z.array(ResourceDefSchema).default([]),
  resourceTemplates: z.array(ResourceTemplateDefSchema).default([]),
  provenance: ProvenanceSchema.optional(),
});
export type Surface = z.infer<typeof SurfaceSchema>;
export type SurfaceInput = z.input<typeof SurfaceSchema>;

export const ITEM_KINDS = Object.freeze(['server-info', 'instructions', 'tool', 'prompt', 'resource', 'resource-template', 'provenance'] as const);
export type ItemKind = (typeof ITEM_KINDS)[number];

/** One hashed piece of a surface: a tool, a prompt, the instructions… */
export interface SurfaceItem {
  kind: ItemKind;
  /** The tool or prompt name, the resource URI or template; the kind itself for singletons. */
  key: string;
  value: unknown;
  hash: Digest;
}

export class SurfaceError extends Error {
  override name = 'SurfaceError';
}

/**
 * Validates and normalizes a surface. Refuses what cannot be pinned unambiguously: two tools
 * with one name (which would the client call?) and text JSON cannot canonicalize (lone
 * surrogates), since a surface Airlock cannot hash is a surface it cannot approve.
 */
export function parseSurface(input: unknown): Surface {
  const parsed = SurfaceSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue ? `/${issue.path.map(String).join('/')}` : '';
    throw new SurfaceError(`invalid surface at ${where || '/'}: ${issue?.message ?? 'unknown problem'}`);
  }
  const surface = parsed.data;
  assertUnique(surface.tools.map((t) => t.name), 'tool name');
  assertUnique(surface.prompts.map((p) => p.name), 'prompt name');
  assertUnique(surface.resources.map((r) => r.uri), 'resource URI');
  assertUnique(surface.resourceTemplates.map((r) => r.uriTemplate), 'resource template');
  try {
    canonicalJson(surface);
  } catch (error) {
    throw new SurfaceError(`surface cannot be canonicalized (RFC 8785): ${(error as Error).message}`);
  }
  return surface;
}

function assertUnique(values: string[], what: string): void {
  const seen = new Set<string>();
  for (const v of values) {
    if (seen.has(v)) throw new SurfaceError(`duplicate ${what} ${JSON.stringify(v)}: the surface is ambiguous and cannot be pinned`);
    seen.add(v);
  }
}

export function surfaceItems(surface: Surface): SurfaceItem[] {
  const items: SurfaceItem[] = [];
  const add = (kind: ItemKind, key: string, value: unknown): void => {
    items.push({ kind, key, value, hash: canonicalDigest(value) });
  };
  if (surface.serverInfo !== undefined) add('server-info', 'server-info', surface.serverInfo);
  if (surface.instructions !== undefined) add('instructions', 'instructions', surface.instructions);
  for (const t of surface.tools) add('tool', t.name, t);
  for (const p of surface.prompts) add('prompt', p.name, p);
  for (const r of surface.resources) add('resource', r.uri, r);
  for (const r of surface.resourceTemplates) add('resource-template', r.uriTemplate, r);
  if (surface.provenance !== undefined) add('provenance', 'provenance', surface.provenance);
  return items;
}

/**
 * The server's surface hash: sha256 over the canonical list of [kind, key, item hash], sorted.
 * The kind and key are bound in, so a prompt can never stand in for a tool with the same text.
 */
export function surfaceHash(surface: Surface): Digest {
  return surfaceHashOfItems(surfaceItems(surface));
}

/** The server hash from items already hashed, so a caller that needs both hashes each item once. */
export function surfaceHashOfItems(items: readonly SurfaceItem[]): Digest {
  const entries = items
    .map((i) => [i.kind, i.key, i.hash] as const)
    .sort((a, b) => compareStrings(a[0], b[0]) || compareStrings(a[1], b[1]));
  return canonicalDigest(entries);
}

/** Code-unit order, the same order RFC 8785 uses for keys, so every implementation agrees. */
function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function emptySurface(): Surface {
  return { tools: [], prompts: [], resources: [], resourceTemplates: [] };
}
