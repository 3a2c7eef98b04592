import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { runGit } from '../run-git.js';

const IDENTITY = [
  '-c',
  'user.name=Backbeat Test',
  '-c',
  'user.email=test@backbeat.invalid',
  '-c',
  'commit.gpgsign=false',
];

/** A real git repository in a temp directory, for tests. */
export interface TestRepo {
  dir: string;
  /** Writes (string) or deletes (null) files, commits them and returns the new commit id. */
  commit(files: Record<string, string | null>, message?: string): Promise<string>;
  dispose(): void;
}

/**
 * Creates a git repository with an initial commit of `files` on branch `main`.
 *
 * @example
 * const repo = await createTestRepo({ 'catalog-info.yaml': yamlText });
 * await repo.commit({ 'catalog-info.yaml': null });
 */
export async function createTestRepo(files: Record<string, string | null> = {}): Promise<TestRepo> {
  const dir = mkdtempSync(join(tmpdir(), 'backbeat-repo-'));
  await runGit(['init', '--quiet', '--initial-branch=main', dir]);
  const repo: TestRepo = {
    dir,
    async commit(changes, message = 'change') {
      for (const [path, content] of Object.entries(changes)) {
        const file = join(dir, path);
        if (content === null) {
          rmSync(file, { force: true });
        } else {
          mkdirSync(dirname(file), { recursive: true });
          writeFileSync(file, content);
        }
      }
      await runGit(['add', '--all'], { cwd: dir });
      await runGit([...IDENTITY, 'commit', '--quiet', '--allow-empty', '-m', message], { cwd: dir });
      const { stdout } = await runGit(['rev-parse', 'HEAD'], { cwd: dir });
      return stdout.toString('utf8').trim();
    },
    dispose() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await repo.commit(files, 'initial');
  return repo;
}
