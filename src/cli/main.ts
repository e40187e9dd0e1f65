import { Command, CommanderError } from 'commander';
import { ApprovalRefusedError } from '../engine/controller/server-controller.js';
import { LogIntegrityError } from '../engine/merkle/index.js';
import { StoreError } from '../engine/store/index.js';
import { SigningKeySealedError } from '../host/signing-key.js';
import { BoundedReadError } from '../input/bounded-file.js';
import { JsonRefusal } from '../input/strict-json.js';
import { registerAllowOnce } from './commands/allow-once.js';
import { registerAudit } from './commands/audit.js';
import { registerClients } from './commands/clients.js';
import { registerCrashReports } from './commands/crash-reports.js';
import { registerDemo } from './commands/demo.js';
import { registerDrift } from './commands/drift.js';
import { registerReceipts } from './commands/receipts.js';
import { registerReview } from './commands/review.js';
import { registerRelease } from './commands/release.js';
import { registerRevert } from './commands/revert.js';
import { registerServe, registerUiUrl } from './commands/serve.js';
import { registerServers } from './commands/servers.js';
import { registerTools } from './commands/tools.js';
import { registerVerify } from './commands/verify.js';
import { registerOpen, registerStop } from './commands/window.js';
import { runConnect } from './connect.js';
import { EXIT, UsageError } from './exit-codes.js';
import { homeFrom } from './home-option.js';
import { processIo, type CliIo } from './io.js';
import { packageVersion } from './version.js';

export function buildProgram(io: CliIo, setExit: (code: number) => void): Command {
  const program = new Command('airlock')
    .description("Airlock: a local firewall for AI agents' tools. It pins the MCP tool surface you approved, holds every change until you answer Y/n, and keeps a tamper-evident log.")
    .version(packageVersion(), '-V, --version', 'print the version')
    .option('--home <dir>', 'Airlock data folder (default: $AIRLOCK_HOME, else the app-data folder)')
    .showHelpAfterError('(run "airlock --help" for the commands)')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) });
  registerDemo(program, io, setExit);
  registerDrift(program, io, setExit);
  registerAudit(program, io, setExit);
  registerServers(program, io, setExit);
  registerClients(program, io, setExit);
  registerServe(program, io);
  registerUiUrl(program, io);
  registerOpen(program, io);
  registerStop(program, io);
  registerReview(program, io, setExit);
  registerAllowOnce(program, io);
  registerRelease(program, io, setExit);
  registerRevert(program, io, setExit);
  registerTools(program, io);
  registerVerify(program, io, setExit);
  registerReceipts(program, io);
  registerCrashReports(program, io);
  // bin/airlock.js runs `airlock connect …` without this file (start-up budget); this entry lists it
  // in --help and serves `airlock --home DIR connect NAME`.
  program
    .command('connect')
    .description("relay an AI client's stdio to the MCP server NAME through the Airlock Host (use it in place of the server's command)")
    .argument('<name>', 'the server, as named in Airlock')
    .option('--no-autostart', 'answer with an error instead of starting the Host when it is not running')
    .action(async (name: string, options: { autostart: boolean }, command: Command) => {
      setExit(await runConnect([name, '--home', homeFrom(command, io), ...(options.autostart ? [] : ['--no-autostart'])]));
    });
  return program;
}

/** Runs the CLI and returns the exit code; never calls process.exit, so tests can run it in-process. */
export async function main(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  let exitCode: number = EXIT.OK;
  const program = buildProgram(io, (code) => {
    exitCode = code;
  });
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version are not errors; every other parse problem is bad input.
      return error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help' ? EXIT.OK : EXIT.BAD_INPUT;
    }
    const refusal = expectedRefusal(error);
    if (refusal !== undefined) {
      io.err(`airlock: ${refusal.message}\n`);
      return refusal.exitCode;
    }
    io.err(`airlock: unexpected error: ${(error as Error).message}\nThis is a bug in Airlock; nothing was changed. Please report it with the command you ran.\n`);
    return EXIT.FAILED;
  }
}

/**
 * Errors that are Airlock doing its job, not a bug: a refused input, a home file it will not
 * trust, an unknown name, a log that does not hold. Each already says what happened and what to
 * do; none may end with "This is a bug in Airlock".
 */
function expectedRefusal(error: unknown): UsageError | undefined {
  if (error instanceof UsageError) return error;
  // A log that does not hold is the finding itself: exit 1, as audit verify does.
  if (error instanceof LogIntegrityError || error instanceof SigningKeySealedError) return new UsageError(error.message, EXIT.FAILED);
  if (error instanceof StoreError || error instanceof ApprovalRefusedError || error instanceof JsonRefusal || error instanceof BoundedReadError) return new UsageError(error.message);
  return undefined;
}
