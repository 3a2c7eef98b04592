import type { JobQueue } from '../../platform/queue/job-queue.js';
import type { RadarService } from './radar-service.js';

export const SYNC_RADAR_SOURCES_JOB = 'radar.sync-sources';
/** Every five minutes: a source whose commit did not move costs one fetch. */
export const SYNC_RADAR_SOURCES_CRON = '*/5 * * * *';

/**
 * Registers the radar's one job: read every registered source file again, so a
 * ring moved in git shows on the radar without anyone pressing a button.
 *
 * @example
 * registerRadarJobs(queue, service);
 */
export function registerRadarJobs(queue: JobQueue, service: RadarService): void {
  queue.register(SYNC_RADAR_SOURCES_JOB, async () => {
    await service.syncAll();
  });
  queue.schedule(SYNC_RADAR_SOURCES_JOB, SYNC_RADAR_SOURCES_CRON);
}
