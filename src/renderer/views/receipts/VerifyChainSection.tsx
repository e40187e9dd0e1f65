import { useEffect, useRef, useState } from 'react';
import { useHostApi } from '../../host-api-context.js';
import { checkAuditChain, type ChainCheckOutcome } from './chain-check.js';

type Run = { at: 'idle' } | { at: 'running'; checked: number; total: number } | { at: 'finished'; outcome: ChainCheckOutcome } | { at: 'failed'; error: string } | { at: 'stopped'; checked: number; total: number };

/** Asks the Host to recompute every event's hash and link, step by step, showing how far it got. */
export function VerifyChainSection() {
  const api = useHostApi();
  const [run, setRun] = useState<Run>({ at: 'idle' });
  // Set when the user stops the check or leaves the view: the loop ends after the step in flight.
  const stop = useRef<() => void>(() => undefined);
  useEffect(() => () => stop.current(), []);

  const start = async () => {
    let stopped = false;
    let last = { checked: 0, total: 0 };
    stop.current = () => {
      stopped = true;
    };
    setRun({ at: 'running', checked: 0, total: 0 });
    try {
      const outcome = await checkAuditChain(
        api,
        (step) => {
          last = { checked: step.checked, total: step.total };
          setRun({ at: 'running', ...last });
        },
        () => stopped,
      );
      setRun(outcome === null ? { at: 'stopped', ...last } : { at: 'finished', outcome });
    } catch (error) {
      if (!stopped) setRun({ at: 'failed', error: error instanceof Error ? error.message : String(error) });
    }
  };

  const running = run.at === 'running';
  return (
    <section className="panel receipts-section" aria-labelledby="verify-chain-title">
      <h3 id="verify-chain-title">Verify the chain</h3>
      <p className="muted">The Host recomputes every event's hash and checks that each one names the event before it, so no event was changed, removed or slipped in.</p>
      <div className="toolbar">
        <button type="button" onClick={() => void start()} disabled={running}>
          Verify chain
        </button>
        {running && (
          <button type="button" onClick={() => stop.current()}>
            Stop
          </button>
        )}
      </div>
      {(run.at === 'running' || run.at === 'stopped') && (
        <div className="chain-progress">
          <progress className="progress" value={run.checked} max={Math.max(run.total, 1)} aria-labelledby="chain-progress-text" />
          <p id="chain-progress-text" role="status">
            {run.at === 'stopped' ? 'Stopped. ' : ''}
            {run.total === 0 && run.at === 'running' ? 'Starting the chain check…' : `Checked ${run.checked} of ${run.total} events`}
          </p>
        </div>
      )}
      {run.at === 'finished' && run.outcome.intact && (
        <p className="result result-pass" role="status">
          Chain intact: {run.outcome.checked} events, head <code>{run.outcome.head}</code>
        </p>
      )}
      {run.at === 'finished' && !run.outcome.intact && (
        <p className="result result-fail" role="alert">
          {run.outcome.brokenSeq === null ? 'Chain broken' : `Chain broken at event ${run.outcome.brokenSeq}`}: {run.outcome.reason}
        </p>
      )}
      {run.at === 'failed' && (
        <p className="result result-fail" role="alert">
          Could not finish the chain check: {run.error}
        </p>
      )}
    </section>
  );
}
