import { parseSurface, SurfaceError, type Surface } from '../engine/surface.js';
import { UsageError } from './exit-codes.js';
import { JSON_FILE_LIMITS, readJsonFile } from './json-file.js';

/**
 * Reads a file holding a `tools/list` result (`{"tools":[…]}`, bare or inside a JSON-RPC
 * response) or a single tool definition, and returns it as a surface of tools. Every
 * problem becomes a one-line error naming the file and what is wrong.
 */
export function readToolListFile(path: string, role: string): Surface {
  const value = readJsonFile(path, role, JSON_FILE_LIMITS.toolList);
  const tools = toolsOf(value);
  if (!tools) {
    throw new UsageError(`${role} file "${path}" is not a tool list: expected {"tools": [...]}, a JSON-RPC response whose result has "tools", or one tool definition with a "name"`);
  }
  try {
    return parseSurface({ tools });
  } catch (error) {
    if (error instanceof SurfaceError) throw new UsageError(`${role} file "${path}": ${error.message}`);
    throw error;
  }
}

function toolsOf(value: unknown): unknown[] | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const record = value as Record<string, unknown>;
  if (Array.isArray(record.tools)) return record.tools;
  const result = record.result as Record<string, unknown> | undefined;
  if (record.jsonrpc === '2.0' && typeof result === 'object' && result !== null && Array.isArray(result.tools)) return result.tools;
  if (typeof record.name === 'string') return [value];
  return null;
}
