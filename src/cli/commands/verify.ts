import type { Command } from 'commander';
import { CHECK_NAMES, receiptDocumentKind, verifyBundle, type VerifyReport } from '../../shared/receipt/verify-bundle.js';
import { EXIT, UsageError } from '../exit-codes.js';
import { JSON_FILE_LIMITS, readJsonFile } from '../json-file.js';
import type { CliIo } from '../io.js';
import { showInvisible } from '../review-text.js';

const FINGERPRINT = /^sha256:[0-9a-f]{64}$/;

/**
 * `airlock verify FILE`: checks a receipt file with no database, no Host and no network, so a
 * reviewer can run it on an air-gapped machine. Only `--trust` makes the answer mean "signed by
 * the log I know"; without it the file only proves it is consistent with itself.
 */
export function registerVerify(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command('verify')
    .description('check a receipt file offline: its schema, every signature, event hash, inclusion and consistency proof, drift-record digest and surface hash')
    .argument('<file>', 'a receipt bundle (airlock receipts export) or a single receipt')
    .option('--trust <fingerprint>', "the log key fingerprint you trust (sha256:…); airlock keys show prints it on the machine that wrote the log")
    .option('--json', 'print one JSON object instead of a report')
    .addHelpText('after', '\nNeeds no database, no Host and no network.\nExit status: 0 every check holds, 1 a check failed, 2 unreadable input.')
    .action(async (file: string, options: { trust?: string; json?: boolean }) => {
      const trust = options.trust === undefined ? undefined : trustedFingerprint(options.trust);
      const document = readReceiptFile(file);
      const report = await verifyBundle(document, trust === undefined ? {} : { trust });
      io.out(options.json ? `${JSON.stringify(report, null, 2)}\n` : verifyReportText(document, report, trust));
      setExit(report.ok ? EXIT.OK : EXIT.FAILED);
    });
}

function trustedFingerprint(text: string): string {
  const fingerprint = text.trim().toLowerCase();
  if (!FINGERPRINT.test(fingerprint)) {
    throw new UsageError(`--trust "${text}" is not a key fingerprint: expected "sha256:" and 64 hex digits, as airlock keys show prints it`);
  }
  return fingerprint;
}

/** Reads and parses the file; anything that is not a receipt file at all is exit 2, naming the file. */
function readReceiptFile(path: string): unknown {
  const value = readJsonFile(path, 'receipt', JSON_FILE_LIMITS.receiptFile);
  if (receiptDocumentKind(value) === null) {
    throw new UsageError(`"${path}" is not an Airlock receipt file: expected a bundle ("format": "airlock-receipts", as airlock receipts export writes) or a single receipt`);
  }
  return value;
}

interface ReceiptLine {
  id: string;
  type: string;
  server: string | null;
  tool: string | null;
  decision: string | null;
}

/** One line per receipt (`ok …` or one `FAIL …` per failed check), the bundle's own failures, then a summary. */
export function verifyReportText(document: unknown, report: VerifyReport, trust: string | undefined): string {
  const lines: string[] = [];
  const schemaFailed = report.failures.some((f) => f.check === 'schema');
  for (const r of schemaFailed ? [] : receiptsOf(document)) {
    const failures = report.failures.filter((f) => f.receipt === r.id);
    if (failures.length === 0) lines.push(`ok  ${r.id}  ${r.type} ${r.server ?? '-'}/${r.tool ?? '-'} ${r.decision ?? '-'}`);
    for (const f of failures) lines.push(`FAIL ${r.id}: ${f.check}: ${f.message}`);
  }
  for (const f of report.failures.filter((f) => f.receipt === null || schemaFailed)) lines.push(`FAIL ${f.receipt ?? 'bundle'}: ${f.check}: ${f.message}`);
  const ran = CHECK_NAMES.filter((name) => report.checked[name] > 0).map((name) => `${name} ${report.checked[name]}`);
  const receipts = `${report.receipts} receipt${report.receipts === 1 ? '' : 's'}`;
  const first = report.failures.find((f) => f.receipt !== null) ?? report.failures[0];
  if (first === undefined) lines.push(`verified: ${receipts}, every check holds (${ran.join(', ')})`);
  else lines.push(`NOT verified: ${report.failures.length} failed check${report.failures.length === 1 ? '' : 's'} over ${receipts}; first: ${first.receipt ?? 'bundle'} ${first.check}: ${first.message}`);
  if (trust === undefined) lines.push('key not pinned: pass --trust <fingerprint> (airlock keys show prints it)');
  else if (report.trusted) lines.push(`key pinned: every checkpoint is signed by ${trust} or a key it rotated to, or proven part of one that is`);
  else lines.push(`key pinned to ${trust}: NOT matched by every checkpoint (see checkpoint-trust above)`);
  return `${lines.map(oneLine).join('\n')}\n`;
}

/**
 * Server and tool names, types and messages come from the file: a hostile one could hold line
 * breaks, ANSI escapes or bidi controls to forge an "ok" or "verified" line, so none reaches the terminal raw.
 */
function oneLine(text: string): string {
  return showInvisible(text).replace(/[\t\n\r\u2028\u2029]/g, (c) => `⟨U+${(c.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}⟩`);
}

function receiptsOf(document: unknown): ReceiptLine[] {
  const kind = receiptDocumentKind(document);
  const list = kind === 'bundle' ? (document as { receipts: unknown[] }).receipts : kind === 'receipt' ? [document] : [];
  return list.map((r) => {
    const { id, event } = r as { id: string; event: Omit<ReceiptLine, 'id'> };
    return { id, type: event.type, server: event.server, tool: event.tool, decision: event.decision };
  });
}
