import { describe, expect, it } from 'vitest';
import { codePointName, isInvisibleCodePoint, visibleSegments } from '../../src/renderer/components/visible-chars.js';

describe('invisible characters made visible', () => {
  it('marks a zero-width space with its code point and name', () => {
    expect(visibleSegments('ig\u200Bnore')).toEqual([
      { kind: 'text', text: 'ig' },
      { kind: 'invisible', codePoint: 0x200b, label: '⟨U+200B⟩', title: 'U+200B ZERO WIDTH SPACE' },
      { kind: 'text', text: 'nore' },
    ]);
  });

  it('marks bidi embeddings, overrides and isolates', () => {
    const marked = visibleSegments('a\u202Eb\u2066c\u2069d').filter((s) => s.kind === 'invisible');
    expect(marked.map((s) => s.kind === 'invisible' && s.title)).toEqual(['U+202E RIGHT-TO-LEFT OVERRIDE', 'U+2066 LEFT-TO-RIGHT ISOLATE', 'U+2069 POP DIRECTIONAL ISOLATE']);
  });

  it('marks word joiner, byte order mark and zero-width joiners', () => {
    for (const cp of [0x200b, 0x200c, 0x200d, 0x2060, 0xfeff]) expect(isInvisibleCodePoint(cp)).toBe(true);
  });

  it('marks tag characters and says which letter each hides', () => {
    const marked = visibleSegments('ok\u{E0069}\u{E0067}');
    expect(marked.map((s) => (s.kind === 'invisible' ? s.label : s.text))).toEqual(['ok', '⟨U+E0069⟩', '⟨U+E0067⟩']);
    expect(codePointName(0xe0069)).toBe('TAG CHARACTER for "i"');
    expect(isInvisibleCodePoint(0xe0000)).toBe(true);
    expect(isInvisibleCodePoint(0xe007f)).toBe(true);
  });

  it('marks control characters such as ESC and carriage return but keeps newline and tab', () => {
    expect(visibleSegments('a\u001b[31mb\r\n\tc').map((s) => (s.kind === 'invisible' ? s.label : s.text))).toEqual(['a', '⟨U+001B⟩', '[31mb', '⟨U+000D⟩', '\n\tc']);
  });

  it('marks other format characters such as the soft hyphen', () => {
    expect(isInvisibleCodePoint(0xad)).toBe(true);
    expect(codePointName(0xad)).toBe('SOFT HYPHEN');
  });

  it('leaves ordinary text, accents and emoji as one visible run', () => {
    expect(visibleSegments('Café 👍 ok')).toEqual([{ kind: 'text', text: 'Café 👍 ok' }]);
  });
});
