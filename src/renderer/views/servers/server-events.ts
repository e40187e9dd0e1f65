import type { HostApiEvent } from '../../../shared/host-api/index.js';

/** The events that change what the Servers view shows: a state, a surface, a hold, a server added or removed, a sign-in lapsed or restored. With `server`, only that server's. */
export function changesServers(event: HostApiEvent, server?: string): boolean {
  switch (event.type) {
    case 'state.changed':
    case 'trust.changed':
    case 'surface.changed':
    case 'servers.changed':
    case 'auth.required':
    case 'auth.restored':
      return server === undefined || event.server === server;
    case 'hold.opened':
    case 'hold.resolved':
      return server === undefined || event.hold.server === server;
    default:
      return false;
  }
}
