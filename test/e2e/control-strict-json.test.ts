import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/run-cli.js';
import { spawnCli, type RunningCli } from '../support/spawn-cli.js';
import { makeTempDir } from '../support/temp-dir.js';

/** A real `airlock serve --port` reads request bodies as strict JSON: refused with 400 and a reason, and it keeps serving. */

let tmp: ReturnType<typeof makeTempDir>;
let serve: RunningCli;
let baseUrl: string;
let token: string;

beforeAll(async () => {
  tmp = makeTempDir('airlock-strict-json-');
  const home = path.join(tmp.dir, 'home');
  serve = spawnCli(['--home', home, 'serve', '--port', '0']);
  await serve.linesOut(2);
  const url = runCli(['--home', home, 'ui-url']);
  expect(url.status).toBe(0);
  baseUrl = url.stdout.trim().slice(0, url.stdout.indexOf('/#'));
  token = fs.readFileSync(path.join(home, 'control-token'), 'utf8').trim();
}, 60_000);

afterAll(async () => {
  if (serve) {
    serve.child.kill('SIGTERM');
    await serve.exited;
  }
  tmp?.cleanup();
});

function post(route: string, body: string): Promise<{ status: number; body: { error?: string; ok?: boolean } }> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${baseUrl}${route}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' } }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString('utf8')));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as { error?: string } }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const deepArray = (levels: number): string => `${'['.repeat(levels)}${']'.repeat(levels)}`;

describe('the control API of airlock serve, on hostile JSON', () => {
  it('answers 400 to a body nested 10,000 levels deep, on the HostApi and on the CLI routes, and keeps serving', async () => {
    const rpc = await post('/v1/rpc', `{"method":"status","params":${deepArray(10_000)}}`);
    expect(rpc).toEqual({ status: 400, body: { error: 'the request body was refused: the JSON nests deeper than 128 levels of arrays and objects. Send one JSON object.' } });
    const approve = await post('/v1/approve', `{"server":"x","hash":"h","release":${deepArray(10_000)}}`);
    expect(approve.status).toBe(400);
    expect(approve.body.error).toMatch(/nests deeper than 128 levels/);
    expect(await post('/v1/rpc', JSON.stringify({ method: 'status', params: {} }))).toMatchObject({ status: 200, body: { ok: true } });
    expect(serve.child.exitCode).toBeNull();
  });

  it('answers 400 to duplicate and "__proto__" keys, naming the key', async () => {
    const duplicate = await post('/v1/rpc', '{"method":"status","method":"clientsList","params":{}}');
    expect(duplicate.status).toBe(400);
    expect(duplicate.body.error).toMatch(/the key "method" twice/);
    const proto = await post('/v1/rpc', '{"method":"status","params":{"__proto__":{"x":1}}}');
    expect(proto.status).toBe(400);
    expect(proto.body.error).toMatch(/"__proto__" key/);
  });
});
