import type { ReviewItem } from '../../../shared/host-api/index.js';
import { FindingsList } from './FindingsList.js';
import { PendingCalls } from './PendingCalls.js';

/** What an answer rests on, the same for one item and a first-seen server: the last error, the findings, the calls waiting. */
export function AnswerEvidence({ error, findings, pendingCalls }: { error: string | null; findings: ReviewItem['findings']; pendingCalls: ReviewItem['pendingCalls'] }) {
  return (
    <>
      {error !== null && (
        <p className="review-error" role="alert">
          {error}
        </p>
      )}
      <h4>Findings</h4>
      <FindingsList findings={findings} />
      <h4>Calls waiting on it</h4>
      <PendingCalls calls={pendingCalls} />
    </>
  );
}
