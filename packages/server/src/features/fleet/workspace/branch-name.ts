import { branchNameProblem } from '../spec/branch-name.js';

/**
 * Throws unless `name` is a branch name git accepts (the rules of
 * `git check-ref-format --branch`), checked here without a process. Branch names
 * come from shift templates, so they must never be read as options or refspecs.
 *
 * @example
 * assertBranchName('backbeat/bump-log-lib'); // ok
 * assertBranchName('-f'); // throws
 */
export function assertBranchName(name: string): void {
  const problem = branchNameProblem(name);
  if (problem) throw new Error(`Branch name "${name}" is not valid: ${problem}`);
}
