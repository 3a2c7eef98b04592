import { NotFoundError } from '../../platform/http/problem.js';
import type { JobQueue } from '../../platform/queue/job-queue.js';
import { APPLY_CHANGES_JOB, type GovernanceService } from './governance/governance-service.js';
import { PLAN_TICK_JOB, type RolloutService } from './rollouts/rollout-service.js';

export { APPLY_CHANGES_JOB, PLAN_TICK_JOB };

/** Every minute scheduled changes are looked at too, so one whose job was lost still applies. */
export const APPLY_CHANGES_CRON = '* * * * *';

/** Deletes guard readings past their retention. */
export const PRUNE_GUARD_OBSERVATIONS_JOB = 'toggles.prune-guard-observations';
/** Hourly, off the full hour. */
export const PRUNE_GUARD_OBSERVATIONS_CRON = '17 * * * *';

/**
 * Registers the toggles' jobs. `toggles.plan-tick` reads a running plan's guards and
 * advances it when its hold is over, then queues its next tick (idempotent: a plan
 * that is not running, or moved meanwhile, is left alone). `toggles.apply-changes`
 * applies scheduled changes that are due; each change is claimed before it applies,
 * so it applies once however many workers run. `toggles.prune-guard-observations`
 * deletes guard readings older than their retention, hourly.
 *
 * @example
 * registerTogglesJobs(queue, { rollouts, governance });
 */
export function registerTogglesJobs(
  queue: JobQueue,
  services: { rollouts: RolloutService; governance: GovernanceService },
): void {
  queue.register<{ planId?: unknown }>(PLAN_TICK_JOB, async (payload, context) => {
    if (!payload || typeof payload.planId !== 'string') {
      context.log.warn({ payload }, `${PLAN_TICK_JOB} without a planId; skipped`);
      return;
    }
    let plan: Awaited<ReturnType<RolloutService['tick']>>;
    try {
      plan = await services.rollouts.tick(payload.planId);
    } catch (error) {
      // A plan that no longer exists has nothing to tick; retrying would not change that.
      if (error instanceof NotFoundError) {
        context.log.warn({ plan: payload.planId }, 'rollout plan is gone; tick skipped');
        return;
      }
      throw error;
    }
    context.log.debug({ plan: plan.id, status: plan.status, milestone: plan.currentIndex }, 'rollout plan ticked');
  });
  queue.register(APPLY_CHANGES_JOB, async (_payload, context) => {
    const applied = await services.governance.applyDue();
    if (applied.length > 0)
      context.log.debug({ applied: applied.map((c) => c.id) }, 'scheduled toggle changes applied');
  });
  queue.schedule(APPLY_CHANGES_JOB, APPLY_CHANGES_CRON);
  queue.register(PRUNE_GUARD_OBSERVATIONS_JOB, async (_payload, context) => {
    const deleted = await services.rollouts.pruneGuardObservations();
    if (deleted > 0) context.log.debug({ deleted }, 'old guard observations deleted');
  });
  queue.schedule(PRUNE_GUARD_OBSERVATIONS_JOB, PRUNE_GUARD_OBSERVATIONS_CRON);
}
