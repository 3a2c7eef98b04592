import { join } from 'node:path';
import {
  assertObjectId,
  GitError,
  LOCAL_GIT_CONFIG,
  LOCAL_GIT_ENV,
  runGit,
  withWorktree,
} from '../../../platform/git/index.js';
import type { CommandStep, ShiftStep } from '../model/shift-spec.js';
import { runSandboxed } from '../sandbox/index.js';
import { type CommitMetadata, commitEnv, commitMessageText } from './commit-metadata.js';
import { findWorkspaceViolation, snapshotWorkspace, type WorkspaceSnapshot } from './workspace-guard.js';

/** Applies one built-in (non-command) step to a work tree; provided by the transforms. */
export type ApplyBuiltinStep = (
  step: Exclude<ShiftStep, CommandStep>,
  workdir: string,
) => Promise<{ changedFiles: string[]; log: string }>;

export interface PlanChangeInput {
  /** Bare mirror holding `baseCommit`; the new commit is written into it. */
  mirrorDir: string;
  /** Where the temporary worktree is made (and removed again). */
  worktreesDir: string;
  baseCommit: string;
  steps: readonly ShiftStep[];
  applyBuiltinStep: ApplyBuiltinStep;
  /** Fixed metadata: the same steps on the same base give the same commit id. */
  commit: CommitMetadata;
  /** Environment of command steps (`BACKBEAT_SHIFT`, `BACKBEAT_ENTITY_REF`, ...); wins over a step's own `env`. */
  env: Record<string, string>;
}

export interface ChangeStats {
  files: number;
  additions: number;
  deletions: number;
}

export type PlanResult =
  | { status: 'changed'; commit: string; tree: string; diff: string; stats: ChangeStats; log: string }
  | { status: 'no-change'; log: string };

/** A step failed, timed out or left the workspace unsafe; `log` holds everything captured until then. */
export class PlanError extends Error {
  constructor(
    message: string,
    readonly log: string,
    /** Index into `steps` of the step at fault; undefined when no single step is. */
    readonly stepIndex?: number,
  ) {
    super(message);
    this.name = 'PlanError';
  }
}

/**
 * Computes one repository's change: checks `baseCommit` out into a temporary worktree
 * of the mirror, runs the steps in order (commands sandboxed, built-ins in process),
 * commits the result with the given fixed metadata and returns the commit id, its
 * binary diff against the base and line stats. The worktree is always removed; the
 * commit stays in the mirror. Re-planning the same steps on the same base yields the
 * same commit id, which is how a retry or a second worker recognises its own work.
 *
 * @example
 * const result = await planChange({
 *   mirrorDir, worktreesDir: '/data/worktrees', baseCommit, steps: spec.spec.steps, applyBuiltinStep,
 *   commit: { message: 'Bump log-lib to 2.17.1', author: { name: 'Backbeat', email: 'bot@example.com' }, date: '2025-03-01T10:00:00Z' },
 *   env: { BACKBEAT_SHIFT: 'bump-log-lib', BACKBEAT_ENTITY_REF: 'component:default/web' },
 * });
 * if (result.status === 'changed') console.log(result.stats);
 */
export async function planChange(input: PlanChangeInput): Promise<PlanResult> {
  assertObjectId(input.baseCommit);
  let env: Record<string, string>;
  try {
    env = commitEnv(input.commit);
  } catch (error) {
    // Bad metadata comes from the spec and fails the same way every time: not worth a retry.
    throw new PlanError(errorMessage(error), '');
  }
  const log: string[] = [];
  return withWorktree(input.mirrorDir, input.worktreesDir, input.baseCommit, async (dir) => {
    const snapshot = snapshotWorkspace(dir);
    for (const [index, step] of input.steps.entries()) {
      await runStep(input, step, index, dir, snapshot, log);
    }
    const git = (args: string[], extra: Record<string, string> = {}, stdin?: string) =>
      runGit([...LOCAL_GIT_CONFIG, ...args], { cwd: dir, env: { ...LOCAL_GIT_ENV, ...extra }, input: stdin });
    try {
      await git(['add', '--all']);
    } catch (error) {
      // What the steps left behind cannot be staged (a socket, a file git refuses):
      // the repository's outcome, not a passing fault worth a retry.
      const message = `Staging what the steps changed failed: ${errorMessage(error)}`;
      log.push(`${message}\n`);
      throw new PlanError(message, log.join(''));
    }
    try {
      await git(
        ['commit', '--quiet', '--no-verify', '--cleanup=verbatim', '-F', '-'],
        env,
        commitMessageText(input.commit.message),
      );
    } catch (error) {
      // `git commit` exits with 1 when there is nothing to commit (its message goes to
      // stdout); confirm before calling it no change rather than parse that message.
      if (error instanceof GitError && error.exitCode === 1 && (await stagedNothing(dir))) {
        return { status: 'no-change', log: log.join('') };
      }
      throw error;
    }
    const shown = await git([...SHOW_CHANGE_ARGS, 'HEAD']);
    return { status: 'changed', ...changeFromShow(shown.stdout, log), log: log.join('') };
  });
}

async function runStep(
  input: PlanChangeInput,
  step: ShiftStep,
  index: number,
  dir: string,
  snapshot: WorkspaceSnapshot,
  log: string[],
): Promise<void> {
  const label = `spec.steps[${index}] (${step.type})`;
  const fail = (message: string): never => {
    log.push(`${message}\n`);
    throw new PlanError(message, log.join(''), index);
  };
  if (step.type === 'command') {
    log.push(`$ ${label}: ${step.run}\n`);
    const result = await runSandboxed({
      command: step.run,
      workdir: dir,
      env: { ...step.env, ...input.env },
      timeoutMs: step.timeoutSeconds * 1000,
      // The `.git` file points git at the mirror; a command must not redirect it.
      readOnlyPaths: [join(dir, '.git')],
    }).catch((error: unknown) => fail(`${label} could not run: ${errorMessage(error)}`));
    log.push(result.output.endsWith('\n') || result.output === '' ? result.output : `${result.output}\n`);
    if (result.timedOut) fail(`${label} timed out after ${step.timeoutSeconds} s`);
    if (result.exitCode !== 0) fail(`${label} failed with exit code ${result.exitCode}`);
  } else {
    log.push(`# ${label}\n`);
    const result = await input
      .applyBuiltinStep(step, dir)
      .catch((error: unknown) => fail(`${label} failed: ${errorMessage(error)}`));
    if (result.log) log.push(result.log.endsWith('\n') ? result.log : `${result.log}\n`);
  }
  // Checked after every step, so no later step (built-ins run in this process) ever
  // works in a tree where a link leads out of it.
  const problem = findWorkspaceViolation(snapshot);
  if (problem) fail(`${label} left the workspace unsafe to commit: ${problem}`);
}

async function stagedNothing(dir: string): Promise<boolean> {
  try {
    await runGit(['diff', '--cached', '--quiet'], { cwd: dir, env: { ...LOCAL_GIT_ENV } });
    return true;
  } catch (error) {
    if (error instanceof GitError && error.exitCode === 1) return false;
    throw error;
  }
}

/** `git show` arguments that print a commit's id, line stats and binary patch, whatever the user's config. */
export const SHOW_CHANGE_ARGS: readonly string[] = [
  'show',
  '--format=%H %T',
  '--no-ext-diff',
  '--no-textconv',
  '--no-color',
  '--find-renames',
  '--numstat',
  '--patch',
  '--binary',
];

/**
 * A planned commit as stored: its id, stats and diff as text, from the output of
 * `git show` with {@link SHOW_CHANGE_ARGS}.
 *
 * @throws PlanError when the diff cannot be stored as text.
 */
export function changeFromShow(
  stdout: Buffer,
  log: string[],
): { commit: string; tree: string; diff: string; stats: ChangeStats } {
  const { commit, tree, stats, patch } = parseShow(stdout);
  return { commit, tree, stats, diff: patchText(patch, log) };
}

/**
 * Splits `git show --format='%H %T' --numstat --patch` output: the commit and tree ids, a blank line,
 * one numstat line per file, a blank line, then the patch.
 */
function parseShow(stdout: Buffer): { commit: string; tree: string; stats: ChangeStats; patch: Buffer } {
  const patchStart = stdout.indexOf('\ndiff --git ');
  const head = stdout.subarray(0, patchStart === -1 ? stdout.length : patchStart + 1).toString('utf8');
  const patch = patchStart === -1 ? Buffer.alloc(0) : stdout.subarray(patchStart + 1);
  const [ids = '', ...rest] = head.split('\n');
  const [commit = '', tree = ''] = ids.trim().split(' ');
  const stats: ChangeStats = { files: 0, additions: 0, deletions: 0 };
  for (const line of rest) {
    const match = /^(\d+|-)\t(\d+|-)\t/.exec(line);
    if (!match) continue;
    stats.files += 1;
    // Binary files show "-": they count as a changed file without lines.
    if (match[1] !== '-') stats.additions += Number(match[1]);
    if (match[2] !== '-') stats.deletions += Number(match[2]);
  }
  return { commit, tree, stats, patch };
}

/**
 * The patch as text. Diffs are stored and shown as text, so a patch of a text file in
 * another encoding (latin-1, say) would be corrupted on the way and no longer apply;
 * such a change fails with the files named instead.
 */
function patchText(patch: Buffer, log: string[]): string {
  const text = patch.toString('utf8');
  // Fast path: no replacement character means every byte decoded.
  if (!text.includes('\uFFFD')) return text;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(patch);
    return text;
  } catch {
    const offenders = text
      .split(/(?=^diff --git )/m)
      .filter((part) => part.includes('\uFFFD'))
      .map((part) => /^diff --git a\/(.*?) b\//.exec(part)?.[1] ?? '?');
    const message = `The change alters files that are not UTF-8 text, so its diff cannot be stored: ${offenders.join(', ')}`;
    log.push(`${message}\n`);
    throw new PlanError(message, log.join(''));
  }
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
