import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { argumentRule } from '../../src/engine/gate/argument-rule.js';
import { DEFAULT_MAX_MESSAGE_BYTES, judgeClientMessage, type GateContext, type PolicyMode } from '../../src/engine/gate/gate.js';
import { SchemaValidator } from '../../src/engine/gate/schema-validator.js';

/** R4 against approved definitions shaped like the ones real servers list. */

type Def = Record<string, unknown>;

function context(tools: Def[], options: { policy?: PolicyMode; prompts?: Def[]; rule?: ReturnType<typeof argumentRule> } = {}): GateContext {
  const byName = new Map(tools.map((t) => [t.name as string, t]));
  const prompts = new Map((options.prompts ?? []).map((p) => [p.name as string, p]));
  return {
    server: 'fs',
    state: 'GREEN',
    policy: options.policy ?? 'enforce',
    maxMessageBytes: DEFAULT_MAX_MESSAGE_BYTES,
    itemStatus: (kind, key) => ((kind === 'tool' ? byName.has(key) : prompts.has(key)) ? 'approved' : 'unknown'),
    approvedItem: (kind, key) => (kind === 'tool' ? byName.get(key) : kind === 'prompt' ? prompts.get(key) : undefined),
    rules: { argumentRules: [options.rule ?? argumentRule()], responseRules: [] },
  };
}

const tool = (inputSchema: unknown, name = 'read_file'): Def => ({ name, description: 'Reads a file', inputSchema });
const callOf = (name: string, args?: unknown) => JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: args === undefined ? { name } : { name, arguments: args } });
const judge = (ctx: GateContext, args: unknown, name = 'read_file') => judgeClientMessage(callOf(name, args), ctx).verdict;

const SECRET = 'sk-live-DO-NOT-LOG-4242';

// zod-to-json-schema's draft-07 output, as server-filesystem lists read_text_file.
const draft07 = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  type: 'object',
  properties: { path: { type: 'string' }, tail: { type: 'number', description: 'last N lines' }, head: { type: 'number' } },
  required: ['path'],
  additionalProperties: false,
};

describe('R4: tool arguments against the approved inputSchema', () => {
  it('passes arguments that fit, as R5 allow', () => {
    expect(judge(context([tool(draft07)]), { path: '/tmp/a', tail: 3 })).toMatchObject({ decision: 'ALLOW', rule: 'R5', code: 'policy.allow' });
  });

  it('refuses a wrong type with the path named, invalid params, and never the value', () => {
    const v = judge(context([tool(draft07)]), { path: 42, head: SECRET });
    expect(v).toMatchObject({ decision: 'DENY', rule: 'R4', code: 'arguments.schema-mismatch', error: { code: -32602, data: { airlock: { rule: 'R4', code: 'arguments.schema-mismatch' } } } });
    expect(v.reason).toBe('tools/call "read_file" on "fs" was refused: argument /path must be string (the approved schema says so). The model called it outside what it was shown; nothing was forwarded.');
  });

  it('never puts an argument value in the reason, whatever the keyword', () => {
    const schema = { type: 'object', properties: { token: { type: 'string', maxLength: 5, pattern: '^[0-9]+$', enum: ['12345'] }, n: { type: 'integer', maximum: 3 } } };
    for (const args of [{ token: SECRET }, { token: 'sk-xx' }, { token: '99999' }, { n: 4242 }, { n: 1.5 }]) {
      const v = judge(context([tool(schema)]), args);
      expect(v.decision).toBe('DENY');
      expect(v.reason).not.toContain('sk-');
      expect(v.reason).not.toContain('4242');
      expect(v.reason).not.toContain('99999');
    }
  });

  it('names the allowed values of an enum, from the schema', () => {
    const schema = { type: 'object', properties: { mode: { enum: ['read', 'write'] } } };
    expect(judge(context([tool(schema)]), { mode: 'delete' }).reason).toContain('argument /mode must be one of "read", "write"');
  });

  it('enforces bounds: maximum, minimum, minLength, maxItems', () => {
    const schema = { type: 'object', properties: { n: { type: 'integer', minimum: 1, maximum: 10 }, s: { type: 'string', minLength: 2 }, a: { type: 'array', maxItems: 2 } } };
    const ctx = context([tool(schema)]);
    expect(judge(ctx, { n: 11 }).reason).toContain('argument /n must be <= 10');
    expect(judge(ctx, { n: 0 }).reason).toContain('argument /n must be >= 1');
    expect(judge(ctx, { s: 'x' }).reason).toContain('argument /s must NOT have fewer than 2 characters');
    expect(judge(ctx, { a: [1, 2, 3] }).reason).toContain('argument /a must NOT have more than 2 items');
    expect(judge(ctx, { n: 5, s: 'ok', a: [1] }).decision).toBe('ALLOW');
  });

  it('enforces patterns', () => {
    const schema = { type: 'object', properties: { id: { type: 'string', pattern: '^[a-z]{3}-[0-9]+$' } } };
    const ctx = context([tool(schema)]);
    expect(judge(ctx, { id: 'abc-12' }).decision).toBe('ALLOW');
    expect(judge(ctx, { id: 'ABC-12' }).reason).toContain('argument /id must match pattern "^[a-z]{3}-[0-9]+$"');
  });

  it('names a missing required argument, also when no arguments were sent at all', () => {
    const ctx = context([tool(draft07)]);
    expect(judge(ctx, { tail: 1 }).reason).toContain('argument /path is required and missing');
    expect(judge(ctx, undefined).reason).toContain('argument /path is required and missing');
  });

  it('names an argument the schema does not allow (additionalProperties: false)', () => {
    const v = judge(context([tool(draft07)]), { path: '/a', recursive: true });
    expect(v).toMatchObject({ decision: 'DENY', rule: 'R4' });
    expect(v.reason).toContain('argument /recursive is not a parameter the schema allows');
  });

  it('follows nested objects and arrays to the exact path', () => {
    const schema = {
      type: 'object',
      properties: {
        edits: { type: 'array', items: { type: 'object', properties: { oldText: { type: 'string' }, newText: { type: 'string' } }, required: ['oldText', 'newText'], additionalProperties: false } },
        options: { type: 'object', properties: { dryRun: { type: 'boolean' } } },
      },
    };
    const ctx = context([tool(schema, 'edit_file')]);
    expect(judge(ctx, { edits: [{ oldText: 'a', newText: 'b' }, { oldText: 'c', newText: 7 }] }, 'edit_file').reason).toContain('argument /edits/1/newText must be string');
    expect(judge(ctx, { edits: [{ oldText: 'a' }] }, 'edit_file').reason).toContain('argument /edits/0/newText is required and missing');
    expect(judge(ctx, { options: { dryRun: 'yes' } }, 'edit_file').reason).toContain('argument /options/dryRun must be boolean');
    expect(judge(ctx, { edits: [{ oldText: 'a', newText: 'b' }], options: { dryRun: true } }, 'edit_file').decision).toBe('ALLOW');
  });

  it('escapes "/" and "~" in the keys of a path', () => {
    const schema = { type: 'object', additionalProperties: false };
    expect(judge(context([tool(schema)]), { 'a/b~c': 1 }).reason).toContain('argument /a~1b~0c is not a parameter');
  });

  it('refuses arguments that are not an object where the schema wants one', () => {
    const schema = { type: 'object', properties: { q: { type: 'string' } }, additionalProperties: { type: 'number' } };
    expect(judge(context([tool(schema)]), { q: 'x', extra: 'y' }).reason).toContain('argument /extra must be number');
  });

  it('reads a schema without "$schema" as 2020-12 (prefixItems, $defs)', () => {
    const schema = { type: 'object', properties: { pair: { type: 'array', prefixItems: [{ type: 'string' }, { type: 'integer' }], items: false }, p: { $ref: '#/$defs/point' } }, $defs: { point: { type: 'object', required: ['x'] } } };
    const ctx = context([tool(schema)]);
    expect(judge(ctx, { pair: ['a', 1] }).decision).toBe('ALLOW');
    expect(judge(ctx, { pair: ['a', 'b'] }).reason).toContain('argument /pair/1 must be integer');
    expect(judge(ctx, { pair: ['a', 1, 2] }).decision).toBe('DENY');
    expect(judge(ctx, { p: {} }).reason).toContain('argument /p/x is required and missing');
  });

  it('reads a draft-07 schema as draft-07 (tuple items, definitions)', () => {
    const schema = { $schema: 'http://json-schema.org/draft-07/schema#', type: 'object', properties: { pair: { type: 'array', items: [{ type: 'string' }, { type: 'integer' }], additionalItems: false }, p: { $ref: '#/definitions/point' } }, definitions: { point: { type: 'object', required: ['x'] } } };
    const ctx = context([tool(schema)]);
    expect(judge(ctx, { pair: ['a', 1] }).decision).toBe('ALLOW');
    expect(judge(ctx, { pair: ['a', 'b'] }).reason).toContain('argument /pair/1 must be integer');
    expect(judge(ctx, { p: { y: 1 } }).reason).toContain('argument /p/x is required and missing');
  });

  it('reads an explicit 2020-12 "$schema" and pydantic-style anyOf for optional values', () => {
    const schema = { $schema: 'https://json-schema.org/draft/2020-12/schema', type: 'object', properties: { limit: { anyOf: [{ type: 'integer' }, { type: 'null' }], default: null } } };
    const ctx = context([tool(schema)]);
    expect(judge(ctx, { limit: null }).decision).toBe('ALLOW');
    expect(judge(ctx, { limit: 'ten' }).reason).toContain('argument /limit must match a schema in anyOf');
  });

  it('never changes the arguments it checks (no defaults, no coercion)', () => {
    const schema = { type: 'object', properties: { n: { type: 'number', default: 5 }, s: { type: 'string' } } };
    const args: Record<string, unknown> = { s: 'x' };
    expect(new SchemaValidator().check(schema, args)).toEqual({ ok: true });
    expect(args).toEqual({ s: 'x' });
    expect(judge(context([tool(schema)]), { s: 1 }).decision).toBe('DENY');
  });

  it('checks nothing for a tool approved without an inputSchema, and allows boolean schemas as written', () => {
    expect(judge(context([{ name: 'read_file' }]), { anything: 1 }).decision).toBe('ALLOW');
    expect(judge(context([tool(true)]), { anything: 1 }).decision).toBe('ALLOW');
    expect(judge(context([tool(false)]), {}).reason).toContain('the arguments is not allowed by a false schema');
  });

  it('compiles a pattern written for engines without the "u" flag', () => {
    const schema = { type: 'object', properties: { v: { type: 'string', pattern: '^v\\-[0-9]+$' } } };
    const ctx = context([tool(schema)]);
    expect(judge(ctx, { v: 'v-1' }).decision).toBe('ALLOW');
    expect(judge(ctx, { v: 'x-1' }).decision).toBe('DENY');
  });
});

describe('R4: schemas Airlock cannot compile', () => {
  it('forwards the call with R4 ALLOW and a code that says it was not checked', () => {
    const schema = { type: 'object', properties: { p: { $ref: '#/$defs/missing' } } };
    const v = judge(context([tool(schema)]), { p: 1 });
    expect(v).toMatchObject({ decision: 'ALLOW', rule: 'R4', code: 'arguments.schema-uncompilable' });
    expect(v.reason).toMatch(/^tools\/call "read_file" on "fs" forwarded without an argument check: Airlock cannot compile its approved schema \(.+\)$/);
  });

  it('never fetches a remote $ref', async () => {
    let requests = 0;
    const server = http.createServer((_req, res) => {
      requests += 1;
      res.end(JSON.stringify({ type: 'string' }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const schema = { type: 'object', properties: { p: { $ref: `http://127.0.0.1:${port}/schema.json` } } };
      const v = judge(context([tool(schema)]), { p: 1 });
      expect(v).toMatchObject({ decision: 'ALLOW', rule: 'R4', code: 'arguments.schema-uncompilable' });
      // Give a fetch, had one started, time to arrive.
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(requests).toBe(0);
    } finally {
      server.close();
    }
  });

  it('reads a draft-04 schema that draft-07 reads differently as uncompilable, not as something else', () => {
    const schema = { $schema: 'http://json-schema.org/draft-04/schema#', type: 'object', properties: { n: { type: 'number', maximum: 5, exclusiveMaximum: true } } };
    expect(judge(context([tool(schema)]), { n: 5 })).toMatchObject({ decision: 'ALLOW', rule: 'R4', code: 'arguments.schema-uncompilable' });
  });

  it('ignores keywords it does not know (strict off), and checks the rest', () => {
    const schema = { type: 'object', 'x-widget': 'path-picker', properties: { p: { type: 'string', examples: ['a'], 'x-order': 1 } } };
    expect(judge(context([tool(schema)]), { p: 'a' }).decision).toBe('ALLOW');
    expect(judge(context([tool(schema)]), { p: 1 }).decision).toBe('DENY');
  });
});

describe('R4: hostile schemas and arguments do not hang the gate', () => {
  const hostile = { type: 'object', properties: { s: { type: 'string', pattern: '^(a+)+$' } } };

  it('a backtracking pattern against a short crafted string is cut off and the call refused', () => {
    const v = judge(context([tool(hostile)], { rule: argumentRule({ checkTimeoutMs: 50 }) }), { s: `${'a'.repeat(40)}!` });
    expect(v).toMatchObject({ decision: 'DENY', rule: 'R4', code: 'arguments.check-timeout', error: { code: -32602 } });
    expect(v.reason).toContain('took over 50 ms');
  }, 10_000);

  it('a backtracking pattern against a 1 MB string is cut off too', () => {
    const v = judge(context([tool(hostile)], { rule: argumentRule({ checkTimeoutMs: 50 }) }), { s: `${'a'.repeat(1024 * 1024)}!` });
    expect(v).toMatchObject({ decision: 'DENY', rule: 'R4', code: 'arguments.check-timeout' });
  }, 10_000);

  it('an ordinary pattern still checks a 1 MB string', () => {
    const schema = { type: 'object', properties: { s: { type: 'string', pattern: '^[a-z]+$' } } };
    const ctx = context([tool(schema)]);
    expect(judge(ctx, { s: 'a'.repeat(1024 * 1024) }).decision).toBe('ALLOW');
    expect(judge(ctx, { s: `${'a'.repeat(1024 * 1024)}1` }).decision).toBe('DENY');
  }, 10_000);

  it('uniqueItems over many objects is cut off, not run to the end', () => {
    const schema = { type: 'object', properties: { a: { type: 'array', uniqueItems: true } } };
    const items = Array.from({ length: 60_000 }, (_, i) => ({ i: [i] }));
    const v = judge(context([tool(schema)], { rule: argumentRule({ checkTimeoutMs: 50 }) }), { a: items });
    expect(v).toMatchObject({ decision: 'DENY', rule: 'R4', code: 'arguments.check-timeout' });
  }, 20_000);

  it('a schema defining an $id does not change how another schema resolves it', () => {
    const validator = new SchemaValidator();
    const a = { $id: 'https://example.com/shared', type: 'object', properties: { x: { type: 'string' } } };
    const b = { $id: 'https://example.com/shared', type: 'object', properties: { x: { type: 'number' } } };
    expect(validator.check(a, { x: 's' })).toEqual({ ok: true });
    expect(validator.check(b, { x: 1 })).toEqual({ ok: true });
    expect(validator.check(b, { x: 's' })).toMatchObject({ ok: false, kind: 'invalid' });
  });
});

describe('R4: the compiled-schema cache', () => {
  it('compiles a schema once and finds it again by hash in a new object', () => {
    const validator = new SchemaValidator();
    expect(validator.check(structuredClone(draft07), { path: 'a' })).toEqual({ ok: true });
    expect(validator.check(structuredClone(draft07), { path: 1 })).toMatchObject({ ok: false });
    expect(validator.cachedSchemas).toBe(1);
  });

  it('keeps at most maxSchemas compiled schemas', () => {
    const validator = new SchemaValidator({ maxSchemas: 2 });
    for (let i = 0; i < 5; i += 1) validator.check({ type: 'object', properties: { [`p${i}`]: { type: 'string' } } }, {});
    expect(validator.cachedSchemas).toBe(2);
  });
});

describe('R4: monitor mode', () => {
  it('records what enforcement would have done and forwards', () => {
    const v = judge(context([tool(draft07)], { policy: 'monitor' }), { path: 42 });
    expect(v).toMatchObject({ decision: 'ALLOW', rule: 'R5', code: 'policy.monitor', wouldHave: { decision: 'DENY', rule: 'R4', code: 'arguments.schema-mismatch' } });
    expect(v.reason).toContain('argument /path must be string');
  });
});

describe('R4: prompts/get against the approved argument list', () => {
  const prompt = { name: 'summarize', arguments: [{ name: 'text', required: true }, { name: 'style' }] };
  const get = (args?: Record<string, string>) => JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'prompts/get', params: args ? { name: 'summarize', arguments: args } : { name: 'summarize' } });
  const ctx = context([], { prompts: [prompt] });

  it('passes the declared arguments', () => {
    expect(judgeClientMessage(get({ text: 'x', style: 'short' }), ctx).verdict.decision).toBe('ALLOW');
  });

  it('refuses a missing required argument, by name', () => {
    const v = judgeClientMessage(get({ style: 'short' }), ctx).verdict;
    expect(v).toMatchObject({ decision: 'DENY', rule: 'R4', code: 'arguments.prompt-missing', error: { code: -32602 } });
    expect(v.reason).toBe('prompts/get "summarize" on "fs" was refused: argument "text" is required by the approved prompt and was not given. The model called it outside what it was shown; nothing was forwarded.');
    expect(judgeClientMessage(get(), ctx).verdict.code).toBe('arguments.prompt-missing');
  });

  it('refuses an argument the prompt does not declare, naming the ones it does', () => {
    const v = judgeClientMessage(get({ text: 'x', [SECRET]: 'y' }), ctx).verdict;
    expect(v).toMatchObject({ decision: 'DENY', rule: 'R4', code: 'arguments.prompt-unknown' });
    expect(v.reason).toContain('it takes "text", "style"');
  });

  it('refuses any argument to a prompt that declares none', () => {
    const bare = context([], { prompts: [{ name: 'summarize' }] });
    expect(judgeClientMessage(get({ text: 'x' }), bare).verdict.reason).toContain('(it takes no arguments)');
    expect(judgeClientMessage(get(), bare).verdict.decision).toBe('ALLOW');
  });
});
