import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateLargeFleet, type LargeFleet } from '@backbeat/demo-fleet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialect } from '../../platform/db/testing/test-database.js';
import { PLAN_TARGET_JOB, PUBLISH_TARGET_JOB } from './jobs.js';
import {
  apiClient,
  type BackbeatProcess,
  createProcessDatabase,
  PROCESS_ADMIN_TOKEN,
  startBackbeat,
} from './testing/backbeat-process.js';
import {
  logLibShiftYaml,
  oneChangeEach,
  recordBranchUpdates,
  registerLargeFleet,
  settledTargets,
} from './testing/large-fleet-shift.js';

/**
 * Two `backbeat worker` processes and a `backbeat serve` that runs no jobs share
 * one shift over 40 repositories on PostgreSQL: every target settles, both workers
 * did part of the work, and no repository got a change twice.
 */
const REPOSITORIES = 40;
const SHIFT = 'shared-log-lib';
// Several worker processes need PostgreSQL; with SQLite, `serve` runs the jobs itself.
const onPostgres = testDialect() === 'postgres';

let root: string;
let fleet: LargeFleet;
let database: Awaited<ReturnType<typeof createProcessDatabase>>;
const processes: BackbeatProcess[] = [];

beforeAll(async () => {
  if (!onPostgres) return;
  root = mkdtempSync(join(tmpdir(), 'backbeat-workers-'));
  fleet = await generateLargeFleet({ dir: join(root, 'fleet'), count: REPOSITORIES, filesPerRepo: 20 });
  await recordBranchUpdates(fleet);
  database = await createProcessDatabase();
}, 120_000);

afterAll(async () => {
  for (const process of processes) await process.stop('SIGTERM');
  await database?.drop();
  if (root) rmSync(root, { recursive: true, force: true });
});

/** How many fleet jobs of `names` a worker's debug log reports as completed. */
function completed(output: string, names: readonly string[]): number {
  return output
    .split('\n')
    .filter((line) => /Completed task/.test(line) && names.some((name) => line.includes(`(${name},`))).length;
}

describe.skipIf(!onPostgres)('two workers share one shift (PostgreSQL)', () => {
  it('settles every target once, with work done by both workers', async () => {
    const base = {
      ...database.env,
      BACKBEAT_ADMIN_TOKEN: PROCESS_ADMIN_TOKEN,
      BACKBEAT_JOB_CONCURRENCY: '2',
      BACKBEAT_CATALOG_REFRESH_SECONDS: '86400',
    };
    // `serve` only answers HTTP here: its configuration file turns the in-process worker off.
    const serveDir = join(root, 'serve');
    mkdirSync(serveDir, { recursive: true });
    writeFileSync(join(serveDir, 'backbeat.config.json'), JSON.stringify({ runWorker: false }));
    const server = await startBackbeat({
      verb: 'serve',
      dataDir: serveDir,
      env: { ...base, BACKBEAT_LOG_LEVEL: 'warn' },
    });
    processes.push(server);
    // Debug logs name each completed job, which is how the test sees who did what.
    for (const name of ['worker-a', 'worker-b']) {
      processes.push(
        await startBackbeat({
          verb: 'worker',
          dataDir: join(root, name),
          env: { ...base, BACKBEAT_LOG_LEVEL: 'debug' },
        }),
      );
    }
    const [, workerA, workerB] = processes as [BackbeatProcess, BackbeatProcess, BackbeatProcess];
    const api = apiClient(server.url, PROCESS_ADMIN_TOKEN);
    await registerLargeFleet(api, fleet);
    await api('POST', '/api/fleet/shifts', { yaml: logLibShiftYaml(SHIFT) });
    const targets = await settledTargets(api, SHIFT, REPOSITORIES, 150_000);
    expect(await oneChangeEach(api, SHIFT, fleet, targets)).toEqual([]);

    const fleetJobs = [PLAN_TARGET_JOB, PUBLISH_TARGET_JOB];
    const byA = completed(workerA.output(), fleetJobs);
    const byB = completed(workerB.output(), fleetJobs);
    expect(byA, 'jobs completed by worker a').toBeGreaterThan(0);
    expect(byB, 'jobs completed by worker b').toBeGreaterThan(0);
    // Every target was planned and published by one of the workers, none by the server.
    expect(byA + byB).toBeGreaterThanOrEqual(2 * REPOSITORIES);
    expect(completed(server.output(), fleetJobs)).toBe(0);
  }, 240_000);
});
