import { join } from 'node:path';
import { ensureMirror, listTree, mirrorDirFor, readBlobs, type TreeEntry } from '../../../platform/git/index.js';
import { MANIFEST_PATHS, readDeclaredDependencies } from '../../../platform/manifests/index.js';
import { type Entity, repositoryOf } from '../../catalog/index.js';
import type { FactCollector, Facts } from './fact-collector.js';
import { remoteHead } from './remote-head.js';

export const REPOSITORY_COLLECTOR = 'repository';

const LANGUAGES: Record<string, string> = {
  ts: 'TypeScript',
  tsx: 'TypeScript',
  mts: 'TypeScript',
  cts: 'TypeScript',
  js: 'JavaScript',
  jsx: 'JavaScript',
  mjs: 'JavaScript',
  cjs: 'JavaScript',
  java: 'Java',
  kt: 'Kotlin',
  kts: 'Kotlin',
  scala: 'Scala',
  go: 'Go',
  py: 'Python',
  rb: 'Ruby',
  rs: 'Rust',
  cs: 'C#',
  fs: 'F#',
  c: 'C',
  h: 'C',
  cc: 'C++',
  cpp: 'C++',
  hpp: 'C++',
  swift: 'Swift',
  php: 'PHP',
  ex: 'Elixir',
  exs: 'Elixir',
  clj: 'Clojure',
  dart: 'Dart',
};

const README = /^readme(\.[a-z0-9]+)?$/i;
const CODEOWNERS = /^(\.github\/|docs\/|\.gitlab\/)?CODEOWNERS$/;
const CI = [
  /^\.github\/workflows\/[^/]+\.ya?ml$/,
  /^\.gitlab-ci\.yml$/,
  /^Jenkinsfile$/,
  /^\.circleci\/config\.ya?ml$/,
  /^azure-pipelines\.ya?ml$/,
  /^\.buildkite\//,
  /^\.travis\.yml$/,
  /^\.drone\.ya?ml$/,
  /^\.woodpecker(\.ya?ml|\/)/,
  /^\.forgejo\/workflows\//,
  /^\.gitea\/workflows\//,
];
const TEST = [
  /(^|\/)(test|tests|__tests__|spec|e2e)\//,
  /\.(test|spec)\.[cm]?[jt]sx?$/,
  /(^|\/)test_[^/]+\.py$/,
  /_test\.(go|py)$/,
  /(^|\/)src\/test\//,
  /Tests?\.(java|kt|scala|cs)$/,
];
const DOCKERFILE = /(^|\/)(Dockerfile|Containerfile)(\.[^/]+)?$/;
const DOCS = [/^docs\/.+\.(md|mdx|rst|adoc)$/i, /^mkdocs\.ya?ml$/];

/**
 * Reads what a repository's files say, from the bare mirror at its HEAD commit
 * (no worktree): which of README, CODEOWNERS, tests, CI configuration, Dockerfile
 * and docs exist, the primary language by file extension, the declared
 * dependencies with versions (platform/manifests), and the HEAD commit.
 */
export function summariseTree(tree: readonly TreeEntry[], manifests: ReadonlyMap<string, string>, head: string): Facts {
  const files = { readme: false, codeowners: false, tests: false, ci: false, dockerfile: false, docs: false };
  const byLanguage = new Map<string, number>();
  for (const { path } of tree) {
    if (!files.readme && README.test(path)) files.readme = true;
    if (!files.codeowners && CODEOWNERS.test(path)) files.codeowners = true;
    if (!files.ci && CI.some((p) => p.test(path))) files.ci = true;
    if (!files.tests && TEST.some((p) => p.test(path))) files.tests = true;
    if (!files.dockerfile && DOCKERFILE.test(path)) files.dockerfile = true;
    if (!files.docs && DOCS.some((p) => p.test(path))) files.docs = true;
    const dot = path.lastIndexOf('.');
    if (dot > path.lastIndexOf('/')) {
      const language = LANGUAGES[path.slice(dot + 1).toLowerCase()];
      if (language) byLanguage.set(language, (byLanguage.get(language) ?? 0) + 1);
    }
  }
  const languages = [...byLanguage].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const { dependencies, problems } = readDeclaredDependencies(manifests);
  const packages: Record<string, string> = {};
  for (const dependency of dependencies) {
    if (!(dependency.name in packages)) packages[dependency.name] = dependency.version;
  }
  return {
    head,
    fileCount: tree.length,
    files,
    language: languages[0]?.[0] ?? null,
    languages: Object.fromEntries(languages),
    manifests: [...manifests.keys()].sort(),
    dependencies: dependencies.map((d) => ({ ecosystem: d.ecosystem, name: d.name, version: d.version, file: d.file })),
    packages,
    manifestProblems: problems,
  };
}

/** One fetch at a time per mirror in this process; the catalog and fleet share the same mirrors. */
const inFlight = new Map<string, Promise<unknown>>();
function serialised<T>(key: string, work: () => Promise<T>): Promise<T> {
  const previous = inFlight.get(key) ?? Promise.resolve();
  const current = previous.catch(() => undefined).then(work);
  inFlight.set(key, current);
  return current.finally(() => {
    if (inFlight.get(key) === current) inFlight.delete(key);
  });
}

/**
 * The `repository` collector. Its fingerprint is the remote HEAD, so an unchanged
 * repository is skipped before the mirror is fetched. Entities sharing one
 * repository (a monorepo) share one fetch and one reading per run.
 *
 * @example
 * registry.register(createRepositoryCollector({ dataDir }));
 */
export function createRepositoryCollector(options: { dataDir: string; timeoutMs?: number }): FactCollector {
  const mirrorsDir = join(options.dataDir, 'mirrors');
  const timeoutMs = options.timeoutMs;
  return {
    id: REPOSITORY_COLLECTOR,
    version: 1,
    applies: (entity: Entity) => entity.kind.toLowerCase() === 'component' && repositoryOf(entity) !== undefined,
    async fingerprint(entity, context) {
      const url = repositoryOf(entity) as string;
      return context.memo(`repository-head:${url}`, () => remoteHead(url, { timeoutMs }));
    },
    async collect(entity, context) {
      const url = repositoryOf(entity) as string;
      return context.memo(`repository-facts:${url}`, async () => {
        const head = await context.memo(`repository-head:${url}`, () => remoteHead(url, { timeoutMs }));
        const mirrorDir = mirrorDirFor(mirrorsDir, url);
        await serialised(mirrorDir, () => ensureMirror(url, mirrorDir, { timeoutMs }));
        const tree = await listTree(mirrorDir, head, [], { timeoutMs });
        const manifestEntries = tree.filter((e) => (MANIFEST_PATHS as readonly string[]).includes(e.path));
        const blobs = await readBlobs(
          mirrorDir,
          manifestEntries.map((e) => e.sha),
          { timeoutMs },
        );
        const manifests = new Map<string, string>();
        for (const entry of manifestEntries) manifests.set(entry.path, blobs.get(entry.sha)?.toString('utf8') ?? '');
        return summariseTree(tree, manifests, head);
      });
    },
  };
}
