import type { CommandStep, ShiftStep } from '../model/shift-spec.js';
import { bumpDependency } from './bump-dependency.js';
import { replaceInFiles } from './replace-in-files.js';
import { StepError } from './step-error.js';
import type { StepFiles } from './step-files.js';
import { editValue } from './value-step.js';

/** A step Backbeat applies itself, without running a program. */
export type BuiltinStep = Exclude<ShiftStep, CommandStep>;

/**
 * Applies one built-in step to a repository's files (a work tree on disk or a commit
 * in the object database). Every path is resolved inside the tree; one that escapes
 * it (`..`, absolute, a symlink pointing outside) fails the step.
 *
 * @throws StepError naming the file, and the line when known.
 * @example
 * const { changedFiles, log } = await applyBuiltinStep({ type: 'bump-dependency', dependency: 'log-lib', to: '2.17.1' }, diskFiles(workdir));
 */
export async function applyBuiltinStep(
  step: BuiltinStep,
  files: StepFiles,
): Promise<{ changedFiles: string[]; log: string }> {
  const outcome = await run(step, files);
  return { changedFiles: [...new Set(outcome.changedFiles)].sort(), log: outcome.log.join('\n') };
}

function run(step: BuiltinStep, files: StepFiles) {
  switch (step.type) {
    case 'bump-dependency':
      return bumpDependency(step, files);
    case 'set-value':
    case 'delete-value':
      return editValue(step, files);
    case 'replace':
      return replaceInFiles(step, files);
    default:
      // Command steps run in the sandbox; reaching here means a caller mixed them up.
      throw new StepError(`"${(step as { type: string }).type}" is not a built-in step`);
  }
}
