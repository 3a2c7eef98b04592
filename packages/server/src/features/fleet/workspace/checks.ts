import { join } from 'node:path';
import yaml from 'js-yaml';
import { assertObjectId, LOCAL_GIT_ENV, runGit, withWorktree } from '../../../platform/git/index.js';
import { runSandboxed } from '../sandbox/index.js';

/** Where a repository declares its check command when no catalog annotation does. */
/** The directory at the repository root that holds Backbeat's per-repository configuration. */
export const CHECKS_DIR = '.backbeat';
export const CHECKS_FILE = `${CHECKS_DIR}/checks.yaml`;

/** Used when neither the annotation nor the file says how long checks may take. */
export const DEFAULT_CHECK_TIMEOUT_SECONDS = 600;
const MAX_CHECK_TIMEOUT_SECONDS = 6 * 3600;

export interface CheckConfig {
  /** Shell text run as `sh -c` in the change's work tree. */
  command: string;
  /** From the file; undefined when it says nothing (or the annotation declared the command). */
  timeoutSeconds?: number;
  source: 'annotation' | typeof CHECKS_FILE;
}

/** The repository's checks file is malformed; the message names the file, line or field. */
export class CheckConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CheckConfigError';
  }
}

/**
 * How a repository's change is checked: the entity's `backbeat.dev/check-command`
 * annotation wins; otherwise `.backbeat/checks.yaml` at `commit` (`command: <shell>`,
 * optional `timeoutSeconds`). Undefined when neither declares a command.
 *
 * @example
 * const config = await readCheckCommand(mirrorDir, changeCommit, entity.metadata.annotations?.['backbeat.dev/check-command']);
 * // { command: 'sh scripts/check.sh', timeoutSeconds: 120, source: '.backbeat/checks.yaml' }
 */
export async function readCheckCommand(
  mirrorDir: string,
  commit: string,
  annotation?: string,
): Promise<CheckConfig | undefined> {
  if (annotation?.trim()) return { command: annotation.trim(), source: 'annotation' };
  assertObjectId(commit);
  // --batch reports a missing path as "<name> missing" instead of failing, so absence
  // needs no parsing of error messages.
  const { stdout } = await runGit(['--git-dir', mirrorDir, 'cat-file', '--batch'], {
    input: `${commit}:${CHECKS_FILE}\n`,
    env: { ...LOCAL_GIT_ENV },
  });
  const newline = stdout.indexOf(10);
  const header = stdout.toString('utf8', 0, newline === -1 ? stdout.length : newline).split(' ');
  if (header[1] === 'missing' || header.length < 3) return undefined;
  if (header[1] !== 'blob') throw new CheckConfigError(`${CHECKS_FILE} is a ${header[1]}, not a file`);
  const text = stdout.toString('utf8', newline + 1, newline + 1 + Number(header[2]));
  return parseChecksFile(text);
}

/**
 * Parses the text of `.backbeat/checks.yaml`.
 *
 * @example
 * parseChecksFile('command: npm test\ntimeoutSeconds: 300\n');
 */
export function parseChecksFile(text: string): CheckConfig | undefined {
  let doc: unknown;
  try {
    doc = yaml.load(text, { filename: CHECKS_FILE });
  } catch (error) {
    if (error instanceof yaml.YAMLException) {
      throw new CheckConfigError(
        `${CHECKS_FILE} line ${error.mark.line + 1}, column ${error.mark.column + 1}: ${error.reason}`,
      );
    }
    throw error;
  }
  if (doc === undefined || doc === null) return undefined;
  if (typeof doc !== 'object' || Array.isArray(doc)) {
    throw new CheckConfigError(`${CHECKS_FILE} must be a mapping with a "command" field`);
  }
  const { command, timeoutSeconds } = doc as Record<string, unknown>;
  if (typeof command !== 'string' || !command.trim()) {
    throw new CheckConfigError(`${CHECKS_FILE} field "command" must be a non-empty string`);
  }
  if (
    timeoutSeconds !== undefined &&
    (typeof timeoutSeconds !== 'number' ||
      !Number.isFinite(timeoutSeconds) ||
      timeoutSeconds <= 0 ||
      timeoutSeconds > MAX_CHECK_TIMEOUT_SECONDS)
  ) {
    throw new CheckConfigError(
      `${CHECKS_FILE} field "timeoutSeconds" must be a number of seconds between 1 and ${MAX_CHECK_TIMEOUT_SECONDS}`,
    );
  }
  return { command: command.trim(), ...(timeoutSeconds !== undefined ? { timeoutSeconds } : {}), source: CHECKS_FILE };
}

export interface RunChecksInput {
  mirrorDir: string;
  worktreesDir: string;
  /** The change's commit, checked out fresh. */
  commit: string;
  command: string;
  timeoutSeconds: number;
  /** Environment of the check (e.g. `BACKBEAT_SHIFT`); nothing of the server's is passed on. */
  env?: Record<string, string>;
}

/**
 * Runs a repository's check command in a fresh worktree of the change's commit,
 * sandboxed like a command step. `passed` only on exit code 0 within the timeout;
 * `log` is the command's output with a closing line saying how it ended.
 *
 * @example
 * const { passed, log } = await runChecks({ mirrorDir, worktreesDir, commit, command: 'npm test', timeoutSeconds: 600 });
 */
export async function runChecks(input: RunChecksInput): Promise<{ passed: boolean; log: string; durationMs: number }> {
  assertObjectId(input.commit);
  const started = Date.now();
  return withWorktree(input.mirrorDir, input.worktreesDir, input.commit, async (dir) => {
    const result = await runSandboxed({
      command: input.command,
      workdir: dir,
      env: input.env ?? {},
      timeoutMs: input.timeoutSeconds * 1000,
      readOnlyPaths: [join(dir, '.git')],
    });
    const passed = result.exitCode === 0 && !result.timedOut;
    const outcome = result.timedOut
      ? `Timed out after ${input.timeoutSeconds} s.`
      : passed
        ? 'Passed.'
        : `Failed with exit code ${result.exitCode}.`;
    const output = result.output === '' || result.output.endsWith('\n') ? result.output : `${result.output}\n`;
    return { passed, log: `$ ${input.command}\n${output}${outcome}\n`, durationMs: Date.now() - started };
  });
}
