/**
 * Every target (one repository in one shift) has exactly one state, persisted with
 * each transition so totals and the burndown are derived, never counted by hand.
 *
 * pending        found by the target query; waiting for its plan job
 * planned        diff computed (preview shows it); waiting to be scheduled
 * no-change      the steps changed nothing: nothing to publish
 * plan-failed    a step failed or timed out; the attempt's log says why
 * scheduled      waiting for its wave, the publish rate or the publish window
 * published      branch pushed and change request opened
 * checks-pending the repository's checks are running
 * checks-passed  green; waiting for (auto-)merge
 * checks-failed  red; a re-plan or retry is needed
 * merged         the change reached the base branch
 * closed         closed without merging (removed from the spec, or the shift closed)
 * failed         publishing or merging failed after every retry
 */
export const TARGET_STATES = [
  'pending',
  'planned',
  'no-change',
  'plan-failed',
  'scheduled',
  'published',
  'checks-pending',
  'checks-passed',
  'checks-failed',
  'merged',
  'closed',
  'failed',
] as const;

export type TargetState = (typeof TARGET_STATES)[number];

/** States in which a change request exists on the code host. */
export const OPEN_CHANGE_STATES: ReadonlySet<TargetState> = new Set([
  'published',
  'checks-pending',
  'checks-passed',
  'checks-failed',
]);

export type ShiftState = 'active' | 'paused' | 'closed';
