import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allTargets, createFleetHarness, FLEET_ADMIN, type FleetHarness } from './testing/fleet-harness.js';
import { shiftYaml as buildShiftYaml } from './testing/shift-yaml.js';

/**
 * `rollout.concurrency` bounds how many of a shift's jobs run at once in a process,
 * even when the worker has more slots (the harness's queue runs two jobs at a time).
 * Each plan's command step records when it started and ended into the diff itself,
 * so overlap is read from the plans, not from timing the test.
 */
let h: FleetHarness;

beforeAll(async () => {
  h = await createFleetHarness({ size: 12 });
}, 120_000);
afterAll(() => h?.dispose());

function shiftYaml(name: string, concurrency: number): string {
  return buildShiftYaml({
    name,
    targets: ['filter:', '  kind: [component]', '  tag: [node]'],
    steps: ['- type: command', '  run: date +%s%N > started.txt && sleep 0.4 && date +%s%N > ended.txt'],
    title: 'Record when the plan ran',
    rollout: [`concurrency: ${concurrency}`],
  });
}

async function planIntervals(name: string): Promise<[number, number][]> {
  const intervals: [number, number][] = [];
  for (const target of await allTargets(h.fleet, name)) {
    const { diff } = await h.fleet.shifts.targetDetail(name, target.id);
    const started = /\+\+\+ b\/started\.txt\n@@[^\n]*\n\+(\d+)/.exec(diff ?? '')?.[1];
    const ended = /\+\+\+ b\/ended\.txt\n@@[^\n]*\n\+(\d+)/.exec(diff ?? '')?.[1];
    expect(started && ended, target.entityRef).toBeTruthy();
    intervals.push([Number(started), Number(ended)]);
  }
  return intervals.sort((a, b) => a[0] - b[0]);
}

function overlaps(intervals: [number, number][]): number {
  let count = 0;
  for (let i = 1; i < intervals.length; i++) {
    if ((intervals[i]?.[0] ?? 0) < (intervals[i - 1]?.[1] ?? 0)) count++;
  }
  return count;
}

describe('rollout.concurrency', () => {
  it('runs one plan at a time with concurrency 1, and overlaps them with 2', async () => {
    await h.fleet.shifts.apply(FLEET_ADMIN, { yaml: shiftYaml('one-at-a-time', 1), preview: true });
    await h.settle('one-at-a-time', ['planned']);
    const serial = await planIntervals('one-at-a-time');
    expect(serial.length).toBeGreaterThanOrEqual(3);
    expect(overlaps(serial)).toBe(0);

    await h.fleet.shifts.apply(FLEET_ADMIN, { yaml: shiftYaml('two-at-a-time', 2), preview: true });
    await h.settle('two-at-a-time', ['planned']);
    expect(overlaps(await planIntervals('two-at-a-time'))).toBeGreaterThan(0);
  }, 120_000);
});
