import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { buildDemoOrg, type DemoOrg } from './demo-org.js';
import { planFleet, type RepoPlan } from './fleet-plan.js';
import { createRepository, defaultGitConcurrency, mapWithConcurrency, type RepoFiles } from './git-repo.js';
import type { RepoKind } from './org-data.js';
import { repoFiles } from './repo-files.js';
import { toYamlDocuments } from './yaml.js';

/** One generated repository. */
export interface FleetRepo {
  name: string;
  /** Absolute path of the repository's work tree. */
  path: string;
  kind: RepoKind;
  /** Owning group's name as written in `spec.owner`, e.g. `playback-squad`. */
  owner: string;
  /** Owning group's canonical reference, e.g. `group:default/playback-squad`. */
  ownerRef: string;
  system?: string;
  /** Commit id of the initial commit. */
  commit: string;
}

export interface Fleet {
  /** Absolute path of the repository holding the organisation's descriptors (`*.yaml`). */
  orgRepo: string;
  repos: FleetRepo[];
}

export interface GenerateFleetOptions {
  /** Directory to create the repositories in: `<dir>/org` and `<dir>/repos/<name>`. */
  dir: string;
  /** Number of component repositories (the org repository comes on top). */
  size?: number;
  seed?: number;
}

/** Files of the org repository: one multi-document YAML file per kind, and a README. */
export function orgRepoFiles(org: DemoOrg): RepoFiles {
  const d = org.descriptors;
  return {
    'README.md':
      '# Organisation\n\nGroups, people, domains, systems, APIs and resources of Cadence, as catalog descriptors.\n',
    'groups.yaml': toYamlDocuments(d.groups),
    'users.yaml': toYamlDocuments(d.users),
    'domains.yaml': toYamlDocuments(d.domains),
    'systems.yaml': toYamlDocuments(d.systems),
    'apis.yaml': toYamlDocuments(d.apis),
    'resources.yaml': toYamlDocuments(d.resources),
  };
}

/**
 * Creates the demo organisation and a fleet of `size` real git repositories
 * (Node and Java services, libraries, websites, data pipelines), each with one
 * commit by a fixed author at a fixed date: the same seed gives the same commits.
 *
 * @example
 * const fleet = await generateFleet({ dir: '/tmp/fleet', size: 30, seed: 1 });
 * fleet.repos[0].path; // '/tmp/fleet/repos/playback-service'
 */
export async function generateFleet(options: GenerateFleetOptions): Promise<Fleet> {
  const size = options.size ?? 30;
  const seed = options.seed ?? 1;
  if (!Number.isInteger(size) || size < 1) throw new Error(`Fleet size must be a positive integer, got ${size}`);
  const dir = resolve(options.dir);
  if (existsSync(join(dir, 'org')) || (existsSync(join(dir, 'repos')) && readdirSync(join(dir, 'repos')).length > 0)) {
    throw new Error(`${dir} already holds a fleet; generate into an empty directory`);
  }
  const org = buildDemoOrg({ size, seed });
  const plans = planFleet(org, { size, seed });
  mkdirSync(join(dir, 'repos'), { recursive: true });

  const orgRepo = join(dir, 'org');
  const concurrency = defaultGitConcurrency();
  const [, commits] = await Promise.all([
    createRepository(orgRepo, orgRepoFiles(org), 'Describe the organisation'),
    mapWithConcurrency(plans, concurrency, (plan) =>
      createRepository(join(dir, 'repos', plan.name), repoFiles(plan), `Initial commit of ${plan.name}`),
    ),
  ]);
  return { orgRepo, repos: plans.map((plan, i) => fleetRepo(dir, plan, commits[i]!)) };
}

function fleetRepo(dir: string, plan: RepoPlan, commit: string): FleetRepo {
  return {
    name: plan.name,
    path: join(dir, 'repos', plan.name),
    kind: plan.kind,
    owner: plan.owner,
    ownerRef: `group:default/${plan.owner}`,
    ...(plan.system ? { system: plan.system } : {}),
    commit,
  };
}

/** Name of the file that marks a finished demo fleet. */
export const DEMO_FLEET_MARKER = '.backbeat-demo-fleet.json';

interface Marker {
  version: 1;
  size: number;
  seed: number;
  repos: Omit<FleetRepo, 'path'>[];
}

/**
 * Generates the demo fleet under `<dataDir>/demo-fleet/` unless it is already
 * there, and returns it. Safe to call on every start and from several processes:
 * the fleet is built in a temporary directory and moved into place when complete,
 * so a crash never leaves half a fleet behind. An existing fleet is kept even if
 * `size` differs, because people may have made changes in it.
 *
 * @example
 * const fleet = await ensureDemoFleet('.backbeat');
 */
export async function ensureDemoFleet(dataDir: string, options: { size?: number; seed?: number } = {}): Promise<Fleet> {
  const root = resolve(dataDir);
  const target = join(root, 'demo-fleet');
  const existing = readFleet(target);
  if (existing) return existing;

  mkdirSync(root, { recursive: true });
  const staging = join(root, `.demo-fleet-${process.pid}-${Date.now()}`);
  const size = options.size ?? 30;
  const seed = options.seed ?? 1;
  try {
    const fleet = await generateFleet({ dir: staging, size, seed });
    const marker: Marker = {
      version: 1,
      size,
      seed,
      repos: fleet.repos.map(({ path: _path, ...rest }) => rest),
    };
    writeFileSync(join(staging, DEMO_FLEET_MARKER), `${JSON.stringify(marker, null, 2)}\n`);
    // A directory without a marker is a leftover we created and never finished.
    if (existsSync(target) && !readFleet(target)) rmSync(target, { recursive: true, force: true });
    try {
      renameSync(staging, target);
    } catch (error) {
      // Another process finished first: use its fleet.
      const winner = readFleet(target);
      if (winner) return winner;
      throw error;
    }
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  const fleet = readFleet(target);
  if (!fleet) throw new Error(`Demo fleet at ${target} has no ${DEMO_FLEET_MARKER} after generation`);
  return fleet;
}

function readFleet(dir: string): Fleet | undefined {
  const file = join(dir, DEMO_FLEET_MARKER);
  if (!existsSync(file)) return undefined;
  const marker = JSON.parse(readFileSync(file, 'utf8')) as Marker;
  return {
    orgRepo: join(dir, 'org'),
    repos: marker.repos.map((repo) => ({ ...repo, path: join(dir, 'repos', repo.name) })),
  };
}
