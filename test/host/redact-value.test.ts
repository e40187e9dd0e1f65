import { describe, expect, it } from 'vitest';
import { MAX_JSON_DEPTH } from '../../src/input/strict-json.js';
import { redactValue, TOO_DEEP_MARKER } from '../../src/host/secret.js';

/** What the Live view's call detail may show: the arguments and results a call carried, redacted of the server's secrets. */

const TOKEN = 'ghp_abcdef123456';

/** `depth` containers around `leaf`, objects and arrays by turns from the outside in. */
function nested(depth: number, leaf: unknown): unknown {
  let value = leaf;
  for (let level = depth - 1; level >= 0; level -= 1) value = level % 2 === 0 ? { next: value } : [value];
  return value;
}

describe('redactValue', () => {
  it('masks a secret used as an object key', () => {
    const redacted = redactValue({ [TOKEN]: 'read', [`Bearer ${TOKEN}`]: 1 }, [TOKEN]);
    expect(redacted).toEqual({ '***': 'read', 'Bearer ***': 1 });
    expect(JSON.stringify(redacted)).not.toContain(TOKEN);
  });

  it('masks secrets in keys and values inside arrays of objects', () => {
    const redacted = redactValue({ items: [{ [TOKEN]: [`x${TOKEN}x`] }, [{ ok: TOKEN }]] }, [TOKEN]);
    expect(redacted).toEqual({ items: [{ '***': ['x***x'] }, [{ ok: '***' }]] });
  });

  it('masks a secret that is a key and that key’s value at once', () => {
    expect(redactValue({ [TOKEN]: TOKEN }, [TOKEN])).toEqual({ '***': '***' });
  });

  it('keeps both entries when two keys become equal once redacted, the plain key keeping its name', () => {
    expect(redactValue({ [`key ${TOKEN}`]: 'secret', 'key ***': 'plain' }, [TOKEN])).toEqual({ 'key *** (2)': 'secret', 'key ***': 'plain' });
    const two = redactValue({ [`a${TOKEN}`]: 1, [`a${'sk-0000000'}`]: 2, 'a***': 3, 'a*** (2)': 4 }, [TOKEN, 'sk-0000000']);
    expect(two).toEqual({ 'a***': 3, 'a*** (2)': 4, 'a*** (3)': 1, 'a*** (4)': 2 });
  });

  it('keeps a "__proto__" key as data and never as a prototype', () => {
    const parsed = JSON.parse(`{"__proto__": {"${TOKEN}": true}, "plain": 1}`) as object;
    const redacted = redactValue(parsed, [TOKEN]) as Record<string, unknown>;
    expect(Object.getPrototypeOf(redacted)).toBe(Object.prototype);
    expect(Object.keys(redacted)).toEqual(['__proto__', 'plain']);
    expect(JSON.stringify(redacted)).toBe('{"__proto__":{"***":true},"plain":1}');
  });

  it('keeps values as deep as the JSON bound and replaces deeper ones with a marker', () => {
    expect(redactValue(nested(MAX_JSON_DEPTH, 'leaf'), [])).toEqual(nested(MAX_JSON_DEPTH, 'leaf'));
    expect(redactValue(nested(MAX_JSON_DEPTH + 1, 'leaf'), [])).toEqual(nested(MAX_JSON_DEPTH, TOO_DEEP_MARKER));
  });

  it('copes with 100,000 levels without overflowing the stack, and its answer can be printed', () => {
    const deep = nested(100_000, TOKEN);
    expect(() => JSON.stringify(deep)).toThrow(RangeError);
    const redacted = redactValue(deep, [TOKEN]);
    expect(JSON.stringify(redacted)).toContain(TOO_DEEP_MARKER);
    expect(JSON.stringify(redacted)).not.toContain(TOKEN);
  });

  it('leaves values without secrets, scalars and short secrets alone', () => {
    expect(redactValue({ a: [1, true, null, 'x'] }, [TOKEN])).toEqual({ a: [1, true, null, 'x'] });
    expect(redactValue('abc is short', ['abc'])).toBe('abc is short');
    expect(redactValue(null, [TOKEN])).toBeNull();
  });
});
