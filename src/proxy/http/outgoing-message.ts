/** One JSON-RPC message the relay sends, as its bytes and what the transport needs to know of it. */
export interface OutgoingMessage {
  /** The client's bytes, without the line ending: what is POSTed, unchanged. */
  body: Buffer;
  id: string | number | undefined;
  method: string | undefined;
  params: Record<string, unknown> | undefined;
  /** An answer to a request the server sent (elicitation, sampling…). */
  isResponse: boolean;
  /** 2026-07-28: the protocol version the request's _meta claims. */
  modernVersion: string | undefined;
  readonly modern: boolean;
}

const PROTOCOL_VERSION_META = 'io.modelcontextprotocol/protocolVersion';
/** Where the Mcp-Name header comes from, per method (2026-07-28, as the SDK's client sends it). */
const MCP_NAME_SOURCE: Record<string, string> = { 'tools/call': 'name', 'prompts/get': 'name', 'resources/read': 'uri', 'tasks/get': 'taskId', 'tasks/update': 'taskId', 'tasks/cancel': 'taskId' };

/** Reads what the transport needs; the relay's gate already refused anything that is not one JSON-RPC message. */
export function readMessage(line: Buffer | string): OutgoingMessage {
  let body = typeof line === 'string' ? Buffer.from(line, 'utf8') : line;
  while (body.length > 0 && (body[body.length - 1] === 0x0a || body[body.length - 1] === 0x0d)) body = body.subarray(0, body.length - 1);
  let value: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(body.toString('utf8'));
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) value = parsed as Record<string, unknown>;
  } catch {
    // Sent as it is; the server answers what it makes of it.
  }
  const id = typeof value.id === 'string' || typeof value.id === 'number' ? value.id : undefined;
  const method = typeof value.method === 'string' ? value.method : undefined;
  const params = isRecord(value.params) ? value.params : undefined;
  const meta = isRecord(params?._meta) ? params._meta : undefined;
  const modernVersion = typeof meta?.[PROTOCOL_VERSION_META] === 'string' ? (meta[PROTOCOL_VERSION_META] as string) : undefined;
  return { body, id, method, params, isResponse: method === undefined && id !== undefined, modernVersion, modern: modernVersion !== undefined };
}

/** The protocol headers of one POST: MCP-Protocol-Version, and on 2026-07-28 Mcp-Method and Mcp-Name. */
export function messageHeaders(message: OutgoingMessage, negotiatedVersion: string | undefined): Record<string, string> {
  if (message.modernVersion === undefined) return negotiatedVersion && message.method !== 'initialize' ? { 'mcp-protocol-version': negotiatedVersion } : {};
  const headers: Record<string, string> = { 'mcp-protocol-version': message.modernVersion };
  if (message.method === undefined) return headers;
  headers['mcp-method'] = message.method;
  const field = Object.hasOwn(MCP_NAME_SOURCE, message.method) ? MCP_NAME_SOURCE[message.method]! : undefined;
  const name = field === undefined ? undefined : message.params?.[field];
  if (typeof name === 'string') headers['mcp-name'] = headerValue(name);
  return headers;
}

/** A header-safe value: as it is when it is plain visible ASCII, else the spec's =?base64?…?= form. */
function headerValue(value: string): string {
  const plain = value !== '' && value === value.trim() && /^[\t\x20-\x7e]*$/.test(value) && !(value.startsWith('=?base64?') && value.endsWith('?='));
  return plain ? value : `=?base64?${Buffer.from(value, 'utf8').toString('base64')}?=`;
}

/**
 * A server's message as one line: JSON allows CR and LF only as whitespace between tokens (a
 * string must escape them), so blanking them keeps the message and the relay's line framing.
 */
export function toLine(body: Buffer): Buffer {
  let copy: Buffer | null = null;
  for (let i = 0; i < body.length; i++) {
    if (body[i] !== 0x0a && body[i] !== 0x0d) continue;
    copy ??= Buffer.from(body);
    copy[i] = 0x20;
  }
  return copy ?? body;
}

export const idKey = (id: string | number): string => `${typeof id}:${id}`;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
