import type { IncomingMessage } from 'node:http';
import { HttpRefusal, RPC_INVALID_REQUEST, RPC_PARSE_ERROR, type JsonRpcId } from './http-replies.js';

/**
 * Reads a request body up to `maxBytes`. A declared Content-Length over the limit is refused
 * before a byte is read, and a streamed body is refused (413) the moment it passes the limit:
 * nothing past the limit is ever buffered.
 */
export function readBoundedBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) return Promise.reject(tooLarge(maxBytes));
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let total = 0;
    const onData = (chunk: Buffer): void => {
      total += chunk.length;
      if (total > maxBytes) {
        cleanup();
        req.pause();
        reject(tooLarge(maxBytes));
        return;
      }
      parts.push(chunk);
    };
    const onEnd = (): void => {
      cleanup();
      resolve(Buffer.concat(parts, total));
    };
    const onError = (error: Error): void => {
      cleanup();
      reject(error);
    };
    const onAborted = (): void => onError(new Error('the client closed the request before its body ended'));
    const cleanup = (): void => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
    };
    const onClose = (): void => {
      if (!req.complete) onAborted();
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
  });
}

function tooLarge(maxBytes: number): HttpRefusal {
  return new HttpRefusal(413, `the request body is over Airlock's ${maxBytes}-byte limit for one JSON-RPC message; it was not read`);
}

/** What the endpoint needs to know of one client message to route it; the relay's gate judges the bytes. */
export interface ClientMessage {
  kind: 'request' | 'notification' | 'response';
  id: string | number | undefined;
  method: string | undefined;
  params: Record<string, unknown> | undefined;
  /** The request's `_meta.progressToken`, where its progress notifications go. */
  progressToken: string | number | undefined;
  /** 2026-07-28: `_meta["io.modelcontextprotocol/protocolVersion"]`. */
  modernVersion: string | undefined;
}

const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export const PROTOCOL_VERSION_META = 'io.modelcontextprotocol/protocolVersion';

/**
 * Reads a body for routing only (JSON.parse, never re-serialized): one JSON-RPC message, not a
 * batch. Duplicate or `__proto__` keys and the rest are the gate's to judge, on the bytes.
 */
export function readClientMessage(body: Buffer): ClientMessage {
  let text: string;
  try {
    // Refused here, with this POST's answer, rather than by the gate after a 202 had gone out.
    text = UTF8.decode(body);
  } catch {
    throw new HttpRefusal(400, 'the request body is not valid UTF-8; send one JSON-RPC message in UTF-8', RPC_PARSE_ERROR);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new HttpRefusal(400, 'the request body is not JSON; send one JSON-RPC message', RPC_PARSE_ERROR);
  }
  if (Array.isArray(value)) throw new HttpRefusal(400, 'JSON-RPC batches are not accepted (MCP removed them in 2025-06-18); send one message per POST');
  if (!isRecord(value)) throw new HttpRefusal(400, 'the request body is not a JSON-RPC message object');
  const id = typeof value.id === 'string' || typeof value.id === 'number' ? value.id : undefined;
  const method = typeof value.method === 'string' ? value.method : undefined;
  const params = isRecord(value.params) ? value.params : undefined;
  const meta = isRecord(params?._meta) ? params._meta : undefined;
  const token = meta?.progressToken;
  const version = meta?.[PROTOCOL_VERSION_META];
  const base = {
    id,
    method,
    params,
    progressToken: typeof token === 'string' || typeof token === 'number' ? token : undefined,
    modernVersion: typeof version === 'string' ? version : undefined,
  };
  if (method !== undefined && id !== undefined) return { kind: 'request', ...base };
  if (method !== undefined && !('id' in value)) return { kind: 'notification', ...base };
  if (method === undefined && id !== undefined && ('result' in value || 'error' in value)) return { kind: 'response', ...base };
  throw new HttpRefusal(400, 'the request body is not a JSON-RPC request, notification or response (a request needs a string or number id and a method)', RPC_INVALID_REQUEST, {}, idOf(value));
}

/**
 * The exact bytes for the relay as one line: JSON allows raw CR and LF only as whitespace
 * between tokens (a string must escape them), so blanking them keeps the message byte for byte.
 */
export function toRelayLine(body: Buffer): Buffer {
  const line = Buffer.allocUnsafe(body.length + 1);
  body.copy(line);
  for (let i = 0; i < body.length; i++) if (line[i] === 0x0a || line[i] === 0x0d) line[i] = 0x20;
  line[body.length] = 0x0a;
  return line;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function idOf(value: Record<string, unknown>): JsonRpcId {
  return typeof value.id === 'string' || typeof value.id === 'number' ? value.id : null;
}

export const idKey = (id: string | number): string => `${typeof id}:${id}`;
