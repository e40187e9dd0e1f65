import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { redactSecrets, Secret } from '../../src/host/secret.js';

describe('Secret', () => {
  const secret = new Secret('ghp_abcdef123456');

  it('renders as *** in strings, JSON, util.inspect and nested objects', () => {
    expect(String(secret)).toBe('***');
    expect(`token=${secret}`).toBe('token=***');
    expect('token=' + secret).toBe('token=***');
    expect(JSON.stringify({ token: secret })).toBe('{"token":"***"}');
    expect(inspect(secret)).toBe('***');
    expect(inspect({ env: { TOKEN: secret } }, { depth: 5 })).not.toContain('ghp_');
  });

  it('gives its value through reveal() only', () => {
    expect(secret.reveal()).toBe('ghp_abcdef123456');
    expect(Object.keys(secret)).toEqual([]);
    expect(Object.values(secret)).toEqual([]);
  });
});

describe('redactSecrets', () => {
  it('replaces every occurrence of each secret value by ***', () => {
    const text = 'auth failed for ghp_abcdef123456\nretrying with ghp_abcdef123456 and key sk-999999';
    expect(redactSecrets(text, [new Secret('ghp_abcdef123456'), new Secret('sk-999999')])).toBe('auth failed for ***\nretrying with *** and key ***');
  });

  it('masks a secret that contains another one whole', () => {
    expect(redactSecrets('value: abcd-efgh', [new Secret('abcd'), new Secret('abcd-efgh')])).toBe('value: ***');
  });

  it('leaves values shorter than 4 characters alone, and text without secrets unchanged', () => {
    expect(redactSecrets('a b abc', [new Secret('abc'), new Secret('')])).toBe('a b abc');
    expect(redactSecrets('nothing here', [])).toBe('nothing here');
  });

  it('treats secret values literally, not as patterns', () => {
    expect(redactSecrets('x a.b*c+ y aXbbc', [new Secret('a.b*c+')])).toBe('x *** y aXbbc');
  });
});
