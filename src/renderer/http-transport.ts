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

/** The HostApi carrier of the headless Host: POST /v1/rpc for calls, a server-sent event stream for events. */
export function httpTransport(origin: string, token: string, fetchImpl: typeof fetch = (...args) => fetch(...args)): HostApiTransport {
  const headers = { authorization: `Bearer ${token}` };
  return {
    async invoke(method, params) {
      let response: Response;
      try {
        response = await fetchImpl(`${origin}/v1/rpc`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify({ method, params }) });
      } catch {
        throw new HostApiError('cannot reach the Airlock host: is `airlock serve` still running?');
      }
      if (response.status === 401) throw new HostApiError('the Airlock host refused this page\'s token: open the window again with the address from `airlock ui-url`.');
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
      const controller = new AbortController();
      let retryMs = 500;
      const run = async (): Promise<void> => {
        while (!controller.signal.aborted) {
          try {
            // fetch, not EventSource: EventSource cannot send the Authorization header, and the token stays out of URLs.
            const response = await fetchImpl(`${origin}/v1/events`, { headers: { ...headers, accept: 'text/event-stream' }, signal: controller.signal });
            if (!response.ok || response.body === null) throw new Error(`HTTP ${response.status}`);
            onConnection?.(true);
            retryMs = 500;
            await readEventStream(response.body, onEvent);
          } catch {
            if (controller.signal.aborted) return;
          }
          onConnection?.(false);
          await new Promise((resolve) => setTimeout(resolve, retryMs));
          retryMs = Math.min(retryMs * 2, 5_000);
        }
      };
      void run();
      return () => controller.abort();
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
