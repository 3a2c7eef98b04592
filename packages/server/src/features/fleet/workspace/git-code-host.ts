import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  assertObjectId,
  assertSafeRemote,
  ensureMirror,
  GitError,
  LOCAL_GIT_CONFIG,
  LOCAL_GIT_ENV,
  resolveRef,
  runGit,
} from '../../../platform/git/index.js';
import { assertBranchName } from './branch-name.js';
import { commitEnv, commitMessageText } from './commit-metadata.js';

/**
 * The embedded `git` code host: branches travel over plain git, while the change
 * request itself (title, diff, checks, merge button) lives in Backbeat. Every update
 * of a remote ref is conditional on what Backbeat last saw there, so work of others
 * is never overwritten and a retry after a crash does nothing twice.
 */

/** The branch holds a commit Backbeat did not push: someone else's work, left alone. */
export class BranchConflictError extends Error {
  constructor(
    readonly branch: string,
    /** What the branch points to now; undefined when it vanished while we worked. */
    readonly remoteCommit: string | undefined,
  ) {
    super(
      remoteCommit
        ? `Branch "${branch}" already exists on the remote at ${remoteCommit.slice(0, 12)}, ` +
            'a commit Backbeat did not push; it is left untouched'
        : `Branch "${branch}" changed on the remote while Backbeat was pushing; it is left untouched`,
    );
    this.name = 'BranchConflictError';
  }
}

export interface PushBranchInput {
  repoUrl: string;
  /** Mirror holding `commit`. */
  mirrorDir: string;
  commit: string;
  branch: string;
  /** What Backbeat pushed to this branch before (an earlier plan), which it may replace. */
  previousCommit?: string;
  /** Extra environment for git (a hosted code host's auth header); never put secrets in `repoUrl`. */
  env?: Record<string, string>;
}

/**
 * Points `branch` on the remote at `commit`. Creates it if absent, replaces Backbeat's
 * own earlier push (`previousCommit`), reports `up-to-date` if it already points there
 * (a retry after a crash), and throws {@link BranchConflictError} if it holds anything
 * else. The first attempt is a single leased push; the remote is only asked what the
 * branch holds when that push is refused.
 *
 * @example
 * await pushBranch({ repoUrl, mirrorDir, commit: target.changeCommit, branch: 'backbeat/bump-log-lib' });
 */
export async function pushBranch(input: PushBranchInput): Promise<{ status: 'pushed' | 'up-to-date' }> {
  const { repoUrl, mirrorDir, commit, branch, previousCommit, env } = input;
  assertSafeRemote(repoUrl);
  assertBranchName(branch);
  assertObjectId(commit);
  if (previousCommit !== undefined) assertObjectId(previousCommit);
  const refspec = `${commit}:refs/heads/${branch}`;
  const first = await leasedPush(mirrorDir, repoUrl, branch, previousCommit ?? '', refspec, env);
  if (first !== 'rejected') return { status: first };

  const remote = await remoteBranchCommit(repoUrl, branch, env);
  if (remote === commit) return { status: 'up-to-date' };
  if (remote !== undefined && remote !== previousCommit) throw new BranchConflictError(branch, remote);
  // The branch is absent (deleted by someone, or our previous push never landed) or
  // still ours: one more leased try with what we now know.
  const second = await leasedPush(mirrorDir, repoUrl, branch, remote ?? '', refspec, env);
  if (second === 'rejected') throw new BranchConflictError(branch, await remoteBranchCommit(repoUrl, branch, env));
  return { status: second };
}

export interface DeleteBranchInput {
  repoUrl: string;
  branch: string;
  /** The commit Backbeat pushed; the branch is deleted only while it still points there. */
  expectedCommit: string;
  /** Any local repository to push from (a mirror); a scratch one is used when absent. */
  mirrorDir?: string;
  /** Extra environment for git (a hosted code host's auth header). */
  env?: Record<string, string>;
}

/**
 * Deletes Backbeat's branch when a change is closed or merged, but only if it still
 * holds the commit Backbeat pushed. `absent` when it is already gone; a branch that
 * now holds someone else's commit throws {@link BranchConflictError}.
 *
 * @example
 * await deleteBranch({ repoUrl, branch: 'backbeat/bump-log-lib', expectedCommit: target.pushedCommit });
 */
export async function deleteBranch(input: DeleteBranchInput): Promise<{ status: 'deleted' | 'absent' }> {
  const { repoUrl, branch, expectedCommit, env } = input;
  assertSafeRemote(repoUrl);
  assertBranchName(branch);
  assertObjectId(expectedCommit);
  const gitDir = input.mirrorDir ?? (await scratchGitDir());
  const result = await leasedPush(gitDir, repoUrl, branch, expectedCommit, `:refs/heads/${branch}`, env);
  if (result !== 'rejected') return { status: 'deleted' };
  const remote = await remoteBranchCommit(repoUrl, branch, env);
  if (remote === undefined) return { status: 'absent' };
  throw new BranchConflictError(branch, remote);
}

export interface MergeChangeInput {
  repoUrl: string;
  mirrorDir: string;
  /** Kept for merges that need a work tree (conflict resolution); unused by the current strategies. */
  worktreesDir: string;
  baseBranch: string;
  /** The base commit the change was planned on. */
  plannedBase: string;
  changeCommit: string;
  /**
   * The change's branch and what Backbeat pushed to it: deleted in the same atomic
   * push as the merge, while it still holds that commit.
   */
  branch?: { name: string; pushedCommit: string };
  method: 'merge' | 'squash' | 'rebase';
  /** Author and date of the merge commit (method `merge`). */
  author: { name: string; email: string };
  date: string;
  /** Message of the merge commit; default `Merge change <short id> into <base branch>`. */
  message?: string;
}

export type MergeChangeResult =
  /** `branchDeleted`: the change's branch went in the same push; otherwise it is still there. */
  { status: 'merged'; mergedCommit: string; branchDeleted?: boolean } | { status: 'base-moved'; currentBase: string };

/**
 * Merges a change into its base branch on the remote: a change is one commit on
 * `plannedBase`, so `squash` and `rebase` push it as it is, and `merge` pushes a
 * merge commit of the two. The push is leased on `plannedBase`, so it lands only
 * while the base is exactly where the change was planned: a base that moved on, or
 * was reset behind it (a fast-forward would bring back commits someone removed),
 * comes back as `base-moved`, with the new base fetched into the mirror, and the
 * caller re-plans on it. Without `branch` this is also how a change that was never
 * pushed as a branch goes straight in.
 *
 * @example
 * const result = await mergeChange({ repoUrl, mirrorDir, worktreesDir, baseBranch: 'main', plannedBase, changeCommit,
 *   method: 'squash', author: { name: 'Backbeat', email: 'bot@example.com' }, date: new Date().toISOString() });
 * if (result.status === 'base-moved') await replan(result.currentBase);
 */
export async function mergeChange(input: MergeChangeInput): Promise<MergeChangeResult> {
  const { repoUrl, mirrorDir, baseBranch, plannedBase, changeCommit } = input;
  assertSafeRemote(repoUrl);
  assertBranchName(baseBranch);
  assertObjectId(plannedBase);
  assertObjectId(changeCommit);
  const target =
    input.method === 'merge'
      ? await createMergeCommit(input)
      : // A change planned on plannedBase is a single commit whose parent is plannedBase.
        changeCommit;
  const merge = `${target}:refs/heads/${baseBranch}`;
  const baseLease = `--force-with-lease=refs/heads/${baseBranch}:${plannedBase}`;
  if (input.branch) {
    // One push for both: the base moves and the branch goes, or neither. A refusal
    // (moved base, or a branch that is no longer ours) falls back to the two steps.
    assertBranchName(input.branch.name);
    assertObjectId(input.branch.pushedCommit);
    const both = await push(
      mirrorDir,
      [baseLease, `--force-with-lease=refs/heads/${input.branch.name}:${input.branch.pushedCommit}`, '--atomic'],
      repoUrl,
      [merge, `:refs/heads/${input.branch.name}`],
    );
    if (both === 'pushed') return { status: 'merged', mergedCommit: target, branchDeleted: true };
  }
  const outcome = await push(mirrorDir, [baseLease], repoUrl, [merge]);
  if (outcome !== 'rejected') return { status: 'merged', mergedCommit: target };
  // Someone pushed to the base branch: fetch it, so the caller can re-plan (or see
  // that the base already holds this change) without another round trip.
  await ensureMirror(repoUrl, mirrorDir);
  const currentBase = await resolveRef(mirrorDir, `refs/heads/${baseBranch}`);
  return { status: 'base-moved', currentBase };
}

async function createMergeCommit(input: MergeChangeInput): Promise<string> {
  const message = input.message ?? `Merge change ${input.changeCommit.slice(0, 12)} into ${input.baseBranch}`;
  const meta = { message, author: input.author, date: input.date };
  const { stdout } = await runGit(
    [
      '--git-dir',
      input.mirrorDir,
      ...LOCAL_GIT_CONFIG,
      'commit-tree',
      `${input.changeCommit}^{tree}`,
      '-p',
      input.plannedBase,
      '-p',
      input.changeCommit,
      '-F',
      '-',
    ],
    { env: { ...LOCAL_GIT_ENV, ...commitEnv(meta) }, input: commitMessageText(message) },
  );
  return stdout.toString('utf8').trim();
}

type PushOutcome = 'pushed' | 'up-to-date' | 'rejected';

/** A push that succeeds only while `refs/heads/<branch>` holds `expect` ('' = absent). */
function leasedPush(
  gitDir: string,
  repoUrl: string,
  branch: string,
  expect: string,
  refspec: string,
  env?: Record<string, string>,
): Promise<PushOutcome> {
  return push(gitDir, [`--force-with-lease=refs/heads/${branch}:${expect}`], repoUrl, [refspec], env);
}

async function push(
  gitDir: string,
  options: readonly string[],
  repoUrl: string,
  refspecs: readonly string[],
  env?: Record<string, string>,
): Promise<PushOutcome> {
  // `--` is not accepted by push; the URL was checked by assertSafeRemote and the
  // refspecs are built from checked ids and branch names.
  const args = ['--git-dir', gitDir, 'push', '--no-verify', ...options, repoUrl, ...refspecs];
  try {
    const { stderr } = await runGit(args, { env });
    return /Everything up-to-date/.test(stderr) ? 'up-to-date' : 'pushed';
  } catch (error) {
    // "! [rejected]" is a lease or fast-forward refusal: the ref is not what we
    // expected. "! [remote rejected]" (a hook, a dirty checked-out branch) is a real
    // error and keeps its message.
    if (error instanceof GitError && /^\s*!\s+\[rejected\]/m.test(error.stderr)) return 'rejected';
    throw error;
  }
}

/** The commit a branch points to on the remote, or undefined when it does not exist. */
async function remoteBranchCommit(
  repoUrl: string,
  branch: string,
  env?: Record<string, string>,
): Promise<string | undefined> {
  const ref = `refs/heads/${branch}`;
  const { stdout } = await runGit(['ls-remote', '--refs', repoUrl, ref], { env });
  for (const line of stdout.toString('utf8').split('\n')) {
    const [sha, name] = line.split('\t');
    // ls-remote matches patterns by suffix; only the exact ref counts.
    if (name === ref && sha) return sha;
  }
  return undefined;
}

let scratch: Promise<string> | undefined;

/** An empty bare repository to run pushes from that carry no objects (deletions). */
function scratchGitDir(): Promise<string> {
  scratch ??= (async () => {
    const dir = mkdtempSync(join(tmpdir(), 'backbeat-git-scratch-'));
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    await runGit(['init', '--quiet', '--bare', dir], { env: { ...LOCAL_GIT_ENV } });
    return dir;
  })();
  return scratch;
}
