import type { OpenAPIHono } from '@hono/zod-openapi';
import type { MembershipResolver } from '../../platform/auth/actor.js';
import type { Database } from '../../platform/db/database.js';
import type { MigrationSet } from '../../platform/db/migrations.js';
import type { EventLog } from '../../platform/events/event-log.js';
import type { AppEnv } from '../../platform/http/app-env.js';
import type { Logger } from '../../platform/logging.js';
import type { JobQueue } from '../../platform/queue/job-queue.js';
import type { CatalogReader } from '../catalog/index.js';
import { type CodeHostResolver, createGitCodeHost } from './code-hosts/index.js';
import { createShiftService, type ShiftService } from './engine/shift-service.js';
import { createTargetRunner, type HealthGate } from './engine/target-runner.js';
import { fleetMigrations } from './migrations.js';
import { registerShiftRoutes } from './routes/shift-routes.js';
import { createFleetStore } from './store/fleet-store.js';

export { type CodeHostConfig, createCodeHostResolver } from './code-hosts/index.js';
export type { ShiftService } from './engine/shift-service.js';
export type { ShiftDetail, ShiftSummary, TargetDetail, TargetView } from './engine/shift-views.js';
export type { HealthGate } from './engine/target-runner.js';
export { fleetMigrations } from './migrations.js';

export interface FleetOptions {
  database: Database;
  queue: JobQueue;
  events: EventLog;
  logger: Logger;
  catalog: CatalogReader;
  membership: MembershipResolver;
  config: {
    /** Mirrors live in `<dataDir>/mirrors/` (shared with the catalog), worktrees in `<dataDir>/worktrees/`. */
    dataDir: string;
  };
  /** Picks the code host of each repository; default: the embedded git host for every repository. */
  codeHosts?: CodeHostResolver;
  /** The tech-health feature's gate for `automerge.minHealthLevel`; without one the level is not checked. */
  healthGate?: HealthGate;
}

export interface Fleet {
  migrations: MigrationSet;
  shifts: ShiftService;
  registerRoutes(app: OpenAPIHono<AppEnv>): void;
}

function singleHost(host: ReturnType<typeof createGitCodeHost>): CodeHostResolver {
  return { forRepository: () => host };
}

/**
 * Wires Fleet Shift: store, the target runner (its jobs registered on the queue
 * here), the shift service and routes.
 *
 * @example
 * const fleet = createFleet({ database, queue, events, logger, catalog: catalog.reader, membership, config });
 * fleet.registerRoutes(app);
 */
export function createFleet(options: FleetOptions): Fleet {
  const store = createFleetStore(options.database);
  const runner = createTargetRunner({
    store,
    catalog: options.catalog,
    queue: options.queue,
    events: options.events,
    logger: options.logger,
    dataDir: options.config.dataDir,
    codeHosts: options.codeHosts ?? singleHost(createGitCodeHost()),
    healthGate: options.healthGate,
  });
  runner.registerJobs();
  const shifts = createShiftService({
    store,
    catalog: options.catalog,
    membership: options.membership,
    events: options.events,
    runner,
  });
  return {
    migrations: fleetMigrations,
    shifts,
    registerRoutes(app) {
      registerShiftRoutes(app, { shifts });
    },
  };
}
