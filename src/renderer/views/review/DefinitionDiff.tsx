import type { ReviewItem } from '../../../shared/host-api/index.js';
import { structureOf, textFields } from './definition-diff.js';
import { SchemaDiff } from './SchemaDiff.js';
import { WordDiff, type DiffSides } from './WordDiff.js';

/** Approved vs live: prose word by word, then the rest of the definition line by line. A new item has only a live side, a removed one only an approved side. */
export function DefinitionDiff({ item }: { item: ReviewItem }) {
  const sides: DiffSides = item.status === 'added' ? 'live' : item.status === 'removed' ? 'approved' : 'both';
  const approved = sides === 'live' ? null : item.approved;
  const live = sides === 'approved' ? null : item.live;
  const structure = { approved: structureOf(approved), live: structureOf(live) };
  return (
    <div className="review-definition">
      {textFields(approved, live).map((f) => (
        <WordDiff key={f.field} field={f.field} approved={f.approved} live={f.live} sides={sides} />
      ))}
      {(structure.approved !== undefined || structure.live !== undefined) && <SchemaDiff approved={structure.approved} live={structure.live} sides={sides} />}
    </div>
  );
}
