/** Queue job names of Fleet Shift; each takes `{ targetId }` and is keyed by it, so a target has one job of a kind waiting at most. */
export const PLAN_TARGET_JOB = 'fleet.plan-target';
export const PUBLISH_TARGET_JOB = 'fleet.publish-target';
export const CHECK_TARGET_JOB = 'fleet.check-target';
export const MERGE_TARGET_JOB = 'fleet.merge-target';
export const CLOSE_TARGET_JOB = 'fleet.close-target';

export interface TargetJobPayload {
  targetId: string;
}

export function jobKey(job: string, targetId: string): string {
  return `${job}:${targetId}`;
}
