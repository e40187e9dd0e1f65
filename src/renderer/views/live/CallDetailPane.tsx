import type { CallRow } from '../../../shared/host-api/index.js';
import { ErrorState, Loading } from '../../components/states.js';
import { useHostQuery } from '../../host-api-context.js';
import { CallDecision, latencyText } from './CallDecision.js';
import { reviewHref } from './review-link.js';

/** JSON as the Host sent it (already redacted of known secrets), indented for reading; the Host sends null for "none". */
function prettyJson(value: unknown, missing: string): string {
  if (value === undefined || value === null) return missing;
  return JSON.stringify(value, null, 2);
}

/** One call's arguments and result, from the Host's memory of recent calls. */
export function CallDetailPane({ call, onClose }: { call: CallRow; onClose: () => void }) {
  const detail = useHostQuery(
    (api) => api.callDetail({ id: call.id }),
    // A running call's result arrives with its finished event.
    (e) => e.type === 'call.finished' && e.call.id === call.id,
    [call.id],
  );
  const review = reviewHref(call);
  return (
    <section className="panel call-detail" aria-labelledby="call-detail-title">
      <div className="pane-head">
        <h3 id="call-detail-title" className="mono">
          {call.key}
        </h3>
        <button type="button" onClick={onClose}>
          Close
        </button>
      </div>
      <dl className="facts">
        <dt>Server</dt>
        <dd>{call.server}</dd>
        <dt>Client</dt>
        <dd>{call.client ?? 'unknown'}</dd>
        <dt>Came through</dt>
        <dd>{call.via === null ? 'not recorded' : call.via === 'connect' ? 'airlock connect' : `the MCP endpoint, ${call.via}`}</dd>
        <dt>Method</dt>
        <dd className="mono">{call.method}</dd>
        <dt>Decision</dt>
        <dd>
          <CallDecision call={call} />
        </dd>
        <dt>Why</dt>
        <dd>
          {call.reason} <span className="muted">(rule {call.rule})</span>
          {review !== null && (
            <>
              {' '}
              <a href={review}>Open it in Review</a>
            </>
          )}
        </dd>
        {call.finalReason !== null && (
          <>
            <dt>Answer</dt>
            <dd>{call.finalReason}</dd>
          </>
        )}
        <dt>Latency</dt>
        <dd>{latencyText(call)}</dd>
      </dl>
      {detail.status === 'loading' || (detail.status === 'ready' && detail.data.id !== call.id) ? (
        <Loading what="the call's contents" />
      ) : detail.status === 'error' ? (
        <ErrorState error={detail.error} retry={detail.reload} />
      ) : !detail.data.available ? (
        <p className="muted">
          Arguments and result not kept: Airlock keeps a call's contents in memory only, for recent calls since the Host last started
          {call.restored ? '. This call was made before that; the audit log holds only hashes of what it carried.' : '.'}
        </p>
      ) : (
        <>
          <h4>Arguments</h4>
          <pre className="json-block">{prettyJson(detail.data.arguments, '(none)')}</pre>
          <h4>Result</h4>
          <pre className="json-block">{prettyJson(detail.data.result, call.latencyMs === null ? '(no result yet: the call is running)' : '(none)')}</pre>
        </>
      )}
    </section>
  );
}
