import type { WordPart } from './definition-diff.js';
import { wordDiff } from './definition-diff.js';
import { VisibleText } from '../../components/VisibleText.js';

export type DiffSides = 'both' | 'approved' | 'live';

function Words({ parts }: { parts: readonly WordPart[] }) {
  return (
    <>
      {parts.map((part, i) =>
        part.change === 'removed' ? (
          <del key={i} className="diff-del" title="removed">
            <VisibleText text={part.text} />
          </del>
        ) : part.change === 'added' ? (
          <ins key={i} className="diff-add" title="added">
            <VisibleText text={part.text} />
          </ins>
        ) : (
          <VisibleText key={i} text={part.text} />
        ),
      )}
    </>
  );
}

function Side({ label, parts, absent }: { label: string; parts: readonly WordPart[]; absent: boolean }) {
  return (
    <div className="review-side" aria-label={label}>
      <div className="review-side-label">{label}</div>
      {absent ? <p className="muted">(none)</p> : <p className="review-text">{parts.length === 0 ? <span className="muted">(empty)</span> : <Words parts={parts} />}</p>}
    </div>
  );
}

/**
 * One prose field, approved beside live: removed words struck through on the left, added
 * words underlined on the right, invisible characters made visible on both.
 */
export function WordDiff({ field, approved, live, sides }: { field: string; approved: string | null; live: string | null; sides: DiffSides }) {
  const diff = wordDiff(approved ?? '', live ?? '');
  return (
    <section className="review-field" aria-label={field}>
      <h5 className="review-field-name">{field}</h5>
      <div className={sides === 'both' ? 'side-by-side' : undefined}>
        {sides !== 'live' && <Side label={`${field}, approved`} parts={sides === 'both' ? diff.approved : [{ text: approved ?? '', change: 'same' }]} absent={approved === null} />}
        {sides !== 'approved' && <Side label={`${field}, live`} parts={sides === 'both' ? diff.live : [{ text: live ?? '', change: 'same' }]} absent={live === null} />}
      </div>
    </section>
  );
}
