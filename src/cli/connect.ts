import path from 'node:path';
import type { Socket } from 'node:net';
import type { Readable, Writable } from 'node:stream';
// The hot path of every MCP server start: node builtins and small modules only (no commander,
// no zod, no SQLite), so `airlock connect` relays its first byte soon after node itself is up.
import { defaultHome } from '../engine/store/home-dir.js';
import { errorMessage } from '../engine/store/store-error.js';
import { encodeHelloLine, parseHelloReplyLine, readFirstLine } from '../proxy/hello-line.js';
import { hostSocketPath } from '../proxy/host-socket-path.js';
import type { Hello } from '../proxy/local-socket.js';
import { connectOnce, connectUntil, startHostInBackground, type StartedHost } from './connect-autostart.js';
import { installConnectCrashReporting, scheduleConnectTestCrash, type ConnectCrashOptions } from './connect-crash.js';
import { answerRequestsWithError } from './connect-refusal.js';
import { relaySession } from './connect-relay.js';
import { EXIT } from './exit-codes.js';

/** The client's stdio: raw streams, since `connect` relays bytes and never re-encodes them. */
export interface ConnectIo {
  stdin: Readable;
  stdout: Writable;
  stderr: Writable;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Set when this is the process's own stdio: a crash of the process then keeps a local report. */
  crash?: ConnectCrashOptions;
}

export function processConnectIo(): ConnectIo {
  return { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd(), crash: { events: process } };
}

/** How long a Host started in the background gets to open its socket. */
export const AUTOSTART_WAIT_MS = 4_000;
/**
 * How long a Host that accepted the connection gets to answer its hello: it is alive, and under
 * load (50 clients starting at once on two busy cores) its answer can take seconds. Well under
 * the 60 s an SDK client gives initialize, so a Host that never answers still reaches the client.
 */
export const HELLO_REPLY_MS = 30_000;

export const CONNECT_USAGE = `Usage: airlock connect NAME [--home DIR] [--no-autostart] [--start-app=PATH] [--client=ID]

Use it in an AI client's MCP configuration in place of the server's own command: it relays the
client's stdio to the server NAME through the Airlock Host, starting the Host in the background
when it is not running.

Options:
  --home DIR         Airlock data folder (default: $AIRLOCK_HOME, else the app-data folder)
  --no-autostart     answer with an error instead of starting the Host
  --start-app=PATH   start the Host by running the Airlock app at PATH with --background
                     (no window) instead of "airlock serve"
  --client=ID        the AI client whose config runs this entry (written by "airlock clients
                     install"), for servers whose policy allows entry:ID
`;

interface ConnectArgs {
  name: string;
  home: string | undefined;
  autostart: boolean;
  /** The desktop app's executable, run with --background to start the Host. */
  startApp: string | undefined;
  /** The AI client whose installed entry runs this (`--client=ID`), for client policies. */
  entry: string | undefined;
}

/** `airlock connect NAME [--home DIR] [--no-autostart] [--start-app=PATH]`; returns the exit code. */
export async function runConnect(argv: readonly string[], io: ConnectIo = processConnectIo()): Promise<number> {
  const args = parseConnectArgs(argv);
  if ('help' in args) {
    io.stdout.write(CONNECT_USAGE);
    return EXIT.OK;
  }
  if ('error' in args) {
    io.stderr.write(CONNECT_USAGE);
    return refuse(io, `${args.error} (run "airlock connect --help")`, EXIT.BAD_INPUT);
  }
  const home = path.resolve(args.home ?? defaultHome(io.env));
  // Left installed when this returns: a crash while the process winds down is still connect's.
  const crash = io.crash && installConnectCrashReporting(home, args.name, io.stderr, io.crash);
  if (crash) scheduleConnectTestCrash(io.env, home, args.name, 'start');
  return connectAndRelay(args, home, io, () => {
    crash?.component('connect-relay');
    if (crash) scheduleConnectTestCrash(io.env, home, args.name, 'relay');
  });
}

async function connectAndRelay(args: ConnectArgs, home: string, io: ConnectIo, relaying: () => void): Promise<number> {
  const serve = args.home === undefined && !io.env.AIRLOCK_HOME ? 'airlock serve' : `airlock serve --home ${shellQuote(home)}`;
  // How the user starts the Host themselves: "Start it with: airlock serve", or with the app.
  const startIt: StartHint = (verb) => (args.startApp === undefined ? `${verb} with: ${serve}` : `${verb} by opening the Airlock app (${args.startApp})`);
  const session = await openSession(args, home, startIt, io);
  if (typeof session === 'string') return refuse(io, session, EXIT.FAILED);
  const restart = args.startApp === undefined ? `run: ${serve}` : `open the Airlock app (${args.startApp})`;
  relaying();
  const end = await relaySession(session, io, `the Airlock host stopped; your call was not completed. Restart the client or ${restart}`);
  if (end.message) io.stderr.write(`airlock connect: ${end.message}\n`);
  return end.code;
}

type StartHint = (verb: string) => string;

/** The Host's socket after a successful hello, or what went wrong and what to do. */
async function openSession(args: ConnectArgs, home: string, startIt: StartHint, io: ConnectIo): Promise<Socket | string> {
  let socketPath: string;
  try {
    socketPath = hostSocketPath(home);
  } catch (error) {
    return `cannot use the Airlock home ${home}: ${errorMessage(error)}`;
  }
  let attempt = await connectOnce(socketPath);
  let host: StartedHost | undefined;
  if ('notListening' in attempt) {
    if (!args.autostart) return `Airlock is not running for home ${home} and --no-autostart was given. ${startIt('Start it')}`;
    try {
      host = startHostInBackground(home, io.env, args.startApp);
    } catch (error) {
      return `Airlock is not running for home ${home} and could not be started: ${errorMessage(error)} ${startIt('Start it')}`;
    }
    attempt = await connectUntil(socketPath, Date.now() + AUTOSTART_WAIT_MS);
  }
  if ('notListening' in attempt) {
    const exit = host?.exitCode();
    const exited = exit === undefined ? '' : ` (it exited${exit === null ? '' : ` with code ${exit}`})`;
    return `Airlock is not running for home ${home}: the Host started in the background did not open its socket within ${AUTOSTART_WAIT_MS / 1000} s${exited}. See ${host?.logPath ?? 'its log'}, or ${startIt('start it yourself')}`;
  }
  if ('failed' in attempt) return `cannot reach the Airlock Host for home ${home} at ${socketPath} (${attempt.failed}). Run the client as the user who runs Airlock, or ${startIt('restart it')}`;

  const socket = attempt.socket;
  socket.on('error', () => {}); // every failure below surfaces as a rejected read or a 'close'
  const hello: Hello = { hello: 'connect', v: 1, server: args.name, cwd: io.cwd, path: io.env.PATH ?? null, ...(args.entry === undefined ? {} : { entry: args.entry }) };
  socket.write(encodeHelloLine(hello));
  let line: Buffer;
  try {
    line = await readFirstLine(socket, { timeoutMs: HELLO_REPLY_MS });
  } catch (error) {
    socket.destroy();
    return `the Airlock Host for home ${home} accepted the connection for "${args.name}" but did not answer it (${errorMessage(error)}); it may be overloaded or stuck. If this goes on, ${startIt('restart it')}`;
  }
  const reply = parseHelloReplyLine(line);
  if (!reply || reply.hello === 'error') {
    socket.destroy();
    return reply
      ? `Airlock cannot connect "${args.name}": ${reply.message}`
      : `the Airlock Host for home ${home} answered in a way this airlock connect does not understand. Update Airlock so that the client and the Host are the same version.`;
  }
  return socket;
}

/** Says why on stderr (clients log it) and as a JSON-RPC error to each request (clients show it). */
async function refuse(io: ConnectIo, message: string, code: number): Promise<number> {
  io.stderr.write(`airlock connect: ${message}\n`);
  // A person at a terminal has read stderr; only a client on a pipe waits for JSON-RPC.
  if (!(io.stdin as { isTTY?: boolean }).isTTY) await answerRequestsWithError(io, message);
  return code;
}

/** Hand-parsed: commander costs more to load than this whole command's start-up budget. */
function parseConnectArgs(argv: readonly string[]): ConnectArgs | { help: true } | { error: string } {
  const names: string[] = [];
  let home: string | undefined;
  let autostart = true;
  let startApp: string | undefined;
  let entry: string | undefined;
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i]!;
    if (arg === '--') {
      names.push(...argv.slice(i + 1));
      break;
    }
    if (arg === '-h' || arg === '--help') return { help: true };
    if (arg === '--no-autostart') autostart = false;
    else if (arg === '--home') {
      const value = argv[i + 1];
      if (value === undefined) return { error: 'option --home needs a folder' };
      home = value;
      i += 1;
    } else if (arg.startsWith('--home=')) home = arg.slice('--home='.length);
    // One word only, like --home=: the server NAME stays the first word after "connect" that is not an option.
    else if (arg.startsWith('--start-app=')) startApp = arg.slice('--start-app='.length);
    else if (arg === '--start-app') return { error: 'option --start-app takes its path in the same word: --start-app=PATH' };
    // One word too, so that an entry keeps the `… connect [options] NAME` shape routedServer reads.
    else if (arg.startsWith('--client=')) entry = arg.slice('--client='.length);
    else if (arg === '--client') return { error: 'option --client takes its id in the same word: --client=ID' };
    else if (arg.startsWith('-') && arg !== '-') return { error: `unknown option ${arg}` };
    else names.push(arg);
  }
  if (home === '') return { error: 'option --home needs a folder' };
  if (entry !== undefined && !/^[a-z0-9][a-z0-9-]{0,63}$/.test(entry)) return { error: `option --client needs an AI client's id such as --client=cursor, got ${JSON.stringify(entry.slice(0, 64))}` };
  if (startApp === '') return { error: 'option --start-app needs the path of the Airlock app' };
  if (startApp !== undefined && !path.isAbsolute(startApp)) return { error: `option --start-app needs an absolute path, got ${startApp}` };
  const [name, ...extra] = names;
  if (name === undefined || name === '') return { error: 'missing the server NAME' };
  if (extra.length > 0) return { error: `expected one server NAME, got ${names.length}: ${names.join(' ')}` };
  return { name, home, autostart, startApp, entry };
}

/** A path as the user would type it back: quoted when it holds spaces (macOS's "Application Support"). */
function shellQuote(text: string): string {
  if (/^[\w@%+=:,./\\-]+$/.test(text)) return text;
  return process.platform === 'win32' ? `"${text}"` : `'${text.replace(/'/g, `'\\''`)}'`;
}
