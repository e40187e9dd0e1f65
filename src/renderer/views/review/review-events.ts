import type { HostApiEvent } from '../../../shared/host-api/index.js';

/**
 * The events after which the review list (and the Review badge) may differ: a hold opened or
 * ended, a server changed what it offers, or an answer given anywhere (window, terminal, API).
 */
export function changesReview(event: HostApiEvent): boolean {
  return event.type === 'hold.opened' || event.type === 'hold.resolved' || event.type === 'surface.changed' || event.type === 'state.changed' || event.type === 'trust.changed';
}
