import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { credentialCounts } from '../../src/engine/gate/response-credentials.js';
import { buildCrashReport, recordCrash, type CrashContext } from '../../src/host/crash-report/index.js';
import { CrashReportSchema } from '../../src/shared/host-api/index.js';
import { makeTempDir } from '../support/temp-dir.js';

/**
 * A crash report carries no secret, path, name or argument value, whatever the crash says: the
 * properties below build crashes whose message and stack carry them, write the report as a crash
 * would, and look for each in the file's bytes.
 */

const tmp = makeTempDir('airlock-crash-scrub-');
afterAll(() => tmp.cleanup());

const chars = (alphabet: string, min: number, max: number) => fc.string({ unit: fc.constantFrom(...alphabet), minLength: min, maxLength: max });
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const B64URL = `${ALNUM}_-`;

/** One generator per credential format the gate knows (src/engine/gate/response-credentials.ts). */
const secret = fc.oneof(
  fc.tuple(fc.constantFrom('AKIA', 'ASIA', 'ABIA', 'ACCA'), chars('ABCDEFGHIJKLMNOPQRSTUVWXYZ234567', 16, 16)).map(([p, b]) => p + b),
  chars(`${ALNUM}/+`, 40, 40).map((b) => `aws_secret_access_key = ${b}`),
  fc.tuple(fc.constantFrom('p', 'o', 'u', 's', 'r'), chars(ALNUM, 36, 36)).map(([k, b]) => `gh${k}_${b}`),
  fc.tuple(chars(ALNUM, 22, 22), chars(ALNUM, 59, 59)).map(([a, b]) => `github_pat_${a}_${b}`),
  fc.tuple(fc.constantFrom('a', 'b', 'p', 'o', 's', 'r'), chars('0123456789', 6, 12), chars(`${ALNUM}-`, 10, 30)).map(([k, d, b]) => `xox${k}-${d}-${b.replace(/^-+|-+$/g, 'x')}`),
  fc.tuple(fc.constantFrom('api', 'admin', 'sid'), chars('0123456789', 2, 2), chars(B64URL, 80, 100)).map(([k, d, b]) => `sk-ant-${k}${d}-${b}`),
  fc.tuple(fc.constantFrom('proj', 'svcacct', 'admin'), chars(B64URL, 40, 60)).map(([k, b]) => `sk-${k}-${b}`),
  chars(ALNUM, 29, 45).map((b) => `sk-Ab1${b}`),
  chars(B64URL, 35, 35).map((b) => `AIza${b}`),
  fc.tuple(fc.constantFrom('sk', 'rk'), chars(ALNUM, 24, 40)).map(([k, b]) => `${k}_live_${b}`),
  chars(`${ALNUM}+/`, 40, 80).map((b) => `-----BEGIN PRIVATE KEY-----\n${b}\n-----END PRIVATE KEY-----`),
  fc.tuple(chars(B64URL, 10, 30), chars(B64URL, 10, 30), chars(B64URL, 16, 40)).map(([h, p, s]) => `eyJ${h}.eyJ${p}.${s}`),
);
/** Names and values that cannot be confused with the report's own words. */
const name = chars('abcdefghijklmnopqrstuvwxyz0123456789', 5, 14).map((s) => `q${s}`);
const serverName = fc.tuple(name, fc.constantFrom('', '-mcp', '.local', '_v2')).map(([n, s]) => `${n}${s}`);
const argValue = chars(ALNUM, 6, 20).map((s) => `V${s}Z`);

interface Crash {
  secret: string;
  user: string;
  server: string;
  value: string;
  number: number;
  userHome: string;
  airlockHome: string;
  message: string;
  stack: string;
}

const root = path.resolve(import.meta.dirname, '../..');
const crash: fc.Arbitrary<Crash> = fc
  .record({
    secret,
    user: name,
    server: serverName,
    value: argValue,
    number: fc.integer({ min: 100_000, max: 2 ** 48 }),
    homeStyle: fc.constantFrom('/home/', '/Users/', 'C:\\Users\\'),
    airlockDir: name,
    templates: fc.shuffledSubarray([0, 1, 2, 3, 4, 5, 6, 7, 8], { minLength: 3 }),
  })
  .map(({ secret, user, server, value, number, homeStyle, airlockDir, templates }) => {
    const sep = homeStyle.includes('\\') ? '\\' : '/';
    const userHome = `${homeStyle}${user}`;
    const airlockHome = `/tmp/${airlockDir}/home`;
    const parts = [
      `Unexpected token in JSON at position 5: {"password":"${value}","n":${number}}`,
      `ENOENT: no such file or directory, open '${userHome}${sep}projects${sep}${server}${sep}config.json'`,
      `upstream ${server} refused the token ${secret}`,
      `cannot read ${airlockHome}/servers/${server}.json for ${user}`,
      `arguments [${JSON.stringify(value)}, ${number}] rejected`,
      `key=${value} and token: ${secret}`,
      `in ${userHome} (${user}) at file://${userHome.replaceAll('\\', '/')}/x.js with \`${value}\``,
      `value ${JSON.stringify({ nested: { deep: [value, { secret }] } })} cut here {"a":"${value}`,
      `glued x${secret}y and ${server}Handler and https://${server}.example.com/api?key=${value}`,
    ];
    const message = templates.map((i) => parts[i]).join('; ');
    const stack = [
      `Error: ${message}`,
      `    at Host.openRelay (${root}/dist/host/host.js:120:7)`,
      `    at ${server}Handler (${userHome}${sep}${server}${sep}index.js:1:2)`,
      `    at Object.<anonymous> (file://${userHome.replaceAll('\\', '/')}/${user}.mjs:3:4)`,
      `    at ${value} (${airlockHome}/x.js:5:6)`,
      `    at node:internal/process/task_queues:95:5`,
      `    at async Promise.all (index 0)`,
    ].join('\n');
    return { secret, user, server, value, number, userHome, airlockHome, message, stack };
  });

function written(c: Crash, error: unknown, n: number): string {
  const context: CrashContext = { component: 'host', serverNames: [c.server], airlockHome: c.airlockHome, userHome: c.userHome, userName: c.user, packageRoot: root };
  const home = path.join(tmp.dir, `h${n}`);
  const report = recordCrash(home, buildCrashReport(error, context));
  return fs.readFileSync(path.join(home, 'crash-reports', `${report.id}.json`), 'utf8');
}

function leaks(c: Crash, bytes: string): string[] {
  const secretParts = c.secret.split(/[\s=]+/).filter((p) => p.length >= 16 && p !== 'aws_secret_access_key');
  const found: string[] = [];
  for (const s of [c.secret, ...secretParts]) if (bytes.includes(s)) found.push(`secret ${s}`);
  const lower = bytes.toLowerCase();
  for (const [what, s] of [['user', c.user], ['server', c.server], ['home', c.userHome], ['airlock home', c.airlockHome]] as const) if (lower.includes(s.toLowerCase())) found.push(`${what} ${s}`);
  if (bytes.includes(c.value)) found.push(`value ${c.value}`);
  if (bytes.includes(String(c.number))) found.push(`number ${c.number}`);
  if (credentialCounts(bytes).size > 0) found.push('a credential format');
  return found;
}

describe('crash report scrubbing', () => {
  it('the generated secrets are ones the gate recognises', () => {
    fc.assert(fc.property(secret, (s) => credentialCounts(s).size > 0), { numRuns: 300 });
  });

  it('no secret, home path, user name, server name or argument value of a crash reaches the written file', () => {
    let n = 0;
    fc.assert(
      fc.property(crash, (c) => {
        const error = new SyntaxError(c.message);
        error.stack = c.stack.replace(/^Error/, 'SyntaxError');
        const bytes = written(c, error, n++);
        expect(leaks(c, bytes)).toEqual([]);
        expect(CrashReportSchema.safeParse(JSON.parse(bytes)).success).toBe(true);
      }),
      { numRuns: 150 },
    );
  });

  it('a thrown string or object leaks nothing either', () => {
    let n = 0;
    fc.assert(
      fc.property(crash, fc.boolean(), (c, asString) => {
        const bytes = written(c, asString ? c.message : { password: c.value, token: c.secret, toString: () => c.message }, 10_000 + n++);
        expect(leaks(c, bytes)).toEqual([]);
      }),
      { numRuns: 60 },
    );
  });

  it('an error class named like a secret or a server is left out', () => {
    const server = 'qgithubprod';
    const named = (n: string) => Object.assign(new Error('x'), { name: n });
    const context: CrashContext = { component: 'host', serverNames: [server], userHome: '/home/qalice', userName: 'qalice', packageRoot: root };
    expect(buildCrashReport(named('AKIAABCDEFGHIJKLMNOP'), context).error.class).toBeNull();
    expect(buildCrashReport(named('QgithubprodError'), context).error.class).toBeNull();
    expect(buildCrashReport(named('not a class'), context).error.class).toBeNull();
    expect(buildCrashReport(named('StoreError'), context).error.class).toBe('StoreError');
  });

  it('keeps what helps to fix it: the words of the message, the class, and frames inside Airlock relative to it', () => {
    const error = new SyntaxError('Unexpected token in JSON at position 5: {"password":"hunter2"}');
    error.stack = [
      `SyntaxError: ${error.message}`,
      `    at JSON.parse (<anonymous>)`,
      `    at readFrame (${root}/dist/proxy/line-framer.js:40:12)`,
      `    at file://${root}/dist/host/host.js:10:2`,
      `    at node:internal/timers:573:17`,
      `    at helper (/opt/elsewhere/lib.js:1:1)`,
    ].join('\n');
    const report = buildCrashReport(error, { component: 'relay-session', rule: 'R0', userHome: '/home/qalice', userName: 'qalice', packageRoot: root });
    expect(report.error).toEqual({
      class: 'SyntaxError',
      message: 'Unexpected token in JSON at position 5: <value>',
      stack: [
        { function: 'JSON.parse', at: '<external>' },
        { function: 'readFrame', at: 'dist/proxy/line-framer.js:40:12' },
        { function: null, at: 'dist/host/host.js:10:2' },
        { function: null, at: '<node>' },
        // Code outside Airlock may be named after data (a computed method name): its name is left out.
        { function: null, at: '<external>' },
      ],
    });
    expect(report).toMatchObject({ component: 'relay-session', rule: 'R0', format: 'airlock-crash-report/1' });
    expect(report.fingerprint).toBe(`sha256:${report.id}${report.fingerprint.slice(23)}`);
  });

  it('the same crash with other values has the same fingerprint; another place in the code, another one', () => {
    const at = (value: string, file: string) => {
      const error = new TypeError(`bad "${value}"`);
      error.stack = `TypeError: bad "${value}"\n    at run (${root}/dist/host/${file}:1:2)`;
      return buildCrashReport(error, { component: 'host', userHome: '/home/qalice', userName: 'qalice', packageRoot: root }).fingerprint;
    };
    expect(at('one', 'host.js')).toBe(at('two', 'host.js'));
    expect(at('one', 'host.js')).not.toBe(at('one', 'relay.js'));
  });

  it('caps the message, even of a huge one, and the number of frames', () => {
    const error = new Error(`${'word '.repeat(50_000)}${'x'.repeat(100)}`);
    error.stack = `Error: short\n${`    at f (${root}/dist/a.js:1:1)\n`.repeat(100)}`;
    const report = buildCrashReport(error, { component: 'host', userHome: '/home/qalice', userName: 'qalice', packageRoot: root });
    expect(report.error.message.length).toBeLessThanOrEqual(1000);
    expect(report.error.stack).toHaveLength(30);
  });
});
