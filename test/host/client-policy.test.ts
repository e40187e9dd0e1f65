import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { listAuditEvents } from '../../src/engine/audit/index.js';
import { openStore, putServerConfig, type Store } from '../../src/engine/store/index.js';
import { surfaceHash, type Surface } from '../../src/engine/surface.js';
import { clientPolicySource, sessionClientAccess } from '../../src/host/client-policy-check.js';
import { clientPolicySummary, clientPolicyView, setClientPolicy } from '../../src/host/client-policy.js';
import { createClientToken } from '../../src/host/client-tokens.js';
import { makeTempDir } from '../support/temp-dir.js';

let cleanup: (() => void) | undefined;
let store: Store | undefined;
afterEach(() => {
  store?.close();
  cleanup?.();
});

function open(): Store {
  const temp = makeTempDir('airlock-client-policy-host-');
  cleanup = temp.cleanup;
  store = openStore(path.join(temp.dir, 'home'));
  putServerConfig(store, { name: 'demo', command: 'node', args: ['server.js'], env: {}, envFrom: {}, secretKeys: [], approveOnFirstList: false, createdAt: '2026-01-01T00:00:00Z' });
  return store;
}

const surface: Surface = {
  tools: [
    { name: 'echo', inputSchema: { type: 'object' } },
    { name: 'drop', inputSchema: { type: 'object' } },
  ],
  prompts: [{ name: 'summarize' }],
  resources: [{ name: 'a', uri: 'file:///a' }],
  resourceTemplates: [],
} as Surface;

describe('setting a client policy', () => {
  it('stores canonical entries, audits each change with what it replaced, and resets', () => {
    const s = open();
    createClientToken(s, 'CI', { replace: false });
    const view = setClientPolicy(s, { server: 'demo', tool: null, allowed: ['Token:ci', 'client: Claude  Code', 'token:CI'], by: 'cli' });
    expect(view.serverAllowed).toEqual(['token:CI', 'client:Claude Code']);
    setClientPolicy(s, { server: 'demo', tool: 'echo', allowed: [], by: 'window' });
    expect(clientPolicySummary(clientPolicyView(s, 'demo'))).toBe('token:CI, client:Claude Code (tools: echo: none)');
    setClientPolicy(s, { server: 'demo', tool: null, allowed: null, by: 'cli', withTools: true });
    expect(clientPolicyView(s, 'demo')).toMatchObject({ serverAllowed: null, tools: [] });
    const changes = listAuditEvents(s, { limit: 100 }).filter((e) => e.type === 'policy.changed');
    expect(changes.map((e) => [e.tool, e.detail])).toEqual([
      [null, { scope: 'server', allowed: ['token:CI', 'client:Claude Code'], previous: null, by: 'cli' }],
      ['echo', { scope: 'tool', allowed: [], previous: null, by: 'window' }],
      [null, { scope: 'server', allowed: null, previous: ['token:CI', 'client:Claude Code'], by: 'cli', toolPoliciesRemoved: 1 }],
    ]);
  });

  it('refuses a tool the server does not offer once it has listed, naming its tools', () => {
    const s = open();
    s.putServer({ name: 'demo', state: 'AMBER', generation: 0, liveSurface: surface, liveHash: surfaceHash(surface) });
    expect(() => setClientPolicy(s, { server: 'demo', tool: 'nope', allowed: ['connect'], by: 'cli' })).toThrow('"demo" has no tool named "nope"; its tools: drop, echo');
    expect(() => setClientPolicy(s, { server: 'demo', tool: '*', allowed: ['connect'], by: 'cli' })).toThrow(/cannot name a tool/);
  });
});

describe("a session's client access", () => {
  it('serves a client only what it may use: nothing of a server it may not use, and a tool its own policy opens', () => {
    const s = open();
    setClientPolicy(s, { server: 'demo', tool: null, allowed: ['client:Cursor'], by: 'cli' });
    const source = clientPolicySource(s);
    const other = sessionClientAccess(source, 'demo', () => ({ via: 'connect', clientName: 'Zed' }));
    expect(other.served(surface)).toMatchObject({ tools: [], prompts: [], resources: [] });
    setClientPolicy(s, { server: 'demo', tool: 'echo', allowed: ['connect'], by: 'cli' });
    expect(other.served(surface).tools.map((t) => t.name)).toEqual(['echo']);
    const cursor = sessionClientAccess(source, 'demo', () => ({ via: 'connect', clientName: 'cursor' }));
    expect(cursor.served(surface)).toMatchObject({ tools: surface.tools, prompts: surface.prompts });
    expect(cursor.refusal('tool', 'drop')).toBeUndefined();
  });

  it('judges a session by the first name its client gave: renaming itself mid-session does not step into another rule', () => {
    const s = open();
    setClientPolicy(s, { server: 'demo', tool: null, allowed: ['client:Cursor'], by: 'cli' });
    let name: string | null = null;
    const access = sessionClientAccess(clientPolicySource(s), 'demo', () => ({ via: 'connect', clientName: name }));
    expect(access.refusal('tool', 'echo')?.caller).toBe('an unnamed client (through connect)');
    name = 'Zed';
    expect(access.refusal('tool', 'echo')).toMatchObject({ caller: 'client "Zed" (through connect)', rule: 'the client policy of "demo" (allowed: client:Cursor)' });
    name = 'Cursor';
    expect(access.refusal('tool', 'echo')).toMatchObject({ caller: 'client "Zed" (through connect)' });
  });

  it('suggests the strongest entry that would let the caller in', () => {
    const s = open();
    setClientPolicy(s, { server: 'demo', tool: null, allowed: [], by: 'cli' });
    const source = clientPolicySource(s);
    expect(sessionClientAccess(source, 'demo', () => ({ via: 'token ci', clientName: null })).refusal('tool', 'echo')?.change).toMatch(/--allow token:ci /);
    expect(sessionClientAccess(source, 'demo', () => ({ via: 'connect', entry: 'cursor', clientName: null })).refusal('tool', 'echo')?.change).toMatch(/--allow entry:cursor /);
  });
});
