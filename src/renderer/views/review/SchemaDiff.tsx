import type { DiffLine } from './definition-diff.js';
import { prettyCanonical, sideBySideRows } from './definition-diff.js';
import { VisibleText } from '../../components/VisibleText.js';
import type { DiffSides } from './WordDiff.js';

const MARK = { same: ' ', added: '+', removed: '-' } as const;
const CLASS = { same: 'diff-line', added: 'diff-line diff-add', removed: 'diff-line diff-del' } as const;

function LineCell({ line }: { line: DiffLine | null }) {
  if (line === null) return <td className="diff-line diff-none" />;
  return (
    <td className={CLASS[line.change]}>
      <div className="diff-cell">
        <span className="diff-mark">{MARK[line.change]}</span>
        <span className="diff-text">
          <VisibleText text={line.text} />
        </span>
      </div>
    </td>
  );
}

/**
 * The rest of the definition (schemas, annotations, …) as pretty-printed canonical JSON:
 * approved beside live, changed lines marked "-" and "+" as well as coloured.
 */
export function SchemaDiff({ approved, live, sides }: { approved: unknown; live: unknown; sides: DiffSides }) {
  const approvedText = sides === 'live' ? '' : prettyCanonical(approved);
  const liveText = sides === 'approved' ? '' : prettyCanonical(live);
  if (sides !== 'both') {
    const text = sides === 'live' ? liveText : approvedText;
    return (
      <section className="review-field" aria-label="definition">
        <h5 className="review-field-name">schemas and other fields, {sides === 'live' ? 'live (new item)' : 'approved (removed item)'}</h5>
        <pre className="schema-single">
          <VisibleText text={text} />
        </pre>
      </section>
    );
  }
  const rows = sideBySideRows(approvedText, liveText);
  const unchanged = rows.every((r) => r.kind === 'fold');
  return (
    <section className="review-field" aria-label="definition">
      <h5 className="review-field-name">schemas and other fields{unchanged ? ': unchanged' : ''}</h5>
      {!unchanged && (
        <table className="schema-diff">
          <thead>
            <tr>
              <th scope="col">Approved</th>
              <th scope="col">Live</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row, i) =>
              row.kind === 'fold' ? (
                <tr key={i}>
                  <td colSpan={2} className="diff-fold muted">
                    ⋯ {row.count} unchanged line{row.count === 1 ? '' : 's'}
                  </td>
                </tr>
              ) : (
                <tr key={i}>
                  <LineCell line={row.approved} />
                  <LineCell line={row.live} />
                </tr>
              ),
            )}
          </tbody>
        </table>
      )}
    </section>
  );
}
