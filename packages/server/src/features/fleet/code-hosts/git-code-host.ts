import { deleteBranch, mergeChange, pushBranch } from '../workspace/index.js';
import type { CodeHost } from './code-host.js';

/**
 * The embedded default: any git remote. Branches travel over git; the change
 * request is the target itself, shown on Backbeat's change page.
 *
 * @example
 * const host = createGitCodeHost();
 * await host.publish({ repository, mirrorDir, commit, branch, baseBranch: 'main', title, body: '', labels: [] });
 */
export function createGitCodeHost(): CodeHost {
  return {
    kind: 'git',
    mergesUnpublished: true,
    async publish(input) {
      await pushBranch({
        repoUrl: input.repository,
        mirrorDir: input.mirrorDir,
        commit: input.commit,
        branch: input.branch,
        previousCommit: input.previousCommit,
      });
      return { change: {} };
    },
    merge(input) {
      return mergeChange({
        repoUrl: input.repository,
        mirrorDir: input.mirrorDir,
        worktreesDir: input.worktreesDir,
        baseBranch: input.baseBranch,
        plannedBase: input.plannedBase,
        changeCommit: input.changeCommit,
        branch: input.pushedCommit ? { name: input.branch, pushedCommit: input.pushedCommit } : undefined,
        method: input.method,
        author: input.author,
        date: input.date,
      });
    },
    async close(input) {
      await deleteBranch({ repoUrl: input.repository, branch: input.branch, expectedCommit: input.pushedCommit });
    },
  };
}
