import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, realpathSync, rmSync } from 'node:fs';
import { devNull } from 'node:os';
import { join } from 'node:path';
import { GitError, runGit } from './run-git.js';

/**
 * Environment for git commands that only touch local repositories: the user's global
 * config (diff prefixes, external diff tools, LFS filters, signing, templates) must
 * not change what Backbeat checks out, commits or diffs. Commands that talk to a
 * remote keep the global config, where credentials may be configured.
 */
export const LOCAL_GIT_ENV: Readonly<Record<string, string>> = { GIT_CONFIG_GLOBAL: devNull };

/** `-c` options for local git commands: no hooks (repository content never runs code here), no signing. */
export const LOCAL_GIT_CONFIG: readonly string[] = [
  '-c',
  `core.hooksPath=${devNull}`,
  '-c',
  'commit.gpgsign=false',
  '-c',
  'core.autocrlf=false',
];

/**
 * Checks `commit` out into a fresh, detached worktree of a (bare) mirror under
 * `worktreesDir`, runs `work` in it and removes the worktree afterwards, also when
 * `work` throws. Worktrees share the mirror's object store, so commits made in one
 * stay in the mirror after it is gone.
 *
 * @example
 * const files = await withWorktree(mirrorDir, '/data/worktrees', commit, async (dir) => readdirSync(dir));
 */
export async function withWorktree<T>(
  mirrorDir: string,
  worktreesDir: string,
  commit: string,
  work: (dir: string) => Promise<T>,
): Promise<T> {
  const dir = await addWorktree(mirrorDir, worktreesDir, commit);
  try {
    return await work(dir);
  } finally {
    await removeWorktree(mirrorDir, dir);
  }
}

/**
 * Creates a detached worktree of `commit` in a new random directory under
 * `worktreesDir` and returns its (real) path. Prefer {@link withWorktree}, which
 * cannot forget to remove it.
 *
 * @example
 * const dir = await addWorktree(mirrorDir, '/data/worktrees', commit);
 */
export async function addWorktree(mirrorDir: string, worktreesDir: string, commit: string): Promise<string> {
  assertObjectId(commit);
  mkdirSync(worktreesDir, { recursive: true });
  // Real path: sandboxes bind the worktree at this path, and symlink checks compare against it.
  // The pid in the name lets removeStaleWorktrees tell a crashed process's leftovers from live ones.
  const dir = join(realpathSync(worktreesDir), `${process.pid}-${randomBytes(6).toString('hex')}`);
  try {
    await runGit(
      ['--git-dir', mirrorDir, ...LOCAL_GIT_CONFIG, 'worktree', 'add', '--quiet', '--detach', '--', dir, commit],
      { env: { ...LOCAL_GIT_ENV } },
    );
  } catch (error) {
    await removeWorktree(mirrorDir, dir);
    throw error;
  }
  return dir;
}

/**
 * Removes a worktree made by {@link addWorktree}: its directory and the mirror's
 * bookkeeping of it. Never throws; a leftover is pruned by the next removal.
 *
 * @example
 * await removeWorktree(mirrorDir, dir);
 */
export async function removeWorktree(mirrorDir: string, dir: string): Promise<void> {
  try {
    await runGit(['--git-dir', mirrorDir, 'worktree', 'remove', '--force', '--force', '--', dir], {
      env: { ...LOCAL_GIT_ENV },
    });
    return;
  } catch {
    // Falls through: remove by hand, then let git forget worktrees whose directory is gone.
  }
  rmSync(dir, { recursive: true, force: true });
  try {
    await runGit(['--git-dir', mirrorDir, 'worktree', 'prune'], { env: { ...LOCAL_GIT_ENV } });
  } catch {
    // The mirror itself may be gone; nothing left to clean.
  }
}

/**
 * Removes what processes that died mid-work (kill -9, a crash) left in `worktreesDir`:
 * worktrees and temporary index files whose name starts with the pid of a process
 * that no longer runs. Call it when a worker starts; the mirrors forget such
 * worktrees at their next `worktree prune`. Returns how many entries it removed.
 *
 * @example
 * removeStaleWorktrees('/data/worktrees');
 */
export function removeStaleWorktrees(worktreesDir: string): number {
  let entries: string[];
  try {
    entries = readdirSync(worktreesDir);
  } catch {
    return 0;
  }
  let removed = 0;
  for (const name of entries) {
    const pid = Number(/^(?:index-)?(\d+)-/.exec(name)?.[1]);
    if (!Number.isInteger(pid) || pid === process.pid || isRunning(pid)) continue;
    rmSync(join(worktreesDir, name), { recursive: true, force: true });
    removed += 1;
  }
  return removed;
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, under another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Throws unless `id` is a full object id; commit ids reach git as arguments and must
 * never be read as options or revision expressions.
 *
 * @example
 * assertObjectId(commit);
 */
export function assertObjectId(id: string): void {
  if (!/^[0-9a-f]{40}([0-9a-f]{24})?$/.test(id)) {
    throw new GitError(`"${id}" is not a full commit id`, [], null, '');
  }
}
