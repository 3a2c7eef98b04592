import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { SYSTEM_ACTOR } from '../../../platform/auth/actor.js';
import type { Logger } from '../../../platform/logging.js';
import type { JobQueue } from '../../../platform/queue/job-queue.js';
import type { HealthService } from '../engine/health-service.js';
import { REFRESH_ALL_JOB } from '../jobs.js';

/**
 * Loads the default track and checks (examples/health/*.yaml) the first time the
 * demo starts, and queues a first collection so the health pages show real data.
 * Idempotent: once definitions exist they are left alone (an admin may have
 * changed them). A malformed document is logged and skipped; the others load.
 *
 * @example
 * await seedDemoHealth({ health: health.service, queue, logger });
 */
export async function seedDemoHealth(input: {
  health: Pick<HealthService, 'definitions' | 'loadDefinitionFiles'>;
  queue: Pick<JobQueue, 'enqueue'>;
  logger: Logger;
  /** Default: the repository's examples/health. */
  examplesDir?: string;
}): Promise<{ loaded: number }> {
  const dir = input.examplesDir ?? defaultExamplesDir();
  let loaded = 0;
  if ((await input.health.definitions()).length === 0) {
    if (!existsSync(dir)) {
      input.logger.info({ dir }, 'example health definitions not found; the demo starts without a track');
    } else {
      const files = readdirSync(dir)
        .filter((f) => /\.ya?ml$/.test(f))
        .sort()
        .map((f) => ({ file: f, yaml: readFileSync(join(dir, f), 'utf8') }));
      const result = await input.health.loadDefinitionFiles(SYSTEM_ACTOR, files);
      loaded = result.applied.length;
      input.logger.info({ definitions: loaded, problems: result.problems.length }, 'demo health definitions loaded');
    }
  }
  await input.queue.enqueue(REFRESH_ALL_JOB, {}, { key: REFRESH_ALL_JOB });
  return { loaded };
}

/** examples/health at the repository root, found relative to this file (src or dist). */
function defaultExamplesDir(): string {
  return resolve(new URL('.', import.meta.url).pathname, '../../../../../../examples/health');
}
