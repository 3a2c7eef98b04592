import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../platform/db/testing/test-database.js';
import { createInMemoryEventLog } from '../../../platform/events/in-memory-event-log.js';
import { silentLogger } from '../../../platform/logging.js';
import { createJobQueue } from '../../../platform/queue/create-job-queue.js';
import type { JobQueueAdapter } from '../../../platform/queue/job-queue-adapter.js';
import { queueMigrations } from '../../../platform/queue/queue-migrations.js';
import { catalogMigrations, createCatalog } from '../../catalog/index.js';
import { createFleet, type Fleet, fleetMigrations } from '../index.js';
import type { TargetState } from '../model/target-state.js';
import { type FakeForge, startFakeForge } from '../testing/fake-forge.js';
import { allTargets, FLEET_ADMIN, settleShift } from '../testing/fleet-harness.js';
import { RateBudgets } from './rate-budget.js';
import { createCodeHostResolver } from './resolver.js';

/**
 * A shift over repositories on two hosted code hosts (a GitHub and a Gitea, both the
 * loopback fake forge): the catalog reads them over git smart-HTTP, the engine
 * publishes pull requests through the APIs, the forges' CI goes green, and
 * auto-merge merges the pull requests on the forges.
 */
let github: FakeForge;
let gitea: FakeForge;
let database: TestDatabase;
let queue: JobQueueAdapter;
let fleet: Fleet;
let dataDir: string;
const repos: { forge: () => FakeForge; fullName: string; url: string; name: string }[] = [];

function descriptor(name: string): string {
  return [
    'apiVersion: backstage.io/v1alpha1',
    'kind: Component',
    'metadata:',
    `  name: ${name}`,
    '  tags: [node]',
    'spec:',
    '  type: service',
    '  lifecycle: production',
    '  owner: group:default/team-a',
    '',
  ].join('\n');
}

beforeAll(async () => {
  github = await startFakeForge({ anonymousRead: true, passingCi: true });
  gitea = await startFakeForge({ anonymousRead: true, passingCi: true, token: 'gitea-token-0123456789' });
  for (const [forge, name] of [
    [() => github, 'web'],
    [() => gitea, 'api'],
  ] as const) {
    const fullName = `org/${name}`;
    const url = await forge().createRepository(fullName, {
      'catalog-info.yaml': descriptor(name),
      'config/app.yaml': 'logLevel: debug\n',
    });
    repos.push({ forge, fullName, url, name });
  }
  dataDir = mkdtempSync(join(tmpdir(), 'backbeat-hosted-flow-'));
  database = await createTestDatabase({ migrations: { ...queueMigrations, ...catalogMigrations, ...fleetMigrations } });
  const logger = silentLogger();
  const events = createInMemoryEventLog();
  queue = createJobQueue({ database, logger, timings: { pollIntervalMs: 50, retryBaseMs: 20 } });
  const catalog = createCatalog({
    database,
    queue,
    events,
    logger,
    config: { dataDir, catalogRefreshIntervalSeconds: 3600, readAllowList: { hosts: [], paths: [] } },
  });
  fleet = createFleet({
    database,
    queue,
    events,
    logger,
    catalog: catalog.reader,
    membership: catalog.membership,
    config: { dataDir },
    codeHosts: createCodeHostResolver(
      [
        { type: 'github', url: github.url, apiUrl: github.githubApiUrl, token: github.token },
        { type: 'gitea', url: gitea.url, apiUrl: gitea.giteaApiUrl, token: gitea.token },
      ],
      { budgets: new RateBudgets() },
    ),
  });
  for (const repo of repos) {
    await catalog.service.registerLocation({
      actor: FLEET_ADMIN,
      type: 'git',
      target: repo.url,
      options: { path: 'catalog-info.yaml' },
    });
  }
  await queue.start();
}, 120_000);

afterAll(async () => {
  await queue?.stop();
  await database?.dispose();
  await github?.dispose();
  await gitea?.dispose();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

const settle = (shift: string, states: readonly TargetState[], timeoutMs?: number) =>
  settleShift(fleet, shift, states, timeoutMs);

describe('fleet shift on hosted code hosts', () => {
  it('opens pull requests on GitHub and Gitea, waits for their CI and auto-merges them', async () => {
    const yaml = [
      'apiVersion: backbeat.dev/v1',
      'kind: Shift',
      'metadata:',
      '  name: quiet-logs',
      '  owner: group:default/team-a',
      'spec:',
      '  targets:',
      '    filter:',
      '      kind: [component]',
      '      tag: [node]',
      '  steps:',
      '    - type: replace',
      '      files: config/app.yaml',
      '      pattern: "logLevel: debug"',
      '      replacement: "logLevel: info"',
      '  change:',
      '    title: "Quieter logs in {{ entity.metadata.name }}"',
      '  automerge:',
      '    enabled: true',
    ].join('\n');
    await fleet.shifts.apply(FLEET_ADMIN, { yaml });
    await settle('quiet-logs', ['merged', 'failed', 'plan-failed', 'checks-failed', 'no-change']);
    const targets = await allTargets(fleet, 'quiet-logs');
    expect(targets.map((t) => `${t.entityRef}=${t.state}`).sort()).toEqual([
      'component:default/api=merged',
      'component:default/web=merged',
    ]);
    for (const repo of repos) {
      const forge = repo.forge();
      const pulls = forge.pulls(repo.fullName);
      expect(pulls, repo.name).toHaveLength(1);
      expect(pulls[0]).toMatchObject({ title: `Quieter logs in ${repo.name}`, state: 'closed', merged: true });
      expect(await forge.branchCommit(repo.fullName, 'main')).toBe(pulls[0]?.mergeCommit);
      expect(await forge.git(repo.fullName, ['show', 'main:config/app.yaml'])).toBe('logLevel: info');
      // The merged branch is deleted right after the merge is recorded.
      await expect
        .poll(() => forge.branchCommit(repo.fullName, pulls[0]?.head as string), { timeout: 10_000 })
        .toBeUndefined();
      const target = targets.find((t) => t.entityRef === `component:default/${repo.name}`);
      const detail = await fleet.shifts.targetDetail('quiet-logs', target?.id as string);
      // Green because the forge's CI said so: no check command is declared in the repository.
      expect(detail.checks).toBe('passed');
      expect(detail.checkLog).toMatch(/CI on (github|gitea) reported passed/);
      expect(detail.changeUrl).toMatch(new RegExp(`/${repo.fullName}/pulls?/1$`));
    }
    // Each flavour spoke its own dialect.
    expect(github.requests.some((r) => r.flavour === 'github' && r.method === 'PUT' && r.path.endsWith('/merge'))).toBe(
      true,
    );
    expect(gitea.requests.some((r) => r.flavour === 'gitea' && r.method === 'POST' && r.path.endsWith('/merge'))).toBe(
      true,
    );
  }, 120_000);

  it('shows a shift rate-limited until the forge allows it, then carries on', async () => {
    github.injectLimit({ kind: 'secondary', retryAfter: '3' });
    const asked = Date.now();
    const yaml = [
      'apiVersion: backbeat.dev/v1',
      'kind: Shift',
      'metadata:',
      '  name: warn-logs',
      '  owner: group:default/team-a',
      'spec:',
      '  targets:',
      '    filter:',
      '      kind: [component]',
      '  steps:',
      '    - type: replace',
      '      files: config/app.yaml',
      '      pattern: "logLevel: info"',
      '      replacement: "logLevel: warn"',
      '  change:',
      '    title: "Warnings only in {{ entity.metadata.name }}"',
      '  automerge:',
      '    enabled: true',
    ].join('\n');
    await fleet.shifts.apply(FLEET_ADMIN, { yaml });
    await expect
      .poll(async () => (await fleet.shifts.detail('warn-logs')).rateLimitedUntil, { timeout: 20_000, interval: 50 })
      .toBeDefined();
    const until = Date.parse((await fleet.shifts.detail('warn-logs')).rateLimitedUntil as string);
    expect(until).toBeGreaterThanOrEqual(asked + 3_000);
    expect(until).toBeLessThan(Date.now() + 3_500);
    await settle('warn-logs', ['merged', 'failed', 'plan-failed', 'checks-failed', 'no-change']);
    const targets = await allTargets(fleet, 'warn-logs');
    expect(targets.map((t) => t.state)).toEqual(['merged', 'merged']);
    for (const repo of repos) {
      expect(await repo.forge().git(repo.fullName, ['show', 'main:config/app.yaml'])).toBe('logLevel: warn');
      expect(
        repo
          .forge()
          .pulls(repo.fullName)
          .map((p) => p.merged),
      ).toEqual([true, true]);
    }
  }, 120_000);
});
