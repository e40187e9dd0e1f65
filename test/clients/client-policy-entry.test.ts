import { describe, expect, it } from 'vitest';
import { routedServer } from '../../src/clients/entry-routing.js';
import { entryLauncher } from '../../src/clients/install-plan.js';
import { HelloSchema } from '../../src/proxy/local-socket.js';
import { runCli } from '../support/run-cli.js';

/** `clients install` marks each connect entry with the AI client whose file it lives in, and the entry still reads as routed. */
describe('the --client=ID entry marker', () => {
  it('is one word after the launcher, so the server name stays the first word after connect that is not an option', () => {
    const launcher = entryLauncher({ command: '/usr/bin/node', args: ['/opt/airlock/bin/airlock.js', 'connect', '--home=/h'] }, 'cursor');
    expect(launcher.args).toEqual(['/opt/airlock/bin/airlock.js', 'connect', '--home=/h', '--client=cursor']);
    expect(routedServer({ command: launcher.command, args: [...launcher.args, 'github'] })).toBe('github');
  });

  it('is refused by airlock connect when it is not one word or not a client id, before anything starts', () => {
    const spaced = runCli(['connect', 'demo', '--client', 'cursor', '--no-autostart', '--home', '/nonexistent-airlock-home']);
    expect(spaced.status).toBe(2);
    expect(spaced.stderr).toContain('option --client takes its id in the same word: --client=ID');
    const bad = runCli(['connect', 'demo', '--client=Not An Id', '--no-autostart', '--home', '/nonexistent-airlock-home']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain("option --client needs an AI client's id such as --client=cursor");
  });

  it("is carried in connect's hello to the Host, and a hello from an older connect without it is still valid", () => {
    const hello = { hello: 'connect', v: 1, server: 'demo', cwd: '/', path: null };
    expect(HelloSchema.parse({ ...hello, entry: 'cursor' })).toMatchObject({ entry: 'cursor' });
    expect(HelloSchema.parse(hello)).not.toHaveProperty('entry');
    expect(HelloSchema.safeParse({ ...hello, entry: 'Not An Id' }).success).toBe(false);
  });
});
