import { existsSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../platform/auth/actor.js';
import { runGit } from '../../platform/git/index.js';
import { ForbiddenError, ValidationError } from '../../platform/http/problem.js';
import type { CheckResult, TrackCertification } from './index.js';
import { REFRESH_ALL_JOB } from './jobs.js';
import {
  createHealthHarness,
  exampleDefinitionFiles,
  HEALTH_ADMIN,
  type HealthHarness,
} from './testing/health-harness.js';

let h: HealthHarness;
const componentRef = (name: string) => `component:default/${name}`;

beforeAll(async () => {
  h = await createHealthHarness({ size: 12 });
  const loaded = await h.health.service.loadDefinitionFiles(HEALTH_ADMIN, exampleDefinitionFiles());
  expect(loaded.problems).toEqual([]);
});
afterAll(() => h?.dispose());

async function standing(ref: string): Promise<{ results: CheckResult[]; certifications: TrackCertification[] }> {
  const [row] = await h.store.entityStates([ref]);
  if (!row) throw new Error(`${ref} was not evaluated`);
  return { results: JSON.parse(row.results_json), certifications: JSON.parse(row.certifications_json) };
}

function statusOf(results: CheckResult[], check: string) {
  return results.find((r) => r.check === check)?.status;
}

async function commit(repoPath: string, file: string, content: string) {
  const { writeFileSync } = await import('node:fs');
  writeFileSync(join(repoPath, file), content);
  await runGit(['add', '--all'], { cwd: repoPath });
  await runGit(['-c', 'user.name=T', '-c', 'user.email=t@example.invalid', 'commit', '-q', '-m', `add ${file}`], {
    cwd: repoPath,
  });
}

describe('tech health over a real demo fleet', () => {
  it('collects facts as queue jobs and certifies every component from what its repository holds', async () => {
    await h.queue.start();
    await h.queue.enqueue(REFRESH_ALL_JOB, {});
    const deadline = Date.now() + 45_000;
    while ((await h.store.entityStates()).length < h.demo.repos.length) {
      if (Date.now() > deadline) throw new Error('the refresh jobs did not finish');
      await new Promise((r) => setTimeout(r, 100));
    }
    // Let the last batch finish its write before reading everything.
    while ((await h.queue.stats()).running + (await h.queue.stats()).waiting > 0)
      await new Promise((r) => setTimeout(r, 50));
    await h.queue.stop();

    const levels = new Set<string | null>();
    for (const repo of h.demo.repos) {
      const { results, certifications } = await standing(componentRef(repo.name));
      expect(statusOf(results, 'has-readme')).toBe(existsSync(join(repo.path, 'README.md')) ? 'passed' : 'failed');
      expect(statusOf(results, 'has-codeowners')).toBe(
        existsSync(join(repo.path, '.github/CODEOWNERS')) ? 'passed' : 'failed',
      );
      expect(statusOf(results, 'has-valid-owner')).toBe('passed');
      const golden = certifications.find((c) => c.track === 'golden-state');
      expect(golden).toBeDefined();
      // The level is the highest that passes with every level below it.
      const firstFailing = golden!.levels.findIndex((l) => !l.passed);
      expect(golden!.rank).toBe(firstFailing === -1 ? golden!.levels.length : firstFailing);
      levels.add(golden!.level);
    }
    expect(levels.size).toBeGreaterThanOrEqual(2);

    const facts = await h.health.service.entityHealth(componentRef(h.demo.repos[0]!.name));
    expect(facts.facts.repository?.facts).toMatchObject({ head: h.demo.repos[0]!.commit, files: expect.any(Object) });
    expect(facts.facts.catalog?.facts).toMatchObject({ owner: { present: true, valid: true } });
    const usage = await h.health.reader.listDependencyUsage();
    expect(usage.some((u) => u.name === 'log-lib' && u.ecosystem === 'npm')).toBe(true);
  });

  it('re-collects unchanged repositories without reading or writing anything', async () => {
    const historyBefore = (await h.database.db.selectFrom('health_fact_history').select('id').execute()).length;
    const report = await h.health.service.collect();
    expect(report.errors).toEqual([]);
    expect(report.unchanged).toBe(h.demo.repos.length);
    expect(report.changed).toBe(0);
    const historyAfter = (await h.database.db.selectFrom('health_fact_history').select('id').execute()).length;
    expect(historyAfter).toBe(historyBefore);
    const evaluation = await h.health.service.evaluate();
    expect(evaluation.changed).toBe(0);
  });

  it('collects a moved HEAD again and records the change in the history', async () => {
    const repo = h.demo.repos.find((r) => !existsSync(join(r.path, 'README.md')));
    if (!repo) throw new Error('the demo fleet should have a repository without a README');
    const ref = componentRef(repo.name);
    const levelBefore = (await standing(ref)).certifications[0]!.rank;
    await commit(repo.path, 'README.md', '# Now documented\n');
    const { collection, evaluation } = await h.health.service.refresh();
    expect(collection.unchanged).toBe(h.demo.repos.length - 1);
    expect(collection.changed).toBe(1);
    expect(evaluation.changed).toBe(1);
    expect(statusOf((await standing(ref)).results, 'has-readme')).toBe('passed');
    const history = await h.store.factHistory(ref, 'repository');
    expect(history).toHaveLength(2);
    const results = (await h.health.service.entityHistory(ref)).results;
    expect(results.at(-1)?.statuses['has-readme']).toBe('passed');
    expect(results.at(-2)?.statuses['has-readme']).toBe('failed');
    const levelAfter = (await standing(ref)).certifications[0]!.rank;
    const certHistory = (await h.health.service.entityHistory(ref)).certifications;
    expect(certHistory.length).toBe(levelAfter === levelBefore ? 1 : 2);
  });

  it('records a fact error for a repository that cannot be read and goes on with the others', async () => {
    const repo = h.demo.repos[1]!;
    const ref = componentRef(repo.name);
    const moved = `${repo.path}-gone`;
    renameSync(repo.path, moved);
    try {
      const report = await h.health.service.refresh();
      expect(report.collection.errors).toEqual([
        { entityRef: ref, collector: 'repository', error: expect.any(String) },
      ]);
      expect(report.collection.unchanged).toBe(h.demo.repos.length - 1);
      const entity = await h.health.service.entityHealth(ref);
      expect(entity.facts.repository?.error).toBeTruthy();
      // The last good facts still count.
      expect(entity.facts.repository?.facts).toMatchObject({ head: repo.commit });
    } finally {
      renameSync(moved, repo.path);
    }
    const again = await h.health.service.collect();
    expect(again.errors).toEqual([]);
    const entity = await h.health.service.entityHealth(ref);
    expect(entity.facts.repository?.error).toBeNull();
  });

  it('lets only owners attest a manual check, and the attestation counts', async () => {
    const service = h.demo.repos.find((r) => r.kind === 'node-service' || r.kind === 'java-service')!;
    const ref = componentRef(service.name);
    const before = await standing(ref);
    const dr = before.results.find((r) => r.check === 'disaster-recovery-tested');
    const outsider: Actor = {
      kind: 'user',
      id: 'x',
      userRef: 'user:default/nobody',
      displayName: 'Nobody',
      isAdmin: false,
      scopes: ['read', 'write'],
    };
    await expect(
      h.health.service.attest(outsider, { entityRef: ref, check: 'disaster-recovery-tested', status: 'passed' }),
    ).rejects.toBeInstanceOf(ForbiddenError);
    if (dr?.status === 'not-applicable') return; // an experimental service: nothing to attest
    const owner: Actor = { ...outsider, userRef: 'user:default/maya.okafor', id: 'maya', displayName: 'Maya' };
    const isMember = (await h.catalog.membership.groupsOf('user:default/maya.okafor')).includes(service.ownerRef);
    const actor = isMember ? owner : HEALTH_ADMIN;
    const after = await h.health.service.attest(actor, {
      entityRef: ref,
      check: 'disaster-recovery-tested',
      status: 'passed',
      note: 'restored from backup',
    });
    expect(after.results.find((r) => r.check === 'disaster-recovery-tested')).toMatchObject({
      status: 'passed',
      attestation: { by: actor.userRef, note: 'restored from backup' },
    });
    expect(h.events.events.some((e) => e.type === 'health.check.attested' && e.subject === ref)).toBe(true);
    await expect(
      h.health.service.attest(HEALTH_ADMIN, { entityRef: ref, check: 'has-readme', status: 'passed' }),
    ).rejects.toBeInstanceOf(ValidationError);
  });

  it('applies definitions for admins only, all or nothing, with file, line and field', async () => {
    const user: Actor = {
      kind: 'user',
      id: 'u',
      userRef: 'user:default/jane',
      displayName: 'Jane',
      isAdmin: false,
      scopes: ['read', 'write'],
    };
    const yaml =
      'apiVersion: backbeat.dev/v1\nkind: Check\nmetadata: { name: has-license }\nspec:\n  rule: { fact: repository.files.license, exists: true }\n';
    await expect(h.health.service.applyDefinitions(user, { yaml })).rejects.toBeInstanceOf(ForbiddenError);
    const bad = `${yaml}---\napiVersion: backbeat.dev/v1\nkind: Track\nmetadata: { name: other }\nspec:\n  levels:\n    - name: one\n      checks: [has-license, missing-check]\n`;
    const error = await h.health.service
      .applyDefinitions(HEALTH_ADMIN, { yaml: bad, file: 'extra.yaml' })
      .catch((e) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).errors, JSON.stringify((error as ValidationError).errors)).toEqual([
      expect.objectContaining({ field: 'extra.yaml:13 (document 2) spec.levels[0].checks[1]', line: 13, column: 29 }),
    ]);
    expect((await h.health.service.definitions()).some((d) => d.name === 'has-license')).toBe(false);
    const applied = await h.health.service.applyDefinitions(HEALTH_ADMIN, { yaml, file: 'extra.yaml' });
    expect(applied.applied).toEqual([{ kind: 'Check', name: 'has-license', changed: true }]);
    expect(h.events.events.filter((e) => e.type === 'health.definition.applied').at(-1)?.subject).toBe(
      'Check/has-license',
    );
    await h.health.service.deleteDefinition(HEALTH_ADMIN, 'Check', 'has-license');
    await expect(h.health.service.deleteDefinition(HEALTH_ADMIN, 'Check', 'has-readme')).rejects.toThrow(
      /used by Track golden-state/,
    );
  });

  it('rolls up per group: pass rates, distribution, trend and leaderboard', async () => {
    const rollup = await h.health.service.rollup('group:default/cadence-engineering');
    expect(rollup.group.type).toBe('department');
    expect(rollup.components).toBe(h.demo.repos.length);
    const track = rollup.tracks.find((t) => t.track === 'golden-state')!;
    expect(track.distribution.reduce((n, d) => n + d.count, 0)).toBe(h.demo.repos.length);
    const today = track.trend.at(-1)!;
    for (const d of track.distribution) expect(today.counts[d.level ?? 'none']).toBe(d.count);
    const readme = rollup.checks.find((c) => c.check === 'has-readme')!;
    const withReadme = h.demo.repos.filter((r) => existsSync(join(r.path, 'README.md'))).length;
    expect(readme.passed).toBe(withReadme);
    expect(rollup.leaderboard.length).toBeGreaterThan(1);
    expect(rollup.leaderboard.reduce((n, r) => n + r.components, 0)).toBe(h.demo.repos.length);
    const squad = rollup.leaderboard.at(-1)!.group;
    const squadRollup = await h.health.service.rollup(squad);
    expect(squadRollup.components).toBe(rollup.leaderboard.at(-1)!.components);
  });

  it('tracks a campaign with a burndown per squad', async () => {
    const [campaign] = await h.health.service.campaigns();
    expect(campaign?.name).toBe('patch-vulnerable-logging');
    let failing = 0;
    for (const repo of h.demo.repos) {
      if (statusOf((await standing(componentRef(repo.name))).results, 'no-vulnerable-logging') === 'failed') failing++;
    }
    expect(campaign!.totals.failing).toBe(failing);
    expect(campaign!.burndown.at(-1)?.failing).toBe(failing);
    expect(campaign!.bySquad.reduce((n, s) => n + s.failing, 0)).toBe(failing);
    expect(campaign!.bySquad.reduce((n, s) => n + (s.burndown.at(-1)?.failing ?? 0), 0)).toBe(failing);
    for (const squad of campaign!.bySquad) expect(squad.burndown.at(-1)?.failing).toBe(squad.failing);
  });

  it("answers Fleet Shift's gate from the stored certification", async () => {
    const rows = (await h.store.entityStates()).filter((r) => r.entity_ref.startsWith('component:'));
    const rankOf = (row: (typeof rows)[number]) =>
      (JSON.parse(row.certifications_json) as TrackCertification[])[0]!.rank;
    const low = rows.find((r) => rankOf(r) === 0);
    const high = rows.find((r) => rankOf(r) >= 1);
    if (!low || !high) throw new Error('the demo fleet should have components at and below bronze');
    expect(await h.health.gate(high.entity_ref, 'bronze')).toEqual({ allowed: true });
    expect(await h.health.gate(high.entity_ref, 'golden-state/bronze')).toEqual({ allowed: true });
    const denied = await h.health.gate(low.entity_ref, 'bronze');
    expect(denied.allowed).toBe(false);
    expect(denied.reason).toMatch(/below bronze \(golden-state: not certified\)/);
    expect((await h.health.gate(high.entity_ref, 'platinum')).reason).toMatch(/no track has a level "platinum"/);
    expect((await h.health.gate('component:default/never-seen', 'bronze')).allowed).toBe(false);
  });
});
