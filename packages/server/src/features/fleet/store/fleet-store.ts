import type { Kysely } from 'kysely';
import type { Database } from '../../../platform/db/database.js';
import { newId, nowIso } from '../../../platform/ids.js';
import type { TargetState } from '../model/target-state.js';
import type { FleetTables, PlanCacheRow, ShiftRow, TargetRow, TransitionRow } from './fleet-tables.js';

export type TargetPatch = Partial<Omit<TargetRow, 'id' | 'shift_id' | 'entity_ref' | 'state' | 'created_at'>>;

export interface NewTarget {
  entityRef: string;
  repository: string;
  ownerRef: string | null;
  wave: 'canary' | 'main';
  commitDate: string;
}

const LARGE_COLUMNS = ['diff', 'check_log', 'body'] as const;
type LargeColumn = (typeof LARGE_COLUMNS)[number];
export type TargetListRow = Omit<TargetRow, LargeColumn>;
const LIST_COLUMNS = [
  'id',
  'shift_id',
  'entity_ref',
  'repository',
  'owner_ref',
  'wave',
  'state',
  'checks',
  'attempts',
  'plan_hash',
  'base_branch',
  'base_commit',
  'change_commit',
  'commit_date',
  'pushed_commit',
  'merged_commit',
  'branch',
  'change_number',
  'change_url',
  'title',
  'commit_message',
  'labels_json',
  'diff_files',
  'diff_additions',
  'diff_deletions',
  'last_log',
  'error',
  'published_at',
  'created_at',
  'updated_at',
] as const satisfies readonly (keyof TargetListRow)[];

export type TargetHead = Pick<TargetRow, 'id' | 'entity_ref' | 'state' | 'plan_hash' | 'owner_ref'>;

export interface TargetQuery {
  states?: readonly TargetState[];
  ownerRef?: string;
  /** Case-insensitive substring of the entity ref or repository. */
  text?: string;
}

/** Logs kept per transition and target are capped: a runaway command must not fill the database. */
export const MAX_LOG_CHARS = 64 * 1024;

export function capLog(log: string | null | undefined): string | null {
  if (!log) return null;
  return log.length <= MAX_LOG_CHARS
    ? log
    : `…(${log.length - MAX_LOG_CHARS} characters cut)\n${log.slice(-MAX_LOG_CHARS)}`;
}

/**
 * SQL for Fleet Shift. State changes are compare-and-set (`transition` only moves a
 * target that is still in one of the expected states), so a job that runs twice (a
 * worker died, two workers raced) changes nothing the second time.
 *
 * @example
 * const store = createFleetStore(database);
 * const moved = await store.transition(target.id, ['pending'], 'planned', { diff }, { attempt: 1 });
 */
export function createFleetStore(database: Database) {
  const db = database.db as Kysely<FleetTables>;

  async function shiftByName(name: string): Promise<ShiftRow | undefined> {
    return db.selectFrom('fleet_shifts').selectAll().where('name', '=', name).executeTakeFirst();
  }

  async function shiftById(id: string): Promise<ShiftRow | undefined> {
    return db.selectFrom('fleet_shifts').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async function listShifts(): Promise<ShiftRow[]> {
    return db.selectFrom('fleet_shifts').selectAll().orderBy('updated_at', 'desc').execute();
  }

  async function insertShift(row: ShiftRow): Promise<void> {
    await db.insertInto('fleet_shifts').values(row).execute();
  }

  async function updateShift(id: string, patch: Partial<Omit<ShiftRow, 'id' | 'name' | 'created_at'>>): Promise<void> {
    await db
      .updateTable('fleet_shifts')
      .set({ ...patch, updated_at: nowIso() })
      .where('id', '=', id)
      .execute();
  }

  /** Adds targets not yet in the shift (state `pending`); returns the ids of those added. */
  async function addTargets(shiftId: string, targets: readonly NewTarget[]): Promise<string[]> {
    if (targets.length === 0) return [];
    const existing = new Set(
      (await db.selectFrom('fleet_targets').select('entity_ref').where('shift_id', '=', shiftId).execute()).map(
        (r) => r.entity_ref,
      ),
    );
    const now = nowIso();
    const rows: TargetRow[] = targets
      .filter((t) => !existing.has(t.entityRef))
      .map((t) => ({
        id: newId(),
        shift_id: shiftId,
        entity_ref: t.entityRef,
        repository: t.repository,
        owner_ref: t.ownerRef,
        wave: t.wave,
        state: 'pending',
        checks: 'none',
        attempts: 0,
        plan_hash: null,
        base_branch: null,
        base_commit: null,
        change_commit: null,
        commit_date: t.commitDate,
        pushed_commit: null,
        merged_commit: null,
        branch: null,
        change_number: null,
        change_url: null,
        title: null,
        body: null,
        commit_message: null,
        labels_json: null,
        diff: null,
        diff_files: null,
        diff_additions: null,
        diff_deletions: null,
        check_log: null,
        last_log: null,
        error: null,
        published_at: null,
        created_at: now,
        updated_at: now,
      }));
    await db.transaction().execute(async (trx) => {
      // Chunks keep each statement under SQLite's bound-parameter limit.
      for (let i = 0; i < rows.length; i += 100) {
        await trx
          .insertInto('fleet_targets')
          .values(rows.slice(i, i + 100))
          .execute();
      }
      for (let i = 0; i < rows.length; i += 500) {
        await trx
          .insertInto('fleet_transitions')
          .values(
            rows.slice(i, i + 500).map((r) => ({
              id: newId(),
              shift_id: shiftId,
              target_id: r.id,
              from_state: null,
              to_state: 'pending' as const,
              attempt: 0,
              at: now,
              log: null,
            })),
          )
          .execute();
      }
    });
    return rows.map((r) => r.id);
  }

  async function targetById(id: string): Promise<TargetRow | undefined> {
    return db.selectFrom('fleet_targets').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /** Targets for lists: every column but the large ones (diff, check log, body), which one target's page loads. */
  async function targetsOf(shiftId: string, query: TargetQuery = {}): Promise<TargetListRow[]> {
    let q = db.selectFrom('fleet_targets').select(LIST_COLUMNS).where('shift_id', '=', shiftId);
    if (query.states && query.states.length > 0) q = q.where('state', 'in', [...query.states]);
    if (query.ownerRef) q = q.where('owner_ref', '=', query.ownerRef);
    if (query.text) {
      const like = `%${query.text.toLowerCase().replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
      q = q.where((eb) =>
        eb.or([eb(eb.fn('lower', ['entity_ref']), 'like', like), eb(eb.fn('lower', ['repository']), 'like', like)]),
      );
    }
    return q.orderBy('entity_ref').execute();
  }

  /** The few columns bulk decisions need, for every target of a shift: no diffs or logs loaded. */
  async function targetHeads(shiftId: string): Promise<TargetHead[]> {
    return db
      .selectFrom('fleet_targets')
      .select(['id', 'entity_ref', 'state', 'plan_hash', 'owner_ref'])
      .where('shift_id', '=', shiftId)
      .orderBy('entity_ref')
      .execute();
  }

  /** Target ids of a shift in the given states, without loading diffs and logs. */
  async function targetIdsIn(shiftId: string, states: readonly TargetState[]): Promise<string[]> {
    if (states.length === 0) return [];
    const rows = await db
      .selectFrom('fleet_targets')
      .select('id')
      .where('shift_id', '=', shiftId)
      .where('state', 'in', [...states])
      .orderBy('id')
      .execute();
    return rows.map((r) => r.id);
  }

  /** How many canary targets of a shift are not yet in one of `done` (the main wave waits for zero). */
  async function canariesNotIn(shiftId: string, done: readonly TargetState[]): Promise<number> {
    const row = await db
      .selectFrom('fleet_targets')
      .select(db.fn.countAll<number>().as('count'))
      .where('shift_id', '=', shiftId)
      .where('wave', '=', 'canary')
      .where('state', 'not in', [...done])
      .executeTakeFirst();
    return Number(row?.count ?? 0);
  }

  /**
   * Moves a target from one of `from` to `to`, applying `patch`, and records the
   * transition. Returns false (and changes nothing) when the target is no longer in
   * one of `from`: someone else already moved it.
   */
  async function transition(
    targetId: string,
    from: readonly TargetState[],
    to: TargetState,
    patch: TargetPatch = {},
    meta: { log?: string | null; attempt?: number } = {},
  ): Promise<boolean> {
    return db.transaction().execute(async (trx) => {
      const current = await trx
        .selectFrom('fleet_targets')
        .select(['state', 'shift_id', 'attempts'])
        .where('id', '=', targetId)
        .executeTakeFirst();
      if (!current || !from.includes(current.state)) return false;
      const now = nowIso();
      const result = await trx
        .updateTable('fleet_targets')
        .set({ ...patch, state: to, updated_at: now })
        .where('id', '=', targetId)
        .where('state', '=', current.state)
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) !== 1) return false;
      await trx
        .insertInto('fleet_transitions')
        .values({
          id: newId(),
          shift_id: current.shift_id,
          target_id: targetId,
          from_state: current.state,
          to_state: to,
          attempt: meta.attempt ?? patch.attempts ?? current.attempts,
          at: now,
          log: capLog(meta.log),
        })
        .execute();
      return true;
    });
  }

  async function patchTarget(targetId: string, patch: TargetPatch): Promise<void> {
    await db
      .updateTable('fleet_targets')
      .set({ ...patch, updated_at: nowIso() })
      .where('id', '=', targetId)
      .execute();
  }

  async function totals(shiftId: string): Promise<Partial<Record<TargetState, number>>> {
    const rows = await db
      .selectFrom('fleet_targets')
      .select(['state', db.fn.countAll<number>().as('count')])
      .where('shift_id', '=', shiftId)
      .groupBy('state')
      .execute();
    return Object.fromEntries(rows.map((r) => [r.state, Number(r.count)]));
  }

  /** Every transition of a shift in time order, without logs (for the burndown). */
  async function transitionsOfShift(shiftId: string): Promise<Pick<TransitionRow, 'target_id' | 'to_state' | 'at'>[]> {
    return db
      .selectFrom('fleet_transitions')
      .select(['target_id', 'to_state', 'at'])
      .where('shift_id', '=', shiftId)
      .orderBy('id')
      .execute();
  }

  async function transitionsOfTarget(targetId: string): Promise<TransitionRow[]> {
    return db.selectFrom('fleet_transitions').selectAll().where('target_id', '=', targetId).orderBy('id').execute();
  }

  /** Targets of a shift moved to `published` since `sinceIso` (for the hourly publish rate). */
  async function publishedSince(shiftId: string, sinceIso: string): Promise<string[]> {
    const rows = await db
      .selectFrom('fleet_targets')
      .select('published_at')
      .where('shift_id', '=', shiftId)
      .where('published_at', '>=', sinceIso)
      .orderBy('published_at')
      .execute();
    return rows.map((r) => r.published_at as string);
  }

  async function cachedPlan(key: string): Promise<PlanCacheRow | undefined> {
    return db.selectFrom('fleet_plan_cache').selectAll().where('key', '=', key).executeTakeFirst();
  }

  async function cachePlan(row: PlanCacheRow): Promise<void> {
    await db
      .insertInto('fleet_plan_cache')
      .values(row)
      .onConflict((oc) => oc.column('key').doNothing())
      .execute();
  }

  /** Takes the merge lock of a (repository, base branch); false if another target holds it. */
  async function acquireMergeLock(lockKey: string, targetId: string, staleBeforeIso: string): Promise<boolean> {
    // A lock left by a process that died is taken over once it is stale.
    await db
      .deleteFrom('fleet_merge_locks')
      .where('lock_key', '=', lockKey)
      .where('acquired_at', '<', staleBeforeIso)
      .execute();
    await db
      .insertInto('fleet_merge_locks')
      .values({ lock_key: lockKey, target_id: targetId, acquired_at: nowIso() })
      .onConflict((oc) => oc.column('lock_key').doNothing())
      .execute();
    const holder = await db
      .selectFrom('fleet_merge_locks')
      .select('target_id')
      .where('lock_key', '=', lockKey)
      .executeTakeFirst();
    return holder?.target_id === targetId;
  }

  async function releaseMergeLock(lockKey: string, targetId: string): Promise<void> {
    await db
      .deleteFrom('fleet_merge_locks')
      .where('lock_key', '=', lockKey)
      .where('target_id', '=', targetId)
      .execute();
  }

  return {
    shiftByName,
    shiftById,
    listShifts,
    insertShift,
    updateShift,
    addTargets,
    targetById,
    targetsOf,
    targetIdsIn,
    targetHeads,
    canariesNotIn,
    transition,
    patchTarget,
    totals,
    transitionsOfShift,
    transitionsOfTarget,
    publishedSince,
    cachedPlan,
    cachePlan,
    acquireMergeLock,
    releaseMergeLock,
  };
}

export type FleetStore = ReturnType<typeof createFleetStore>;
