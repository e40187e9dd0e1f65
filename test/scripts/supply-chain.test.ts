import { execFile } from 'node:child_process';
import { randomInt } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { makeTempDir } from '../support/temp-dir.js';

/**
 * The supply-chain checks (scripts/supply-chain/*.mjs), each run as `npm run supply-chain` runs
 * it, in a small fixture project in a temp folder. The fixture lockfiles follow npm's
 * lockfileVersion 3 (`packages` keyed by install location, `dev` on dev-only entries). The only
 * registry is a local fake: no test needs the internet.
 */

const SCRIPTS = fileURLToPath(new URL('../../scripts/supply-chain/', import.meta.url));
const INTEGRITY = `sha512-${Buffer.alloc(64, 7).toString('base64')}`;

type Locked = { version: string; license?: string; dev?: boolean };
type Project = { dependencies?: Record<string, string>; devDependencies?: Record<string, string>; locked: Record<string, Locked> };

let cleanups: (() => void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups) cleanup();
  cleanups = [];
});

function writeProject(project: Project): string {
  const { dir, cleanup } = makeTempDir('airlock-supply-chain-');
  cleanups.push(cleanup);
  const direct = { dependencies: project.dependencies ?? {}, devDependencies: project.devDependencies ?? {} };
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'fixture', version: '1.0.0', ...direct }, null, 2));
  const packages: Record<string, unknown> = { '': { name: 'fixture', version: '1.0.0', ...direct } };
  for (const [name, locked] of Object.entries(project.locked)) {
    packages[`node_modules/${name}`] = { version: locked.version, integrity: INTEGRITY, ...(locked.license ? { license: locked.license } : {}), ...(locked.dev ? { dev: true } : {}) };
  }
  fs.writeFileSync(path.join(dir, 'package-lock.json'), JSON.stringify({ name: 'fixture', version: '1.0.0', lockfileVersion: 3, requires: true, packages }, null, 2));
  return dir;
}

/** Puts a package into the fixture's node_modules, as npm ci would have. */
function install(dir: string, name: string, version: string, license = 'MIT'): void {
  fs.mkdirSync(path.join(dir, 'node_modules', name), { recursive: true });
  fs.writeFileSync(path.join(dir, 'node_modules', name, 'package.json'), JSON.stringify({ name, version, license }));
}

function run(script: string, cwd: string, env: Record<string, string> = {}): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [path.join(SCRIPTS, script)], {
      cwd,
      env: { ...process.env, npm_config_update_notifier: 'false', npm_config_fetch_retries: '0', ...env },
    }, (error, stdout) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout }));
  });
}

/** A registry whose audit endpoint answers as `answer` says; every other request gets 404. */
async function fakeRegistry(answer: (res: http.ServerResponse) => void): Promise<string> {
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      if (req.method === 'POST' && req.url?.includes('/-/npm/v1/security/')) answer(res);
      else res.writeHead(404, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => server.close());
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}

const HIGH_ADVISORY = {
  'left-pad': [{
    id: 1099001,
    url: 'https://github.com/advisories/GHSA-fake-4242-high',
    title: 'Prototype pollution in left-pad (fake)',
    severity: 'high',
    vulnerable_versions: '<2.0.0',
    cwe: [],
    cvss: { score: 8.1, vectorString: null },
  }],
};
const answerHigh = (res: http.ServerResponse) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(HIGH_ADVISORY));
const leftPadProject = (): Project => ({ dependencies: { 'left-pad': '^1.3.0' }, locked: { 'left-pad': { version: '1.3.0', license: 'MIT' } } });

function writeExceptions(dir: string, exception: Record<string, string>): void {
  fs.mkdirSync(path.join(dir, 'supply-chain'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'supply-chain', 'audit-exceptions.json'), JSON.stringify({ exceptions: [exception] }));
}
const daysFromToday = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

describe('audit.mjs', () => {
  it('passes with one line when the advisory service answers 405', async () => {
    const registry = await fakeRegistry((res) => res.writeHead(405, { allow: 'GET,HEAD' }).end());
    const { code, stdout } = await run('audit.mjs', writeProject(leftPadProject()), { npm_config_registry: registry });
    expect(code).toBe(0);
    expect(stdout.trim().split('\n')).toHaveLength(1);
    expect(stdout).toMatch(/^ok {4}audit {5}skipped: the advisory service answered 405 Method Not Allowed/);
  });

  it('passes with one line when the registry cannot be reached at all', async () => {
    const registry = await fakeRegistry(() => undefined);
    const port = new URL(registry).port;
    cleanups.at(-1)?.(); // close it: nothing listens there now
    const { code, stdout } = await run('audit.mjs', writeProject(leftPadProject()), { npm_config_registry: `http://127.0.0.1:${port}/` });
    expect(code).toBe(0);
    expect(stdout).toContain('could not be reached (ECONNREFUSED)');
  });

  it('fails on a high advisory in a runtime dependency, naming it', async () => {
    const registry = await fakeRegistry(answerHigh);
    const { code, stdout } = await run('audit.mjs', writeProject(leftPadProject()), { npm_config_registry: registry });
    expect(code).toBe(1);
    expect(stdout).toContain('FAIL  audit');
    expect(stdout).toContain('high GHSA-fake-4242-high in left-pad');
  });

  it('passes a high advisory that a current, reviewed exception accepts', async () => {
    const registry = await fakeRegistry(answerHigh);
    const dir = writeProject(leftPadProject());
    writeExceptions(dir, { advisory: 'GHSA-fake-4242-high', package: 'left-pad', reason: 'only the CLI padding path uses it', reviewer: 'sec@airlock', date: daysFromToday(-10), expires: daysFromToday(30) });
    const { code, stdout } = await run('audit.mjs', dir, { npm_config_registry: registry });
    expect(code).toBe(0);
    expect(stdout).toContain('1 high/critical accepted by a current exception');
  });

  it('fails when the exception for an advisory has expired', async () => {
    const registry = await fakeRegistry(answerHigh);
    const dir = writeProject(leftPadProject());
    writeExceptions(dir, { advisory: 'GHSA-fake-4242-high', package: 'left-pad', reason: 'waiting for 2.0', reviewer: 'sec@airlock', date: daysFromToday(-40), expires: daysFromToday(-1) });
    const { code, stdout } = await run('audit.mjs', dir, { npm_config_registry: registry });
    expect(code).toBe(1);
    expect(stdout).toContain(`expired on ${daysFromToday(-1)}`);
    expect(stdout).toContain('high GHSA-fake-4242-high in left-pad');
  });
});

describe('licences.mjs', () => {
  it('fails on a copyleft runtime dependency, naming the package', async () => {
    const dir = writeProject({
      dependencies: { 'gpl-lib': '^1.0.0', 'ok-lib': '^2.0.0' },
      locked: { 'gpl-lib': { version: '1.0.4', license: 'GPL-3.0-only' }, 'ok-lib': { version: '2.1.0', license: 'MIT' } },
    });
    const { code, stdout } = await run('licences.mjs', dir);
    expect(code).toBe(1);
    expect(stdout).toContain('gpl-lib@1.0.4 is licensed "GPL-3.0-only"');
    expect(stdout).not.toContain('ok-lib@2.1.0 is licensed');
  });

  it('judges SPDX expressions whole and ignores dev-only packages', async () => {
    const dir = writeProject({
      dependencies: { either: '^1.0.0', both: '^1.0.0' },
      devDependencies: { 'gpl-tool': '^1.0.0' },
      locked: {
        either: { version: '1.0.0', license: '(GPL-2.0-only OR MIT)' },
        both: { version: '1.0.0', license: 'MIT AND (Apache-2.0 OR GPL-3.0-only)' },
        'gpl-tool': { version: '1.0.0', license: 'GPL-3.0-only', dev: true },
      },
    });
    const { code, stdout } = await run('licences.mjs', dir);
    expect(stdout).toContain('ok    licences  2 runtime packages');
    expect(code).toBe(0);
  });

  it('reads the licence from node_modules when the lockfile has none, and fails a package with none at all', async () => {
    const dir = writeProject({
      dependencies: { installed: '^1.0.0', unknown: '^1.0.0' },
      locked: { installed: { version: '1.0.0' }, unknown: { version: '3.0.0' } },
    });
    install(dir, 'installed', '1.0.0', 'ISC');
    const { code, stdout } = await run('licences.mjs', dir);
    expect(code).toBe(1);
    expect(stdout).toContain('unknown@3.0.0 (node_modules/unknown) declares no licence');
    expect(stdout).not.toContain('installed@1.0.0');
  });
});

describe('lockfile.mjs', () => {
  it('passes a project whose every spec is a bounded range the lockfile satisfies', async () => {
    const { code, stdout } = await run('lockfile.mjs', writeProject(leftPadProject()));
    expect(stdout).toContain('every version comes from the lockfile');
    expect(code).toBe(0);
  });

  it('fails a git dependency', async () => {
    const dir = writeProject({ dependencies: { 'left-pad': 'git+https://github.com/left-pad/left-pad.git#main' }, locked: { 'left-pad': { version: '1.3.0' } } });
    const { code, stdout } = await run('lockfile.mjs', dir);
    expect(code).toBe(1);
    expect(stdout).toContain('"left-pad": "git+https://github.com/left-pad/left-pad.git#main" is a git dependency');
  });

  it.each([['latest', 'a dist-tag'], ['*', 'no upper bound'], ['>=1.0.0', 'no upper bound'], ['file:../left-pad', 'a local path']])(
    'fails the spec %j', async (spec, reason) => {
      const dir = writeProject({ dependencies: { 'left-pad': spec }, locked: { 'left-pad': { version: '1.3.0' } } });
      const { code, stdout } = await run('lockfile.mjs', dir);
      expect(code).toBe(1);
      expect(stdout).toContain(reason);
    },
  );

  it('fails a lockfile that pins a version outside the range, or differs from package.json', async () => {
    const dir = writeProject({ dependencies: { 'left-pad': '^2.0.0' }, locked: { 'left-pad': { version: '1.3.0' } } });
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
    fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ ...manifest, devDependencies: { vitest: '^4.0.0' } }));
    const { code, stdout } = await run('lockfile.mjs', dir);
    expect(code).toBe(1);
    expect(stdout).toContain('npm ls: invalid: left-pad@1.3.0');
    expect(stdout).toContain('package-lock.json does not record devDependencies "vitest": "^4.0.0"');
  });
});

describe('sbom.mjs', () => {
  it('writes a CycloneDX SBOM of the runtime packages at their locked versions, without dev ones', async () => {
    const dir = writeProject({ ...leftPadProject(), devDependencies: { 'dev-tool': '^1.0.0' }, locked: { ...leftPadProject().locked, 'dev-tool': { version: '1.0.0', dev: true } } });
    install(dir, 'left-pad', '1.3.0');
    install(dir, 'dev-tool', '1.0.0');
    const { code, stdout } = await run('sbom.mjs', dir);
    expect(stdout).toContain('1 components for 1 locked runtime packages');
    expect(code).toBe(0);
    const sbom = JSON.parse(fs.readFileSync(path.join(dir, 'artifacts', 'sbom.cdx.json'), 'utf8'));
    expect(sbom.bomFormat).toBe('CycloneDX');
    expect(sbom.components.map((c: { name: string; version: string }) => `${c.name}@${c.version}`)).toEqual(['left-pad@1.3.0']);
  });

  it('fails when the installed version is not the locked one', async () => {
    const dir = writeProject(leftPadProject());
    install(dir, 'left-pad', '1.2.0');
    const { code, stdout } = await run('sbom.mjs', dir);
    expect(code).toBe(1);
    expect(stdout).toContain('FAIL  sbom');
    expect(stdout).toContain('left-pad');
  });
});

describe('secrets.mjs', () => {
  /** A made-up AWS secret access key, built at run time so this file holds none. */
  const fakeAwsSecret = () => Array.from({ length: 40 }, () => 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'[randomInt(62)]).join('');

  function gitProject(files: Record<string, string>): string {
    const dir = writeProject({ locked: {} });
    for (const [file, text] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      fs.writeFileSync(path.join(dir, file), text);
    }
    return dir;
  }
  const gitInit = (dir: string) => new Promise((resolve, reject) => execFile('git', ['init', '-q', dir], (e) => (e ? reject(e) : resolve(undefined))));

  it('finds a fake AWS secret key in a file and prints it masked', async () => {
    const secret = fakeAwsSecret();
    const dir = gitProject({ 'config/deploy.ini': `[default]\naws_secret_access_key = ${secret}\n`, 'README.md': 'nothing here\n' });
    await gitInit(dir);
    const { code, stdout } = await run('secrets.mjs', dir);
    expect(code).toBe(1);
    expect(stdout).toContain('config/deploy.ini:2 @secretlint/secretlint-rule-aws');
    expect(stdout).not.toContain(secret);
  });

  it('skips a fixture listed with a reason, and fails an ignore entry that matches no file', async () => {
    const dir = gitProject({
      'test/fixtures/creds.ini': `aws_secret_access_key = ${fakeAwsSecret()}\n`,
      'supply-chain/secret-scan-ignore.json': JSON.stringify({ ignore: [{ path: 'test/fixtures/', reason: 'made-up keys for the redaction tests' }] }),
    });
    await gitInit(dir);
    expect((await run('secrets.mjs', dir)).code).toBe(0);

    fs.writeFileSync(path.join(dir, 'supply-chain/secret-scan-ignore.json'), JSON.stringify({ ignore: [{ path: 'test/gone/', reason: 'moved' }, { path: 'test/fixtures/', reason: 'made-up keys' }] }));
    const { code, stdout } = await run('secrets.mjs', dir);
    expect(code).toBe(1);
    expect(stdout).toContain('"test/gone/" matches no file');
  });
});
