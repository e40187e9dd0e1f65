import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { StoreError, ensurePrivateDir } from '../../engine/store/index.js';
import { readPrivateFile } from '../private-file.js';
import type { SecretCipher } from '../secret-vault.js';

export const OAUTH_KEY_FILE_NAME = 'oauth-vault.key';

const VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * The headless Host's SecretCipher: AES-256-GCM with a random key in `<home>/oauth-vault.key`
 * (0600). It keeps tokens out of the sealed file itself (a backup, a sync folder, a grep), not
 * from someone who can read the whole home; the app passes the OS keychain's cipher instead.
 */
export function fileKeyCipher(home: string): SecretCipher {
  const key = readOrCreateKey(home);
  return {
    encrypt(plain) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return Buffer.concat([Buffer.from([VERSION]), iv, cipher.getAuthTag(), body]);
    },
    decrypt(sealed) {
      if (sealed.length < 1 + IV_BYTES + TAG_BYTES || sealed[0] !== VERSION) throw new Error('not sealed by this cipher');
      const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(1, 1 + IV_BYTES));
      decipher.setAuthTag(sealed.subarray(1 + IV_BYTES, 1 + IV_BYTES + TAG_BYTES));
      return Buffer.concat([decipher.update(sealed.subarray(1 + IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
    },
  };
}

function readOrCreateKey(home: string): Buffer {
  ensurePrivateDir(home);
  const file = path.join(home, OAUTH_KEY_FILE_NAME);
  const remedy = 'sign in to the remote servers again';
  let text = readPrivateFile(file, 'OAuth vault key', remedy);
  if (text === undefined) {
    // O_EXCL: two processes starting at once must not each seal with a key the other loses.
    try {
      fs.writeFileSync(file, `${randomBytes(32).toString('base64')}\n`, { flag: 'wx', mode: 0o600 });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw new StoreError(`cannot create the Airlock OAuth vault key ${file}: ${(error as Error).message}. Check the folder's permissions.`);
    }
    text = readPrivateFile(file, 'OAuth vault key', remedy);
  }
  const key = Buffer.from((text ?? '').trim(), 'base64');
  if (key.length !== 32) throw new StoreError(`the Airlock OAuth vault key ${file} is not a 32-byte key. Move it aside and ${remedy}.`);
  return key;
}
