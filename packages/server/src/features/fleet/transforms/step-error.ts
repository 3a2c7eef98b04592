/**
 * A built-in step could not be applied to a repository. The message names the file
 * (relative to the work tree) and the line when known, since it ends up in the
 * target's log where the owning team reads it.
 */
export class StepError extends Error {
  constructor(
    message: string,
    readonly file?: string,
    readonly line?: number,
  ) {
    super(file === undefined ? message : `${file}${line === undefined ? '' : `:${line}`}: ${message}`);
    this.name = 'StepError';
  }
}
