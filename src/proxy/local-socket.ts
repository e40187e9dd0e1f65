import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { z } from 'zod';
import { ensurePrivateDir } from '../engine/store/private-fs.js';
import { errorCode, errorMessage } from '../engine/store/store-error.js';
import { encodeHelloLine, parseHelloReplyLine, readFirstLine } from './hello-line.js';
import { hostSocketPath } from './host-socket-path.js';
import { parseStrictJson } from '../input/strict-json.js';

export { hostSocketPath, HOST_SOCKET_FILE_NAME } from './host-socket-path.js';
export { MAX_HELLO_BYTES, encodeHelloLine, parseHelloReplyLine, readFirstLine, FirstLineError } from './hello-line.js';

/**
 * The first line a peer sends on the Host's local socket. `connect` relays an AI client's stdio
 * to the server it names; it carries the client's cwd and PATH because the client launched
 * `airlock connect` where it would have launched the server. `control` is the CLI and UI.
 */
export const HelloSchema = z.discriminatedUnion('hello', [
  z.object({
    hello: z.literal('connect'),
    v: z.literal(1),
    server: z.string().min(1).max(256),
    cwd: z.string(),
    path: z.string().nullable(),
    /** The AI client whose installed entry ran `airlock connect --client=ID` (client policies' entry:ID); absent from older connects. */
    entry: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/).optional(),
  }),
  z.object({ hello: z.literal('control'), v: z.literal(1) }),
]);
export type Hello = z.infer<typeof HelloSchema>;

/** The Host's one-line answer to a hello; after `ok`, both sides exchange newline-delimited JSON-RPC. */
export const HelloReplySchema = z.discriminatedUnion('hello', [
  z.object({ hello: z.literal('ok') }),
  z.object({ hello: z.literal('error'), message: z.string() }),
]);
export type HelloReply = z.infer<typeof HelloReplySchema>;

/** A local-socket problem whose message says what happened and what to do. */
export class LocalSocketError extends Error {
  override name = 'LocalSocketError';
}

/** How long a peer may take to send its hello before the Host drops it. */
export const HELLO_TIMEOUT_MS = 5_000;

/** Host side: reads and validates a peer's hello. The stream is left paused at the first JSON-RPC byte. */
export async function readHello(stream: Readable, options: { timeoutMs?: number } = {}): Promise<Hello> {
  const line = await readFirstLine(stream, { timeoutMs: options.timeoutMs ?? HELLO_TIMEOUT_MS });
  let value: unknown;
  try {
    value = parseStrictJson(line.toString('utf8'));
  } catch {
    throw new LocalSocketError('the first line on the Airlock socket is not strict JSON: expected a hello such as {"hello":"connect","v":1,…}. Is this peer an airlock connect of the same version?');
  }
  const parsed = HelloSchema.safeParse(value);
  if (!parsed.success) {
    throw new LocalSocketError(`the hello on the Airlock socket is not valid (${z.prettifyError(parsed.error).replace(/\n/g, '; ')}). Update Airlock so that the client and the Host are the same version.`);
  }
  return parsed.data;
}

/** Client side: reads and validates the Host's reply to our hello. */
export async function readHelloReply(stream: Readable, options: { timeoutMs?: number } = {}): Promise<HelloReply> {
  const line = await readFirstLine(stream, { timeoutMs: options.timeoutMs ?? HELLO_TIMEOUT_MS });
  const reply = parseHelloReplyLine(line);
  if (!reply) throw new LocalSocketError('the Airlock Host answered the hello with something else than {"hello":"ok"} or {"hello":"error",…}. Update Airlock so that the client and the Host are the same version.');
  return reply;
}

export function writeHello(stream: Writable, hello: Hello): void {
  stream.write(encodeHelloLine(hello));
}

export function writeHelloReply(stream: Writable, reply: HelloReply): void {
  stream.write(encodeHelloLine(reply));
}

/**
 * Listens on hostSocketPath(home). Only the user may connect: on POSIX the socket file is
 * created under a 0177 umask (no window in which another user could connect) and then chmod
 * 0600; when it falls back to the temp folder, that folder is 0700 and ours. A socket file left
 * by a dead Host is removed, but only when connecting to it is refused: if a Host answers there,
 * this throws rather than stealing its address.
 */
export async function listenHostSocket(home: string, onConnection: (socket: net.Socket) => void): Promise<net.Server> {
  const socketPath = hostSocketPath(home);
  const posix = process.platform !== 'win32';
  if (posix) {
    if (path.dirname(socketPath) === path.resolve(home)) ensurePrivateDir(home);
    await removeStaleSocket(socketPath, home);
  }
  const server = net.createServer(onConnection);
  await new Promise<void>((resolve, reject) => {
    const onError = (error: Error): void => {
      server.off('listening', onListening);
      reject(
        errorCode(error) === 'EADDRINUSE'
          ? new LocalSocketError(`another Airlock Host is already listening on ${socketPath} (home ${home}). Stop it first, or use another home with --home.`)
          : new LocalSocketError(`cannot listen on ${socketPath} for home ${home}: ${errorMessage(error)}. Check the folder's permissions, or use another home with --home.`),
      );
    };
    const onListening = (): void => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    // bind() runs synchronously inside listen() for a pipe path, so the umask covers the file's
    // creation and is restored before any other code of ours runs. The umask is process-wide:
    // files that libuv's thread pool creates meanwhile come out tighter, never looser.
    const previousUmask = posix ? process.umask(0o177) : undefined;
    try {
      server.listen(socketPath);
    } finally {
      if (previousUmask !== undefined) process.umask(previousUmask);
    }
  });
  if (posix) fs.chmodSync(socketPath, 0o600);
  return server;
}

async function removeStaleSocket(socketPath: string, home: string): Promise<void> {
  let stat: fs.Stats;
  try {
    stat = fs.lstatSync(socketPath);
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return;
    throw new LocalSocketError(`cannot check ${socketPath}: ${errorMessage(error)}. Check the folder's permissions.`);
  }
  if (!stat.isSocket()) throw new LocalSocketError(`${socketPath} exists and is not a socket. Move it aside and start Airlock again.`);
  const code = await probe(socketPath);
  if (code === 'ECONNREFUSED') {
    fs.rmSync(socketPath, { force: true });
    return;
  }
  if (code === 'ENOENT') return;
  if (code === undefined) throw new LocalSocketError(`another Airlock Host is already answering on ${socketPath} (home ${home}). Stop it first, or use another home with --home.`);
  throw new LocalSocketError(`cannot tell whether another Airlock Host is using ${socketPath} (${code}). Stop any other Airlock for home ${home}, then try again.`);
}

/** Connects once and hangs up: undefined when someone answered, else the error code. */
function probe(socketPath: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    const socket = net.createConnection(socketPath);
    socket.once('connect', () => {
      socket.destroy();
      resolve(undefined);
    });
    socket.once('error', (error) => resolve(errorCode(error) ?? 'EUNKNOWN'));
  });
}
