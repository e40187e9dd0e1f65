import { z } from 'zod';
import { DriftRecordSchema, ReceiptBundleSchema } from '../../src/shared/receipt/receipt-format.js';

/**
 * The JSON Schemas in resources/schemas/, generated from the zod source of truth
 * (src/shared/receipt/receipt-format.ts) with zod 4's z.toJSONSchema. Committed so a third party
 * can validate a file without our code; test/shared/receipt-json-schemas.test.ts fails when they
 * drift from the zod schemas. Regenerate after changing the format with:
 *   UPDATE_SCHEMAS=1 npx vitest run test/shared/receipt-json-schemas.test.ts
 */
export const RECEIPT_JSON_SCHEMA_FILES = {
  'drift-record.v1.schema.json': {
    schema: DriftRecordSchema,
    title: 'Airlock drift record, version 1',
    description:
      'What changed on an MCP server and what Airlock decided, with the approved and live definitions themselves. Its digest is "sha256:" + hex SHA-256 of its RFC 8785 canonical JSON; with tool null the hashes are surface hashes, with a tool item hashes (see README, "Hashes anyone can recompute").',
  },
  'receipt.v1.schema.json': {
    schema: ReceiptBundleSchema,
    title: 'Airlock receipt bundle, version 1',
    description:
      'What `airlock receipts export` writes and `airlock verify` checks offline: receipts (event, drift record, RFC 9162 inclusion proof, Ed25519-signed checkpoint), every checkpoint they use, the consistency proofs between consecutive checkpoints, and signed key rotations.',
  },
} as const;

/** The text each schema file must hold: 2-space JSON with a final newline. */
export function receiptJsonSchemaText(file: keyof typeof RECEIPT_JSON_SCHEMA_FILES): string {
  const { schema, title, description } = RECEIPT_JSON_SCHEMA_FILES[file];
  const { $schema, ...rest } = z.toJSONSchema(schema);
  return `${JSON.stringify({ $schema, title, description, ...rest }, null, 2)}\n`;
}
