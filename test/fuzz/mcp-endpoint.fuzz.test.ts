import http from 'node:http';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verdict } from '../../src/engine/gate/verdict.js';
import { parseSurface } from '../../src/engine/surface.js';
import { parseStrictJson } from '../../src/input/strict-json.js';
import { startMcpEndpoint, type McpEndpoint } from '../../src/proxy/mcp-endpoint/index.js';
import { RelaySession, type RelayHooks } from '../../src/proxy/relay-session.js';
import type { UpstreamStdio } from '../../src/proxy/upstream-stdio.js';
import { byteDamage, damage, hostileClientMessage, hostileInitializeResult, hostileListResult, POISON, tokenSpace } from './arbitraries.js';
import { APPROVED_SURFACE, isJudgedNotification, isUnapprovedCall, itemStatus } from './fake-surface.js';
import { FakeUpstream, type AnswerMode } from './fake-upstream.js';
import { checkAsyncProperty } from './fuzz-run.js';
import { render } from './json-tree.js';

/**
 * The MCP endpoint under a hostile HTTP client: the real endpoint on loopback, a real relay
 * session behind each MCP session, and a hostile fake server. Whatever bodies a client posts
 * (mutated requests, duplicate and "__proto__" keys, invalid UTF-8, raw CR/LF between tokens),
 * every request gets one HTTP answer, no unapproved call reaches the server, no unapproved
 * server text reaches the client, and the endpoint keeps serving.
 */

const MAX_FRAME_BYTES = 256 * 1024;
const TOKEN = 'fuzz-token';
const served = parseSurface(APPROVED_SURFACE);

let endpoint: McpEndpoint;
let plan: ConstructorParameters<typeof FakeUpstream>[0];
const upstreams: FakeUpstream[] = [];
const faults: string[] = [];

function hooks(): RelayHooks {
  return {
    gateContext: () => ({ server: 'fixture', state: 'GREEN', itemStatus, policy: 'enforce', maxMessageBytes: MAX_FRAME_BYTES }),
    judged: () => undefined,
    hold: () => new Promise((resolve) => setImmediate(() => resolve(verdict('DENY', 'R3', 'tool.held', 'held and denied')))),
    finished: () => undefined,
    fromServer: () => undefined,
    observe: () => undefined,
    observeFailed: () => undefined,
    served: () => served,
    log: (message) => {
      if (message.includes('Airlock failed while handling')) faults.push(message);
    },
  };
}

beforeAll(async () => {
  endpoint = await startMcpEndpoint({
    port: 0,
    authorize: (bearer) => (bearer === TOKEN ? 'fuzz' : null),
    hasServer: (name) => name === 'fixture',
    openSession: (_request, relaySide) => {
      const upstream = new FakeUpstream(plan);
      upstreams.push(upstream);
      new RelaySession('fixture', relaySide, upstream as unknown as UpstreamStdio, hooks(), MAX_FRAME_BYTES).start();
    },
    maxBodyBytes: MAX_FRAME_BYTES,
    requestTimeoutMs: 10_000,
    log: () => undefined,
  });
});
afterAll(() => endpoint?.close());

interface Answer {
  status: number;
  body: string;
}

/** One POST, its whole answer (JSON or SSE), or the status 0 if the connection ended without one. */
function post(body: Buffer, session?: string): Promise<Answer> {
  return new Promise((resolve) => {
    const url = new URL(`${endpoint.url}/fixture`);
    const request = http.request(
      url,
      {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
          authorization: `Bearer ${TOKEN}`,
          ...(session ? { 'mcp-session-id': session, 'mcp-protocol-version': '2025-11-25' } : {}),
        },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (c: Buffer) => chunks.push(c));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        response.on('error', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        // The session id is kept by the caller of the initialize.
        (resolve as unknown as { session?: string }).session = response.headers['mcp-session-id'] as string | undefined;
      },
    );
    request.on('error', () => resolve({ status: 0, body: '' }));
    request.end(body);
  });
}

function initialize(): Promise<string> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      `${endpoint.url}/fixture`,
      { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', authorization: `Bearer ${TOKEN}` } },
      (response) => {
        const id = response.headers['mcp-session-id'];
        response.resume();
        response.on('end', () => (typeof id === 'string' ? resolve(id) : reject(new Error(`initialize answered ${response.statusCode} without a session`))));
      },
    );
    request.on('error', reject);
    request.end(JSON.stringify({ jsonrpc: '2.0', id: 'init', method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'fuzz', version: '1' } } }));
  });
}

function remove(session: string): Promise<void> {
  return new Promise((resolve) => {
    const request = http.request(`${endpoint.url}/fixture`, { method: 'DELETE', headers: { authorization: `Bearer ${TOKEN}`, 'mcp-session-id': session } }, (response) => {
      response.resume();
      response.on('end', () => resolve());
    });
    request.on('error', () => resolve());
    request.end();
  });
}

/** The JSON-RPC messages in an answer: one JSON body, or the data of each SSE event. */
function messages(answer: Answer): string[] {
  if (answer.body.trim() === '') return [];
  if (!answer.body.includes('data:')) return [answer.body];
  return answer.body
    .split(/\r?\n\r?\n/)
    .map((event) => event.split(/\r?\n/).filter((l) => l.startsWith('data:')).map((l) => l.slice(5).trimStart()).join('\n'))
    .filter((data) => data !== '');
}

const scenario = fc.record({
  posts: fc.array(fc.record({ frame: hostileClientMessage, space: tokenSpace, hurt: byteDamage, crlf: fc.boolean() }), { minLength: 1, maxLength: 6 }),
  plan: fc.record({
    initializeResult: hostileInitializeResult,
    listResult: hostileListResult,
    // 'none' is left out: a server that never answers leaves its POST waiting, as it should.
    modes: fc.array(fc.constantFrom<AnswerMode>('result', 'result', 'error', 'twice', 'oversize', 'deep', 'wrong-id'), { maxLength: 6 }),
    maxFrameBytes: fc.constant(MAX_FRAME_BYTES),
  }),
});

function parsedOrNull(text: string): Record<string, unknown> | null {
  try {
    const value = JSON.parse(text) as unknown;
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

const SURFACE_ANSWERS = /"(initialize|server\/discover|tools\/list|prompts\/list|resources\/list|resources\/templates\/list)"/;

describe('the MCP endpoint under a hostile HTTP client', () => {
  it('answers every POST once, forwards nothing unapproved, shows no unapproved server text, and keeps serving', async () => {
    await checkAsyncProperty(
      'mcp endpoint: hostile HTTP bodies',
      fc.asyncProperty(scenario, async (s) => {
        // The initialize is answered: its answer carries the session id every later POST needs.
        plan = { ...s.plan, modes: s.plan.modes.length === 0 ? [] : ['result', ...s.plan.modes] };
        upstreams.length = 0;
        faults.length = 0;
        const session = await initialize();
        const sent: string[] = [];
        const pending: Array<Promise<Answer>> = [];
        for (const p of s.posts) {
          let text = render(p.frame.tree, { session: 'fuzz', space: p.space });
          if (p.crlf) text = text.replace(/,/g, ',\r\n');
          const body = damage(text, p.hurt);
          sent.push(body.toString('utf8'));
          // A request the server never answers (it answered another id) waits, as it should: go on after a moment.
          const answer = post(body, session);
          pending.push(answer);
          await Promise.race([answer, new Promise((resolve) => setTimeout(resolve, 100))]);
        }
        await remove(session);
        // Ending the session ends every POST still waiting on it.
        const left = Symbol('left waiting');
        const answers = await Promise.race([Promise.all(pending), new Promise<typeof left>((resolve) => setTimeout(() => resolve(left), 5_000))]);
        if (answers === left) throw new Error('a POST was left waiting after its session was deleted');
        expect(faults, 'a relay session faulted on a message').toEqual([]);
        for (const answer of answers) expect([0, 200, 202, 400, 404, 413, 429, 502], `an answer with status ${answer.status}: ${answer.body.slice(0, 200)}`).toContain(answer.status);
        for (const [i, answer] of answers.entries()) {
          const asked = sent[i] ?? '';
          for (const message of messages(answer)) {
            expect(() => JSON.parse(message), `the client got a message that is not JSON: ${message.slice(0, 200)}`).not.toThrow();
            // A tool result is the server's content; any answer that carries a surface is built by Airlock.
            if (SURFACE_ANSWERS.test(asked) || !/"id"/.test(message)) expect(message.includes(POISON), `unapproved server text reached the client: ${message.slice(0, 300)}`).toBe(false);
          }
          // Answers name the request they answer: at most one, and only to this POST's own id. (A refusal
          // with no id, of a message whose id the gate would not trust, may go to any open stream.)
          const answered = messages(answer).map((m) => parsedOrNull(m)).filter((m) => m !== null && ('result' in m || 'error' in m) && m.id !== null);
          expect(answered.length, `one POST got several answers: ${answer.body.slice(0, 2000)}`).toBeLessThanOrEqual(1);
          if (answered.length === 1) expect(JSON.stringify(answered[0]!.id), `a POST got the answer to another request: ${answer.body.slice(0, 500)}`).toBe(JSON.stringify(parsedOrNull(asked)?.id));
        }
        for (const upstream of upstreams) {
          for (const line of upstream.received) {
            let value: unknown;
            try {
              value = parseStrictJson(line);
            } catch (error) {
              throw new Error(`the server received a message Airlock should have refused (${(error as Error).message}): ${line.slice(0, 200)}`, { cause: error });
            }
            expect(isUnapprovedCall(value) ? line : null, 'an unapproved call reached the server').toBeNull();
            expect(isJudgedNotification(value) ? line : null, 'a call sent as a notification reached the server').toBeNull();
          }
        }
        // Still serving: a new session initializes (and is ended, or the token's 32 sessions run out).
        const next = await initialize();
        expect(next).toMatch(/\S/);
        await remove(next);
      }),
      0.1,
    );
  }, 300_000);
});
