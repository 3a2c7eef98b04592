import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type Fleet as DemoFleet, generateFleet } from '@backbeat/demo-fleet';
import type { Actor } from '../../../platform/auth/actor.js';
import { createTestDatabase, type TestDatabase } from '../../../platform/db/testing/test-database.js';
import { createInMemoryEventLog } from '../../../platform/events/in-memory-event-log.js';
import { silentLogger } from '../../../platform/logging.js';
import { createJobQueue } from '../../../platform/queue/create-job-queue.js';
import type { JobQueueAdapter } from '../../../platform/queue/job-queue-adapter.js';
import { queueMigrations } from '../../../platform/queue/queue-migrations.js';
import { type Catalog, catalogMigrations, createCatalog } from '../../catalog/index.js';
import { createFleet, type Fleet, fleetMigrations } from '../../fleet/index.js';
import { createHealth, type Health, healthMigrations } from '../index.js';
import { createHealthStore, type HealthStore } from '../store/health-store.js';

export const HEALTH_ADMIN: Actor = {
  kind: 'user',
  id: 'admin',
  userRef: 'user:default/admin',
  displayName: 'Admin',
  isAdmin: true,
  scopes: ['read', 'write', 'admin'],
};

/** The example definitions the demo loads. */
export function exampleDefinitionFiles(): { file: string; yaml: string }[] {
  const dir = resolve(new URL('.', import.meta.url).pathname, '../../../../../../examples/health');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((file) => ({ file, yaml: readFileSync(join(dir, file), 'utf8') }));
}

export interface HealthHarness {
  database: TestDatabase;
  queue: JobQueueAdapter;
  catalog: Catalog;
  health: Health;
  /** Fleet Shift wired with the health gate, when asked for. */
  fleet?: Fleet;
  store: HealthStore;
  events: ReturnType<typeof createInMemoryEventLog>;
  demo: DemoFleet;
  dataDir: string;
  dispose(): Promise<void>;
}

/**
 * A real catalog and tech health on the test project's database, over a generated
 * demo fleet of `size` git repositories registered as catalog locations. The queue
 * is real but not started: tests start it when they test jobs.
 *
 * @example
 * const h = await createHealthHarness({ size: 12 });
 * await h.health.service.refresh();
 */
export async function createHealthHarness(options: { size: number; fleet?: boolean }): Promise<HealthHarness> {
  const dataDir = mkdtempSync(join(tmpdir(), 'backbeat-health-'));
  const database = await createTestDatabase({
    migrations: { ...queueMigrations, ...catalogMigrations, ...healthMigrations, ...fleetMigrations },
  });
  const logger = silentLogger();
  const events = createInMemoryEventLog();
  const queue = createJobQueue({ database, logger, timings: { pollIntervalMs: 50, retryBaseMs: 20 } });
  const catalog = createCatalog({
    database,
    queue,
    events,
    logger,
    config: { dataDir, catalogRefreshIntervalSeconds: 3600, readAllowList: { hosts: [], paths: [dataDir] } },
  });
  const health = createHealth({
    database,
    queue,
    events,
    logger,
    catalog: catalog.reader,
    membership: catalog.membership,
    config: { dataDir },
  });
  const fleet = options.fleet
    ? createFleet({
        database,
        queue,
        events,
        logger,
        catalog: catalog.reader,
        membership: catalog.membership,
        config: { dataDir },
        healthGate: health.gate,
      })
    : undefined;
  const demo = await generateFleet({ dir: join(dataDir, 'fleet'), size: options.size });
  await catalog.service.registerLocation({
    actor: HEALTH_ADMIN,
    type: 'git',
    target: demo.orgRepo,
    options: { path: '**/*.yaml' },
  });
  for (const repo of demo.repos) {
    await catalog.service.registerLocation({
      actor: HEALTH_ADMIN,
      type: 'git',
      target: repo.path,
      options: { path: 'catalog-info.yaml' },
    });
  }
  return {
    database,
    queue,
    catalog,
    health,
    ...(fleet ? { fleet } : {}),
    store: createHealthStore(database),
    events,
    demo,
    dataDir,
    async dispose() {
      await queue.stop();
      await database.dispose();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
