import { runGit } from '../../../platform/git/index.js';
import type { TargetState } from '../model/target-state.js';

/** One entry of a target's history, as the API and the service return it. */
export interface HistoryEntry {
  from: TargetState | null;
  to: TargetState;
}

/**
 * What is wrong with a target's transition history, as readable sentences (empty
 * when nothing is): it must start at `pending`, every transition must start where
 * the previous one ended (no gaps, no lost or doubled moves), and a target is
 * published at most once per plan (two publishes need a re-plan, `pending`, between).
 *
 * @example
 * expect(historyProblems(detail.history)).toEqual([]);
 */
export function historyProblems(history: readonly HistoryEntry[]): string[] {
  const problems: string[] = [];
  let previous: TargetState | null = null;
  let publishedSincePlan = false;
  history.forEach((entry, i) => {
    if (i === 0 && (entry.from !== null || entry.to !== 'pending')) {
      problems.push(`starts with ${entry.from} -> ${entry.to}, not the creation (null -> pending)`);
    }
    if (i > 0 && entry.from !== previous) {
      problems.push(`transition ${i} starts at ${entry.from} but the target was ${previous}`);
    }
    if (entry.to === 'pending') publishedSincePlan = false;
    if (entry.to === 'published' && entry.from === 'scheduled') {
      if (publishedSincePlan) problems.push(`published twice without a re-plan (transition ${i})`);
      publishedSincePlan = true;
    }
    previous = entry.to;
  });
  return problems;
}

function gitDirArgs(repoPath: string, bare: boolean): string[] {
  return bare ? ['--git-dir', repoPath] : ['-C', repoPath];
}

/**
 * The branches of a repository (bare or not), sorted.
 *
 * @example
 * expect(await branchesOf(repo.path, { bare: true })).toEqual(['main']);
 */
export async function branchesOf(repoPath: string, options: { bare?: boolean } = {}): Promise<string[]> {
  const { stdout } = await runGit([
    ...gitDirArgs(repoPath, options.bare ?? false),
    'for-each-ref',
    '--format=%(refname:short)',
    'refs/heads/',
  ]);
  return stdout.toString('utf8').split('\n').filter(Boolean).sort();
}

/**
 * The commit ids of `main` from its tip back to the root, newest first.
 *
 * @example
 * const [tip, parent] = await mainHistory(repo.path, { bare: true });
 */
export async function mainHistory(repoPath: string, options: { bare?: boolean } = {}): Promise<string[]> {
  const { stdout } = await runGit([...gitDirArgs(repoPath, options.bare ?? false), 'rev-list', 'main']);
  return stdout.toString('utf8').split('\n').filter(Boolean);
}

/**
 * A file's content on `main`, or undefined when it is absent.
 *
 * @example
 * const manifest = await fileOnMain(repo.path, 'package.json', { bare: true });
 */
export async function fileOnMain(
  repoPath: string,
  path: string,
  options: { bare?: boolean } = {},
): Promise<string | undefined> {
  const result = await runGit([...gitDirArgs(repoPath, options.bare ?? false), 'show', `main:${path}`]).catch(
    () => undefined,
  );
  return result?.stdout.toString('utf8');
}

/**
 * Waits until `check` returns a value other than undefined, polling; throws with
 * `describe()` when `timeoutMs` passes first.
 *
 * @example
 * await waitFor(async () => ((await api('GET', '/api/fleet/shifts/x')).merged > 5 ? true : undefined), 60_000);
 */
export async function waitFor<T>(
  check: () => Promise<T | undefined>,
  timeoutMs: number,
  describe: () => string | Promise<string> = () => '',
  intervalMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms. ${await describe()}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
