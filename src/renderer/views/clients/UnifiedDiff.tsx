import { VisibleText } from '../../components/VisibleText.js';
import { unifiedDiffLines } from './clients-text.js';

const CLASS = { add: 'diff-add', del: 'diff-del', hunk: 'muted', header: 'muted', context: '' } as const;

/** A file's unified diff, line by line: added lines marked + and removed lines marked -, in text and colour. */
export function UnifiedDiff({ diff, label }: { diff: string; label: string }) {
  if (diff.trim() === '') return <p className="muted">No change to this file's text.</p>;
  return (
    <pre className="unified-diff" aria-label={label}>
      {unifiedDiffLines(diff).map((line, i) => (
        <span key={i} className={`unified-diff-line ${CLASS[line.kind]}`.trim()}>
          <VisibleText text={line.text === '' ? ' ' : line.text} />
          {'\n'}
        </span>
      ))}
    </pre>
  );
}
