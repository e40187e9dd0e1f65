import { bench, describe } from 'vitest';
import { sha256 } from '../src/shared/receipt/receipt-hashes.js';
import { verifyBundle } from '../src/shared/receipt/verify-bundle.js';
import { fullBundle, makeSigner, TestLog } from '../test/support/receipt-builder.js';

/**
 * `airlock verify`'s core (src/shared/receipt/verify-bundle.ts), hashing through WebCrypto.
 * One receipt: a call event in a 1,000-event log (a 10-hash inclusion path) with its
 * checkpoint, and a surface-drift receipt whose record carries two whole surfaces.
 * Then a bundle of 1,000 receipts against four checkpoints with three consistency proofs.
 * The floors are what one receipt cannot avoid through WebCrypto: its 11 chained SHA-256 calls
 * (leaf + a 10-hash path, each waiting on the last) and one Ed25519 key import and verify.
 */
const signer = makeSigner();
const log = new TestLog();
log.appendCalls(1000);
const checkpoints = [250, 500, 750, 1000].map((size) => log.checkpoint(size, signer));
const thousand = log.bundle(checkpoints);
const oneCall = thousand.receipts[600];
const { bundle: withDrift, original } = fullBundle();
const oneDrift = withDrift.receipts[3];
const trust = { trust: signer.fingerprint };
const node = new Uint8Array(65);
const publicKey = Buffer.from(signer.publicKey, 'base64');
const signature = Buffer.from(oneCall?.checkpoint.signature ?? '', 'base64');

describe('verify receipts offline', () => {
  bench('floor: 11 chained WebCrypto SHA-256 calls (one inclusion path)', async () => {
    let h = node;
    for (let i = 0; i < 11; i += 1) h = new Uint8Array(await sha256(h));
  });
  bench('floor: one WebCrypto Ed25519 importKey + verify', async () => {
    const key = await crypto.subtle.importKey('raw', publicKey, { name: 'Ed25519' }, false, ['verify']);
    await crypto.subtle.verify({ name: 'Ed25519' }, key, signature, node);
  });
  bench('one call receipt (1,000-event log), key pinned', async () => {
    const report = await verifyBundle(oneCall, trust);
    if (!report.ok) throw new Error('bench receipt failed to verify');
  });
  bench('one surface-drift receipt (two whole surfaces recomputed), key pinned', async () => {
    const report = await verifyBundle(oneDrift, { trust: original.fingerprint });
    if (!report.ok) throw new Error('bench receipt failed to verify');
  });
  bench('bundle of 1,000 receipts, 4 checkpoints, 3 consistency proofs', async () => {
    const report = await verifyBundle(thousand, trust);
    if (!report.ok) throw new Error('bench bundle failed to verify');
  }, { iterations: 5, time: 0 });
});
