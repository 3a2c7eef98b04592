import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runGit } from '../../platform/git/index.js';
import { createFleetHarness, dropDeclaredChecks, FLEET_ADMIN, type FleetHarness } from './testing/fleet-harness.js';
import { branchesOf, fileOnMain, historyProblems, mainHistory } from './testing/fleet-invariants.js';
import { DEPRECATE_LIFECYCLE_STEPS, onlyTargets, shiftYaml } from './testing/shift-yaml.js';

/**
 * Someone else pushes to a repository's main while Backbeat's change waits for its
 * merge. Pressing Merge then re-plans the change on the new base instead of forcing
 * anything; their commit stays in main's history and the change lands on top.
 */
let h: FleetHarness;
const SHIFT = 'deprecate-moved';
const BRANCH = `backbeat/${SHIFT}`;

type Repo = FleetHarness['demo']['repos'][number];
let unrelated: Repo;
let sameLine: Repo;
let sameChange: Repo;

const refOf = (repo: Repo) => `component:default/${repo.name}`;

async function commitAsSomeoneElse(repo: Repo, message: string, edit: () => void): Promise<string> {
  edit();
  await runGit(['add', '-A'], { cwd: repo.path });
  await runGit(['-c', 'user.name=Dev', '-c', 'user.email=dev@example.com', 'commit', '-q', '-m', message], {
    cwd: repo.path,
  });
  return (await runGit(['rev-parse', 'HEAD'], { cwd: repo.path })).stdout.toString('utf8').trim();
}

function editFile(repo: Repo, file: string, edit: (text: string) => string): void {
  const path = join(repo.path, file);
  writeFileSync(path, edit(readFileSync(path, 'utf8')));
}

beforeAll(async () => {
  h = await createFleetHarness({ size: 6 });
  [unrelated, sameLine, sameChange] = h.demo.repos as [Repo, Repo, Repo];
  // Without declared checks a published change is mergeable by hand straight away.
  for (const repo of [unrelated, sameLine, sameChange]) {
    await dropDeclaredChecks(repo.path);
  }
  const yaml = shiftYaml({
    name: SHIFT,
    targets: onlyTargets([unrelated, sameLine, sameChange].map(refOf)),
    steps: DEPRECATE_LIFECYCLE_STEPS,
    title: 'Deprecate {{ entity.metadata.name }}',
    automerge: ['enabled: false'],
  });
  await h.fleet.shifts.apply(FLEET_ADMIN, { yaml });
  await h.settle(SHIFT, ['published']);
}, 180_000);
afterAll(() => h?.dispose());

async function targetOf(repo: Repo) {
  return h.fleet.shifts.targetDetail(SHIFT, refOf(repo));
}

/**
 * Waits for one of `states`. A published change is `published` for a moment before its
 * checks start too, so the wait for one whose checks finished asks for `checks: 'none'`.
 */
async function waitForState(repo: Repo, states: string[], timeoutMs = 60_000, checks?: string) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const target = await targetOf(repo);
    if (states.includes(target.state) && (checks === undefined || target.checks === checks)) return target;
    if (Date.now() > deadline) throw new Error(`${repo.name} stayed ${target.state}: ${target.lastLog ?? ''}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('merging onto a base branch that moved', () => {
  it('re-plans on the new base, keeps the other commit, and lands the change on top', async () => {
    const theirs = await commitAsSomeoneElse(unrelated, 'Add notes', () =>
      writeFileSync(join(unrelated.path, 'NOTES.md'), 'Their work.\n'),
    );
    const pressed = await h.fleet.shifts.mergeTarget(FLEET_ADMIN, SHIFT, refOf(unrelated));
    expect(pressed.state).not.toBe('merged');
    // The re-plan may already be under way by the time the answer is read; the history says what happened.
    const replanned = await waitForState(unrelated, ['published'], 60_000, 'none');
    const moves = replanned.history.map((t) => `${t.from}->${t.to}`);
    expect(moves).toContain('published->pending');
    expect(moves.slice(moves.indexOf('published->pending'))).toEqual([
      'published->pending',
      'pending->planned',
      'planned->scheduled',
      'scheduled->published',
      'published->checks-pending',
      'checks-pending->published',
    ]);
    expect(replanned.history.find((t) => t.to === 'pending' && t.from === 'published')?.log).toMatch(
      /base branch main moved/,
    );
    expect(await mainHistory(unrelated.path)).toContain(theirs);
    expect((await mainHistory(unrelated.path))[0]).toBe(theirs);

    const merged = await h.fleet.shifts.mergeTarget(FLEET_ADMIN, SHIFT, refOf(unrelated));
    expect(merged.state).toBe('merged');
    const history = await mainHistory(unrelated.path);
    expect(history).toContain(theirs);
    const { stdout } = await runGit(['rev-parse', 'main^1'], { cwd: unrelated.path });
    expect(stdout.toString('utf8').trim()).toBe(theirs);
    expect(await fileOnMain(unrelated.path, 'NOTES.md')).toBe('Their work.\n');
    expect(await fileOnMain(unrelated.path, 'catalog-info.yaml')).toMatch(/lifecycle: deprecated/);
    expect(await branchesOf(unrelated.path)).toEqual(['main']);
    expect(historyProblems(merged.history)).toEqual([]);
  }, 120_000);

  it('re-plans a change whose line someone else edited into a new diff, never forcing', async () => {
    const theirs = await commitAsSomeoneElse(sameLine, 'Mark experimental', () =>
      editFile(sameLine, 'catalog-info.yaml', (text) => text.replace(/lifecycle: \w+/, 'lifecycle: experimental')),
    );
    await h.fleet.shifts.mergeTarget(FLEET_ADMIN, SHIFT, refOf(sameLine));
    const replanned = await waitForState(sameLine, ['published'], 60_000, 'none');
    expect(replanned.diff).toMatch(/\n-\s+lifecycle: experimental\n\+\s+lifecycle: deprecated\n/);
    // main still ends at their commit until the change is merged on top of it.
    expect((await mainHistory(sameLine.path))[0]).toBe(theirs);

    const merged = await h.fleet.shifts.mergeTarget(FLEET_ADMIN, SHIFT, refOf(sameLine));
    expect(merged.state).toBe('merged');
    expect(await mainHistory(sameLine.path)).toContain(theirs);
    expect(await fileOnMain(sameLine.path, 'catalog-info.yaml')).toMatch(/lifecycle: deprecated/);
    expect(historyProblems(merged.history)).toEqual([]);
  }, 120_000);

  it('settles as no-change when someone else already made the same change, and removes the branch', async () => {
    expect(await branchesOf(sameChange.path)).toContain(BRANCH);
    const theirs = await commitAsSomeoneElse(sameChange, 'Deprecate it ourselves', () =>
      editFile(sameChange, 'catalog-info.yaml', (text) => text.replace(/lifecycle: \w+/, 'lifecycle: deprecated')),
    );
    await h.fleet.shifts.mergeTarget(FLEET_ADMIN, SHIFT, refOf(sameChange));
    const settled = await waitForState(sameChange, ['no-change']);
    expect(historyProblems(settled.history)).toEqual([]);
    expect((await mainHistory(sameChange.path))[0]).toBe(theirs);
    expect(await branchesOf(sameChange.path)).toEqual(['main']);
  }, 120_000);
});
