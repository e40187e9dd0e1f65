import type { Command } from 'commander';
import { Host } from '../../host/host.js';
import { EXIT, UsageError } from '../exit-codes.js';
import { readControlEndpoint } from '../../host/control-endpoint.js';
import { clientDirsFrom } from '../client-dirs-option.js';
import { openWindowInBrowser, windowUrl } from '../open-window.js';
import { controlToken } from '../../host/control-token.js';
import { homeFrom } from '../home-option.js';
import type { CliIo } from '../io.js';
import { lastControlPort } from '../../host/control-port.js';
import { DEFAULT_MCP_PORT, lastMcpPort } from '../../host/mcp-port.js';
import { findRunningHost, stopRunningHost } from '../running-host.js';
import { openHostWindow } from './window.js';
import { crashNoticeLine, installCrashReporting, scheduleTestCrash } from '../../host/crash-report/index.js';

export function registerServe(program: Command, io: CliIo): void {
  program
    .command('serve')
    .description('run the Airlock Host headless: clients reach it through `airlock connect`; stops cleanly on Ctrl-C')
    .option('--hold-timeout <seconds>', 'how long a held call waits for your answer before it is denied', '120')
    .option('--user-home <dir>', "watch the AI clients' config files under this folder instead of your home (tests, or a copy)")
    .option('--platform <platform>', 'the client path rules to use: darwin, win32 or linux (default: this machine)')
    .option('--open', "open the window in your browser (a Host already running on this home: its window)")
    .option('--replace', 'when a Host already runs on this home, stop it (it finishes in-flight calls) and take over')
    .option('--no-watch-clients', "do not watch the AI clients' config files for servers that bypass Airlock")
    .option('--port <n>', "serve the control API and window on http://127.0.0.1:N (bearer token in the home's control-token file; default: the port this home's last Host used when free, else any free port)")
    .option('--mcp-port <n>', `serve the MCP endpoint for HTTP clients on http://127.0.0.1:N/mcp/SERVER (each client needs its token: airlock clients token NAME; default: the port this home's endpoint last used, else ${DEFAULT_MCP_PORT}, else any free port)`)
    .option('--no-mcp-endpoint', 'do not serve the MCP endpoint (clients reach servers through airlock connect only)')
    .action(async (options: { holdTimeout: string; port?: string; mcpPort?: string; mcpEndpoint: boolean; userHome?: string; platform?: string; watchClients: boolean; open?: boolean; replace?: boolean }, command: Command) => {
      const seconds = Number(options.holdTimeout);
      if (!Number.isFinite(seconds) || seconds <= 0) throw new UsageError(`--hold-timeout must be a positive number of seconds, not "${options.holdTimeout}"`);
      // Every Host serves the window, so `airlock open` and `ui-url` find it however it was started.
      const port = options.port === undefined ? 0 : Number(options.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be a port number from 0 to 65535, not "${options.port}"`);
      const mcpPort = options.mcpPort === undefined ? undefined : Number(options.mcpPort);
      if (mcpPort !== undefined && (!Number.isInteger(mcpPort) || mcpPort < 0 || mcpPort > 65535)) throw new UsageError(`--mcp-port must be a port number from 0 to 65535, not "${options.mcpPort}"`);
      if (mcpPort !== undefined && !options.mcpEndpoint) throw new UsageError('--mcp-port and --no-mcp-endpoint contradict each other: give one');
      const home = homeFrom(command, io);
      const running = await findRunningHost(home);
      if (running !== undefined) {
        if (options.replace) {
          io.out(`Stopping the Airlock host already running for ${home} (pid ${running.pid}, ${running.kind}) to take over; it finishes its in-flight calls first\n`);
          if (!(await stopRunningHost(running))) throw new UsageError(`the Airlock host for ${home} (pid ${running.pid}) still runs after 20 s; end it yourself, then run this again`, EXIT.FAILED);
        } else if (options.open) {
          return openHostWindow(home, running, io, true);
        } else {
          throw new UsageError(`Airlock home ${home} is in use by pid ${running.pid} (${running.kind}), a running Airlock host. Open its window with: airlock open; stop it with: airlock stop; or take over with: airlock serve --replace`, EXIT.FAILED);
        }
      }
      const clients = options.watchClients ? clientDirsFrom(options) : undefined;
      const preferredPort = options.port === undefined ? lastControlPort(home) : undefined;
      // A crash keeps a scrubbed local report, then ends the process as before (never sent).
      const crash = installCrashReporting({ home, component: 'host' });
      const host = await Host.start({
        home,
        holdTimeoutMs: Math.round(seconds * 1000),
        port,
        ...(preferredPort === undefined ? {} : { preferredPort }),
        ...(clients === undefined ? {} : { clients }),
        ...(options.mcpEndpoint ? mcpEndpointOptions(home, mcpPort) : {}),
      }).catch((error: unknown) => {
        crash.uninstall();
        // A port the user named is taken: say which and what to do, not "a bug".
        const taken = (error as { code?: string; port?: number }).code === 'EADDRINUSE' ? (error as { port?: number }).port : undefined;
        if (taken !== undefined && taken === mcpPort) throw new UsageError(`port ${taken} is in use by another program, so the MCP endpoint cannot listen there: give another with --mcp-port N, or leave --mcp-port out and Airlock takes a free one`, EXIT.FAILED);
        if (taken !== undefined && taken === port) throw new UsageError(`port ${taken} is in use by another program, so the window cannot be served there: give another with --port N, or leave --port out`, EXIT.FAILED);
        throw error;
      });
      crash.serverNames(() => host.servers().map((s) => s.name));
      const stamp = (): string => new Date().toISOString().slice(11, 19);
      // Before the banner: whoever reads it may stop this Host at once (airlock stop, the app).
      const stopped = new Promise<void>((resolve) => {
        const stop = (signal: string): void => {
          io.out(`${stamp()} ${signal}: finishing in-flight calls, then stopping\n`);
          void host.stop().then(resolve);
        };
        process.once('SIGINT', () => stop('SIGINT'));
        process.once('SIGTERM', () => stop('SIGTERM'));
      });
      host.on('log', (message) => io.out(`${stamp()} ${message}\n`));
      for (const b of host.bypassing()) io.out(`${stamp()} ${b.clientName} starts server "${b.name}" without Airlock (${b.file}); ${b.routable ? 'route it with: airlock clients install' : `it cannot be routed: ${b.reason ?? ''}`}\n`);
      io.out(`Airlock host for ${home} listening on ${host.socketPath} (pid ${process.pid}). Held calls wait ${seconds} s; review them with: airlock review\n`);
      if (host.controlUrl) io.out(`Control API and window on ${host.controlUrl} (bearer token in ${home}/control-token; the address with it: airlock ui-url)\n`);
      if (host.mcpUrl) io.out(`MCP endpoint for HTTP clients on ${host.mcpUrl}/SERVER (each client needs its token: airlock clients token NAME)\n`);
      const crashNotice = crashNoticeLine(home);
      if (crashNotice !== undefined) io.out(`${crashNotice}\n`);
      scheduleTestCrash(io.env, home, () => host.servers().map((s) => s.name));
      if (options.open && host.controlUrl) {
        const { file, opened } = openWindowInBrowser(home, windowUrl(host.controlUrl, controlToken(home)), io.env);
        if (!(await opened)) io.out(`Could not start a browser; open ${file} in one, or run: airlock ui-url\n`);
      }
      await stopped;
      crash.uninstall();
      io.out(`${stamp()} stopped\n`);
    });
}

/** An explicit --mcp-port is taken or the start fails; without one, the home's last port (else Airlock's usual one) is tried first. */
function mcpEndpointOptions(home: string, mcpPort: number | undefined): { mcpPort: number; preferredMcpPort?: number } {
  if (mcpPort !== undefined) return { mcpPort };
  return { mcpPort: 0, preferredMcpPort: lastMcpPort(home) ?? DEFAULT_MCP_PORT };
}

/** `airlock ui-url`: the running Host's window address, token included, for a browser. */
export function registerUiUrl(program: Command, io: CliIo): void {
  program
    .command('ui-url')
    .description("print the address of the running Host's window, with its access token (or open it with: airlock open)")
    .action((_options: unknown, command: Command) => {
      const home = homeFrom(command, io);
      const endpoint = readControlEndpoint(home);
      if (endpoint === undefined) throw new UsageError(`no running Airlock host serves the window for ${home}; open it (starting a Host when none runs) with: airlock open`, EXIT.FAILED);
      io.out(`${windowUrl(endpoint.url, controlToken(home))}\n`);
    });
}
