import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import picomatch from 'picomatch';
import { ensureMirror, listTree, mirrorDirFor, readBlobs, resolveRef } from '../../../platform/git/index.js';
import { isLocalPath, type LocationSpec } from '../locations/location-target.js';

/** Shared by every location read in one refresh run, so one repository is fetched once per run. */
export interface ReadContext {
  mirrorsDir: string;
  /** Mirror directories already fetched in this run. */
  fetched: Set<string>;
  /** Serialises git work on one mirror: concurrent fetches into one repository fight over its locks. */
  lock: <T>(key: string, fn: () => Promise<T>) => Promise<T>;
  timeoutMs?: number;
}

/** The files of a location at one version; reading the listing is a separate step so an unchanged version costs nothing more. */
export interface LocationSnapshot {
  /** A commit id (git) or content hash (url): equal versions mean equal files. */
  version: string;
  listFiles(): Promise<FileListing>;
}

export interface FileListing {
  /** Path -> content id. */
  files: Map<string, string>;
  /** Paths matching a path or glob. */
  match(pattern: string): string[];
  /** Text of files by path. */
  read(paths: readonly string[]): Promise<Map<string, string>>;
}

/**
 * Opens a location at its current version: for git, fetches the mirror under
 * `mirrorsDir` and resolves the ref; for url, downloads (or reads) the file.
 * Throws with a clear message when the target cannot be read.
 *
 * @example
 * const snapshot = await openLocation(spec, context);
 * if (snapshot.version !== row.last_commit) { const listing = await snapshot.listFiles(); ... }
 */
export async function openLocation(spec: LocationSpec, context: ReadContext): Promise<LocationSnapshot> {
  return spec.type === 'git' ? openGit(spec, context) : openUrl(spec.target, context);
}

async function openGit(spec: Extract<LocationSpec, { type: 'git' }>, context: ReadContext): Promise<LocationSnapshot> {
  const gitDir = mirrorDirFor(context.mirrorsDir, spec.target);
  const timeoutMs = context.timeoutMs;
  const commit = await context.lock(gitDir, async () => {
    if (!context.fetched.has(gitDir)) {
      await ensureMirror(spec.target, gitDir, { timeoutMs });
      context.fetched.add(gitDir);
    }
    return resolveRef(gitDir, spec.options.ref, { timeoutMs });
  });
  return {
    version: commit,
    async listFiles() {
      const tree = await listTree(gitDir, commit, [], { timeoutMs });
      const files = new Map(tree.map((entry) => [entry.path, entry.sha]));
      return {
        files,
        match: (pattern) => matchPaths(files, pattern),
        async read(paths) {
          const shas = paths.map((p) => files.get(p)).filter((s): s is string => s !== undefined);
          const blobs = await readBlobs(gitDir, shas, { timeoutMs });
          const out = new Map<string, string>();
          for (const path of paths) {
            const blob = blobs.get(files.get(path) ?? '');
            if (blob) out.set(path, blob.toString('utf8'));
          }
          return out;
        },
      };
    },
  };
}

async function openUrl(target: string, context: ReadContext): Promise<LocationSnapshot> {
  const text = await readUrl(target, context.timeoutMs ?? 30_000);
  const version = createHash('sha1').update(text).digest('hex');
  const files = new Map([[target, version]]);
  return {
    version,
    async listFiles() {
      return {
        files,
        match: (pattern) => (files.has(pattern) ? [pattern] : []),
        read: async (paths) => new Map(paths.filter((p) => p === target).map((p) => [p, text])),
      };
    },
  };
}

async function readUrl(target: string, timeoutMs: number): Promise<string> {
  if (isLocalPath(target) || /^file:/i.test(target)) {
    const path = /^file:/i.test(target) ? fileURLToPath(target) : target;
    try {
      return await readFile(path, 'utf8');
    } catch (error) {
      throw new Error(`Cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
  }
  let response: Response;
  try {
    response = await fetch(rawUrlOf(target), { redirect: 'follow', signal: AbortSignal.timeout(timeoutMs) });
  } catch (error) {
    throw new Error(`Cannot fetch ${target}: ${(error as Error).message}`);
  }
  if (!response.ok) throw new Error(`Fetching ${target} returned HTTP ${response.status}`);
  return response.text();
}

/**
 * GitHub shows `/blob/` URLs as HTML pages; the same file's raw text lives on
 * raw.githubusercontent.com. Other hosts are fetched as given.
 *
 * @example
 * rawUrlOf('https://github.com/org/web/blob/main/catalog-info.yaml')
 * // 'https://raw.githubusercontent.com/org/web/main/catalog-info.yaml'
 */
export function rawUrlOf(target: string): string {
  const match = /^https:\/\/github\.com\/([^/]+)\/([^/]+)\/blob\/(.+)$/.exec(target);
  return match ? `https://raw.githubusercontent.com/${match[1]}/${match[2]}/${match[3]}` : target;
}

const matcherCache = new Map<string, (path: string) => boolean>();

/**
 * Paths in `files` matching a literal path or a picomatch glob (`**\/*.yaml`).
 *
 * @example
 * matchPaths(new Map([['a/catalog-info.yaml', 'sha']]), '**\/catalog-info.yaml') // ['a/catalog-info.yaml']
 */
export function matchPaths(files: Map<string, string>, pattern: string): string[] {
  if (!picomatch.scan(pattern).isGlob) return files.has(pattern) ? [pattern] : [];
  let matcher = matcherCache.get(pattern);
  if (!matcher) {
    matcher = picomatch(pattern, { dot: false });
    if (matcherCache.size > 500) matcherCache.clear();
    matcherCache.set(pattern, matcher);
  }
  const out: string[] = [];
  for (const path of files.keys()) if (matcher(path)) out.push(path);
  return out.sort();
}
