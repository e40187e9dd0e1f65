import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import path from 'node:path';
import { z } from 'zod';
import { canonicalJson } from '../engine/canonical-json.js';
import { ensurePrivateDir, StoreError } from '../engine/store/index.js';
import { parseStrictJson } from '../input/strict-json.js';
import { readPrivateFile, writeFileAtomically } from './private-file.js';
import type { SecretCipher } from './secret-vault.js';

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

const KeyFileSchema = z
  .strictObject({
    version: z.literal(1),
    /** PKCS#8 PEM of the current Ed25519 private key (headless Hosts). */
    private_key: z.string().optional(),
    /** The same PEM sealed by the OS keychain (the desktop app), base64; this file alone cannot sign. */
    sealed_private_key: z.string().optional(),
    /** The raw public key, base64, so the fingerprint can be shown without unsealing anything. */
    public_key: z.string().optional(),
    created_at: z.string(),
    /** Every rotation so far, oldest first: how a verifier trusting an old key reaches this one. */
    rotations: z.array(RotationSchema),
  })
  .refine((f) => (f.private_key === undefined) !== (f.sealed_private_key === undefined), 'exactly one of private_key and sealed_private_key');
type KeyFile = z.infer<typeof KeyFileSchema>;

/** The key is sealed in the desktop app's keychain and this process has no keychain to open it. */
export class SigningKeySealedError extends Error {
  override name = 'SigningKeySealedError';
}

/**
 * The Ed25519 key that signs the log's checkpoints, for a headless Host: `signing-key.json`,
 * 0600 in the home, checked with fstat before it is read, written atomically, generated on
 * first use. (The desktop app seals it with the OS keychain instead: see loadOrCreate.) Its fingerprint is
 * "sha256:" + hex(SHA-256(raw 32-byte public key)): what a reviewer pins with `verify --trust`.
 */
export class SigningKey {
  private constructor(
    private readonly privateKey: KeyObject,
    readonly rotations: readonly KeyRotationStatement[],
  ) {}

  /**
   * Loads the home's key, creating one on first use. With a `cipher` (the desktop app's
   * keychain) the key is kept sealed, and a plaintext key file found is sealed in place; without
   * one a sealed key cannot be used, and the error says where to sign instead.
   */
  static loadOrCreate(home: string, cipher?: SecretCipher): SigningKey {
    ensurePrivateDir(home);
    const file = path.join(home, SIGNING_KEY_FILE_NAME);
    const parsed = readKeyFile(file);
    if (parsed === undefined) {
      const key = generateKeyPairSync('ed25519').privateKey;
      save(file, key, [], cipher);
      return new SigningKey(key, []);
    }
    if (parsed.private_key !== undefined) {
      const key = createPrivateKey(parsed.private_key);
      if (cipher !== undefined) save(file, key, parsed.rotations, cipher);
      return new SigningKey(key, parsed.rotations);
    }
    if (cipher === undefined) {
      throw new SigningKeySealedError(
        `the receipt signing key of ${home} is sealed in the Airlock desktop app's keychain, which this command cannot open. Export and sign receipts from the app (Receipts → Export receipts) while it runs.`,
      );
    }
    let pem: string;
    try {
      pem = cipher.decrypt(Buffer.from(parsed.sealed_private_key ?? '', 'base64'));
    } catch {
      throw new SigningKeySealedError(`the receipt signing key in ${file} cannot be unsealed with this user's keychain (was the keychain reset?). Receipts already exported stay verifiable; start a new key with: airlock keys rotate`);
    }
    return new SigningKey(createPrivateKey(pem), parsed.rotations);
  }

  /** The public half and the rotations, read without unsealing the private key. */
  static publicInfo(home: string): { publicKey: string; fingerprint: string; rotations: readonly KeyRotationStatement[] } | undefined {
    const parsed = readKeyFile(path.join(home, SIGNING_KEY_FILE_NAME));
    if (parsed === undefined) return undefined;
    const raw = parsed.public_key !== undefined ? Buffer.from(parsed.public_key, 'base64') : parsed.private_key !== undefined ? rawPublicKey(createPrivateKey(parsed.private_key)) : undefined;
    if (raw === undefined) return undefined;
    return { publicKey: raw.toString('base64'), fingerprint: fingerprintOf(raw), rotations: parsed.rotations };
  }

  /**
   * The fingerprints a checkpoint of this home may be signed by: the key in use and every key it
   * rotated from or to. Null when the home has no key file (nothing to hold checkpoints to).
   */
  static trustedFingerprints(home: string): Set<string> | null {
    const info = SigningKey.publicInfo(home);
    if (info === undefined) return null;
    return new Set([info.fingerprint, ...info.rotations.flatMap((r) => [r.old_fingerprint, r.new_fingerprint])]);
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
  static rotate(home: string, logId: string, now = new Date(), cipher?: SecretCipher): { key: SigningKey; statement: KeyRotationStatement } {
    const old = SigningKey.loadOrCreate(home, cipher);
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
    save(path.join(home, SIGNING_KEY_FILE_NAME), next, rotations, cipher);
    return { key: new SigningKey(next, rotations), statement };
  }
}

function readKeyFile(file: string): KeyFile | undefined {
  const text = readPrivateFile(file, 'signing key file', 'start again with a new key (airlock keys rotate cannot vouch for it)');
  if (text === undefined) return undefined;
  // Strict: a key file edited to hold a duplicate or "__proto__" key is refused, not read one way here and another elsewhere.
  let parsed: ReturnType<typeof KeyFileSchema.safeParse>;
  try {
    parsed = KeyFileSchema.safeParse(parseStrictJson(text));
  } catch (error) {
    throw new StoreError(`the Airlock signing key file ${file} is not readable JSON (${(error as Error).message}). Restore it from a backup; receipts already exported stay verifiable.`);
  }
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new StoreError(`the Airlock signing key file ${file} is damaged (${issue ? `${issue.path.join('.') || '/'}: ${issue.message}` : 'unknown problem'}). Restore it from a backup; receipts already exported stay verifiable.`);
  }
  return parsed.data;
}

function save(file: string, key: KeyObject, rotations: readonly KeyRotationStatement[], cipher?: SecretCipher): void {
  const pem = key.export({ format: 'pem', type: 'pkcs8' }).toString();
  const privatePart = cipher === undefined ? { private_key: pem } : { sealed_private_key: cipher.encrypt(pem).toString('base64') };
  const body = { version: 1, ...privatePart, public_key: rawPublicKey(key).toString('base64'), created_at: new Date().toISOString(), rotations };
  writeFileAtomically(file, `${JSON.stringify(KeyFileSchema.parse(body), null, 2)}\n`, 'signing key file');
}

function rawPublicKey(privateKey: KeyObject): Buffer {
  const jwk = createPublicKey(privateKey).export({ format: 'jwk' });
  return Buffer.from(jwk.x ?? '', 'base64url');
}

export function fingerprintOf(rawKey: Buffer): string {
  return `sha256:${createHash('sha256').update(rawKey).digest('hex')}`;
}
