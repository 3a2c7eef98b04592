import { type Kysely, sql } from 'kysely';
import type { Database } from '../../../platform/db/database.js';
import type { Guard, PlanStatus, RolloutPlan, TimelineEntry, TimelineKind } from '../rollouts/rollout-model.js';

interface PlanRow {
  id: string;
  project_key: string;
  flag_name: string;
  environment: string;
  milestones_json: string;
  hold_seconds: number | null;
  guards_json: string;
  status: string;
  current_index: number;
  milestone_at: string | null;
  next_at: string | null;
  created_by: string;
  created_at: string;
  updated_at: string;
}

interface TimelineRow {
  id: string;
  plan_id: string;
  at: string;
  kind: string;
  milestone_index: number | null;
  percent: number | null;
  actor: string;
  detail_json: string;
}

interface ImpactRow {
  project_key: string;
  flag_name: string;
  environment: string;
  app_name: string;
  minute: string;
  errors: number | string;
  requests: number | string;
}

interface PlanTables {
  toggles_plans: PlanRow;
  toggles_plan_timeline: TimelineRow;
  toggles_impact: ImpactRow;
}

export interface ImpactCounts {
  project: string;
  flag: string;
  environment: string;
  appName: string;
  /** Start of the minute, ISO-8601. */
  minute: string;
  errors: number;
  requests: number;
}

export type PlanPatch = Partial<Pick<RolloutPlan, 'status' | 'currentIndex' | 'milestoneAt' | 'nextAt'>>;

/**
 * SQL for rollout plans, their timelines and the impact counters guards read.
 *
 * @example
 * const plans = createPlansStore(database);
 * await plans.insertPlan(plan);
 */
export interface PlansStore {
  insertPlan(plan: RolloutPlan): Promise<void>;
  updatePlan(id: string, patch: PlanPatch, at: string): Promise<void>;
  /**
   * Sets `patch` only while the plan still has status `expected`, so two workers
   * (or a worker and a person) cannot both move a plan; true when it won.
   */
  updatePlanIf(
    id: string,
    expected: { status: PlanStatus; currentIndex: number },
    patch: PlanPatch,
    at: string,
  ): Promise<boolean>;
  getPlan(id: string): Promise<RolloutPlan | undefined>;
  listPlans(options: { project: string; flag?: string; environment?: string }): Promise<RolloutPlan[]>;
  addTimeline(entry: TimelineEntry): Promise<void>;
  timeline(planId: string): Promise<TimelineEntry[]>;
  addImpact(counts: ImpactCounts): Promise<void>;
  /** Sums of errors and requests from `since` on. */
  impactSince(options: {
    project: string;
    flag: string;
    environment: string;
    since: string;
    appName?: string;
  }): Promise<{ errors: number; requests: number }>;
  /** Rows from `since` on, oldest first, for charts. */
  impactSeries(options: {
    project: string;
    flag?: string;
    environment?: string;
    since: string;
  }): Promise<ImpactCounts[]>;
}

function parse<T>(text: string, fallback: T): T {
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}

function toPlan(row: PlanRow): RolloutPlan {
  return {
    id: row.id,
    project: row.project_key,
    flag: row.flag_name,
    environment: row.environment,
    milestones: parse<number[]>(row.milestones_json, []),
    holdSeconds: row.hold_seconds === null ? null : Number(row.hold_seconds),
    guards: parse<Guard[]>(row.guards_json, []),
    status: row.status as PlanStatus,
    currentIndex: Number(row.current_index),
    milestoneAt: row.milestone_at,
    nextAt: row.next_at,
    createdBy: row.created_by,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function patchColumns(patch: PlanPatch): Partial<PlanRow> {
  return {
    ...(patch.status !== undefined ? { status: patch.status } : {}),
    ...(patch.currentIndex !== undefined ? { current_index: patch.currentIndex } : {}),
    ...(patch.milestoneAt !== undefined ? { milestone_at: patch.milestoneAt } : {}),
    ...(patch.nextAt !== undefined ? { next_at: patch.nextAt } : {}),
  };
}

export function createPlansStore(database: Database): PlansStore {
  const db = database.db as unknown as Kysely<PlanTables>;
  return {
    async insertPlan(p) {
      await db
        .insertInto('toggles_plans')
        .values({
          id: p.id,
          project_key: p.project,
          flag_name: p.flag,
          environment: p.environment,
          milestones_json: JSON.stringify(p.milestones),
          hold_seconds: p.holdSeconds,
          guards_json: JSON.stringify(p.guards),
          status: p.status,
          current_index: p.currentIndex,
          milestone_at: p.milestoneAt,
          next_at: p.nextAt,
          created_by: p.createdBy,
          created_at: p.createdAt,
          updated_at: p.updatedAt,
        })
        .execute();
    },
    async updatePlan(id, patch, at) {
      await db
        .updateTable('toggles_plans')
        .set({ ...patchColumns(patch), updated_at: at })
        .where('id', '=', id)
        .execute();
    },
    async updatePlanIf(id, expected, patch, at) {
      const result = await db
        .updateTable('toggles_plans')
        .set({ ...patchColumns(patch), updated_at: at })
        .where('id', '=', id)
        .where('status', '=', expected.status)
        .where('current_index', '=', expected.currentIndex)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
    async getPlan(id) {
      const row = await db.selectFrom('toggles_plans').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? toPlan(row) : undefined;
    },
    async listPlans({ project, flag, environment }) {
      let query = db.selectFrom('toggles_plans').selectAll().where('project_key', '=', project);
      if (flag) query = query.where('flag_name', '=', flag);
      if (environment) query = query.where('environment', '=', environment);
      return (await query.orderBy('id', 'desc').execute()).map(toPlan);
    },
    async addTimeline(e) {
      await db
        .insertInto('toggles_plan_timeline')
        .values({
          id: e.id,
          plan_id: e.planId,
          at: e.at,
          kind: e.kind,
          milestone_index: e.milestoneIndex,
          percent: e.percent,
          actor: e.actor,
          detail_json: JSON.stringify(e.detail),
        })
        .execute();
    },
    async timeline(planId) {
      const rows = await db
        .selectFrom('toggles_plan_timeline')
        .selectAll()
        .where('plan_id', '=', planId)
        .orderBy('id')
        .execute();
      return rows.map((r) => ({
        id: r.id,
        planId: r.plan_id,
        at: r.at,
        kind: r.kind as TimelineKind,
        milestoneIndex: r.milestone_index === null ? null : Number(r.milestone_index),
        percent: r.percent === null ? null : Number(r.percent),
        actor: r.actor,
        detail: parse<Record<string, unknown>>(r.detail_json, {}),
      }));
    },
    async addImpact(c) {
      await db
        .insertInto('toggles_impact')
        .values({
          project_key: c.project,
          flag_name: c.flag,
          environment: c.environment,
          app_name: c.appName,
          minute: c.minute,
          errors: c.errors,
          requests: c.requests,
        })
        .onConflict((oc) =>
          oc.columns(['project_key', 'flag_name', 'environment', 'app_name', 'minute']).doUpdateSet({
            errors: sql`toggles_impact.errors + excluded.errors`,
            requests: sql`toggles_impact.requests + excluded.requests`,
          }),
        )
        .execute();
    },
    async impactSince({ project, flag, environment, since, appName }) {
      let query = db
        .selectFrom('toggles_impact')
        .select([
          sql<string>`coalesce(sum(errors), 0)`.as('errors'),
          sql<string>`coalesce(sum(requests), 0)`.as('requests'),
        ])
        .where('project_key', '=', project)
        .where('flag_name', '=', flag)
        .where('environment', '=', environment)
        .where('minute', '>=', since);
      if (appName) query = query.where('app_name', '=', appName);
      const row = await query.executeTakeFirst();
      return { errors: Number(row?.errors ?? 0), requests: Number(row?.requests ?? 0) };
    },
    async impactSeries({ project, flag, environment, since }) {
      let query = db
        .selectFrom('toggles_impact')
        .selectAll()
        .where('project_key', '=', project)
        .where('minute', '>=', since);
      if (flag) query = query.where('flag_name', '=', flag);
      if (environment) query = query.where('environment', '=', environment);
      const rows = await query.orderBy('minute').orderBy('flag_name').orderBy('app_name').limit(10_000).execute();
      return rows.map((r) => ({
        project: r.project_key,
        flag: r.flag_name,
        environment: r.environment,
        appName: r.app_name,
        minute: r.minute,
        errors: Number(r.errors),
        requests: Number(r.requests),
      }));
    },
  };
}
