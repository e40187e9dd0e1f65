import { render } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { VisibleText } from '../../src/renderer/components/VisibleText.js';

describe('VisibleText', () => {
  it('renders each invisible character as a marked span titled with its code point and name', () => {
    const { container } = render(<VisibleText text={'a\u200Bb\u{E0041}'} />);
    const marks = [...container.querySelectorAll('span.invisible-char')];
    expect(marks.map((m) => [m.textContent, m.getAttribute('title')])).toEqual([
      ['⟨U+200B⟩', 'U+200B ZERO WIDTH SPACE'],
      ['⟨U+E0041⟩', 'U+E0041 TAG CHARACTER for "A"'],
    ]);
    expect(container.textContent).toBe('a⟨U+200B⟩b⟨U+E0041⟩');
  });
});
