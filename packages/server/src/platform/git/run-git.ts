import { spawn } from 'node:child_process';

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
 * timeout. Callers put `--` before paths themselves, since only they know where
 * options end. Non-zero exit codes reject with a {@link GitError}.
 *
 * @example
 * const { stdout } = await runGit(['rev-parse', '--verify', 'HEAD^{commit}'], { cwd: repoDir });
 */
export function runGit(args: readonly string[], options: RunGitOptions = {}): Promise<GitResult> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_GIT_TIMEOUT_MS;
  return new Promise((resolve, reject) => {
    const child = spawn('git', args, {
      cwd: options.cwd,
      env: gitEnv(options.env),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(new GitError(`Cannot run git ${describe(args)}: ${error.message}`, args, null, ''));
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      const stderr = Buffer.concat(err).toString('utf8').trim();
      if (timedOut) {
        reject(new GitError(`git ${describe(args)} timed out after ${timeoutMs} ms`, args, code, stderr));
      } else if (code !== 0) {
        reject(
          new GitError(
            `git ${describe(args)} failed: ${firstLines(stderr) || `exit code ${code}`}`,
            args,
            code,
            stderr,
          ),
        );
      } else {
        resolve({ stdout: Buffer.concat(out), stderr });
      }
    });
    // A process that exits early closes stdin; the error is reported through 'close'.
    child.stdin.on('error', () => {});
    child.stdin.end(options.input ?? '');
  });
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
