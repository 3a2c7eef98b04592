import { lstatSync, readdirSync, readFileSync, readlinkSync, realpathSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';

/** What a workspace looked like before any step ran, to tell a step's doing from the repository's. */
export interface WorkspaceSnapshot {
  root: string;
  /** Content of the worktree's `.git` file, which points into the mirror. */
  gitFile: Buffer;
  /** Symlinks already pointing outside, by path relative to the root, with their target. */
  outsideLinks: Map<string, string>;
}

/**
 * Records the state {@link findWorkspaceViolation} compares against. `root` must be a
 * real path (no symlinks in it).
 *
 * @example
 * const snapshot = snapshotWorkspace(worktreeDir);
 */
export function snapshotWorkspace(root: string): WorkspaceSnapshot {
  const outsideLinks = new Map<string, string>();
  walk(root, root, (path, target) => {
    if (pointsOutside(root, path, target)) outsideLinks.set(relative(root, path), target);
  });
  return { root, gitFile: readFileSync(join(root, '.git')), outsideLinks };
}

/**
 * Why the workspace may no longer be committed, or undefined when it may: the `.git`
 * file was changed or replaced, a `.git` entry appeared anywhere else (git would read
 * it as a nested repository), or a symlink that points outside the workspace was
 * created or changed. Such a link would let a later step, or whoever checks the
 * change out, read or write files outside it.
 *
 * @example
 * const problem = findWorkspaceViolation(snapshot);
 * if (problem) throw new Error(problem);
 */
export function findWorkspaceViolation(snapshot: WorkspaceSnapshot): string | undefined {
  const { root } = snapshot;
  const gitPath = join(root, '.git');
  let gitStat: ReturnType<typeof lstatSync>;
  try {
    gitStat = lstatSync(gitPath);
  } catch {
    return 'the workspace\'s ".git" file was removed';
  }
  if (!gitStat.isFile() || !readFileSync(gitPath).equals(snapshot.gitFile)) {
    return 'the workspace\'s ".git" file was changed';
  }
  let problem: string | undefined;
  walk(
    root,
    root,
    (path, target) => {
      if (problem) return;
      const rel = relative(root, path);
      if (snapshot.outsideLinks.get(rel) === target) return;
      if (pointsOutside(root, path, target)) problem = `symlink "${rel}" points outside the workspace (to "${target}")`;
    },
    (path) => {
      problem ??= `"${relative(root, path)}" is a ".git" entry inside the workspace`;
    },
  );
  return problem;
}

/**
 * Calls `onLink` for every symlink below `dir` (never following one) and `onGit` for
 * every `.git` entry other than the root's own.
 */
function walk(
  root: string,
  dir: string,
  onLink: (path: string, target: string) => void,
  onGit: (path: string) => void = () => {},
): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.name === '.git') {
      if (dir !== root) onGit(path);
      continue;
    }
    if (entry.isSymbolicLink()) onLink(path, readlinkSync(path));
    else if (entry.isDirectory()) walk(root, path, onLink, onGit);
  }
}

/**
 * Whether a symlink leads outside `root`. Absolute targets always count as outside
 * (inside a worktree they name a temporary path anyway). Relative ones are resolved
 * by the file system, so chains of links and `dir/..` through a linked directory are
 * judged by where they really end up; a dangling link is judged by its text, and
 * one with a `..` in it counts as outside, since what it will point to is unknown.
 */
function pointsOutside(root: string, path: string, target: string): boolean {
  if (isAbsolute(target)) return true;
  try {
    // The native realpath walks links like the kernel does; the JavaScript one
    // normalises "self/.." in a link's text before following "self".
    return !isWithin(root, realpathSync.native(path));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') return true;
  }
  if (target.split(/[\\/]/).includes('..')) return true;
  return !isWithin(root, resolve(dirname(path), target));
}

function isWithin(root: string, path: string): boolean {
  return path === root || path.startsWith(root.endsWith(sep) ? root : `${root}${sep}`);
}
