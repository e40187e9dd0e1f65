import type { Command } from 'commander';
import fs from 'node:fs';
import path from 'node:path';
import { HOME_LOCK_FILE_NAME } from '../../engine/store/index.js';
import { controlToken } from '../../host/control-token.js';
import { startHostInBackground } from '../connect-autostart.js';
import { EXIT, UsageError } from '../exit-codes.js';
import { homeFrom } from '../home-option.js';
import type { CliIo } from '../io.js';
import { openWindowInBrowser, windowUrl } from '../open-window.js';
import { findRunningHost, stopRunningHost, waitForWindow, type RunningHost } from '../running-host.js';

/** How long `airlock open` waits for a Host it started to serve its window (a cold start opens SQLite and binds a port). */
const START_TIMEOUT_MS = 20_000;

/** `airlock open`: the running Host's window in the browser, starting a Host in the background when none runs. */
export function registerOpen(program: Command, io: CliIo): void {
  program
    .command('open')
    .description("open the Airlock window in your browser: the running Host's, or a Host started in the background when none runs")
    .action(async (_options: unknown, command: Command) => {
      const home = homeFrom(command, io);
      const running = await findRunningHost(home);
      if (running !== undefined) return openHostWindow(home, running, io);
      const started = startHostInBackground(home, io.env);
      // Ours may exit because another Host took the home first (a client's connect): wait for that one then.
      const gaveUp = (): boolean => started.exitCode() !== undefined && !fs.existsSync(path.join(home, HOME_LOCK_FILE_NAME));
      const endpoint = await waitForWindow(home, START_TIMEOUT_MS, gaveUp);
      // The Host we started may have lost the race to one started at the same moment: open whichever runs.
      const host = endpoint === undefined ? undefined : await findRunningHost(home);
      if (host === undefined) throw new UsageError(`could not start the Airlock host for ${home}; see ${started.logPath}, or run it in a terminal with: airlock serve --open`, EXIT.FAILED);
      io.out(`Started the Airlock host for ${home} in the background (pid ${host.pid}; stop it with: airlock stop).\n`);
      return openHostWindow(home, host, io);
    });
}

/** `airlock stop`: the running Host stops as on Ctrl-C, finishing in-flight calls first. */
export function registerStop(program: Command, io: CliIo): void {
  program
    .command('stop')
    .description('stop the Airlock Host running on this home (it finishes in-flight calls first, as on Ctrl-C)')
    .action(async (_options: unknown, command: Command) => {
      const home = homeFrom(command, io);
      const running = await findRunningHost(home);
      if (running === undefined) throw new UsageError(`no Airlock host runs for ${home}; nothing to stop`, EXIT.FAILED);
      if (!(await stopRunningHost(running))) throw new UsageError(`the Airlock host for ${home} (pid ${running.pid}, ${running.kind}) was asked to stop but still runs after 20 s; see its log in ${home}/logs, or end pid ${running.pid} yourself`, EXIT.FAILED);
      io.out(`Stopped the Airlock host for ${home} (pid ${running.pid}, ${running.kind}).\n`);
    });
}

/**
 * Opens a running Host's window through the 0600 forwarding page (never the token on a command
 * line) and says so in one line, with the address without its token (`airlock ui-url` prints it with).
 */
export async function openHostWindow(home: string, host: RunningHost, io: CliIo, already = false): Promise<void> {
  if (host.endpoint === undefined) {
    throw new UsageError(`the Airlock host for ${home} (pid ${host.pid}, ${host.kind}) serves no window in a browser; open its window from its tray, or stop it with: airlock stop`, EXIT.FAILED);
  }
  const { file, opened } = openWindowInBrowser(home, windowUrl(host.endpoint.url, controlToken(home)), io.env);
  const which = already ? `An Airlock host already runs for ${home} (pid ${host.pid})` : `The Airlock host for ${home} (pid ${host.pid})`;
  if (await opened) io.out(`${which}: opened its window in your browser (${host.endpoint.url}).\n`);
  else io.out(`${which} serves its window on ${host.endpoint.url}, but no browser could be started: open ${file} in one, or run: airlock ui-url\n`);
}
