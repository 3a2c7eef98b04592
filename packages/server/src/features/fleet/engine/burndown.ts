import type { TargetState } from '../model/target-state.js';

export interface BurndownPoint {
  at: string;
  /** Targets that need (or needed) a change: everything but no-change and closed. */
  total: number;
  merged: number;
  /** Change requests open at that moment. */
  open: number;
}

const OPEN: ReadonlySet<TargetState> = new Set(['published', 'checks-pending', 'checks-passed', 'checks-failed']);
const NOT_COUNTED: ReadonlySet<TargetState> = new Set(['no-change', 'closed']);

/**
 * Replays a shift's transitions (in time order) into a burndown series: one point
 * per transition, thinned to at most `maxPoints` (the last point is always kept,
 * so the chart ends on the current figures).
 *
 * @example
 * burndown([{ target_id: 't1', to_state: 'pending', at }, { target_id: 't1', to_state: 'merged', at: later }])
 */
export function burndown(
  transitions: readonly { target_id: string; to_state: TargetState; at: string }[],
  maxPoints = 200,
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
