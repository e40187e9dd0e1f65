import { parseReceiptText, receiptDocumentKind, verifyBundle, type VerifyFailure, type VerifyReport } from '../../../shared/receipt/verify-bundle.js';

export type ParsedReceiptFile = { ok: true; document: unknown } | { ok: false; message: string };

/** A file's text as a receipt document, or a plain reason it is not one. */
export function parseReceiptFile(text: string): ParsedReceiptFile {
  // Strict JSON: a duplicate or "__proto__" key is refused, so what is verified is what the file holds.
  const parsed = parseReceiptText(text);
  if (!parsed.ok) {
    const what = parsed.syntax ? `This file is not JSON (${parsed.message})` : `This file is refused: ${parsed.message}`;
    return { ok: false, message: `${what}. Choose a receipt file Airlock exported (airlock-receipts-….json).` };
  }
  const document = parsed.document;
  if (receiptDocumentKind(document) === null) {
    return { ok: false, message: 'This file is JSON but not an Airlock receipt file: it is neither a receipt bundle ("format": "airlock-receipts") nor one receipt (event, inclusion, checkpoint).' };
  }
  return { ok: true, document };
}

export interface ReceiptLine {
  id: string;
  seq: number | null;
  type: string | null;
  server: string | null;
  tool: string | null;
  failures: VerifyFailure[];
}

export interface ReceiptFileResult {
  report: VerifyReport;
  receipts: ReceiptLine[];
  /** Failures of the file as a whole (checkpoints, proofs, key rotations, its shape). */
  fileFailures: VerifyFailure[];
}

const FINGERPRINT = /^sha256:[0-9a-f]{64}$/;

/** The trust pin as typed: a full fingerprint (lower-cased), nothing, or not yet a fingerprint. */
export function trustPin(typed: string): { pin: string | undefined; complete: boolean } {
  const value = typed.trim().toLowerCase();
  if (value === '') return { pin: undefined, complete: true };
  return FINGERPRINT.test(value) ? { pin: value, complete: true } : { pin: undefined, complete: false };
}

const str = (value: unknown): string | null => (typeof value === 'string' ? value : null);
const record = (value: unknown): Record<string, unknown> => (typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {});

/** The receipts as the file lists them, read leniently: the verifier, not this, judges their shape. */
function rawReceipts(document: unknown): Omit<ReceiptLine, 'failures'>[] {
  const doc = record(document);
  const list = receiptDocumentKind(document) === 'bundle' ? (Array.isArray(doc.receipts) ? doc.receipts : []) : [document];
  return list.flatMap((raw) => {
    const receipt = record(raw);
    const id = str(receipt.id);
    if (id === null) return [];
    const event = record(receipt.event);
    return [{ id, seq: typeof event.seq === 'number' ? event.seq : null, type: str(event.type), server: str(event.server), tool: str(event.tool) }];
  });
}

/** Verifies the document with the browser's WebCrypto and sorts each failure under its receipt or the file. */
export async function checkReceiptDocument(document: unknown, trust: string | undefined): Promise<ReceiptFileResult> {
  const report = await verifyBundle(document, trust === undefined ? {} : { trust });
  const receipts = rawReceipts(document).map((r) => ({ ...r, failures: report.failures.filter((f) => f.receipt === r.id) }));
  const ids = new Set(receipts.map((r) => r.id));
  const fileFailures = report.failures.filter((f) => f.receipt === null || !ids.has(f.receipt));
  return { report, receipts, fileFailures };
}
