import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { generateLargeCatalog, type LargeCatalog, mutateLargeCatalog } from './large-catalog.js';
import {
  danglingRefs,
  inconsistentGroupTree,
  type LooseEntity,
  NAME_PATTERN,
  parseDescriptors,
  refOf,
} from './testing/descriptor-checks.js';

const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', args, { cwd, encoding: 'utf8', env: { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null' } }).trim();

const counts = { groups: 23, users: 57, components: 101, apis: 41, resources: 37, systems: 13 };
// Real git processes: generous limits, as a busy machine can make each one slow.
vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

const root = mkdtempSync(join(tmpdir(), 'large-catalog-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function readAll(catalog: LargeCatalog): LooseEntity[] {
  return catalog.repos.flatMap((repo) =>
    repo.files.flatMap((file) => parseDescriptors(readFileSync(join(repo.path, file), 'utf8'), file)),
  );
}

describe('generateLargeCatalog', () => {
  let catalog: LargeCatalog;
  let entities: LooseEntity[];
  beforeAll(async () => {
    catalog = await generateLargeCatalog({ dir: join(root, 'one'), counts, repos: 3, entitiesPerFile: 50, seed: 7 });
    entities = readAll(catalog);
  });

  it('writes exactly the requested number of entities of each kind', () => {
    const total = Object.values(counts).reduce((a, b) => a + b, 0);
    expect(catalog.entityCount).toBe(total);
    expect(entities).toHaveLength(total);
    const byKind = (kind: string) => entities.filter((e) => e.kind === kind).length;
    expect(byKind('Group')).toBe(counts.groups);
    expect(byKind('User')).toBe(counts.users);
    expect(byKind('Component')).toBe(counts.components);
    expect(byKind('API')).toBe(counts.apis);
    expect(byKind('Resource')).toBe(counts.resources);
    expect(byKind('System')).toBe(counts.systems);
    expect(catalog.repos.reduce((sum, r) => sum + r.entities, 0)).toBe(total);
  });

  it('spreads files of at most entitiesPerFile over the repositories, committed', () => {
    expect(catalog.repos).toHaveLength(3);
    for (const repo of catalog.repos) {
      expect(repo.files.length).toBeGreaterThan(0);
      expect(git(repo.path, 'status', '--porcelain')).toBe('');
      expect(git(repo.path, 'ls-files', 'catalog').split('\n')).toEqual(repo.files);
      for (const file of repo.files) {
        expect(parseDescriptors(readFileSync(join(repo.path, file), 'utf8')).length).toBeLessThanOrEqual(50);
      }
    }
  });

  it('relates entities without dangling references, with unique valid names and a consistent group tree', () => {
    expect(danglingRefs(entities)).toEqual([]);
    expect(inconsistentGroupTree(entities)).toEqual([]);
    const refs = entities.map(refOf);
    expect(new Set(refs).size).toBe(refs.length);
    for (const e of entities) expect(e.metadata.name).toMatch(NAME_PATTERN);
    const components = entities.filter((e) => e.kind === 'Component');
    expect(components.filter((c) => c.spec.providesApis).length).toBe(counts.apis);
    expect(components.filter((c) => c.spec.dependsOn).length).toBeGreaterThan(10);
    const types = new Set(entities.filter((e) => e.kind === 'Group').map((g) => g.spec.type));
    expect(types).toEqual(new Set(['department', 'tribe', 'squad']));
  });

  it('is deterministic for a seed', async () => {
    const again = await generateLargeCatalog({
      dir: join(root, 'two'),
      counts,
      repos: 3,
      entitiesPerFile: 50,
      seed: 7,
    });
    expect(catalog.repos.map((r) => git(r.path, 'rev-parse', 'HEAD'))).toEqual(
      again.repos.map((r) => git(r.path, 'rev-parse', 'HEAD')),
    );
  });

  it('handles tiny organisations (one group) and rejects owners without groups', async () => {
    const tiny = await generateLargeCatalog({
      dir: join(root, 'tiny'),
      counts: { groups: 1, users: 3, components: 2, apis: 1, resources: 1, systems: 1 },
      repos: 2,
    });
    expect(danglingRefs(readAll(tiny))).toEqual([]);
    await expect(
      generateLargeCatalog({
        dir: join(root, 'none'),
        counts: { groups: 0, users: 0, components: 1, apis: 0, resources: 0, systems: 0 },
      }),
    ).rejects.toThrow(/groups must be at least 1/);
  });

  it('mutates a few files in one repository and commits, keeping every entity', async () => {
    const repo = catalog.repos[0]!;
    const before = git(repo.path, 'rev-parse', 'HEAD');
    const result = await mutateLargeCatalog({ repoPath: repo.path, files: 1, seed: 1 });
    expect(result.changedFiles).toHaveLength(1);
    expect(result.changedEntities).toBeGreaterThan(0);
    expect(git(repo.path, 'rev-parse', 'HEAD')).toBe(result.commit);
    expect(git(repo.path, 'rev-parse', 'HEAD~1')).toBe(before);
    expect(git(repo.path, 'diff', '--name-only', 'HEAD~1', 'HEAD').split('\n')).toEqual(result.changedFiles);
    const changed = parseDescriptors(readFileSync(join(repo.path, result.changedFiles[0]!), 'utf8'));
    expect(changed.filter((e) => String(e.metadata.description).includes('(revised ')).length).toBe(
      result.changedEntities,
    );
    expect(readAll(catalog)).toHaveLength(catalog.entityCount);
    // A second mutation replaces the revision mark instead of stacking them.
    await mutateLargeCatalog({ repoPath: repo.path, files: 1, seed: 1 });
    const twice = parseDescriptors(readFileSync(join(repo.path, result.changedFiles[0]!), 'utf8'));
    for (const e of twice)
      expect(String(e.metadata.description ?? '').match(/revised/g)?.length ?? 0).toBeLessThanOrEqual(1);
  });
});
