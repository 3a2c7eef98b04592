import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { isVulnerableLogLibVersion, LOG_LIB_NAME } from './fleet-plan.js';
import { DEMO_FLEET_MARKER, ensureDemoFleet, type Fleet, generateFleet } from './generate-fleet.js';
import { DEPLOYMENT_FILE } from './repo-files.js';
import {
  danglingRefs,
  type LooseEntity,
  NAME_PATTERN,
  parseDescriptors,
  TAG_PATTERN,
} from './testing/descriptor-checks.js';

const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', args, { cwd, encoding: 'utf8', env: { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null' } }).trim();

const MANIFEST = {
  'node-service': 'package.json',
  library: 'package.json',
  website: 'package.json',
  'java-service': 'pom.xml',
  pipeline: 'requirements.txt',
};

// Real git processes: generous limits, as a busy machine can make each one slow.
vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

const root = mkdtempSync(join(tmpdir(), 'demo-fleet-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const trackedCache = new Map<string, string[]>();
function tracked(path: string): string[] {
  let files = trackedCache.get(path);
  if (!files) {
    files = git(path, 'ls-files').split('\n');
    trackedCache.set(path, files);
  }
  return files;
}

function readEntities(fleet: Fleet): LooseEntity[] {
  const org = readdirSync(fleet.orgRepo)
    .filter((f) => f.endsWith('.yaml'))
    .flatMap((f) => parseDescriptors(readFileSync(join(fleet.orgRepo, f), 'utf8'), f));
  const components = fleet.repos.flatMap((r) =>
    parseDescriptors(readFileSync(join(r.path, 'catalog-info.yaml'), 'utf8'), r.name),
  );
  return [...org, ...components];
}

describe('generateFleet (30 repositories)', () => {
  let fleet: Fleet;
  beforeAll(async () => {
    fleet = await generateFleet({ dir: join(root, 'thirty'), size: 30, seed: 1 });
  }, 120_000);

  it('creates one real, clean git repository per component plus the org repository', () => {
    expect(fleet.repos).toHaveLength(30);
    expect(new Set(fleet.repos.map((r) => r.name)).size).toBe(30);
    for (const path of [fleet.orgRepo, ...fleet.repos.map((r) => r.path)]) {
      // One process per repository: branch, and no staged, changed or untracked file.
      expect(git(path, 'status', '--porcelain', '--branch')).toBe('## main');
    }
    for (const repo of fleet.repos.slice(0, 5)) {
      expect(git(repo.path, 'log', '--format=%H %an <%ae> %aI')).toBe(
        `${repo.commit} Backbeat Demo <demo@backbeat.example> 2025-01-06T09:00:00+00:00`,
      );
    }
    expect(git(fleet.repos[0]!.path, 'fsck', '--strict')).toBe('');
  }, 120_000);

  it('gives every repository a descriptor and a manifest, and deployables a deployment', () => {
    expect(new Set(fleet.repos.map((r) => r.kind))).toEqual(
      new Set(['node-service', 'java-service', 'library', 'website', 'pipeline']),
    );
    for (const repo of fleet.repos) {
      const files = tracked(repo.path);
      expect(files).toContain('catalog-info.yaml');
      expect(files).toContain(MANIFEST[repo.kind]);
      if (repo.kind === 'library') expect(files).not.toContain(DEPLOYMENT_FILE);
      else {
        expect(files).toContain(DEPLOYMENT_FILE);
        const deployment = yaml.load(readFileSync(join(repo.path, DEPLOYMENT_FILE), 'utf8')) as {
          spec: { replicas: number; template: { spec: { containers: { image: string }[] } } };
        };
        expect(deployment.spec.replicas).toBeGreaterThan(0);
        expect(deployment.spec.template.spec.containers[0]!.image).toContain(repo.name);
      }
    }
  });

  it('varies repository health so tech-health checks have a spread', () => {
    const has = (file: string) => fleet.repos.filter((r) => existsSync(join(r.path, file))).length;
    for (const file of ['README.md', '.github/CODEOWNERS', '.github/workflows/ci.yml']) {
      expect(has(file)).toBeGreaterThan(0);
      expect(has(file)).toBeLessThanOrEqual(30);
    }
    expect(has('README.md')).toBeLessThan(30);
    expect(has('.github/CODEOWNERS')).toBeLessThan(30);
    const withTests = fleet.repos.filter((r) =>
      git(r.path, 'ls-files')
        .split('\n')
        .some((f) => /test/i.test(f)),
    );
    expect(withTests.length).toBeGreaterThan(0);
    expect(withTests.length).toBeLessThan(30);
  });

  it('pins log-lib and log4j-core at versions on both sides of the fix', () => {
    const versions = fleet.repos
      .filter((r) => r.kind === 'node-service')
      .map(
        (r) =>
          (JSON.parse(readFileSync(join(r.path, 'package.json'), 'utf8')) as { dependencies: Record<string, string> })
            .dependencies[LOG_LIB_NAME]!,
      );
    expect(versions.some(isVulnerableLogLibVersion)).toBe(true);
    expect(versions.some((v) => !isVulnerableLogLibVersion(v))).toBe(true);
    const log4j = fleet.repos
      .filter((r) => r.kind === 'java-service')
      .map(
        (r) =>
          /<artifactId>log4j-core<\/artifactId>\s*<version>([^<]+)</.exec(
            readFileSync(join(r.path, 'pom.xml'), 'utf8'),
          )?.[1],
      );
    expect(log4j.every(Boolean)).toBe(true);
    expect(log4j.some((v) => isVulnerableLogLibVersion(v!))).toBe(true);
  });

  it('writes descriptors that parse, carry the required fields and refer only to generated entities', () => {
    const entities = readEntities(fleet);
    expect(danglingRefs(entities)).toEqual([]);
    const groups = new Set(entities.filter((e) => e.kind === 'Group').map((g) => g.metadata.name));
    const components = entities.filter((e) => e.kind === 'Component');
    expect(components).toHaveLength(30);
    for (const c of components) {
      expect(c.apiVersion).toBe('backstage.io/v1alpha1');
      expect(c.metadata.name).toMatch(NAME_PATTERN);
      expect(typeof c.spec.type).toBe('string');
      expect(['production', 'experimental', 'deprecated']).toContain(c.spec.lifecycle);
      expect(groups.has(String(c.spec.owner))).toBe(true);
      for (const tag of c.metadata.tags ?? []) expect(tag).toMatch(TAG_PATTERN);
      expect(fleet.repos.find((r) => r.name === c.metadata.name)?.owner).toBe(c.spec.owner);
    }
    expect(components.filter((c) => (c.spec.providesApis as string[] | undefined)?.length).length).toBeGreaterThan(3);
    expect(components.filter((c) => (c.spec.dependsOn as string[] | undefined)?.length).length).toBeGreaterThan(3);
  });
});

describe('generateFleet determinism and size', () => {
  it('gives the same commits for the same seed and different ones for another seed', async () => {
    const a = await generateFleet({ dir: join(root, 'a'), size: 6, seed: 42 });
    const b = await generateFleet({ dir: join(root, 'b'), size: 6, seed: 42 });
    const c = await generateFleet({ dir: join(root, 'c'), size: 6, seed: 43 });
    expect(b.repos.map((r) => r.commit)).toEqual(a.repos.map((r) => r.commit));
    expect(git(b.orgRepo, 'rev-parse', 'HEAD')).toBe(git(a.orgRepo, 'rev-parse', 'HEAD'));
    expect(c.repos.map((r) => r.commit)).not.toEqual(a.repos.map((r) => r.commit));
    expect(readdirSync(join(root, 'a', 'repos'))).toHaveLength(6);
  });

  it('generates repositories beyond the hand-written thirty with unique names and owners from the org', async () => {
    const fleet = await generateFleet({ dir: join(root, 'forty'), size: 40, seed: 3 });
    expect(fleet.repos).toHaveLength(40);
    expect(new Set(fleet.repos.map((r) => r.name)).size).toBe(40);
    expect(danglingRefs(readEntities(fleet))).toEqual([]);
  });

  it('refuses to generate over an existing fleet', async () => {
    await generateFleet({ dir: join(root, 'twice'), size: 1 });
    await expect(generateFleet({ dir: join(root, 'twice'), size: 1 })).rejects.toThrow(/already holds a fleet/);
  });

  it('rejects a size that is not a positive integer', async () => {
    await expect(generateFleet({ dir: join(root, 'bad'), size: 0 })).rejects.toThrow(/positive integer/);
  });
});

describe('ensureDemoFleet', () => {
  it('generates once under <dataDir>/demo-fleet and returns the same fleet afterwards', async () => {
    const dataDir = join(root, 'data');
    const first = await ensureDemoFleet(dataDir, { size: 5 });
    expect(first.orgRepo).toBe(join(dataDir, 'demo-fleet', 'org'));
    expect(first.repos).toHaveLength(5);
    expect(first.repos[0]!.path).toBe(join(dataDir, 'demo-fleet', 'repos', first.repos[0]!.name));
    const marker = join(dataDir, 'demo-fleet', DEMO_FLEET_MARKER);
    const markedAt = statSync(marker).mtimeMs;
    // A change someone made in the demo fleet must survive the next start.
    writeFileSync(join(first.repos[0]!.path, 'NOTES.md'), 'mine\n');
    const second = await ensureDemoFleet(dataDir, { size: 5 });
    expect(second).toEqual(first);
    expect(statSync(marker).mtimeMs).toBe(markedAt);
    expect(existsSync(join(first.repos[0]!.path, 'NOTES.md'))).toBe(true);
    expect(readdirSync(dataDir)).toEqual(['demo-fleet']);
  });
});
