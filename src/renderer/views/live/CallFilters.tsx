import type { Decision } from '../../../shared/host-api/index.js';
import { decisionLabel } from '../../components/decision-label.js';
import { DECISIONS, type CallFilter } from './live-calls.js';

export function CallFilters({ servers, filter, onChange, shown, total }: { servers: readonly string[]; filter: CallFilter; onChange: (filter: CallFilter) => void; shown: number; total: number }) {
  return (
    <div className="toolbar">
      <label>
        Server{' '}
        <select value={filter.server} onChange={(e) => onChange({ ...filter, server: e.target.value })}>
          <option value="">All servers</option>
          {/* A filter on a server whose calls all scrolled away still needs its option. */}
          {[...new Set([...servers, ...(filter.server ? [filter.server] : [])])].map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
      </label>
      <label>
        Decision{' '}
        <select value={filter.decision} onChange={(e) => onChange({ ...filter, decision: e.target.value as Decision | '' })}>
          <option value="">All decisions</option>
          {DECISIONS.map((d) => (
            <option key={d} value={d}>
              {decisionLabel(d)}
            </option>
          ))}
        </select>
      </label>
      <span className="muted" role="status">
        {shown === total ? `${total} ${total === 1 ? 'call' : 'calls'}` : `${shown} of ${total} calls`}
      </span>
    </div>
  );
}
