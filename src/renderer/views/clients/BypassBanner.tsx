import type { BypassingServer } from '../../../shared/host-api/index.js';
import { bypassId, bypassText } from './clients-text.js';

/** Servers that newly appeared in a client's config without Airlock, until the user dismisses them. */
export function BypassBanner({ servers, onDismiss }: { servers: readonly BypassingServer[]; onDismiss: () => void }) {
  if (servers.length === 0) return null;
  return (
    <div className="bypass-banner" role="alert">
      <strong>New server outside Airlock:</strong>
      <ul>
        {servers.map((s) => (
          <li key={bypassId(s)}>
            {bypassText(s)}
            {s.routable ? '; Preview routing below to route it' : s.reason !== undefined ? ` (it cannot be routed: ${s.reason})` : ''}
          </li>
        ))}
      </ul>
      <button type="button" onClick={onDismiss}>
        Dismiss
      </button>
    </div>
  );
}
