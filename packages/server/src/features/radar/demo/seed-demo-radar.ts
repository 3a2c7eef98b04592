import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { SYSTEM_ACTOR } from '../../../platform/auth/actor.js';
import type { Logger } from '../../../platform/logging.js';
import type { RadarService } from '../radar-service.js';

/** The example radar the demo starts with. */
export const DEMO_RADAR_FILE = 'radar.yaml';

/**
 * Applies the example Golden Tech radar the first time the demo starts (a radar
 * that already exists is left alone, so admins' ring moves survive restarts). It
 * is applied through the API path rather than registered as a file, so admins can
 * move its entries in the UI. A missing examples directory skips it.
 *
 * @example
 * await seedDemoRadar({ radar: radar.service, logger });
 */
export async function seedDemoRadar(input: {
  radar: Pick<RadarService, 'list' | 'apply'>;
  logger: Logger;
  /** Directory of the example radar; default: the repository's examples/radar. */
  examplesDir?: string;
}): Promise<void> {
  if ((await input.radar.list()).length > 0) return;
  const file = join(input.examplesDir ?? defaultExamplesDir(), DEMO_RADAR_FILE);
  if (!existsSync(file)) {
    input.logger.info({ file }, 'example radar not found; the demo starts without a radar');
    return;
  }
  try {
    await input.radar.apply(SYSTEM_ACTOR, { yaml: readFileSync(file, 'utf8'), reason: 'demo radar' });
    input.logger.info({ radar: DEMO_RADAR_FILE }, 'demo radar applied');
  } catch (error) {
    input.logger.warn({ file, err: (error as Error).message }, 'demo radar could not be applied');
  }
}

/** examples/radar at the repository root, found relative to this file (src or dist). */
function defaultExamplesDir(): string {
  return resolve(new URL('.', import.meta.url).pathname, '../../../../../../examples/radar');
}
