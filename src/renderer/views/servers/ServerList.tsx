import type { ServerSummary } from '../../../shared/host-api/index.js';
import { StateLight } from '../../components/StateLight.js';

export function ServerList({ servers, selected, onSelect }: { servers: readonly ServerSummary[]; selected: string | null; onSelect: (name: string) => void }) {
  return (
    <ul className="server-list" aria-label="Servers">
      {servers.map((s) => (
        <li key={s.name}>
          <button type="button" className={s.name === selected ? 'server-item selected' : 'server-item'} aria-current={s.name === selected ? 'true' : undefined} onClick={() => onSelect(s.name)}>
            <span className="server-item-name">{s.name}</span>
            <StateLight state={s.state} />
            <span className="muted">
              <span title={`generation ${s.generation}`}>{s.generation === 0 ? 'nothing approved yet' : `approved version ${s.generation}`}</span>
              {s.held > 0 && ` · ${s.held} held`}
              {s.pendingCalls > 0 && ` · ${s.pendingCalls} ${s.pendingCalls === 1 ? 'call waits' : 'calls wait'}`}
              {s.configured === false && ' · removed'}
            </span>
          </button>
        </li>
      ))}
    </ul>
  );
}
