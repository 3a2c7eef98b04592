import { join } from 'node:path';
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Database } from '../../platform/db/database.js';
import type { MigrationSet } from '../../platform/db/migrations.js';
import type { EventLog } from '../../platform/events/event-log.js';
import type { AppEnv } from '../../platform/http/app-env.js';
import type { Logger } from '../../platform/logging.js';
import type { JobQueue } from '../../platform/queue/job-queue.js';
import type { FactCollectorRegistry } from '../health/index.js';
import { createRadarCollector } from './facts/radar-collector.js';
import { refreshHealthOnRadarChange } from './facts/refresh-health-on-change.js';
import { registerRadarJobs } from './jobs.js';
import { radarMigrations } from './migrations.js';
import type { RadarDefinition } from './model/radar.js';
import { createRadarService, type RadarEvaluator, type RadarService } from './radar-service.js';
import { registerRadarRoutes } from './routes/radar-routes.js';
import { createRadarStore } from './store/radar-store.js';
import type { DependencyUsageReader } from './usage/dependency-usage.js';

export { seedDemoRadar } from './demo/seed-demo-radar.js';
export { createRadarCollector, RADAR_COLLECTOR, RADAR_COLLECTOR_VERSION } from './facts/radar-collector.js';
export { type RadarFacts, type RadarTechnologyFact, radarFactsOf } from './facts/radar-facts.js';
export { SYNC_RADAR_SOURCES_JOB } from './jobs.js';
export { radarMigrations } from './migrations.js';
export { RINGS, type Ring } from './model/radar.js';
export type {
  EntryDetail,
  RadarEvaluationItem,
  RadarEvaluator,
  RadarService,
  RadarSummary,
  RadarView,
  SourceStatus,
} from './radar-service.js';
export { parseRadar, type RadarProblem } from './spec/parse-radar.js';
export type { DependencyUsage, DependencyUsageReader } from './usage/dependency-usage.js';
export { createRepositoryUsageReader } from './usage/repository-usage-reader.js';

export interface RadarOptions {
  database: Database;
  queue: JobQueue;
  events: EventLog;
  logger: Logger;
  /** What the fleet declares: component, owner, dependency and version (the composition root passes `health.reader`). */
  dependencyUsage: DependencyUsageReader;
  /**
   * Tech health's collector registry. When given, the `radar` fact collector is
   * registered on it (after the repository collector, whose dependency facts it
   * reads) and any radar change queues tech health's refresh, so checks such as
   * "uses no technology in HOLD" follow ring moves.
   */
  healthCollectors?: FactCollectorRegistry;
  config: {
    /** Git sources of radar definitions are mirrored under `<dataDir>/radar/mirrors/`. */
    dataDir: string;
  };
}

export interface Radar {
  migrations: MigrationSet;
  service: RadarService;
  /** For other features (tech-health checks): which entries an entity uses, in which ring. */
  evaluator: RadarEvaluator;
  registerRoutes(app: OpenAPIHono<AppEnv>): void;
}

/**
 * Wires the Golden Tech radar: store, service, the source-sync job (registered on
 * the queue here) and routes; with `healthCollectors`, the `radar` fact collector
 * for tech-health checks.
 *
 * @example
 * const radar = createRadar({
 *   database, queue, events, logger, config: { dataDir },
 *   dependencyUsage: health.reader,
 *   healthCollectors: health.collectors,
 * });
 * radar.registerRoutes(app);
 * const items = await radar.evaluator.evaluateEntity('component:default/web');
 */
export function createRadar(options: RadarOptions): Radar {
  const store = createRadarStore(options.database);
  const service = createRadarService({
    store,
    events: options.events,
    logger: options.logger,
    dependencyUsage: options.dependencyUsage,
    mirrorsDir: join(options.config.dataDir, 'radar', 'mirrors'),
  });
  registerRadarJobs(options.queue, service);
  if (options.healthCollectors) {
    options.healthCollectors.register(
      createRadarCollector({
        listRadars: async () => (await store.listRadars()).map((r) => JSON.parse(r.definition_json) as RadarDefinition),
      }),
    );
    refreshHealthOnRadarChange(options.events, options.queue);
  }
  return {
    migrations: radarMigrations,
    service,
    evaluator: {
      evaluateEntity: (entityRef) => service.evaluateEntity(entityRef),
      evaluateEntities: (entityRefs) => service.evaluateEntities(entityRefs),
    },
    registerRoutes(app) {
      registerRadarRoutes(app, { radar: service });
    },
  };
}
