import type { CommandStep, ShiftStep } from '../model/shift-spec.js';
import { bumpDependency } from './bump-dependency.js';
import { replaceInFiles } from './replace-in-files.js';
import { StepError } from './step-error.js';
import { editValue } from './value-step.js';

/** A step Backbeat applies itself, without running a program. */
export type BuiltinStep = Exclude<ShiftStep, CommandStep>;

/**
 * Applies one built-in step to the work tree at `workdir`. Every path is resolved
 * inside the work tree; one that escapes it (`..`, absolute, a symlink pointing
 * outside) fails the step.
 *
 * @throws StepError naming the file, and the line when known.
 * @example
 * const { changedFiles, log } = await applyBuiltinStep({ type: 'bump-dependency', dependency: 'log-lib', to: '2.17.1' }, workdir);
 */
export async function applyBuiltinStep(
  step: BuiltinStep,
  workdir: string,
): Promise<{ changedFiles: string[]; log: string }> {
  const outcome = await run(step, workdir);
  return { changedFiles: [...new Set(outcome.changedFiles)].sort(), log: outcome.log.join('\n') };
}

function run(step: BuiltinStep, workdir: string) {
  switch (step.type) {
    case 'bump-dependency':
      return bumpDependency(step, workdir);
    case 'set-value':
    case 'delete-value':
      return editValue(step, workdir);
    case 'replace':
      return replaceInFiles(step, workdir);
    default:
      // Command steps run in the sandbox; reaching here means a caller mixed them up.
      throw new StepError(`"${(step as { type: string }).type}" is not a built-in step`);
  }
}
