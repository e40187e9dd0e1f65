import { describe, expect, it } from 'vitest';
import { closestName, unknownNameMessage } from '../../src/cli/name-suggestion.js';

describe('closestName', () => {
  it('finds a typo, an abbreviation and a part of the name', () => {
    const servers = ['filesystem', 'github', 'memory'];
    expect(closestName('githb', servers)).toBe('github');
    expect(closestName('fs', servers)).toBe('filesystem');
    expect(closestName('mem', servers)).toBe('memory');
  });

  it('suggests nothing for a name close to none', () => {
    expect(closestName('postgres', ['filesystem', 'github'])).toBeUndefined();
  });
});

describe('unknownNameMessage', () => {
  it('says the name is unknown and what was probably meant', () => {
    expect(unknownNameMessage('server', 'fs', ['filesystem', 'github'], 'See them with: airlock servers list')).toBe('no server "fs"; did you mean "filesystem"?');
  });

  it('lists the names there are when none is close', () => {
    expect(unknownNameMessage('server', 'zzz', ['filesystem'], 'See them with: airlock servers list')).toBe('no server "zzz"; there is "filesystem". See them with: airlock servers list');
  });
});
