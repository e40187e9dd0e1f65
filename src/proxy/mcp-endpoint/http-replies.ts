import type { ServerResponse } from 'node:http';

/** JSON-RPC error codes the endpoint answers with itself. */
export const RPC_PARSE_ERROR = -32700;
export const RPC_INVALID_REQUEST = -32600;
export const RPC_SERVER_ERROR = -32000;
/** 2026-07-28: the HTTP headers do not match the body (HeaderMismatch). */
export const RPC_HEADER_MISMATCH = -32020;

/** Headers on every answer: nothing is cached, nothing is sniffed; no CORS header, ever. */
export const BASE_HEADERS: Readonly<Record<string, string>> = { 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' };

export type JsonRpcId = string | number | null;

/** An HTTP error whose body is a JSON-RPC error: what happened and what to do. */
export class HttpRefusal extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code = RPC_INVALID_REQUEST,
    readonly headers: Record<string, string> = {},
    readonly id: JsonRpcId = null,
  ) {
    super(message);
  }
}

export function sendJson(res: ServerResponse, status: number, body: string | Buffer, headers: Record<string, string> = {}): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, { ...BASE_HEADERS, ...headers, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) });
  res.end(body);
}

export function rpcError(id: JsonRpcId, code: number, message: string): string {
  return JSON.stringify({ jsonrpc: '2.0', id, error: { code, message } });
}

export function sendRefusal(res: ServerResponse, refusal: HttpRefusal): void {
  sendJson(res, refusal.status, rpcError(refusal.id, refusal.code, refusal.message), refusal.headers);
}

export function sendAccepted(res: ServerResponse, headers: Record<string, string> = {}): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(202, { ...BASE_HEADERS, ...headers, 'content-length': '0' });
  res.end();
}
