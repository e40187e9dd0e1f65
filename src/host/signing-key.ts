import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import path from 'node:path';
import { z } from 'zod';
import { canonicalJson } from '../engine/canonical-json.js';
import { ensurePrivateDir } from '../engine/store/index.js';
import { readPrivateFile, writeFileAtomically } from './private-file.js';

export const SIGNING_KEY_FILE_NAME = 'signing-key.json';

const RotationSchema = z.strictObject({
  log_id: z.string(),
  old_fingerprint: z.string(),
  old_public_key: z.string(),
  new_fingerprint: z.string(),
  new_public_key: z.string(),
  rotated_at: z.string(),
  signature: z.string(),
});
export type KeyRotationStatement = z.infer<typeof RotationSchema>;

const KeyFileSchema = z.strictObject({
  version: z.literal(1),
  /** PKCS#8 PEM of the current Ed25519 private key. */
  private_key: z.string(),
  created_at: z.string(),
  /** Every rotation so far, oldest first: how a verifier trusting an old key reaches this one. */
  rotations: z.array(RotationSchema),
});

/**
 * The Ed25519 key that signs the log's checkpoints, for a headless Host: `signing-key.json`,
 * 0600 in the home, checked with fstat before it is read, written atomically, generated on
 * first use. (The desktop app keeps it in the OS keychain instead.) Its fingerprint is
 * "sha256:" + hex(SHA-256(raw 32-byte public key)): what a reviewer pins with `verify --trust`.
 */
export class SigningKey {
  private constructor(
    private readonly privateKey: KeyObject,
    readonly rotations: readonly KeyRotationStatement[],
  ) {}

  static loadOrCreate(home: string): SigningKey {
    ensurePrivateDir(home);
    const file = path.join(home, SIGNING_KEY_FILE_NAME);
    const text = readPrivateFile(file, 'signing key file', 'start again with a new key (airlock keys rotate cannot vouch for it)');
    if (text === undefined) {
      const key = generateKeyPairSync('ed25519').privateKey;
      save(file, key, []);
      return new SigningKey(key, []);
    }
    const parsed = KeyFileSchema.parse(JSON.parse(text));
    return new SigningKey(createPrivateKey(parsed.private_key), parsed.rotations);
  }

  /** The raw 32-byte public key, base64. */
  get publicKey(): string {
    return rawPublicKey(this.privateKey).toString('base64');
  }

  get fingerprint(): string {
    return fingerprintOf(rawPublicKey(this.privateKey));
  }

  sign(data: Buffer): Buffer {
    return sign(null, data, this.privateKey);
  }

  /**
   * Replaces the key with a new one. The OLD key signs a statement naming the new one, so a
   * reviewer who pinned the old fingerprint can follow the chain; the statement is kept in the
   * key file (for exports) and returned for the audit log.
   */
  static rotate(home: string, logId: string, now = new Date()): { key: SigningKey; statement: KeyRotationStatement } {
    const old = SigningKey.loadOrCreate(home);
    const next = generateKeyPairSync('ed25519').privateKey;
    const unsigned = {
      log_id: logId,
      new_fingerprint: fingerprintOf(rawPublicKey(next)),
      new_public_key: rawPublicKey(next).toString('base64'),
      old_fingerprint: old.fingerprint,
      rotated_at: now.toISOString(),
    };
    const statement: KeyRotationStatement = { ...unsigned, old_public_key: old.publicKey, signature: old.sign(Buffer.from(canonicalJson(unsigned), 'utf8')).toString('base64') };
    const rotations = [...old.rotations, statement];
    save(path.join(home, SIGNING_KEY_FILE_NAME), next, rotations);
    return { key: new SigningKey(next, rotations), statement };
  }
}

function save(file: string, key: KeyObject, rotations: readonly KeyRotationStatement[]): void {
  const body = { version: 1, private_key: key.export({ format: 'pem', type: 'pkcs8' }).toString(), created_at: new Date().toISOString(), rotations };
  writeFileAtomically(file, `${JSON.stringify(KeyFileSchema.parse(body), null, 2)}\n`, 'signing key file');
}

function rawPublicKey(privateKey: KeyObject): Buffer {
  const jwk = createPublicKey(privateKey).export({ format: 'jwk' });
  return Buffer.from(jwk.x ?? '', 'base64url');
}

export function fingerprintOf(rawKey: Buffer): string {
  return `sha256:${createHash('sha256').update(rawKey).digest('hex')}`;
}
