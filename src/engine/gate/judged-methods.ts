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

const SHAPES = {
  'tools/call': { kind: 'tool', schema: z.looseObject({ name: z.string().min(1), arguments: ArgsSchema.optional() }), key: 'name', args: 'arguments' },
  'prompts/get': { kind: 'prompt', schema: z.looseObject({ name: z.string().min(1), arguments: z.record(z.string(), z.string()).optional() }), key: 'name', args: 'arguments' },
  'resources/read': { kind: 'resource', schema: z.looseObject({ uri: z.string().min(1) }), key: 'uri', args: undefined },
  'resources/subscribe': { kind: 'resource', schema: z.looseObject({ uri: z.string().min(1) }), key: 'uri', args: undefined },
} as const;

type JudgedMethod = keyof typeof SHAPES;

export const JUDGED_METHODS: readonly string[] = Object.freeze(Object.keys(SHAPES));

export function judgedCall(request: JsonRpcRequest): { ok: true; call: JudgedCall; method: string } | { ok: false; method: string; problem: string } | null {
  if (!Object.hasOwn(SHAPES, request.method)) return null;
  const method = request.method as JudgedMethod;
  const shape = SHAPES[method];
  const parsed = shape.schema.safeParse(request.params ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, method, problem: issue ? `${issue.path.map(String).join('.') || 'params'}: ${issue.message}` : 'invalid params' };
  }
  const params = parsed.data as Record<string, unknown>;
  const args = shape.args ? (params[shape.args] as Record<string, unknown> | undefined) : undefined;
  return { ok: true, method, call: { method, kind: shape.kind, key: params[shape.key] as string, args } };
}
