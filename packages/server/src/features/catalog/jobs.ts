import type { JobQueue } from '../../platform/queue/job-queue.js';
import type { CatalogService } from './catalog-service.js';
import { REFRESH_ALL_JOB, REFRESH_LOCATION_JOB } from './locations/location-service.js';

export { REFRESH_ALL_JOB, REFRESH_LOCATION_JOB };

/** Every minute the scheduler looks for locations due; the interval itself is configuration. */
export const REFRESH_ALL_CRON = '* * * * *';

/**
 * Registers the catalog's jobs. `catalog.refresh-location` refreshes one location
 * (idempotent: an unchanged repository is a no-op; a location deleted meanwhile is
 * skipped); when the target cannot be read the error is recorded on the location
 * and the job fails so the queue retries with backoff. `catalog.refresh-all` runs
 * every minute and queues the locations whose last refresh is older than the interval.
 *
 * @example
 * registerCatalogJobs(queue, catalog.service);
 */
export function registerCatalogJobs(queue: JobQueue, service: CatalogService): void {
  queue.register<{ locationId: string }>(REFRESH_LOCATION_JOB, async (payload, context) => {
    if (!payload || typeof payload.locationId !== 'string') {
      context.log.warn({ payload }, 'catalog.refresh-location without a locationId; skipped');
      return;
    }
    const result = await service.refreshLocationNow(payload.locationId);
    if (result.status === 'failed') {
      throw new Error(`Location ${payload.locationId} could not be read: ${result.error}`);
    }
    context.log.debug(
      {
        location: payload.locationId,
        status: result.status,
        added: result.added.length,
        removed: result.removed.length,
      },
      'catalog location refreshed',
    );
  });
  queue.register(REFRESH_ALL_JOB, async (_payload, context) => {
    const queued = await service.enqueueDueRefreshes();
    if (queued > 0) context.log.debug({ queued }, 'catalog refreshes queued');
  });
  queue.schedule(REFRESH_ALL_JOB, REFRESH_ALL_CRON);
}
