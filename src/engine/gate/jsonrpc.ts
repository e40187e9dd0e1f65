import { z } from 'zod';

/**
 * JSON-RPC 2.0 envelopes, checked before anything else reads a message (rule R0). Only the
 * envelope is checked here: params and results stay untouched so the relay can pass methods
 * it does not know, in any protocol revision.
 */
const IdSchema = z.union([z.string(), z.number().int()]);

export const JsonRpcRequestSchema = z.looseObject({
  jsonrpc: z.literal('2.0'),
  id: IdSchema,
  method: z.string().min(1),
  params: z.record(z.string(), z.unknown()).optional(),
});
export const JsonRpcNotificationSchema = z.looseObject({
  jsonrpc: z.literal('2.0'),
  method: z.string().min(1),
  params: z.record(z.string(), z.unknown()).optional(),
});
export const JsonRpcErrorObjectSchema = z.looseObject({ code: z.number().int(), message: z.string(), data: z.unknown().optional() });
export const JsonRpcResultSchema = z.looseObject({ jsonrpc: z.literal('2.0'), id: IdSchema, result: z.unknown() });
export const JsonRpcErrorSchema = z.looseObject({ jsonrpc: z.literal('2.0'), id: IdSchema.nullable(), error: JsonRpcErrorObjectSchema });

export type JsonRpcId = z.infer<typeof IdSchema>;
export type JsonRpcRequest = z.infer<typeof JsonRpcRequestSchema>;
export type JsonRpcNotification = z.infer<typeof JsonRpcNotificationSchema>;
export type JsonRpcResult = z.infer<typeof JsonRpcResultSchema>;
export type JsonRpcErrorResponse = z.infer<typeof JsonRpcErrorSchema>;
export type JsonRpcErrorObject = z.infer<typeof JsonRpcErrorObjectSchema>;

export type JsonRpcMessage =
  | { kind: 'request'; message: JsonRpcRequest }
  | { kind: 'notification'; message: JsonRpcNotification }
  | { kind: 'result'; message: JsonRpcResult }
  | { kind: 'error'; message: JsonRpcErrorResponse };

/** Standard JSON-RPC codes, and the one Airlock answers with when its policy denies a call. */
export const RPC_PARSE_ERROR = -32700;
export const RPC_INVALID_REQUEST = -32600;
export const RPC_INVALID_PARAMS = -32602;
export const RPC_DENIED_BY_AIRLOCK = -32001;

/** Classifies a parsed value as one JSON-RPC message, or returns why it is none. */
export function classifyJsonRpc(value: unknown): JsonRpcMessage | { kind: 'invalid'; reason: string; id: JsonRpcId | null } {
  if (Array.isArray(value)) {
    // Batching left MCP in 2025-06-18; one message per frame keeps every call judged on its own.
    return { kind: 'invalid', reason: 'JSON-RPC batches are not accepted (MCP sends one message per frame)', id: null };
  }
  if (typeof value !== 'object' || value === null) return { kind: 'invalid', reason: 'a JSON-RPC message must be an object', id: null };
  const record = value as Record<string, unknown>;
  const id = typeof record.id === 'string' || (typeof record.id === 'number' && Number.isInteger(record.id)) ? record.id : null;
  if (record.jsonrpc !== '2.0') return { kind: 'invalid', reason: 'missing "jsonrpc": "2.0"', id };
  if ('method' in record) {
    if ('result' in record || 'error' in record) return { kind: 'invalid', reason: 'a message cannot be both a request and a response', id };
    // The envelope most messages have is checked by hand (zod's safeParse and its copy were half of
    // classifying a call and its answer, ≈ 2 µs); anything else still goes to the schemas, which say what is wrong.
    if (typeof record.method === 'string' && record.method !== '' && (record.params === undefined || isJsonRecord(record.params))) {
      if (!('id' in record)) return { kind: 'notification', message: record as JsonRpcNotification };
      if (isPlainId(record.id)) return { kind: 'request', message: record as JsonRpcRequest };
    }
    if ('id' in record) {
      const parsed = JsonRpcRequestSchema.safeParse(value);
      return parsed.success ? { kind: 'request', message: parsed.data } : { kind: 'invalid', reason: describe(parsed.error), id };
    }
    const parsed = JsonRpcNotificationSchema.safeParse(value);
    return parsed.success ? { kind: 'notification', message: parsed.data } : { kind: 'invalid', reason: describe(parsed.error), id: null };
  }
  if ('result' in record && 'error' in record) return { kind: 'invalid', reason: 'a response cannot carry both "result" and "error"', id };
  if ('result' in record) {
    if (isPlainId(record.id)) return { kind: 'result', message: record as JsonRpcResult };
    const parsed = JsonRpcResultSchema.safeParse(value);
    return parsed.success ? { kind: 'result', message: parsed.data } : { kind: 'invalid', reason: describe(parsed.error), id };
  }
  if ('error' in record) {
    const error = record.error;
    if ((record.id === null || isPlainId(record.id)) && isJsonRecord(error) && Number.isSafeInteger(error.code) && typeof error.message === 'string') {
      return { kind: 'error', message: record as JsonRpcErrorResponse };
    }
    const parsed = JsonRpcErrorSchema.safeParse(value);
    return parsed.success ? { kind: 'error', message: parsed.data } : { kind: 'invalid', reason: describe(parsed.error), id };
  }
  return { kind: 'invalid', reason: 'neither a request, a notification nor a response', id };
}

/** A string or a safe integer: accepted by IdSchema, whichever integer check zod makes. */
function isPlainId(id: unknown): id is JsonRpcId {
  return typeof id === 'string' || Number.isSafeInteger(id);
}

/** An object as JSON.parse builds one (what z.record accepts of parsed JSON); arrays and null are not. */
function isJsonRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.getPrototypeOf(value) === Object.prototype;
}

function describe(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid JSON-RPC message';
  const path = issue.path.length > 0 ? `"${issue.path.map(String).join('.')}"` : 'message';
  return `${path}: ${issue.message}`;
}
