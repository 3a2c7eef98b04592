import { join } from 'node:path';
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { MembershipResolver } from '../../platform/auth/actor.js';
import type { Database } from '../../platform/db/database.js';
import type { MigrationSet } from '../../platform/db/migrations.js';
import type { EventLog } from '../../platform/events/event-log.js';
import type { AppEnv } from '../../platform/http/app-env.js';
import type { Logger } from '../../platform/logging.js';
import type { JobQueue } from '../../platform/queue/job-queue.js';
import { type CatalogService, createCatalogService } from './catalog-service.js';
import { createLocationRefresher } from './ingestion/location-refresher.js';
import { registerCatalogJobs } from './jobs.js';
import { createLocationService } from './locations/location-service.js';
import type { ReadAllowList } from './locations/read-guard.js';
import { createMembershipResolver } from './membership.js';
import { catalogMigrations as schemaMigrations } from './migrations.js';
import type { Entity } from './model/entity.js';
import type { EntityFilter } from './query/entity-filter.js';
import { registerEntityRoutes } from './routes/entity-routes.js';
import { registerLocationRoutes } from './routes/location-routes.js';
import { createCatalogReadStore } from './store/catalog-read-store.js';
import { createCatalogWriteStore } from './store/catalog-write-store.js';
import { catalogReadMigrations } from './store/read-migrations.js';

export type { CatalogService } from './catalog-service.js';
export { REFRESH_ALL_JOB, REFRESH_LOCATION_JOB } from './jobs.js';
export type { LocationStatus, LocationSummary } from './locations/location-service.js';
export { assertReadable, type ReadAllowList } from './locations/read-guard.js';
export type { Entity } from './model/entity.js';
export { ownerOf, REPOSITORY_ANNOTATION, repositoryOf } from './model/entity-accessors.js';
export type { EntityFilter } from './query/entity-filter.js';

/** Every catalog migration: the schema and the read side's indexes. */
export const catalogMigrations: MigrationSet = { ...schemaMigrations, ...catalogReadMigrations };

export interface CatalogOptions {
  database: Database;
  queue: JobQueue;
  events: EventLog;
  logger: Logger;
  config: {
    /** Git mirrors live in `<dataDir>/mirrors/`. */
    dataDir: string;
    catalogRefreshIntervalSeconds: number;
    readAllowList: ReadAllowList;
  };
}

/** What other features may read of the catalog: whole entities, with relations. */
export interface CatalogReader {
  /** Every entity matching the filter, ordered by ref. */
  findEntities(filter: EntityFilter): Promise<Entity[]>;
  /** Entities by ref, in the order asked; null where none exists. */
  entitiesByRefs(entityRefs: readonly string[]): Promise<(Entity | null)[]>;
}

export interface Catalog {
  migrations: MigrationSet;
  service: CatalogService;
  membership: MembershipResolver;
  reader: CatalogReader;
  registerRoutes(app: OpenAPIHono<AppEnv>): void;
}

/**
 * Wires the catalog feature: stores, ingestion, location service, jobs (registered
 * on the queue here) and routes (mounted by `registerRoutes`).
 *
 * @example
 * const catalog = createCatalog({ database, queue, events, logger, config });
 * await migrateToLatest(database.db, catalog.migrations);
 * catalog.registerRoutes(app);
 */
export function createCatalog(options: CatalogOptions): Catalog {
  const { database, queue, events, logger, config } = options;
  const store = createCatalogWriteStore(database);
  const membership = createMembershipResolver(store);
  const refresher = createLocationRefresher({
    store,
    mirrorsDir: join(config.dataDir, 'mirrors'),
    allowList: config.readAllowList,
    logger,
  });
  const locations = createLocationService({
    store,
    refresher,
    events,
    queue,
    membership,
    allowList: config.readAllowList,
    refreshIntervalSeconds: config.catalogRefreshIntervalSeconds,
    logger,
  });
  const service = createCatalogService({ locations, store, events, membership });
  registerCatalogJobs(queue, service);
  const readStore = createCatalogReadStore({ database });
  const reader: CatalogReader = {
    async findEntities(filter) {
      const { items } = await readStore.listEntities({ filter });
      return items as Entity[];
    },
    async entitiesByRefs(entityRefs) {
      const { items } = await readStore.getEntitiesByRefs({ entityRefs });
      return items as (Entity | null)[];
    },
  };
  return {
    migrations: catalogMigrations,
    service,
    membership,
    reader,
    registerRoutes(app) {
      registerLocationRoutes(app, { service });
      registerEntityRoutes(app, { readStore, membership });
    },
  };
}
