import { timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export const REDIRECT_PATH = '/airlock/oauth/callback';
export const DEFAULT_SIGN_IN_TIMEOUT_MS = 5 * 60_000;

export interface LoopbackRedirect {
  /** `http://127.0.0.1:PORT/airlock/oauth/callback`, the redirect URI to register and send. */
  readonly redirectUrl: string;
  /** The authorization code, once the browser returns with the expected state. */
  readonly code: Promise<string>;
  close(): Promise<void>;
}

/**
 * Listens once for the authorization server's redirect (RFC 8252 §7.3): on 127.0.0.1 only (never
 * a name that could resolve elsewhere, never all interfaces), on a port the system picks, at one
 * exact path. The first request to that path settles it, right or wrong: a wrong `state` is
 * refused and ends the sign-in (it may be a forged response), and the listener closes.
 */
export async function listenForRedirect(options: { server: string; state: string; timeoutMs?: number }): Promise<LoopbackRedirect> {
  let settle!: { resolve(code: string): void; reject(error: Error): void };
  const code = new Promise<string>((resolve, reject) => (settle = { resolve, reject }));
  code.catch(() => undefined); // the caller awaits it; an early rejection must not go unhandled meanwhile
  let done = false;
  const finish = (outcome: { code: string } | { error: Error }): void => {
    if (done) return;
    done = true;
    clearTimeout(timer);
    if ('code' in outcome) settle.resolve(outcome.code);
    else settle.reject(outcome.error);
  };

  const listener = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (req.method !== 'GET' || url.pathname !== REDIRECT_PATH || done) {
      answer(res, 404, 'Not found', 'This address is not waiting for a sign-in.');
      return;
    }
    const outcome = readRedirect(url, options);
    if ('code' in outcome) answer(res, 200, 'Signed in', `Airlock is signed in to "${options.server}". You can close this tab.`);
    else answer(res, 400, 'Sign-in failed', `${outcome.error.message} You can close this tab.`);
    finish(outcome);
    // One use: the listener closes once the page has gone out.
    res.once('finish', () => void close());
  });
  await new Promise<void>((resolve, reject) => {
    listener.once('error', reject);
    listener.listen(0, '127.0.0.1', () => resolve());
  });
  const timeoutMs = options.timeoutMs ?? DEFAULT_SIGN_IN_TIMEOUT_MS;
  const timer = setTimeout(() => {
    finish({ error: new Error(`the sign-in to "${options.server}" timed out after ${Math.round(timeoutMs / 1000)} s without an answer from the browser. Try again with: airlock servers login ${options.server}`) });
    void close();
  }, timeoutMs);
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= new Promise<void>((resolve) => {
      listener.close(() => resolve());
      listener.closeAllConnections();
    });
    if (!done) finish({ error: new Error(`the sign-in to "${options.server}" was cancelled.`) });
    return closing;
  };
  const { port } = listener.address() as AddressInfo;
  return { redirectUrl: `http://127.0.0.1:${port}${REDIRECT_PATH}`, code, close };
}

function readRedirect(url: URL, options: { server: string; state: string }): { code: string } | { error: Error } {
  const state = url.searchParams.get('state') ?? '';
  if (!sameText(state, options.state)) {
    return { error: new Error(`the sign-in answer for "${options.server}" did not carry the state Airlock sent, so it was refused (it may not come from your sign-in). Try again with: airlock servers login ${options.server}`) };
  }
  const error = url.searchParams.get('error');
  if (error !== null) {
    const description = url.searchParams.get('error_description');
    return { error: new Error(`the authorization server refused the sign-in to "${options.server}": ${error}${description ? ` (${description})` : ''}. Try again with: airlock servers login ${options.server}`) };
  }
  const code = url.searchParams.get('code');
  if (!code) return { error: new Error(`the sign-in answer for "${options.server}" carried no authorization code. Try again with: airlock servers login ${options.server}`) };
  return { code };
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

function answer(res: http.ServerResponse, status: number, title: string, text: string): void {
  const escaped = text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'content-security-policy': "default-src 'none'",
    'referrer-policy': 'no-referrer',
    'cache-control': 'no-store',
    connection: 'close',
  });
  res.end(`<!doctype html>\n<html><head><meta charset="utf-8"><title>Airlock: ${title}</title></head><body><p>${escaped}</p></body></html>\n`);
}
