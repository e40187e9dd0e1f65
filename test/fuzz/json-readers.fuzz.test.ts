import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../src/cli/exit-codes.js';
import { JSON_FILE_LIMITS, readJsonFile } from '../../src/cli/json-file.js';
import { ConfigParseError, parseConfigText } from '../../src/clients/config-syntax.js';
import { receiptDocumentKind, verifyBundle } from '../../src/shared/receipt/verify-bundle.js';
import { makeSigner, TestLog } from '../support/receipt-builder.js';
import { makeTempDir } from '../support/temp-dir.js';
import { applyMutations, INVALID_UTF8, jsonTree, type Mutation } from './arbitraries.js';
import { checkAsyncProperty, checkProperty } from './fuzz-run.js';
import { render, treeOf } from './json-tree.js';
import { jsonDepthExceeds } from '../../src/input/strict-json.js';

/** Text a file could hold: JSON from the hostile trees, damaged at the byte level, or anything. */
const fileBytes = fc.oneof(
  jsonTree.map((tree) => Buffer.from(render(tree), 'utf8')),
  fc.tuple(jsonTree, fc.nat(), fc.constantFrom(...INVALID_UTF8)).map(([tree, at, bytes]) => {
    const raw = Buffer.from(render(tree), 'utf8');
    const i = raw.length === 0 ? 0 : at % raw.length;
    return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]).subarray(0, at % 4), raw.subarray(0, i), Buffer.from(bytes), raw.subarray(i)]);
  }),
  fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.from(bytes)),
);

/** Runs `read` and fails the property when it throws anything but the documented error types. */
function onlyThrows(read: () => unknown, ...documented: Array<new (...args: never[]) => Error>): void {
  try {
    read();
  } catch (error) {
    if (documented.some((type) => error instanceof type)) return;
    throw new Error(`threw an undocumented ${(error as Error)?.name ?? typeof error}: ${String((error as Error)?.message ?? error)}`, { cause: error });
  }
}

describe('JSON readers of user and disk input under fuzzing', () => {
  const dir = makeTempDir('airlock-fuzz-readers-');
  afterAll(() => dir.cleanup());

  it('readJsonFile throws nothing but a UsageError on any file', () => {
    let n = 0;
    checkProperty(
      'readers: readJsonFile',
      fc.property(fileBytes, fc.constantFrom(16, JSON_FILE_LIMITS.toolList), (bytes, limit) => {
        const file = join(dir.dir, `f${n++ % 8}.json`);
        writeFileSync(file, bytes);
        onlyThrows(() => readJsonFile(file, 'OLD', limit), UsageError);
      }),
    );
  });

  it('parseConfigText throws nothing but a ConfigParseError, in JSONC, TOML and YAML', () => {
    checkProperty(
      'readers: client config text',
      fc.property(fileBytes, fc.constantFrom('jsonc' as const, 'toml' as const, 'yaml' as const), (bytes, format) => {
        onlyThrows(() => parseConfigText(bytes.toString('utf8'), format, 'config'), ConfigParseError);
      }),
    );
  });

  it('the receipt verifier never throws on any document, a real bundle mutated included, and says it is not ok when it was damaged', async () => {
    const log = new TestLog();
    for (let i = 0; i < 3; i += 1) log.append();
    const bundle = log.bundle([log.checkpoint(3, makeSigner())]);
    const valid = treeOf(bundle);
    const mutation = fc.oneof(
      fc.record({ op: fc.constant('retype' as const), at: fc.nat(), which: fc.nat(), value: jsonTree }),
      fc.record({ op: fc.constant('deepen' as const), at: fc.nat(), which: fc.nat(), depth: fc.integer({ min: 1, max: 3000 }), shape: fc.constantFrom('array' as const, 'object' as const) }),
      fc.record({ op: fc.constant('huge' as const), at: fc.nat(), which: fc.nat(), length: fc.integer({ min: 1000, max: 100_000 }) }),
      fc.record({ op: fc.constant('extra' as const), at: fc.nat(), key: fc.constantFrom('constructor', 'prototype', 'toString', '__proto__'), value: jsonTree }),
    );
    await checkAsyncProperty(
      'readers: verifyBundle',
      fc.asyncProperty(fc.oneof(jsonTree, fc.array(mutation as fc.Arbitrary<Mutation>, { minLength: 1, maxLength: 3 }).map((ms) => applyMutations(valid, ms))), async (tree) => {
        let document: unknown;
        try {
          document = JSON.parse(render(tree));
        } catch {
          return;
        }
        receiptDocumentKind(document);
        const report = await verifyBundle(document);
        // A document thousands of levels deep is surely not the bundle (and JSON.stringify would overflow on it).
        // A bundle with no receipts left is a valid (empty) export: receipts verify one by one.
        const emptied = JSON.stringify({ ...bundle, receipts: [] });
        const same = !jsonDepthExceeds(document) && [JSON.stringify(bundle), emptied].includes(JSON.stringify(document));
        if (!same) expect(report.ok, 'a damaged bundle verified').toBe(false);
      }),
      0.5,
    );
  });
});
