import { EnvHttpProxyAgent, fetch, type Dispatcher, type RequestInit, type Response } from 'undici';
import { failureOfError, UpstreamHttpFailure } from './http-failure.js';

/**
 * The dispatcher every request to one upstream goes through: HTTPS_PROXY, HTTP_PROXY and NO_PROXY
 * (or their lower-case forms) from `env` decide whether a request goes through a proxy, as
 * corporate networks need. Timeouts of headers and bodies are Airlock's own (per request).
 */
export function proxyDispatcher(env: NodeJS.ProcessEnv, connectTimeoutMs: number): Dispatcher {
  return new EnvHttpProxyAgent({
    // '' (not undefined) so that undici does not read process.env behind the caller's back.
    httpProxy: env.http_proxy ?? env.HTTP_PROXY ?? '',
    httpsProxy: env.https_proxy ?? env.HTTPS_PROXY ?? '',
    noProxy: env.no_proxy ?? env.NO_PROXY ?? '',
    connect: { timeout: connectTimeoutMs },
    headersTimeout: 0,
    bodyTimeout: 0,
  });
}

export interface Exchange {
  response: Response;
  /** Restarts the silence timer; call on every chunk of the body. */
  touch(): void;
  /** Stops the timers; call when the body is done with. */
  done(): void;
  /** Aborts this exchange (cancellation, stop). */
  abort(): void;
  /** Names why reading the body failed: a timeout or stop of ours, or the connection. */
  failure(error: unknown): UpstreamHttpFailure;
}

export interface ExchangeOptions {
  dispatcher: Dispatcher;
  host: string;
  /** Aborts every exchange of the upstream at once (stop). */
  stopSignal: AbortSignal;
  /** Longest wait for the response headers. */
  responseTimeoutMs: number;
  /** Longest silence on the body once it started; 0: none (long-lived streams). */
  idleTimeoutMs: number;
}

/**
 * One HTTP exchange with the MCP endpoint: redirects are returned, never followed (the caller
 * names them), and a connection, TLS or timeout failure is thrown as a named failure.
 */
export async function exchange(url: URL, init: RequestInit, options: ExchangeOptions): Promise<Exchange> {
  if (options.stopSignal.aborted) throw new UpstreamHttpFailure('dropped', 'Airlock closed the connection');
  const controller = new AbortController();
  let timedOut: string | null = null;
  let timer: NodeJS.Timeout | undefined;
  const arm = (ms: number, what: string): void => {
    clearTimeout(timer);
    if (ms <= 0) return;
    timer = setTimeout(() => {
      timedOut = what;
      controller.abort(new UpstreamHttpFailure('timeout', `${options.host} ${what}`));
    }, ms);
    timer.unref();
  };
  const onStop = (): void => controller.abort(new UpstreamHttpFailure('dropped', 'Airlock closed the connection'));
  options.stopSignal.addEventListener('abort', onStop, { once: true });
  const done = (): void => {
    clearTimeout(timer);
    options.stopSignal.removeEventListener('abort', onStop);
  };
  arm(options.responseTimeoutMs, `did not answer within ${options.responseTimeoutMs / 1000} s`);
  try {
    const response = await fetch(url, { ...init, redirect: 'manual', signal: controller.signal, dispatcher: options.dispatcher });
    arm(options.idleTimeoutMs, `went silent for ${options.idleTimeoutMs / 1000} s in the middle of an answer`);
    return {
      response,
      touch: () => arm(options.idleTimeoutMs, `went silent for ${options.idleTimeoutMs / 1000} s in the middle of an answer`),
      done,
      abort: () => controller.abort(new UpstreamHttpFailure('dropped', 'the request was cancelled')),
      failure: (error) => {
        const reason: unknown = controller.signal.reason;
        return reason instanceof UpstreamHttpFailure ? reason : failureOfError(error, options.host);
      },
    };
  } catch (error) {
    done();
    if (timedOut) throw new UpstreamHttpFailure('timeout', `${options.host} ${timedOut}`);
    throw failureOfError(controller.signal.reason ?? error, options.host);
  }
}

/** A body read whole, up to `maxBytes`; past that it is cancelled and only its size so far is known. */
export async function readBounded(exchange: Exchange, maxBytes: number): Promise<{ body: Buffer } | { oversize: number }> {
  const chunks: Buffer[] = [];
  let bytes = 0;
  const body = exchange.response.body;
  if (!body) return { body: Buffer.alloc(0) };
  for await (const chunk of body) {
    exchange.touch();
    bytes += chunk.length;
    if (bytes > maxBytes) {
      await body.cancel().catch(() => undefined);
      return { oversize: bytes };
    }
    chunks.push(Buffer.from(chunk));
  }
  return { body: Buffer.concat(chunks) };
}

/** The start of an error body, for the message (bounded: an error page may be large). */
export async function errorText(response: Response): Promise<string> {
  const body = response.body;
  if (!body) return '';
  const chunks: Buffer[] = [];
  let bytes = 0;
  try {
    for await (const chunk of body) {
      chunks.push(Buffer.from(chunk));
      bytes += chunk.length;
      if (bytes >= 2048) break;
    }
  } catch {
    // What arrived is enough.
  }
  await body.cancel().catch(() => undefined);
  return Buffer.concat(chunks).toString('utf8').slice(0, 500);
}

/**
 * A fetch for the sign-in (OAuth metadata, registration, tokens, revocation) that goes through
 * the same proxy settings as the MCP endpoint. Its answers are the platform's own Response
 * objects: the MCP SDK's auth helpers check `instanceof Response`, which undici's class fails.
 */
export function proxyFetch(env: NodeJS.ProcessEnv, connectTimeoutMs = 10_000): (input: string | URL, init?: globalThis.RequestInit) => Promise<globalThis.Response> {
  const dispatcher = proxyDispatcher(env, connectTimeoutMs);
  return async (input, init) => platformResponse(await fetch(input, { ...(init as RequestInit), dispatcher }));
}

/** undici's answer as the platform's Response (read whole: sign-in answers are small JSON documents). */
export async function platformResponse(response: Response): Promise<globalThis.Response> {
  const body = response.status === 204 || response.status === 304 ? null : await response.arrayBuffer();
  return new globalThis.Response(body, { status: response.status, statusText: response.statusText, headers: new globalThis.Headers([...response.headers]) });
}
