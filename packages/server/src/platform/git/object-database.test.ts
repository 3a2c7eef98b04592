import { afterAll, describe, expect, it } from 'vitest';
import {
  openObjectReader,
  parseTreeObject,
  readHeadRef,
  readLooseObject,
  serializeTreeObject,
  treeOfCommit,
  writeObject,
} from './object-database.js';
import { runGit } from './run-git.js';
import { createTestRepo, type TestRepo } from './testing/test-repo.js';

const repos: TestRepo[] = [];
afterAll(() => {
  for (const repo of repos) repo.dispose();
});

async function repoWith(files: Record<string, string>): Promise<{ gitDir: string; head: string }> {
  const repo = await createTestRepo(files);
  repos.push(repo);
  const head = (await runGit(['rev-parse', 'HEAD'], { cwd: repo.dir })).stdout.toString().trim();
  return { gitDir: `${repo.dir}/.git`, head };
}

const git = async (gitDir: string, args: string[], input?: string) =>
  (await runGit(['--git-dir', gitDir, ...args], { input })).stdout;

describe('object database', () => {
  it('reads commits, trees and blobs through one process, and says when an object is missing', async () => {
    const { gitDir, head } = await repoWith({ 'a.txt': 'alpha\n', 'dir/b.txt': 'beta\n' });
    const reader = openObjectReader(gitDir);
    try {
      const commit = await reader.read(head);
      expect(commit?.type).toBe('commit');
      const tree = await reader.read(treeOfCommit(commit!.data));
      const entries = parseTreeObject(tree!.data);
      expect(entries.map((e) => [e.mode, e.name])).toEqual([
        ['100644', 'a.txt'],
        ['40000', 'dir'],
      ]);
      // Several reads in flight at once are answered in order.
      const [a, sub, missing] = await Promise.all([
        reader.read(entries[0]!.id),
        reader.read(entries[1]!.id),
        reader.read('0'.repeat(40)),
      ]);
      expect(a).toEqual({ type: 'blob', data: Buffer.from('alpha\n') });
      expect(parseTreeObject(sub!.data).map((e) => e.name)).toEqual(['b.txt']);
      expect(missing).toBeUndefined();
      await expect(reader.read('HEAD')).rejects.toThrow('is not an object id');
    } finally {
      reader.close();
    }
  });

  it('writes loose objects git reads back, with the ids git computes', async () => {
    const { gitDir, head } = await repoWith({ 'a.txt': 'alpha\n' });
    const content = Buffer.from('binary\0and text\n');
    const id = await writeObject(gitDir, 'blob', content);
    expect(id).toBe((await git(gitDir, ['hash-object', '--stdin'], content.toString('latin1'))).toString().trim());
    expect(await git(gitDir, ['cat-file', 'blob', id])).toEqual(content);
    // Writing it again is a no-op, not an error.
    expect(await writeObject(gitDir, 'blob', content)).toBe(id);

    // A tree serialised from parsed entries is the same object git wrote.
    const treeId = (await git(gitDir, ['rev-parse', `${head}^{tree}`])).toString().trim();
    const raw = await git(gitDir, ['cat-file', 'tree', treeId]);
    expect(serializeTreeObject(parseTreeObject(raw))).toEqual(raw);
    const swapped = parseTreeObject(raw).map((e) => ({ ...e, id }));
    const newTree = await writeObject(gitDir, 'tree', serializeTreeObject(swapped));
    expect((await git(gitDir, ['ls-tree', newTree])).toString()).toBe(`100644 blob ${id}\ta.txt\n`);
    await git(gitDir, ['fsck', '--no-dangling', '--strict']);

    // Loose objects read back without git; once packed they are not loose any more.
    expect(readLooseObject(gitDir, id)).toEqual({ type: 'blob', data: content });
    expect(readLooseObject(gitDir, head)?.type).toBe('commit');
    await git(gitDir, ['repack', '-a', '-d', '-q']);
    await git(gitDir, ['prune-packed']);
    expect(readLooseObject(gitDir, head)).toBeUndefined();
    expect(readLooseObject(gitDir, 'not-an-id')).toBeUndefined();
  });

  it('reads HEAD of a bare repository from its files, loose or packed, as git resolves it', async () => {
    const repo = await createTestRepo({ 'a.txt': 'a\n' });
    repos.push(repo);
    const bare = `${repo.dir}.git`;
    await runGit(['clone', '--quiet', '--mirror', repo.dir, bare]);
    const resolve = async () => (await git(bare, ['rev-parse', 'HEAD'])).toString().trim();
    // A fresh mirror keeps its refs packed.
    expect(readHeadRef(bare)).toEqual({ ref: 'refs/heads/main', commit: await resolve() });
    await repo.commit({ 'a.txt': 'b\n' });
    await git(bare, ['fetch', '--quiet', 'origin']);
    expect(readHeadRef(bare)).toEqual({ ref: 'refs/heads/main', commit: await resolve() });
    // A detached HEAD is not a branch: left to git.
    await git(bare, ['update-ref', '--no-deref', 'HEAD', await resolve()]);
    expect(readHeadRef(bare)).toBeUndefined();
  });
});
