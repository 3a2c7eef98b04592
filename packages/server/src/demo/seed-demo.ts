import { join } from 'node:path';
import { DEMO_USER_REF, ensureDemoFleet } from '@backbeat/demo-fleet';
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
  logger: Logger;
  size?: number;
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
  if (added > 0) input.logger.info({ added, repositories: targets.length }, 'demo fleet registered');
  return { repositories: targets.length };
}
