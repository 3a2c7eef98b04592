import { runInHelper } from './spawn-helper.js';

/** Default time a git command may run before it is killed. */
export const DEFAULT_GIT_TIMEOUT_MS = 120_000;

/**
 * Transports git may use. `ext::` and friends can run arbitrary commands, so a
 * location target must never be able to select them.
 */
const ALLOWED_PROTOCOLS = 'file:git:http:https:ssh';

/** A git command that failed, timed out or could not start; `message` names the command and git's own words. */
export class GitError extends Error {
  constructor(
    message: string,
    readonly args: readonly string[],
    readonly exitCode: number | null,
    readonly stderr: string,
  ) {
    super(message);
    this.name = 'GitError';
  }
}

export interface RunGitOptions {
  /** Working directory (or a bare repository). */
  cwd?: string;
  timeoutMs?: number;
  /** Written to git's stdin, then stdin is closed. */
  input?: string | Buffer;
  /** Extra environment variables on top of the safe defaults. */
  env?: Record<string, string>;
}

export interface GitResult {
  stdout: Buffer;
  stderr: string;
}

/**
 * Runs the system `git` with prompts disabled, a restricted set of transports and a
 * timeout, started from the process helper so the server's event loop does not stall
 * while the process is created (see `spawn-helper.ts`). Callers put `--` before paths themselves, since only they know where
 * options end. Non-zero exit codes reject with a {@link GitError}.
 *
 * @example
 * const { stdout } = await runGit(['rev-parse', '--verify', 'HEAD^{commit}'], { cwd: repoDir });
 */
export async function runGit(args: readonly string[], options: RunGitOptions = {}): Promise<GitResult> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_GIT_TIMEOUT_MS;
  const outcome = await runInHelper({
    command: 'git',
    args,
    ...(options.cwd ? { cwd: options.cwd } : {}),
    env: gitEnv(options.env),
    input: options.input ?? '',
    timeoutMs,
  });
  const stderr = outcome.stderr.toString('utf8').trim();
  if (outcome.startError && !outcome.timedOut) {
    throw new GitError(`Cannot run git ${describe(args)}: ${outcome.startError}`, args, null, stderr);
  }
  if (outcome.timedOut) {
    throw new GitError(`git ${describe(args)} timed out after ${timeoutMs} ms`, args, outcome.code, stderr);
  }
  if (outcome.code !== 0) {
    const why = firstLines(stderr) || `exit code ${outcome.code}`;
    throw new GitError(`git ${describe(args)} failed: ${why}`, args, outcome.code, stderr);
  }
  return { stdout: outcome.stdout, stderr };
}

/**
 * The environment every git child gets: no terminal prompts (a missing credential
 * fails fast instead of hanging a worker), ssh in batch mode, no system or user
 * config hooks changing behaviour, and only safe transports.
 */
export function gitEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    LANG: 'C',
    GIT_TERMINAL_PROMPT: '0',
    GIT_ASKPASS: 'echo',
    GIT_SSH_COMMAND: 'ssh -o BatchMode=yes -o StrictHostKeyChecking=accept-new',
    GIT_ALLOW_PROTOCOL: ALLOWED_PROTOCOLS,
    GIT_CONFIG_NOSYSTEM: '1',
    ...extra,
  };
}

function describe(args: readonly string[]): string {
  return args.slice(0, 3).join(' ');
}

function firstLines(text: string): string {
  return text.split('\n').slice(0, 3).join(' / ');
}
