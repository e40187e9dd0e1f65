import type { IncomingMessage } from 'node:http';
import { headerOnce, truncate } from './access-checks.js';
import { HttpRefusal, RPC_HEADER_MISMATCH } from './http-replies.js';
import type { ClientMessage } from './request-body.js';

/** Where Mcp-Name comes from in the body, per method (2026-07-28). */
const NAME_SOURCE: Record<string, string> = { 'tools/call': 'name', 'prompts/get': 'name', 'resources/read': 'uri' };

/**
 * 2026-07-28 mirrors body fields into headers for intermediaries; a header that says something
 * else than the body is refused (400, HeaderMismatch), so nothing downstream can be told one
 * thing by the header and another by the body. Absent headers are not required here: the gate
 * judges the body, which is the only source of truth Airlock relays.
 */
export function checkHeadersMatchBody(req: IncomingMessage, message: ClientMessage, version: string | undefined): void {
  const id = message.id ?? null;
  if (version !== undefined && message.modernVersion !== undefined && version !== message.modernVersion) {
    throw new HttpRefusal(400, `Header mismatch: MCP-Protocol-Version "${truncate(version)}" does not match the body's _meta protocol version "${truncate(message.modernVersion)}"`, RPC_HEADER_MISMATCH, {}, id);
  }
  const method = headerOnce(req, 'mcp-method');
  if (method !== undefined && method !== message.method) {
    throw new HttpRefusal(400, `Header mismatch: Mcp-Method "${truncate(method)}" does not match the body's method "${truncate(message.method ?? '')}"`, RPC_HEADER_MISMATCH, {}, id);
  }
  const name = headerOnce(req, 'mcp-name');
  const field = message.method !== undefined && Object.hasOwn(NAME_SOURCE, message.method) ? NAME_SOURCE[message.method]! : undefined;
  if (name !== undefined && field !== undefined && decodeHeaderValue(name) !== message.params?.[field]) {
    throw new HttpRefusal(400, `Header mismatch: Mcp-Name does not match the body's params.${field}`, RPC_HEADER_MISMATCH, {}, id);
  }
}

/** The spec's `=?base64?…?=` form, decoded; a plain value as it is. */
function decodeHeaderValue(value: string): string {
  const match = /^=\?base64\?([A-Za-z0-9+/=]*)\?=$/.exec(value);
  return match ? Buffer.from(match[1]!, 'base64').toString('utf8') : value;
}
