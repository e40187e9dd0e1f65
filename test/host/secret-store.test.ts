import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SECRETS_FILE_NAME, SecretStore } from '../../src/host/secret-store.js';
import { makeTempDir } from '../support/temp-dir.js';

const posix = process.platform !== 'win32';

let tmp: ReturnType<typeof makeTempDir>;
let home: string;
let file: string;
beforeEach(() => {
  tmp = makeTempDir('airlock-secrets-');
  home = path.join(tmp.dir, 'home');
  file = path.join(home, SECRETS_FILE_NAME);
});
afterEach(() => tmp.cleanup());

describe('SecretStore', () => {
  it('creates nothing but the 0700 home until a secret is set, and has no secrets then', () => {
    const store = SecretStore.open(home);
    expect(fs.existsSync(file)).toBe(false);
    expect(store.get('github')).toEqual({});
    expect(store.keys('github')).toEqual([]);
    if (posix) expect(fs.statSync(home).mode & 0o777).toBe(0o700);
  });

  it('stores values in a 0600 file of the documented shape and gives them back as Secrets', () => {
    const store = SecretStore.open(home);
    store.set('github', 'GITHUB_TOKEN', 'ghp_secret_value');
    store.set('github', 'OTHER', 'second');
    store.set('slack', 'SLACK_TOKEN', 'xoxb-1');
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toEqual({
      version: 1,
      servers: { github: { GITHUB_TOKEN: 'ghp_secret_value', OTHER: 'second' }, slack: { SLACK_TOKEN: 'xoxb-1' } },
    });
    if (posix) expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const secrets = store.get('github');
    expect(secrets.GITHUB_TOKEN?.reveal()).toBe('ghp_secret_value');
    expect(JSON.stringify(secrets)).toBe('{"GITHUB_TOKEN":"***","OTHER":"***"}');
    expect(store.keys('github')).toEqual(['GITHUB_TOKEN', 'OTHER']);
  });

  it('reads fresh from disk, so a write by another process is seen at the next get', () => {
    const host = SecretStore.open(home);
    expect(host.get('github')).toEqual({});
    SecretStore.open(home).set('github', 'GITHUB_TOKEN', 'written-by-the-cli');
    expect(host.get('github').GITHUB_TOKEN?.reveal()).toBe('written-by-the-cli');
  });

  it('replaces the file by rename and leaves no temp file behind', () => {
    const store = SecretStore.open(home);
    store.set('github', 'A', 'first');
    const before = fs.statSync(file).ino;
    store.set('github', 'A', 'second');
    expect(fs.statSync(file).ino).not.toBe(before);
    expect(fs.readdirSync(home)).toEqual([SECRETS_FILE_NAME]);
  });

  it("replaces or deletes all of one server's secrets, leaving the others", () => {
    const store = SecretStore.open(home);
    store.set('github', 'A', 'aaaa');
    store.set('github', 'B', 'bbbb');
    store.set('slack', 'C', 'cccc');
    store.replaceServer('github', { D: 'dddd' });
    expect(store.keys('github')).toEqual(['D']);
    expect(store.deleteServer('github')).toBe(true);
    expect(store.deleteServer('github')).toBe(false);
    expect(store.keys('github')).toEqual([]);
    expect(store.keys('slack')).toEqual(['C']);
  });

  it('refuses an empty value, a NUL in a value, a bad key and a bad server name', () => {
    const store = SecretStore.open(home);
    expect(() => store.set('github', 'A', '')).toThrow(/secret A of server "github": the value is empty/);
    expect(() => store.set('github', 'A', 'x\0y')).toThrow(/NUL character/);
    expect(() => store.set('github', 'NOT-A-KEY', 'x')).toThrow(/not a valid variable name/);
    expect(() => store.set('__proto__', 'A', 'x')).toThrow(/not a valid server name/);
    expect(fs.existsSync(file)).toBe(false);
  });

  it('does not treat inherited object properties as servers', () => {
    const store = SecretStore.open(home);
    expect(store.get('constructor')).toEqual({});
    expect(store.get('__proto__')).toEqual({});
  });
});

describe.runIf(posix)('SecretStore file checks', () => {
  it('refuses a file that group or others can read, saying how to fix it, and reads it once fixed', () => {
    SecretStore.open(home).set('github', 'A', 'value-one');
    fs.chmodSync(file, 0o644);
    expect(() => SecretStore.open(home)).toThrow(/secrets file .* has mode 0644, so other users could read it\. Run: chmod 600 .*rotate them/);
    fs.chmodSync(file, 0o600);
    expect(SecretStore.open(home).keys('github')).toEqual(['A']);
  });

  it('checks again on every read, not only at open', () => {
    const store = SecretStore.open(home);
    store.set('github', 'A', 'value-one');
    fs.chmodSync(file, 0o640);
    expect(() => store.get('github')).toThrow(/has mode 0640/);
    expect(() => store.set('github', 'B', 'x')).toThrow(/has mode 0640/);
  });

  it('refuses a symbolic link in place of the file', () => {
    fs.mkdirSync(home, { recursive: true, mode: 0o700 });
    const elsewhere = path.join(tmp.dir, 'elsewhere.json');
    fs.writeFileSync(elsewhere, '{"version":1,"servers":{}}', { mode: 0o600 });
    fs.symlinkSync(elsewhere, file);
    expect(() => SecretStore.open(home)).toThrow(/is a symbolic link, which Airlock refuses/);
  });

  it('refuses a file that is not JSON, or of another shape, without echoing its contents', () => {
    fs.mkdirSync(home, { recursive: true, mode: 0o700 });
    fs.writeFileSync(file, 'ghp_leaked{', { mode: 0o600 });
    expect(() => SecretStore.open(home)).toThrow(/is not valid JSON/);
    fs.writeFileSync(file, JSON.stringify({ version: 1, servers: { github: { 'bad key': 'ghp_leaked' } } }), { mode: 0o600 });
    let message = '';
    try {
      SecretStore.open(home);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/has an unexpected shape \(servers\.github\.bad key: /);
    expect(message).not.toContain('ghp_leaked');
  });
});
