import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFleetStore } from './store/fleet-store.js';
import { createFleetHarness, dropDeclaredChecks, FLEET_ADMIN, type FleetHarness } from './testing/fleet-harness.js';
import { branchesOf, fileOnMain, historyProblems, waitFor } from './testing/fleet-invariants.js';
import { DEPRECATE_LIFECYCLE_STEPS, onlyTargets, shiftYaml } from './testing/shift-yaml.js';

/**
 * A change that would be auto-merged the moment it is published (auto-merge on, no
 * approval, no required checks, nothing to check) goes straight into main on the
 * embedded git host: one push, and no branch ever reaches the remote. A repository
 * with checks, or one whose main another merge is holding, still gets its branch
 * and merges the usual way.
 */
let h: FleetHarness;
const SHIFT = 'deprecate-direct';
const BRANCH_REF = `refs/heads/backbeat/${SHIFT}`;

type Repo = FleetHarness['demo']['repos'][number];
let direct: Repo;
let checked: Repo;
let locked: Repo;

const refOf = (repo: Repo) => `component:default/${repo.name}`;
const receivedLog = (repo: Repo) => join(repo.path, '.git', 'received-refs');

/** Every ref update the repository received, in order, as `<ref>` or `<ref> deleted`. */
function receivedRefs(repo: Repo): string[] {
  const log = receivedLog(repo);
  return existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n').filter(Boolean) : [];
}

beforeAll(async () => {
  h = await createFleetHarness({ size: 6 });
  [direct, checked, locked] = h.demo.repos as [Repo, Repo, Repo];
  for (const repo of [direct, locked]) {
    await dropDeclaredChecks(repo.path);
  }
  for (const repo of [direct, checked, locked]) {
    // The remote's own record of what was pushed to it, branch pushes included.
    mkdirSync(join(repo.path, '.git', 'hooks'), { recursive: true });
    const hook = join(repo.path, '.git', 'hooks', 'post-receive');
    writeFileSync(
      hook,
      '#!/bin/sh\n' +
        'while read old new ref; do\n' +
        `  case "$new" in 0000000000000000000000000000000000000000) echo "$ref deleted" ;; *) echo "$ref" ;; esac >> '${receivedLog(repo)}'\n` +
        'done\n',
    );
    chmodSync(hook, 0o755);
  }
}, 180_000);
afterAll(() => h?.dispose());

describe('auto-merge without anything to wait for', () => {
  it('merges straight into main without a branch, and keeps the branch flow where there is something to wait for', async () => {
    // Another change is being merged into this repository's main: the lock is taken.
    const store = createFleetStore(h.database);
    const lockKey = `${locked.path}#main`;
    expect(await store.acquireMergeLock(lockKey, 'another-change', new Date(0).toISOString())).toBe(true);

    await h.fleet.shifts.apply(FLEET_ADMIN, {
      yaml: shiftYaml({
        name: SHIFT,
        targets: onlyTargets([direct, checked, locked].map(refOf)),
        steps: DEPRECATE_LIFECYCLE_STEPS,
        automerge: ['enabled: true', 'requireChecks: false'],
      }),
    });

    const directTarget = await waitFor(
      async () => {
        const target = await h.fleet.shifts.targetDetail(SHIFT, refOf(direct));
        return target.state === 'merged' ? target : undefined;
      },
      60_000,
      async () => JSON.stringify(await h.fleet.shifts.targetDetail(SHIFT, refOf(direct))),
    );
    expect(receivedRefs(direct)).toEqual(['refs/heads/main']);
    expect(await fileOnMain(direct.path, 'catalog-info.yaml')).toMatch(/lifecycle: deprecated/);
    expect(directTarget.history.map((t) => t.to)).toEqual(['pending', 'planned', 'scheduled', 'published', 'merged']);
    expect(directTarget.history.find((t) => t.to === 'published')?.log).toMatch(/merged straight into main/);
    expect(historyProblems(directTarget.history)).toEqual([]);
    expect(directTarget.branch).toBeUndefined();

    // The locked repository publishes its branch and waits for the lock like any merge.
    const waiting = await waitFor(
      async () => {
        const target = await h.fleet.shifts.targetDetail(SHIFT, refOf(locked));
        return target.state === 'published' && target.checks === 'none' ? target : undefined;
      },
      60_000,
      async () => JSON.stringify(await h.fleet.shifts.targetDetail(SHIFT, refOf(locked))),
    );
    expect(waiting.history.map((t) => t.to)).toContain('checks-pending');
    expect(receivedRefs(locked)).toEqual([BRANCH_REF]);
    await store.releaseMergeLock(lockKey, 'another-change');

    await h.settle(SHIFT, ['merged', 'checks-failed']);
    // The merge and the branch's deletion are one atomic push (its refs in git's order).
    const [published, ...merge] = receivedRefs(locked);
    expect(published).toBe(BRANCH_REF);
    expect(merge.sort()).toEqual([`${BRANCH_REF} deleted`, 'refs/heads/main']);
    expect(await branchesOf(locked.path)).toEqual(['main']);
    expect((await h.fleet.shifts.targetDetail(SHIFT, refOf(locked))).branch).toBe(`backbeat/${SHIFT}`);

    // Checks to run: the branch is pushed first, and the checks decide.
    const checkedTarget = await h.fleet.shifts.targetDetail(SHIFT, refOf(checked));
    expect(checkedTarget.history.map((t) => t.to)).toContain('checks-pending');
    expect(receivedRefs(checked)[0]).toBe(BRANCH_REF);
  }, 180_000);
});
