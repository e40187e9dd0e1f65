import { afterEach, describe, expect, it } from 'vitest';
import type { HostApiEvent } from '../../src/shared/host-api/index.js';
import { changesReview } from '../../src/renderer/views/review/review-events.js';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { AIRLOCK_BIN } from '../support/run-cli.js';
import { connectDemo, DEMO_TOOLS, demoTool, rewriteTools, startAirlockHome } from './airlock-harness.js';

/** The window's Review badge reloads on the Host's events: an answer given in the terminal must cause one. */

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('the Review badge after an answer in the terminal', () => {
  it('gets an event it reloads on when one of two changed tools is approved with airlock approve', async () => {
    const airlock = await startAirlockHome();
    cleanups.push(() => airlock.close());
    const { tools } = await connectDemo(airlock, { approve: true, surface: { tools: DEMO_TOOLS }, cleanups });
    const changed = DEMO_TOOLS.map((t) => {
      const name = (t as { name: string }).name;
      return name === 'echo' || name === 'slow' ? demoTool(name, `The ${name} tool, changed.`, (t as { inputSchema: object }).inputSchema) : t;
    });
    await rewriteTools(airlock, tools, { tools: changed });
    const items = airlock.host.review('demo');
    expect(items.map((i) => i.key).sort()).toEqual(['echo', 'slow']);
    const echo = items.find((i) => i.key === 'echo');

    const events: HostApiEvent[] = [];
    const unsubscribe = airlock.host.api.subscribe((e) => events.push(e));
    cleanups.push(unsubscribe);
    // Asynchronously: the Host answering the CLI runs in this process.
    await promisify(execFile)(process.execPath, [AIRLOCK_BIN, 'approve', 'demo', 'echo', '--hash', echo?.hash ?? '', '--home', airlock.home]);
    // The server stays AMBER (slow still waits), so no state change: yet the count went from 2 to 1.
    expect(airlock.host.review('demo').map((i) => i.key)).toEqual(['slow']);
    expect(events.filter(changesReview)).not.toEqual([]);
  });
});
