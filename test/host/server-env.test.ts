import { describe, expect, it } from 'vitest';
import { Secret } from '../../src/host/secret.js';
import { buildServerEnv, describeMissingEnv } from '../../src/host/server-env.js';

const hostEnv = {
  HOME: '/home/ada',
  LOGNAME: 'ada',
  PATH: '/usr/bin:/bin',
  SHELL: '/bin/zsh',
  TERM: 'xterm-256color',
  USER: 'ada',
  AWS_SECRET_ACCESS_KEY: 'not-for-this-server',
  GH_HOST: 'github.example.com',
};
const none = { env: {}, envFrom: {}, secretKeys: [] };

describe('buildServerEnv', () => {
  it('passes only the variables an MCP client passes, not the rest of the Host environment', () => {
    const { env, missing } = buildServerEnv({ config: none, secrets: {}, hostEnv, platform: 'linux' });
    expect(env).toEqual({ HOME: '/home/ada', LOGNAME: 'ada', PATH: '/usr/bin:/bin', SHELL: '/bin/zsh', TERM: 'xterm-256color', USER: 'ada' });
    expect(missing).toEqual([]);
  });

  it('skips exported shell functions', () => {
    const { env } = buildServerEnv({ config: none, secrets: {}, hostEnv: { ...hostEnv, SHELL: '() { :; }; echo pwned' }, platform: 'linux' });
    expect(env).not.toHaveProperty('SHELL');
  });

  it("uses the client's PATH when given", () => {
    const { env } = buildServerEnv({ config: none, secrets: {}, hostEnv, clientPath: '/opt/node/bin:/usr/bin', platform: 'linux' });
    expect(env.PATH).toBe('/opt/node/bin:/usr/bin');
  });

  it('layers literal env, envFrom and secrets over the inherited variables', () => {
    const config = { env: { LOG_LEVEL: 'debug', HOME: '/srv/gh' }, envFrom: { GITHUB_HOST: 'GH_HOST' }, secretKeys: ['GITHUB_TOKEN'] };
    const { env, missing } = buildServerEnv({ config, secrets: { GITHUB_TOKEN: new Secret('ghp_x1y2'), OTHER: new Secret('unused') }, hostEnv, platform: 'linux' });
    expect(env).toMatchObject({ LOG_LEVEL: 'debug', HOME: '/srv/gh', GITHUB_HOST: 'github.example.com', GITHUB_TOKEN: 'ghp_x1y2' });
    expect(env).not.toHaveProperty('OTHER');
    expect(missing).toEqual([]);
  });

  it('lists an unset envFrom variable and an unstored secret as missing instead of passing them empty', () => {
    const config = { name: 'gh', env: {}, envFrom: { GITHUB_HOST: 'NOT_SET_ANYWHERE' }, secretKeys: ['GITHUB_TOKEN'] };
    const { env, missing } = buildServerEnv({ config, secrets: {}, hostEnv, platform: 'linux' });
    expect(missing).toEqual(['GITHUB_HOST', 'GITHUB_TOKEN']);
    expect(env).not.toHaveProperty('GITHUB_HOST');
    expect(env).not.toHaveProperty('GITHUB_TOKEN');
    expect(describeMissingEnv(config, missing)).toBe(
      'server "gh" cannot start: GITHUB_HOST (from $NOT_SET_ANYWHERE, which is not set in the environment Airlock was started with); ' +
        'GITHUB_TOKEN (its secret is not stored: add it again with airlock servers add gh --replace --secret GITHUB_TOKEN …)',
    );
  });

  it('passes an envFrom variable that is set but empty', () => {
    const { env, missing } = buildServerEnv({ config: { ...none, envFrom: { FLAG: 'EMPTY' } }, secrets: {}, hostEnv: { EMPTY: '' }, platform: 'linux' });
    expect(env.FLAG).toBe('');
    expect(missing).toEqual([]);
  });

  it('on Windows inherits the Windows list, finding variables whatever their case', () => {
    const windowsEnv = { Path: 'C:\\Windows', SystemRoot: 'C:\\Windows', USERPROFILE: 'C:\\Users\\ada', HOME: 'ignored', GhHost: 'gh.example' };
    const { env } = buildServerEnv({ config: { ...none, envFrom: { GITHUB_HOST: 'GHHOST' } }, secrets: {}, hostEnv: windowsEnv, platform: 'win32' });
    expect(env).toEqual({ PATH: 'C:\\Windows', SYSTEMROOT: 'C:\\Windows', USERPROFILE: 'C:\\Users\\ada', GITHUB_HOST: 'gh.example' });
  });
});
