import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { chmod, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { deflateSync, inflateSync } from 'node:zlib';
import { GitError, gitEnv } from './run-git.js';
import { LOCAL_GIT_ENV } from './worktree.js';

/** One object read from a repository. */
export interface GitObject {
  type: 'blob' | 'tree' | 'commit' | 'tag';
  data: Buffer;
}

/** Reads objects one at a time through a single long-running `git cat-file --batch`. */
export interface ObjectReader {
  /** The object with this id, or undefined when the repository lacks it. */
  read(id: string): Promise<GitObject | undefined>;
  close(): void;
}

/**
 * Opens a `git cat-file --batch` process on a (bare) repository and answers reads in
 * order over its pipes: walking a tree lazily costs one process, not one per object.
 * Call `close` when done; a reader left open keeps its process.
 *
 * @example
 * const reader = openObjectReader(mirrorDir);
 * try { const commit = await reader.read(baseCommit); } finally { reader.close(); }
 */
export function openObjectReader(gitDir: string): ObjectReader {
  const child = spawn('git', ['--git-dir', gitDir, 'cat-file', '--batch'], {
    env: gitEnv(LOCAL_GIT_ENV),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const waiting: { id: string; resolve: (o: GitObject | undefined) => void; reject: (e: Error) => void }[] = [];
  let buffered: Buffer = Buffer.alloc(0);
  let stderr = '';
  let failure: Error | undefined;

  const fail = (error: Error) => {
    failure ??= error;
    for (const w of waiting.splice(0)) w.reject(failure);
  };
  child.on('error', (error) => fail(new GitError(`git cat-file could not start: ${error.message}`, [], null, '')));
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  child.on('close', (code) => {
    if (waiting.length > 0) fail(new GitError(`git cat-file --batch ended: ${stderr.trim()}`, [], code, stderr));
  });
  child.stdin.on('error', () => {}); // reported through 'close'
  child.stdout.on('data', (chunk: Buffer) => {
    buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk]);
    // Each answer is "<id> missing\n" or "<id> <type> <size>\n<content>\n".
    while (waiting.length > 0) {
      const newline = buffered.indexOf(10);
      if (newline === -1) return;
      const header = buffered.toString('utf8', 0, newline).split(' ');
      if (header[1] === 'missing') {
        buffered = buffered.subarray(newline + 1);
        waiting.shift()?.resolve(undefined);
        continue;
      }
      const size = Number(header[2]);
      const end = newline + 1 + size;
      if (buffered.length < end + 1) return;
      const data = Buffer.from(buffered.subarray(newline + 1, end));
      buffered = buffered.subarray(end + 1);
      waiting.shift()?.resolve({ type: header[1] as GitObject['type'], data });
    }
  });

  return {
    read(id) {
      if (!/^[0-9a-f]{40}$/.test(id)) return Promise.reject(new GitError(`"${id}" is not an object id`, [], null, ''));
      if (failure) return Promise.reject(failure);
      return new Promise((resolve, reject) => {
        waiting.push({ id, resolve, reject });
        child.stdin.write(`${id}\n`);
      });
    },
    close() {
      child.stdin.end();
    },
  };
}

/** One entry of a tree object: `mode` as git stores it (`100644`, `100755`, `120000`, `40000`, `160000`). */
export interface TreeObjectEntry {
  mode: string;
  name: string;
  id: string;
}

/** The entries of a raw tree object, in stored order. */
export function parseTreeObject(data: Buffer): TreeObjectEntry[] {
  const entries: TreeObjectEntry[] = [];
  let offset = 0;
  while (offset < data.length) {
    const space = data.indexOf(32, offset);
    const nul = data.indexOf(0, space);
    entries.push({
      mode: data.toString('utf8', offset, space),
      name: data.toString('utf8', space + 1, nul),
      id: data.toString('hex', nul + 1, nul + 21),
    });
    offset = nul + 21;
  }
  return entries;
}

/**
 * A raw tree object from entries. Entries must already be in git's order: callers
 * only swap ids of entries read from an existing tree, so the order never changes.
 */
export function serializeTreeObject(entries: readonly TreeObjectEntry[]): Buffer {
  return Buffer.concat(
    entries.flatMap((e) => [Buffer.from(`${e.mode} ${e.name}\0`, 'utf8'), Buffer.from(e.id, 'hex')]),
  );
}

/** The tree id named by a raw commit object's first line. */
export function treeOfCommit(data: Buffer): string {
  const match = /^tree ([0-9a-f]{40})\n/.exec(data.toString('utf8', 0, 46));
  if (!match?.[1]) throw new GitError('Commit object without a tree line', [], null, '');
  return match[1];
}

/**
 * Writes an object into a repository's object database as a loose object, exactly as
 * `git hash-object -w` would, and returns its id. An object already present is left
 * alone; writing goes through a temporary file and a rename, so a reader (or another
 * worker writing the same object) never sees half of it. SHA-1 repositories only.
 *
 * @example
 * const blob = await writeObject(mirrorDir, 'blob', Buffer.from('hello\n'));
 */
export async function writeObject(gitDir: string, type: GitObject['type'], data: Buffer): Promise<string> {
  const raw = Buffer.concat([Buffer.from(`${type} ${data.length}\0`, 'utf8'), data]);
  const id = createHash('sha1').update(raw).digest('hex');
  const dir = join(gitDir, 'objects', id.slice(0, 2));
  const file = join(dir, id.slice(2));
  if (existsSync(file)) return id;
  await mkdir(dir, { recursive: true });
  const temporary = join(dir, `tmp_obj_${randomBytes(6).toString('hex')}`);
  try {
    await writeFile(temporary, deflateSync(raw));
    await chmod(temporary, 0o444);
    await rename(temporary, file);
  } finally {
    await rm(temporary, { force: true });
  }
  return id;
}

/** Whether `id` is stored loose in this repository (a look at one file, no git process). */
export function hasLooseObject(gitDir: string, id: string): boolean {
  return existsSync(join(gitDir, 'objects', id.slice(0, 2), id.slice(2)));
}

/**
 * An object stored loose in a repository, read without git; undefined when it is not
 * loose (absent, or packed). A quick look at objects Backbeat itself just wrote.
 *
 * @example
 * const commit = readLooseObject(mirrorDir, changeCommit);
 */
export function readLooseObject(gitDir: string, id: string): GitObject | undefined {
  if (!/^[0-9a-f]{40}$/.test(id)) return undefined;
  let raw: Buffer;
  try {
    raw = inflateSync(readFileSync(join(gitDir, 'objects', id.slice(0, 2), id.slice(2))));
  } catch {
    return undefined;
  }
  const nul = raw.indexOf(0);
  const [type] = raw.toString('utf8', 0, nul).split(' ');
  return { type: type as GitObject['type'], data: raw.subarray(nul + 1) };
}

/**
 * What a bare repository's HEAD points to, read from its files: the branch ref and its
 * commit (loose ref first, then packed-refs). Undefined for anything less plain (a
 * detached HEAD, a missing branch, another ref storage), where callers ask git.
 *
 * @example
 * readHeadRef(mirrorDir) // { ref: 'refs/heads/main', commit: '3f2a…' }
 */
export function readHeadRef(gitDir: string): { ref: string; commit: string } | undefined {
  try {
    const head = /^ref: (refs\/heads\/\S+)\n?$/.exec(readFileSync(join(gitDir, 'HEAD'), 'utf8'));
    const ref = head?.[1];
    if (!ref || ref.includes('..')) return undefined;
    let commit: string | undefined;
    try {
      commit = readFileSync(join(gitDir, ref), 'utf8').trim();
    } catch {
      for (const line of readFileSync(join(gitDir, 'packed-refs'), 'utf8').split('\n')) {
        if (line.endsWith(` ${ref}`)) commit = line.slice(0, line.indexOf(' '));
      }
    }
    return commit && /^[0-9a-f]{40}$/.test(commit) ? { ref, commit } : undefined;
  } catch {
    return undefined;
  }
}
