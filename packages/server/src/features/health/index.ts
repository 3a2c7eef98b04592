import type { OpenAPIHono } from '@hono/zod-openapi';
import type { MembershipResolver } from '../../platform/auth/actor.js';
import type { Database } from '../../platform/db/database.js';
import type { MigrationSet } from '../../platform/db/migrations.js';
import type { EventLog } from '../../platform/events/event-log.js';
import type { AppEnv } from '../../platform/http/app-env.js';
import type { Logger } from '../../platform/logging.js';
import type { JobQueue } from '../../platform/queue/job-queue.js';
import type { CatalogReader } from '../catalog/index.js';
import { createHealthService, type HealthService } from './engine/health-service.js';
import { createCatalogCollector } from './facts/catalog-collector.js';
import { createFactCollectorRegistry, type FactCollectorRegistry } from './facts/fact-collector.js';
import { createRepositoryCollector } from './facts/repository-collector.js';
import { followCatalog, registerHealthJobs } from './jobs.js';
import { healthMigrations } from './migrations.js';
import { registerHealthRoutes } from './routes/health-routes.js';
import { createHealthStore } from './store/health-store.js';

export { seedDemoHealth } from './demo/seed-demo-health.js';
export type { CampaignView, EntityHealth, GroupRollup, HealthService } from './engine/health-service.js';
export { CATALOG_COLLECTOR } from './facts/catalog-collector.js';
export type { CollectContext, FactCollector, FactCollectorRegistry, Facts } from './facts/fact-collector.js';
export { REPOSITORY_COLLECTOR } from './facts/repository-collector.js';
export { EVALUATE_ALL_JOB, REFRESH_ALL_JOB, REFRESH_BATCH_JOB } from './jobs.js';
export { healthMigrations } from './migrations.js';
export type { CheckResult, TrackCertification } from './model/definitions.js';
export { parseHealthDefinitions } from './spec/parse-definitions.js';

/** One declared dependency of one entity, as the repository collector read it. */
export interface EntityDependencies {
  entityRef: string;
  ownerRef: string | null;
  dependencies: { ecosystem: string; name: string; version: string; file: string }[];
}

/** What other features (the radar) may read of tech health. */
export interface HealthReader {
  /** Every entity's declared dependencies with versions, from its latest repository facts. */
  dependencyFacts(): Promise<EntityDependencies[]>;
  /** The same, one row per (entity, dependency): the radar's `DependencyUsageReader` shape. */
  listDependencyUsage(): Promise<
    { entityRef: string; ownerRef: string | null; ecosystem: string; name: string; version: string }[]
  >;
  /** The latest facts of one collector, by entity ref. */
  latestFacts(collector: string): Promise<Map<string, unknown>>;
}

export interface HealthOptions {
  database: Database;
  queue: JobQueue;
  events: EventLog;
  logger: Logger;
  catalog: CatalogReader;
  membership: MembershipResolver;
  config: {
    /** Repository mirrors live in `<dataDir>/mirrors/`, shared with the catalog and Fleet Shift. */
    dataDir: string;
  };
}

export interface Health {
  migrations: MigrationSet;
  service: HealthService;
  /** Other features register their fact collectors here (before the worker starts). */
  collectors: FactCollectorRegistry;
  reader: HealthReader;
  /** Fleet Shift's `automerge.minHealthLevel` gate (pass it to `createFleet`). */
  gate(entityRef: string, minLevel: string): Promise<{ allowed: boolean; reason?: string }>;
  registerRoutes(app: OpenAPIHono<AppEnv>): void;
}

/**
 * Wires tech health: the store, the fact collectors (`repository`, `catalog`), the
 * service, its jobs (registered on the queue here) and routes.
 *
 * @example
 * const health = createHealth({ database, queue, events, logger, catalog: catalog.reader, membership, config });
 * const fleet = createFleet({ ..., healthGate: health.gate });
 * health.registerRoutes(app);
 */
export function createHealth(options: HealthOptions): Health {
  const store = createHealthStore(options.database);
  const collectors = createFactCollectorRegistry();
  collectors.register(createRepositoryCollector({ dataDir: options.config.dataDir }));
  collectors.register(createCatalogCollector({ catalog: options.catalog }));
  const service = createHealthService({
    store,
    catalog: options.catalog,
    membership: options.membership,
    events: options.events,
    logger: options.logger,
    collectors,
  });
  registerHealthJobs(options.queue, service);
  followCatalog(options.events, options.queue, service);
  return {
    migrations: healthMigrations,
    service,
    collectors,
    reader: {
      dependencyFacts: () => service.dependencyFacts(),
      async listDependencyUsage() {
        return (await service.dependencyFacts()).flatMap((e) =>
          e.dependencies.map((d) => ({
            entityRef: e.entityRef,
            ownerRef: e.ownerRef,
            ecosystem: d.ecosystem,
            name: d.name,
            version: d.version,
          })),
        );
      },
      latestFacts: (c) => service.latestFacts(c),
    },
    gate: (entityRef, minLevel) => service.gate(entityRef, minLevel),
    registerRoutes(app) {
      registerHealthRoutes(app, {
        service,
        queue: options.queue,
        events: options.events,
        catalog: options.catalog,
        membership: options.membership,
      });
    },
  };
}
