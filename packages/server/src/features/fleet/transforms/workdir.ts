import { lstat, readdir, realpath } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { unsafePathReason } from '../spec/relative-path.js';
import { StepError } from './step-error.js';

function isInside(root: string, path: string): boolean {
  return path === root || path.startsWith(root + sep);
}

/** A file inside the work tree: absolute path, and `/`-separated path relative to the work tree. */
export interface WorkdirFile {
  path: string;
  /** Where the file really is; differs from the written path when an in-tree symlink led there. */
  file: string;
}

/**
 * The location of an existing file named by a step, after checking that it
 * stays inside the work tree: the written path must be relative without `..` and
 * outside `.git`, and every symlink on the way must resolve inside the work tree
 * too (a repository may contain a link to `/etc`).
 *
 * @throws StepError when the path escapes, is missing, or is not a regular file.
 * @example
 * const { path } = await resolveWorkdirFile(workdir, 'deploy/service.yaml');
 */
export async function resolveWorkdirFile(workdir: string, file: string): Promise<WorkdirFile> {
  const found = await findWorkdirFile(workdir, file);
  if (!found) throw new StepError('file not found', file);
  return found;
}

/**
 * Like {@link resolveWorkdirFile}, but a missing file is undefined rather than an
 * error (for optional files such as a lockfile). Escaping paths still throw.
 *
 * @example
 * const lock = await findWorkdirFile(workdir, 'package-lock.json');
 */
export async function findWorkdirFile(workdir: string, file: string): Promise<WorkdirFile | undefined> {
  const why = unsafePathReason(file);
  if (why) throw new StepError(`path ${why}`, file);
  const root = await realpath(workdir);
  const written = join(root, file);
  if (!isInside(root, written)) throw new StepError('path escapes the work tree', file);
  let real: string;
  try {
    real = await realpath(written);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new StepError(`cannot resolve: ${(error as Error).message}`, file);
  }
  if (!isInside(root, real)) throw new StepError('path leads outside the work tree through a symlink', file);
  if (real.split(sep).slice(root.split(sep).length).includes('.git')) {
    throw new StepError('path leads into .git through a symlink', file);
  }
  const stats = await lstat(real);
  if (!stats.isFile()) throw new StepError('not a regular file', file);
  return { path: real, file: relative(root, real).split(sep).join('/') };
}

/**
 * Every regular file of the work tree as a `/`-separated relative path, sorted.
 * `.git` directories are skipped, and symlinks are skipped entirely (never
 * followed), so a text transform cannot reach outside the work tree or edit the
 * same file twice.
 *
 * @example
 * await listWorkdirFiles(workdir) // ['README.md', 'src/index.ts', ...]
 */
export async function listWorkdirFiles(workdir: string): Promise<string[]> {
  const root = await realpath(workdir);
  const files: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    const entries = await readdir(dir, { withFileTypes: true });
    for (const entry of entries) {
      if (entry.name === '.git') continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) await walk(path);
      else if (entry.isFile()) files.push(relative(root, path).split(sep).join('/'));
    }
  };
  await walk(root);
  return files.sort();
}
