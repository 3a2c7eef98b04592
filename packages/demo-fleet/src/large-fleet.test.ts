import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { generateLargeFleet, LARGE_FLEET_GROUPS, type LargeFleet, resetLargeFleet } from './large-fleet.js';

const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', ['-c', 'user.name=T', '-c', 'user.email=t@example.com', ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' },
  }).trim();
const show = (repo: string, file: string) => git(repo, 'show', `main:${file}`);

// Real git processes: generous limits, as a busy machine can make each one slow.
vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

const root = mkdtempSync(join(tmpdir(), 'large-fleet-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('generateLargeFleet', () => {
  let fleet: LargeFleet;
  beforeAll(async () => {
    fleet = await generateLargeFleet({ dir: join(root, 'one'), count: 4, filesPerRepo: 25, seed: 3 });
  });

  it('writes valid bare repositories whose main holds exactly filesPerRepo files', () => {
    expect(fleet.repos).toHaveLength(4);
    expect(new Set(fleet.repos.map((r) => r.name)).size).toBe(4);
    for (const repo of fleet.repos) {
      expect(git(repo.path, 'rev-parse', '--is-bare-repository')).toBe('true');
      git(repo.path, 'fsck', '--strict', '--no-dangling');
      expect(git(repo.path, 'rev-parse', 'main')).toBe(repo.commit);
      expect(git(repo.path, 'ls-tree', '-r', '--name-only', 'main').split('\n')).toHaveLength(25);
    }
  });

  it('describes each repository as a Node service owned by a group of the org repository', () => {
    const groups = yaml
      .loadAll(show(fleet.orgRepo, 'groups.yaml'))
      .map((d) => (d as { metadata: { name: string } }).metadata.name);
    expect(groups).toEqual(expect.arrayContaining([...LARGE_FLEET_GROUPS]));
    for (const repo of fleet.repos) {
      const descriptor = yaml.load(show(repo.path, 'catalog-info.yaml')) as {
        kind: string;
        metadata: { name: string; tags: string[] };
        spec: { type: string; owner: string };
      };
      expect(descriptor.kind).toBe('Component');
      expect(descriptor.metadata.name).toBe(repo.name);
      expect(descriptor.metadata.tags).toContain('node');
      expect(descriptor.spec.type).toBe('service');
      expect(descriptor.spec.owner).toBe(repo.owner);
      expect(groups).toContain(repo.owner);
    }
  });

  it('declares and locks a vulnerable log-lib in every repository, and no check config', () => {
    for (const repo of fleet.repos) {
      const pkg = JSON.parse(show(repo.path, 'package.json')) as { dependencies: Record<string, string> };
      const range = pkg.dependencies['log-lib'];
      expect(range).toMatch(/^\^2\.1[456]\.\d+$/);
      const lock = JSON.parse(show(repo.path, 'package-lock.json')) as {
        packages: Record<string, { version?: string }>;
      };
      expect(lock.packages['node_modules/log-lib']?.version).toBe(range?.slice(1));
      expect(git(repo.path, 'ls-tree', '-r', '--name-only', 'main', '--', '.backbeat')).toBe('');
    }
  });

  it('writes filler files of a few KB', () => {
    const repo = fleet.repos[0]!;
    const sizes = git(repo.path, 'ls-tree', '-r', '-l', 'main', '--', 'src')
      .split('\n')
      .map((line) => Number(line.split(/\s+/)[3]));
    expect(sizes.length).toBeGreaterThan(10);
    for (const size of sizes) {
      expect(size).toBeGreaterThan(1000);
      expect(size).toBeLessThan(8000);
    }
  });

  it('gives the same commits for the same seed and other commits for another seed', async () => {
    const again = await generateLargeFleet({ dir: join(root, 'two'), count: 4, filesPerRepo: 25, seed: 3 });
    expect(again.repos.map((r) => r.commit)).toEqual(fleet.repos.map((r) => r.commit));
    const other = await generateLargeFleet({ dir: join(root, 'three'), count: 4, filesPerRepo: 25, seed: 4 });
    expect(other.repos[0]!.commit).not.toBe(fleet.repos[0]!.commit);
  });

  it('accepts pushes of branches and of main, and resetLargeFleet undoes them', () => {
    const repo = fleet.repos[1]!;
    const work = join(root, 'work');
    git(root, 'clone', '-q', repo.path, work);
    writeFileSync(join(work, 'package.json'), '{}\n');
    git(work, 'commit', '-qam', 'Change');
    git(work, 'push', '-q', 'origin', 'HEAD:refs/heads/topic', 'HEAD:refs/heads/main');
    const pushed = git(work, 'rev-parse', 'HEAD');
    expect(git(repo.path, 'rev-parse', 'main')).toBe(pushed);

    resetLargeFleet(fleet);
    expect(git(repo.path, 'rev-parse', 'main')).toBe(repo.commit);
    expect(git(repo.path, 'for-each-ref', '--format=%(refname)')).toBe('refs/heads/main');
    git(repo.path, 'fsck', '--strict', '--no-dangling');
  });

  it('refuses a directory that already holds a fleet and bad counts', async () => {
    await expect(generateLargeFleet({ dir: join(root, 'one'), count: 1 })).rejects.toThrow(/already holds a fleet/);
    await expect(generateLargeFleet({ dir: join(root, 'four'), count: 0 })).rejects.toThrow(/count/);
    await expect(generateLargeFleet({ dir: join(root, 'five'), count: 1, filesPerRepo: 3 })).rejects.toThrow(
      /filesPerRepo/,
    );
  });
});
