import { symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { buildDemoOrg, DEPLOYMENT_FILE, LOG_LIB_NAME, planFleet, repoFiles } from '@backbeat/demo-fleet';
import { afterAll, describe, expect, it } from 'vitest';
import { runGit } from '../../../platform/git/index.js';
import { hasLooseObject, openObjectReader, treeOfCommit, writeObject } from '../../../platform/git/object-database.js';
import type { CommandStep, ShiftStep } from '../model/shift-spec.js';
import { applyBuiltinStep, diskFiles } from '../transforms/index.js';
import { commitEnv, commitMessageText } from './commit-metadata.js';
import { resolveBase, syncMirror } from './mirror-sync.js';
import { PlanError, type PlanResult, planChange } from './plan-change.js';
import { commitTree, planInTree } from './plan-in-tree.js';
import { createFixtures, TEST_COMMIT } from './testing/fixtures.js';
import { NeedsWorktreeError } from './tree-files.js';

const fx = createFixtures();
afterAll(() => fx.dispose());

type BuiltinStep = Exclude<ShiftStep, CommandStep>;
const plans = planFleet(buildDemoOrg({ size: 40, seed: 7 }), { size: 40, seed: 7 });
const nodeService = plans.find((p) => p.kind === 'node-service' && p.versions.logLib === '2.14.1')!;

async function mirrorOf(files: Record<string, string>, extra?: (dir: string) => Promise<void>) {
  const repo = await fx.remote(files);
  if (extra) await extra(repo.dir);
  const { mirrorDir } = await syncMirror(repo.dir, fx.tempDir());
  const base = await resolveBase(mirrorDir);
  return { repoDir: repo.dir, mirrorDir, base };
}

/** Plans the same steps on the same base in memory and in a worktree, each in its own mirror. */
async function bothWays(files: Record<string, string>, steps: BuiltinStep[]) {
  const inMemory = await mirrorOf(files);
  const reader = openObjectReader(inMemory.mirrorDir);
  let tree: PlanResult;
  try {
    tree = await planInTree({
      mirrorDir: inMemory.mirrorDir,
      reader,
      baseCommit: inMemory.base.commit,
      steps,
      applyBuiltinStep,
      commit: TEST_COMMIT,
    });
  } finally {
    reader.close();
  }
  const other = await syncMirror(inMemory.repoDir, fx.tempDir());
  const worktree = await planChange({
    mirrorDir: other.mirrorDir,
    worktreesDir: fx.tempDir(),
    baseCommit: inMemory.base.commit,
    steps,
    applyBuiltinStep: (step, dir) => applyBuiltinStep(step, diskFiles(dir)),
    commit: TEST_COMMIT,
    env: {},
  });
  return { tree, worktree, mirrorDir: inMemory.mirrorDir };
}

function planIn(mirrorDir: string, baseCommit: string, steps: BuiltinStep[]) {
  const reader = openObjectReader(mirrorDir);
  return planInTree({ mirrorDir, reader, baseCommit, steps, applyBuiltinStep, commit: TEST_COMMIT }).finally(() =>
    reader.close(),
  );
}

describe('planInTree', () => {
  it('makes the very commit and diff a worktree plan makes, for every built-in step on a demo service', async () => {
    const files = repoFiles(nodeService);
    const steps: BuiltinStep[] = [
      { type: 'bump-dependency', dependency: LOG_LIB_NAME, to: '2.17.1' },
      { type: 'set-value', file: DEPLOYMENT_FILE, path: 'spec.replicas', value: 5 },
      { type: 'replace', files: '**/*.md', pattern: 'README', replacement: 'Read me' },
    ];
    const { tree, worktree, mirrorDir } = await bothWays(files, steps);
    expect(tree.status).toBe('changed');
    expect(tree).toEqual(worktree);
    if (tree.status !== 'changed') return;
    expect(tree.diff).toMatch(/\+ {4}"log-lib": "\^?2\.17\.1"/);
    const changedFiles = [...tree.diff.matchAll(/^diff --git a\/(\S+)/gm)].map((m) => m[1]);
    expect(changedFiles).toEqual(expect.arrayContaining(['package.json', DEPLOYMENT_FILE]));
    expect(tree.stats.files).toBe(changedFiles.length);
    // What was written is a well-formed commit git accepts, nested trees included.
    await runGit(['--git-dir', mirrorDir, 'fsck', '--no-dangling', '--strict']);
  });

  it('rebuilds nested directories and leaves untouched ones as they were', async () => {
    const files = {
      'a/b/c/deep.json': '{\n  "x": 1\n}\n',
      'a/b/sibling.json': '{ "y": 2 }\n',
      'a/other/keep.txt': 'keep\n',
      'top.yaml': 'z: 3 # comment\n',
    };
    const steps: BuiltinStep[] = [
      { type: 'set-value', file: 'a/b/c/deep.json', path: 'x', value: 10 },
      { type: 'set-value', file: 'top.yaml', path: 'z', value: 4 },
    ];
    const { tree, worktree, mirrorDir } = await bothWays(files, steps);
    expect(tree).toEqual(worktree);
    if (tree.status !== 'changed') throw new Error('expected a change');
    const ls = async (rev: string) => (await runGit(['--git-dir', mirrorDir, 'rev-parse', rev])).stdout.toString();
    expect(await ls(`${tree.commit}:a/other`)).toBe(await ls(`${tree.commit}^:a/other`));
    expect(await ls(`${tree.commit}:a/b`)).not.toBe(await ls(`${tree.commit}^:a/b`));
  });

  it('reports no change, and fails a step with its index and log, as the worktree plan does', async () => {
    const files = repoFiles(nodeService);
    const none = await bothWays(files, [{ type: 'bump-dependency', dependency: 'not-used-anywhere', to: '1.0.0' }]);
    expect(none.tree).toEqual(none.worktree);
    expect(none.tree.status).toBe('no-change');

    const { mirrorDir, base } = await mirrorOf(files);
    const error = await planIn(mirrorDir, base.commit, [
      { type: 'bump-dependency', dependency: LOG_LIB_NAME, to: '2.17.1' },
      { type: 'set-value', file: 'missing.yaml', path: 'a', value: 1 },
    ]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PlanError);
    expect((error as PlanError).stepIndex).toBe(1);
    expect((error as PlanError).message).toBe('spec.steps[1] (set-value) failed: missing.yaml: file not found');
    expect((error as PlanError).log).toContain('# spec.steps[0] (bump-dependency)');
  });

  it('refuses paths that escape the tree and asks for a worktree where only a checkout is exact', async () => {
    const { mirrorDir, base } = await mirrorOf({ 'a.yaml': 'a: 1\n', 'dir/b.yaml': 'b: 1\n' }, async (dir) => {
      symlinkSync('dir', join(dir, 'link'));
      await runGit(['add', 'link'], { cwd: dir });
      await runGit(['-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-qm', 'link'], { cwd: dir });
    });
    const escaping = await planIn(mirrorDir, base.commit, [
      { type: 'set-value', file: '../x.yaml', path: 'a', value: 2 },
    ]).catch((e: unknown) => e);
    expect((escaping as Error).message).toContain('must not contain ".." segments');
    await expect(
      planIn(mirrorDir, base.commit, [{ type: 'set-value', file: 'link/b.yaml', path: 'b', value: 2 }]),
    ).rejects.toBeInstanceOf(NeedsWorktreeError);
    // A symlink off the step's path does not matter; globs never follow symlinks.
    const result = await planIn(mirrorDir, base.commit, [
      { type: 'replace', files: '**', pattern: ': 1', replacement: ': 2' },
    ]);
    expect(result.status === 'changed' && result.stats).toEqual({ files: 2, additions: 2, deletions: 2 });

    const attributes = await mirrorOf({ '.gitattributes': '* text=auto eol=crlf\n', 'a.yaml': 'a: 1\n' });
    await expect(
      planIn(attributes.mirrorDir, attributes.base.commit, [
        { type: 'set-value', file: 'a.yaml', path: 'a', value: 2 },
      ]),
    ).rejects.toBeInstanceOf(NeedsWorktreeError);
  });
});

describe('commitTree', () => {
  it('writes, without git, the very commit `git commit-tree` makes, identity normalised as git does', async () => {
    const { mirrorDir, base } = await mirrorOf({ 'a.yaml': 'a: 1\n' });
    const reader = openObjectReader(mirrorDir);
    let tree: string;
    try {
      const commit = await reader.read(base.commit);
      const treeObject = await reader.read(treeOfCommit(commit!.data));
      // A plan writes its trees loose; so does this, from the base's packed tree.
      tree = await writeObject(mirrorDir, 'tree', treeObject!.data);
    } finally {
      reader.close();
    }
    expect(hasLooseObject(mirrorDir, tree)).toBe(true);
    for (const meta of [
      TEST_COMMIT,
      {
        message: 'One line, no newline',
        author: { name: ' .Ada, ', email: "'ada@example.com.' " },
        date: '2025-03-01T10:00:00.999Z',
      },
      {
        message: 'Ünïcode ✓\n\n  body kept verbatim  \n',
        author: { name: 'Zoë Ødegård', email: 'zoe@example.com' },
        date: '2030-12-31T23:59:59Z',
      },
    ]) {
      const written = await commitTree({ mirrorDir, tree, parent: base.commit, commit: meta });
      const { stdout } = await runGit(['--git-dir', mirrorDir, 'commit-tree', tree, '-p', base.commit, '-F', '-'], {
        env: { GIT_CONFIG_GLOBAL: '/dev/null', ...commitEnv(meta) },
        input: commitMessageText(meta.message),
      });
      expect(written).toBe(stdout.toString('utf8').trim());
      await runGit(['--git-dir', mirrorDir, 'fsck', '--no-dangling', '--strict']);
    }
  });
});
