import { newId } from '../../../platform/ids.js';
import type { GuardReading } from './guard-check.js';
import { type Guard, guardLabel, type RolloutPlan } from './rollout-model.js';

/**
 * One reading of one guard of a running plan, with the threshold it was judged
 * against: what the guard charts draw. `value` is null when there was too little
 * data to judge or the source could not be read.
 */
export interface GuardObservation {
  id: string;
  planId: string;
  /** Position of the guard in the plan's `guards`. */
  guardIndex: number;
  /** The guard's name, or `guards[i] (kind)`, as timelines and events name it. */
  guard: string;
  kind: Guard['kind'];
  at: string;
  state: GuardReading['state'];
  value: number | null;
  threshold: number;
  /** Error-rate guards breach above their threshold; Prometheus guards say which way. */
  breachWhen: 'above' | 'below';
  /** The milestone in effect when the guard was read. */
  milestoneIndex: number;
  detail: string;
}

/** How long observations are kept by default; a chart shows at most a day of them. */
export const GUARD_OBSERVATION_RETENTION_DAYS = 14;

/**
 * The observations one tick of a plan makes: one per guard, in the plan's order.
 *
 * @example
 * const rows = observationsOf(plan, readings, new Date());
 * rows[0].threshold; // 0.05
 */
export function observationsOf(plan: RolloutPlan, readings: readonly GuardReading[], now: Date): GuardObservation[] {
  const at = now.toISOString();
  return plan.guards.flatMap((guard, index) => {
    const reading = readings[index];
    if (!reading) return [];
    return [
      {
        id: newId(),
        planId: plan.id,
        guardIndex: index,
        guard: guardLabel(guard, index),
        kind: guard.kind,
        at,
        state: reading.state,
        value: reading.value !== null && Number.isFinite(reading.value) ? reading.value : null,
        threshold: guard.threshold,
        breachWhen: guard.kind === 'prometheus' ? guard.breachWhen : 'above',
        milestoneIndex: plan.currentIndex,
        detail: reading.detail,
      },
    ];
  });
}
