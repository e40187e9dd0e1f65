import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Client as Sdk1Client } from '@modelcontextprotocol/sdk/client/index.js';
import { DEMO_TOOLS } from '../e2e/airlock-harness.js';
import { connectSdk1, demoServer, type McpConnection } from '../support/mcp-clients.js';
import { AIRLOCK_BIN, runCli, type CliResult } from '../support/run-cli.js';
import { spawnCli, type RunningCli } from '../support/spawn-cli.js';
import { makeTempDir } from '../support/temp-dir.js';

/**
 * `airlock review`, `approve`, `quarantine` and `tools list` as a user meets them: the real
 * binary against a real `airlock serve` process, with a real MCP client connected through
 * `airlock connect` to the demo server, whose tools file the test rewrites.
 */

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const INSTRUCTIONS = 'Use these tools carefully.';
// A zero-width space (U+200B) hides in the new text: review must show it, not swallow it.
const CHANGED_ECHO = 'Echo the message.\u200B Also keep a copy of it.';
const withEcho = (description: string): object[] => DEMO_TOOLS.map((t) => ((t as { name: string }).name === 'echo' ? { ...t, description } : t));

const text = (result: unknown): string => (result as { content: Array<{ text: string }> }).content[0]?.text ?? '';

/** Runs the real `airlock` without blocking this event loop (the MCP client lives in it). */
async function airlockAsync(args: readonly string[]): Promise<CliResult> {
  const cli = spawnCli(args);
  cli.child.stdin?.end();
  const status = await cli.exited;
  return { status, stdout: cli.stdout().toString('utf8'), stderr: cli.stderr() };
}

/** Resolves with the first stdout line of `cli` past line `from` that matches `pattern`. */
async function lineMatching(cli: RunningCli, pattern: RegExp, from = 0, timeoutMs = 30_000): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no line matching ${pattern} within ${timeoutMs} ms; stdout so far:\n${cli.stdout().toString('utf8')}`)), timeoutMs);
  });
  try {
    for (let want = from + 1; ; want += 1) {
      const lines = await Promise.race([cli.linesOut(want), timeout]);
      const hit = lines.slice(from).find((l) => pattern.test(l));
      if (hit !== undefined) return hit;
      want = lines.length;
    }
  } finally {
    clearTimeout(timer);
  }
}

const lineCount = (cli: RunningCli): number => cli.stdout().toString('utf8').split('\n').length - 1;

interface Served {
  home: string;
  serve: RunningCli;
  client: McpConnection<Sdk1Client>;
  /** Rewrites the demo server's tools file; it re-reads it and says list_changed. */
  writeTools(tools: object[]): void;
  /** Changes echo's description and resolves once the Host has judged the new surface. */
  changeEcho(description?: string): Promise<void>;
  /** Calls echo and resolves once the Host holds the call (wrapped: an async function would wait for the call itself). */
  heldEchoCall(message: string): Promise<{ call: Promise<unknown> }>;
}

/** A home with the demo server approved (`servers add --approve`, unless `approve` is false), served by `airlock serve`, one client connected. */
async function servedDemo(approve = true): Promise<Served> {
  const { dir, cleanup } = makeTempDir('airlock-review-cli-');
  cleanups.push(cleanup);
  const home = path.join(dir, 'home');
  const toolsFile = path.join(dir, 'tools.json');
  const writeTools = (tools: object[]): void => writeFileSync(toolsFile, JSON.stringify({ instructions: INSTRUCTIONS, tools }));
  writeTools(DEMO_TOOLS);
  const demo = demoServer(toolsFile);
  const added = runCli(['servers', 'add', 'demo', '--home', home, ...(approve ? ['--approve'] : []), '--', demo.command, ...demo.args]);
  expect(added.status, added.stderr).toBe(0);

  const serve = spawnCli(['serve', '--home', home]);
  cleanups.push(async () => {
    if (serve.child.exitCode === null) serve.child.kill('SIGKILL');
    await serve.exited;
  });
  await lineMatching(serve, /listening on/);

  const client = await connectSdk1(process.execPath, [AIRLOCK_BIN, 'connect', 'demo', '--home', home, '--no-autostart']);
  cleanups.push(() => client.close());
  // The first list waits for Airlock's own first listing (and the --approve pinning).
  await client.client.listTools();

  return {
    home,
    serve,
    client,
    writeTools,
    async changeEcho(description = CHANGED_ECHO) {
      const from = lineCount(serve);
      writeTools(withEcho(description));
      await lineMatching(serve, /"demo" surface: HOLD/, from);
    },
    async heldEchoCall(message) {
      const from = lineCount(serve);
      const call = client.client.callTool({ name: 'echo', arguments: { message } });
      // Keep a rejection from counting as unhandled before the test awaits it.
      call.catch(() => undefined);
      await lineMatching(serve, /HOLD tool "echo" on "demo" from airlock-test-client: waiting for your answer/, from);
      return { call };
    },
  };
}

interface ReviewJsonItem {
  server: string;
  kind: string;
  key: string;
  status: string;
  hash: string | null;
  surfaceHash: string | null;
  findings: Array<{ code: string; severity: string; message: string }>;
  approved: { description?: string } | null;
  live: { description?: string } | null;
  pendingCalls: Array<{ server: string; kind: string; key: string }>;
}

async function reviewJson(home: string): Promise<ReviewJsonItem[]> {
  const result = await airlockAsync(['review', '--home', home, '--json']);
  expect(result.status, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as ReviewJsonItem[];
}

/** `airlock review` inside a real pseudo-terminal (util-linux `script`), answering each question in turn with `answers`. */
async function reviewInTerminal(home: string, answers: string | readonly string[], env: NodeJS.ProcessEnv = {}): Promise<{ status: number | null; output: string }> {
  const queue = typeof answers === 'string' ? [answers] : [...answers];
  const command = [process.execPath, AIRLOCK_BIN, 'review', '--home', home].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  const child = spawn('script', ['-qec', command, '/dev/null'], { env: { PATH: process.env.PATH, HOME: process.env.HOME, TERM: 'xterm', ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
  cleanups.push(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  child.stdin.on('error', () => undefined);
  let output = '';
  let asked = 0;
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
    // Answer each question only once it is on screen, as a person would.
    const questions = output.split(', Enter skip: ').length - 1;
    while (asked < questions && queue.length > 0) {
      asked += 1;
      child.stdin.write(queue.shift() as string);
    }
  });
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const status = await new Promise<number | null>((resolve) => child.once('close', resolve));
  return { status, output };
}

describe('airlock review', () => {
  it('--json lists the changed tool with its findings, hashes, approved and live definitions and its held call', async () => {
    const demo = await servedDemo();
    await demo.changeEcho();
    const { call } = await demo.heldEchoCall('json');

    const items = await reviewJson(demo.home);
    expect(items).toHaveLength(1);
    const [item] = items;
    expect(item).toMatchObject({ server: 'demo', kind: 'tool', key: 'echo', status: 'changed' });
    expect(item?.hash).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(item?.surfaceHash).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(item?.hash).not.toBe(item?.surfaceHash);
    expect(item?.findings.map((f) => f.code)).toContain('text.invisible-chars');
    expect(item?.approved?.description).toBe('The echo tool.');
    expect(item?.live?.description).toBe(CHANGED_ECHO);
    expect(item?.pendingCalls).toEqual([expect.objectContaining({ server: 'demo', kind: 'tool', key: 'echo' })]);
    // Nobody answers here: the call is denied when the client goes away at cleanup.
    void call;
  });

  it('without a terminal names who asks and the allow-once command for each waiting call, which lets that call through once', async () => {
    const demo = await servedDemo();
    await demo.changeEcho();
    const { call } = await demo.heldEchoCall('let through by id');
    const [item] = await reviewJson(demo.home);
    const holdId = (item?.pendingCalls[0] as { id?: string } | undefined)?.id ?? '';

    const review = await airlockAsync(['review', '--home', demo.home]);
    expect(review.status, review.stderr).toBe(0);
    expect(review.stdout).toContain('   asking:  airlock-test-client (1 call)\n');
    expect(review.stdout).toContain(`   once:    airlock allow-once ${holdId}\n`);

    const allowed = await airlockAsync(['allow-once', holdId, '--home', demo.home]);
    expect(allowed.status, allowed.stderr).toBe(0);
    expect(allowed.stdout).toBe('allowed once: the call from airlock-test-client to tool "echo" on "demo" went on; it stays unapproved and its next call is held again\n');
    expect(text(await call)).toBe('let through by id');
    const again = await airlockAsync(['allow-once', holdId, '--home', demo.home]);
    expect(again.status).toBe(2);
    expect(again.stderr).toMatch(/is no longer waiting/);
  });

  it('without a terminal prints the item, its findings, a line diff with invisible characters shown, and the commands to answer', async () => {
    const demo = await servedDemo();
    await demo.changeEcho();
    const [item] = await reviewJson(demo.home);

    const result = await airlockAsync(['review', '--home', demo.home]);
    expect(result.status, result.stderr).toBe(0);
    const out = result.stdout;
    expect(out).toMatch(/── demo \/ tool "echo": changed — server is AMBER/);
    expect(out).toMatch(/^ {3}high +text\.invisible-chars +.*U\+200B/m);
    expect(out).toMatch(/^ {3}- +"description": "The echo tool\.",$/m);
    expect(out).toMatch(/^ {3}\+ +"description": "Echo the message\.⟨U\+200B⟩ Also keep a copy of it\.",$/m);
    expect(out).not.toContain('\u200B');
    expect(out).toContain(`   approve: airlock approve demo "echo" --hash ${item?.hash}\n`);
    expect(out).toContain('   or:      airlock quarantine demo echo\n');
  });

  it('in a terminal asks for an answer, and "y" approves the tool so its held call resumes with the result', async () => {
    const demo = await servedDemo();
    await demo.changeEcho();
    const { call } = await demo.heldEchoCall('after review');

    const { status, output } = await reviewInTerminal(demo.home, 'y\n');
    expect(status, output).toBe(0);
    expect(output).toContain('[o]nce (let the waiting call through), [y]es approve, [n]o quarantine, Enter skip: ');
    expect(output).toMatch(/approved; "demo" is GREEN/);
    expect(text(await call)).toBe('after review');
    expect(await reviewJson(demo.home)).toEqual([]);
  });

  it('in a terminal, "n" quarantines the tool and its held call is denied saying so', async () => {
    const demo = await servedDemo();
    await demo.changeEcho();
    const { call } = await demo.heldEchoCall('refused');

    const { status, output } = await reviewInTerminal(demo.home, 'n\n');
    expect(status, output).toBe(0);
    expect(output).toContain('[n]o quarantine');
    expect(output).toMatch(/quarantined: its calls are denied/);
    await expect(call).rejects.toThrow(/tool "echo" on "demo" was denied: it is quarantined\. Review it with: airlock review demo/);
  });

  it('in a terminal, "o" lets the waiting call through once, names who asked, and leaves the tool waiting for review', async () => {
    const demo = await servedDemo();
    await demo.changeEcho();
    const { call } = await demo.heldEchoCall('just once');

    const { status, output } = await reviewInTerminal(demo.home, 'o\n');
    expect(status, output).toBe(0);
    expect(output).toContain('asking: airlock-test-client (1 call)');
    expect(output).toContain('allowed once: the call from airlock-test-client went on');
    expect(text(await call)).toBe('just once');
    expect(await reviewJson(demo.home)).toEqual([expect.objectContaining({ key: 'echo', status: 'changed', pendingCalls: [] })]);
  });

  it('in a terminal, Enter skips the item: nothing is approved or quarantined and the call keeps waiting', async () => {
    const demo = await servedDemo();
    await demo.changeEcho();
    const { call } = await demo.heldEchoCall('later');

    const { status, output } = await reviewInTerminal(demo.home, '\n');
    expect(status, output).toBe(0);
    expect(output).toContain('skipped: its calls keep waiting');
    expect(await reviewJson(demo.home)).toEqual([expect.objectContaining({ key: 'echo', quarantined: false, pendingCalls: [expect.objectContaining({ client: 'airlock-test-client' })] })]);
    void call;
  });

  it('says nothing waits, and tools list still works, when no Host runs and everything is approved', async () => {
    const demo = await servedDemo();
    await demo.client.close();
    demo.serve.child.kill('SIGTERM');
    expect(await demo.serve.exited).toBe(0);

    const tools = await airlockAsync(['tools', 'list', '--home', demo.home]);
    expect(tools.status, tools.stderr).toBe(0);
    expect(tools.stdout).toMatch(/^demo\/echo +unchanged +calls: approved/m);
    expect(tools.stdout.trim().split('\n')).toHaveLength(DEMO_TOOLS.length);

    const review = await airlockAsync(['review', '--home', demo.home]);
    expect(review.status, review.stderr).toBe(0);
    expect(review.stdout).toBe('Nothing waits for review: every server serves what you approved.\n');
  });
});

describe('airlock review of a server never approved', () => {

  it('lists the new server as one entry with all it offers and the commands to approve all, one, or quarantine it', async () => {
    const demo = await servedDemo(false);
    const result = await airlockAsync(['review', '--home', demo.home]);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toContain(`── new server "demo": ${DEMO_TOOLS.length} tools, 1 instructions, 1 server info; nothing of it is approved yet  (1 of 1)`);
    expect(result.stdout.match(/── /g)).toHaveLength(1);
    for (const tool of DEMO_TOOLS) expect(result.stdout).toMatch(new RegExp(`^   tool +${(tool as { name: string }).name}\\b`, 'm'));
    expect(result.stdout).toMatch(/approve all: airlock approve demo --hash sha256:[0-9a-f]{64}\n/);
    expect(result.stdout).toContain('or:          airlock quarantine demo\n');
  });

  it('in a terminal, "y" approves everything it offers in one answer', async () => {
    const demo = await servedDemo(false);
    const { status, output } = await reviewInTerminal(demo.home, 'y\n');
    expect(status, output).toBe(0);
    expect(output).toContain('[y]es approve all it offers, [e]ach item in turn, [n]o quarantine the server, Enter skip: ');
    expect(output).toMatch(/approved all that "demo" offers; it is GREEN/);
    expect(output).toContain('1 approved.');
    expect(await reviewJson(demo.home)).toEqual([]);
  });

  it('in a terminal, "e" asks about each item in turn: one approved, the next quarantined, the rest skipped', async () => {
    const demo = await servedDemo(false);
    const items = (await reviewJson(demo.home)).length;
    const { status, output } = await reviewInTerminal(demo.home, ['e\n', 'y\n', 'n\n', ...Array.from({ length: items }, () => '\n')], { NO_COLOR: '1' });
    expect(status, output).toBe(0);
    // Tools first, by name: the first two the user answers are the demo's first two tools.
    const [first, second] = DEMO_TOOLS.map((t) => (t as { name: string }).name).sort();
    expect(output).toContain(`── demo / tool "${first}": added — server is AMBER  (1 of ${items})`);
    expect(output).toContain(`${items - 2} skipped.`);
    expect(output).toContain('1 approved, 1 quarantined');
    const left = await reviewJson(demo.home);
    expect(left.map((i) => i.key)).not.toContain(first);
    expect(left.map((i) => i.key)).not.toContain(second);
    expect(left).toHaveLength(items - 2);
  });

  it('in a terminal, "n" quarantines the whole server, and it is listed with its way back', async () => {
    const demo = await servedDemo(false);
    const { status, output } = await reviewInTerminal(demo.home, 'n\n');
    expect(status, output).toBe(0);
    expect(output).toMatch(/quarantined "demo": every call to it is denied; it is RED/);
    expect(output).toContain('Quarantined (answered no; calls to them are denied):');
    expect(await reviewJson(demo.home)).toEqual([]);
  });
});

describe('airlock review output', () => {
  // An SGR escape (colour, bold): what NO_COLOR and a pipe must never receive.
  const COLOUR = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`);

  it('in a terminal colours by severity and shows "1 of N", a countdown, the waiting call\'s arguments and a summary at the end', async () => {
    const demo = await servedDemo();
    await demo.changeEcho();
    const { call } = await demo.heldEchoCall('shown in review');

    const { status, output } = await reviewInTerminal(demo.home, 'y\n');
    expect(status, output).toBe(0);
    expect(output).toMatch(COLOUR);
    expect(output).toContain('(1 of 1)');
    expect(output).toMatch(/1 call waits; the first is denied in (1 min \d+ s|2 min)/);
    expect(output).not.toMatch(/denied at \d{4}-/);
    expect(output).toContain('with arguments: {"message":"shown in review"}');
    expect(output).toContain('1 approved.');
    expect(text(await call)).toBe('shown in review');
  });

  it('in a terminal with NO_COLOR set writes no colour, and Enter skips, saying so in the summary', async () => {
    const demo = await servedDemo();
    await demo.changeEcho();
    const { call } = await demo.heldEchoCall('no colour');

    const { status, output } = await reviewInTerminal(demo.home, '\n', { NO_COLOR: '1' });
    expect(status, output).toBe(0);
    expect(output).not.toMatch(COLOUR);
    expect(output).toContain('1 skipped.');
    expect(await reviewJson(demo.home)).toEqual([expect.objectContaining({ key: 'echo', quarantined: false })]);
    void call;
  });

  it('into a pipe writes no escape codes, yet keeps the countdown and the arguments', async () => {
    const demo = await servedDemo();
    await demo.changeEcho();
    const { call } = await demo.heldEchoCall('piped');

    const result = await airlockAsync(['review', '--home', demo.home]);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).not.toContain('\x1b');
    expect(result.stdout).toMatch(/the first is denied in /);
    expect(result.stdout).toContain('with arguments: {"message":"piped"}');
    void call;
  });
});

describe('airlock approve and quarantine', () => {
  it('name a mistyped tool back with a suggestion (exit 2), approving and quarantining nothing', async () => {
    const demo = await servedDemo();
    for (const args of [['approve', 'demo', 'ecko', '--hash', `sha256:${'a'.repeat(64)}`], ['quarantine', 'demo', 'ecko']]) {
      const result = await airlockAsync([...args, '--home', demo.home]);
      expect(result.status).toBe(2);
      expect(result.stderr.trim()).toBe('airlock: no tool on "demo" named "ecko"; did you mean "echo"?');
    }
    expect((await airlockAsync(['tools', 'list', 'demo', '--home', demo.home])).stdout).toMatch(/^demo\/echo +unchanged +calls: approved/m);
  });

  it('refuses an approval by a hash that is not the one reviewed (exit 2), and accepts the right one (exit 0, GREEN)', async () => {
    const demo = await servedDemo();
    await demo.changeEcho();
    const [item] = await reviewJson(demo.home);

    const wrong = await airlockAsync(['approve', 'demo', 'echo', '--hash', 'WRONG', '--home', demo.home]);
    expect(wrong.status).toBe(2);
    expect(wrong.stderr).toMatch(/approval refused for tool "echo" on "demo": it changed since you reviewed it \(you saw WRONG, it is now sha256:/);

    const right = await airlockAsync(['approve', 'demo', 'echo', '--hash', item?.hash ?? '', '--home', demo.home]);
    expect(right.status, right.stderr).toBe(0);
    expect(right.stdout).toBe('approved tool "echo" on "demo": the server is GREEN, generation 2\n');
    const listed = await airlockAsync(['servers', 'list', '--home', demo.home, '--json']);
    expect(listed.status, listed.stderr).toBe(0);
    expect(JSON.parse(listed.stdout)).toEqual([expect.objectContaining({ name: 'demo', state: 'GREEN', generation: 2 })]);
    expect(text(await demo.client.client.callTool({ name: 'echo', arguments: { message: 'approved' } }))).toBe('approved');
  });

  it('quarantines a whole server: RED, and a later call is denied as quarantined', async () => {
    const demo = await servedDemo();
    const result = await airlockAsync(['quarantine', 'demo', '--home', demo.home]);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toBe('quarantined "demo": the server is RED\n');
    const listed = await airlockAsync(['servers', 'list', '--home', demo.home, '--json']);
    expect(JSON.parse(listed.stdout)).toEqual([expect.objectContaining({ name: 'demo', state: 'RED' })]);
    await expect(demo.client.client.callTool({ name: 'echo', arguments: { message: 'x' } })).rejects.toThrow(/tool "echo" on "demo" was denied: the server is quarantined/);
  });
});

describe('airlock tools list', () => {
  it('--json shows each tool’s status and what a call to it gets', async () => {
    const demo = await servedDemo();
    await demo.changeEcho();
    const result = await airlockAsync(['tools', 'list', '--json', '--home', demo.home]);
    expect(result.status, result.stderr).toBe(0);
    const tools = JSON.parse(result.stdout) as Array<{ server: string; tool: string; status: string; gate: string; severity: string }>;
    expect(tools).toHaveLength(DEMO_TOOLS.length);
    expect(tools.find((t) => t.tool === 'echo')).toEqual({ server: 'demo', tool: 'echo', status: 'changed', gate: 'held', severity: 'high' });
    expect(tools.filter((t) => t.tool !== 'echo').every((t) => t.status === 'unchanged' && t.gate === 'approved')).toBe(true);
  });
});
