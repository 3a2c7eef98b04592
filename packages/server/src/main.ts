import { join } from 'node:path';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { sql } from 'kysely';
import { seedDemo } from './demo/seed-demo.js';
import { createCatalog } from './features/catalog/index.js';
import { createCodeHostResolver, createFleet } from './features/fleet/index.js';
import { createHealth } from './features/health/index.js';
import { createRadar } from './features/radar/index.js';
import { createToggles, TOGGLE_TOKEN_PATHS } from './features/toggles/index.js';
import { authMigrations } from './platform/auth/auth-migrations.js';
import { createAuthService } from './platform/auth/auth-service.js';
import type { Config } from './platform/config.js';
import { type Database, openDatabase, redactUrl } from './platform/db/database.js';
import { migrateToLatest } from './platform/db/migrations.js';
import { eventsMigrations } from './platform/events/event-migrations.js';
import { createEventLog } from './platform/events/sql-event-log.js';
import type { AppEnv } from './platform/http/app-env.js';
import { createHttpApp, mountWebApp, startHttpServer } from './platform/http/create-app.js';
import { createLogger, type Logger } from './platform/logging.js';
import { createMetrics } from './platform/metrics.js';
import { createJobQueue } from './platform/queue/create-job-queue.js';
import type { JobQueue } from './platform/queue/job-queue.js';
import { queueMigrations } from './platform/queue/queue-migrations.js';

/**
 * What a process runs: `serve` (HTTP API, web UI and, by default, the job worker
 * in-process), `worker` (jobs only; PostgreSQL deployments run many), or
 * `migrate` (apply migrations and stop).
 */
export type BackbeatMode = 'serve' | 'worker' | 'migrate';

export interface CreateBackbeatOptions {
  config: Config;
  mode: BackbeatMode;
  logger?: Logger;
}

export interface Backbeat {
  config: Config;
  logger: Logger;
  database: Database;
  queue: JobQueue;
  catalog: ReturnType<typeof createCatalog>;
  fleet: ReturnType<typeof createFleet>;
  health: ReturnType<typeof createHealth>;
  toggles: ReturnType<typeof createToggles>;
  radar: ReturnType<typeof createRadar>;
  auth: ReturnType<typeof createAuthService>;
  app: OpenAPIHono<AppEnv>;
  /** Migrations applied by this start. */
  appliedMigrations: string[];
  /** Set on the very first start: the one-time admin sign-in URL to print. */
  firstStart?: { signInUrl: string };
  /** Starts the HTTP server (and the in-process worker when configured). */
  listen(): Promise<{ port: number }>;
  /** Starts processing jobs without HTTP (the `worker` mode). */
  startWorker(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The composition root: config -> database -> migrations -> event log -> queue ->
 * features -> HTTP. Nothing else constructs services, so tests and benchmarks build
 * the same thing the CLI runs.
 *
 * @example
 * const backbeat = await createBackbeat({ config: loadConfig({ overrides: { port: 0 } }), mode: 'serve' });
 * const { port } = await backbeat.listen();
 */
export async function createBackbeat(options: CreateBackbeatOptions): Promise<Backbeat> {
  const { config, mode } = options;
  const logger = options.logger ?? createLogger({ level: config.logLevel });
  const database = await openDatabase(
    config.databaseUrl
      ? {
          connectionString: config.databaseUrl,
          onIdleClientError: (error) => logger.warn({ err: error.message }, 'database connection lost; reconnecting'),
        }
      : { sqliteFile: join(config.dataDir, 'backbeat.sqlite') },
  );
  logger.info(
    { database: database.dialect === 'postgres' ? redactUrl(config.databaseUrl ?? '') : database.sqliteFile },
    'database opened',
  );

  const events = createEventLog({ database, logger });
  const queue = createJobQueue({ database, logger, concurrency: config.jobConcurrency });
  const catalog = createCatalog({
    database,
    queue,
    events,
    logger,
    config: {
      dataDir: config.dataDir,
      catalogRefreshIntervalSeconds: config.catalogRefreshIntervalSeconds,
      readAllowList: config.readAllowList,
    },
  });
  const health = createHealth({
    database,
    queue,
    events,
    logger,
    catalog: catalog.reader,
    membership: catalog.membership,
    config: { dataDir: config.dataDir },
  });
  const fleet = createFleet({
    database,
    queue,
    events,
    logger,
    catalog: catalog.reader,
    membership: catalog.membership,
    config: { dataDir: config.dataDir },
    codeHosts: createCodeHostResolver(config.codeHosts, { log: (message) => logger.warn(message) }),
    healthGate: health.gate,
  });
  const radar = createRadar({
    database,
    queue,
    events,
    logger,
    // Adoption comes from tech health's dependency facts; the radar's facts go back into health's checks.
    dependencyUsage: health.reader,
    healthCollectors: health.collectors,
    config: { dataDir: config.dataDir },
  });
  const toggles = createToggles({
    database,
    events,
    membership: catalog.membership,
    catalog: catalog.reader,
    queue,
    config: { readAllowList: config.readAllowList },
  });
  const auth = createAuthService({ database, events, logger });

  const { applied } = await migrateToLatest(database.db, {
    ...eventsMigrations,
    ...queueMigrations,
    ...authMigrations,
    ...catalog.migrations,
    ...fleet.migrations,
    ...health.migrations,
    ...toggles.migrations,
    ...radar.migrations,
  });
  if (applied.length > 0) logger.info({ applied }, 'migrations applied');

  let firstStart: { signInUrl: string } | undefined;
  if (mode !== 'migrate') {
    const initial = await auth.ensureInitialAdmin({ baseUrl: config.baseUrl, adminToken: config.adminToken });
    if (initial.signInUrl) firstStart = { signInUrl: initial.signInUrl };
  }

  const metrics = createMetrics();
  const app = createHttpApp({
    logger,
    auth,
    metrics,
    demo: config.demo,
    events,
    baseUrl: config.baseUrl,
    foreignTokenPrefixes: TOGGLE_TOKEN_PATHS,
    readiness: async () => {
      await sql`select 1`.execute(database.db);
      const jobs = await queue.stats();
      return { ok: true, checks: { database: 'ok', jobs } };
    },
  });
  catalog.registerRoutes(app);
  fleet.registerRoutes(app);
  health.registerRoutes(app);
  toggles.registerRoutes(app);
  radar.registerRoutes(app);
  mountWebApp(app, { webDistDir: config.webDistDir });

  let server: { port: number; close(): Promise<void> } | undefined;
  let workerStarted = false;
  const startWorker = async () => {
    if (workerStarted) return;
    workerStarted = true;
    await queue.start();
  };

  const backbeat: Backbeat = {
    config,
    logger,
    database,
    queue,
    catalog,
    fleet,
    health,
    toggles,
    radar,
    auth,
    app,
    appliedMigrations: applied,
    firstStart,
    async listen() {
      if (config.demo) {
        await seedDemo({
          dataDir: config.dataDir,
          catalog: catalog.service,
          auth,
          shifts: fleet.shifts,
          radar: radar.service,
          health: { health: health.service, queue },
          toggles: { toggles: toggles.service, catalog: catalog.reader, rollouts: toggles.rollouts },
          logger,
        });
      }
      server = await startHttpServer(app, { port: config.port, host: config.host });
      // With port 0 the default base URL names port 0; the link must name the real one.
      const unboundBase = 'http://localhost:0';
      if (backbeat.firstStart && config.baseUrl === unboundBase) {
        backbeat.firstStart.signInUrl = backbeat.firstStart.signInUrl.replace(
          unboundBase,
          `http://localhost:${server.port}`,
        );
      }
      if (config.runWorker) await startWorker();
      logger.info({ port: server.port }, 'Backbeat is listening');
      return { port: server.port };
    },
    startWorker,
    async close() {
      toggles.close();
      await server?.close();
      // Always stop: on PostgreSQL the queue holds its own pool from the first enqueue.
      await queue.stop();
      await database.close();
    },
  };
  return backbeat;
}
