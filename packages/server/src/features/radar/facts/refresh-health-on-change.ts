import type { EventLog } from '../../../platform/events/event-log.js';
import type { JobQueue } from '../../../platform/queue/job-queue.js';
import { REFRESH_ALL_JOB } from '../../health/index.js';

/**
 * When a radar is created, changed (a ring move, a version rule, an entry) or
 * deleted, queues tech health's refresh so checks over `radar.*` facts see it
 * now rather than at the next hourly run. The radar collector's fingerprint holds
 * the radars' revision, so the refresh collects the radar facts of every
 * component again while unchanged repositories still cost one HEAD comparison.
 * Moves made in quick succession share one waiting refresh (same job key).
 *
 * @example
 * refreshHealthOnRadarChange(events, queue);
 */
export function refreshHealthOnRadarChange(events: EventLog, queue: Pick<JobQueue, 'enqueue'>): () => void {
  return events.subscribe('radar.radar.*', async () => {
    await queue.enqueue(REFRESH_ALL_JOB, {}, { key: REFRESH_ALL_JOB });
  });
}
