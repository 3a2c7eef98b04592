import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runGit } from '../../platform/git/index.js';
import type { TargetState } from './model/target-state.js';
import {
  allTargets,
  createFleetHarness,
  dropDeclaredChecks,
  FLEET_ADMIN,
  type FleetHarness,
} from './testing/fleet-harness.js';
import { branchesOf, fileOnMain, historyProblems, waitFor } from './testing/fleet-invariants.js';
import { shiftYaml as buildShiftYaml, onlyTargets } from './testing/shift-yaml.js';

/**
 * What people do with a running shift, on real repositories and the real queue:
 * pause and resume, close, retry one target, a repository that disappeared, a
 * publish rate, and a canary wave.
 */
let h: FleetHarness;
type Repo = FleetHarness['demo']['repos'][number];
let repos: Repo[];
const refOf = (repo: Repo) => `component:default/${repo.name}`;

function shiftYaml(options: {
  name: string;
  targets: Repo[];
  automerge: boolean;
  run?: string;
  rollout?: string[];
}): string {
  return buildShiftYaml({
    name: options.name,
    targets: onlyTargets(options.targets.map(refOf)),
    steps: [
      '- type: command',
      // Each shift writes its own file, so shifts over the same repositories never touch the same lines.
      `  run: ${JSON.stringify(options.run ?? 'echo "$BACKBEAT_SHIFT" > "$BACKBEAT_SHIFT.txt"')}`,
    ],
    rollout: options.rollout,
    automerge: [`enabled: ${options.automerge}`, 'requireChecks: false'],
  });
}

async function commit(repo: Repo, message: string): Promise<void> {
  await runGit(['add', '-A'], { cwd: repo.path });
  await runGit(['-c', 'user.name=Dev', '-c', 'user.email=dev@example.com', 'commit', '-q', '-m', message], {
    cwd: repo.path,
  });
}

async function statesOf(shift: string): Promise<Record<string, TargetState>> {
  const targets = await allTargets(h.fleet, shift);
  return Object.fromEntries(targets.map((t) => [t.entityRef, t.state]));
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

beforeAll(async () => {
  h = await createFleetHarness({ size: 12 });
  repos = h.demo.repos.slice(0, 12);
  expect(repos).toHaveLength(12);
  for (const repo of repos) {
    await dropDeclaredChecks(repo.path);
  }
  // Started first: its retries back off for a while (seconds on PostgreSQL), so they overlap the other tests.
  const [gone, ...others] = repos.slice(4, 7) as [Repo, ...Repo[]];
  rmSync(gone.path, { recursive: true, force: true });
  await h.fleet.shifts.apply(FLEET_ADMIN, {
    yaml: shiftYaml({ name: 'with-a-lost-repo', targets: [gone, ...others], automerge: true }),
  });
}, 180_000);
afterAll(() => h?.dispose());

describe('shift lifecycle', () => {
  it('pause holds every change back, resume publishes, close closes them and deletes their branches', async () => {
    const targets = repos.slice(0, 2);
    await h.fleet.shifts.apply(FLEET_ADMIN, { yaml: shiftYaml({ name: 'pausable', targets, automerge: false }) });
    expect((await h.fleet.shifts.pause(FLEET_ADMIN, 'pausable')).state).toBe('paused');
    await h.settle('pausable', ['planned', 'scheduled']);
    await pause(1_500);
    for (const state of Object.values(await statesOf('pausable'))) expect(['planned', 'scheduled']).toContain(state);
    for (const repo of targets) expect(await branchesOf(repo.path)).toEqual(['main']);

    await h.fleet.shifts.resume(FLEET_ADMIN, 'pausable');
    await h.settle('pausable', ['published']);
    for (const repo of targets) expect(await branchesOf(repo.path)).toEqual(['backbeat/pausable', 'main']);

    const closed = await h.fleet.shifts.close(FLEET_ADMIN, 'pausable');
    expect(closed.state).toBe('closed');
    await h.settle('pausable', ['closed']);
    for (const repo of targets) {
      expect(await branchesOf(repo.path)).toEqual(['main']);
      expect(await fileOnMain(repo.path, 'pausable.txt')).toBeUndefined();
      const detail = await h.fleet.shifts.targetDetail('pausable', refOf(repo));
      expect(historyProblems(detail.history)).toEqual([]);
      expect(detail.history.at(-1)?.log).toBe('The shift was closed.');
    }
    const events = await h.events.list({ type: 'fleet.change.closed' });
    expect(events.filter((e) => targets.some((r) => e.subject === refOf(r)))).toHaveLength(2);
  }, 120_000);

  it('retries only the target it is given, by entity ref', async () => {
    const [fixed, stillBroken] = repos.slice(2, 4) as [Repo, Repo];
    await h.fleet.shifts.apply(FLEET_ADMIN, {
      yaml: shiftYaml({
        name: 'needs-ready',
        targets: [fixed, stillBroken],
        automerge: true,
        run: 'test -e ready.txt && echo done > needs-ready.txt',
      }),
    });
    await h.settle('needs-ready', ['plan-failed']);
    // Both repositories are fixed; only one is retried, so only that one may move.
    for (const repo of [fixed, stillBroken]) {
      writeFileSync(join(repo.path, 'ready.txt'), 'yes\n');
      await commit(repo, 'Ready');
    }
    const before = await h.fleet.shifts.targetDetail('needs-ready', refOf(stillBroken));
    expect(await h.fleet.shifts.retry(FLEET_ADMIN, 'needs-ready', [refOf(fixed)])).toEqual({ retried: 1 });
    await h.settle('needs-ready', ['merged', 'plan-failed']);
    await waitFor(
      async () => ((await statesOf('needs-ready'))[refOf(fixed)] === 'merged' ? true : undefined),
      30_000,
      async () => JSON.stringify(await statesOf('needs-ready')),
    );
    expect(await fileOnMain(fixed.path, 'needs-ready.txt')).toBe('done\n');
    const after = await h.fleet.shifts.targetDetail('needs-ready', refOf(stillBroken));
    expect(after.state).toBe('plan-failed');
    expect(after.history).toEqual(before.history);
    expect(await fileOnMain(stillBroken.path, 'needs-ready.txt')).toBeUndefined();
    const retried = await h.fleet.shifts.targetDetail('needs-ready', refOf(fixed));
    // Nothing to check and auto-merge on: published and merged in one push.
    expect(retried.history.map((t) => t.to)).toEqual([
      'pending',
      'plan-failed',
      'pending',
      'planned',
      'scheduled',
      'published',
      'merged',
    ]);
  }, 120_000);

  it('publishes one change an hour at publishPerHour 1 and says until when it waits', async () => {
    const targets = repos.slice(7, 9);
    await h.fleet.shifts.apply(FLEET_ADMIN, {
      yaml: shiftYaml({ name: 'one-an-hour', targets, automerge: false, rollout: ['publishPerHour: 1'] }),
    });
    const shift = await waitFor(
      async () => {
        const detail = await h.fleet.shifts.detail('one-an-hour');
        const states = Object.values(await statesOf('one-an-hour'));
        const published = states.filter((s) => s === 'published' || s === 'checks-pending').length;
        return published === 1 && states.includes('scheduled') && detail.rateLimitedUntil ? detail : undefined;
      },
      60_000,
      async () => JSON.stringify(await statesOf('one-an-hour')),
    );
    expect(Date.parse(shift.rateLimitedUntil as string) - Date.now()).toBeGreaterThan(55 * 60_000);
    await pause(1_500);
    const states = await statesOf('one-an-hour');
    expect(Object.values(states).sort()).toEqual(['published', 'scheduled']);
    const withBranch = [];
    for (const repo of targets)
      if ((await branchesOf(repo.path)).includes('backbeat/one-an-hour')) withBranch.push(repo);
    expect(withBranch).toHaveLength(1);
  }, 90_000);

  it('holds the main wave until the canary is merged', async () => {
    const [canary, ...rest] = repos.slice(9, 12) as [Repo, ...Repo[]];
    await h.fleet.shifts.apply(FLEET_ADMIN, {
      yaml: shiftYaml({
        name: 'canaried',
        targets: [canary, ...rest],
        automerge: false,
        rollout: ['canary:', `  - ${refOf(canary)}`],
      }),
    });
    await waitFor(
      async () => {
        const states = await statesOf('canaried');
        return states[refOf(canary)] === 'published' && rest.every((r) => states[refOf(r)] === 'scheduled')
          ? true
          : undefined;
      },
      60_000,
      async () => JSON.stringify(await statesOf('canaried')),
    );
    await pause(1_000);
    for (const repo of rest) {
      expect((await statesOf('canaried'))[refOf(repo)]).toBe('scheduled');
      expect(await branchesOf(repo.path)).toEqual(['main']);
    }
    expect((await h.fleet.shifts.mergeTarget(FLEET_ADMIN, 'canaried', refOf(canary))).state).toBe('merged');
    await h.settle('canaried', ['merged', 'published']);
    for (const repo of rest) expect(await branchesOf(repo.path)).toEqual(['backbeat/canaried', 'main']);
    const main = await Promise.all(
      rest.map(async (r) => (await h.fleet.shifts.targetDetail('canaried', refOf(r))).history),
    );
    for (const history of main) expect(historyProblems(history)).toEqual([]);
  }, 90_000);

  it('fails a repository that disappeared after retrying with backoff, while the others merge', async () => {
    const [gone, ...others] = repos.slice(4, 7) as [Repo, ...Repo[]];
    await h.settle('with-a-lost-repo', ['merged', 'failed', 'plan-failed'], 150_000);
    const lost = await h.fleet.shifts.targetDetail('with-a-lost-repo', refOf(gone));
    expect(lost.state).toBe('failed');
    expect(lost.lastLog).toContain(gone.path);
    // The queue ran the plan job more than once before giving up.
    expect(lost.history.at(-1)?.log).toMatch(/^attempt ([2-9]|\d{2,}): /);
    for (const repo of others) {
      expect((await statesOf('with-a-lost-repo'))[refOf(repo)]).toBe('merged');
      expect(await fileOnMain(repo.path, 'with-a-lost-repo.txt')).toBe('with-a-lost-repo\n');
    }
  }, 180_000);
});
