import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { API_VERSION, type Descriptor } from './descriptor.js';
import { commitAll, createRepository, defaultGitConcurrency, mapWithConcurrency, runGit } from './git-repo.js';
import { WORDS } from './org-data.js';
import { createRandom, deriveSeed, type Random } from './random.js';
import { toYaml } from './yaml.js';

/** How many entities of each kind a large catalog holds. */
export interface LargeCatalogCounts {
  groups: number;
  users: number;
  components: number;
  apis: number;
  resources: number;
  systems: number;
}

/** 100,000 entities, shaped like a big company's catalog. */
export const DEFAULT_LARGE_CATALOG_COUNTS: LargeCatalogCounts = {
  groups: 2000,
  users: 10000,
  components: 40000,
  apis: 20000,
  resources: 20000,
  systems: 8000,
};

export interface GenerateLargeCatalogOptions {
  dir: string;
  counts?: Partial<LargeCatalogCounts>;
  /** Number of git repositories the files are spread over. */
  repos?: number;
  seed?: number;
  entitiesPerFile?: number;
}

export interface LargeCatalogRepo {
  path: string;
  /** Descriptor files, relative to the repository root. */
  files: string[];
  entities: number;
}

export interface LargeCatalog {
  repos: LargeCatalogRepo[];
  entityCount: number;
  counts: LargeCatalogCounts;
  /** Glob (relative to each repository) matching every descriptor file. */
  descriptorGlob: string;
}

const KIND_ORDER = ['groups', 'users', 'systems', 'apis', 'resources', 'components'] as const;
type CountKey = (typeof KIND_ORDER)[number];

const a = WORDS.areas;
const n = WORDS.nouns;
const pad = (i: number) => String(i).padStart(5, '0');

/** Names are a pure function of kind and index, so any entity can refer to any other. */
const names = {
  department: (i: number) => `dept-${a[i % a.length]}-${pad(i)}`,
  tribe: (i: number) => `tribe-${WORDS.tribes[i % WORDS.tribes.length]}-${pad(i)}`,
  squad: (i: number) => `squad-${a[(i * 7) % a.length]}-${n[i % n.length]}-${pad(i)}`,
  user: (i: number) =>
    `${WORDS.firstNames[i % WORDS.firstNames.length]}.${WORDS.lastNames[(i * 7) % WORDS.lastNames.length]}-${pad(i)}`.toLowerCase(),
  system: (i: number) => `sys-${a[(i * 3) % a.length]}-${pad(i)}`,
  api: (i: number) => `${a[(i * 5) % a.length]}-${n[(i * 3) % n.length]}-api-${pad(i)}`,
  resource: (i: number) => `${a[(i * 11) % a.length]}-${['db', 'queue', 'bucket', 'cache'][i % 4]}-${pad(i)}`,
  component: (i: number) => `${a[(i * 13) % a.length]}-${n[(i * 17) % n.length]}-${pad(i)}`,
};

interface GroupLayout {
  departments: number;
  tribes: number;
  squads: number;
  /** Group index -> its name. */
  name(i: number): string;
  /** Indices of groups that can own things and hold people (squads, or all groups if there are none). */
  owners: number;
  ownerName(k: number): string;
}

function groupLayout(total: number): GroupLayout {
  const departments = total > 0 ? Math.max(1, Math.ceil(total / 400)) : 0;
  const tribes = Math.max(0, Math.min(total - departments, Math.ceil(total / 10)));
  const squads = total - departments - tribes;
  const name = (i: number) =>
    i < departments ? names.department(i) : i < departments + tribes ? names.tribe(i) : names.squad(i);
  const firstOwner = squads > 0 ? departments + tribes : 0;
  const owners = squads > 0 ? squads : total;
  return { departments, tribes, squads, name, owners, ownerName: (k: number) => name(firstOwner + (k % owners)) };
}

function groupDescriptor(layout: GroupLayout, i: number): Descriptor {
  const { departments: d, tribes: t, squads: s } = layout;
  let type: string;
  let parent: number | undefined;
  const children: number[] = [];
  if (i < d) {
    type = 'department';
    // Tribes hang under departments round-robin; without tribes, squads do.
    if (t > 0) for (let c = d + i; c < d + t; c += d) children.push(c);
    else for (let c = d + i; c < d + s; c += d) children.push(c);
  } else if (i < d + t) {
    type = 'tribe';
    parent = (i - d) % d;
    for (let c = d + t + (i - d); c < d + t + s; c += t) children.push(c);
  } else {
    type = 'squad';
    parent = t > 0 ? d + ((i - d - t) % t) : (i - d) % d;
  }
  const name = layout.name(i);
  return {
    apiVersion: API_VERSION,
    kind: 'Group',
    metadata: { name, description: `The ${name.replace(/-\d+$/, '').replace(/-/g, ' ')} group.` },
    spec: {
      type,
      profile: { displayName: name, email: `${name}@example.com` },
      ...(parent !== undefined ? { parent: layout.name(parent) } : {}),
      children: children.map((c) => layout.name(c)),
    },
  };
}

function entityAt(
  kind: CountKey,
  i: number,
  counts: LargeCatalogCounts,
  layout: GroupLayout,
  random: Random,
): Descriptor {
  const owner = () => layout.ownerName(random.int(0, layout.owners - 1));
  const system = () => (counts.systems > 0 ? { system: names.system(random.int(0, counts.systems - 1)) } : {});
  const lifecycle = () => random.pick(['production', 'production', 'production', 'experimental', 'deprecated']);
  switch (kind) {
    case 'groups':
      return groupDescriptor(layout, i);
    case 'users': {
      const name = names.user(i);
      const memberOf = layout.owners > 0 ? [layout.ownerName(i)] : [];
      if (layout.owners > 1 && random.chance(0.1)) {
        const extra = layout.name(random.int(0, layout.departments + layout.tribes + layout.squads - 1));
        if (!memberOf.includes(extra)) memberOf.push(extra);
      }
      return {
        apiVersion: API_VERSION,
        kind: 'User',
        metadata: { name },
        spec: {
          profile: { displayName: name.replace(/-\d+$/, '').replace('.', ' '), email: `${name}@example.com` },
          memberOf,
        },
      };
    }
    case 'systems':
      return {
        apiVersion: API_VERSION,
        kind: 'System',
        metadata: { name: names.system(i), description: `System number ${i}.` },
        spec: { owner: owner() },
      };
    case 'apis': {
      const type = random.pick(['openapi', 'openapi', 'grpc', 'asyncapi', 'graphql']);
      return {
        apiVersion: API_VERSION,
        kind: 'API',
        metadata: { name: names.api(i), description: `API number ${i}.`, tags: [type] },
        spec: {
          type,
          lifecycle: lifecycle(),
          owner: owner(),
          ...system(),
          definition: `${type === 'openapi' ? 'openapi: 3.0.3' : `# ${type}`}\ninfo:\n  title: ${names.api(i)}\n  version: 1.0.0\n`,
        },
      };
    }
    case 'resources':
      return {
        apiVersion: API_VERSION,
        kind: 'Resource',
        metadata: { name: names.resource(i), description: `Resource number ${i}.` },
        spec: { type: ['database', 'queue', 's3-bucket', 'cache'][i % 4]!, owner: owner(), ...system() },
      };
    case 'components': {
      const provides: string[] = [];
      for (let j = i; j < counts.apis; j += counts.components) provides.push(names.api(j));
      const consumes =
        counts.apis > 0
          ? [...new Set(Array.from({ length: random.int(0, 3) }, () => names.api(random.int(0, counts.apis - 1))))]
          : [];
      const dependsOn = new Set<string>();
      if (counts.resources > 0) {
        for (let k = random.int(0, 2); k > 0; k--)
          dependsOn.add(`resource:${names.resource(random.int(0, counts.resources - 1))}`);
      }
      if (counts.components > 1 && random.chance(0.4)) {
        const other = random.int(0, counts.components - 1);
        if (other !== i) dependsOn.add(`component:${names.component(other)}`);
      }
      const type = random.pick(['service', 'service', 'service', 'library', 'website']);
      return {
        apiVersion: API_VERSION,
        kind: 'Component',
        metadata: {
          name: names.component(i),
          description: `Component number ${i}.`,
          tags: [random.pick(['java', 'typescript', 'go', 'python', 'kotlin']), type],
          annotations: { 'github.com/project-slug': `example/${names.component(i)}` },
        },
        spec: {
          type,
          lifecycle: lifecycle(),
          owner: owner(),
          ...system(),
          ...(provides.length > 0 ? { providesApis: provides } : {}),
          ...(consumes.length > 0 ? { consumesApis: consumes } : {}),
          ...(dependsOn.size > 0 ? { dependsOn: [...dependsOn] } : {}),
        },
      };
    }
  }
}

/**
 * Writes a large catalog (100,000 entities by default) as multi-document YAML
 * files spread over `repos` git repositories, one commit each. Every reference
 * (owner, system, memberOf, parent/children, APIs, dependsOn) points at an
 * entity that exists. Deterministic for a seed.
 *
 * @example
 * const catalog = await generateLargeCatalog({ dir: '/tmp/big', counts: { components: 1000 } });
 * catalog.entityCount; // sum of counts
 */
export async function generateLargeCatalog(options: GenerateLargeCatalogOptions): Promise<LargeCatalog> {
  const counts: LargeCatalogCounts = { ...DEFAULT_LARGE_CATALOG_COUNTS, ...options.counts };
  for (const key of KIND_ORDER) {
    if (!Number.isInteger(counts[key]) || counts[key] < 0)
      throw new Error(`counts.${key} must be a non-negative integer`);
  }
  if (counts.groups === 0 && counts.components + counts.apis + counts.resources + counts.systems > 0) {
    throw new Error('counts.groups must be at least 1: components, APIs, resources and systems need an owner');
  }
  const repoCount = Math.max(1, options.repos ?? 20);
  const total = KIND_ORDER.reduce((sum, k) => sum + counts[k], 0);
  // Smaller files when needed so that every repository gets at least one.
  const perFile = Math.max(1, Math.min(options.entitiesPerFile ?? 500, Math.ceil(total / repoCount)));
  const dir = resolve(options.dir);
  const random = createRandom(deriveSeed(options.seed ?? 1, 'large-catalog'));
  const layout = groupLayout(counts.groups);

  const repoFiles: Record<string, string>[] = Array.from({ length: repoCount }, () => ({}));
  const repoEntities = new Array<number>(repoCount).fill(0);
  let chunk: string[] = [];
  let fileIndex = 0;
  const flush = () => {
    if (chunk.length === 0) return;
    const repo = fileIndex % repoCount;
    repoFiles[repo]![`catalog/entities-${pad(fileIndex)}.yaml`] = chunk.join('');
    repoEntities[repo]! += chunk.length;
    fileIndex++;
    chunk = [];
  };
  for (const kind of KIND_ORDER) {
    for (let i = 0; i < counts[kind]; i++) {
      chunk.push(`---\n${toYaml(entityAt(kind, i, counts, layout, random))}`);
      if (chunk.length === perFile) flush();
    }
  }
  flush();

  const paths = repoFiles.map((_, r) => join(dir, `catalog-${String(r + 1).padStart(3, '0')}`));
  await mapWithConcurrency(repoFiles, defaultGitConcurrency(), (files, r) =>
    createRepository(paths[r]!, { ...files, 'README.md': `# Catalog part ${r + 1}\n` }, 'Add catalog descriptors'),
  );
  return {
    repos: paths.map((path, r) => ({
      path,
      files: Object.keys(repoFiles[r]!).sort(),
      entities: repoEntities[r]!,
    })),
    entityCount: total,
    counts,
    descriptorGlob: 'catalog/*.yaml',
  };
}

export interface MutateLargeCatalogOptions {
  /** A repository created by {@link generateLargeCatalog}. */
  repoPath: string;
  /** How many descriptor files to change (default 1). */
  files?: number;
  seed?: number;
}

/**
 * Changes the description of every entity in a few descriptor files of one
 * repository and commits, as a small push would: the input for
 * incremental-refresh measurements.
 *
 * @example
 * const { changedEntities } = await mutateLargeCatalog({ repoPath: catalog.repos[0].path, files: 1 });
 */
export async function mutateLargeCatalog(
  options: MutateLargeCatalogOptions,
): Promise<{ changedFiles: string[]; changedEntities: number; commit: string }> {
  const listing = await runGit(options.repoPath, ['ls-files', '--', 'catalog/']);
  const all = listing.split('\n').filter((f) => f.endsWith('.yaml'));
  if (all.length === 0) throw new Error(`${options.repoPath} holds no catalog/*.yaml descriptor files`);
  const random = createRandom(deriveSeed(options.seed ?? Date.now() % 2 ** 31, 'mutate'));
  const chosen = random.sample(all, Math.max(1, options.files ?? 1)).sort();
  const stamp = new Date().toISOString();
  let changedEntities = 0;
  for (const file of chosen) {
    const path = join(options.repoPath, file);
    const text = readFileSync(path, 'utf8').replace(/^ {2}description: "?(.*?)(?: \(revised [^)]*\))?"?$/gm, (_, d) => {
      changedEntities++;
      return `  description: ${JSON.stringify(`${d} (revised ${stamp})`)}`;
    });
    writeFileSync(path, text);
  }
  const commit = await commitAll(options.repoPath, `Update ${chosen.length} descriptor file(s)`, { date: stamp });
  return { changedFiles: chosen, changedEntities, commit };
}
