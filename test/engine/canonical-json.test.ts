import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { canonicalDigest, canonicalJson } from '../../src/engine/canonical-json.js';

const numberVectors = JSON.parse(
  readFileSync(new URL('../fixtures/rfc8785/numbers.json', import.meta.url), 'utf8'),
) as Array<[string, string | null]>;

function doubleFromHex(hex: string): number {
  return Buffer.from(hex, 'hex').readDoubleBE(0);
}

describe('RFC 8785 canonical JSON', () => {
  it.each(numberVectors.filter(([, text]) => text !== null))(
    'serializes the binary64 pattern %s as %s (Appendix B)',
    (hex, expected) => {
      expect(canonicalJson(doubleFromHex(hex))).toBe(expected);
    },
  );

  it.each(numberVectors.filter(([, text]) => text === null))(
    'rejects the binary64 pattern %s, which JSON cannot carry (Appendix B)',
    (hex) => {
      expect(() => canonicalJson(doubleFromHex(hex))).toThrow();
    },
  );

  it('produces the §3.2.2 sample output byte for byte', () => {
    const input = JSON.parse(
      '{"numbers":[333333333.33333329,1E30,4.50,2e-3,0.000000000000000000000000001],' +
        '"string":"\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/","literals":[null,true,false]}',
    );
    const expected =
      '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],' +
      '"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}';
    expect(canonicalJson(input)).toBe(expected);
  });

  it('sorts properties by UTF-16 code units as in §3.2.3', () => {
    const input = JSON.parse(
      '{"\\u20ac":"Euro Sign","\\r":"Carriage Return","\\ufb33":"Hebrew Letter Dalet With Dagesh",' +
        '"1":"One","\\ud83d\\ude00":"Emoji: Grinning Face","\\u0080":"Control",' +
        '"\\u00f6":"Latin Small Letter O With Diaeresis"}',
    ) as Record<string, string>;
    // JSON.parse would reorder integer-like keys, so read the key sequence off the text itself.
    const serializedKeys = [...canonicalJson(input).matchAll(/"((?:[^"\\]|\\.)*)":/g)].map((m) => JSON.parse(`"${m[1]}"`) as string);
    expect(serializedKeys).toEqual(['\r', '1', '\u0080', '\u00f6', '\u20ac', '\ud83d\ude00', '\ufb33']);
  });

  it('escapes control characters and keeps other Unicode literal, in UTF-8', () => {
    const text = canonicalJson({ s: '\u0000\u001f\u007f\u2028é😀' });
    expect(text).toBe('{"s":"\\u0000\\u001f\u007f\u2028é😀"}');
  });

  it('rejects lone surrogates instead of hashing text a reader cannot reproduce', () => {
    expect(() => canonicalJson({ s: '\ud800' })).toThrow(/surrogate/i);
  });

  it('rejects values JSON cannot represent', () => {
    expect(() => canonicalJson(undefined)).toThrow();
    expect(() => canonicalJson(Number.NaN)).toThrow();
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => canonicalJson(cyclic)).toThrow();
  });

  it('gives the same digest whatever the key order or whitespace of the input', () => {
    const a = canonicalDigest(JSON.parse('{"b": [1, 2.0, {"y": 1, "x": 2}], "a": "x"}'));
    const b = canonicalDigest(JSON.parse('{"a":"x","b":[1,2,{"x":2,"y":1}]}'));
    expect(a).toBe(b);
    const expected = createHash('sha256').update('{"a":"x","b":[1,2,{"x":2,"y":1}]}', 'utf8').digest('hex');
    expect(a).toBe(`sha256:${expected}`);
  });
});
