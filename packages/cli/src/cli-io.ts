/** A stream the CLI writes text to: process.stdout in production, a collector in tests. */
export interface TextSink {
  write(chunk: string): unknown;
}

/**
 * The outside world as the CLI sees it. Commands touch nothing else, so tests run
 * them in-process with captured output, their own environment and a stop signal.
 */
export interface CliIo {
  stdout: TextSink;
  stderr: TextSink;
  env: NodeJS.ProcessEnv;
  /** Defaults to the global fetch. */
  fetch?: typeof fetch;
  /** Directory that relative paths are resolved against; defaults to process.cwd(). */
  cwd?: string;
  /**
   * Stops long-running verbs (`serve`, `worker`) like SIGINT would. Without it
   * they stop on SIGINT or SIGTERM.
   */
  stopSignal?: AbortSignal;
}
