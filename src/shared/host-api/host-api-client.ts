import { HOST_API_METHOD_NAMES, HostApiEventSchema, parseHostApiParams, parseHostApiResult, HostApiError, type HostApiEvent, type HostApiMethod, type HostApiParams, type HostApiResult } from './host-api-methods.js';

/**
 * How the window reaches the Host. The Electron preload provides one over IPC, the headless
 * Host's page one over loopback HTTP; the window sees only the HostApi built on top.
 */
export interface HostApiTransport {
  invoke(method: string, params: unknown): Promise<unknown>;
  /** Delivers every event; returns the unsubscribe. `onConnection` says whether events flow, and when not, what the user can do (if anything). */
  subscribe(onEvent: (event: unknown) => void, onConnection?: (connected: boolean, hint?: string) => void): () => void;
}

export type HostApi = {
  [M in HostApiMethod]: (params: HostApiParams<M>) => Promise<HostApiResult<M>>;
} & {
  subscribe(onEvent: (event: HostApiEvent) => void, onConnection?: (connected: boolean, hint?: string) => void): () => void;
};

/** The typed HostApi over a transport: parameters checked before sending, answers and events after receiving. */
export function createHostApi(transport: HostApiTransport): HostApi {
  const call = async <M extends HostApiMethod>(method: M, params: HostApiParams<M>): Promise<HostApiResult<M>> => {
    const checked = parseHostApiParams(method, params);
    return parseHostApiResult(method, await transport.invoke(method, checked));
  };
  const api: Record<string, unknown> = Object.fromEntries(HOST_API_METHOD_NAMES.map((method) => [method, (params: unknown) => call(method, params as never)]));
  api.subscribe = (onEvent: (event: HostApiEvent) => void, onConnection?: (connected: boolean, hint?: string) => void) =>
    transport.subscribe((raw) => {
      const parsed = HostApiEventSchema.safeParse(raw);
      // An event of an unknown shape is dropped: the window then refreshes from queries.
      if (parsed.success) onEvent(parsed.data);
    }, onConnection);
  return api as unknown as HostApi;
}

export { HostApiError };
