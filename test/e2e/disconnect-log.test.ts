import { afterEach, describe, expect, it } from 'vitest';
import { connectDemo, startAirlockHome } from './airlock-harness.js';

/** The Host's log says what happened: a client that leaves is not a server that crashed. */

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('host log when a client disconnects', () => {
  it('says the client disconnected, never that the server exited or that its command needs checking', async () => {
    const airlock = await startAirlockHome();
    cleanups.push(() => airlock.close());
    const lines: string[] = [];
    airlock.host.on('log', (line: string) => lines.push(line));
    const { client } = await connectDemo(airlock, { approve: true, cleanups });
    const closed = new Promise<void>((resolve) => {
      const watch = (line: string): void => {
        if (/closed:/.test(line)) resolve();
      };
      airlock.host.on('log', watch);
    });
    await client.close();
    await closed;
    // The server is stopped by Airlock after the session closed; give its exit a moment to be (not) logged.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(lines.filter((l) => /closed:/.test(l))).toEqual([expect.stringMatching(/closed: the client disconnected$/)]);
    expect(lines.join('\n')).not.toMatch(/exited|Check its command/);
  });
});
