import type { DemoOrg } from './demo-org.js';
import { uniqueName } from './descriptor.js';
import { CORE_REPOS, type RepoKind, WORDS } from './org-data.js';
import { createRandom, deriveSeed, type Random } from './random.js';

/** The logging library Node services use; versions below {@link LOG_LIB_FIXED_VERSION} are vulnerable. */
export const LOG_LIB_NAME = 'log-lib';
/** First `log-lib` (and log4j-core) version without the demo vulnerability. */
export const LOG_LIB_FIXED_VERSION = '2.17.1';
export const LOG4J_GROUP_ID = 'org.apache.logging.log4j';
export const LOG4J_ARTIFACT_ID = 'log4j-core';

const LOG_LIB_VERSIONS = ['2.12.4', '2.14.1', '2.15.0', '2.16.0', '2.17.0', '2.17.1', '2.17.2', '2.18.0', '2.19.0'];
const LOG4J_VERSIONS = ['2.14.1', '2.15.0', '2.16.0', '2.17.0', '2.17.1', '2.20.0', '2.23.1'];

/** Which health signals a repository has; missing ones give tech-health checks something to find. */
export interface RepoHealth {
  readme: boolean;
  tests: boolean;
  codeowners: boolean;
  ci: boolean;
  docs: boolean;
}

/** Versions of the technologies a repository uses, as its manifests will say. */
export interface RepoVersions {
  node?: string;
  logLib?: string;
  framework?: { name: string; version: string };
  testRunner?: { name: string; version: string };
  typescript?: string;
  react?: string;
  vite?: string;
  java?: string;
  springBoot?: string;
  log4j?: string;
  python?: string;
  pandas?: string;
  image: string;
}

/** Everything needed to write one repository. */
export interface RepoPlan {
  name: string;
  kind: RepoKind;
  owner: string;
  system?: string;
  description: string;
  lifecycle: 'production' | 'experimental' | 'deprecated';
  providesApis: string[];
  consumesApis: string[];
  /** Resource names this repository uses. */
  resources: string[];
  /** Library repositories (in this fleet) this repository depends on. */
  libraries: string[];
  health: RepoHealth;
  versions: RepoVersions;
  replicas: number;
}

const KIND_WEIGHTS: [RepoKind, number][] = [
  ['node-service', 35],
  ['java-service', 25],
  ['library', 15],
  ['website', 12],
  ['pipeline', 13],
];

const NAME_SUFFIX: Record<RepoKind, string[]> = {
  'node-service': ['service', 'api', 'worker'],
  'java-service': ['service', 'engine', 'processor'],
  library: ['lib', 'sdk', 'client'],
  website: ['web', 'site', 'console'],
  pipeline: ['pipeline', 'etl', 'job'],
};

function weighted<T>(random: Random, items: [T, number][]): T {
  const total = items.reduce((sum, [, w]) => sum + w, 0);
  let roll = random.next() * total;
  for (const [item, weight] of items) {
    roll -= weight;
    if (roll < 0) return item;
  }
  return items[items.length - 1]![0];
}

/**
 * Decides name, kind, owner, relations, health and versions of every repository
 * in a fleet of `size`. Pure and deterministic for a seed.
 *
 * @example
 * const plans = planFleet(buildDemoOrg({ size: 30 }), { size: 30, seed: 1 });
 */
export function planFleet(org: DemoOrg, options: { size: number; seed: number }): RepoPlan[] {
  const random = createRandom(deriveSeed(options.seed, 'fleet'));
  const used = new Set<string>();
  const skeletons: Omit<RepoPlan, 'health' | 'versions' | 'replicas' | 'libraries' | 'lifecycle'>[] = [];

  for (const core of CORE_REPOS.slice(0, options.size)) {
    used.add(core.name);
    skeletons.push({
      name: core.name,
      kind: core.kind,
      owner: core.owner,
      system: core.system,
      description: core.description,
      providesApis: [...(core.providesApis ?? [])],
      consumesApis: [...(core.consumesApis ?? [])],
      resources: [...(core.resources ?? [])],
    });
  }
  // Generated repositories are dealt round-robin to the squads, newest squads first,
  // so that every squad of a large organisation owns something.
  const owners = [...org.squads.slice(8), ...org.squads.slice(0, 8)];
  for (let i = skeletons.length; i < options.size; i++) {
    const kind = weighted(random, KIND_WEIGHTS);
    const owner = owners[(i - CORE_REPOS.length) % owners.length]!;
    const ownSystems = org.systems.filter((s) => s.owner === owner.name);
    const system =
      ownSystems.length > 0 ? random.pick(ownSystems) : random.chance(0.7) ? random.pick(org.systems) : undefined;
    const systemResources = org.resources.filter((r) => r.system === system?.name);
    const name = uniqueName(
      `${random.pick(WORDS.areas)}-${random.pick(WORDS.nouns)}-${random.pick(NAME_SUFFIX[kind])}`,
      used,
    );
    skeletons.push({
      name,
      kind,
      owner: owner.name,
      system: system?.name,
      description: `The ${name.replace(/-/g, ' ')}.`,
      providesApis: [],
      consumesApis: kind === 'library' ? [] : random.sample(org.apis, random.int(0, 2)).map((a) => a.name),
      resources:
        kind === 'library' || kind === 'website'
          ? []
          : random
              .sample(systemResources.length > 0 ? systemResources : org.resources, random.int(0, 2))
              .map((r) => r.name),
    });
  }

  const libraries = skeletons.filter((s) => s.kind === 'library').map((s) => s.name);
  const plans = skeletons.map((s, index): RepoPlan => {
    const isCore = index < CORE_REPOS.length;
    return {
      ...s,
      lifecycle: isCore
        ? random.chance(0.9)
          ? 'production'
          : 'experimental'
        : weighted(random, [
            ['production', 75],
            ['experimental', 15],
            ['deprecated', 10],
          ]),
      libraries:
        s.kind === 'library' || s.kind === 'pipeline' || s.kind === 'java-service'
          ? []
          : random.sample(
              libraries.filter((l) => l !== s.name),
              random.int(0, 2),
            ),
      health: {
        readme: random.chance(0.85),
        tests: random.chance(0.75),
        codeowners: random.chance(0.6),
        ci: random.chance(0.9),
        docs: random.chance(0.4),
      },
      versions: versionsFor(s.kind, random),
      replicas: s.kind === 'library' ? 0 : random.int(1, 6),
    };
  });
  ensureSpread(plans);
  return plans;
}

function versionsFor(kind: RepoKind, random: Random): RepoVersions {
  const tag = `1.${random.int(0, 12)}.${random.int(0, 9)}`;
  if (kind === 'java-service') {
    const java = random.pick(['11', '17', '17', '21']);
    return {
      java,
      springBoot: java === '11' ? '2.7.18' : random.pick(['3.1.12', '3.2.10', '3.3.5']),
      log4j: random.pick(LOG4J_VERSIONS),
      image: tag,
    };
  }
  if (kind === 'pipeline') {
    return {
      python: random.pick(['3.9', '3.10', '3.11', '3.12']),
      pandas: random.pick(['1.5.3', '2.1.4', '2.2.3']),
      image: tag,
    };
  }
  const node = random.pick(['16', '18', '18', '20', '20', '22']);
  const testRunner = random.pick([
    { name: 'jest', version: '29.7.0' },
    { name: 'vitest', version: '1.6.0' },
    { name: 'vitest', version: '2.1.8' },
    { name: 'mocha', version: '10.4.0' },
  ]);
  const typescript = random.pick(['4.9.5', '5.3.3', '5.6.3']);
  if (kind === 'website') {
    return {
      node,
      testRunner,
      typescript,
      react: random.pick(['17.0.2', '18.2.0', '18.3.1']),
      vite: random.pick(['4.5.3', '5.4.10']),
      image: tag,
    };
  }
  return {
    node,
    testRunner,
    typescript,
    logLib: random.pick(LOG_LIB_VERSIONS),
    framework:
      kind === 'library'
        ? undefined
        : random.pick([
            { name: 'express', version: '4.18.2' },
            { name: 'express', version: '4.21.1' },
            { name: 'fastify', version: '4.28.1' },
            { name: 'koa', version: '2.15.3' },
            { name: 'hono', version: '4.6.3' },
          ]),
    image: tag,
  };
}

/**
 * Whatever the dice said, a fleet of five or more has at least one vulnerable Node
 * and Java service and at least one repository missing a README, tests and
 * CODEOWNERS, so every demo story has a target.
 */
function ensureSpread(plans: RepoPlan[]): void {
  const firstNode = plans.find((p) => p.kind === 'node-service');
  if (firstNode) firstNode.versions.logLib = '2.14.1';
  const firstJava = plans.find((p) => p.kind === 'java-service');
  if (firstJava) firstJava.versions.log4j = '2.14.1';
  if (plans.length < 5) return;
  const last = plans.length - 1;
  if (plans.every((p) => p.health.readme)) plans[last]!.health.readme = false;
  if (plans.every((p) => p.health.tests)) plans[last - 1]!.health.tests = false;
  if (plans.every((p) => p.health.codeowners)) plans[last - 2]!.health.codeowners = false;
}

/**
 * Whether a version is below the first fixed `log-lib` / log4j-core version.
 *
 * @example
 * isVulnerableLogLibVersion('2.16.0') // true
 */
export function isVulnerableLogLibVersion(version: string): boolean {
  const a = version
    .replace(/^[^\d]*/, '')
    .split('.')
    .map(Number);
  const b = LOG_LIB_FIXED_VERSION.split('.').map(Number);
  for (let i = 0; i < 3; i++) {
    const x = a[i] ?? 0;
    const y = b[i] ?? 0;
    if (x !== y) return x < y;
  }
  return false;
}
