import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { DEFAULT_GIT_TIMEOUT_MS, GitError, runGit } from './run-git.js';

export interface MirrorOptions {
  timeoutMs?: number;
  /** Extra environment for git, e.g. credentials passed as `GIT_CONFIG_*` variables (never in the URL). */
  env?: Record<string, string>;
}

/**
 * Makes `mirrorDir` a bare mirror of `url` and brings it up to date: clones it the
 * first time (into a temp dir renamed on success, so a failed clone leaves nothing
 * half-made), fetches with prune afterwards. Returns whether it cloned.
 *
 * @example
 * await ensureMirror('https://git.example.com/team/web.git', '/data/mirrors/ab12-web.git');
 */
export async function ensureMirror(
  url: string,
  mirrorDir: string,
  options: MirrorOptions = {},
): Promise<{ cloned: boolean }> {
  assertSafeRemote(url);
  if (existsSync(join(mirrorDir, 'HEAD'))) {
    // A mirror is fetched before every plan, so each process a fetch starts counts:
    // no FETCH_HEAD nobody reads, no walk to report forced updates nobody sees, and
    // git's housekeeping only when its own threshold says so (checked here, without
    // the process `fetch` would start for it every time).
    const fetch = ['fetch', '--prune', '--force', '--quiet', '--no-write-fetch-head', '--no-auto-maintenance'];
    await runGit(['--git-dir', mirrorDir, '-c', 'fetch.showForcedUpdates=false', ...fetch, 'origin'], {
      timeoutMs: options.timeoutMs,
      env: options.env,
    });
    if (needsHousekeeping(mirrorDir)) {
      await runGit(['--git-dir', mirrorDir, 'maintenance', 'run', '--auto', '--quiet'], {
        timeoutMs: options.timeoutMs,
      });
    }
    return { cloned: false };
  }
  mkdirSync(dirname(mirrorDir), { recursive: true });
  const temp = `${mirrorDir}.tmp-${process.pid}-${Date.now()}`;
  try {
    await runGit(['clone', '--mirror', '--quiet', '--', url, temp], { timeoutMs: options.timeoutMs, env: options.env });
    rmSync(mirrorDir, { recursive: true, force: true });
    renameSync(temp, mirrorDir);
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
  return { cloned: true };
}

/** Git's defaults for `gc --auto`: loose objects in all (estimated from one fan-out directory), and packs. */
const GC_AUTO_LOOSE_OBJECTS = 6700;
const GC_AUTO_PACK_LIMIT = 50;

/**
 * Whether `git maintenance run --auto` would find work in a repository, by git's own
 * estimate (the loose objects in `objects/17` stand for 1/256 of them, and the number
 * of packs), read from the directory instead of from a git process.
 *
 * @example
 * if (needsHousekeeping(mirrorDir)) await runGit(['--git-dir', mirrorDir, 'maintenance', 'run', '--auto']);
 */
export function needsHousekeeping(gitDir: string): boolean {
  const names = (dir: string) => {
    try {
      return readdirSync(join(gitDir, 'objects', dir));
    } catch {
      return [];
    }
  };
  const loose = names('17').filter((name) => /^[0-9a-f]{38}$/.test(name)).length;
  if (loose > Math.ceil(GC_AUTO_LOOSE_OBJECTS / 256)) return true;
  return names('pack').filter((name) => name.endsWith('.pack')).length > GC_AUTO_PACK_LIMIT;
}

/**
 * A stable directory name for a remote's mirror under `root`: a hash of the URL (so
 * two remotes never share one) plus its readable last segment.
 *
 * @example
 * mirrorDirFor('/data/mirrors', 'https://git.example.com/team/web.git') // '/data/mirrors/3f2a…-web.git'
 */
export function mirrorDirFor(root: string, url: string): string {
  const hash = createHash('sha1').update(url).digest('hex').slice(0, 16);
  const name =
    basename(url.replace(/[/\\]+$/, ''))
      .replace(/\.git$/, '')
      .replace(/[^A-Za-z0-9._-]/g, '_')
      .slice(0, 40) || 'repo';
  return join(root, `${hash}-${name}.git`);
}

/**
 * The commit a ref (branch, tag, `HEAD`, sha) points to in a repository.
 *
 * @example
 * const commit = await resolveRef(mirrorDir, 'main');
 */
export async function resolveRef(gitDir: string, ref: string, options: MirrorOptions = {}): Promise<string> {
  if (ref.startsWith('-')) throw new GitError(`Ref "${ref}" must not start with "-"`, [], null, '');
  try {
    const { stdout } = await runGit(['--git-dir', gitDir, 'rev-parse', '--verify', '--quiet', `${ref}^{commit}`], {
      timeoutMs: options.timeoutMs,
    });
    return stdout.toString('utf8').trim();
  } catch (error) {
    if (error instanceof GitError && error.exitCode === 1) {
      throw new GitError(`Ref "${ref}" does not exist in the repository`, error.args, 1, error.stderr);
    }
    throw error;
  }
}

export interface TreeEntry {
  path: string;
  /** Git blob id of the file's content; equal ids mean equal content. */
  sha: string;
  mode: string;
}

/**
 * Every file (blob) in a commit, recursively, optionally limited to pathspecs.
 * Submodules and trees are left out.
 *
 * @example
 * const files = await listTree(mirrorDir, commit, ['catalog-info.yaml']);
 */
export async function listTree(
  gitDir: string,
  commit: string,
  pathspecs: readonly string[] = [],
  options: MirrorOptions = {},
): Promise<TreeEntry[]> {
  const args = ['--git-dir', gitDir, 'ls-tree', '-r', '-z', '--full-tree', commit];
  if (pathspecs.length > 0) args.push('--', ...pathspecs);
  const { stdout } = await runGit(args, { timeoutMs: options.timeoutMs });
  const entries: TreeEntry[] = [];
  for (const record of stdout.toString('utf8').split('\0')) {
    if (!record) continue;
    // "<mode> SP <type> SP <object> TAB <path>"
    const tab = record.indexOf('\t');
    const [mode, type, sha] = record.slice(0, tab).split(' ');
    if (type !== 'blob' || !mode || !sha) continue;
    entries.push({ path: record.slice(tab + 1), sha, mode });
  }
  return entries;
}

/**
 * The contents of many blobs through a single `git cat-file --batch` process, keyed
 * by blob id. Asking for an id the repository lacks is an error naming it.
 *
 * @example
 * const blobs = await readBlobs(mirrorDir, files.map((f) => f.sha));
 * const text = blobs.get(files[0].sha)?.toString('utf8');
 */
export async function readBlobs(
  gitDir: string,
  shas: readonly string[],
  options: MirrorOptions = {},
): Promise<Map<string, Buffer>> {
  const unique = [...new Set(shas)];
  if (unique.length === 0) return new Map();
  for (const sha of unique) {
    if (!/^[0-9a-f]{40,64}$/.test(sha)) throw new GitError(`"${sha}" is not a blob id`, ['cat-file'], null, '');
  }
  const { stdout } = await runGit(['--git-dir', gitDir, 'cat-file', '--batch'], {
    input: `${unique.join('\n')}\n`,
    timeoutMs: options.timeoutMs ?? DEFAULT_GIT_TIMEOUT_MS,
  });
  return parseBatchOutput(stdout);
}

/** Parses `<sha> <type> <size>\n<content>\n` records; `<sha> missing` lines become an error. */
function parseBatchOutput(buffer: Buffer): Map<string, Buffer> {
  const blobs = new Map<string, Buffer>();
  let offset = 0;
  while (offset < buffer.length) {
    const newline = buffer.indexOf(10, offset);
    if (newline === -1) break;
    const header = buffer.toString('utf8', offset, newline);
    const [sha, type, sizeText] = header.split(' ');
    if (type === 'missing' || !sha || !sizeText) {
      throw new GitError(`Blob ${sha ?? header} is missing from the repository`, ['cat-file'], null, '');
    }
    const size = Number(sizeText);
    const start = newline + 1;
    blobs.set(sha, buffer.subarray(start, start + size));
    offset = start + size + 1;
  }
  return blobs;
}

/**
 * Rejects remotes that git would read as an option or that select a command-running
 * transport; `GIT_ALLOW_PROTOCOL` blocks the latter too, this gives a clearer error.
 */
export function assertSafeRemote(url: string): void {
  if (!url || url.startsWith('-')) throw new GitError(`Repository "${url}" is not a valid remote`, [], null, '');
  if (/^[a-z][a-z0-9+.-]*::/i.test(url)) {
    throw new GitError(`Repository "${url}" uses a transport Backbeat does not allow`, [], null, '');
  }
}
