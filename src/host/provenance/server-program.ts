import { displayCommand } from '../../clients/command-display.js';
import { describeProvenance } from '../../engine/drift/provenance-diff.js';
import { getServerConfig } from '../../engine/store/server-configs.js';
import type { Store } from '../../engine/store/index.js';
import { HostApiError } from '../../shared/host-api/index.js';
import type { PinResult, ServerProgram } from '../../shared/host-api/provenance.js';
import { approvedProvenance, pinnedArgs, pinServer, pinStatus, PinRefusedError } from './pin-server.js';

/** The Servers view's program row: what was approved, what ran last, and what Pin would do. */
export function serverProgram(store: Store, server: string): ServerProgram {
  const config = getServerConfig(store, server);
  if (!config) throw new HostApiError(`there is no server named "${server}" configured; the list may be out of date: look at Servers again`);
  const approved = approvedProvenance(store, server);
  const live = store.getServer(server)?.liveSurface?.provenance ?? null;
  let pinTo: string | null = null;
  let cannotPin: string | null = null;
  try {
    pinTo = pinnedArgs(config, approved).to;
  } catch (error) {
    if (!(error instanceof PinRefusedError)) throw error;
    cannotPin = error.message;
  }
  const line = approved ? describeProvenance(approved) : live ? `${describeProvenance(live)} (not approved yet)` : 'not recorded yet: it is recorded when the server next starts';
  return { server, approved, live, line, pinned: pinStatus(config), pinTo, cannotPin };
}

/** The window's Pin: the same rewrite and audit event as `airlock servers pin`. */
export function pinServerFromWindow(store: Store, server: string): PinResult {
  try {
    const result = pinServer(store, server);
    return { server, from: result.from, to: result.to, commandLine: displayCommand(getServerConfig(store, server)?.command ?? '', result.args) };
  } catch (error) {
    if (error instanceof PinRefusedError) throw new HostApiError(`${error.message}; nothing was changed`);
    throw error;
  }
}
