import type { EventLog } from '../../platform/events/event-log.js';
import type { JobQueue } from '../../platform/queue/job-queue.js';
import { COLLECT_BATCH, type HealthService } from './engine/health-service.js';

/** Queues one refresh job per batch of entities. */
export const REFRESH_ALL_JOB = 'health.refresh-all';
/** Collects facts for, then evaluates, one batch: `{ entityRefs }`. */
export const REFRESH_BATCH_JOB = 'health.refresh-batch';
/** Evaluates every entity from stored facts (after definitions change). */
export const EVALUATE_ALL_JOB = 'health.evaluate-all';
/** Hourly: unchanged repositories cost a HEAD comparison each, so a frequent run is cheap. */
export const REFRESH_ALL_CRON = '23 * * * *';

/** The kinds health evaluates, as ref prefixes. */
const HEALTH_REF = /^(component|api|system|resource):/;

/**
 * Keeps health in step with the catalog: entities added or changed are refreshed
 * (a job per 100), entities removed leave the roll-ups.
 *
 * @example
 * followCatalog(events, queue, service);
 */
export function followCatalog(events: EventLog, queue: JobQueue, service: HealthService): void {
  events.subscribe('catalog.entity.changed', async (event) => {
    const data = (event.data ?? {}) as { added?: string[]; updated?: string[]; removed?: string[] };
    const changed = [...(data.added ?? []), ...(data.updated ?? [])]
      .map((r) => r.toLowerCase())
      .filter((r) => HEALTH_REF.test(r));
    for (let i = 0; i < changed.length; i += COLLECT_BATCH) {
      await queue.enqueue(REFRESH_BATCH_JOB, { entityRefs: changed.slice(i, i + COLLECT_BATCH) });
    }
    const removed = (data.removed ?? []).map((r) => r.toLowerCase()).filter((r) => HEALTH_REF.test(r));
    if (removed.length > 0) await service.forget(removed);
  });
  events.subscribe('catalog.entity.deleted', async (event) => {
    await service.forget([event.subject.toLowerCase()]);
  });
}

/**
 * Registers tech health's jobs. Each is idempotent: collecting twice finds the
 * HEADs unmoved and the facts equal, evaluating twice writes nothing new.
 *
 * @example
 * registerHealthJobs(queue, service);
 */
export function registerHealthJobs(queue: JobQueue, service: HealthService): void {
  queue.register(REFRESH_ALL_JOB, async (_payload, context) => {
    const batches = await service.batches();
    for (const [index, entityRefs] of batches.entries()) {
      await queue.enqueue(REFRESH_BATCH_JOB, { entityRefs }, { key: `${REFRESH_BATCH_JOB}:${index}` });
    }
    context.log.debug({ batches: batches.length }, 'health refresh batches queued');
  });
  queue.register<{ entityRefs?: string[] }>(REFRESH_BATCH_JOB, async (payload, context) => {
    if (!payload || !Array.isArray(payload.entityRefs)) {
      context.log.warn({ payload }, `${REFRESH_BATCH_JOB} without entityRefs; skipped`);
      return;
    }
    const { collection, evaluation } = await service.refresh({ entityRefs: payload.entityRefs });
    context.log.debug(
      {
        entities: collection.entities,
        unchanged: collection.unchanged,
        errors: collection.errors.length,
        changed: evaluation.changed,
      },
      'health batch refreshed',
    );
  });
  queue.register(EVALUATE_ALL_JOB, async (_payload, context) => {
    const report = await service.evaluate();
    context.log.debug({ ...report }, 'health evaluated');
  });
  queue.schedule(REFRESH_ALL_JOB, REFRESH_ALL_CRON);
}
