import type { Hold } from '../../../shared/host-api/index.js';
import { VisibleText } from '../../components/VisibleText.js';
import { useHostQuery } from '../../host-api-context.js';
import { Countdown } from './Countdown.js';

/**
 * The calls held until this item is answered: what each wants to do (its arguments, as the
 * Host keeps them in memory, redacted of secrets) and the time left before its timeout denies it.
 */
export function PendingCalls({ calls }: { calls: readonly Hold[] }) {
  if (calls.length === 0) return <p className="muted">No call is waiting on it.</p>;
  return (
    <ul className="review-calls">
      {calls.map((call) => (
        <li key={call.id}>
          call from <strong className="review-call-client">{call.client === null ? 'a client that gave no name' : <VisibleText text={call.client} />}</strong> (session <code>{call.sessionId}</code>), waiting since {new Date(call.openedAt).toLocaleTimeString()}: <Countdown expiresAt={call.expiresAt} />
          {call.callId !== null && <HeldArguments callId={call.callId} />}
        </li>
      ))}
    </ul>
  );
}

function HeldArguments({ callId }: { callId: string }) {
  const detail = useHostQuery((api) => api.callDetail({ id: callId }), undefined, [callId]);
  if (detail.status !== 'ready' || !detail.data.available) return null;
  return (
    <div className="review-call-args">
      <span className="muted">with arguments</span>
      <pre className="json-block">
        <VisibleText text={JSON.stringify(detail.data.arguments, null, 2) ?? 'null'} />
      </pre>
    </div>
  );
}
