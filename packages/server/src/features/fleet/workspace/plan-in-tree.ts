import { LOCAL_GIT_CONFIG, LOCAL_GIT_ENV, runGit } from '../../../platform/git/index.js';
import { type ObjectReader, treeOfCommit } from '../../../platform/git/object-database.js';
import type { CommandStep, ShiftStep } from '../model/shift-spec.js';
import type { StepFiles } from '../transforms/index.js';
import { type CommitMetadata, commitEnv, commitMessageText } from './commit-metadata.js';
import { changeFromShow, errorMessage, PlanError, type PlanResult, SHOW_CHANGE_ARGS } from './plan-change.js';
import { NeedsWorktreeError, treeFiles } from './tree-files.js';

export interface PlanInTreeInput {
  /** Bare mirror holding `baseCommit`; the new objects are written into it. */
  mirrorDir: string;
  /** An open reader on `mirrorDir` (the caller may have used it already, e.g. to read manifests). */
  reader: ObjectReader;
  baseCommit: string;
  steps: readonly Exclude<ShiftStep, CommandStep>[];
  applyBuiltinStep: (step: Exclude<ShiftStep, CommandStep>, files: StepFiles) => Promise<{ log: string }>;
  commit: CommitMetadata;
}

/**
 * {@link planChange} for specs made only of built-in steps, without a worktree: the
 * steps edit the base commit's files in memory, the changed blobs and the trees above
 * them are written straight into the mirror, `git commit-tree` makes the commit and
 * `git show` gives the diff. The commit is the one `planChange` makes from the same
 * steps and metadata, so the two are interchangeable for re-plans and recovery. A
 * checkout of a few hundred files costs more than the whole change; this never checks
 * anything out.
 *
 * @throws NeedsWorktreeError when only a checkout would behave exactly (symlinks on a
 *   step's path, `.gitattributes`): plan that target with `planChange` instead.
 * @throws PlanError when a step fails (with the log so far).
 * @example
 * const result = await planInTree({ mirrorDir, reader, baseCommit, steps, applyBuiltinStep, commit });
 */
export async function planInTree(input: PlanInTreeInput): Promise<PlanResult> {
  let env: Record<string, string>;
  try {
    env = commitEnv(input.commit);
  } catch (error) {
    throw new PlanError(errorMessage(error), '');
  }
  const base = await input.reader.read(input.baseCommit);
  if (base?.type !== 'commit') throw new Error(`Commit ${input.baseCommit} is missing from the mirror`);
  const files = treeFiles(input.mirrorDir, input.reader, treeOfCommit(base.data));
  const log: string[] = [];
  for (const [index, step] of input.steps.entries()) {
    const label = `spec.steps[${index}] (${step.type})`;
    log.push(`# ${label}\n`);
    let result: { log: string };
    try {
      result = await input.applyBuiltinStep(step, files);
    } catch (error) {
      if (error instanceof NeedsWorktreeError) throw error;
      const message = `${label} failed: ${errorMessage(error)}`;
      log.push(`${message}\n`);
      throw new PlanError(message, log.join(''), index);
    }
    if (result.log) log.push(result.log.endsWith('\n') ? result.log : `${result.log}\n`);
  }
  const tree = await files.writeTree();
  if (!tree) return { status: 'no-change', log: log.join('') };
  const git = (args: string[], extra: Record<string, string> = {}, stdin?: string) =>
    runGit(['--git-dir', input.mirrorDir, ...LOCAL_GIT_CONFIG, ...args], {
      env: { ...LOCAL_GIT_ENV, ...extra },
      input: stdin,
    });
  // commit-tree, not a hand-written object: git normalises identities (trims stray
  // punctuation), and the commit must be the one `git commit` and recreateCommit make.
  const committed = await git(
    ['commit-tree', tree, '-p', input.baseCommit, '-F', '-'],
    env,
    commitMessageText(input.commit.message),
  );
  const shown = await git([...SHOW_CHANGE_ARGS, committed.stdout.toString('utf8').trim()]);
  return { status: 'changed', ...changeFromShow(shown.stdout, log), log: log.join('') };
}
