import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Fleet as DemoFleet, generateFleet } from '@backbeat/demo-fleet';
import type { Actor } from '../../../platform/auth/actor.js';
import { createTestDatabase, type TestDatabase } from '../../../platform/db/testing/test-database.js';
import type { EventLog } from '../../../platform/events/event-log.js';
import { createInMemoryEventLog } from '../../../platform/events/in-memory-event-log.js';
import { runGit } from '../../../platform/git/index.js';
import { silentLogger } from '../../../platform/logging.js';
import { createJobQueue } from '../../../platform/queue/create-job-queue.js';
import type { JobQueue } from '../../../platform/queue/job-queue.js';
import type { JobQueueAdapter } from '../../../platform/queue/job-queue-adapter.js';
import { queueMigrations } from '../../../platform/queue/queue-migrations.js';
import { type Catalog, catalogMigrations, createCatalog } from '../../catalog/index.js';
import { createFleet, type Fleet, fleetMigrations, type TargetView } from '../index.js';
import type { TargetState } from '../model/target-state.js';
import type { TargetQuery } from '../store/fleet-store.js';

export const FLEET_ADMIN: Actor = {
  kind: 'user',
  id: 'admin',
  userRef: 'user:default/admin',
  displayName: 'Admin',
  isAdmin: true,
  scopes: ['read', 'write', 'admin'],
};

export interface FleetHarness {
  database: TestDatabase;
  queue: JobQueueAdapter;
  catalog: Catalog;
  fleet: Fleet;
  events: ReturnType<typeof createInMemoryEventLog>;
  demo: DemoFleet;
  dataDir: string;
  /** The steps an `interrupt` option cut off, in order: an event type or a job name each. */
  interrupted: string[];
  /** Waits until every target of the shift is in one of `states` (or the timeout passes, then throws with the states seen). */
  settle(shift: string, states: readonly TargetState[], timeoutMs?: number): Promise<void>;
  dispose(): Promise<void>;
}

/**
 * A real catalog and Fleet Shift on the test project's database with its real job
 * queue, over a generated demo fleet of `size` git repositories registered as
 * catalog locations.
 *
 * @example
 * const h = await createFleetHarness({ size: 12 });
 * await h.fleet.shifts.apply(FLEET_ADMIN, { yaml });
 * await h.settle('bump-log-lib', ['merged', 'no-change', 'checks-failed']);
 */
export async function createFleetHarness(options: { size: number; interrupt?: Interruptions }): Promise<FleetHarness> {
  const dataDir = mkdtempSync(join(tmpdir(), 'backbeat-fleet-'));
  const database = await createTestDatabase({
    migrations: { ...queueMigrations, ...catalogMigrations, ...fleetMigrations },
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
  const interrupted: string[] = [];
  const interruptible = interruptFirst(events, queue, options.interrupt ?? {}, interrupted);
  const fleet = createFleet({
    database,
    queue: interruptible.queue,
    events: interruptible.events,
    logger,
    catalog: catalog.reader,
    membership: catalog.membership,
    config: { dataDir },
  });
  const demo = await generateFleet({ dir: join(dataDir, 'fleet'), size: options.size });
  await catalog.service.registerLocation({
    actor: FLEET_ADMIN,
    type: 'git',
    target: demo.orgRepo,
    options: { path: '**/*.yaml' },
  });
  for (const repo of demo.repos) {
    await catalog.service.registerLocation({
      actor: FLEET_ADMIN,
      type: 'git',
      target: repo.path,
      options: { path: 'catalog-info.yaml' },
    });
  }
  await queue.start();

  return {
    database,
    queue,
    catalog,
    fleet,
    events,
    demo,
    dataDir,
    interrupted,
    settle: (shift, states, timeoutMs) => settleShift(fleet, shift, states, timeoutMs),
    async dispose() {
      await queue.stop();
      await database.dispose();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Removes a demo repository's `.backbeat/checks.yaml` in a commit of its own, so its
 * changes have nothing to check: mergeable at once, straight into main with auto-merge.
 *
 * @example
 * for (const repo of h.demo.repos) await dropDeclaredChecks(repo.path);
 */
export async function dropDeclaredChecks(repoPath: string): Promise<void> {
  await runGit(['rm', '-q', '.backbeat/checks.yaml'], { cwd: repoPath });
  await runGit(['-c', 'user.name=Dev', '-c', 'user.email=dev@example.com', 'commit', '-q', '-m', 'No checks'], {
    cwd: repoPath,
  });
}

/**
 * Steps of Fleet Shift to cut off once, the way a kill -9 cuts off a job between a
 * transition it has committed and the step after it: the first append of each event
 * type and the first enqueue of each job name throw. The queue then runs the job
 * again, as it does after a restart.
 */
export interface Interruptions {
  events?: readonly string[];
  jobs?: readonly string[];
}

/** The event log and queue Fleet Shift is given, failing the first time each listed step is taken. */
function interruptFirst(
  events: EventLog,
  queue: JobQueue,
  interrupt: Interruptions,
  interrupted: string[],
): { events: EventLog; queue: JobQueue } {
  const cutOff = (step: string, listed: readonly string[] | undefined) => {
    if (!listed?.includes(step) || interrupted.includes(step)) return;
    interrupted.push(step);
    throw new Error(`interrupted before ${step}`);
  };
  return {
    events: {
      append: async (actor, event) => {
        cutOff(event.type, interrupt.events);
        return events.append(actor, event);
      },
      list: (query) => events.list(query),
      subscribe: (pattern, handler) => events.subscribe(pattern, handler),
    },
    queue: {
      register: (name, handler) => queue.register(name, handler),
      enqueue: async (name, payload, enqueueOptions) => {
        cutOff(name, interrupt.jobs);
        return queue.enqueue(name, payload, enqueueOptions);
      },
      schedule: (name, cron, payload) => queue.schedule(name, cron, payload),
      start: () => queue.start(),
      stop: () => queue.stop(),
      stats: () => queue.stats(),
    },
  };
}

/**
 * Every target of a shift under a filter, read page by page.
 *
 * @example
 * const failed = await allTargets(h.fleet, 'bump-log-lib', { states: ['checks-failed'] });
 */
export async function allTargets(fleet: Fleet, shift: string, query: TargetQuery = {}): Promise<TargetView[]> {
  const targets: TargetView[] = [];
  let cursor: string | undefined;
  do {
    const page = await fleet.shifts.targets(shift, { ...query, limit: 1000, ...(cursor ? { cursor } : {}) });
    targets.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return targets;
}

/**
 * Waits until every target of the shift is in one of `states`; after `timeoutMs`
 * throws with the states it saw, so a stuck target names itself.
 *
 * @example
 * await settleShift(fleet, 'bump-log-lib', ['merged', 'no-change']);
 */
export async function settleShift(
  fleet: Fleet,
  shift: string,
  states: readonly TargetState[],
  timeoutMs = 90_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let seen: string[] = [];
  while (Date.now() < deadline) {
    const targets = await allTargets(fleet, shift);
    seen = targets.map((t) => `${t.entityRef}=${t.state}`);
    if (targets.length > 0 && targets.every((t) => states.includes(t.state))) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`Shift ${shift} did not settle in ${timeoutMs} ms: ${seen.join(', ')}`);
}
