/** Exit codes the CLI promises; scripts and CI jobs key on them. */
export const EXIT = Object.freeze({
  OK: 0,
  FAILED: 1,
  BAD_INPUT: 2,
  HOLD: 10,
  DENY: 11,
});

/** An error the user caused and can fix: printed as one line, exit code attached. */
export class UsageError extends Error {
  override name = 'UsageError';
  constructor(
    message: string,
    readonly exitCode: number = EXIT.BAD_INPUT,
  ) {
    super(message);
  }
}
