import type { OpenAPIHono } from '@hono/zod-openapi';
import type { MembershipResolver } from '../../platform/auth/actor.js';
import type { Database } from '../../platform/db/database.js';
import type { MigrationSet } from '../../platform/db/migrations.js';
import type { EventLog } from '../../platform/events/event-log.js';
import type { AppEnv } from '../../platform/http/app-env.js';
import type { JobQueue } from '../../platform/queue/job-queue.js';
import type { CatalogReader, ReadAllowList } from '../catalog/index.js';
import { createGovernanceService, type GovernanceService } from './governance/governance-service.js';
import { createStaleFlags, type StaleFlagFacts, type StaleReport } from './governance/stale-flags.js';
import { registerTogglesJobs } from './jobs.js';
import { togglesMigrations } from './migrations.js';
import { createGuardCheck } from './rollouts/guard-check.js';
import { createRolloutService, type RolloutService } from './rollouts/rollout-service.js';
import { registerToggleAdminRoutes } from './routes/admin-routes.js';
import { registerClientRoutes } from './routes/client-routes.js';
import { registerFrontendRoutes } from './routes/frontend-routes.js';
import { registerGovernanceRoutes } from './routes/governance-routes.js';
import { registerOfrepRoutes } from './routes/ofrep-routes.js';
import { registerRolloutRoutes } from './routes/rollout-routes.js';
import { createChangeFeed } from './service/change-feed.js';
import { type ClientService, createClientService } from './service/client-service.js';
import { createEvaluationService } from './service/evaluation-service.js';
import { createTogglesService, type TogglesService } from './service/toggles-service.js';
import { createGovernanceStore } from './store/governance-store.js';
import { createGuardObservationsStore } from './store/guard-observations-store.js';
import { createPlansStore } from './store/plans-store.js';
import { createTogglesStore } from './store/toggles-store.js';

export { DEMO_TOGGLES_PROJECT, DEMO_TOGGLES_TOKEN_FILE, seedDemoToggles } from './demo/seed-demo-toggles.js';
export type { ChangeRequest, FlagChange } from './governance/change-model.js';
export type { GovernanceService } from './governance/governance-service.js';
export { EXPECTED_LIFETIME_DAYS, type StaleFlagFacts, type StaleReport } from './governance/stale-flags.js';
export { APPLY_CHANGES_JOB } from './jobs.js';
export { togglesMigrations } from './migrations.js';
export type { ClientFeaturesPayload } from './model/client-payload.js';
export type { ClientToken, Environment, Flag, Project, Segment } from './model/records.js';
export type { GuardObservation } from './rollouts/guard-observations.js';
export type { Guard, RolloutPlan, TimelineEntry } from './rollouts/rollout-model.js';
export { GUARD_BREACHED, type GuardSeries, PLAN_TICK_JOB, type RolloutService } from './rollouts/rollout-service.js';
export type { ClientService } from './service/client-service.js';
export { flagSubject, TOGGLE_UPDATED, type TogglesService } from './service/toggles-service.js';

/**
 * Paths whose clients send toggle tokens (`Authorization: Bearer <project>:<env>.<secret>`
 * from OFREP providers, raw tokens from Unleash SDKs); the HTTP layer leaves bearer
 * values it does not know there to these routes.
 */
export const TOGGLE_TOKEN_PATHS = ['/api/client/', '/api/frontend', '/ofrep/', '/api/toggles/impact'];

export interface TogglesOptions {
  database: Database;
  events: EventLog;
  membership: MembershipResolver;
  /** Checks that a project's entity exists and takes its owner; without it links are not checked. */
  catalog?: CatalogReader;
  /** Runs rollout plans and scheduled changes; without it they only move by hand. */
  queue?: JobQueue;
  config?: {
    /** How often streaming connections look for changes made by other processes. */
    streamPollIntervalMs?: number;
    /** Hosts non-admins may point Prometheus guards at. */
    readAllowList?: ReadAllowList;
    /** How often a running plan reads its guards; default one minute. */
    guardIntervalMs?: number;
    /** Days each guard reading is kept for the guard charts; default 14. */
    guardObservationRetentionDays?: number;
    /** Stale-flag thresholds in days (fully on, without evaluations); default 30 each. */
    staleFullyOnDays?: number;
    staleUnusedDays?: number;
  };
}

export interface Toggles {
  migrations: MigrationSet;
  service: TogglesService;
  client: ClientService;
  rollouts: RolloutService;
  governance: GovernanceService;
  /** The stale-flag report per owning group (also at GET /api/toggles/stale). */
  staleReport(options?: { owner?: string; now?: Date }): Promise<StaleReport>;
  /**
   * Facts for tech health about one catalog entity (a component or system linked to
   * toggle projects): how many flags it has and which are stale, and why.
   */
  staleFlagFacts(entityRef: string, now?: Date): Promise<StaleFlagFacts>;
  registerRoutes(app: OpenAPIHono<AppEnv>): void;
  /** Stops the change feed's polling. */
  close(): void;
}

/**
 * Wires feature toggles: the store, the admin service (rules, history), the client
 * service (SDK payloads, metrics), the change feed behind streaming, rollout plans
 * with guards, governance (approvals, scheduled changes, stale flags) with their
 * jobs on `queue`, and routes for the admin API (/api/toggles), Unleash's client API
 * (/api/client), its frontend API (/api/frontend) and OFREP (/ofrep/v1).
 *
 * @example
 * const toggles = createToggles({ database, events, membership: catalog.membership, catalog: catalog.reader });
 * toggles.registerRoutes(app);
 */
export function createToggles(options: TogglesOptions): Toggles {
  const store = createTogglesStore(options.database);
  const plans = createPlansStore(options.database);
  const governanceStore = createGovernanceStore(options.database);
  const requiresApproval = (project: string) => governanceStore.requireApproval(project);
  const service = createTogglesService({
    store,
    events: options.events,
    membership: options.membership,
    requiresApproval,
    ...(options.catalog ? { catalog: options.catalog } : {}),
  });
  const rollouts = createRolloutService({
    plans,
    toggles: service,
    guards: createGuardCheck({ plans }),
    observations: createGuardObservationsStore(options.database),
    events: options.events,
    membership: options.membership,
    requiresApproval,
    ...(options.queue ? { queue: options.queue } : {}),
    ...(options.config?.readAllowList ? { readAllowList: options.config.readAllowList } : {}),
    ...(options.config?.guardIntervalMs ? { guardIntervalMs: options.config.guardIntervalMs } : {}),
    ...(options.config?.guardObservationRetentionDays
      ? { observationRetentionDays: options.config.guardObservationRetentionDays }
      : {}),
  });
  const governance = createGovernanceService({
    store: governanceStore,
    toggles: service,
    rollouts,
    events: options.events,
    membership: options.membership,
    ...(options.queue ? { queue: options.queue } : {}),
  });
  const stale = createStaleFlags({
    toggles: service,
    store: governanceStore,
    settings: {
      ...(options.config?.staleFullyOnDays ? { fullyOnDays: options.config.staleFullyOnDays } : {}),
      ...(options.config?.staleUnusedDays ? { unusedDays: options.config.staleUnusedDays } : {}),
    },
  });
  if (options.queue) registerTogglesJobs(options.queue, { rollouts, governance });
  const feed = createChangeFeed({ store, pollIntervalMs: options.config?.streamPollIntervalMs ?? 250 });
  const client = createClientService({ store, events: options.events, revision: () => feed.revision() });
  const evaluation = createEvaluationService({ client });
  service.onChange((revision) => feed.notify(revision));
  return {
    migrations: togglesMigrations,
    service,
    client,
    rollouts,
    governance,
    staleReport: (query) => stale.report(query),
    staleFlagFacts: (entityRef, now) => stale.factsFor(entityRef, now),
    registerRoutes(app) {
      registerToggleAdminRoutes(app, { service, client });
      registerRolloutRoutes(app, { rollouts, toggles: service, client, plans });
      registerGovernanceRoutes(app, { governance, stale });
      registerClientRoutes(app, { client, feed });
      registerFrontendRoutes(app, { client, evaluation });
      registerOfrepRoutes(app, { client, evaluation });
    },
    close: () => feed.close(),
  };
}
