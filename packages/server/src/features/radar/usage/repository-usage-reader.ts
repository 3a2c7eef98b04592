import { existsSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import {
  assertSafeRemote,
  ensureMirror,
  listTree,
  mirrorDirFor,
  readBlobs,
  resolveRef,
  runGit,
} from '../../../platform/git/index.js';
import type { Logger } from '../../../platform/logging.js';
import { MANIFEST_PATHS, readDeclaredDependencies } from '../../../platform/manifests/index.js';
import type { DeclaredDependency } from '../../../platform/manifests/types.js';
import { type CatalogReader, type Entity, ownerOf, repositoryOf } from '../../catalog/index.js';
import type { DependencyUsage, DependencyUsageReader } from './dependency-usage.js';

export interface RepositoryUsageReaderOptions {
  catalog: CatalogReader;
  /** Bare mirrors of component repositories are kept here. */
  mirrorsDir: string;
  logger: Logger;
  /** Repositories read at once; default 4. */
  concurrency?: number;
  /** A full answer is reused for this long, so page views do not ask every repository each time; default 60 s. */
  maxAgeMs?: number;
}

interface CachedRepository {
  head: string;
  dependencies: DeclaredDependency[];
}

/**
 * Reads the dependencies of every catalog component straight from its repository
 * (package.json and lockfile, pom.xml, go.mod, requirements.txt, pyproject.toml).
 * Each repository's manifests are parsed only when its HEAD moved since the last
 * read: an unchanged repository costs one git call (`rev-parse` on a local
 * repository, `ls-remote` on a remote one). A repository that cannot
 * be read is logged and left out; the others still count.
 *
 * @example
 * const reader = createRepositoryUsageReader({ catalog: catalog.reader, mirrorsDir, logger });
 * const usages = await reader.listDependencyUsage();
 */
export function createRepositoryUsageReader(options: RepositoryUsageReaderOptions): DependencyUsageReader & {
  /** How many times manifests were parsed (a repository whose HEAD did not move is not parsed again). */
  readonly manifestReads: number;
} {
  const { catalog, mirrorsDir, logger } = options;
  const concurrency = Math.max(1, options.concurrency ?? 4);
  const maxAgeMs = options.maxAgeMs ?? 60_000;
  const cache = new Map<string, CachedRepository>();
  let manifestReads = 0;
  let last: { at: number; usages: DependencyUsage[] } | undefined;
  let running: Promise<DependencyUsage[]> | undefined;

  async function remoteHead(repository: string): Promise<string> {
    assertSafeRemote(repository);
    const { stdout } = await runGit(['ls-remote', '--', repository, 'HEAD'], { timeoutMs: 60_000 });
    const sha = stdout.toString('utf8').split(/\s/)[0] ?? '';
    if (!/^[0-9a-f]{40,64}$/.test(sha)) throw new Error(`${repository} has no HEAD (is it empty?)`);
    return sha;
  }

  /**
   * A repository on this machine is read in place (no mirror to clone: the embedded
   * default registers local paths); a remote one through a mirror fetched only when
   * its HEAD moved.
   */
  async function openRepository(repository: string): Promise<{ head: string; gitDir?: string }> {
    if (isAbsolute(repository) && existsSync(repository)) {
      const { stdout } = await runGit(['-C', repository, 'rev-parse', '--absolute-git-dir', 'HEAD^{commit}']);
      const [gitDir, head] = stdout.toString('utf8').trim().split('\n');
      if (!gitDir || !head || !/^[0-9a-f]{40,64}$/.test(head)) throw new Error(`${repository} has no HEAD commit`);
      return { head, gitDir };
    }
    return { head: await remoteHead(repository) };
  }

  async function dependenciesOf(repository: string): Promise<DeclaredDependency[]> {
    const opened = await openRepository(repository);
    const cached = cache.get(repository);
    if (cached?.head === opened.head) return cached.dependencies;
    let gitDir = opened.gitDir;
    let commit = opened.head;
    if (!gitDir) {
      gitDir = mirrorDirFor(mirrorsDir, repository);
      await ensureMirror(repository, gitDir);
      commit = await resolveRef(gitDir, 'HEAD');
    }
    const entries = await listTree(gitDir, commit, MANIFEST_PATHS);
    const blobs = await readBlobs(
      gitDir,
      entries.map((e) => e.sha),
    );
    const files = new Map(entries.map((e) => [e.path, blobs.get(e.sha)?.toString('utf8') ?? '']));
    const { dependencies, problems } = readDeclaredDependencies(files);
    manifestReads++;
    if (problems.length > 0) logger.debug({ repository, problems }, 'radar: some manifests could not be read');
    cache.set(repository, { head: commit, dependencies });
    return dependencies;
  }

  async function collect(): Promise<DependencyUsage[]> {
    const components = await catalog.findEntities({ key: 'kind', match: { in: ['component'] } });
    const byRepository = new Map<string, Entity[]>();
    for (const entity of components) {
      const repository = repositoryOf(entity);
      if (!repository) continue;
      const list = byRepository.get(repository) ?? [];
      list.push(entity);
      byRepository.set(repository, list);
    }
    const repositories = [...byRepository.keys()];
    const results = new Map<string, DeclaredDependency[]>();
    let next = 0;
    const worker = async () => {
      while (next < repositories.length) {
        const repository = repositories[next++]!;
        try {
          results.set(repository, await dependenciesOf(repository));
        } catch (error) {
          logger.warn({ repository, err: (error as Error).message }, 'radar: repository could not be read');
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, repositories.length) }, worker));
    const usages: DependencyUsage[] = [];
    for (const [repository, entities] of byRepository) {
      const dependencies = results.get(repository);
      if (!dependencies) continue;
      for (const entity of entities) {
        const entityRef = refOf(entity);
        const ownerRef = ownerOf(entity);
        for (const dep of dependencies) {
          usages.push({ entityRef, ownerRef, ecosystem: dep.ecosystem, name: dep.name, version: dep.version });
        }
      }
    }
    return usages;
  }

  return {
    get manifestReads() {
      return manifestReads;
    },
    async listDependencyUsage() {
      if (last && Date.now() - last.at < maxAgeMs) return last.usages;
      // Concurrent callers share one collection instead of each asking every repository.
      running ??= collect()
        .then((usages) => {
          last = { at: Date.now(), usages };
          return usages;
        })
        .finally(() => {
          running = undefined;
        });
      return running;
    },
  };
}

function refOf(entity: Entity): string {
  const namespace = entity.metadata.namespace ?? 'default';
  return `${entity.kind}:${namespace}/${entity.metadata.name}`.toLowerCase();
}
