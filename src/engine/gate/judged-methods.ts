import { z } from 'zod';
import type { JsonRpcRequest } from './jsonrpc.js';

/**
 * The requests the gate judges against the approved surface (rule R1 checks their shape).
 * Every other method is relayed untouched, so that new protocol revisions keep working.
 */
export interface JudgedCall {
  method: string;
  kind: 'tool' | 'prompt' | 'resource';
  /** Tool or prompt name, or resource URI. */
  key: string;
  /** The arguments as sent; hashed into the audit log, never stored raw. */
  args: Record<string, unknown> | undefined;
}

const ArgsSchema = z.record(z.string(), z.unknown());
const UriParams = z.looseObject({ uri: z.string().min(1) });

/**
 * Every method that names an item, and where the name is. A route left out of this table would
 * reach a quarantined or held item unjudged, so each one that names a tool, prompt, resource or
 * template is here: reads, subscriptions, and completions (which name a prompt or a template).
 */
const SHAPES = {
  'tools/call': { kind: 'tool', schema: z.looseObject({ name: z.string().min(1), arguments: ArgsSchema.optional() }), key: (p) => p.name, args: 'arguments' },
  'prompts/get': { kind: 'prompt', schema: z.looseObject({ name: z.string().min(1), arguments: z.record(z.string(), z.string()).optional() }), key: (p) => p.name, args: 'arguments' },
  'resources/read': { kind: 'resource', schema: UriParams, key: (p) => p.uri, args: undefined },
  'resources/subscribe': { kind: 'resource', schema: UriParams, key: (p) => p.uri, args: undefined },
  'resources/unsubscribe': { kind: 'resource', schema: UriParams, key: (p) => p.uri, args: undefined },
  'completion/complete': {
    kind: (p) => (refOf(p).type === 'ref/prompt' ? 'prompt' : 'resource'),
    schema: z.looseObject({
      ref: z.discriminatedUnion('type', [
        z.looseObject({ type: z.literal('ref/prompt'), name: z.string().min(1) }),
        // A completion names a resource template by its uriTemplate (or a resource by its URI).
        z.looseObject({ type: z.literal('ref/resource'), uri: z.string().min(1) }),
      ]),
      argument: z.looseObject({ name: z.string(), value: z.string() }),
    }),
    key: (p) => {
      const ref = refOf(p);
      return ref.type === 'ref/prompt' ? ref.name : ref.uri;
    },
    args: undefined,
  },
} as const satisfies Record<string, Shape>;

interface Shape {
  kind: JudgedCall['kind'] | ((params: Record<string, unknown>) => JudgedCall['kind']);
  schema: z.ZodType;
  key: (params: Record<string, unknown>) => unknown;
  args: string | undefined;
}

type Ref = { type: 'ref/prompt'; name: string } | { type: 'ref/resource'; uri: string };
const refOf = (params: Record<string, unknown>): Ref => params.ref as Ref;

export const JUDGED_METHODS: readonly string[] = Object.freeze(Object.keys(SHAPES));

export function judgedCall(request: JsonRpcRequest): { ok: true; call: JudgedCall; method: string } | { ok: false; method: string; problem: string } | null {
  if (!Object.hasOwn(SHAPES, request.method)) return null;
  const method = request.method;
  const shape: Shape = SHAPES[method as keyof typeof SHAPES];
  const parsed = shape.schema.safeParse(request.params ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, method, problem: issue ? `${issue.path.map(String).join('.') || 'params'}: ${issue.message}` : 'invalid params' };
  }
  const params = parsed.data as Record<string, unknown>;
  const args = shape.args ? (params[shape.args] as Record<string, unknown> | undefined) : undefined;
  const kind = typeof shape.kind === 'function' ? shape.kind(params) : shape.kind;
  return { ok: true, method, call: { method, kind, key: shape.key(params) as string, args } };
}
