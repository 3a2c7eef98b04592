import { execFile } from 'node:child_process';
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus, devNull } from 'node:os';
import { dirname, join } from 'node:path';
import { writeInitialCommit } from './git-objects.js';

/** Author of every generated commit; fixed so the same seed gives the same commit ids. */
export const DEMO_GIT_AUTHOR = { name: 'Backbeat Demo', email: 'demo@backbeat.example' } as const;

/** Date of the initial commit of every generated repository. */
export const DEMO_COMMIT_DATE = '2025-01-06T09:00:00Z';

/** A file to write: path relative to the repository root, and its content. */
export type RepoFiles = Record<string, string>;

// Neither the user's global config nor the system's (hooks, signing, templates,
// autocrlf) may change what gets committed.
const GIT_CONFIG = [
  '-c',
  `user.name=${DEMO_GIT_AUTHOR.name}`,
  '-c',
  `user.email=${DEMO_GIT_AUTHOR.email}`,
  '-c',
  'init.defaultBranch=main',
  '-c',
  'commit.gpgsign=false',
  '-c',
  'core.autocrlf=false',
  '-c',
  'core.hooksPath=/dev/null',
];

function gitEnv(date: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    GIT_CONFIG_GLOBAL: devNull,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_TERMINAL_PROMPT: '0',
    GIT_AUTHOR_NAME: DEMO_GIT_AUTHOR.name,
    GIT_AUTHOR_EMAIL: DEMO_GIT_AUTHOR.email,
    GIT_COMMITTER_NAME: DEMO_GIT_AUTHOR.name,
    GIT_COMMITTER_EMAIL: DEMO_GIT_AUTHOR.email,
    GIT_AUTHOR_DATE: date,
    GIT_COMMITTER_DATE: date,
  };
}

/**
 * Runs system git with a config and identity that do not depend on the machine.
 *
 * @example
 * const head = await runGit(repoPath, ['rev-parse', 'HEAD']);
 */
export function runGit(cwd: string, args: string[], options: { date?: string } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      'git',
      [...GIT_CONFIG, ...args],
      { cwd, env: gitEnv(options.date ?? DEMO_COMMIT_DATE), maxBuffer: 64 * 1024 * 1024, timeout: 120_000 },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`git ${args.join(' ')} failed in ${cwd}: ${stderr.trim() || error.message}`));
        else resolve(stdout);
      },
    );
  });
}

/**
 * Writes files below `root`, creating directories as needed.
 *
 * @example
 * writeFiles('/tmp/repo', { 'README.md': '# Hello\n' });
 */
export function writeFiles(root: string, files: RepoFiles): void {
  const made = new Set<string>();
  for (const [path, content] of Object.entries(files)) {
    const full = join(root, path);
    const dir = dirname(full);
    if (!made.has(dir)) {
      mkdirSync(dir, { recursive: true });
      made.add(dir);
    }
    writeFileSync(full, content);
  }
}

/**
 * Creates a git repository at `path` holding `files` in one commit on `main`, which
 * accepts pushes to `main` (updating the work tree). Returns the commit id, which is
 * the same for the same files, message and date.
 *
 * @example
 * await createRepository('/tmp/repo', { 'catalog-info.yaml': yaml }, 'Initial commit');
 */
export async function createRepository(
  path: string,
  files: RepoFiles,
  message: string,
  options: { date?: string } = {},
): Promise<string> {
  for (const file of Object.keys(files)) {
    if (file.startsWith('/') || file.split('/').some((s) => s === '' || s === '.' || s === '..' || s === '.git')) {
      throw new Error(`Repository file path "${file}" must be relative, without empty, ".", ".." or ".git" segments`);
    }
  }
  mkdirSync(path, { recursive: true });
  writeFiles(path, files);
  const commit = writeInitialCommit(path, files, message, {
    ...DEMO_GIT_AUTHOR,
    date: options.date ?? DEMO_COMMIT_DATE,
  });
  // These repositories stand in for a code host: a merge pushed to the checked-out
  // `main` must be accepted and update the work tree, which git refuses by default.
  appendFileSync(join(path, '.git', 'config'), '[receive]\n\tdenyCurrentBranch = updateInstead\n');
  return commit;
}

/**
 * Stages everything in the work tree and commits it.
 *
 * @example
 * await commitAll(repoPath, 'Bump log-lib', { date: '2025-02-01T10:00:00Z' });
 */
export async function commitAll(path: string, message: string, options: { date?: string } = {}): Promise<string> {
  await runGit(path, ['add', '-A'], options);
  await runGit(path, ['commit', '-q', '--no-verify', '-m', message], options);
  return (await runGit(path, ['rev-parse', 'HEAD'], options)).trim();
}

/**
 * Runs `task` over `items` with at most `limit` at a time; results keep the input order.
 *
 * @example
 * await mapWithConcurrency(repos, 8, (repo) => createRepository(repo.path, repo.files, 'init'));
 */
export async function mapWithConcurrency<T, R>(
  items: readonly T[],
  limit: number,
  task: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let nextIndex = 0;
  const worker = async (): Promise<void> => {
    while (nextIndex < items.length) {
      const index = nextIndex++;
      results[index] = await task(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}

/** How many git processes to run at once: enough to hide process start-up, not to thrash. */
export function defaultGitConcurrency(): number {
  return Math.max(2, Math.min(16, cpus().length * 3));
}
