import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isVulnerableLogLibVersion, LOG_LIB_FIXED_VERSION, LOG_LIB_NAME } from '@backbeat/demo-fleet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runGit } from '../../platform/git/index.js';
import { ForbiddenError, ValidationError } from '../../platform/http/problem.js';
import { allTargets, createFleetHarness, FLEET_ADMIN, type FleetHarness } from './testing/fleet-harness.js';
import { shiftYaml as buildShiftYaml } from './testing/shift-yaml.js';

/**
 * The whole loop on real git repositories and the engine's real job queue: target
 * query over catalog and manifests, preview, publish, checks in the sandbox,
 * auto-merge into the base branch, re-apply, close.
 */
let h: FleetHarness;

beforeAll(async () => {
  h = await createFleetHarness({ size: 12 });
}, 120_000);
afterAll(() => h?.dispose());

function shiftYaml(options: { name: string; automerge?: boolean; exclude?: string[] }): string {
  return buildShiftYaml({
    name: options.name,
    targets: [
      'filter:',
      '  kind: [component]',
      '  tag: [node]',
      'dependency:',
      `  name: ${LOG_LIB_NAME}`,
      `  below: ${LOG_LIB_FIXED_VERSION}`,
      ...(options.exclude ? ['exclude:', ...options.exclude.map((r) => `  - ${r}`)] : []),
    ],
    steps: ['- type: bump-dependency', `  dependency: ${LOG_LIB_NAME}`, `  to: ${LOG_LIB_FIXED_VERSION}`],
    title: 'Upgrade log-lib in {{ entity.metadata.name }}',
    automerge: [`enabled: ${options.automerge ?? true}`],
  });
}

/** The log-lib version a repository's main branch declares, read from git (not the work tree). */
async function logLibOnMain(repoPath: string): Promise<string | undefined> {
  const text = (await runGit(['show', 'main:package.json'], { cwd: repoPath }).catch(() => undefined))?.stdout;
  if (!text) return undefined;
  const manifest = JSON.parse(text.toString('utf8')) as { dependencies?: Record<string, string> };
  return manifest.dependencies?.[LOG_LIB_NAME];
}

async function branches(repoPath: string): Promise<string[]> {
  const { stdout } = await runGit(['for-each-ref', '--format=%(refname:short)', 'refs/heads/'], { cwd: repoPath });
  return stdout.toString('utf8').split('\n').filter(Boolean);
}

describe('fleet shift on real repositories', () => {
  it('rejects an invalid spec with its line and field, and creates nothing', async () => {
    const broken = shiftYaml({ name: 'broken' }).replace('type: bump-dependency', 'type: bump-dependencies');
    const error = await h.fleet.shifts.apply(FLEET_ADMIN, { yaml: broken }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    const problem = (error as ValidationError).errors[0];
    expect(problem?.field).toMatch(/^spec\.steps\[0\]/);
    expect(problem?.line).toBeGreaterThan(10);
    expect(await h.fleet.shifts.list()).toEqual([]);
  });

  it('refuses a shift owned by a group the person is not in', async () => {
    const outsider = { ...FLEET_ADMIN, id: 'u2', userRef: 'user:default/nobody', isAdmin: false };
    await expect(h.fleet.shifts.apply(outsider, { yaml: shiftYaml({ name: 'not-mine' }) })).rejects.toBeInstanceOf(
      ForbiddenError,
    );
  });

  it('previews diffs for exactly the vulnerable Node repositories without pushing anything', async () => {
    await h.fleet.shifts.apply(FLEET_ADMIN, { yaml: shiftYaml({ name: 'log-lib-preview' }), preview: true });
    await h.settle('log-lib-preview', ['planned', 'no-change', 'plan-failed']);
    const targets = await allTargets(h.fleet, 'log-lib-preview');
    for (const repo of h.demo.repos) {
      const target = targets.find((t) => t.entityRef === `component:default/${repo.name}`);
      if (repo.kind !== 'node-service') {
        expect(target, repo.name).toBeUndefined();
        continue;
      }
      const version = readManifestVersion(repo.path);
      expect(target?.state, repo.name).toBe(version && isVulnerableLogLibVersion(version) ? 'planned' : 'no-change');
    }
    const planned = targets.filter((t) => t.state === 'planned');
    expect(planned.length).toBeGreaterThan(0);
    const detail = await h.fleet.shifts.targetDetail('log-lib-preview', planned[0]?.id as string);
    expect(detail.diff).toMatch(new RegExp(`\\n\\+\\s+"${LOG_LIB_NAME}": "[\\^~]?${LOG_LIB_FIXED_VERSION}"`));
    expect(detail.diff).toMatch(new RegExp(`\\n-\\s+"${LOG_LIB_NAME}": "`));
    for (const repo of h.demo.repos) expect(await branches(repo.path), repo.name).toEqual(['main']);
  }, 120_000);

  it('publishes, checks and auto-merges; failing checks stay open', async () => {
    // Someone removed the tests of one vulnerable service: its checks must fail and block the merge.
    const untested = h.demo.repos.find((r) => {
      const version = r.kind === 'node-service' ? readManifestVersion(r.path) : undefined;
      return version !== undefined && isVulnerableLogLibVersion(version);
    }) as (typeof h.demo.repos)[number];
    await runGit(['rm', '-r', '-q', 'test'], { cwd: untested.path });
    await runGit(['-c', 'user.name=Dev', '-c', 'user.email=dev@example.com', 'commit', '-q', '-m', 'Drop the tests'], {
      cwd: untested.path,
    });
    const applied = await h.fleet.shifts.apply(FLEET_ADMIN, { yaml: shiftYaml({ name: 'log-lib' }) });
    expect(applied.preview).toBe(false);
    await h.settle('log-lib', ['merged', 'checks-failed', 'no-change', 'plan-failed', 'failed']);
    const targets = await allTargets(h.fleet, 'log-lib');
    const merged = targets.filter((t) => t.state === 'merged');
    const red = targets.filter((t) => t.state === 'checks-failed');
    expect(red.map((t) => t.entityRef)).toEqual([`component:default/${untested.name}`]);
    expect(merged.length).toBeGreaterThan(0);
    expect(targets.filter((t) => t.state === 'failed' || t.state === 'plan-failed')).toEqual([]);
    for (const target of merged) {
      const repo = h.demo.repos.find((r) => target.entityRef.endsWith(`/${r.name}`));
      expect(await logLibOnMain(repo?.path as string)).toMatch(new RegExp(`^[\\^~]?${LOG_LIB_FIXED_VERSION}$`));
      expect(await branches(repo?.path as string)).toEqual(['main']);
    }
    for (const target of red) {
      const repo = h.demo.repos.find((r) => target.entityRef.endsWith(`/${r.name}`));
      expect(await branches(repo?.path as string)).toContain('backbeat/log-lib');
      const detail = await h.fleet.shifts.targetDetail('log-lib', target.id);
      expect(detail.checkLog).toContain('no tests');
      expect(detail.mergeable).toBe(false);
    }
    const detail = await h.fleet.shifts.detail('log-lib');
    expect(detail.merged).toBe(merged.length);
    expect(detail.burndown.at(-1)?.merged).toBe(merged.length);
    const mergedEvents = (await h.events.list({ type: 'fleet.change.merged' })).filter(
      (e) => e.data?.shift === 'log-lib',
    );
    expect(mergedEvents).toHaveLength(merged.length);
  }, 180_000);

  it('closes a target removed from the spec and deletes its branch', async () => {
    const red = (await allTargets(h.fleet, 'log-lib')).filter((t) => t.state === 'checks-failed');
    // The generated fleet has vulnerable Node services without tests, whose checks fail.
    expect(red.length).toBeGreaterThan(0);
    const [first] = red;
    await h.fleet.shifts.apply(FLEET_ADMIN, {
      yaml: shiftYaml({ name: 'log-lib', exclude: [first?.entityRef as string] }),
    });
    await h.settle('log-lib', ['merged', 'no-change', 'closed']);
    const after = await h.fleet.shifts.targetDetail('log-lib', first?.id as string);
    expect(after.state).toBe('closed');
    const repo = h.demo.repos.find((r) => first?.entityRef.endsWith(`/${r.name}`));
    expect(await branches(repo?.path as string)).toEqual(['main']);
  }, 120_000);
});

function readManifestVersion(repoPath: string): string | undefined {
  try {
    const manifest = JSON.parse(readFileSync(join(repoPath, 'package.json'), 'utf8')) as {
      dependencies?: Record<string, string>;
    };
    return manifest.dependencies?.[LOG_LIB_NAME]?.replace(/^[\^~]/, '');
  } catch {
    return undefined;
  }
}
