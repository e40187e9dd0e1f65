/** The kinds of failure a remote upstream names in its errors, so the client and the Host can tell them apart. */
export type FailureKind = 'unreachable' | 'tls' | 'timeout' | 'redirect' | 'sign-in' | 'forbidden' | 'not-found' | 'server-error' | 'http-status' | 'dropped' | 'oversize' | 'protocol';

/** A failure of one exchange with a remote server; its message is safe to show (no secret values). */
export class UpstreamHttpFailure extends Error {
  constructor(
    readonly kind: FailureKind,
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

const TLS_CODE = /^(ERR_TLS_|ERR_SSL_|CERT_|DEPTH_ZERO_SELF_SIGNED_CERT$|SELF_SIGNED_CERT_IN_CHAIN$|UNABLE_TO_|HOSTNAME_MISMATCH$|ERR_OSSL_)/;

const UNREACHABLE: Record<string, string> = {
  ECONNREFUSED: 'refused the connection (nothing listens at that address)',
  ENOTFOUND: 'could not be found (no such host name)',
  EAI_AGAIN: 'could not be found (the name lookup failed; check your network)',
  ECONNRESET: 'closed the connection',
  EPIPE: 'closed the connection',
  ETIMEDOUT: 'did not answer the connection in time',
  UND_ERR_CONNECT_TIMEOUT: 'did not answer the connection in time',
  ENETUNREACH: 'is on a network this machine cannot reach',
  EHOSTUNREACH: 'is on a network this machine cannot reach',
  UND_ERR_SOCKET: 'closed the connection',
};

/** Names what went wrong when a request to `host` failed before any answer (undici's errors nest their cause). */
export function failureOfError(error: unknown, host: string): UpstreamHttpFailure {
  if (error instanceof UpstreamHttpFailure) return error;
  for (let e: unknown = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth += 1) {
    const code = (e as { code?: unknown }).code;
    if (typeof code !== 'string') continue;
    if (TLS_CODE.test(code)) {
      return new UpstreamHttpFailure('tls', `the TLS connection to ${host} failed (${code}): its certificate is not one this machine trusts. Check the URL; behind a company proxy, add its CA with NODE_EXTRA_CA_CERTS`);
    }
    const what = UNREACHABLE[code];
    if (what) return new UpstreamHttpFailure('unreachable', `${host} is unreachable: it ${what}. Check the URL and that the server runs`);
  }
  const message = error instanceof Error ? error.message : String(error);
  return new UpstreamHttpFailure('unreachable', `${host} is unreachable (${message.slice(0, 200)})`);
}

/** Names an HTTP status that is not an answer. `body` is the start of what the server said, already redacted. */
export function failureOfStatus(status: number, host: string, body: string): UpstreamHttpFailure {
  const said = body.trim() === '' ? '' : ` (it said: ${oneLine(body).slice(0, 200)})`;
  if (status === 401) return new UpstreamHttpFailure('sign-in', `${host} answered 401: sign in again${said}`, status);
  if (status === 403) return new UpstreamHttpFailure('forbidden', `${host} answered 403 (forbidden): the credentials Airlock sends are not allowed to do this${said}`, status);
  if (status === 404) return new UpstreamHttpFailure('not-found', `${host} answered 404 (not found): check the server's URL${said}`, status);
  if (status >= 500) return new UpstreamHttpFailure('server-error', `${host} answered ${status} (a server error): the server failed; try again later${said}`, status);
  return new UpstreamHttpFailure('http-status', `${host} answered ${status}${said}`, status);
}

/** A 3xx of the MCP endpoint: never followed, since the headers and tokens would go wherever it points. */
export function failureOfRedirect(status: number, location: string | null, base: URL): UpstreamHttpFailure {
  let target = 'another address';
  try {
    if (location) target = new URL(location, base).host;
  } catch {
    // A Location that is no URL: still a redirect, still refused.
  }
  return new UpstreamHttpFailure('redirect', `the server redirected to ${target}; Airlock does not follow redirects of an MCP endpoint (HTTP ${status}). If the server moved, change its URL with: airlock servers add`, status);
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ');
}
