import type { IncomingMessage } from 'node:http';
import { HttpRefusal, RPC_INVALID_REQUEST } from './http-replies.js';

/** The MCP protocol versions the endpoint relays; another MCP-Protocol-Version header is refused (400). */
export const SUPPORTED_PROTOCOL_VERSIONS: ReadonlySet<string> = new Set(['2024-11-05', '2025-03-26', '2025-06-18', '2025-11-25', '2026-07-28']);

/**
 * DNS rebinding: a web page on another name that resolves to 127.0.0.1 reaches us with its own
 * Host and Origin. Only the loopback names of our own port pass. Checked before anything else,
 * authentication included, so a foreign page learns nothing.
 */
export function checkHostAndOrigin(req: IncomingMessage, port: number): void {
  const allowedHosts = [`127.0.0.1:${port}`, `localhost:${port}`];
  const host = (req.headers.host ?? '').toLowerCase();
  if (!allowedHosts.includes(host)) {
    throw new HttpRefusal(403, `Airlock's MCP endpoint answers only requests addressed to 127.0.0.1:${port} or localhost:${port}; this one named host "${truncate(host)}" (a DNS rebinding attempt, or a proxy in between). Connect to http://127.0.0.1:${port}/mcp/NAME directly.`);
  }
  const origin = req.headers.origin;
  if (origin !== undefined && !allowedHosts.map((h) => `http://${h}`).includes(origin.toLowerCase())) {
    throw new HttpRefusal(403, `Airlock's MCP endpoint refuses requests from web pages: the Origin "${truncate(origin)}" is not http://127.0.0.1:${port} or http://localhost:${port}.`);
  }
}

/** The bearer token of a request, or a 401 that says how to get one. */
export function bearerToken(req: IncomingMessage): string {
  const header = req.headers.authorization;
  const match = header === undefined ? null : /^Bearer ([\x21-\x7e]+)$/i.exec(header.trim());
  if (!match) throw unauthorized('this request has no "Authorization: Bearer <token>" header');
  return match[1]!;
}

export function unauthorized(what: string): HttpRefusal {
  return new HttpRefusal(401, `${what}. Airlock's MCP endpoint needs a client token: create one with \`airlock clients token NAME\` and send it as "Authorization: Bearer <token>".`, RPC_INVALID_REQUEST, {
    'www-authenticate': 'Bearer realm="airlock"',
  });
}

/** POST bodies are JSON-RPC in UTF-8 JSON; anything else is 415. */
export function checkContentType(req: IncomingMessage): void {
  const [type, ...params] = (req.headers['content-type'] ?? '').split(';').map((part) => part.trim().toLowerCase());
  const charset = params.find((p) => p.startsWith('charset='))?.slice('charset='.length).replace(/"/g, '');
  if (type !== 'application/json' || (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8')) {
    throw new HttpRefusal(415, `a POST to Airlock's MCP endpoint must have "Content-Type: application/json" (UTF-8); this one had "${truncate(req.headers['content-type'] ?? '')}"`);
  }
}

/** Lenient: no Accept header, or a wildcard, accepts anything; otherwise one of `wanted` must be listed. */
export function checkAccept(req: IncomingMessage, wanted: string[]): void {
  const accept = req.headers.accept;
  if (accept === undefined || accept.trim() === '') return;
  const types = accept.split(',').map((part) => part.split(';')[0]!.trim().toLowerCase());
  if (types.some((t) => t === '*/*' || t === 'application/*' || t === 'text/*' || wanted.includes(t))) return;
  throw new HttpRefusal(406, `Airlock's MCP endpoint answers with ${wanted.join(' or ')}; this request's Accept header lists neither ("${truncate(accept)}")`);
}

/** MCP-Protocol-Version, when given, must be one the endpoint relays (400 otherwise, as the spec asks). */
export function protocolVersionHeader(req: IncomingMessage): string | undefined {
  const version = headerOnce(req, 'mcp-protocol-version');
  if (version !== undefined && !SUPPORTED_PROTOCOL_VERSIONS.has(version)) {
    throw new HttpRefusal(400, `MCP-Protocol-Version "${truncate(version)}" is not supported by Airlock; supported: ${[...SUPPORTED_PROTOCOL_VERSIONS].join(', ')}`);
  }
  return version;
}

/** A header given once (a repeated MCP header is ambiguous: refused). */
export function headerOnce(req: IncomingMessage, name: string): string | undefined {
  const values = req.headersDistinct[name];
  if (values === undefined) return undefined;
  if (values.length !== 1) throw new HttpRefusal(400, `the ${name} header was given ${values.length} times; give it once`);
  return values[0]!;
}

export function truncate(text: string, max = 80): string {
  const visible = text.replace(/[^\x20-\x7e]/g, '?');
  return visible.length > max ? `${visible.slice(0, max)}…` : visible;
}
