import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../platform/db/testing/test-database.js';
import { nowIso } from '../../../platform/ids.js';
import { fleetMigrations } from '../migrations.js';
import { testShiftRow } from '../testing/shift-row.js';
import { capLog, createFleetStore, type FleetStore, MAX_LOG_CHARS, type TargetQuery } from './fleet-store.js';
import type { ShiftRow } from './fleet-tables.js';

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

async function listed(shiftId: string, query: TargetQuery) {
  return (await store.targetPage(shiftId, query, { limit: 1000 })).rows;
}

function target(ref: string) {
  return {
    entityRef: ref,
    repository: `/repos/${ref}`,
    ownerRef: 'group:default/a',
    wave: 'main' as const,
    commitDate: nowIso(),
  };
}

describe('fleet store', () => {
  it('adds each target once and records its first transition', async () => {
    const shift = await newShift('add-once');
    const first = await store.addTargets(shift.id, [target('component:default/a'), target('component:default/b')]);
    const again = await store.addTargets(shift.id, [target('component:default/a'), target('component:default/c')]);
    expect(first).toHaveLength(2);
    expect(again).toHaveLength(1);
    expect(await store.totals(shift.id)).toEqual({ pending: 3 });
    expect((await store.transitionsOfShift(shift.id)).map((t) => t.to_state)).toEqual([
      'pending',
      'pending',
      'pending',
    ]);
  });

  it('moves a target only from an expected state, once', async () => {
    const shift = await newShift('compare-and-set');
    const [id] = await store.addTargets(shift.id, [target('component:default/x')]);
    expect(await store.transition(id as string, ['pending'], 'planned', { diff: 'd' }, { log: 'planned it' })).toBe(
      true,
    );
    // A duplicate job, or a second worker, finds the target moved on and changes nothing.
    expect(await store.transition(id as string, ['pending'], 'planned', { diff: 'other' })).toBe(false);
    const row = await store.targetById(id as string);
    expect(row?.state).toBe('planned');
    expect(row?.diff).toBe('d');
    const history = await store.transitionsOfTarget(id as string);
    expect(history.map((h) => [h.from_state, h.to_state, h.log])).toEqual([
      [null, 'pending', null],
      ['pending', 'planned', 'planned it'],
    ]);
  });

  it('filters targets by state, owner and text', async () => {
    const shift = await newShift('filters');
    const ids = await store.addTargets(shift.id, [
      target('component:default/web-app'),
      { ...target('component:default/billing'), ownerRef: 'group:default/b' },
    ]);
    await store.transition(ids[1] as string, ['pending'], 'no-change');
    expect((await listed(shift.id, { states: ['no-change'] })).map((t) => t.entity_ref)).toEqual([
      'component:default/billing',
    ]);
    expect((await listed(shift.id, { ownerRef: 'group:default/a' })).map((t) => t.entity_ref)).toEqual([
      'component:default/web-app',
    ]);
    expect((await listed(shift.id, { text: 'WEB' })).map((t) => t.entity_ref)).toEqual(['component:default/web-app']);
    expect(await listed(shift.id, { text: '%' })).toEqual([]);
  });

  it('grants a merge lock to one target at a time and lets a stale one be taken over', async () => {
    const past = new Date(Date.now() - 60_000).toISOString();
    expect(await store.acquireMergeLock('repo#main', 't1', past)).toBe(true);
    expect(await store.acquireMergeLock('repo#main', 't2', past)).toBe(false);
    expect(await store.acquireMergeLock('repo#main', 't1', past)).toBe(true);
    expect(await store.acquireMergeLock('repo#other', 't2', past)).toBe(true);
    await store.releaseMergeLock('repo#main', 't2');
    expect(await store.acquireMergeLock('repo#main', 't2', past)).toBe(false);
    await store.releaseMergeLock('repo#main', 't1');
    expect(await store.acquireMergeLock('repo#main', 't2', past)).toBe(true);
    // Held since "now"; a stale cut-off in the future treats it as abandoned.
    const future = new Date(Date.now() + 60_000).toISOString();
    expect(await store.acquireMergeLock('repo#main', 't3', future)).toBe(true);
  });

  it('caches a plan once per key', async () => {
    const row = {
      key: 'k1',
      status: 'changed' as const,
      change_commit: null,
      change_tree: 't1',
      diff: 'diff --git',
      diff_files: 1,
      diff_additions: 1,
      diff_deletions: 1,
      log: '',
      created_at: nowIso(),
    };
    await store.cachePlan(row);
    await store.cachePlan({ ...row, change_tree: 't2' });
    expect((await store.cachedPlan('k1'))?.change_tree).toBe('t1');
    expect(await store.cachedPlan('missing')).toBeUndefined();
  });

  it('counts publications in the last hour for the rate limit', async () => {
    const shift = await newShift('rate');
    const ids = await store.addTargets(shift.id, [target('component:default/r1'), target('component:default/r2')]);
    await store.patchTarget(ids[0] as string, { published_at: new Date(Date.now() - 2 * 3_600_000).toISOString() });
    const recent = new Date().toISOString();
    await store.patchTarget(ids[1] as string, { published_at: recent });
    expect(await store.publishedSince(shift.id, new Date(Date.now() - 3_600_000).toISOString())).toEqual([recent]);
  });

  it('caps logs, keeping the end', () => {
    const log = `${'a'.repeat(MAX_LOG_CHARS)}END`;
    const capped = capLog(log) as string;
    expect(capped.endsWith('END')).toBe(true);
    expect(capped.length).toBeLessThan(MAX_LOG_CHARS + 100);
    expect(capLog('')).toBeNull();
  });
});
