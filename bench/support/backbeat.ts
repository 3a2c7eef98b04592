import { sql } from 'kysely';
import type { LargeCatalog } from '../../packages/demo-fleet/src/index.js';
import { type Backbeat, createBackbeat } from '../../packages/server/src/main.js';
import { SYSTEM_ACTOR } from '../../packages/server/src/platform/auth/actor.js';
import { loadConfig } from '../../packages/server/src/platform/config.js';
import { createLogger } from '../../packages/server/src/platform/logging.js';

/** Admin token the benchmark servers are seeded with (local, throw-away data only). */
export const BENCH_ADMIN_TOKEN = 'bench-admin-token-000000000000';

/**
 * An in-process Backbeat on the given data directory and (optional) PostgreSQL
 * database, built by the same composition root the CLI uses. No HTTP, no worker:
 * the benchmark drives the catalog service directly.
 */
export async function startBackbeat(input: { dataDir: string; databaseUrl?: string }): Promise<Backbeat> {
  const config = loadConfig({
    env: {},
    overrides: {
      dataDir: input.dataDir,
      databaseUrl: input.databaseUrl,
      adminToken: BENCH_ADMIN_TOKEN,
      logLevel: 'warn',
      runWorker: false,
      catalogRefreshIntervalSeconds: 86_400,
      port: 0,
      host: '127.0.0.1',
    },
  });
  return createBackbeat({ config, logger: createLogger({ level: 'warn' }), mode: 'serve' });
}

export async function countEntities(backbeat: Backbeat): Promise<number> {
  const row = await sql<{ n: number | string }>`select count(*) as n from catalog_entities`.execute(
    backbeat.database.db,
  );
  return Number(row.rows[0]?.n ?? 0);
}

export interface IngestTimings {
  /** Location id per repository path, in registration order. */
  locations: string[];
  firstIngestMs: number;
  entities: number;
  errors: number;
}

/** Registers every repository as a git location (each registration reads it fully) and times the lot. */
export async function ingestCatalog(backbeat: Backbeat, catalog: LargeCatalog): Promise<IngestTimings> {
  const locations: string[] = [];
  let errors = 0;
  const started = performance.now();
  for (const repo of catalog.repos) {
    const result = await backbeat.catalog.service.registerLocation({
      actor: SYSTEM_ACTOR,
      type: 'git',
      target: repo.path,
      options: { path: catalog.descriptorGlob },
    });
    locations.push(result.location.id);
    errors += result.refresh?.errors ?? 0;
  }
  const firstIngestMs = performance.now() - started;
  return { locations, firstIngestMs, entities: await countEntities(backbeat), errors };
}

/** Refreshes every location now, one after the other; returns the total time and the statuses seen. */
export async function refreshAll(backbeat: Backbeat, locations: string[]): Promise<{ ms: number; statuses: string[] }> {
  const statuses: string[] = [];
  const started = performance.now();
  for (const id of locations) {
    const result = await backbeat.catalog.service.refreshLocationNow(id);
    statuses.push(result.status);
  }
  return { ms: performance.now() - started, statuses };
}
