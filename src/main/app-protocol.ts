import fs from 'node:fs';
import path from 'node:path';
import { SECURITY_HEADERS } from '../host/http-static.js';
import { APP_HOST, APP_SCHEME } from './app-origin.js';

/** The file types the renderer build holds; anything else is not served. */
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
  '.woff2': 'font/woff2',
};

export interface AppResponse {
  status: 200 | 404;
  headers: Record<string, string>;
  body?: Buffer;
}

/** Every answer, a 404 too, carries the CSP and nosniff (and the rest of the page's security headers). */
const HEADERS: Record<string, string> = { ...SECURITY_HEADERS, 'cache-control': 'no-store' };
const NOT_FOUND: AppResponse = { status: 404, headers: { ...HEADERS, 'content-type': 'text/plain; charset=utf-8' }, body: Buffer.from('not found\n') };

/**
 * Answers an app://airlock/… request from the built renderer folder. Only a file inside that
 * folder, of a known type, reached by plain path segments is served: a dot segment, an encoded
 * slash or backslash, a NUL or a symlink out of the folder is a 404, whatever the URL parser
 * already normalised.
 */
export function resolveAppRequest(rendererDir: string, url: string): AppResponse {
  const file = requestedFile(rendererDir, url);
  const type = file === undefined ? undefined : TYPES[path.extname(file).toLowerCase()];
  if (file === undefined || type === undefined) return NOT_FOUND;
  let body: Buffer;
  try {
    const root = fs.realpathSync(rendererDir);
    const real = fs.realpathSync(file);
    if (!real.startsWith(root + path.sep) || !fs.statSync(real).isFile()) return NOT_FOUND;
    body = fs.readFileSync(real);
  } catch {
    return NOT_FOUND;
  }
  return { status: 200, headers: { ...HEADERS, 'content-type': type }, body };
}

function requestedFile(rendererDir: string, url: string): string | undefined {
  // The raw text is checked first: the URL parser would quietly resolve "..", "%2e%2e" and backslashes
  // into a path that looks clean, and a request that tries them is refused, not repaired.
  if (/\\|%5c|%2f|%00|%2e/i.test(url) || /\/\.\.?(?:[/?#]|$)/.test(url)) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (parsed.protocol !== `${APP_SCHEME}:` || parsed.host !== APP_HOST || parsed.username !== '' || parsed.password !== '') return undefined;
  const rawSegments = (parsed.pathname === '/' || parsed.pathname === '' ? '/index.html' : parsed.pathname).split('/').slice(1);
  const segments: string[] = [];
  for (const raw of rawSegments) {
    let segment: string;
    try {
      segment = decodeURIComponent(raw);
    } catch {
      return undefined;
    }
    if (segment === '' || segment === '.' || segment === '..' || /[/\\\0]/.test(segment)) return undefined;
    segments.push(segment);
  }
  const root = path.resolve(rendererDir);
  const file = path.resolve(root, ...segments);
  return file.startsWith(root + path.sep) ? file : undefined;
}

/** The part of Electron's `protocol` used here. */
export interface ProtocolLike {
  handle(scheme: string, handler: (request: { url: string }) => Promise<Response> | Response): void;
}

/** Serves the renderer build on app://airlock (the scheme must have been registered as privileged first; see app-origin.ts). */
export function registerAppProtocol(protocol: ProtocolLike, rendererDir: string): void {
  protocol.handle(APP_SCHEME, (request) => {
    const answer = resolveAppRequest(rendererDir, request.url);
    return new Response(answer.body === undefined ? null : new Uint8Array(answer.body), { status: answer.status, headers: answer.headers });
  });
}
