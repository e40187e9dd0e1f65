import { parseHostApiResult, type HostApiEvent } from '../shared/host-api/index.js';
import { realTimers, type Timers } from './timers.js';
import type { TraySnapshot } from './tray-controller.js';

/** The HostApi as the main process has it (HostApiService). */
export interface HostApiSource {
  invoke(method: string, params: unknown): Promise<unknown>;
  subscribe(listener: (event: HostApiEvent) => void): () => void;
}

export interface TrayFeedOptions {
  /** Events arriving this close together cause one reload. */
  delayMs?: number;
  timers?: Timers;
  onError?: (error: Error) => void;
}

const RELEVANT = new Set<HostApiEvent['type']>(['hold.opened', 'hold.resolved', 'state.changed', 'trust.changed', 'surface.changed']);

/**
 * Loads what the tray shows now and again after every event that changes it (a burst of holds
 * causes one reload, and never two at once). Returns the stop.
 */
export function followTraySnapshot(source: HostApiSource, onSnapshot: (snapshot: TraySnapshot) => void, options: TrayFeedOptions = {}): () => void {
  const { delayMs = 150, timers = realTimers, onError = () => undefined } = options;
  let timer: unknown;
  let loading = false;
  let again = false;
  let stopped = false;

  const load = async (): Promise<void> => {
    if (loading) {
      again = true;
      return;
    }
    loading = true;
    try {
      do {
        again = false;
        const [servers, review] = await Promise.all([source.invoke('servers', {}), source.invoke('review', {})]);
        if (!stopped) onSnapshot({ servers: parseHostApiResult('servers', servers), review: parseHostApiResult('review', review) });
      } while (again && !stopped);
    } catch (error) {
      onError(error as Error);
    } finally {
      loading = false;
    }
  };

  const unsubscribe = source.subscribe((event) => {
    if (stopped || !RELEVANT.has(event.type) || timer !== undefined) return;
    timer = timers.setTimeout(() => {
      timer = undefined;
      void load();
    }, delayMs);
  });
  void load();
  return () => {
    stopped = true;
    unsubscribe();
    if (timer !== undefined) timers.clearTimeout(timer);
  };
}
