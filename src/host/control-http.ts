import { timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import { ITEM_KINDS } from '../engine/surface.js';
import { JsonRefusal, parseStrictJson } from '../input/strict-json.js';
import { HostApiError, HostApiRequestSchema } from '../shared/host-api/index.js';
import type { HostControl } from './control.js';
import type { HostApiService } from './host-api-service.js';
import { streamEvents } from './http-events.js';
import { SECURITY_HEADERS, serveStatic } from './http-static.js';

const MAX_BODY_BYTES = 64 * 1024;
const ItemTarget = { server: z.string().min(1), kind: z.enum(ITEM_KINDS).optional(), key: z.string().min(1).optional() };
const ApproveBody = z.strictObject({ ...ItemTarget, hash: z.string().min(1), release: z.array(z.strictObject({ kind: z.enum(ITEM_KINDS), key: z.string().min(1) })).max(1000).optional() });
const QuarantineBody = z.strictObject({ ...ItemTarget, reason: z.string().max(500).optional() });

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export interface ControlHttpOptions {
  port: number;
  token: string;
  log: (message: string) => void;
  /** The HostApi behind POST /v1/rpc and GET /v1/events (the window's carrier). */
  api?: HostApiService;
  /** The built renderer, served at / so a browser can open the window. */
  rendererDir?: string;
}

export interface ControlHttp {
  server: http.Server;
  url: string;
  close(): void;
}

/**
 * The Host's control API on loopback HTTP, for the CLI and the window. It binds 127.0.0.1
 * only, wants the home's bearer token on every API request (the page's files need none: they
 * hold no data), and refuses a foreign Host or Origin header with 403: a web page the user
 * visits must not reach it through DNS rebinding.
 */
export async function startControlHttp(control: HostControl, options: ControlHttpOptions): Promise<ControlHttp> {
  const expected = Buffer.from(`Bearer ${options.token}`);
  let port = options.port;
  const streams = new Set<http.ServerResponse>();
  const server = http.createServer((request, response) => {
    void handle(request, response)
      .then((body) => {
        if (body !== STREAMED) send(response, 200, body);
      })
      .catch((error: unknown) => {
        const status = error instanceof HttpError ? error.status : 400;
        send(response, status, { error: (error as Error).message });
      });
  });

  async function handle(request: http.IncomingMessage, response: http.ServerResponse): Promise<unknown> {
    const host = request.headers.host ?? '';
    if (host !== `127.0.0.1:${port}` && host !== `localhost:${port}`) throw new HttpError(403, 'forbidden: wrong Host header');
    const origin = request.headers.origin;
    if (origin !== undefined && origin !== `http://127.0.0.1:${port}` && origin !== `http://localhost:${port}`) throw new HttpError(403, 'forbidden: wrong Origin');
    const url = new URL(request.url ?? '/', `http://127.0.0.1:${port}`);
    if (request.method === 'GET' && !url.pathname.startsWith('/v1/')) {
      if (options.rendererDir !== undefined && serveStatic(options.rendererDir, url.pathname, response)) return STREAMED;
      throw new HttpError(404, options.rendererDir === undefined ? 'this Host serves no window' : `no such file: ${url.pathname}`);
    }
    const given = Buffer.from(request.headers.authorization ?? '');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new HttpError(401, 'missing or wrong bearer token (it is in the control-token file of the Airlock home)');
    const server = url.searchParams.get('server') ?? undefined;
    const route = `${request.method} ${url.pathname}`;
    switch (route) {
      case 'POST /v1/rpc':
        return rpc(await readBody(request));
      case 'GET /v1/events': {
        if (options.api === undefined) throw new HttpError(404, 'this Host serves no events');
        const api = options.api;
        streamEvents(request, response, (listener) => api.subscribe(listener), streams);
        return STREAMED;
      }
      case 'GET /v1/status':
        return control.status();
      case 'GET /v1/servers':
        return control.servers();
      case 'GET /v1/holds':
        return control.holdsList();
      case 'GET /v1/clients/bypassing':
        return control.bypassing();
      case 'GET /v1/review':
        return control.review(server);
      case 'GET /v1/tools':
        return control.tools(server);
      case 'POST /v1/approve': {
        const { server: name, release, ...target } = parse(ApproveBody, await readBody(request));
        return control.approve(name, release === undefined ? target : { ...target, release });
      }
      case 'POST /v1/quarantine': {
        const { server: name, ...target } = parse(QuarantineBody, await readBody(request));
        return control.quarantine(name, target);
      }
      default:
        throw new HttpError(404, `no such endpoint: ${route}`);
    }
  }

  /** A HostApi call: the envelope, then the method's own parameters, checked against the contract. */
  async function rpc(body: unknown): Promise<unknown> {
    if (options.api === undefined) throw new HttpError(404, 'this Host serves no HostApi');
    const request = HostApiRequestSchema.safeParse(body);
    if (!request.success) throw new HttpError(400, `invalid request: ${request.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ')}`);
    try {
      return { ok: true, result: await options.api.invoke(request.data.method, request.data.params) };
    } catch (error) {
      // The Host's refusals are for the user (held, changed again, unknown server); nothing else leaks.
      return { ok: false, error: error instanceof HostApiError || error instanceof Error ? error.message : 'the Host could not answer' };
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  options.log(`control API listening on http://127.0.0.1:${port} (bearer token in the home's control-token file)`);
  return {
    server,
    url: `http://127.0.0.1:${port}`,
    close() {
      for (const stream of streams) stream.end();
      server.close();
      server.closeAllConnections();
    },
  };
}

/** A handler that already wrote its response (a file, an event stream). */
const STREAMED = Symbol('streamed');

function parse<T>(schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value);
  if (!result.success) throw new HttpError(400, `invalid request: ${result.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ')}`);
  return result.data;
}

function readBody(request: http.IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new HttpError(413, `request body over ${MAX_BODY_BYTES} bytes`));
        // Drain the rest without keeping it, so the 413 still reaches the client.
        request.removeAllListeners('data');
        request.resume();
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => {
      try {
        // Strict: a duplicate or "__proto__" key, or nesting past 128 levels, is refused here,
        // before any schema or handler walks the value.
        resolve(parseStrictJson(Buffer.concat(chunks).toString('utf8')));
      } catch (error) {
        reject(new HttpError(400, `the request body was refused: ${error instanceof JsonRefusal ? error.message : 'it is not JSON'}. Send one JSON object.`));
      }
    });
    request.on('error', reject);
  });
}

function send(response: http.ServerResponse, status: number, body: unknown): void {
  if (response.headersSent) return;
  const text = JSON.stringify(body);
  response.writeHead(status, { ...SECURITY_HEADERS, 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store' });
  response.end(text);
}
