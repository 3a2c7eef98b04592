import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { isAbsolute } from 'node:path';
import { ensureMirror, listTree, mirrorDirFor, readBlobs, resolveRef, runGit } from '../../../platform/git/index.js';

/** Where a radar definition is read from: a file in a git repository, or a file on disk. */
export type RadarSourceSpec =
  | { type: 'git'; target: string; path: string; ref: string }
  | { type: 'file'; target: string; path: ''; ref: '' };

/** What a source holds now, and who last changed it (from the commit when there is one). */
export interface RadarSourceReading {
  /** A commit id (git) or content hash (file): equal versions mean equal text. */
  version: string;
  text: string;
  /** The file name to put in problems: the path in the repository, or the file itself. */
  file: string;
  changedBy?: string;
  changedAt?: string;
  message?: string;
}

/** One chain per mirror: two reads of one repository never fetch at the same time. */
const inFlight = new Map<string, Promise<unknown>>();

function serialised<T>(key: string, fn: () => Promise<T>): Promise<T> {
  const previous = inFlight.get(key) ?? Promise.resolve();
  const current = previous.catch(() => undefined).then(fn);
  inFlight.set(key, current);
  return current.finally(() => {
    if (inFlight.get(key) === current) inFlight.delete(key);
  });
}

/**
 * Reads a radar source at its current version. Git sources are mirrored under
 * `mirrorsDir` and read at `ref`; the commit's author, date and subject become the
 * who, when and why of any ring moves the new version makes. Throws with a clear
 * message when the repository, ref or file cannot be read.
 *
 * @example
 * const reading = await readRadarSource({ type: 'git', target: url, path: 'radar.yaml', ref: 'HEAD' }, mirrorsDir);
 */
export async function readRadarSource(spec: RadarSourceSpec, mirrorsDir: string): Promise<RadarSourceReading> {
  if (spec.type === 'file') {
    if (!isAbsolute(spec.target)) throw new Error(`"${spec.target}" must be an absolute path`);
    let text: string;
    try {
      text = await readFile(spec.target, 'utf8');
    } catch (error) {
      throw new Error(
        `Cannot read ${spec.target}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
      );
    }
    return { version: createHash('sha256').update(text).digest('hex'), text, file: spec.target };
  }
  const gitDir = mirrorDirFor(mirrorsDir, spec.target);
  return serialised(gitDir, async () => {
    await ensureMirror(spec.target, gitDir);
    const commit = await resolveRef(gitDir, spec.ref);
    const [entry] = await listTree(gitDir, commit, [spec.path]);
    if (!entry || entry.path !== spec.path)
      throw new Error(`${spec.path} does not exist at ${spec.ref} (${commit.slice(0, 12)})`);
    const blobs = await readBlobs(gitDir, [entry.sha]);
    const { stdout } = await runGit([
      '--git-dir',
      gitDir,
      'log',
      '-1',
      '--format=%an <%ae>%x00%aI%x00%s',
      commit,
      '--',
    ]);
    const [author, date, subject] = stdout.toString('utf8').trim().split('\0');
    return {
      version: commit,
      text: blobs.get(entry.sha)?.toString('utf8') ?? '',
      file: spec.path,
      ...(author ? { changedBy: author } : {}),
      ...(date ? { changedAt: new Date(date).toISOString() } : {}),
      ...(subject ? { message: subject } : {}),
    };
  });
}
