import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateLargeFleet, type LargeFleet } from '@backbeat/demo-fleet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ApiClient,
  apiClient,
  type BackbeatProcess,
  createProcessDatabase,
  PROCESS_ADMIN_TOKEN,
  startBackbeat,
} from './testing/backbeat-process.js';
import { waitFor } from './testing/fleet-invariants.js';
import {
  logLibShiftYaml,
  oneChangeEach,
  recordBranchUpdates,
  registerLargeFleet,
  type ShiftTotals,
  settledTargets,
} from './testing/large-fleet-shift.js';

/**
 * Backbeat is killed with SIGKILL in the middle of a shift over 100 repositories
 * and started again on the same data directory and database: the shift finishes,
 * and every repository got exactly one change, no leftover branch, no doubled
 * publish, and a gap-free history. (`npm run bench -- fleet-shift` runs larger fleets.)
 */
const REPOSITORIES = 100;
const SHIFT = 'recover-log-lib';

let root: string;
let fleet: LargeFleet;
let database: Awaited<ReturnType<typeof createProcessDatabase>>;
let server: BackbeatProcess | undefined;
let env: Record<string, string>;

async function start(): Promise<ApiClient> {
  server = await startBackbeat({ verb: 'serve', dataDir: join(root, 'data'), env });
  return apiClient(server.url, PROCESS_ADMIN_TOKEN);
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'backbeat-recovery-'));
  fleet = await generateLargeFleet({ dir: join(root, 'fleet'), count: REPOSITORIES, filesPerRepo: 20 });
  await recordBranchUpdates(fleet);
  database = await createProcessDatabase();
  env = {
    ...database.env,
    BACKBEAT_ADMIN_TOKEN: PROCESS_ADMIN_TOKEN,
    BACKBEAT_LOG_LEVEL: 'warn',
    BACKBEAT_JOB_CONCURRENCY: '4',
    BACKBEAT_CATALOG_REFRESH_SECONDS: '86400',
  };
}, 120_000);

afterAll(async () => {
  await server?.stop('SIGKILL');
  await database?.drop();
  if (root) rmSync(root, { recursive: true, force: true });
});

describe('a shift survives kill -9 of the Backbeat process', () => {
  it('finishes after a restart with exactly one change per repository', async () => {
    let api = await start();
    await registerLargeFleet(api, fleet);
    await api('POST', '/api/fleet/shifts', { yaml: logLibShiftYaml(SHIFT) });
    // Kill as soon as some changes are merged, while most are still on their way.
    const before = await waitFor(
      async () => {
        const shift = await api<ShiftTotals>('GET', `/api/fleet/shifts/${SHIFT}`);
        return shift.merged >= 5 ? shift : undefined;
      },
      90_000,
      () => server?.output() ?? '',
      50,
    );
    await server?.stop('SIGKILL');
    expect(before.total).toBe(REPOSITORIES);
    expect(before.merged).toBeLessThan(REPOSITORIES);

    api = await start();
    const targets = await settledTargets(api, SHIFT, REPOSITORIES, 150_000, () => server?.output() ?? '');
    expect(await oneChangeEach(api, SHIFT, fleet, targets)).toEqual([]);
  }, 300_000);
});
