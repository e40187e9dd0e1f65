import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { JsonRefusal, MAX_JSON_DEPTH, parseStrictJson, type JsonRefusalReason } from '../../src/input/strict-json.js';
import { INVALID_UTF8, jsonTree, tokenSpace } from './arbitraries.js';
import { checkProperty } from './fuzz-run.js';
import { factsOf, render } from './json-tree.js';

/** The outcome of a strict parse: its value, or the refusal's reason; anything else thrown fails the property. */
function outcome(text: string, maxDepth?: number): { value: unknown } | { refused: JsonRefusalReason } {
  try {
    return { value: parseStrictJson(text, maxDepth === undefined ? {} : { maxDepth }) };
  } catch (error) {
    if (error instanceof JsonRefusal) return { refused: error.reason };
    throw new Error(`parseStrictJson threw something other than a JsonRefusal: ${String(error)}`, { cause: error });
  }
}

const whitespace = fc.constantFrom('', ' ', '\n', '\r\n', '\t');

describe('parseStrictJson under fuzzing', () => {
  it('accepts exactly what JSON.parse accepts when no key repeats, none is __proto__, no string has a lone surrogate and depth is in bound, and refuses the rest', () => {
    checkProperty(
      'strict-json: agrees with JSON.parse and the tree facts',
      fc.property(jsonTree, tokenSpace, whitespace, fc.option(fc.integer({ min: 1, max: 200 }), { nil: undefined }), (tree, space, around, maxDepth) => {
        const text = `${around}${render(tree, { space })}${around}`;
        const facts = factsOf(tree);
        const result = outcome(text, maxDepth);
        const limit = maxDepth ?? MAX_JSON_DEPTH;
        const allowed: JsonRefusalReason[] = [];
        if (facts.depth > limit) allowed.push('depth');
        if (facts.duplicateKey) allowed.push('duplicate-key');
        if (facts.prototypeKey) allowed.push('prototype-key');
        if (facts.loneSurrogate) allowed.push('lone-surrogate');
        if (allowed.length === 0) {
          expect(result).toEqual({ value: JSON.parse(text) });
        } else {
          expect('refused' in result && allowed.includes(result.refused), `expected a refusal among ${allowed.join(', ')}, got ${JSON.stringify(result).slice(0, 200)}`).toBe(true);
        }
      }),
      2,
    );
  });

  it('never throws anything but a JsonRefusal on damaged text, and returns what JSON.parse returns when it accepts', () => {
    checkProperty(
      'strict-json: damaged text',
      fc.property(
        jsonTree,
        fc.array(fc.record({ at: fc.nat(), cut: fc.nat({ max: 3 }), insert: fc.oneof(fc.constantFrom('"', '\\', '{', '}', '[', ']', ',', ':', '\\u', '\\"', '"__proto__":1,', '\ud800', '\ufffd'), fc.string({ maxLength: 3 })) }), { maxLength: 4 }),
        (tree, edits) => {
          let text = render(tree);
          for (const { at, cut, insert } of edits) {
            const i = text.length === 0 ? 0 : at % text.length;
            text = text.slice(0, i) + insert + text.slice(i + cut);
          }
          const result = outcome(text);
          let reference: unknown;
          try {
            reference = JSON.parse(text);
          } catch {
            expect(result).toEqual({ refused: 'syntax' });
            return;
          }
          if ('value' in result) expect(result.value).toEqual(reference);
        },
      ),
      2,
    );
  });

  it('never throws anything but a JsonRefusal on text decoded from invalid UTF-8', () => {
    checkProperty(
      'strict-json: invalid UTF-8 decoded',
      fc.property(jsonTree, fc.nat(), fc.constantFrom(...INVALID_UTF8), (tree, at, bytes) => {
        const raw = Buffer.from(render(tree), 'utf8');
        const i = raw.length === 0 ? 0 : at % raw.length;
        const text = Buffer.concat([raw.subarray(0, i), Buffer.from(bytes), raw.subarray(i)]).toString('utf8');
        outcome(text);
      }),
    );
  });

  it('refuses nesting hundreds of thousands deep without overflowing the stack', () => {
    checkProperty(
      'strict-json: very deep nesting',
      fc.property(fc.integer({ min: MAX_JSON_DEPTH + 1, max: 200_000 }), fc.constantFrom('[', '{"a":', '[{"b":'), (depth, open) => {
        const close = open === '[' ? ']' : open === '{"a":' ? '}' : '}]';
        const text = `${open.repeat(depth)}1${close.repeat(depth)}`;
        expect(outcome(text)).toEqual({ refused: 'depth' });
        // Unclosed: the grammar fails first, and still nothing but a refusal comes out.
        expect(outcome(open.repeat(depth))).toEqual({ refused: 'syntax' });
      }),
      0.02,
    );
  });
});
