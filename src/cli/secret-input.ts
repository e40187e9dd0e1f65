import { UsageError } from './exit-codes.js';

/** The part of a TTY read stream the hidden prompt needs; a fake in tests. */
export interface HiddenInput {
  setRawMode(mode: boolean): unknown;
  setEncoding(encoding: BufferEncoding): unknown;
  on(event: 'data', listener: (chunk: string) => void): unknown;
  removeListener(event: 'data', listener: (chunk: string) => void): unknown;
  resume(): unknown;
  pause(): unknown;
}

export interface SecretInputSource {
  /** process.stdin: a TTY is prompted, anything else (a pipe, a file) is read as one line per key. */
  stdin: NodeJS.ReadStream;
  /** Where prompts go (stderr, so stdout stays clean for scripts). */
  prompt(text: string): void;
}

/**
 * The values of `keys`, never from argv (DESIGN.md §6: argv is visible to every user in `ps`
 * and stays in shell history). From a pipe or file: one line per key, in order. On a terminal:
 * a prompt per key with echo off.
 */
export async function readSecretValues(keys: readonly string[], source: SecretInputSource): Promise<Record<string, string>> {
  if (keys.length === 0) return {};
  const values: Record<string, string> = {};
  if (source.stdin.isTTY) {
    for (const key of keys) values[key] = nonEmpty(key, await readHiddenLine(source.stdin as HiddenInput, `Value for ${key} (input hidden): `, source.prompt));
    return values;
  }
  const lines = splitLines(await readAll(source.stdin));
  if (lines.length !== keys.length) {
    throw new UsageError(
      `expected ${keys.length} line${keys.length === 1 ? '' : 's'} on stdin, one value per --secret (${keys.join(', ')}), in that order; got ${lines.length}. ` +
        `Example: printf '%s\\n' "$TOKEN" | airlock servers add NAME --secret KEY -- COMMAND`,
    );
  }
  keys.forEach((key, i) => (values[key] = nonEmpty(key, lines[i] ?? '')));
  return values;
}

function nonEmpty(key: string, value: string): string {
  if (value === '') throw new UsageError(`the value given for secret ${key} is empty. Nothing was changed.`);
  return value;
}

/** One trailing newline ends the input, not an extra empty line; "\r\n" line ends count as "\n". */
function splitLines(text: string): string[] {
  if (text === '') return [];
  return text
    .replace(/\r?\n$/, '')
    .split('\n')
    .map((line) => line.replace(/\r$/, ''));
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString('utf8');
}

const ENTER = new Set(['\r', '\n']);
const CTRL_C = '\u0003';
const CTRL_D = '\u0004';
const BACKSPACE = new Set(['\u007f', '\b']);

/** Reads one line from a terminal in raw mode, so nothing typed is echoed. Ctrl-C cancels. */
export function readHiddenLine(input: HiddenInput, prompt: string, write: (text: string) => void): Promise<string> {
  return new Promise((resolve, reject) => {
    let value = '';
    const finish = (error?: Error): void => {
      input.removeListener('data', onData);
      input.setRawMode(false);
      input.pause();
      write('\n');
      if (error) reject(error);
      else resolve(value);
    };
    const onData = (chunk: string): void => {
      for (const char of chunk) {
        if (ENTER.has(char)) return finish();
        if (char === CTRL_C || (char === CTRL_D && value === '')) return finish(new UsageError('cancelled; nothing was changed.'));
        if (BACKSPACE.has(char)) value = [...value].slice(0, -1).join('');
        else if (char >= ' ') value += char;
      }
    };
    input.setEncoding('utf8');
    // Echo goes off before the prompt shows, so nothing typed after seeing it is echoed.
    input.setRawMode(true);
    input.on('data', onData);
    input.resume();
    write(prompt);
  });
}
