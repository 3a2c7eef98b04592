import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { assertSafeRemote, runGit } from '../../../platform/git/index.js';

const SHA = /^[0-9a-f]{40}([0-9a-f]{24})?$/;

/**
 * The commit a repository's HEAD points to, asked of the remote itself, so that an
 * unchanged repository is recognised before anything is fetched. For a repository
 * on this machine (the embedded default) the refs are read straight from its files,
 * as `git ls-remote` would: a thousand unchanged repositories then cost a thousand
 * small file reads instead of a thousand git processes. Anything unusual there
 * (reftable, a symbolic ref chain) falls back to `git ls-remote`.
 *
 * @example
 * const head = await remoteHead('https://git.example.com/team/web.git'); // '3f2a…'
 */
export async function remoteHead(url: string, options: { timeoutMs?: number } = {}): Promise<string> {
  const local = localGitDir(url);
  if (local) {
    const head = await readLocalHead(local).catch(() => undefined);
    if (head) return head;
  }
  assertSafeRemote(url);
  const { stdout } = await runGit(['ls-remote', '--', url, 'HEAD'], { timeoutMs: options.timeoutMs ?? 30_000 });
  const line = stdout
    .toString('utf8')
    .split('\n')
    .find((l) => l.endsWith('\tHEAD'));
  const sha = line?.split('\t')[0];
  if (!sha || !SHA.test(sha)) throw new Error(`The repository ${url} has no HEAD commit (is it empty?)`);
  return sha;
}

function localGitDir(url: string): string | undefined {
  const path = url.startsWith('file://') ? fileURLToPath(url) : isAbsolute(url) ? url : undefined;
  if (!path) return undefined;
  if (existsSync(join(path, 'HEAD')) && existsSync(join(path, 'refs'))) return path;
  if (existsSync(join(path, '.git', 'HEAD'))) return join(path, '.git');
  return undefined;
}

async function readLocalHead(gitDir: string): Promise<string | undefined> {
  if (existsSync(join(gitDir, 'reftable'))) return undefined;
  const head = (await readFile(join(gitDir, 'HEAD'), 'utf8')).trim();
  if (SHA.test(head)) return head;
  const match = /^ref: (refs\/heads\/[^\s]+)$/.exec(head);
  if (!match) return undefined;
  const ref = match[1]!;
  if (ref.includes('..')) return undefined;
  const loose = await readFile(join(gitDir, ref), 'utf8').catch(() => undefined);
  if (loose !== undefined) {
    const sha = loose.trim();
    return SHA.test(sha) ? sha : undefined;
  }
  const packed = await readFile(join(gitDir, 'packed-refs'), 'utf8').catch(() => '');
  for (const line of packed.split('\n')) {
    if (line.endsWith(` ${ref}`)) {
      const sha = line.slice(0, line.indexOf(' '));
      return SHA.test(sha) ? sha : undefined;
    }
  }
  return undefined;
}
