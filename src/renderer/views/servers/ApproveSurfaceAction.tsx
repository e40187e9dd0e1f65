import { useState } from 'react';
import type { ItemRef, QuarantinedItem, ServerState } from '../../../shared/host-api/index.js';
import { ShortHash } from '../../components/ShortHash.js';
import { useHostApi } from '../../host-api-context.js';
import { approvalSummary, type ApprovalRow, type ApprovalSummary } from './approval-summary.js';
import { ApprovalSummaryView, rowId } from './ApprovalSummaryView.js';

type Step =
  | { at: 'idle' }
  | { at: 'loading' }
  | { at: 'summary'; summary: ApprovalSummary; surfaceHash: string; sending: boolean; error: string | null }
  | { at: 'failed'; error: string };

export interface ApproveSurfaceProps {
  server: string;
  state: ServerState;
  generation: number;
  surfaceHash: string | null;
  quarantinedItems: readonly QuarantinedItem[];
  onDone: (notice: string) => void;
}

/**
 * Approves the whole live surface as the new baseline, in two steps: first what it approves
 * (every item that changes, its findings and diff, the items you quarantined), then your
 * confirmation. The approval is bound to the hash the summary showed, and names the
 * quarantined items you ticked; every other quarantined item stays quarantined.
 */
export function ApproveSurfaceAction({ server, state, generation, surfaceHash, quarantinedItems, onDone }: ApproveSurfaceProps) {
  const api = useHostApi();
  const [step, setStep] = useState<Step>({ at: 'idle' });
  const [released, setReleased] = useState<ReadonlySet<string>>(new Set());

  if (surfaceHash === null) {
    return <p className="muted action">The server has not listed its tools yet, so there is nothing it offers yet to approve. It lists when a client connects.</p>;
  }
  const open = async () => {
    setStep({ at: 'loading' });
    setReleased(new Set());
    try {
      const items = await api.review({ server });
      // The hash the items were computed against is the one the user is shown and approves.
      const shown = items[0]?.surfaceHash ?? surfaceHash;
      setStep({ at: 'summary', summary: approvalSummary(items, quarantinedItems), surfaceHash: shown, sending: false, error: null });
    } catch (error) {
      setStep({ at: 'failed', error: error instanceof Error ? error.message : String(error) });
    }
  };
  const release = (row: ApprovalRow, on: boolean) => {
    const next = new Set(released);
    if (on) next.add(rowId(row));
    else next.delete(rowId(row));
    setReleased(next);
  };
  const confirm = async (summary: ApprovalSummary, hash: string) => {
    setStep({ at: 'summary', summary, surfaceHash: hash, sending: true, error: null });
    const names: ItemRef[] = summary.rows.filter((r) => r.quarantine !== null && released.has(rowId(r))).map((r) => ({ kind: r.kind, key: r.key }));
    try {
      const result = await api.approve({ server, hash, ...(names.length > 0 ? { release: names } : {}) });
      setStep({ at: 'idle' });
      const kept = summary.counts.quarantined - names.length;
      onDone(
        `Approved what "${server}" offers now: it is ${result.state} at approved version ${result.generation}.` +
          (names.length > 0 ? ` Released from quarantine: ${names.map((n) => n.key).join(', ')}.` : '') +
          (kept > 0 ? ` ${kept} quarantined ${kept === 1 ? 'item stays' : 'items stay'} quarantined.` : ''),
      );
    } catch (error) {
      setStep({ at: 'summary', summary, surfaceHash: hash, sending: false, error: error instanceof Error ? error.message : String(error) });
    }
  };

  if (step.at === 'summary') {
    const { summary, surfaceHash: hash, sending, error } = step;
    const ticked = summary.rows.filter((r) => r.quarantine !== null && released.has(rowId(r))).length;
    return (
      <section className="action approval-summary" aria-labelledby="approval-summary-title">
        <ApprovalSummaryView server={server} state={state} nextGeneration={generation + 1} surfaceHash={hash} summary={summary} released={released} onRelease={release} />
        <div className="toolbar">
          <button type="button" className="primary" disabled={sending} onClick={() => void confirm(summary, hash)}>
            Confirm approval{ticked > 0 ? ` and release ${ticked}` : ''}
          </button>{' '}
          <button type="button" disabled={sending} onClick={() => setStep({ at: 'idle' })}>
            Cancel
          </button>
          {sending && (
            <span className="muted" role="status">
              approving…
            </span>
          )}
        </div>
        {error !== null && (
          <p className="action-error" role="alert">
            Could not approve "{server}": {error}
          </p>
        )}
      </section>
    );
  }
  return (
    <div className="action">
      <button type="button" className="primary" disabled={step.at === 'loading'} onClick={() => void open()}>
        Review and approve what it offers now…
      </button>{' '}
      <span className="muted" title="the live surface hash">what it offers now</span> <ShortHash hash={surfaceHash} />
      {step.at === 'failed' && (
        <p className="action-error" role="alert">
          Could not show what approving "{server}" changes: {step.error}
        </p>
      )}
    </div>
  );
}
