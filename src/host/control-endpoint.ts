import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { parseStrictJson } from '../input/strict-json.js';
import { readPrivateFile, writeFileAtomically } from './private-file.js';

/**
 * Where a running Host serves its control API and window, so `airlock ui-url` can find it:
 * `<home>/control-endpoint.json`, 0600, removed when the Host stops. The token is not in it
 * (it stays in control-token).
 */
export const CONTROL_ENDPOINT_FILE = 'control-endpoint.json';

const EndpointSchema = z.strictObject({ url: z.string().regex(/^http:\/\/127\.0\.0\.1:\d+$/), pid: z.number().int().positive() });
export type ControlEndpoint = z.infer<typeof EndpointSchema>;

export function writeControlEndpoint(home: string, endpoint: ControlEndpoint): void {
  writeFileAtomically(path.join(home, CONTROL_ENDPOINT_FILE), `${JSON.stringify(endpoint)}\n`, 'control endpoint file');
}

export function removeControlEndpoint(home: string): void {
  fs.rmSync(path.join(home, CONTROL_ENDPOINT_FILE), { force: true });
}

/** The running Host's endpoint, or undefined when none is recorded or its process is gone. */
export function readControlEndpoint(home: string): ControlEndpoint | undefined {
  const text = readPrivateFile(path.join(home, CONTROL_ENDPOINT_FILE), 'control endpoint file', 'restart the Airlock host');
  if (text === undefined) return undefined;
  let value: unknown;
  try {
    value = parseStrictJson(text);
  } catch {
    return undefined;
  }
  const parsed = EndpointSchema.safeParse(value);
  if (!parsed.success) return undefined;
  try {
    process.kill(parsed.data.pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return undefined;
  }
  return parsed.data;
}

/** This package's built window (electron-vite's renderer output). */
export function defaultRendererDir(): string {
  return fileURLToPath(new URL('../../out/renderer', import.meta.url));
}
