import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureMirror, listTree, mirrorDirFor, needsHousekeeping, readBlobs, resolveRef } from './mirror.js';
import { GitError, runGit } from './run-git.js';
import { createTestRepo, type TestRepo } from './testing/test-repo.js';

const cleanups: (() => void)[] = [];
afterAll(() => {
  for (const fn of cleanups) fn();
});

async function repoWith(files: Record<string, string>): Promise<TestRepo> {
  const repo = await createTestRepo(files);
  cleanups.push(() => repo.dispose());
  return repo;
}

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'backbeat-mirrors-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

describe('git mirror helpers', () => {
  it('clones a mirror, lists files with blob ids and reads blobs in one batch', async () => {
    const repo = await repoWith({ 'catalog-info.yaml': 'a: 1\n', 'docs/x y.yaml': 'b: 2\n', 'bin.dat': '\0\u0001' });
    const mirror = mirrorDirFor(tempDir(), repo.dir);
    expect(await ensureMirror(repo.dir, mirror)).toEqual({ cloned: true });
    const commit = await resolveRef(mirror, 'HEAD');
    expect(commit).toMatch(/^[0-9a-f]{40}$/);
    const files = await listTree(mirror, commit);
    expect(files.map((f) => f.path).sort()).toEqual(['bin.dat', 'catalog-info.yaml', 'docs/x y.yaml']);
    const blobs = await readBlobs(
      mirror,
      files.map((f) => f.sha),
    );
    const byPath = new Map(files.map((f) => [f.path, blobs.get(f.sha)?.toString('utf8')]));
    expect(byPath.get('docs/x y.yaml')).toBe('b: 2\n');
    expect(byPath.get('bin.dat')).toBe('\0\u0001');
    const limited = await listTree(mirror, commit, ['catalog-info.yaml']);
    expect(limited.map((f) => f.path)).toEqual(['catalog-info.yaml']);
  });

  it('fetches new commits into an existing mirror and resolves branches', async () => {
    const repo = await repoWith({ 'a.yaml': 'one' });
    const mirror = mirrorDirFor(tempDir(), repo.dir);
    await ensureMirror(repo.dir, mirror);
    const first = await resolveRef(mirror, 'main');
    const second = await repo.commit({ 'a.yaml': 'two', 'b.yaml': 'new' });
    expect(await ensureMirror(repo.dir, mirror)).toEqual({ cloned: false });
    expect(await resolveRef(mirror, 'main')).toBe(second);
    expect(second).not.toBe(first);
    expect((await listTree(mirror, second)).length).toBe(2);
  });

  it('reports unknown refs, missing blobs and unreachable remotes clearly', async () => {
    const repo = await repoWith({ 'a.yaml': 'one' });
    const root = tempDir();
    const mirror = mirrorDirFor(root, repo.dir);
    await ensureMirror(repo.dir, mirror);
    await expect(resolveRef(mirror, 'no-such-branch')).rejects.toThrow(/Ref "no-such-branch" does not exist/);
    await expect(readBlobs(mirror, ['0'.repeat(40)])).rejects.toThrow(/missing/);
    const missing = join(root, 'nowhere');
    await expect(ensureMirror(missing, mirrorDirFor(root, missing))).rejects.toBeInstanceOf(GitError);
    await expect(ensureMirror('--upload-pack=touch /tmp/x', join(root, 'x'))).rejects.toThrow(/not a valid remote/);
    await expect(ensureMirror('ext::sh -c touch% /tmp/pwned', join(root, 'y'))).rejects.toThrow(/transport/);
  });

  it("asks for housekeeping at git's own gc --auto thresholds", async () => {
    const repo = await repoWith({ 'a.yaml': 'one' });
    const mirror = mirrorDirFor(tempDir(), repo.dir);
    await ensureMirror(repo.dir, mirror);
    expect(needsHousekeeping(mirror)).toBe(false);
    // Names of loose objects in objects/17, which stands for 1/256 of them all.
    mkdirSync(join(mirror, 'objects', '17'), { recursive: true });
    for (let i = 0; i < 27; i++) writeFileSync(join(mirror, 'objects', '17', i.toString(16).padStart(38, '0')), '');
    expect(needsHousekeeping(mirror)).toBe(false);
    writeFileSync(join(mirror, 'objects', '17', 'f'.repeat(38)), '');
    expect(needsHousekeeping(mirror)).toBe(true);

    const packs = tempDir();
    mkdirSync(join(packs, 'objects', 'pack'), { recursive: true });
    for (let i = 0; i < 50; i++) writeFileSync(join(packs, 'objects', 'pack', `pack-${i}.pack`), '');
    expect(needsHousekeeping(packs)).toBe(false);
    writeFileSync(join(packs, 'objects', 'pack', 'pack-50.pack'), '');
    expect(needsHousekeeping(packs)).toBe(true);
  });

  it('kills a command that runs past its timeout', async () => {
    await expect(runGit(['-c', 'alias.wait=!sleep 5', 'wait'], { timeoutMs: 200 })).rejects.toThrow(/timed out/);
  }, 10_000);
});
