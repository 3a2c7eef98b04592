import { existsSync, lstatSync, readlinkSync } from 'node:fs';

/**
 * Host directories a sandboxed command sees read-only: enough to run `sh`, coreutils,
 * `node`, `git` and friends. A directory that is a symlink on the host (merged-/usr
 * systems link /bin to usr/bin) becomes the same symlink inside.
 */
const SYSTEM_DIRS = ['/usr', '/bin', '/sbin', '/lib', '/lib32', '/lib64', '/libx32', '/etc'];

/**
 * Files and directories under /etc that hold secrets of the host (password hashes,
 * ssh host keys, TLS private keys): hidden even though /etc is visible.
 */
const ETC_SECRET_FILES = ['/etc/shadow', '/etc/shadow-', '/etc/gshadow', '/etc/gshadow-', '/etc/security/opasswd'];
const ETC_SECRET_DIRS = ['/etc/ssh', '/etc/ssl/private', '/etc/credstore', '/etc/credstore.encrypted'];

/** Where the workspace may not live, because that directory is visible to every sandbox. */
export const VISIBLE_SYSTEM_DIRS: readonly string[] = SYSTEM_DIRS;

export interface BwrapLayout {
  /** Real path of the workspace, bound read-write at the same path. */
  workdir: string;
  /** Paths inside the workspace bound read-only over themselves (e.g. a worktree's `.git` file). */
  readOnlyPaths: readonly string[];
}

/**
 * The bubblewrap arguments for one sandboxed run, up to (not including) the command.
 * Order matters: later mounts go over earlier ones, so the tmpfs /tmp comes before the
 * workspace (which may itself live under /tmp) and the root is made read-only last.
 */
export function bwrapArgs(layout: BwrapLayout): string[] {
  const args: string[] = [];
  for (const dir of SYSTEM_DIRS) {
    const stat = lstatOrUndefined(dir);
    if (!stat) continue;
    if (stat.isSymbolicLink()) args.push('--symlink', readlinkSync(dir), dir);
    else if (stat.isDirectory()) args.push('--ro-bind', dir, dir);
  }
  for (const file of ETC_SECRET_FILES) if (existsSync(file)) args.push('--ro-bind', '/dev/null', file);
  for (const dir of ETC_SECRET_DIRS) if (lstatOrUndefined(dir)?.isDirectory()) args.push('--tmpfs', dir);
  args.push('--tmpfs', '/tmp', '--dev', '/dev', '--proc', '/proc');
  args.push('--bind', layout.workdir, layout.workdir);
  for (const path of layout.readOnlyPaths) args.push('--ro-bind', path, path);
  args.push(
    // No network, no IPC, own pids, own hostname; a user namespace where possible.
    '--unshare-all',
    // When bwrap runs as root it keeps every capability unless told otherwise; a
    // command with CAP_SYS_ADMIN could remount its read-only views writable.
    '--cap-drop',
    'ALL',
    '--die-with-parent',
    // A new session: the command cannot push keystrokes into a controlling terminal.
    '--new-session',
    '--remount-ro',
    '/',
    '--chdir',
    layout.workdir,
  );
  return args;
}

function lstatOrUndefined(path: string): ReturnType<typeof lstatSync> | undefined {
  try {
    return lstatSync(path);
  } catch {
    return undefined;
  }
}
