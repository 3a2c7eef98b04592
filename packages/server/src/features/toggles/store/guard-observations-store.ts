import type { Kysely } from 'kysely';
import type { Database } from '../../../platform/db/database.js';
import type { GuardObservation } from '../rollouts/guard-observations.js';

interface ObservationRow {
  id: string;
  plan_id: string;
  guard_index: number;
  guard_label: string;
  kind: string;
  at: string;
  state: string;
  value: number | string | null;
  threshold: number | string;
  breach_when: string;
  milestone_index: number;
  detail: string;
}

interface ObservationTables {
  toggles_guard_observations: ObservationRow;
}

/**
 * SQL for the guard readings of rollout plans (see ../migrations.ts,
 * `toggles/0003-guard-observations`).
 *
 * @example
 * const observations = createGuardObservationsStore(database);
 * await observations.add(observationsOf(plan, readings, now));
 */
export interface GuardObservationsStore {
  add(observations: readonly GuardObservation[]): Promise<void>;
  /**
   * One guard's observations of a plan from `since` on, oldest first; at most the
   * newest `limit` of them.
   */
  list(options: { planId: string; guardIndex: number; since: string; limit: number }): Promise<GuardObservation[]>;
  /** Deletes observations taken before `before`; how many went. */
  prune(before: string): Promise<number>;
}

function toObservation(row: ObservationRow): GuardObservation {
  return {
    id: row.id,
    planId: row.plan_id,
    guardIndex: Number(row.guard_index),
    guard: row.guard_label,
    kind: row.kind as GuardObservation['kind'],
    at: row.at,
    state: row.state as GuardObservation['state'],
    value: row.value === null ? null : Number(row.value),
    threshold: Number(row.threshold),
    breachWhen: row.breach_when === 'below' ? 'below' : 'above',
    milestoneIndex: Number(row.milestone_index),
    detail: row.detail,
  };
}

export function createGuardObservationsStore(database: Database): GuardObservationsStore {
  const db = database.db as unknown as Kysely<ObservationTables>;
  return {
    async add(observations) {
      if (observations.length === 0) return;
      await db
        .insertInto('toggles_guard_observations')
        .values(
          observations.map((o) => ({
            id: o.id,
            plan_id: o.planId,
            guard_index: o.guardIndex,
            guard_label: o.guard,
            kind: o.kind,
            at: o.at,
            state: o.state,
            value: o.value,
            threshold: o.threshold,
            breach_when: o.breachWhen,
            milestone_index: o.milestoneIndex,
            detail: o.detail,
          })),
        )
        .execute();
    },
    async list({ planId, guardIndex, since, limit }) {
      const rows = await db
        .selectFrom('toggles_guard_observations')
        .selectAll()
        .where('plan_id', '=', planId)
        .where('guard_index', '=', guardIndex)
        .where('at', '>=', since)
        .orderBy('at', 'desc')
        .orderBy('id', 'desc')
        .limit(limit)
        .execute();
      return rows.reverse().map(toObservation);
    },
    async prune(before) {
      const result = await db.deleteFrom('toggles_guard_observations').where('at', '<', before).executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}
