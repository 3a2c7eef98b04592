import { type Expression, type ExpressionBuilder, type Kysely, type SqlBool, sql } from 'kysely';
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

/** Where a page of targets starts: just after this (entity ref, id). */
export interface TargetKey {
  entityRef: string;
  id: string;
}

/** One point of a burndown series: the figures just after the transitions at `at`. */
export interface BurndownRow {
  at: string;
  total: number;
  merged: number;
  open: number;
}

/** What decides the burndown's figures (the rule lives in engine/burndown.ts). */
export interface BurndownRule {
  /** States that count as open change requests. */
  open: readonly TargetState[];
  /** States that do not count towards the total. */
  notCounted: readonly TargetState[];
  /** At most this many points (from 2 to {@link MAX_BURNDOWN_POINTS}). */
  maxPoints: number;
}

/** The most points a burndown query returns, whatever it asks for. */
export const MAX_BURNDOWN_POINTS = 1_000_000;

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

  function targetConditions(
    eb: ExpressionBuilder<FleetTables, 'fleet_targets'>,
    shiftId: string,
    query: TargetQuery,
  ): Expression<SqlBool> {
    const all: Expression<SqlBool>[] = [eb('shift_id', '=', shiftId)];
    if (query.states && query.states.length > 0) all.push(eb('state', 'in', [...query.states]));
    if (query.ownerRef) all.push(eb('owner_ref', '=', query.ownerRef));
    if (query.text) {
      const like = `%${query.text.toLowerCase().replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
      // SQLite has no default escape character: without ESCAPE an escaped `_` or `%` would look for a backslash.
      all.push(
        eb.or([
          sql<SqlBool>`lower(entity_ref) like ${like} escape '\\'`,
          sql<SqlBool>`lower(repository) like ${like} escape '\\'`,
        ]),
      );
    }
    return eb.and(all);
  }

  /**
   * One page of a shift's targets for lists, in entity-ref order with the id as
   * tiebreak, starting after `after` (keyset paging: a page costs the same wherever
   * it is in the list). Every column but the large ones (diff, check log, body),
   * which one target's page loads. `more` says whether rows follow the page.
   */
  async function targetPage(
    shiftId: string,
    query: TargetQuery,
    page: { limit: number; after?: TargetKey },
  ): Promise<{ rows: TargetListRow[]; more: boolean }> {
    const { after } = page;
    const rows = await db
      .selectFrom('fleet_targets')
      .select(LIST_COLUMNS)
      .where((eb) => {
        const conditions = targetConditions(eb, shiftId, query);
        if (!after) return conditions;
        return eb.and([conditions, eb(eb.refTuple('entity_ref', 'id'), '>', eb.tuple(after.entityRef, after.id))]);
      })
      .orderBy('entity_ref')
      .orderBy('id')
      .limit(page.limit + 1)
      .execute();
    const more = rows.length > page.limit;
    return { rows: more ? rows.slice(0, page.limit) : rows, more };
  }

  /** How many targets of a shift match the query. */
  async function countTargets(shiftId: string, query: TargetQuery = {}): Promise<number> {
    const row = await db
      .selectFrom('fleet_targets')
      .select(db.fn.countAll<number>().as('count'))
      .where((eb) => targetConditions(eb, shiftId, query))
      .executeTakeFirst();
    return Number(row?.count ?? 0);
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

  /** Every transition of a shift in id order, without logs (the burndown's definition replays these). */
  async function transitionsOfShift(shiftId: string): Promise<Pick<TransitionRow, 'target_id' | 'to_state' | 'at'>[]> {
    return db
      .selectFrom('fleet_transitions')
      .select(['target_id', 'to_state', 'at'])
      .where('shift_id', '=', shiftId)
      .orderBy('id')
      .execute();
  }

  /**
   * The burndown series of a shift, computed in the database so a read costs the
   * same memory at 10 targets and at 10,000. Each transition adds its `to_state`
   * and takes away its `from_state` (a compare-and-set wrote it, so it is the state
   * the target left); summed per timestamp and accumulated in time order this is
   * one point per distinct timestamp. Up to `maxPoints` of them are returned as
   * they are; a longer series keeps its first point and the last point of each of
   * `maxPoints - 1` equal slices of the shift's time span.
   */
  async function burndownOf(shiftId: string, rule: BurndownRule): Promise<BurndownRow[]> {
    // Capped so the slice arithmetic (milliseconds × slices) stays inside a 64-bit integer.
    const maxPoints = Math.min(MAX_BURNDOWN_POINTS, Math.max(2, Math.floor(rule.maxPoints)));
    const slices = maxPoints - 1;
    const inStates = (column: 'to_state' | 'from_state', states: readonly TargetState[]) =>
      states.length === 0
        ? sql<number>`0`
        : sql<number>`case when ${sql.ref(column)} in (${sql.join(states.map((s) => sql.val(s)))}) then 1 else 0 end`;
    const counted = (column: 'to_state' | 'from_state') =>
      sql<number>`case when ${sql.ref(column)} is null then 0 else 1 - ${inStates(column, rule.notCounted)} end`;
    const merged = (column: 'to_state' | 'from_state') => inStates(column, ['merged']);
    const millis =
      database.dialect === 'postgres'
        ? sql<number>`cast(round(extract(epoch from cast(at as timestamptz)) * 1000) as bigint)`
        : sql<number>`cast(round((julianday(at) - 2440587.5) * 86400000.0) as integer)`;
    const result = await sql<{
      at: string;
      total: number | string;
      merged: number | string;
      open_count: number | string;
    }>`
      with deltas as (
        select at,
          sum(${counted('to_state')} - ${counted('from_state')}) as d_total,
          sum(${merged('to_state')} - ${merged('from_state')}) as d_merged,
          sum(${inStates('to_state', rule.open)} - ${inStates('from_state', rule.open)}) as d_open,
          ${millis} as ms
        from fleet_transitions
        where shift_id = ${shiftId}
        group by at
      ),
      series as (
        select at,
          sum(d_total) over running as total,
          sum(d_merged) over running as merged,
          sum(d_open) over running as open_count,
          row_number() over (order by at) as rn,
          count(*) over () as n,
          ms - min(ms) over () as since,
          max(ms) over () - min(ms) over () as span
        from deltas
        window running as (order by at rows between unbounded preceding and current row)
      ),
      sliced as (
        select at, total, merged, open_count, rn, n,
          case when span = 0 then 0
               when since * ${sql.lit(slices)} / span > ${sql.lit(slices - 1)} then ${sql.lit(slices - 1)}
               else since * ${sql.lit(slices)} / span end as slice
        from series
      ),
      marked as (
        select at, total, merged, open_count, rn, n, slice, lead(slice) over (order by at) as next_slice
        from sliced
      )
      select at, total, merged, open_count
      from marked
      where n <= ${sql.lit(maxPoints)} or rn = 1 or next_slice is null or next_slice <> slice
      order by at
    `.execute(db);
    return result.rows.map((r) => ({
      at: r.at,
      total: Number(r.total),
      merged: Number(r.merged),
      open: Number(r.open_count),
    }));
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
    targetPage,
    countTargets,
    targetIdsIn,
    targetHeads,
    canariesNotIn,
    transition,
    patchTarget,
    totals,
    transitionsOfShift,
    burndownOf,
    transitionsOfTarget,
    publishedSince,
    cachedPlan,
    cachePlan,
    acquireMergeLock,
    releaseMergeLock,
  };
}

export type FleetStore = ReturnType<typeof createFleetStore>;
