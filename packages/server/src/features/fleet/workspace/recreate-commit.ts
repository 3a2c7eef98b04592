import { randomBytes } from 'node:crypto';
import { mkdirSync, realpathSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { assertObjectId, LOCAL_GIT_CONFIG, LOCAL_GIT_ENV, runGit } from '../../../platform/git/index.js';
import { type CommitMetadata, commitEnv, commitMessageText } from './commit-metadata.js';

export interface RecreateCommitInput {
  mirrorDir: string;
  /** Where a temporary index file is kept while the commit is made. */
  worktreesDir: string;
  baseCommit: string;
  /** A diff from {@link planChange} (`git diff --binary` format). */
  diff: string;
  /** The metadata the change was planned with. */
  commit: CommitMetadata;
}

/**
 * Rebuilds a planned commit in a mirror that lacks it (another worker planned it,
 * or the mirror was re-cloned): applies the stored diff to the base and commits it
 * with the same metadata, which yields the same commit id. Works on a temporary
 * index only, so nothing is checked out.
 *
 * @example
 * const commit = await recreateCommit({ mirrorDir, worktreesDir, baseCommit, diff: target.diff, commit: meta });
 * if (commit !== target.commit) throw new Error('the stored diff does not reproduce the planned commit');
 */
export async function recreateCommit(input: RecreateCommitInput): Promise<string> {
  assertObjectId(input.baseCommit);
  if (!input.diff.trim()) throw new Error('Cannot recreate a commit from an empty diff');
  const env = commitEnv(input.commit);
  mkdirSync(input.worktreesDir, { recursive: true });
  const indexFile = join(realpathSync(input.worktreesDir), `index-${process.pid}-${randomBytes(6).toString('hex')}`);
  const git = async (args: string[], stdin?: string) => {
    const { stdout } = await runGit(['--git-dir', input.mirrorDir, ...LOCAL_GIT_CONFIG, ...args], {
      env: { ...LOCAL_GIT_ENV, ...env, GIT_INDEX_FILE: indexFile },
      input: stdin,
    });
    return stdout.toString('utf8').trim();
  };
  try {
    await git(['read-tree', input.baseCommit]);
    // Whitespace is applied as it is: "fixing" it would give another tree and another id.
    await git(['apply', '--cached', '--binary', '--whitespace=nowarn', '-'], input.diff);
    const tree = await git(['write-tree']);
    return await git(['commit-tree', tree, '-p', input.baseCommit, '-F', '-'], commitMessageText(input.commit.message));
  } finally {
    rmSync(indexFile, { force: true });
    rmSync(`${indexFile}.lock`, { force: true });
  }
}
