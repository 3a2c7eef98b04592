import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { runGit } from '../../../platform/git/index.js';
import { createTestRepo } from '../../../platform/git/testing/test-repo.js';
import { remoteHead } from './remote-head.js';

const cleanups: (() => void)[] = [];
afterAll(() => {
  for (const cleanup of cleanups) cleanup();
});

async function lsRemote(url: string): Promise<string> {
  const { stdout } = await runGit(['ls-remote', '--', url, 'HEAD']);
  return stdout.toString('utf8').split('\t')[0]!;
}

describe('remoteHead', () => {
  it('answers what git ls-remote answers, for work trees, bare and packed repositories and file URLs', async () => {
    const repo = await createTestRepo({ 'README.md': '# r\n' });
    cleanups.push(() => repo.dispose());
    const head = await repo.commit({ 'a.txt': 'a\n' });
    expect(await remoteHead(repo.dir)).toBe(head);
    expect(await remoteHead(pathToFileURL(repo.dir).toString())).toBe(head);

    const bareRoot = mkdtempSync(join(tmpdir(), 'backbeat-head-'));
    cleanups.push(() => rmSync(bareRoot, { recursive: true, force: true }));
    const bare = join(bareRoot, 'bare.git');
    await runGit(['clone', '--bare', '--quiet', '--', repo.dir, bare]);
    await runGit(['--git-dir', bare, 'pack-refs', '--all']);
    expect(await remoteHead(bare)).toBe(await lsRemote(bare));
    expect(await remoteHead(bare)).toBe(head);

    const moved = await repo.commit({ 'b.txt': 'b\n' });
    expect(await remoteHead(repo.dir)).toBe(moved);
  });

  it('fails clearly for a repository that does not exist or has no commit', async () => {
    await expect(remoteHead(join(tmpdir(), 'backbeat-no-such-repo'))).rejects.toThrow();
    const empty = mkdtempSync(join(tmpdir(), 'backbeat-empty-'));
    cleanups.push(() => rmSync(empty, { recursive: true, force: true }));
    await runGit(['init', '--quiet', '--bare', empty]);
    await expect(remoteHead(empty)).rejects.toThrow(/has no HEAD commit/);
  });
});
