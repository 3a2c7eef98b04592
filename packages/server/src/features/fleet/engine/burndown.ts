import type { TargetState } from '../model/target-state.js';
import type { BurndownRule } from '../store/fleet-store.js';

export interface BurndownPoint {
  at: string;
  /** Targets that need (or needed) a change: everything but no-change and closed. */
  total: number;
  merged: number;
  /** Change requests open at that moment. */
  open: number;
}

const OPEN_STATES: readonly TargetState[] = ['published', 'checks-pending', 'checks-passed', 'checks-failed'];
const NOT_COUNTED_STATES: readonly TargetState[] = ['no-change', 'closed'];
const OPEN: ReadonlySet<TargetState> = new Set(OPEN_STATES);
const NOT_COUNTED: ReadonlySet<TargetState> = new Set(NOT_COUNTED_STATES);

/** Most points a burndown has: plenty for a chart, and a read that does not grow with the shift. */
export const BURNDOWN_MAX_POINTS = 200;

/**
 * The rule of {@link burndown} for the store, which computes the series in SQL
 * (`store.burndownOf`): the same figures, without loading the transitions.
 *
 * @example
 * const points = await store.burndownOf(shift.id, burndownRule());
 */
export function burndownRule(maxPoints = BURNDOWN_MAX_POINTS): BurndownRule {
  return { open: OPEN_STATES, notCounted: NOT_COUNTED_STATES, maxPoints };
}

/**
 * Replays a shift's transitions (in time order) into a burndown series: one point
 * per transition, thinned to at most `maxPoints` (the last point is always kept,
 * so the chart ends on the current figures). This is the definition the store's
 * SQL (`burndownOf`) is tested against; a shift's page reads the SQL one, which
 * thins a long series by time rather than by index.
 *
 * @example
 * burndown([{ target_id: 't1', to_state: 'pending', at }, { target_id: 't1', to_state: 'merged', at: later }])
 */
export function burndown(
  transitions: readonly { target_id: string; to_state: TargetState; at: string }[],
  maxPoints = BURNDOWN_MAX_POINTS,
): BurndownPoint[] {
  const stateOf = new Map<string, TargetState>();
  let total = 0;
  let merged = 0;
  let open = 0;
  const points: BurndownPoint[] = [];
  for (const t of transitions) {
    const before = stateOf.get(t.target_id);
    if (before !== undefined) {
      if (!NOT_COUNTED.has(before)) total--;
      if (before === 'merged') merged--;
      if (OPEN.has(before)) open--;
    }
    stateOf.set(t.target_id, t.to_state);
    if (!NOT_COUNTED.has(t.to_state)) total++;
    if (t.to_state === 'merged') merged++;
    if (OPEN.has(t.to_state)) open++;
    const last = points[points.length - 1];
    if (last && last.at === t.at) Object.assign(last, { total, merged, open });
    else points.push({ at: t.at, total, merged, open });
  }
  if (points.length <= maxPoints) return points;
  const step = points.length / maxPoints;
  const thinned: BurndownPoint[] = [];
  for (let i = 0; i < maxPoints - 1; i++) thinned.push(points[Math.floor(i * step)] as BurndownPoint);
  thinned.push(points[points.length - 1] as BurndownPoint);
  return thinned;
}
