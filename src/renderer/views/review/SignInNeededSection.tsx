import type { Hold, HostApiEvent } from '../../../shared/host-api/index.js';
import { useHostQuery } from '../../host-api-context.js';
import { SignInAction } from '../servers/SignInAction.js';

/** Holds and sign-in changes move calls in and out of this section. */
function changesSignIns(event: HostApiEvent): boolean {
  return event.type === 'auth.required' || event.type === 'auth.restored' || event.type === 'hold.opened' || event.type === 'hold.resolved';
}

/** Calls held because a remote server's sign-in lapsed, by server (a hold with a reason waits for a sign-in, not for a review). */
export function heldForSignIn(holds: readonly Hold[]): Map<string, Hold[]> {
  const byServer = new Map<string, Hold[]>();
  for (const hold of holds) {
    if (hold.reason === undefined) continue;
    byServer.set(hold.server, [...(byServer.get(hold.server) ?? []), hold]);
  }
  return byServer;
}

/**
 * Remote servers whose calls wait for the user to sign in again: what they said, who waits,
 * and Sign in right here. The calls go on once the sign-in comes back.
 */
export function SignInNeededSection({ onNotice }: { onNotice: (notice: string) => void }) {
  const query = useHostQuery((a) => a.holds({}), changesSignIns);
  if (query.status !== 'ready') return null;
  const waiting = heldForSignIn(query.data);
  if (waiting.size === 0) return null;
  return (
    <section className="sign-in-needed-section" aria-label="Sign in needed">
      <h2>Sign in needed ({waiting.size})</h2>
      <ul className="quarantined-list">
        {[...waiting].map(([server, holds]) => (
          <li key={server}>
            <p>
              <strong>{server}</strong>: {holds.length === 1 ? 'a call waits' : `${holds.length} calls wait`} from{' '}
              {[...new Set(holds.map((h) => h.client ?? 'an unnamed client'))].join(', ')}. <span className="muted">{holds[0]?.reason}</span>
            </p>
            <SignInAction server={server} state="expired" onDone={onNotice} />
          </li>
        ))}
      </ul>
    </section>
  );
}
