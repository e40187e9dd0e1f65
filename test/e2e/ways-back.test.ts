import { spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { listAuditEvents } from '../../src/engine/audit/index.js';
import { openStore } from '../../src/engine/store/index.js';
import { AIRLOCK_BIN, type CliResult } from '../support/run-cli.js';
import { spawnCli } from '../support/spawn-cli.js';
import { connectDemo, DEMO_TOOLS, demoToolsWithEcho, rewriteTools, startAirlockHome } from './airlock-harness.js';

/**
 * The ways back, as a user meets them: a real Host, the demo server behind `airlock connect`
 * with a real MCP client, and the real `airlock` CLI answering over the Host's socket. A "no"
 * is released with `airlock release`, an approval undone with `airlock revert`.
 */

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const INSTRUCTIONS = 'Use these tools carefully.';
const text = (result: unknown): string => (result as { content: Array<{ text: string }> }).content[0]?.text ?? '';

/** The real CLI, without blocking this event loop (the Host lives in it). */
async function airlock(args: readonly string[]): Promise<CliResult> {
  const cli = spawnCli(args);
  cli.child.stdin?.end();
  const status = await cli.exited;
  return { status, stdout: cli.stdout().toString('utf8'), stderr: cli.stderr() };
}

/** The real CLI inside a pseudo-terminal (util-linux `script`), typing `answer` once `question` is on screen. */
function inTerminal(args: readonly string[], question: string, answer: string): Promise<{ status: number | null; output: string }> {
  const command = [process.execPath, AIRLOCK_BIN, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  const child = spawn('script', ['-qec', command, '/dev/null'], { env: { PATH: process.env.PATH, HOME: process.env.HOME, TERM: 'xterm' }, stdio: ['pipe', 'pipe', 'pipe'] });
  cleanups.push(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  child.stdin.on('error', () => undefined);
  let output = '';
  let answered = false;
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
    if (!answered && output.includes(question)) {
      answered = true;
      child.stdin.write(answer);
    }
  });
  return new Promise((resolve) => child.on('close', (status) => resolve({ status, output })));
}

async function setUp() {
  const home = await startAirlockHome({ holdTimeoutMs: 30_000 });
  cleanups.push(() => home.close());
  const { tools, client } = await connectDemo(home, { approve: true, surface: { instructions: INSTRUCTIONS, tools: DEMO_TOOLS }, cleanups });
  return { home, tools, client };
}

describe('ways back from quarantine and from an approval', () => {
  it('a tool answered "no" leaves the inbox, is listed with its release command, and `airlock release --yes` lets its calls through', async () => {
    const { home, tools, client } = await setUp();
    await rewriteTools(home, tools, demoToolsWithEcho('Echo the message, and keep a copy.', INSTRUCTIONS));
    home.host.quarantine('demo', { kind: 'tool', key: 'echo', reason: 'answered n in a test' });
    await expect(client.client.callTool({ name: 'echo', arguments: { message: 'x' } })).rejects.toThrow(/quarantined\. Review it with: airlock review demo/);

    // The DENY message leads here: the item is no longer asked about, and its way back is shown.
    const review = await airlock(['review', 'demo', '--home', home.home]);
    expect(review.status, review.stderr).toBe(0);
    expect(review.stdout).not.toContain('Approve?');
    expect(review.stdout).toContain('Nothing waits for your answer.');
    expect(review.stdout).toContain('── demo / tool "echo" is quarantined: answered n in a test\n   release: airlock release demo echo\n');
    expect(home.host.servers()[0]?.held).toBe(0);
    const json = await airlock(['review', 'demo', '--json', '--home', home.home]);
    expect(JSON.parse(json.stdout)).toEqual([]);

    const refused = await airlock(['release', 'demo', 'echo', '--home', home.home]);
    expect(refused.status).toBe(2);
    expect(refused.stdout).toContain('   +   "description": "Echo the message, and keep a copy.",\n');
    expect(refused.stderr).toMatch(/nothing was approved: this is not a terminal.*airlock release demo "echo" --yes/);

    const released = await airlock(['release', 'demo', 'echo', '--yes', '--home', home.home]);
    expect(released.status, released.stderr).toBe(0);
    expect(released.stdout).toMatch(/^Releasing tool "echo" on "demo" approves its live definition \(item sha256:[0-9a-f]{64}\)/);
    expect(released.stdout).toMatch(/released tool "echo" on "demo": approved by sha256:[0-9a-f]{64}; the server is GREEN, generation 2\n$/);
    expect(text(await client.client.callTool({ name: 'echo', arguments: { message: 'released' } }))).toBe('released');
    expect(home.host.quarantined('demo')).toEqual([]);
  });

  it('in a terminal, release shows the change and asks: N keeps the quarantine, y releases', async () => {
    const { home, tools } = await setUp();
    await rewriteTools(home, tools, demoToolsWithEcho('Echo the message, twice.', INSTRUCTIONS));
    home.host.quarantine('demo', { kind: 'tool', key: 'echo' });

    const no = await inTerminal(['release', 'demo', 'echo', '--home', home.home], 'Release and approve it? [y/N]', '\n');
    expect(no.status, no.output).toBe(0);
    expect(no.output).toContain('"description": "Echo the message, twice."');
    expect(no.output).toContain('Nothing was approved.');
    expect(home.host.quarantined('demo')).toHaveLength(1);

    const yes = await inTerminal(['release', 'demo', 'echo', '--home', home.home], 'Release and approve it? [y/N]', 'y\n');
    expect(yes.status, yes.output).toBe(0);
    expect(yes.output).toMatch(/released tool "echo" on "demo": approved by sha256:[0-9a-f]{64}; the server is GREEN/);
    expect(home.host.quarantined('demo')).toEqual([]);
  });

  it('a quarantined server (RED) is released by approving its live surface as a new generation', async () => {
    const { home, client } = await setUp();
    home.host.quarantine('demo', { reason: 'test' });
    const review = await airlock(['review', 'demo', '--home', home.home]);
    expect(review.stdout).toContain('── demo: the whole server (RED) is quarantined');
    expect(review.stdout).toContain('release: airlock release demo\n');

    const released = await airlock(['release', 'demo', '--yes', '--home', home.home]);
    expect(released.status, released.stderr).toBe(0);
    expect(released.stdout).toContain('Releasing "demo" approves what it lists now');
    expect(released.stdout).toContain('as a new generation (2)');
    expect(released.stdout).toContain('the server is GREEN, generation 2');
    expect(text(await client.client.callTool({ name: 'echo', arguments: { message: 'back' } }))).toBe('back');
  });

  it('`airlock revert --to 1 --yes` approves generation 1 again: the client is served the old definition and the new one is held', async () => {
    const { home, tools, client } = await setUp();
    const original = (await client.client.listTools()).tools.find((t) => t.name === 'echo');
    await rewriteTools(home, tools, demoToolsWithEcho('Echo the message, in capitals.', INSTRUCTIONS));
    const [item] = home.host.review('demo');
    home.host.approve('demo', { kind: 'tool', key: 'echo', hash: item?.hash ?? '' });
    expect((await client.client.listTools()).tools.find((t) => t.name === 'echo')?.description).toBe('Echo the message, in capitals.');

    const notEarlier = await airlock(['revert', 'demo', '--to', '2', '--yes', '--home', home.home]);
    expect(notEarlier.status).toBe(2);
    expect(notEarlier.stderr).toMatch(/"demo" has no earlier generation 2 to revert to: it is at generation 2, and generation 1 is the only earlier one/);

    const reverted = await airlock(['revert', 'demo', '--to', '1', '--yes', '--home', home.home]);
    expect(reverted.status, reverted.stderr).toBe(0);
    expect(reverted.stdout).toContain('Reverting "demo" approves generation 1');
    expect(reverted.stdout).toContain('again as generation 3');
    expect(reverted.stdout).toContain('── tool "echo": changes');
    expect(reverted.stdout).toContain('   -   "description": "Echo the message, in capitals.",\n   +   "description": "The echo tool.",\n');
    expect(reverted.stdout).toMatch(/reverted "demo" to generation 1: approved again as generation 3; the server is AMBER\n$/);

    expect((await client.client.listTools()).tools.find((t) => t.name === 'echo')).toEqual(original);
    expect(home.host.review('demo')).toEqual([expect.objectContaining({ key: 'echo', status: 'changed' })]);
    await home.host.stop();
    const store = openStore(home.home);
    try {
      const last = listAuditEvents(store).filter((e) => e.type === 'surface.approved').at(-1);
      expect(last?.detail).toMatchObject({ revertedTo: 1, generation: 3, approvedBy: 'user' });
    } finally {
      store.close();
    }
  });
});
