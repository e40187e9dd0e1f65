import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { z } from 'zod';
import { appendAuditEvent } from '../../engine/audit/index.js';
import { createCheckpoint, getLogId, type Checkpoint } from '../../engine/checkpoints/index.js';
import { openStore, type Store } from '../../engine/store/index.js';
import { exportReceipts } from '../../host/receipts-export.js';
import { SigningKey, SigningKeySealedError } from '../../host/signing-key.js';
import { ReceiptBundleSchema } from '../../shared/receipt/receipt-format.js';
import { EXIT, UsageError } from '../exit-codes.js';
import { JSON_FILE_LIMITS, readJsonFile } from '../json-file.js';
import { homeFrom } from '../home-option.js';
import type { CliIo } from '../io.js';

const DECISIONS = ['ALLOW', 'HOLD', 'DENY', 'SILENCE'];

export function registerReceipts(program: Command, io: CliIo): void {
  const receipts = program.command('receipts').description('export evidence that anyone can verify offline with `airlock verify`');
  receipts
    .command('export')
    .description('write a bundle of receipts: events, drift records, inclusion proofs, signed checkpoints and the consistency proofs between them')
    .requiredOption('--out <file>', 'where to write the bundle (JSON)')
    .option('--since <iso>', 'only events at or after this time')
    .option('--until <iso>', 'only events at or before this time')
    .option('--server <name>', 'only events of this server')
    .option('--decision <d>', `only events with this decision (${DECISIONS.join(', ')})`)
    .option('--consistent-with <file>', 'an earlier bundle: prove this log still extends its newest checkpoint')
    .action((options: { out: string; since?: string; until?: string; server?: string; decision?: string; consistentWith?: string }, command: Command) => {
      for (const [flag, value] of [['--since', options.since], ['--until', options.until]] as const) {
        if (value !== undefined && Number.isNaN(Date.parse(value))) throw new UsageError(`${flag} must be an ISO 8601 time such as 2026-11-21T00:00:00Z, not "${value}"`);
      }
      if (options.decision !== undefined && !DECISIONS.includes(options.decision)) throw new UsageError(`--decision must be one of ${DECISIONS.join(', ')}, not "${options.decision}"`);
      // The schema checked every hash is "sha256:" + hex, which is what the engine's Digest type says.
      const earlier = (options.consistentWith ? readBundle(options.consistentWith).checkpoints.slice(-1) : []) as Checkpoint[];
      const home = homeFrom(command, io);
      withStore(home, (store) => {
        const key = SigningKey.loadOrCreate(home);
        const filter = { ...pick(options, ['since', 'until', 'server', 'decision'] as const) };
        const bundle = exportReceipts(store, key, key.rotations, filter, earlier);
        writeFileSync(options.out, `${JSON.stringify(bundle, null, 2)}\n`, { mode: 0o600 });
        io.out(`wrote ${bundle.receipts.length} receipts, ${bundle.checkpoints.length} checkpoints and ${bundle.consistency.length} consistency proofs to ${options.out}\nverify anywhere with: airlock verify ${options.out} --trust ${key.fingerprint}\n`);
      });
    });
  receipts
    .command('show')
    .description('print one receipt (by sequence number, or LOG_ID:SEQ) with its proof, as JSON')
    .argument('<id>')
    .action((id: string, _options: unknown, command: Command) => {
      const seq = Number(id.includes(':') ? id.split(':')[1] : id);
      if (!Number.isInteger(seq) || seq < 1) throw new UsageError(`"${id}" is not a receipt id: give a sequence number (see airlock audit verify) or LOG_ID:SEQ`);
      const home = homeFrom(command, io);
      withStore(home, (store) => {
        const key = SigningKey.loadOrCreate(home);
        const bundle = exportReceipts(store, key, key.rotations, { seqs: [seq] });
        const [receipt] = bundle.receipts;
        if (!receipt) throw new UsageError(`there is no event ${seq} in the audit log of ${home}`);
        io.out(`${JSON.stringify(receipt, null, 2)}\n`);
      });
    });

  const keys = program.command('keys').description("the log's signing key");
  keys
    .command('show')
    .description('print the public key and the fingerprint reviewers pin with `airlock verify --trust`')
    .option('--json', 'print JSON')
    .action((options: { json?: boolean }, command: Command) => {
      const home = homeFrom(command, io);
      withStore(home, (store) => {
        // The public half only: it is readable even when the desktop app keeps the private key sealed.
        const key = SigningKey.publicInfo(home) ?? SigningKey.loadOrCreate(home);
        const info = { log_id: getLogId(store), fingerprint: key.fingerprint, public_key: key.publicKey, algorithm: 'Ed25519', rotations: key.rotations.length };
        io.out(options.json ? `${JSON.stringify(info, null, 2)}\n` : `fingerprint  ${info.fingerprint}\npublic key   ${info.public_key} (Ed25519, raw, base64)\nlog id       ${info.log_id}\nrotations    ${info.rotations}\n`);
      });
    });
  keys
    .command('rotate')
    .description('replace the signing key; the old key signs a statement naming the new one, and the rotation is logged')
    .action((_options: unknown, command: Command) => {
      const home = homeFrom(command, io);
      withStore(home, (store) => {
        const old = SigningKey.loadOrCreate(home);
        // Seal what the old key has seen before it retires.
        createCheckpoint(store, old);
        const { key, statement } = SigningKey.rotate(home, getLogId(store));
        appendAuditEvent(store, { type: 'key.rotated', detail: { ...statement } });
        createCheckpoint(store, key);
        io.out(`rotated: ${statement.old_fingerprint} → ${statement.new_fingerprint}\nthe old key signed the change; exports carry the statement so a reviewer who pinned the old key can follow it.\n`);
      });
    });
}

function readBundle(file: string): z.infer<typeof ReceiptBundleSchema> {
  const parsed = ReceiptBundleSchema.safeParse(readJsonFile(file, 'earlier bundle', JSON_FILE_LIMITS.receiptFile));
  if (!parsed.success || parsed.data.checkpoints.length === 0) throw new UsageError(`"${file}" is not a receipt bundle with a checkpoint`);
  return parsed.data;
}

function withStore<T>(home: string, fn: (store: Store) => T): T {
  const store = openStore(home);
  try {
    return fn(store);
  } catch (error) {
    // The desktop app keeps the key in its keychain: say where to sign instead of crashing.
    if (error instanceof SigningKeySealedError) throw new UsageError(error.message, EXIT.FAILED);
    throw error;
  } finally {
    store.close();
  }
}

function pick<T extends object, K extends keyof T>(value: T, keys: readonly K[]): Partial<Pick<T, K>> {
  return Object.fromEntries(keys.filter((k) => value[k] !== undefined).map((k) => [k, value[k]])) as Partial<Pick<T, K>>;
}
