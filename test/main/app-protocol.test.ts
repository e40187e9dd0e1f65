import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { registerAppProtocol, resolveAppRequest, type ProtocolLike } from '../../src/main/app-protocol.js';
import { WINDOW_CSP } from '../../src/main/window-options.js';
import { makeTempDir } from '../support/temp-dir.js';

let tmp: ReturnType<typeof makeTempDir>;
let renderer: string;
beforeEach(() => {
  tmp = makeTempDir('airlock-app-protocol-');
  // A renderer build as electron-vite writes it (out/renderer), plus a secret beside it.
  renderer = path.join(tmp.dir, 'renderer');
  fs.mkdirSync(path.join(renderer, 'assets'), { recursive: true });
  fs.writeFileSync(path.join(renderer, 'index.html'), '<!doctype html><title>Airlock</title>');
  fs.writeFileSync(path.join(renderer, 'assets', 'index-abc123.js'), 'console.log(1)');
  fs.writeFileSync(path.join(renderer, 'assets', 'index-abc123.css'), 'body{}');
  fs.writeFileSync(path.join(renderer, 'assets', 'notes.txt'), 'not a served type');
  fs.writeFileSync(path.join(tmp.dir, 'secret.js'), 'SECRET');
});
afterEach(() => tmp.cleanup());

describe('resolveAppRequest', () => {
  it('serves index.html at /', () => {
    expect(resolveAppRequest(renderer, 'app://airlock').status).toBe(200);
    const answer = resolveAppRequest(renderer, 'app://airlock/');
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(answer.body?.toString()).toBe('<!doctype html><title>Airlock</title>');
  });

  it('serves assets with their type, ignoring query and hash', () => {
    expect(resolveAppRequest(renderer, 'app://airlock/assets/index-abc123.js?v=1#x')).toMatchObject({ status: 200, headers: { 'content-type': 'text/javascript; charset=utf-8' } });
    expect(resolveAppRequest(renderer, 'app://airlock/assets/index-abc123.css').headers['content-type']).toBe('text/css; charset=utf-8');
  });

  it('sends the CSP and nosniff with every answer, a 404 too', () => {
    for (const url of ['app://airlock/', 'app://airlock/missing.js']) {
      const { headers } = resolveAppRequest(renderer, url);
      expect(headers['content-security-policy'], url).toBe(WINDOW_CSP);
      expect(headers['x-content-type-options'], url).toBe('nosniff');
    }
  });

  it.each([
    'app://airlock/../secret.js',
    // These two resolve to index.html after the URL parser's normalising: refused all the same.
    'app://airlock/assets/../index.html',
    'app://airlock/assets/%2e%2e/index.html',
    'app://airlock/assets/../../secret.js',
    'app://airlock/%2e%2e/secret.js',
    'app://airlock/assets/%2E%2E/%2e%2e/secret.js',
    'app://airlock/..%2fsecret.js',
    'app://airlock/..%5csecret.js',
    'app://airlock/assets\\..\\..\\secret.js',
    'app://airlock/assets/./index-abc123.js',
    'app://airlock/index.html%00.js',
  ])('refuses the traversal %s with a 404', (url) => {
    expect(resolveAppRequest(renderer, url)).toMatchObject({ status: 404, body: Buffer.from('not found\n') });
  });

  it.each(['app://other/index.html', 'app://airlock.evil/index.html', 'app://user@airlock/index.html', 'app://airlock:8080/index.html', 'https://airlock/index.html', 'file:///index.html'])(
    'refuses %s (another host or scheme) with a 404',
    (url) => {
      expect(resolveAppRequest(renderer, url).status).toBe(404);
    },
  );

  it('refuses unknown file types, folders and missing files with a 404', () => {
    expect(resolveAppRequest(renderer, 'app://airlock/assets/notes.txt').status).toBe(404);
    expect(resolveAppRequest(renderer, 'app://airlock/assets').status).toBe(404);
    expect(resolveAppRequest(renderer, 'app://airlock/missing.js').status).toBe(404);
  });

  it.skipIf(process.platform === 'win32')('refuses a symlink that leads out of the renderer folder', () => {
    fs.symlinkSync(path.join(tmp.dir, 'secret.js'), path.join(renderer, 'assets', 'link.js'));
    expect(resolveAppRequest(renderer, 'app://airlock/assets/link.js').status).toBe(404);
  });
});

describe('registerAppProtocol', () => {
  it('answers the app scheme with real Responses carrying status, headers and body', async () => {
    let registered: { scheme: string; handler: Parameters<ProtocolLike['handle']>[1] } | undefined;
    registerAppProtocol({ handle: (scheme, handler) => void (registered = { scheme, handler }) }, renderer);
    expect(registered?.scheme).toBe('app');
    const ok = await registered!.handler({ url: 'app://airlock/' });
    expect([ok.status, ok.headers.get('content-security-policy'), await ok.text()]).toEqual([200, WINDOW_CSP, '<!doctype html><title>Airlock</title>']);
    const missing = await registered!.handler({ url: 'app://airlock/../secret.js' });
    expect([missing.status, missing.headers.get('x-content-type-options')]).toEqual([404, 'nosniff']);
  });
});
