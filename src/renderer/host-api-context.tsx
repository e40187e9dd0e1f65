import { createContext, useCallback, useContext, useEffect, useRef, useState, type ReactNode } from 'react';
import type { HostApi, HostApiEvent } from '../shared/host-api/index.js';

const HostApiContext = createContext<HostApi | null>(null);

export function HostApiProvider({ api, children }: { api: HostApi; children: ReactNode }) {
  return <HostApiContext.Provider value={api}>{children}</HostApiContext.Provider>;
}

/** The HostApi of this window (IPC in the app, loopback HTTP in the browser; the views never know which). */
export function useHostApi(): HostApi {
  const api = useContext(HostApiContext);
  if (api === null) throw new Error('useHostApi outside HostApiProvider');
  return api;
}

/**
 * Calls `onEvent` for every Host event while the component is mounted, and `onReconnect` when
 * the events flow again after a break (a restarted Host): what happened meanwhile sent no event.
 */
export function useHostEvents(onEvent: (event: HostApiEvent) => void, onReconnect?: () => void): void {
  const api = useHostApi();
  const latest = useRef(onEvent);
  latest.current = onEvent;
  const reconnected = useRef(onReconnect);
  reconnected.current = onReconnect;
  useEffect(() => {
    let down = false;
    return api.subscribe(
      (event) => latest.current(event),
      (connected) => {
        if (!connected) down = true;
        else if (down) {
          down = false;
          reconnected.current?.();
        }
      },
    );
  }, [api]);
}

export type Loaded<T> = { status: 'loading' } | { status: 'error'; error: string } | { status: 'ready'; data: T };

/**
 * Loads with `load` now and whenever `reloadOn` says an event matters (or `reload()` is
 * called); keeps the last good data while reloading, so the view does not flicker.
 */
export function useHostQuery<T>(load: (api: HostApi) => Promise<T>, reloadOn?: (event: HostApiEvent) => boolean, deps: readonly unknown[] = []): Loaded<T> & { reload: () => void } {
  const api = useHostApi();
  const [state, setState] = useState<Loaded<T>>({ status: 'loading' });
  const [tick, setTick] = useState(0);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  useEffect(() => {
    let live = true;
    load(api).then(
      (data) => live && setState({ status: 'ready', data }),
      (error: unknown) => live && setState({ status: 'error', error: error instanceof Error ? error.message : String(error) }),
    );
    return () => {
      live = false;
    };
    // `load` is a new function every render; `deps` say when what it loads changes.
  }, [api, tick, ...deps]);
  useHostEvents((event) => {
    if (reloadOn?.(event)) reload();
  }, reload);
  return { ...state, reload };
}
