import { useState } from 'react';
import type { QuarantineEntry, ReviewItem } from '../../../shared/host-api/index.js';
import { useHostApi } from '../../host-api-context.js';
import { VisibleText } from '../../components/VisibleText.js';
import { DefinitionDiff } from './DefinitionDiff.js';
import { FindingsList } from './FindingsList.js';

type Step = { at: 'idle' } | { at: 'confirming' } | { at: 'sending' } | { at: 'failed'; error: string };

function entryName(entry: QuarantineEntry): string {
  return entry.scope === 'server' ? `server "${entry.server}"` : `${entry.kind} "${entry.key}" on "${entry.server}"`;
}

/** The entry as a review item, so its approved and live definitions are shown exactly as in the inbox. */
function asItem(entry: QuarantineEntry): ReviewItem {
  const status = entry.approved === null ? 'added' : 'changed';
  return { server: entry.server, state: entry.state, kind: entry.kind ?? 'tool', key: entry.key ?? '', status, hash: entry.hash, surfaceHash: null, findings: entry.findings, approved: entry.approved, live: entry.live, quarantined: true, pendingCalls: [] };
}

/**
 * What the user said no to, each with its way back. Release first shows what it will approve,
 * then approves by the hash that was shown: the item's live definition, or for a quarantined
 * server its live surface as a new generation.
 */
export function QuarantinedSection({ entries, onReleased }: { entries: readonly QuarantineEntry[]; onReleased: (notice: string) => void }) {
  if (entries.length === 0) return null;
  return (
    <section className="quarantined-section" aria-label="Quarantined">
      <h2>Quarantined ({entries.length})</h2>
      <p className="muted">You answered no to these: their calls are denied and they are not served. Release one to approve what it is now.</p>
      <ul className="quarantined-list">
        {entries.map((entry) => (
          <li key={`${entry.server}\u0000${entry.scope}\u0000${entry.kind ?? ''}\u0000${entry.key ?? ''}`}>
            <QuarantinedEntry entry={entry} onReleased={onReleased} />
          </li>
        ))}
      </ul>
    </section>
  );
}

function QuarantinedEntry({ entry, onReleased }: { entry: QuarantineEntry; onReleased: (notice: string) => void }) {
  const api = useHostApi();
  const [step, setStep] = useState<Step>({ at: 'idle' });
  const name = entryName(entry);
  const blocked = entry.hash === null ? 'The server no longer lists it, so there is nothing to release.' : entry.scope === 'item' && entry.state === 'RED' ? `Release the server "${entry.server}" first.` : null;
  const release = async () => {
    if (entry.hash === null) return;
    setStep({ at: 'sending' });
    try {
      // The hash that was on screen, never refetched: if the server changed meanwhile, the Host refuses.
      const result = await api.approve(entry.scope === 'server' ? { server: entry.server, hash: entry.hash } : { server: entry.server, kind: entry.kind ?? 'tool', key: entry.key ?? '', hash: entry.hash });
      setStep({ at: 'idle' });
      onReleased(`Released ${name}: approved by ${entry.hash}; "${entry.server}" is ${result.state}, generation ${result.generation}.`);
    } catch (error) {
      setStep({ at: 'failed', error: error instanceof Error ? error.message : String(error) });
    }
  };
  return (
    <article className="quarantined-entry" aria-label={`Quarantined ${name}`}>
      <h3>
        {entry.scope === 'server' ? (
          <>
            {entry.server} <span className="review-quarantined">whole server (RED)</span>
          </>
        ) : (
          <>
            {entry.server} / <span className="muted">{entry.kind}</span> <VisibleText text={entry.key ?? ''} />
          </>
        )}
      </h3>
      <p className="muted">
        <VisibleText text={entry.reason} />
      </p>
      {blocked !== null ? (
        <p className="muted">{blocked}</p>
      ) : step.at === 'idle' ? (
        <button type="button" onClick={() => setStep({ at: 'confirming' })}>
          Release…
        </button>
      ) : (
        <div className="approval-summary" role="region" aria-label={`Release ${name}?`}>
          {entry.scope === 'server' ? (
            <>
              <p>
                Releasing approves what "{entry.server}" lists now as a new generation (surface <code>{entry.hash}</code>).
              </p>
              {entry.changes.length === 0 ? (
                <p>It lists exactly what you approved before.</p>
              ) : (
                <ul aria-label="What this approves">
                  {entry.changes.map((c) => (
                    <li key={`${c.kind}\u0000${c.key}`}>
                      {c.kind} <VisibleText text={c.key} />: {c.status === 'added' ? 'new' : c.status}
                    </li>
                  ))}
                </ul>
              )}
            </>
          ) : (
            <>
              <p>
                Releasing approves its live definition (item <code>{entry.hash}</code>):
              </p>
              <DefinitionDiff item={asItem(entry)} />
            </>
          )}
          {entry.findings.length > 0 && <FindingsList findings={entry.findings} />}
          <div className="toolbar">
            <button type="button" className="primary" disabled={step.at === 'sending'} onClick={() => void release()}>
              Confirm release
            </button>
            <button type="button" disabled={step.at === 'sending'} onClick={() => setStep({ at: 'idle' })}>
              Cancel
            </button>
          </div>
          {step.at === 'failed' && (
            <p className="review-error" role="alert">
              Could not release {name}: {step.error}
            </p>
          )}
        </div>
      )}
    </article>
  );
}
