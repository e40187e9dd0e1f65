import type { KeyboardEvent } from 'react';
import type { CallRow } from '../../../shared/host-api/index.js';
import { LocalTime } from '../../components/LocalTime.js';
import { CallDecision, latencyText } from './CallDecision.js';

/** The calls, newest first; a row opens its detail on click or Enter. */
export function CallsTable({ rows, selectedId, onSelect }: { rows: readonly CallRow[]; selectedId: string | null; onSelect: (id: string) => void }) {
  const onKey = (event: KeyboardEvent, id: string) => {
    if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      onSelect(id);
    }
  };
  return (
    <div className="table-scroll">
      <table className="calls-table">
        <caption className="visually-hidden">Recent calls, newest first. Select a row for its arguments and result.</caption>
        <thead>
          <tr>
            <th scope="col">Time</th>
            <th scope="col">Client</th>
            <th scope="col">Server</th>
            <th scope="col">Tool, prompt or resource</th>
            <th scope="col">Decision</th>
            <th scope="col">Why</th>
            <th scope="col">Latency</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((call) => (
            <tr
              key={call.id}
              tabIndex={0}
              className={call.id === selectedId ? 'selectable selected' : 'selectable'}
              aria-current={call.id === selectedId ? 'true' : undefined}
              onClick={() => onSelect(call.id)}
              onKeyDown={(e) => onKey(e, call.id)}
            >
              <td>
                <LocalTime iso={call.startedAt} only="time" />
              </td>
              <td>
                {call.client ?? <span className="muted">unknown</span>}
                {call.via !== null && call.via !== 'connect' && <span className="muted"> · {call.via}</span>}
              </td>
              <td>{call.server}</td>
              <td className="mono">{call.key}</td>
              <td>
                <CallDecision call={call} />
              </td>
              <td className="call-reason" title={`${call.rule}: ${call.reason}`}>
                {call.reason}
              </td>
              <td>{latencyText(call)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
