import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureMirror, mirrorDirFor, resolveRef } from './mirror.js';
import { runGit } from './run-git.js';
import { createTestRepo } from './testing/test-repo.js';
import { removeStaleWorktrees, withWorktree } from './worktree.js';

const cleanups: (() => void)[] = [];
afterAll(() => {
  for (const fn of cleanups) fn();
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'backbeat-worktrees-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function mirror() {
  const repo = await createTestRepo({ 'a.txt': 'one\n' });
  cleanups.push(() => repo.dispose());
  const mirrorDir = mirrorDirFor(tempDir(), repo.dir);
  await ensureMirror(repo.dir, mirrorDir);
  return { mirrorDir, commit: await resolveRef(mirrorDir, 'main') };
}

async function worktreeCount(mirrorDir: string): Promise<number> {
  const { stdout } = await runGit(['--git-dir', mirrorDir, 'worktree', 'list', '--porcelain']);
  return stdout
    .toString('utf8')
    .split('\n')
    .filter((l) => l.startsWith('worktree ')).length;
}

describe('withWorktree', () => {
  it('checks the commit out and removes the worktree afterwards, also when the work throws', async () => {
    const { mirrorDir, commit } = await mirror();
    const worktreesDir = tempDir();
    const seen = await withWorktree(mirrorDir, worktreesDir, commit, async (dir) =>
      readFileSync(join(dir, 'a.txt'), 'utf8'),
    );
    expect(seen).toBe('one\n');
    await expect(
      withWorktree(mirrorDir, worktreesDir, commit, async () => {
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(readdirSync(worktreesDir)).toEqual([]);
    expect(await worktreeCount(mirrorDir)).toBe(1);
  });

  it('refuses anything but a full commit id', async () => {
    const { mirrorDir } = await mirror();
    await expect(withWorktree(mirrorDir, tempDir(), 'main', async () => 1)).rejects.toThrow(/not a full commit id/);
  });
});

describe('removeStaleWorktrees', () => {
  it("removes entries of processes that are gone and keeps this process's", () => {
    const worktreesDir = tempDir();
    const deadPid = spawnSync('true').pid;
    for (const name of [`${deadPid}-aaaa`, `index-${deadPid}-bbbb`, `${process.pid}-cccc`, 'unrelated']) {
      mkdirSync(join(worktreesDir, name));
    }
    expect(removeStaleWorktrees(worktreesDir)).toBe(2);
    expect(readdirSync(worktreesDir).sort()).toEqual([`${process.pid}-cccc`, 'unrelated']);
    expect(removeStaleWorktrees(join(worktreesDir, 'missing'))).toBe(0);
    expect(existsSync(worktreesDir)).toBe(true);
  });
});
