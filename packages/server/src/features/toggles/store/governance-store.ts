import type { Kysely } from 'kysely';
import type { Database } from '../../../platform/db/database.js';
import type { ChangeRequest, ChangeStatus, FlagChange } from '../governance/change-model.js';

interface ChangeRow {
  id: string;
  project_key: string;
  flag_name: string;
  environment: string;
  change_json: string;
  note: string | null;
  status: string;
  apply_at: string | null;
  requested_by: string;
  decided_by: string | null;
  error: string | null;
  created_at: string;
  updated_at: string;
}

interface GovernanceTables {
  toggles_project_settings: { project_key: string; require_approval: number; updated_at: string };
  toggles_change_requests: ChangeRow;
  toggles_metrics: { project_key: string; flag_name: string; hour: string; yes: number | string; no: number | string };
}

export type ChangePatch = Partial<Pick<ChangeRequest, 'status' | 'decidedBy' | 'error'>>;

/**
 * SQL for governance: per-project approval settings, change requests (approvals
 * and scheduled changes) and the last evaluation of each flag (stale detection).
 *
 * @example
 * const governance = createGovernanceStore(database);
 * await governance.setRequireApproval('checkout', true, nowIso());
 */
export interface GovernanceStore {
  requireApproval(project: string): Promise<boolean>;
  setRequireApproval(project: string, required: boolean, at: string): Promise<void>;
  insertChange(change: ChangeRequest): Promise<void>;
  /** Moves a change out of `from` only if it is still there; true when this caller won. */
  transitionChange(id: string, from: ChangeStatus, patch: ChangePatch, at: string): Promise<boolean>;
  getChange(id: string): Promise<ChangeRequest | undefined>;
  listChanges(options: { project?: string; status?: ChangeStatus }): Promise<ChangeRequest[]>;
  /** Scheduled changes whose time has come, oldest first. */
  dueChanges(now: string): Promise<ChangeRequest[]>;
  /** The latest hour with any evaluation, per `project/flag`. */
  lastEvaluations(): Promise<Map<string, string>>;
}

function toChange(row: ChangeRow): ChangeRequest {
  return {
    id: row.id,
    project: row.project_key,
    flag: row.flag_name,
    environment: row.environment,
    change: JSON.parse(row.change_json) as FlagChange,
    note: row.note,
    status: row.status as ChangeStatus,
    applyAt: row.apply_at,
    requestedBy: row.requested_by,
    decidedBy: row.decided_by,
    error: row.error,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export function createGovernanceStore(database: Database): GovernanceStore {
  const db = database.db as unknown as Kysely<GovernanceTables>;
  return {
    async requireApproval(project) {
      const row = await db
        .selectFrom('toggles_project_settings')
        .select('require_approval')
        .where('project_key', '=', project)
        .executeTakeFirst();
      return Number(row?.require_approval ?? 0) === 1;
    },
    async setRequireApproval(project, required, at) {
      const values = { require_approval: required ? 1 : 0, updated_at: at };
      await db
        .insertInto('toggles_project_settings')
        .values({ project_key: project, ...values })
        .onConflict((oc) => oc.column('project_key').doUpdateSet(values))
        .execute();
    },
    async insertChange(c) {
      await db
        .insertInto('toggles_change_requests')
        .values({
          id: c.id,
          project_key: c.project,
          flag_name: c.flag,
          environment: c.environment,
          change_json: JSON.stringify(c.change),
          note: c.note,
          status: c.status,
          apply_at: c.applyAt,
          requested_by: c.requestedBy,
          decided_by: c.decidedBy,
          error: c.error,
          created_at: c.createdAt,
          updated_at: c.updatedAt,
        })
        .execute();
    },
    async transitionChange(id, from, patch, at) {
      const result = await db
        .updateTable('toggles_change_requests')
        .set({
          updated_at: at,
          ...(patch.status !== undefined ? { status: patch.status } : {}),
          ...(patch.decidedBy !== undefined ? { decided_by: patch.decidedBy } : {}),
          ...(patch.error !== undefined ? { error: patch.error } : {}),
        })
        .where('id', '=', id)
        .where('status', '=', from)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
    async getChange(id) {
      const row = await db.selectFrom('toggles_change_requests').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? toChange(row) : undefined;
    },
    async listChanges({ project, status }) {
      let query = db.selectFrom('toggles_change_requests').selectAll();
      if (project) query = query.where('project_key', '=', project);
      if (status) query = query.where('status', '=', status);
      return (await query.orderBy('id', 'desc').execute()).map(toChange);
    },
    async dueChanges(now) {
      const rows = await db
        .selectFrom('toggles_change_requests')
        .selectAll()
        .where('status', '=', 'scheduled')
        .where('apply_at', '<=', now)
        .orderBy('apply_at')
        .orderBy('id')
        .execute();
      return rows.map(toChange);
    },
    async lastEvaluations() {
      const rows = await db
        .selectFrom('toggles_metrics')
        .select(['project_key', 'flag_name', (eb) => eb.fn.max('hour').as('last')])
        .where((eb) => eb.or([eb('yes', '>', 0), eb('no', '>', 0)]))
        .groupBy(['project_key', 'flag_name'])
        .execute();
      return new Map(rows.map((r) => [`${r.project_key}/${r.flag_name}`, String(r.last)]));
    },
  };
}
