import { describe, expect, it } from 'vitest';
import { menuLabel, plainText } from '../../src/main/display-text.js';

describe('plainText and menuLabel', () => {
  it('removes control, zero-width and bidi-override characters that could disguise a name', () => {
    expect(plainText('read\u200B_file\u202E\u2066\r\n')).toBe('read_file');
  });

  it('caps the length with an ellipsis', () => {
    expect(plainText('x'.repeat(100), 10)).toBe(`${'x'.repeat(9)}…`);
  });

  it('doubles "&" so a menu shows it instead of making a mnemonic', () => {
    expect(menuLabel('R&D tools')).toBe('R&&D tools');
  });
});
