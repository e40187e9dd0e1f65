import { Duplex } from 'node:stream';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { GateContext } from '../../src/engine/gate/gate.js';
import { verdict } from '../../src/engine/gate/verdict.js';
import { parseSurface } from '../../src/engine/surface.js';
import { parseStrictJson } from '../../src/input/strict-json.js';
import { RelaySession, type RelayHooks } from '../../src/proxy/relay-session.js';
import type { UpstreamStdio } from '../../src/proxy/upstream-stdio.js';
import { byteDamage, chunk, damage, hostileClientMessage, hostileInitializeResult, hostileListResult, lineEnding, POISON, tokenSpace, upstreamUnsolicited, type ByteDamage, type HostileFrame } from './arbitraries.js';
import { APPROVED_SURFACE, isJudgedNotification, isUnapprovedCall, itemStatus } from './fake-surface.js';
import { FakeUpstream, type AnswerMode } from './fake-upstream.js';
import { checkAsyncProperty } from './fuzz-run.js';
import { render } from './json-tree.js';

const MAX_FRAME_BYTES = 256 * 1024;

interface Step {
  from: 'client' | 'upstream';
  frame: HostileFrame;
  space: string;
  hurt: ByteDamage;
  ending: string;
}

const HANDSHAKE: HostileFrame[] = [
  { label: 'initialize', tree: { kind: 'lit', text: '{"jsonrpc":"2.0","id":"init","method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"fuzz","version":"1"}}}' } },
  { label: 'initialized', tree: { kind: 'lit', text: '{"jsonrpc":"2.0","method":"notifications/initialized"}' } },
];

const step = (from: Step['from'], frames: fc.Arbitrary<HostileFrame>): fc.Arbitrary<Step> =>
  fc.record({ from: fc.constant(from), frame: frames, space: tokenSpace, hurt: byteDamage, ending: lineEnding });

const scenario = fc.record({
  handshake: fc.boolean(),
  steps: fc.array(fc.oneof({ weight: 3, arbitrary: step('client', hostileClientMessage) }, { weight: 2, arbitrary: step('upstream', upstreamUnsolicited) }), { maxLength: 12 }),
  cuts: fc.array(fc.nat(), { maxLength: 12 }),
  state: fc.constantFrom('GREEN' as const, 'AMBER' as const, 'RED' as const),
  plan: fc.record({
    initializeResult: hostileInitializeResult,
    listResult: hostileListResult,
    modes: fc.array(fc.constantFrom<AnswerMode>('result', 'result', 'error', 'none', 'twice', 'oversize', 'deep', 'wrong-id'), { maxLength: 6 }),
    maxFrameBytes: fc.constant(MAX_FRAME_BYTES),
  }),
});

/** A client connection in memory: what the test pushes is what the session reads; what it writes is kept. */
function memoryClient(): { socket: Duplex; received: string[] } {
  const received: string[] = [];
  let pending = '';
  const socket = new Duplex({
    read() {},
    write(chunk: Buffer, _encoding, done) {
      pending += chunk.toString('utf8');
      const lines = pending.split('\n');
      pending = lines.pop()!;
      received.push(...lines);
      done();
    },
  });
  return { socket, received };
}

function hooksFor(state: GateContext['state'], faults: string[]): RelayHooks {
  let listingFailure: string | null = null;
  const served = parseSurface(state === 'RED' ? {} : APPROVED_SURFACE);
  return {
    gateContext: () => ({ server: 'fixture', state, itemStatus, policy: 'enforce', maxMessageBytes: MAX_FRAME_BYTES, ...(listingFailure ? { unavailable: listingFailure } : {}) }),
    judged: () => undefined,
    // Nobody approves during a fuzz run: every hold ends in a DENY, as at timeout.
    hold: () => new Promise((resolve) => setImmediate(() => resolve(verdict('DENY', 'R3', 'tool.held', 'held and denied')))),
    finished: () => undefined,
    fromServer: () => undefined,
    observe: () => {
      listingFailure = null;
    },
    observeFailed: (error) => {
      listingFailure = error.message;
    },
    served: () => served,
    log: (message) => {
      if (message.includes('Airlock failed while handling')) faults.push(message);
    },
  };
}

const idKey = (id: unknown): string => `${typeof id}:${String(id)}`;

function parsed(text: string): Record<string, unknown> | null {
  try {
    const value = JSON.parse(text) as unknown;
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

async function settle(upstream: FakeUpstream): Promise<void> {
  // Airlock lists the server in several round trips; wait until the traffic stops.
  let quiet = 0;
  let seen = -1;
  for (let round = 0; round < 200 && quiet < 8; round += 1) {
    await new Promise((resolve) => setImmediate(resolve));
    quiet = upstream.received.length === seen ? quiet + 1 : 0;
    seen = upstream.received.length;
  }
}

interface Outcome {
  toClient: string[];
  toUpstream: string[];
  clientLines: string[];
  idCollisions: string[];
  faults: string[];
  crashes: string[];
}

type Scenario = typeof scenario extends fc.Arbitrary<infer T> ? T : never;

async function runSession(s: Scenario): Promise<Outcome> {
  const faults: string[] = [];
  const crashes: string[] = [];
  const onCrash = (error: unknown) => crashes.push(String((error as Error)?.stack ?? error));
  process.on('unhandledRejection', onCrash);
  process.on('uncaughtException', onCrash);
  try {
    const upstream = new FakeUpstream(s.plan);
    const client = memoryClient();
    const session = new RelaySession('fixture', client.socket, upstream as unknown as UpstreamStdio, hooksFor(s.state, faults), MAX_FRAME_BYTES);
    session.start();
    const steps: Step[] = [...(s.handshake ? HANDSHAKE.map((frame) => ({ from: 'client' as const, frame, space: '', hurt: { kind: 'none' } as ByteDamage, ending: '\n' })) : []), ...s.steps];
    const clientLines: string[] = [];
    for (const st of steps) {
      const bytes = Buffer.concat([damage(render(st.frame.tree, { session: session.id, space: st.space }), st.hurt), Buffer.from(st.ending)]);
      if (st.from === 'client') {
        clientLines.push(bytes.toString('utf8'));
        for (const piece of chunk(bytes, s.cuts)) client.socket.push(piece);
      } else {
        upstream.write(bytes);
      }
      await new Promise((resolve) => setImmediate(resolve));
    }
    await settle(upstream);
    client.socket.push(null);
    await session.close('the fuzz case ended');
    await new Promise((resolve) => setImmediate(resolve));
    return { toClient: client.received, toUpstream: upstream.received, clientLines, idCollisions: upstream.idCollisions, faults, crashes };
  } finally {
    process.off('unhandledRejection', onCrash);
    process.off('uncaughtException', onCrash);
  }
}

/** The requests whose answers Airlock builds from the approved surface. */
const SURFACE_ANSWERS = new Set(['initialize', 'server/discover', 'tools/list', 'prompts/list', 'resources/list', 'resources/templates/list']);

describe('a relay session under fuzzing', () => {
  it('survives hostile frames from both sides: one answer per request at most, nothing unapproved to either side', async () => {
    await checkAsyncProperty(
      'relay: hostile frames from both sides',
      fc.asyncProperty(scenario, async (s) => {
        const out = await runSession(s);
        expect(out.crashes, 'an error escaped the session').toEqual([]);
        expect(out.faults, 'the session faulted on a message').toEqual([]);
        expect(out.idCollisions, 'two requests in flight to the server shared an id').toEqual([]);

        // What the client may be answered: at most once per request it sent with that id.
        const asked = new Map<string, number>();
        const methods = new Map<string, Set<unknown>>();
        for (const line of out.clientLines.flatMap((l) => l.split('\n'))) {
          const m = parsed(line);
          if (m && 'method' in m && (typeof m.id === 'string' || typeof m.id === 'number')) {
            asked.set(idKey(m.id), (asked.get(idKey(m.id)) ?? 0) + 1);
            methods.set(idKey(m.id), (methods.get(idKey(m.id)) ?? new Set()).add(m.method));
          }
        }
        const answered = new Map<string, number>();
        for (const line of out.toClient) {
          const m = parsed(line);
          expect(m, `the client received a line that is not a JSON object: ${line.slice(0, 200)}`).not.toBeNull();
          if (!m) continue;
          // Airlock builds the answers that carry a surface; the answer to any other request
          // the client sent (a tool result, an unknown method's) is the server's content.
          const answersContent = ('result' in m || 'error' in m) && (typeof m.id === 'string' || typeof m.id === 'number') && [...(methods.get(idKey(m.id)) ?? [])].every((method) => !SURFACE_ANSWERS.has(method as string));
          if (!answersContent || !methods.has(idKey(m.id as string))) {
            expect(line.includes(POISON), `unapproved server text reached the client: ${line.slice(0, 300)}`).toBe(false);
          }
          if ('method' in m && 'id' in m) expect(s.state, `the quarantined server's ${String(m.method)} request reached the client`).not.toBe('RED');
          if (!('result' in m || 'error' in m) || m.id === null) continue;
          const key = idKey(m.id);
          answered.set(key, (answered.get(key) ?? 0) + 1);
          expect(answered.get(key), `the client got ${answered.get(key)} answers to ${key}, for ${asked.get(key) ?? 0} requests`).toBeLessThanOrEqual(asked.get(key) ?? 0);
        }

        // What the server may receive: strict JSON only, and no call the approved surface does not allow.
        for (const line of out.toUpstream) {
          let value: unknown;
          try {
            value = parseStrictJson(line);
          } catch (error) {
            throw new Error(`the server received a message Airlock should have refused (${(error as Error).message}): ${line.slice(0, 200)}`, { cause: error });
          }
          expect(isUnapprovedCall(value) && s.state !== 'RED' ? line : null, 'an unapproved call reached the server').toBeNull();
          expect(isJudgedNotification(value) ? line : null, 'a call sent as a notification reached the server').toBeNull();
          if (s.state === 'RED') expect(isUnapprovedCall(value) || /"method":"(tools\/call|prompts\/get|resources\/read)"/.test(line) ? line : null, 'a call reached a quarantined server').toBeNull();
        }
      }),
      0.5,
    );
  });

  it('keeps memory bounded over many sessions', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const sessions = Math.max(50, Math.round(Number(process.env.FUZZ_RUNS ?? 200) / 4));
    const samples = fc.sample(scenario, { numRuns: sessions, seed: 11 });
    // Warm up (JIT, module state), then measure what many more sessions leave behind.
    for (const s of samples.slice(0, 20)) await runSession(s);
    gc();
    const before = process.memoryUsage().heapUsed;
    for (const s of samples) await runSession(s);
    gc();
    const grown = process.memoryUsage().heapUsed - before;
    console.log(`relay memory: ${sessions} sessions, heap grew by ${(grown / 1024 / 1024).toFixed(1)} MiB after GC`);
    expect(grown).toBeLessThan(32 * 1024 * 1024);
  });
});
