import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DEMO_USER_REF, ensureDemoFleet } from '@backbeat/demo-fleet';
import { seedDemoHealth } from '../features/health/index.js';
import { seedDemoRadar } from '../features/radar/index.js';
import { DEMO_TOGGLES_TOKEN_FILE, seedDemoToggles } from '../features/toggles/index.js';
import { SYSTEM_ACTOR } from '../platform/auth/actor.js';
import type { Logger } from '../platform/logging.js';

/** The slice of the catalog service that seeding needs. */
export interface DemoCatalog {
  listLocations(): Promise<{ type: string; target: string }[]>;
  registerLocation(input: {
    actor: typeof SYSTEM_ACTOR;
    type: 'git';
    target: string;
    options?: { ref?: string; path?: string };
  }): Promise<unknown>;
}

/** The slice of Fleet Shift that seeding needs. */
export interface DemoShifts {
  list(): Promise<unknown[]>;
  apply(actor: typeof SYSTEM_ACTOR, input: { yaml: string; preview?: boolean }): Promise<unknown>;
}

/** The example shift a newcomer finds previewed on the Fleet page: the demo fleet's vulnerable logging library. */
export const DEMO_SHIFT_FILE = 'bump-log-lib.yaml';

export interface DemoAccounts {
  ensureDemoAccount(input: { userRef: string }): Promise<unknown>;
}

/**
 * Generates the demo organisation and fleet in the data directory (once) and
 * registers every repository as a catalog location through the real ingestion
 * path. Idempotent: a location already registered is left alone.
 *
 * @example
 * await seedDemo({ dataDir, catalog: catalog.service, auth, logger });
 */
export async function seedDemo(input: {
  dataDir: string;
  catalog: DemoCatalog;
  auth: DemoAccounts;
  shifts?: DemoShifts;
  /** The radar service; the example Golden Tech radar is applied once. */
  radar?: Parameters<typeof seedDemoRadar>[0]['radar'];
  /** Tech health: the default track and checks are loaded once, and a first collection is queued. */
  health?: Omit<Parameters<typeof seedDemoHealth>[0], 'logger'>;
  /** Feature toggles: the `checkout` project and its flags are created once; its client token is in the data dir. */
  toggles?: Omit<Parameters<typeof seedDemoToggles>[0], 'logger'>;
  logger: Logger;
  size?: number;
  /** Directory of the example shifts; default: the repository's examples/shifts. */
  examplesDir?: string;
}): Promise<{ repositories: number }> {
  const fleet = await ensureDemoFleet(join(input.dataDir), { size: input.size });
  const registered = new Set((await input.catalog.listLocations()).map((l) => `${l.type}:${l.target}`));
  const targets = [
    { target: fleet.orgRepo, path: '**/*.yaml' },
    ...fleet.repos.map((repo) => ({ target: repo.path, path: 'catalog-info.yaml' })),
  ];
  let added = 0;
  for (const { target, path } of targets) {
    if (registered.has(`git:${target}`)) continue;
    try {
      await input.catalog.registerLocation({ actor: SYSTEM_ACTOR, type: 'git', target, options: { path } });
      added++;
    } catch (error) {
      // One broken demo repository must not stop the demo from starting.
      input.logger.warn({ target, err: (error as Error).message }, 'demo location could not be registered');
    }
  }
  await input.auth.ensureDemoAccount({ userRef: DEMO_USER_REF });
  if (input.shifts) await seedDemoShift(input.shifts, input.examplesDir ?? defaultExamplesDir(), input.logger);
  if (input.radar) await seedDemoRadar({ radar: input.radar, logger: input.logger });
  if (input.health) await seedDemoHealth({ ...input.health, logger: input.logger });
  if (input.toggles) {
    const clientTokenFile = join(input.dataDir, DEMO_TOGGLES_TOKEN_FILE);
    await seedDemoToggles({ clientTokenFile, ...input.toggles, logger: input.logger });
  }
  if (added > 0) input.logger.info({ added, repositories: targets.length }, 'demo fleet registered');
  return { repositories: targets.length };
}

/**
 * Applies the example log-lib shift as a preview (diffs computed, nothing pushed)
 * the first time the demo starts, so the Fleet page shows real data. A missing
 * examples directory (an installed package without the repository) skips it.
 */
async function seedDemoShift(shifts: DemoShifts, examplesDir: string, logger: Logger): Promise<void> {
  if ((await shifts.list()).length > 0) return;
  const file = join(examplesDir, DEMO_SHIFT_FILE);
  if (!existsSync(file)) {
    logger.info({ file }, 'example shift not found; the demo starts without a shift');
    return;
  }
  try {
    await shifts.apply(SYSTEM_ACTOR, { yaml: readFileSync(file, 'utf8'), preview: true });
    logger.info({ shift: DEMO_SHIFT_FILE }, 'demo shift applied as a preview');
  } catch (error) {
    logger.warn({ file, err: (error as Error).message }, 'demo shift could not be applied');
  }
}

/** examples/shifts at the repository root, found relative to this file (src or dist). */
function defaultExamplesDir(): string {
  return resolve(new URL('.', import.meta.url).pathname, '../../../../examples/shifts');
}
