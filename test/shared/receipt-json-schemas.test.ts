import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RECEIPT_JSON_SCHEMA_FILES, receiptJsonSchemaText } from '../support/receipt-json-schemas.js';
import { fullBundle } from '../support/receipt-builder.js';

const files = Object.keys(RECEIPT_JSON_SCHEMA_FILES) as Array<keyof typeof RECEIPT_JSON_SCHEMA_FILES>;
const pathOf = (file: string): URL => new URL(`../../resources/schemas/${file}`, import.meta.url);

describe('the committed JSON Schemas of receipts and drift records', () => {
  it.each(files)('resources/schemas/%s is what z.toJSONSchema makes of the zod source', (file) => {
    const expected = receiptJsonSchemaText(file);
    // UPDATE_SCHEMAS=1 rewrites the file instead (after a deliberate format change).
    if (process.env.UPDATE_SCHEMAS === '1') writeFileSync(pathOf(file), expected);
    expect(readFileSync(pathOf(file), 'utf8')).toBe(expected);
  });

  it('describe the fields a valid bundle and its drift record carry', () => {
    const bundleSchema = JSON.parse(readFileSync(pathOf('receipt.v1.schema.json'), 'utf8')) as { properties: Record<string, unknown>; required: string[] };
    const recordSchema = JSON.parse(readFileSync(pathOf('drift-record.v1.schema.json'), 'utf8')) as { properties: Record<string, unknown>; required: string[] };
    const { bundle } = fullBundle();
    expect(Object.keys(bundleSchema.properties).sort()).toEqual(Object.keys(bundle).sort());
    expect(recordSchema.required.sort()).toEqual(Object.keys(bundle.receipts[3]?.drift_record ?? {}).sort());
  });
});
