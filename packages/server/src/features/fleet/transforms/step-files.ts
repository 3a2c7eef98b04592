import { readFile, realpath, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { findWorkdirFile, listWorkdirFiles } from './workdir.js';

/**
 * The files a built-in step reads and edits. Two implementations: a checked-out work
 * tree on disk ({@link diskFiles}) and a commit read straight from the object database
 * (`treeFiles` in the workspace), so the transforms need not know whether anything was
 * checked out. Paths are `/`-separated and relative to the repository root.
 */
export interface StepFiles {
  /**
   * The regular file a step names, as the path it really has (an in-tree symlink is
   * followed); undefined when it does not exist.
   *
   * @throws StepError when the path escapes the tree, leads into `.git`, or is not a regular file.
   */
  find(file: string): Promise<string | undefined>;
  /** Every regular file, sorted; symlinks and `.git` are left out. */
  list(): Promise<string[]>;
  /** The bytes of a file returned by `find` or `list`. */
  read(file: string): Promise<Buffer>;
  /** Replaces the content of a file returned by `find` or `list`. */
  write(file: string, text: string): Promise<void>;
}

/**
 * {@link StepFiles} over a work tree on disk.
 *
 * @example
 * await applyBuiltinStep(step, diskFiles(worktreeDir));
 */
export function diskFiles(workdir: string): StepFiles {
  // findWorkdirFile resolves symlinks, so its relative path is relative to the real root
  // (resolved once per work tree, not once per file).
  let root: Promise<string> | undefined;
  const absolute = async (file: string) => {
    if (!root) root = realpath(workdir);
    return join(await root, file);
  };
  return {
    find: async (file) => (await findWorkdirFile(workdir, file))?.file,
    list: () => listWorkdirFiles(workdir),
    read: async (file) => readFile(await absolute(file)),
    write: async (file, text) => writeFile(await absolute(file), text),
  };
}
