import { type Kysely, sql } from 'kysely';
import type { Database } from '../../../platform/db/database.js';
import type { Constraint, Dependency, EnvironmentConfig, FlagType, Strategy, Variant } from '../model/flag-config.js';
import type { ClientToken, Environment, Flag, Project, Segment, TokenType } from '../model/records.js';
import type {
  EnvironmentRow,
  FlagEnvironmentRow,
  FlagRow,
  ProjectRow,
  SegmentRow,
  TogglesTables,
  TokenRow,
} from './toggles-tables.js';

export interface FlagInsert {
  id: string;
  project: string;
  name: string;
  type: FlagType;
  description: string | null;
  impressionData: boolean;
  dependencies: Dependency[];
  at: string;
}

export interface FlagPatch {
  type?: FlagType;
  description?: string | null;
  stale?: boolean;
  impressionData?: boolean;
  dependencies?: Dependency[];
  archivedAt?: string | null;
}

export interface MetricsBucket {
  project: string;
  environment: string;
  appName: string;
  hour: string;
  toggles: Record<string, { yes: number; no: number; variants: Record<string, number> }>;
}

export interface MetricsSummaryRow {
  flag: string;
  environment: string;
  appName: string;
  hour: string;
  yes: number;
  no: number;
  variants: Record<string, number>;
}

export interface ApplicationInstance {
  appName: string;
  instanceId: string;
  environment: string;
  project: string;
  sdkVersion: string | null;
  strategies: string[];
  intervalMs: number | null;
  startedAt: string | null;
  firstSeenAt: string;
  lastSeenAt: string;
}

/**
 * SQL for toggles. No rules here: the service decides; this reads and writes rows.
 * `transaction` runs a change and bumps the revision in the same transaction, so a
 * client that sees the new revision also sees the change.
 *
 * @example
 * const store = createTogglesStore(database);
 * const revision = await store.transaction(async (tx) => tx.setEnvironmentState(flag.id, 'production', state, at));
 */
export interface TogglesStore {
  transaction<T>(fn: (tx: TogglesStore) => Promise<T>): Promise<{ result: T; revision: number }>;
  revision(): Promise<number>;
  /** Inside `transaction` only: the new revision. */
  bumpRevision(): Promise<number>;

  insertProject(project: Project): Promise<void>;
  updateProject(key: string, patch: Partial<Omit<Project, 'key' | 'createdAt'>>): Promise<void>;
  deleteProject(key: string): Promise<void>;
  getProject(key: string): Promise<Project | undefined>;
  listProjects(): Promise<Project[]>;

  listEnvironments(): Promise<Environment[]>;
  insertEnvironment(environment: Environment, at: string): Promise<void>;

  insertFlag(flag: FlagInsert): Promise<void>;
  updateFlag(id: string, patch: FlagPatch, at: string): Promise<void>;
  deleteFlag(id: string): Promise<void>;
  getFlag(project: string, name: string): Promise<Flag | undefined>;
  /** Flags of a project (or every project with `*`), archived ones only when asked. */
  listFlags(options: { project: string; includeArchived?: boolean }): Promise<Flag[]>;
  setEnvironmentState(flagId: string, environment: string, state: EnvironmentConfig, at: string): Promise<void>;

  listSegments(project: string): Promise<Segment[]>;
  getSegment(id: number): Promise<Segment | undefined>;
  insertSegment(segment: Omit<Segment, 'id'>): Promise<number>;
  updateSegment(
    id: number,
    patch: { name?: string; description?: string | null; constraints?: Constraint[] },
    at: string,
  ): Promise<void>;
  deleteSegment(id: number): Promise<void>;

  insertToken(token: ClientToken, tokenHash: string): Promise<void>;
  findTokenByHash(tokenHash: string): Promise<ClientToken | undefined>;
  getToken(id: string): Promise<ClientToken | undefined>;
  listTokens(project?: string): Promise<ClientToken[]>;
  revokeToken(id: string, at: string): Promise<void>;
  markTokenUsed(id: string, at: string): Promise<void>;

  addMetrics(bucket: MetricsBucket): Promise<void>;
  metrics(options: {
    project: string;
    flag?: string;
    environment?: string;
    since?: string;
  }): Promise<MetricsSummaryRow[]>;
  upsertApplication(instance: ApplicationInstance): Promise<void>;
  listApplications(options: { project?: string; environment?: string }): Promise<ApplicationInstance[]>;
}

export function createTogglesStore(database: Database): TogglesStore {
  return storeOn(database.db as Kysely<TogglesTables>);
}

function parseJson<T>(text: string, fallback: T): T {
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}

function toProject(row: ProjectRow): Project {
  return {
    key: row.key,
    name: row.name,
    description: row.description,
    entityRef: row.entity_ref,
    ownerRef: row.owner_ref,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function toEnvironment(row: EnvironmentRow): Environment {
  return { key: row.key, name: row.name, production: Number(row.production) === 1, sortOrder: Number(row.sort_order) };
}

function toSegment(row: SegmentRow): Segment {
  return {
    id: Number(row.id),
    project: row.project_key,
    name: row.name,
    description: row.description,
    constraints: parseJson<Constraint[]>(row.constraints_json, []),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function toToken(row: TokenRow): ClientToken {
  return {
    id: row.id,
    name: row.name,
    type: row.type as TokenType,
    project: row.project_key,
    environment: row.environment,
    displayPrefix: row.display_prefix,
    createdBy: row.created_by,
    createdAt: row.created_at,
    revokedAt: row.revoked_at,
    lastUsedAt: row.last_used_at,
  };
}

function toFlag(row: FlagRow, states: FlagEnvironmentRow[], environments: Environment[]): Flag {
  const byEnv = new Map(states.map((s) => [s.environment, s]));
  const envs: Flag['environments'] = {};
  for (const env of environments) {
    const state = byEnv.get(env.key);
    envs[env.key] = state
      ? {
          enabled: Number(state.enabled) === 1,
          strategies: parseJson<Strategy[]>(state.strategies_json, []),
          variants: parseJson<Variant[]>(state.variants_json, []),
          updatedAt: state.updated_at,
        }
      : { enabled: false, strategies: [], variants: [], updatedAt: null };
  }
  return {
    id: row.id,
    project: row.project_key,
    name: row.name,
    type: row.type as FlagType,
    description: row.description,
    stale: Number(row.stale) === 1,
    impressionData: Number(row.impression_data) === 1,
    dependencies: parseJson<Dependency[]>(row.dependencies_json, []),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    archivedAt: row.archived_at,
    environments: envs,
  };
}

function storeOn(db: Kysely<TogglesTables>): TogglesStore {
  const store: TogglesStore = {
    async transaction(fn) {
      return db.transaction().execute(async (trx) => {
        const tx = storeOn(trx);
        const result = await fn(tx);
        const revision = await tx.bumpRevision();
        return { result, revision };
      });
    },
    async revision() {
      const row = await db.selectFrom('toggles_revision').select('revision').where('id', '=', 1).executeTakeFirst();
      return Number(row?.revision ?? 0);
    },
    async bumpRevision() {
      const row = await db
        .updateTable('toggles_revision')
        .set({ revision: sql`revision + 1` })
        .where('id', '=', 1)
        .returning('revision')
        .executeTakeFirstOrThrow();
      return Number(row.revision);
    },

    async insertProject(p) {
      await db
        .insertInto('toggles_projects')
        .values({
          key: p.key,
          name: p.name,
          description: p.description,
          entity_ref: p.entityRef,
          owner_ref: p.ownerRef,
          created_at: p.createdAt,
          updated_at: p.updatedAt,
        })
        .execute();
    },
    async updateProject(key, patch) {
      await db
        .updateTable('toggles_projects')
        .set({
          ...(patch.name !== undefined ? { name: patch.name } : {}),
          ...(patch.description !== undefined ? { description: patch.description } : {}),
          ...(patch.entityRef !== undefined ? { entity_ref: patch.entityRef } : {}),
          ...(patch.ownerRef !== undefined ? { owner_ref: patch.ownerRef } : {}),
          ...(patch.updatedAt !== undefined ? { updated_at: patch.updatedAt } : {}),
        })
        .where('key', '=', key)
        .execute();
    },
    async deleteProject(key) {
      await db.deleteFrom('toggles_segments').where('project_key', '=', key).execute();
      await db.deleteFrom('toggles_projects').where('key', '=', key).execute();
    },
    async getProject(key) {
      const row = await db.selectFrom('toggles_projects').selectAll().where('key', '=', key).executeTakeFirst();
      return row ? toProject(row) : undefined;
    },
    async listProjects() {
      return (await db.selectFrom('toggles_projects').selectAll().orderBy('key').execute()).map(toProject);
    },

    async listEnvironments() {
      const rows = await db
        .selectFrom('toggles_environments')
        .selectAll()
        .orderBy('sort_order')
        .orderBy('key')
        .execute();
      return rows.map(toEnvironment);
    },
    async insertEnvironment(env, at) {
      await db
        .insertInto('toggles_environments')
        .values({
          key: env.key,
          name: env.name,
          production: env.production ? 1 : 0,
          sort_order: env.sortOrder,
          created_at: at,
        })
        .execute();
    },

    async insertFlag(f) {
      await db
        .insertInto('toggles_flags')
        .values({
          id: f.id,
          project_key: f.project,
          name: f.name,
          type: f.type,
          description: f.description,
          stale: 0,
          impression_data: f.impressionData ? 1 : 0,
          dependencies_json: JSON.stringify(f.dependencies),
          created_at: f.at,
          updated_at: f.at,
          archived_at: null,
        })
        .execute();
    },
    async updateFlag(id, patch, at) {
      await db
        .updateTable('toggles_flags')
        .set({
          updated_at: at,
          ...(patch.type !== undefined ? { type: patch.type } : {}),
          ...(patch.description !== undefined ? { description: patch.description } : {}),
          ...(patch.stale !== undefined ? { stale: patch.stale ? 1 : 0 } : {}),
          ...(patch.impressionData !== undefined ? { impression_data: patch.impressionData ? 1 : 0 } : {}),
          ...(patch.dependencies !== undefined ? { dependencies_json: JSON.stringify(patch.dependencies) } : {}),
          ...(patch.archivedAt !== undefined ? { archived_at: patch.archivedAt } : {}),
        })
        .where('id', '=', id)
        .execute();
    },
    async deleteFlag(id) {
      await db.deleteFrom('toggles_flag_environments').where('flag_id', '=', id).execute();
      await db.deleteFrom('toggles_flags').where('id', '=', id).execute();
    },
    async getFlag(project, name) {
      const row = await db
        .selectFrom('toggles_flags')
        .selectAll()
        .where('project_key', '=', project)
        .where('name', '=', name)
        .executeTakeFirst();
      if (!row) return undefined;
      const states = await db
        .selectFrom('toggles_flag_environments')
        .selectAll()
        .where('flag_id', '=', row.id)
        .execute();
      return toFlag(row, states, await store.listEnvironments());
    },
    async listFlags({ project, includeArchived }) {
      let query = db.selectFrom('toggles_flags').selectAll();
      if (project !== '*') query = query.where('project_key', '=', project);
      if (!includeArchived) query = query.where('archived_at', 'is', null);
      const rows = await query.orderBy('project_key').orderBy('name').execute();
      if (rows.length === 0) return [];
      let stateQuery = db
        .selectFrom('toggles_flag_environments')
        .innerJoin('toggles_flags', 'toggles_flags.id', 'toggles_flag_environments.flag_id')
        .selectAll('toggles_flag_environments');
      if (project !== '*') stateQuery = stateQuery.where('toggles_flags.project_key', '=', project);
      const states = await stateQuery.execute();
      const byFlag = new Map<string, FlagEnvironmentRow[]>();
      for (const state of states) {
        const list = byFlag.get(state.flag_id) ?? [];
        list.push(state);
        byFlag.set(state.flag_id, list);
      }
      const environments = await store.listEnvironments();
      return rows.map((row) => toFlag(row, byFlag.get(row.id) ?? [], environments));
    },
    async setEnvironmentState(flagId, environment, state, at) {
      const values = {
        enabled: state.enabled ? 1 : 0,
        strategies_json: JSON.stringify(state.strategies),
        variants_json: JSON.stringify(state.variants),
        updated_at: at,
      };
      await db
        .insertInto('toggles_flag_environments')
        .values({ flag_id: flagId, environment, ...values })
        .onConflict((oc) => oc.columns(['flag_id', 'environment']).doUpdateSet(values))
        .execute();
    },

    async listSegments(project) {
      let query = db.selectFrom('toggles_segments').selectAll();
      if (project !== '*') query = query.where('project_key', '=', project);
      return (await query.orderBy('id').execute()).map(toSegment);
    },
    async getSegment(id) {
      const row = await db.selectFrom('toggles_segments').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? toSegment(row) : undefined;
    },
    async insertSegment(s) {
      // Integer ids, because client payloads reference segments by number.
      const row = await db
        .selectFrom('toggles_segments')
        .select(sql<number>`coalesce(max(id), 0) + 1`.as('next'))
        .executeTakeFirst();
      const id = Number(row?.next ?? 1);
      await db
        .insertInto('toggles_segments')
        .values({
          id,
          project_key: s.project,
          name: s.name,
          description: s.description,
          constraints_json: JSON.stringify(s.constraints),
          created_at: s.createdAt,
          updated_at: s.updatedAt,
        })
        .execute();
      return id;
    },
    async updateSegment(id, patch, at) {
      await db
        .updateTable('toggles_segments')
        .set({
          updated_at: at,
          ...(patch.name !== undefined ? { name: patch.name } : {}),
          ...(patch.description !== undefined ? { description: patch.description } : {}),
          ...(patch.constraints !== undefined ? { constraints_json: JSON.stringify(patch.constraints) } : {}),
        })
        .where('id', '=', id)
        .execute();
    },
    async deleteSegment(id) {
      await db.deleteFrom('toggles_segments').where('id', '=', id).execute();
    },

    async insertToken(t, tokenHash) {
      await db
        .insertInto('toggles_tokens')
        .values({
          id: t.id,
          name: t.name,
          type: t.type,
          project_key: t.project,
          environment: t.environment,
          token_hash: tokenHash,
          display_prefix: t.displayPrefix,
          created_by: t.createdBy,
          created_at: t.createdAt,
          revoked_at: null,
          last_used_at: null,
        })
        .execute();
    },
    async findTokenByHash(tokenHash) {
      const row = await db
        .selectFrom('toggles_tokens')
        .selectAll()
        .where('token_hash', '=', tokenHash)
        .executeTakeFirst();
      return row ? toToken(row) : undefined;
    },
    async getToken(id) {
      const row = await db.selectFrom('toggles_tokens').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? toToken(row) : undefined;
    },
    async listTokens(project) {
      let query = db.selectFrom('toggles_tokens').selectAll();
      if (project) query = query.where('project_key', '=', project);
      return (await query.orderBy('id').execute()).map(toToken);
    },
    async revokeToken(id, at) {
      await db.updateTable('toggles_tokens').set({ revoked_at: at }).where('id', '=', id).execute();
    },
    async markTokenUsed(id, at) {
      await db.updateTable('toggles_tokens').set({ last_used_at: at }).where('id', '=', id).execute();
    },

    async addMetrics(bucket) {
      const key = {
        project_key: bucket.project,
        environment: bucket.environment,
        app_name: bucket.appName,
        hour: bucket.hour,
      };
      for (const [flag, counts] of Object.entries(bucket.toggles)) {
        await db
          .insertInto('toggles_metrics')
          .values({ ...key, flag_name: flag, yes: counts.yes, no: counts.no })
          .onConflict((oc) =>
            oc.columns(['project_key', 'flag_name', 'environment', 'app_name', 'hour']).doUpdateSet({
              yes: sql`toggles_metrics.yes + excluded.yes`,
              no: sql`toggles_metrics.no + excluded.no`,
            }),
          )
          .execute();
        for (const [variant, count] of Object.entries(counts.variants)) {
          await db
            .insertInto('toggles_metric_variants')
            .values({ ...key, flag_name: flag, variant, count })
            .onConflict((oc) =>
              oc
                .columns(['project_key', 'flag_name', 'environment', 'app_name', 'hour', 'variant'])
                .doUpdateSet({ count: sql`toggles_metric_variants.count + excluded.count` }),
            )
            .execute();
        }
      }
    },
    async metrics({ project, flag, environment, since }) {
      let query = db.selectFrom('toggles_metrics').selectAll().where('project_key', '=', project);
      if (flag) query = query.where('flag_name', '=', flag);
      if (environment) query = query.where('environment', '=', environment);
      if (since) query = query.where('hour', '>=', since);
      const rows = await query
        .orderBy('hour')
        .orderBy('flag_name')
        .orderBy('environment')
        .orderBy('app_name')
        .execute();
      let variantQuery = db.selectFrom('toggles_metric_variants').selectAll().where('project_key', '=', project);
      if (flag) variantQuery = variantQuery.where('flag_name', '=', flag);
      if (environment) variantQuery = variantQuery.where('environment', '=', environment);
      if (since) variantQuery = variantQuery.where('hour', '>=', since);
      const variants = new Map<string, Record<string, number>>();
      for (const v of await variantQuery.execute()) {
        const k = [v.flag_name, v.environment, v.app_name, v.hour].join('\u0000');
        const entry = variants.get(k) ?? {};
        entry[v.variant] = Number(v.count);
        variants.set(k, entry);
      }
      return rows.map((r) => ({
        flag: r.flag_name,
        environment: r.environment,
        appName: r.app_name,
        hour: r.hour,
        yes: Number(r.yes),
        no: Number(r.no),
        variants: variants.get([r.flag_name, r.environment, r.app_name, r.hour].join('\u0000')) ?? {},
      }));
    },
    async upsertApplication(a) {
      const values = {
        project_key: a.project,
        sdk_version: a.sdkVersion,
        strategies_json: JSON.stringify(a.strategies),
        interval_ms: a.intervalMs,
        started_at: a.startedAt,
        last_seen_at: a.lastSeenAt,
      };
      await db
        .insertInto('toggles_applications')
        .values({
          app_name: a.appName,
          instance_id: a.instanceId,
          environment: a.environment,
          first_seen_at: a.firstSeenAt,
          ...values,
        })
        .onConflict((oc) => oc.columns(['app_name', 'instance_id', 'environment']).doUpdateSet(values))
        .execute();
    },
    async listApplications({ project, environment }) {
      let query = db.selectFrom('toggles_applications').selectAll();
      if (project) query = query.where('project_key', '=', project);
      if (environment) query = query.where('environment', '=', environment);
      const rows = await query.orderBy('app_name').orderBy('instance_id').execute();
      return rows.map((r) => ({
        appName: r.app_name,
        instanceId: r.instance_id,
        environment: r.environment,
        project: r.project_key,
        sdkVersion: r.sdk_version,
        strategies: parseJson<string[]>(r.strategies_json, []),
        intervalMs: r.interval_ms === null ? null : Number(r.interval_ms),
        startedAt: r.started_at,
        firstSeenAt: r.first_seen_at,
        lastSeenAt: r.last_seen_at,
      }));
    },
  };
  return store;
}
