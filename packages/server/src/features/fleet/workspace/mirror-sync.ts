import { ensureMirror, GitError, LOCAL_GIT_ENV, mirrorDirFor, runGit } from '../../../platform/git/index.js';
import { readHeadRef } from '../../../platform/git/object-database.js';
import { assertBranchName } from './branch-name.js';

/** One queue per mirror: two jobs of this process never fetch (or clone) the same mirror at once. */
const inFlight = new Map<string, Promise<unknown>>();

/**
 * Brings this worker's bare mirror of `repoUrl` up to date (cloning it the first time)
 * under `mirrorsDir`, at the same place the catalog keeps its mirrors. Calls for the
 * same mirror run one after the other, so concurrent jobs never race on its refs.
 *
 * @example
 * const { mirrorDir, cloned } = await syncMirror('https://git.example.com/team/web.git', '/data/mirrors');
 */
export async function syncMirror(
  repoUrl: string,
  mirrorsDir: string,
  options: { timeoutMs?: number; env?: Record<string, string> } = {},
): Promise<{ mirrorDir: string; cloned: boolean }> {
  const mirrorDir = mirrorDirFor(mirrorsDir, repoUrl);
  const previous = inFlight.get(mirrorDir) ?? Promise.resolve();
  const current = previous.catch(() => undefined).then(() => ensureMirror(repoUrl, mirrorDir, options));
  inFlight.set(mirrorDir, current);
  try {
    const { cloned } = await current;
    return { mirrorDir, cloned };
  } finally {
    if (inFlight.get(mirrorDir) === current) inFlight.delete(mirrorDir);
  }
}

/**
 * The branch a change starts from and the commit it points to in the mirror. Without
 * `branch`, the remote's default branch: in a `--mirror` clone HEAD is a symbolic ref
 * to it.
 *
 * @example
 * const { branch, commit } = await resolveBase(mirrorDir); // { branch: 'main', commit: '3f2a…' }
 */
export async function resolveBase(mirrorDir: string, branch?: string): Promise<{ branch: string; commit: string }> {
  if (branch !== undefined) assertBranchName(branch);
  // The default branch of a plain mirror is read from its files: one git process less per plan.
  const head = branch === undefined ? readHeadRef(mirrorDir) : undefined;
  if (head) return { branch: head.ref.slice('refs/heads/'.length), commit: head.commit };
  const ref = branch === undefined ? 'HEAD' : `refs/heads/${branch}`;
  // One process answers both questions: the commit, then the full name of the ref.
  let lines: string[];
  try {
    const { stdout } = await runGit(
      ['--git-dir', mirrorDir, 'rev-parse', `${ref}^{commit}`, '--symbolic-full-name', ref, '--'],
      { env: { ...LOCAL_GIT_ENV } },
    );
    lines = stdout.toString('utf8').trim().split('\n');
  } catch (error) {
    if (error instanceof GitError && /unknown revision|bad revision/.test(error.stderr)) {
      throw new GitError(
        branch === undefined
          ? 'The repository has no default branch (HEAD points nowhere): is it empty?'
          : `Branch "${branch}" does not exist in the repository`,
        error.args,
        error.exitCode,
        error.stderr,
      );
    }
    throw error;
  }
  const commit = lines[0] ?? '';
  const fullName = lines[1] ?? '';
  if (!/^[0-9a-f]{40,64}$/.test(commit) || !fullName.startsWith('refs/heads/')) {
    throw new GitError(`The repository's ${branch ?? 'HEAD'} is not a branch`, [], null, lines.join(' / '));
  }
  const name = fullName.slice('refs/heads/'.length);
  return { branch: name, commit };
}
