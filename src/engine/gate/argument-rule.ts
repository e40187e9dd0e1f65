import type { ArgumentRule, GateContext } from './gate.js';
import type { JudgedCall } from './judged-methods.js';
import { RPC_INVALID_PARAMS } from './jsonrpc.js';
import { SchemaValidator, type ArgumentProblem, type SchemaValidatorOptions } from './schema-validator.js';
import { verdict, type Verdict } from './verdict.js';

/**
 * R4: a call's arguments must fit what the model was shown. The approved definition is the
 * only one the model ever saw, so a tool call outside its approved inputSchema, or a prompt
 * request outside its approved argument list, is a hallucination or an attack and is refused
 * before anything reaches the server. Refusals name the path and what the schema asks for,
 * never an argument's value: arguments can hold secrets, and the reason lands in logs.
 */
export function argumentRule(options: SchemaValidatorOptions = {}): ArgumentRule {
  const validator = new SchemaValidator(options);
  return (call, ctx) => {
    if (!ctx.approvedItem) return undefined;
    if (call.kind === 'tool') return checkTool(validator, call, ctx);
    if (call.kind === 'prompt' && call.method === 'prompts/get') return checkPrompt(call, ctx);
    return undefined;
  };
}

function checkTool(validator: SchemaValidator, call: JudgedCall, ctx: GateContext): Verdict | undefined {
  const tool = ctx.approvedItem?.('tool', call.key);
  if (!isObject(tool)) return undefined;
  const schema = tool.inputSchema;
  // A tool approved without an inputSchema was shown no parameters to keep to; R1 already
  // requires the arguments to be an object.
  if (schema === undefined) return undefined;
  const what = `${call.method} "${call.key}" on "${ctx.server}"`;
  if (!isObject(schema) && typeof schema !== 'boolean') return uncompilable(what, 'it is not a JSON object');
  // MCP sends no arguments as "arguments" left out; the server reads that as {}.
  const result = validator.check(schema, call.args ?? {});
  if (result.ok) return undefined;
  switch (result.kind) {
    case 'invalid':
      return refuse(what, 'arguments.schema-mismatch', `${describe(result.problem)} (the approved schema says so)`);
    case 'timeout':
      // Fail closed: a check that cannot finish cannot stand behind forwarding the call.
      return verdict('DENY', 'R4', 'arguments.check-timeout', `${what} was refused: checking its arguments against the approved schema took over ${result.limitMs} ms (a pattern or a rule of the schema that backtracks); nothing was forwarded. Review the tool's schema with: airlock review ${ctx.server}`, RPC_INVALID_PARAMS);
    case 'uncompilable':
      return uncompilable(what, result.reason);
  }
}

/**
 * A schema Airlock cannot compile was still approved by the user: refusing every call would
 * turn a limit of the validator into an outage of an approved tool, with no way out but a
 * new server. The call goes on, R4 decides ALLOW with its own code, and the audit log records
 * every such call, so an unchecked tool is never silent.
 */
function uncompilable(what: string, why: string): Verdict {
  return verdict('ALLOW', 'R4', 'arguments.schema-uncompilable', `${what} forwarded without an argument check: Airlock cannot compile its approved schema (${clip(why, 200)})`);
}

/**
 * Prompts declare a closed list of arguments (name, required), and R1 already made every value
 * a string: a required one missing, or a name the prompt does not declare, is outside what was
 * shown.
 */
function checkPrompt(call: JudgedCall, ctx: GateContext): Verdict | undefined {
  const prompt = ctx.approvedItem?.('prompt', call.key);
  if (!isObject(prompt)) return undefined;
  const declared = Array.isArray(prompt.arguments) ? prompt.arguments.filter(isObject) : [];
  const names = new Set(declared.map((a) => a.name).filter((n): n is string => typeof n === 'string'));
  const given = call.args ?? {};
  const what = `${call.method} "${call.key}" on "${ctx.server}"`;
  const missing = declared.find((a) => a.required === true && typeof a.name === 'string' && !Object.hasOwn(given, a.name));
  if (missing) return refuse(what, 'arguments.prompt-missing', `argument ${quote(missing.name as string)} is required by the approved prompt and was not given`);
  const unknown = Object.keys(given).find((name) => !names.has(name));
  if (unknown !== undefined) {
    const allowed = names.size === 0 ? 'it takes no arguments' : `it takes ${[...names].map(quote).join(', ')}`;
    return refuse(what, 'arguments.prompt-unknown', `argument ${quote(unknown)} is not one the approved prompt declares (${clip(allowed, 200)})`);
  }
  return undefined;
}

function refuse(what: string, code: string, problem: string): Verdict {
  return verdict('DENY', 'R4', code, `${what} was refused: ${problem}. The model called it outside what it was shown; nothing was forwarded.`, RPC_INVALID_PARAMS);
}

/**
 * One line naming where and what: the path into the arguments (their keys) and what the
 * approved schema asks there. Ajv's messages carry schema values (types, limits, patterns),
 * never the data; enum values are the schema's own approved text.
 */
function describe(problem: ArgumentProblem): string {
  const { keyword, params } = problem;
  let path = problem.path;
  let message = problem.message;
  if (keyword === 'additionalProperties' || keyword === 'unevaluatedProperties') {
    const extra = typeof params.additionalProperty === 'string' ? params.additionalProperty : typeof params.unevaluatedProperty === 'string' ? params.unevaluatedProperty : undefined;
    if (extra !== undefined) {
      path = `${path}/${pointerSegment(extra)}`;
      message = 'is not a parameter the schema allows';
    }
  } else if (keyword === 'required' && typeof params.missingProperty === 'string') {
    path = `${path}/${pointerSegment(params.missingProperty)}`;
    message = 'is required and missing';
  } else if (keyword === 'enum' && Array.isArray(params.allowedValues)) {
    message = `must be one of ${params.allowedValues.map((v) => JSON.stringify(v)).join(', ')}`;
  } else if (keyword === 'const') {
    message = `must be ${JSON.stringify(params.allowedValue)}`;
  }
  const where = path === '' ? 'the arguments' : `argument ${clip(path, 120)}`;
  return `${where} ${clip(message, 200)}`;
}

function pointerSegment(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** Keeps a reason on one line and short: schema text is approved, but not necessarily tidy. */
function clip(text: string, max: number): string {
  // eslint-disable-next-line no-control-regex
  const flat = text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ');
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

const quote = (name: string): string => JSON.stringify(clip(name, 64));

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
