import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHECK_TARGET_JOB, MERGE_TARGET_JOB, PLAN_TARGET_JOB, PUBLISH_TARGET_JOB } from './jobs.js';
import { createFleetHarness, dropDeclaredChecks, FLEET_ADMIN, type FleetHarness } from './testing/fleet-harness.js';
import { branchesOf, fileOnMain, historyProblems, mainHistory } from './testing/fleet-invariants.js';
import { DEPRECATE_LIFECYCLE_STEPS, onlyTargets, shiftYaml } from './testing/shift-yaml.js';

/**
 * A transition and the step after it are not one transaction, so a kill -9 can fall
 * between them: the target is one state on, and the job that moved it never queued
 * its next step. Here each such step fails once, right after its transition, and the
 * queue runs the job again as it does after a restart. Every target must still get
 * to the end, each with exactly one change and a history without gaps.
 */
let h: FleetHarness;
const SHIFT = 'interrupted';

type Repo = FleetHarness['demo']['repos'][number];
let canary: Repo;
let unchecked: Repo;
let checked: Repo;
const commitsBefore = new Map<Repo, number>();

const refOf = (repo: Repo) => `component:default/${repo.name}`;

const INTERRUPTED_STEPS = [
  // The direct merge of the canary: published, then merged, then the main wave opens.
  'fleet.change.published',
  MERGE_TARGET_JOB,
  'fleet.change.merged',
  // Planned and scheduled, then its publish queued.
  PUBLISH_TARGET_JOB,
  // Published and moved to checks-pending, then its check queued.
  CHECK_TARGET_JOB,
];

beforeAll(async () => {
  h = await createFleetHarness({
    size: 5,
    interrupt: {
      events: ['fleet.change.published', 'fleet.change.merged'],
      jobs: [PUBLISH_TARGET_JOB, CHECK_TARGET_JOB, MERGE_TARGET_JOB],
    },
  });
  [canary, unchecked, checked] = h.demo.repos as [Repo, Repo, Repo];
  // Nothing to check: these two merge straight into main when published.
  for (const repo of [canary, unchecked]) {
    await dropDeclaredChecks(repo.path);
  }
  for (const repo of [canary, unchecked, checked]) commitsBefore.set(repo, (await mainHistory(repo.path)).length);
}, 180_000);
afterAll(() => h?.dispose());

describe('a step cut off right after its transition', () => {
  it('is taken when the queue runs the job again, and every target finishes with one change', async () => {
    await h.fleet.shifts.apply(FLEET_ADMIN, {
      yaml: shiftYaml({
        name: SHIFT,
        targets: onlyTargets([canary, unchecked, checked].map(refOf)),
        steps: DEPRECATE_LIFECYCLE_STEPS,
        rollout: ['canary:', `  - ${refOf(canary)}`],
        automerge: ['enabled: true', 'requireChecks: false'],
      }),
    });

    await h.settle(SHIFT, ['merged', 'checks-failed'], 90_000);
    expect([...h.interrupted].sort()).toEqual([...INTERRUPTED_STEPS].sort());

    for (const repo of [canary, unchecked]) {
      expect((await h.fleet.shifts.targetDetail(SHIFT, refOf(repo))).state).toBe('merged');
    }
    for (const repo of [canary, unchecked, checked]) {
      const detail = await h.fleet.shifts.targetDetail(SHIFT, refOf(repo));
      expect(historyProblems(detail.history)).toEqual([]);
      const commits = (await mainHistory(repo.path)).length - (commitsBefore.get(repo) ?? 0);
      expect(commits).toBe(detail.state === 'merged' ? 1 : 0);
      if (detail.state === 'merged') {
        expect(await fileOnMain(repo.path, 'catalog-info.yaml')).toMatch(/lifecycle: deprecated/);
        expect(await branchesOf(repo.path)).toEqual(['main']);
      }
    }
    // The checked repository's checks ran: its interrupted check job was queued again.
    const checkedHistory = (await h.fleet.shifts.targetDetail(SHIFT, refOf(checked))).history.map((t) => t.to);
    expect(checkedHistory).toContain('checks-pending');
    expect(checkedHistory.some((to) => to === 'checks-passed' || to === 'checks-failed')).toBe(true);
  }, 120_000);
});

describe('an apply cut off before it queued its plans', () => {
  it('leaves its targets pending, and applying the spec again plans and merges them', async () => {
    const cut = await createFleetHarness({ size: 3, interrupt: { jobs: [PLAN_TARGET_JOB] } });
    try {
      const yaml = shiftYaml({
        name: 'apply-interrupted',
        targets: onlyTargets(cut.demo.repos.slice(0, 2).map(refOf)),
        steps: DEPRECATE_LIFECYCLE_STEPS,
        automerge: ['enabled: true', 'requireChecks: false'],
      });
      await expect(cut.fleet.shifts.apply(FLEET_ADMIN, { yaml })).rejects.toThrow(
        /interrupted before fleet.plan-target/,
      );
      expect(cut.interrupted).toEqual([PLAN_TARGET_JOB]);
      const detail = await cut.fleet.shifts.detail('apply-interrupted');
      expect(detail.totals).toEqual({ pending: 2 });

      await cut.fleet.shifts.apply(FLEET_ADMIN, { yaml });
      await cut.settle('apply-interrupted', ['merged', 'checks-failed'], 60_000);
      for (const repo of cut.demo.repos.slice(0, 2)) {
        const target = await cut.fleet.shifts.targetDetail('apply-interrupted', refOf(repo));
        expect(historyProblems(target.history)).toEqual([]);
      }
    } finally {
      await cut.dispose();
    }
  }, 120_000);
});
