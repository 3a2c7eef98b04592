import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../platform/db/testing/test-database.js';
import { newId } from '../../../platform/ids.js';
import { type BurndownPoint, burndown, burndownRule } from '../engine/burndown.js';
import { fleetMigrations } from '../migrations.js';
import type { TargetState } from '../model/target-state.js';
import { testShiftRow } from '../testing/shift-row.js';
import { createFleetStore, type FleetStore } from './fleet-store.js';
import type { FleetTables, ShiftRow, TransitionRow } from './fleet-tables.js';

/**
 * The burndown a shift's page shows is computed in SQL (`store.burndownOf`); the
 * in-memory replay of every transition (`burndown`) is its definition. Both must
 * give the same series on the same transitions.
 */
let database: TestDatabase;
let store: FleetStore;

beforeAll(async () => {
  database = await createTestDatabase({ migrations: fleetMigrations });
  store = createFleetStore(database);
});
afterAll(() => database.dispose());

async function newShift(name: string): Promise<ShiftRow> {
  const row = testShiftRow(name);
  await store.insertShift(row);
  return row;
}

/** A deterministic stream of numbers in [0, 1), so a failure can be replayed. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
}

/** Where a target may go next, roughly as the runner moves it (retries and closes included). */
const NEXT: Partial<Record<TargetState, TargetState[]>> = {
  pending: ['planned', 'planned', 'no-change', 'plan-failed'],
  planned: ['scheduled', 'closed'],
  scheduled: ['published'],
  published: ['checks-pending', 'merged'],
  'checks-pending': ['checks-passed', 'checks-failed'],
  'checks-passed': ['merged', 'closed'],
  'checks-failed': ['pending', 'closed'],
  'plan-failed': ['pending', 'failed'],
  closed: ['pending'],
};

/**
 * Writes `count` transitions of `targets` targets straight into the table, every
 * target starting at `pending` and each later one leaving the state the previous
 * left it in, at times from `at(i)` (non-decreasing, so several may share one).
 */
async function writeTransitions(shiftId: string, targets: number, count: number, at: (i: number) => number) {
  const next = random(targets * 31 + count);
  const state = new Map<string, TargetState>();
  const ids = Array.from({ length: targets }, () => newId());
  const rows: TransitionRow[] = [];
  for (let i = 0; i < count; i++) {
    const fresh = ids.find((id) => !state.has(id));
    const targetId =
      fresh !== undefined && (i < targets / 2 || next() < 0.5) ? fresh : ids[Math.floor(next() * ids.length)];
    if (targetId === undefined) continue;
    const from = state.get(targetId) ?? null;
    const choices = from === null ? ['pending' as const] : (NEXT[from] ?? []);
    const to = choices[Math.floor(next() * choices.length)];
    if (to === undefined) continue;
    state.set(targetId, to);
    rows.push({
      id: newId(),
      shift_id: shiftId,
      target_id: targetId,
      from_state: from,
      to_state: to,
      attempt: 0,
      at: new Date(at(i)).toISOString(),
      log: null,
    });
  }
  const db = database.db as Kysely<FleetTables>;
  for (let i = 0; i < rows.length; i += 200) {
    await db
      .insertInto('fleet_transitions')
      .values(rows.slice(i, i + 200))
      .execute();
  }
  return rows.length;
}

/** Time-sliced thinning of a full series, written out plainly: the first point and the last of each slice. */
function thinByTime(points: BurndownPoint[], maxPoints: number): BurndownPoint[] {
  if (points.length <= maxPoints) return points;
  const t0 = Date.parse((points[0] as BurndownPoint).at);
  const span = Date.parse((points[points.length - 1] as BurndownPoint).at) - t0;
  const slices = maxPoints - 1;
  const sliceOf = (p: BurndownPoint) =>
    span === 0 ? 0 : Math.min(slices - 1, Math.floor(((Date.parse(p.at) - t0) * slices) / span));
  return points.filter(
    (p, i) => i === 0 || i === points.length - 1 || sliceOf(p) !== sliceOf(points[i + 1] as BurndownPoint),
  );
}

describe('the burndown in SQL', () => {
  it('equals the replay of the same transitions, point for point', async () => {
    const shift = await newShift('replay');
    const start = Date.parse('2026-03-02T08:00:00.000Z');
    // 150 targets, up to 900 transitions, bursts sharing a millisecond and gaps of minutes.
    const written = await writeTransitions(
      shift.id,
      150,
      900,
      (i) => start + Math.floor(i / 3) * 1000 + Math.floor(i / 40) * 600_000,
    );
    expect(written).toBeGreaterThan(500);
    const transitions = await store.transitionsOfShift(shift.id);
    const full = burndown(transitions, Number.MAX_SAFE_INTEGER);
    expect(full.length).toBeGreaterThan(250);
    expect(await store.burndownOf(shift.id, burndownRule(Number.MAX_SAFE_INTEGER))).toEqual(full);
    // Figures that moved every way: merges, open changes, targets leaving the total and coming back.
    expect(Math.max(...full.map((p) => p.merged))).toBeGreaterThan(0);
    expect(Math.max(...full.map((p) => p.open))).toBeGreaterThan(0);
    expect(full.some((p, i) => i > 0 && p.total < (full[i - 1] as BurndownPoint).total)).toBe(true);
  });

  it('returns a short series whole, as the replay does', async () => {
    const shift = await newShift('short');
    const start = Date.parse('2026-03-02T08:00:00.000Z');
    await writeTransitions(shift.id, 40, 150, (i) => start + Math.floor(i / 2) * 250);
    const transitions = await store.transitionsOfShift(shift.id);
    const replayed = burndown(transitions);
    expect(replayed.length).toBeLessThanOrEqual(200);
    expect(replayed.length).toBeGreaterThan(50);
    expect(await store.burndownOf(shift.id, burndownRule())).toEqual(replayed);
  });

  it('thins a long series by time to at most the points asked for, keeping the first and the last', async () => {
    const shift = await newShift('long');
    const start = Date.parse('2026-03-02T08:00:00.000Z');
    // A quick start (the first hundreds of transitions in seconds), then a slow tail over days.
    await writeTransitions(shift.id, 400, 2500, (i) =>
      i < 1200 ? start + i * 5 : start + 6_000 + (i - 1200) * 137_000,
    );
    const full = burndown(await store.transitionsOfShift(shift.id), Number.MAX_SAFE_INTEGER);
    expect(full.length).toBeGreaterThan(1000);
    for (const maxPoints of [200, 37, 2]) {
      const points = await store.burndownOf(shift.id, burndownRule(maxPoints));
      expect(points.length).toBeLessThanOrEqual(maxPoints);
      expect(points).toEqual(thinByTime(full, maxPoints));
      expect(points[0]).toEqual(full[0]);
      expect(points.at(-1)).toEqual(full.at(-1));
    }
    // The default keeps the chart near its limit when the shift's life is long.
    expect((await store.burndownOf(shift.id, burndownRule())).length).toBeGreaterThan(150);
  });

  it('is empty for a shift without transitions', async () => {
    const shift = await newShift('empty');
    expect(await store.burndownOf(shift.id, burndownRule())).toEqual([]);
  });
});
