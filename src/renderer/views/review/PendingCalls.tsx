import type { Hold } from '../../../shared/host-api/index.js';
import { Countdown } from './Countdown.js';

/** The calls held until this item is answered, each with the time left before its timeout denies it. */
export function PendingCalls({ calls }: { calls: readonly Hold[] }) {
  if (calls.length === 0) return <p className="muted">No call is waiting on it.</p>;
  return (
    <ul className="review-calls">
      {calls.map((call) => (
        <li key={call.id}>
          call from session <code>{call.sessionId}</code>, waiting since {new Date(call.openedAt).toLocaleTimeString()}: <Countdown expiresAt={call.expiresAt} />
        </li>
      ))}
    </ul>
  );
}
