import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runGit } from '../../../platform/git/index.js';
import type { ShiftStep } from '../model/shift-spec.js';
import { BranchConflictError, deleteBranch, type MergeChangeInput, mergeChange, pushBranch } from './git-code-host.js';
import { resolveBase, syncMirror } from './mirror-sync.js';
import { planChange } from './plan-change.js';
import { createFixtures, fakeBuiltinStep, TEST_COMMIT } from './testing/fixtures.js';

const fx = createFixtures();
afterAll(() => fx.dispose());

const BRANCH = 'backbeat/bump-log-lib';
const MERGE_AUTHOR = { author: { name: 'Backbeat Bot', email: 'bot@backbeat.invalid' }, date: '2025-03-02T12:00:00Z' };

async function remoteRef(repoDir: string, ref: string): Promise<string | undefined> {
  try {
    return (await runGit(['rev-parse', '--verify', '--quiet', ref], { cwd: repoDir })).stdout.toString('utf8').trim();
  } catch {
    return undefined;
  }
}

/** A remote repository (`laterCommits` more commits on main), this worker's mirror of it, and a planned change on its main. */
async function setup(laterCommits = 0) {
  const repo = await fx.remote({ 'version.txt': '1\n', 'README.md': '# r\n' });
  for (let i = 1; i <= laterCommits; i++) await repo.commit({ 'README.md': `# r, edit ${i}\n` });
  const worktreesDir = fx.tempDir();
  const { mirrorDir } = await syncMirror(repo.dir, fx.tempDir());
  const base = await resolveBase(mirrorDir);
  const plan = async (content: string) => {
    const step: ShiftStep = { type: 'set-value', file: 'version.txt', path: '', value: content };
    const result = await planChange({
      mirrorDir,
      worktreesDir,
      baseCommit: base.commit,
      steps: [step],
      applyBuiltinStep: fakeBuiltinStep,
      commit: TEST_COMMIT,
      env: {},
    });
    if (result.status !== 'changed') throw new Error('expected a change');
    return result.commit;
  };
  /** mergeChange's input for `changeCommit` planned on this base: a squash unless `extra` says otherwise. */
  const mergeInput = (changeCommit: string, extra: Partial<MergeChangeInput> = {}): MergeChangeInput => ({
    repoUrl: repo.dir,
    mirrorDir,
    worktreesDir,
    baseBranch: 'main',
    plannedBase: base.commit,
    changeCommit,
    method: 'squash',
    ...MERGE_AUTHOR,
    ...extra,
  });
  return { repo, mirrorDir, worktreesDir, base, plan, mergeInput };
}

describe('pushBranch', () => {
  it('creates the branch, then reports a repeated push as up to date', async () => {
    const { repo, mirrorDir, plan } = await setup();
    const commit = await plan('2\n');
    expect(await pushBranch({ repoUrl: repo.dir, mirrorDir, commit, branch: BRANCH })).toEqual({ status: 'pushed' });
    expect(await remoteRef(repo.dir, `refs/heads/${BRANCH}`)).toBe(commit);
    // A retry after a crash that happened after the push, before it was recorded.
    expect(await pushBranch({ repoUrl: repo.dir, mirrorDir, commit, branch: BRANCH })).toEqual({
      status: 'up-to-date',
    });
    expect(await pushBranch({ repoUrl: repo.dir, mirrorDir, commit, branch: BRANCH, previousCommit: commit })).toEqual({
      status: 'up-to-date',
    });
  });

  it("replaces Backbeat's own earlier push, and recreates a branch someone deleted", async () => {
    const { repo, mirrorDir, plan } = await setup();
    const v1 = await plan('2\n');
    const v2 = await plan('3\n');
    await pushBranch({ repoUrl: repo.dir, mirrorDir, commit: v1, branch: BRANCH });
    expect(await pushBranch({ repoUrl: repo.dir, mirrorDir, commit: v2, branch: BRANCH, previousCommit: v1 })).toEqual({
      status: 'pushed',
    });
    expect(await remoteRef(repo.dir, `refs/heads/${BRANCH}`)).toBe(v2);

    await runGit(['branch', '-D', BRANCH], { cwd: repo.dir });
    expect(await pushBranch({ repoUrl: repo.dir, mirrorDir, commit: v1, branch: BRANCH, previousCommit: v2 })).toEqual({
      status: 'pushed',
    });
    expect(await remoteRef(repo.dir, `refs/heads/${BRANCH}`)).toBe(v1);
  });

  it("never overwrites a branch holding someone else's commit", async () => {
    const { repo, mirrorDir, plan } = await setup();
    const ours = await plan('2\n');
    await runGit(['branch', BRANCH], { cwd: repo.dir });
    const theirs = await remoteRef(repo.dir, `refs/heads/${BRANCH}`);
    const error = await pushBranch({ repoUrl: repo.dir, mirrorDir, commit: ours, branch: BRANCH }).catch((e) => e);
    expect(error).toBeInstanceOf(BranchConflictError);
    expect((error as BranchConflictError).remoteCommit).toBe(theirs);
    expect((error as Error).message).toMatch(/already exists on the remote .* left untouched/);
    // Not even when we claim an earlier push of our own.
    await expect(
      pushBranch({ repoUrl: repo.dir, mirrorDir, commit: ours, branch: BRANCH, previousCommit: ours }),
    ).rejects.toBeInstanceOf(BranchConflictError);
    expect(await remoteRef(repo.dir, `refs/heads/${BRANCH}`)).toBe(theirs);
  });

  it('rejects branch names and commits that are not safe to hand to git', async () => {
    const { repo, mirrorDir, plan } = await setup();
    const commit = await plan('2\n');
    await expect(pushBranch({ repoUrl: repo.dir, mirrorDir, commit, branch: '--force' })).rejects.toThrow(
      /Branch name "--force" is not valid/,
    );
    await expect(pushBranch({ repoUrl: repo.dir, mirrorDir, commit, branch: 'a:b' })).rejects.toThrow(/not valid/);
    await expect(pushBranch({ repoUrl: repo.dir, mirrorDir, commit: 'HEAD', branch: BRANCH })).rejects.toThrow(
      /not a full commit id/,
    );
  });
});

describe('deleteBranch', () => {
  it('deletes only while the branch holds our commit', async () => {
    const { repo, mirrorDir, plan } = await setup();
    const commit = await plan('2\n');
    await pushBranch({ repoUrl: repo.dir, mirrorDir, commit, branch: BRANCH });
    expect(await deleteBranch({ repoUrl: repo.dir, branch: BRANCH, expectedCommit: commit })).toEqual({
      status: 'deleted',
    });
    expect(await remoteRef(repo.dir, `refs/heads/${BRANCH}`)).toBeUndefined();
    expect(await deleteBranch({ repoUrl: repo.dir, branch: BRANCH, expectedCommit: commit, mirrorDir })).toEqual({
      status: 'absent',
    });

    await runGit(['branch', BRANCH], { cwd: repo.dir });
    const theirs = await remoteRef(repo.dir, `refs/heads/${BRANCH}`);
    await expect(deleteBranch({ repoUrl: repo.dir, branch: BRANCH, expectedCommit: commit })).rejects.toBeInstanceOf(
      BranchConflictError,
    );
    expect(await remoteRef(repo.dir, `refs/heads/${BRANCH}`)).toBe(theirs);
  });
});

describe('mergeChange', () => {
  it('fast-forwards the base to the change (squash), updating a checked-out work tree', async () => {
    const { repo, plan, mergeInput } = await setup();
    const commit = await plan('2\n');
    const input = mergeInput(commit);
    expect(await mergeChange(input)).toEqual({ status: 'merged', mergedCommit: commit });
    expect(await remoteRef(repo.dir, 'refs/heads/main')).toBe(commit);
    expect(readFileSync(join(repo.dir, 'version.txt'), 'utf8')).toBe('2\n');
    // Merging again (a retry after a crash) finds the work done.
    expect(await mergeChange(input)).toEqual({ status: 'merged', mergedCommit: commit });
  });

  it('deletes the branch in the same atomic push, and leaves a branch that is no longer ours', async () => {
    const { repo, mirrorDir, plan, mergeInput } = await setup();
    const commit = await plan('2\n');
    await pushBranch({ repoUrl: repo.dir, mirrorDir, commit, branch: BRANCH });
    const input = mergeInput(commit, { branch: { name: BRANCH, pushedCommit: commit } });
    expect(await mergeChange(input)).toEqual({ status: 'merged', mergedCommit: commit, branchDeleted: true });
    expect(await remoteRef(repo.dir, 'refs/heads/main')).toBe(commit);
    expect(await remoteRef(repo.dir, `refs/heads/${BRANCH}`)).toBeUndefined();
    // A retry after a crash: the base holds the change, the branch is gone already.
    expect(await mergeChange(input)).toEqual({ status: 'merged', mergedCommit: commit });

    // Someone else moved the branch: the merge still lands, their branch stays.
    const other = await setup();
    const change = await other.plan('3\n');
    await pushBranch({ repoUrl: other.repo.dir, mirrorDir: other.mirrorDir, commit: change, branch: BRANCH });
    await runGit(['branch', '-f', BRANCH, other.base.commit], { cwd: other.repo.dir });
    const result = await mergeChange(other.mergeInput(change, { branch: { name: BRANCH, pushedCommit: change } }));
    expect(result).toEqual({ status: 'merged', mergedCommit: change });
    expect(await remoteRef(other.repo.dir, 'refs/heads/main')).toBe(change);
    expect(await remoteRef(other.repo.dir, `refs/heads/${BRANCH}`)).toBe(other.base.commit);
  });

  it('pushes a merge commit with the base and the change as parents (merge)', async () => {
    const { repo, base, plan, mergeInput } = await setup();
    const commit = await plan('2\n');
    const result = await mergeChange(mergeInput(commit, { method: 'merge' }));
    if (result.status !== 'merged') throw new Error('expected a merge');
    expect(await remoteRef(repo.dir, 'refs/heads/main')).toBe(result.mergedCommit);
    const show = (format: string) =>
      runGit(['show', '-s', `--format=${format}`, result.mergedCommit], { cwd: repo.dir }).then((r) =>
        r.stdout.toString('utf8').trim(),
      );
    expect(await show('%P')).toBe(`${base.commit} ${commit}`);
    expect(await show('%T')).toBe(
      (await runGit(['rev-parse', `${commit}^{tree}`], { cwd: repo.dir })).stdout.toString('utf8').trim(),
    );
    expect(await show('%an %aI|%s')).toBe(
      `Backbeat Bot 2025-03-02T12:00:00+00:00|Merge change ${commit.slice(0, 12)} into main`,
    );
  });

  it('reports a moved base without touching it, with the new base fetched', async () => {
    const { repo, mirrorDir, plan, mergeInput } = await setup();
    const commit = await plan('2\n');
    const theirs = await repo.commit({ 'README.md': '# someone else\n' });
    for (const method of ['squash', 'merge'] as const) {
      const result = await mergeChange(mergeInput(commit, { method }));
      expect(result).toEqual({ status: 'base-moved', currentBase: theirs });
      expect(await remoteRef(repo.dir, 'refs/heads/main')).toBe(theirs);
    }
    expect((await resolveBase(mirrorDir)).commit).toBe(theirs);
  });

  it('never fast-forwards a base that was reset behind the planned base', async () => {
    const { repo, plan, mergeInput } = await setup(1);
    const commit = await plan('2\n');
    // Someone took the planned base off main again. The change descends from it, so a
    // fast-forward would bring the removed commit back.
    const parent = await remoteRef(repo.dir, 'main~1');
    await runGit(['reset', '--quiet', '--hard', parent as string], { cwd: repo.dir });
    const result = await mergeChange(mergeInput(commit));
    expect(result).toEqual({ status: 'base-moved', currentBase: parent });
    expect(await remoteRef(repo.dir, 'refs/heads/main')).toBe(parent);
  });
});
