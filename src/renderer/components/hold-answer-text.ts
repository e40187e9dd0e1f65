import type { CallRow } from '../../shared/host-api/index.js';
import { durationText } from '../../shared/duration-text.js';

/**
 * Who or what ended a held call, in the user's words ("timed out after 2 min, denied", "allowed
 * once by you"); null while it waits or when the Host did not say. The Live view and the Review
 * view's history both say it this way; the Host's own sentence (finalReason) is the tooltip.
 */
export function holdAnswerText(call: CallRow): string | null {
  const denied = call.finalDecision === 'DENY';
  switch (call.answeredBy) {
    case 'timeout':
      return `timed out after ${call.latencyMs === null ? 'its wait' : durationText(call.latencyMs)}, denied`;
    case 'you':
      return denied ? 'denied by you' : call.allowedOnce ? 'allowed once by you' : 'allowed by you';
    case 'client-left':
      return 'denied: the client left while it waited';
    case 'host-stopped':
      return 'denied: Airlock stopped while it waited';
    case 'server-quarantined':
      return 'denied: the server was quarantined';
    case 'server-changed':
      return 'denied: the server no longer offers it';
    default:
      return null;
  }
}
