import { describe, expect, it } from 'vitest';
import type { ClientServerEntry } from '../../src/clients/client-adapter.js';
import { checkRoutable, looksSecret, routedServer } from '../../src/clients/entry-routing.js';

const stdio = (command: string, args: string[] = [], env: Record<string, string> = {}): ClientServerEntry => ({ id: 'mcpServers/x', name: 'x', path: ['mcpServers', 'x'], transport: 'stdio', command, args, env });

describe('routedServer', () => {
  it.each([
    [['airlock', 'connect', 'github'], 'github'],
    [['/usr/bin/node', '/opt/airlock/bin/airlock.js', 'connect', '--home=/h', 'db'], 'db'],
    [['C:\\Program Files\\nodejs\\node.exe', 'C:\\Users\\me\\airlock\\bin\\airlock.js', 'connect', 'fs'], 'fs'],
    [['airlock.cmd', 'connect', '--no-autostart', 'memory'], 'memory'],
    // The desktop app's form: the user's Node, the app's bundled connect script, the app to start.
    [['/opt/homebrew/bin/node', '/Applications/Airlock.app/Contents/Resources/airlock-connect.mjs', 'connect', '--start-app=/Applications/Airlock.app/Contents/MacOS/Airlock', 'github'], 'github'],
    [['C:\\Program Files\\nodejs\\node.exe', 'C:\\Users\\me\\AppData\\Local\\Programs\\Airlock\\resources\\airlock-connect.mjs', 'connect', '--start-app=C:\\Users\\me\\AppData\\Local\\Programs\\Airlock\\Airlock.exe', '--home=D:\\airlock', 'fs'], 'fs'],
  ])('reads %j as routed to %s', (words, server) => {
    const [command = '', ...args] = words;
    expect(routedServer(stdio(command, args))).toBe(server);
  });

  it.each([[['npx', '-y', 'server-github']], [['node', 'my-connect.js', 'connect', 'x']], [['node', 'other-connect.mjs', 'connect', 'x']], [['airlock', 'serve']]])('reads %j as not routed', (words) => {
    const [command = '', ...args] = words;
    expect(routedServer(stdio(command, args))).toBeUndefined();
  });
});

describe('checkRoutable', () => {
  it('splits variables into secrets, plain values and references to the environment', () => {
    const result = checkRoutable(stdio('npx', ['-y', 'srv'], { GITHUB_TOKEN: 'ghp_x', LOG_LEVEL: 'debug', HOME_DIR: '/home/me', FROM_ENV: '${env:MY_TOKEN}', BARE: '$OTHER', BRACED: '${THIRD}' }), 'Cursor');
    expect(result).toEqual({
      ok: true,
      import: { command: 'npx', args: ['-y', 'srv'], env: { LOG_LEVEL: 'debug', HOME_DIR: '/home/me' }, envFrom: { FROM_ENV: 'MY_TOKEN', BARE: 'OTHER', BRACED: 'THIRD' }, secrets: { GITHUB_TOKEN: 'ghp_x' } },
    });
  });

  it.each([
    [{ env: { KEY: '${input:api-key}' } }, 'variable KEY uses ${input:api-key}, which only VS Code can resolve'],
    [{ args: ['${workspaceFolder}/server.js'] }, 'its command line uses ${workspaceFolder}, which only VS Code can resolve'],
    [{ env: { AUTH: 'Bearer ${TOKEN}' } }, 'variable AUTH uses ${TOKEN}, which only VS Code can resolve'],
    [{ unsupported: ['it sets "envFile"'] }, 'it sets "envFile", which Airlock cannot carry over yet'],
    [
      { transport: 'remote' as const, url: 'https://user:pw@example.com/mcp', remote: { transport: 'streamable-http' as const, headers: {}, ownKeys: [['url']] } },
      'its URL carries a user name or password, which Airlock would have to store in clear; put the key in a header instead',
    ],
  ])('refuses %j with a reason', (change, reason) => {
    expect(checkRoutable({ ...stdio('node', ['server.js']), ...change }, 'VS Code')).toEqual({ ok: false, reason });
  });
});

describe('looksSecret', () => {
  it.each([
    ['GITHUB_PERSONAL_ACCESS_TOKEN', 'anything'],
    ['OPENAI_API_KEY', 'x'],
    ['DATABASE_URL', 'postgres://app:hunter2@db.internal/app'],
    ['WHATEVER', 'sk-proj-abc'],
    ['SLACK', 'xoxb-123-456'],
    ['SEED', 'a8F3k29dLq0ZpX7mN4vB'],
  ])('%s=%s is a secret', (key, value) => expect(looksSecret(key, value)).toBe(true));

  it.each([
    ['LOG_LEVEL', 'debug'],
    ['ALLOWED_DIR', '/Users/alex/projects/2024'],
    ['REGION', 'eu-west-1'],
  ])('%s=%s is not', (key, value) => expect(looksSecret(key, value)).toBe(false));
});
