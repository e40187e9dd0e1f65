import type { Server, Socket } from 'node:net';
import { listenHostSocket, readHello, writeHelloReply, type Hello, type HelloReply } from '../../src/proxy/local-socket.js';

export interface FakeHostSession {
  hello: Hello;
  socket: Socket;
}

export interface FakeHostOptions {
  /** The answer to a hello; default ok. */
  reply?: (hello: Hello) => HelloReply;
  /** How long to wait before answering a hello (a Host under load); default 0. */
  replyDelayMs?: number;
  /** Called after an ok, with the socket paused at the first JSON-RPC byte; default: echo every byte back. */
  session?: (session: FakeHostSession) => void;
}

export interface FakeHost {
  server: Server;
  /** Every hello received, in order. */
  hellos: Hello[];
  /** Resolves with the next session that passes its hello. */
  nextSession(): Promise<FakeHostSession>;
  close(): Promise<void>;
}

/**
 * A stand-in for the Airlock Host on the real local socket of `home` (listenHostSocket):
 * answers the hello, then by default echoes every byte, so tests of `airlock connect` see
 * exactly what was relayed.
 */
export async function startFakeHost(home: string, options: FakeHostOptions = {}): Promise<FakeHost> {
  const hellos: Hello[] = [];
  const waiting: Array<(session: FakeHostSession) => void> = [];
  const ready: FakeHostSession[] = [];
  const sockets = new Set<Socket>();
  const server = await listenHostSocket(home, (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    readHello(socket).then(
      async (hello) => {
        if (options.replyDelayMs) await new Promise((r) => setTimeout(r, options.replyDelayMs));
        hellos.push(hello);
        const reply = options.reply?.(hello) ?? { hello: 'ok' };
        writeHelloReply(socket, reply);
        if (reply.hello !== 'ok') {
          socket.end();
          return;
        }
        const session = { hello, socket };
        (options.session ?? echo)(session);
        const waiter = waiting.shift();
        if (waiter) waiter(session);
        else ready.push(session);
      },
      () => socket.destroy(),
    );
  });
  return {
    server,
    hellos,
    nextSession: () => {
      const session = ready.shift();
      return session ? Promise.resolve(session) : new Promise((resolve) => waiting.push(resolve));
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

function echo({ socket }: FakeHostSession): void {
  socket.on('data', (chunk: Buffer) => socket.write(chunk));
  socket.on('end', () => socket.end());
}
