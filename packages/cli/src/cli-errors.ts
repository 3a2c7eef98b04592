/**
 * A failure to report to the user: its message goes to stderr and the process
 * exits with `exitCode`. Commands throw it instead of calling process.exit so
 * they can run in-process.
 *
 * @example
 * throw new CliError('No files to validate: give catalog-info.yaml files or directories');
 */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
    /** Extra lines printed under the message, e.g. field errors. */
    readonly details: string[] = [],
    /** Machine-readable form printed instead with `--json`. */
    readonly json?: unknown,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** The command already printed everything it had to say; only the exit code is left. */
export class CliExit extends Error {
  constructor(readonly exitCode: number) {
    super(`exit ${exitCode}`);
    this.name = 'CliExit';
  }
}
