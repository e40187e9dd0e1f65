import { JsonRefusal, MAX_JSON_DEPTH, parseStrictJson } from '../input/strict-json.js';
import { HostApiError, HostApiResponseSchema, type HostApiTransport } from '../shared/host-api/index.js';

/** The Host's answers wrap values bounded at MAX_JSON_DEPTH in a few levels of envelope. */
const ANSWER_DEPTH = MAX_JSON_DEPTH + 8;

const TOKEN_KEY = 'airlock.token';

/**
 * The control token arrives in the URL fragment (`#token=…`), which browsers never send to a
 * server or put in a Referer. It moves to this tab's sessionStorage and leaves the address bar
 * at once, so it is not in history, bookmarks or a screenshot.
 */
export function takeTokenFromLocation(
  location: { hash: string; pathname: string; search: string },
  history: { replaceState(data: unknown, unused: string, url?: string): void },
  storage: { getItem(key: string): string | null; setItem(key: string, value: string): void },
): string {
  const params = new URLSearchParams(location.hash.replace(/^#/, ''));
  const token = params.get('token');
  if (token) {
    storage.setItem(TOKEN_KEY, token);
    history.replaceState(null, '', `${location.pathname}${location.search}#/live`);
    return token;
  }
  return storage.getItem(TOKEN_KEY) ?? '';
}

/**
 * Queries that change nothing, so sending one again after a network failure is harmless. A
 * command (approve, quarantine, install…) is never resent: the failure may have come after the
 * Host acted, and the user decides again on what the window then shows.
 */
const RETRIED_QUERIES: ReadonlySet<string> = new Set(['status', 'servers', 'serverDetail', 'review', 'holds', 'recentCalls', 'callDetail', 'quarantined', 'revertPlan', 'bypassing', 'clientsList', 'clientsInstallPreview', 'clientsRestorePreview', 'auditPage', 'auditVerifyStep', 'serverProgram', 'clientAccess']);

/** Waits between tries of a query while the Host restarts (about 8 s in all). */
export const QUERY_RETRY_MS: readonly number[] = [250, 500, 1_000, 2_000, 4_000];

/** How long the event stream may fail before the window says the Host may have moved. */
export const LOST_AFTER_MS = 15_000;

export const HOST_UNREACHABLE = 'the Airlock host is not answering at this address. If it restarted, open the window again with: airlock open';
const TOKEN_REFUSED = "the Airlock host refused this page's token: open the window again with: airlock open (or the address from: airlock ui-url)";

export interface HttpTransportOptions {
  fetchImpl?: typeof fetch;
  /** The waits between tries (tests pass zeros). */
  queryRetryMs?: readonly number[];
  streamRetryMs?: { first: number; max: number };
  lostAfterMs?: number;
  now?: () => number;
}

/**
 * The HostApi carrier of the headless Host: POST /v1/rpc for calls, a server-sent event stream
 * for events. Both ride out a Host restart: the stream reconnects with backoff (the window shows
 * "reconnecting…", then HOST_UNREACHABLE when it stays away), queries are retried. A restarted
 * Host takes the same port when it is free, and the home's token stays the same.
 */
export function httpTransport(origin: string, token: string, fetchOrOptions: typeof fetch | HttpTransportOptions = {}): HostApiTransport {
  const options: HttpTransportOptions = typeof fetchOrOptions === 'function' ? { fetchImpl: fetchOrOptions } : fetchOrOptions;
  const fetchImpl: typeof fetch = options.fetchImpl ?? ((...args) => fetch(...args));
  const queryRetryMs = options.queryRetryMs ?? QUERY_RETRY_MS;
  const stream = options.streamRetryMs ?? { first: 500, max: 5_000 };
  const lostAfterMs = options.lostAfterMs ?? LOST_AFTER_MS;
  const now = options.now ?? Date.now;
  const headers = { authorization: `Bearer ${token}` };
  const post = async (method: string, params: unknown): Promise<Response> => {
    const waits = RETRIED_QUERIES.has(method) ? queryRetryMs : [];
    for (let attempt = 0; ; attempt++) {
      try {
        return await fetchImpl(`${origin}/v1/rpc`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify({ method, params }) });
      } catch {
        const wait = waits[attempt];
        if (wait === undefined) throw new HostApiError(RETRIED_QUERIES.has(method) ? HOST_UNREACHABLE : `cannot reach the Airlock host, so ${method} may not have been done: once the window reconnects, look again before you retry`);
        await sleep(wait);
      }
    }
  };
  // One event stream for the whole page, however many views listen: a browser gives a host six
  // connections, and a stream per listener would leave none for the calls.
  const events = sharedStream((onEvent, onConnection, signal) => {
    let retryMs = stream.first;
    let downSince: number | null = null;
    let refused = false;
    const run = async (): Promise<void> => {
      while (!signal.aborted) {
        try {
          // fetch, not EventSource: EventSource cannot send the Authorization header, and the token stays out of URLs.
          const response = await fetchImpl(`${origin}/v1/events`, { headers: { ...headers, accept: 'text/event-stream' }, signal });
          refused = response.status === 401;
          if (!response.ok || response.body === null) throw new Error(`HTTP ${response.status}`);
          onConnection(true);
          retryMs = stream.first;
          downSince = null;
          await readEventStream(response.body, onEvent);
        } catch {
          if (signal.aborted) return;
        }
        if (signal.aborted) return;
        downSince ??= now();
        // Still retried: the Host may come back on this port. Past a while, say what else to do.
        onConnection(false, refused ? TOKEN_REFUSED : now() - downSince >= lostAfterMs ? HOST_UNREACHABLE : undefined);
        await sleep(retryMs);
        retryMs = Math.min(retryMs * 2, stream.max);
      }
    };
    void run();
  });
  return {
    async invoke(method, params) {
      const response = await post(method, params);
      if (response.status === 401) throw new HostApiError(TOKEN_REFUSED);
      let json: unknown = null;
      try {
        json = parseStrictJson(await response.text(), { maxDepth: ANSWER_DEPTH });
      } catch (error) {
        if (error instanceof JsonRefusal && error.reason !== 'syntax') throw new HostApiError(`the Airlock host's answer to ${method} was refused: ${error.message}`);
      }
      const body = HostApiResponseSchema.safeParse(json);
      if (!body.success) throw new HostApiError(`the Airlock host answered ${method} with something unexpected (HTTP ${response.status})`);
      if (!body.data.ok) throw new HostApiError(body.data.error);
      return body.data.result;
    },
    subscribe(onEvent, onConnection) {
      return events.add(onEvent, onConnection);
    },
  };
}

type Listener = { onEvent: (event: unknown) => void; onConnection?: ((connected: boolean, hint?: string) => void) | undefined };

/**
 * One source shared by every listener: started by the first, stopped when the last leaves. A
 * listener that arrives while the source is connected is told so at once, as a fresh stream would.
 */
function sharedStream(start: (onEvent: (event: unknown) => void, onConnection: (connected: boolean, hint?: string) => void, signal: AbortSignal) => void) {
  const listeners = new Set<Listener>();
  let controller: AbortController | null = null;
  let connected = false;
  return {
    add(onEvent: Listener['onEvent'], onConnection?: Listener['onConnection']): () => void {
      const listener: Listener = { onEvent, onConnection };
      listeners.add(listener);
      if (controller === null) {
        const own = new AbortController();
        controller = own;
        start(
          (event) => {
            for (const l of [...listeners]) l.onEvent(event);
          },
          (up, hint) => {
            if (own.signal.aborted) return;
            connected = up;
            for (const l of [...listeners]) l.onConnection?.(up, hint);
          },
          own.signal,
        );
      } else if (connected) onConnection?.(true);
      return () => {
        if (!listeners.delete(listener) || listeners.size > 0 || controller === null) return;
        controller.abort();
        controller = null;
        connected = false;
      };
    },
  };
}

/**
 * Reads `data: {json}` events (one line each, blank-line separated) until the stream ends. An
 * event that is not strict JSON (duplicate or "__proto__" keys, nesting past the bound) is
 * dropped, and so is one the view fails on: the views reload from queries on the next event.
 */
export async function readEventStream(body: ReadableStream<Uint8Array>, onEvent: (event: unknown) => void): Promise<void> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += decoder.decode(value, { stream: true });
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const data = block
        .split('\n')
        .filter((line) => line.startsWith('data:'))
        .map((line) => line.slice(5).trimStart())
        .join('\n');
      if (data === '') continue;
      let event: unknown;
      try {
        event = parseStrictJson(data, { maxDepth: ANSWER_DEPTH });
      } catch {
        continue;
      }
      try {
        onEvent(event);
      } catch {
        // One view's failure must not end the stream for the others.
      }
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
