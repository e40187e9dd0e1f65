import { mkdtempSync, writeFileSync, mkdirSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import type { BoundedReadError} from '../../src/input/bounded-file.js';
import { readBoundedFile } from '../../src/input/bounded-file.js';
import { JsonRefusal, MAX_JSON_DEPTH, jsonDepthExceeds, parseStrictJson } from '../../src/input/strict-json.js';

function refusal(text: string, maxDepth?: number): JsonRefusal {
  try {
    parseStrictJson(text, maxDepth === undefined ? {} : { maxDepth });
  } catch (error) {
    if (error instanceof JsonRefusal) return error;
    throw error;
  }
  throw new Error(`accepted: ${text.slice(0, 80)}`);
}

describe('parseStrictJson', () => {
  it('reads what JSON.parse reads when nothing is duplicated, prototype-shaped or too deep', () => {
    const text = '{"a":[1,{"b":"x\\"y","c":{"d":null}}],"e":"}{][,\\\\","f":{"a":1}}';
    expect(parseStrictJson(text)).toEqual(JSON.parse(text));
  });

  it('refuses a key given twice in one object, and names it', () => {
    const e = refusal('{"name":"read","arguments":{},"name":"delete"}');
    expect(e.reason).toBe('duplicate-key');
    expect(e.message).toContain('"name" twice');
  });

  it('sees a duplicate spelled with escapes', () => {
    expect(refusal('{"name":1,"n\\u0061me":2}').reason).toBe('duplicate-key');
  });

  it('allows one key name in sibling and nested objects', () => {
    expect(parseStrictJson('{"a":{"a":{"a":1}},"b":[{"a":1},{"a":2}]}')).toEqual({ a: { a: { a: 1 } }, b: [{ a: 1 }, { a: 2 }] });
  });

  it('does not take a string value for a key', () => {
    expect(parseStrictJson('{"a":"a","b":["a","a"]}')).toEqual({ a: 'a', b: ['a', 'a'] });
  });

  it('refuses "__proto__" keys, plain or escaped, at any depth', () => {
    expect(refusal('{"__proto__":{"x":1}}').reason).toBe('prototype-key');
    expect(refusal('{"a":[{"\\u005f_proto__":1}]}').reason).toBe('prototype-key');
    expect(parseStrictJson('{"v":"__proto__","constructor":1}')).toEqual({ v: '__proto__', constructor: 1 });
  });

  it('accepts exactly the depth bound and refuses one more level', () => {
    const at = (n: number) => '['.repeat(n) + ']'.repeat(n);
    expect(() => parseStrictJson(at(MAX_JSON_DEPTH))).not.toThrow();
    expect(refusal(at(MAX_JSON_DEPTH + 1)).reason).toBe('depth');
  });

  it('refuses a hundred thousand levels quickly and without overflowing the stack', () => {
    const deep = '{"a":'.repeat(100_000) + '1' + '}'.repeat(100_000);
    expect(refusal(deep).reason).toBe('depth');
  });

  it('refuses a lone surrogate, escaped or raw, in a value or a key, and keeps escaped pairs', () => {
    expect(refusal('{"a":"x\\ud800y"}').reason).toBe('lone-surrogate');
    expect(refusal('{"\\udc00":1}').reason).toBe('lone-surrogate');
    expect(refusal('["\ud800"]').reason).toBe('lone-surrogate');
    expect(parseStrictJson('{"emoji":"\\ud83d\\ude00"}')).toEqual({ emoji: '\u{1F600}' });
  });

  it('reports invalid JSON as a syntax refusal', () => {
    expect(refusal('{"a":1,}').reason).toBe('syntax');
    expect(refusal('{"a":NaN}').reason).toBe('syntax');
  });

  it('refuses text over a length cap before parsing', () => {
    expect(() => parseStrictJson('"' + 'x'.repeat(100) + '"', { maxLength: 50 })).toThrow(/over the 50-character limit/);
  });
});

describe('jsonDepthExceeds', () => {
  it('measures values built in memory without recursion', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 50_000; i += 1) deep = { a: deep };
    expect(jsonDepthExceeds(deep)).toBe(true);
    expect(jsonDepthExceeds({ a: [{ b: 1 }] }, 3)).toBe(false);
    expect(jsonDepthExceeds({ a: [{ b: {} }] }, 3)).toBe(true);
  });

  it('ends on a cycle by calling it too deep', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(jsonDepthExceeds(cyclic)).toBe(true);
  });
});

describe('readBoundedFile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'airlock-bounded-'));

  it('reads a regular file within the cap', () => {
    const path = join(dir, 'small.json');
    writeFileSync(path, '{"a":1}');
    expect(readBoundedFile(path, 100).toString('utf8')).toBe('{"a":1}');
  });

  it('refuses a file over the cap without reading it, naming its size', () => {
    const path = join(dir, 'big.json');
    writeFileSync(path, '');
    truncateSync(path, 35 * 1024 * 1024);
    expect(() => readBoundedFile(path, 16 * 1024 * 1024)).toThrow(/35\.0 MiB, over the 16\.0 MiB limit/);
  });

  it('refuses /dev/zero at once as not a regular file', () => {
    const error = (() => {
      try {
        readBoundedFile('/dev/zero', 1024);
      } catch (e) {
        return e as BoundedReadError;
      }
      return null;
    })();
    expect(error?.reason).toBe('not-a-file');
  });

  it('refuses a FIFO without waiting for a writer', () => {
    const fifo = join(dir, 'pipe');
    execFileSync('mkfifo', [fifo]);
    expect(() => readBoundedFile(fifo, 1024)).toThrow(/not a regular file/);
  });

  it('names a missing file and a folder', () => {
    expect(() => readBoundedFile(join(dir, 'nope'), 10)).toThrow('no such file');
    mkdirSync(join(dir, 'folder'));
    expect(() => readBoundedFile(join(dir, 'folder'), 10)).toThrow('it is a folder');
  });
});
