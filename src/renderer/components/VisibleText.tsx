import { Fragment } from 'react';
import { visibleSegments } from './visible-chars.js';

/** Definition text with every invisible or control character shown as a marked ⟨U+XXXX⟩. */
export function VisibleText({ text }: { text: string }) {
  return (
    <>
      {visibleSegments(text).map((segment, i) =>
        segment.kind === 'text' ? (
          <Fragment key={i}>{segment.text}</Fragment>
        ) : (
          <span key={i} className="invisible-char" title={segment.title}>
            {segment.label}
          </span>
        ),
      )}
    </>
  );
}
