import type { ChecksState, ShiftState, ShiftSummary, TargetRow, TargetState } from './fleet-api.js';
import { TARGET_STATES } from './fleet-api.js';

/** States a bulk "Retry failed" picks up (the server's default for a retry without ids). */
export const FAILED_STATES: ReadonlySet<TargetState> = new Set(['plan-failed', 'checks-failed', 'failed']);

/** States a target never leaves on its own. */
export const SETTLED_STATES: ReadonlySet<TargetState> = new Set([
  'no-change',
  'plan-failed',
  'checks-failed',
  'merged',
  'closed',
  'failed',
]);

/**
 * The pill tone of a target state: red for failures, green once merged, blue while
 * moving, grey when nothing will happen.
 *
 * @example
 * targetStateTone('checks-failed'); // 'danger'
 */
export function targetStateTone(state: TargetState): string {
  if (FAILED_STATES.has(state)) return 'danger';
  if (state === 'merged' || state === 'checks-passed') return 'ok';
  if (state === 'no-change' || state === 'closed') return 'neutral';
  if (state === 'planned' || state === 'scheduled') return 'warn';
  return 'info';
}

/** The pill tone of a shift state. */
export function shiftStateTone(state: ShiftState): string {
  return state === 'active' ? 'info' : state === 'paused' ? 'warn' : 'neutral';
}

/** The pill tone of a target's checks. */
export function checksTone(checks: ChecksState): string {
  return checks === 'passed' ? 'ok' : checks === 'failed' ? 'danger' : checks === 'pending' ? 'info' : 'neutral';
}

/**
 * Merged share of a shift in whole percent, 0 for an empty shift, never over 100.
 *
 * @example
 * mergedPercent({ merged: 1, total: 3 }); // 33
 */
export function mergedPercent(shift: Pick<ShiftSummary, 'merged' | 'total'>): number {
  if (shift.total <= 0) return 0;
  return Math.min(100, Math.floor((shift.merged / shift.total) * 100));
}

/**
 * The non-zero totals of a shift in lifecycle order, so every page lists states alike.
 *
 * @example
 * orderedTotals({ merged: 2, pending: 1, failed: 0 }); // [['pending', 1], ['merged', 2]]
 */
export function orderedTotals(totals: Partial<Record<TargetState, number>>): [TargetState, number][] {
  return TARGET_STATES.flatMap((state): [TargetState, number][] => {
    const count = totals[state] ?? 0;
    return count > 0 ? [[state, count]] : [];
  });
}

/**
 * How many targets a bulk retry would pick up.
 *
 * @example
 * failedCount({ 'plan-failed': 1, failed: 2, merged: 5 }); // 3
 */
export function failedCount(totals: Partial<Record<TargetState, number>>): number {
  let count = 0;
  for (const state of FAILED_STATES) count += totals[state] ?? 0;
  return count;
}

/**
 * `3 files +12 −4`, or an empty string when the target has no diff yet.
 *
 * @example
 * formatDiffStats({ files: 1, additions: 2, deletions: 0 }); // '1 file +2 −0'
 */
export function formatDiffStats(stats: TargetRow['diffStats']): string {
  if (!stats) return '';
  return `${stats.files} ${stats.files === 1 ? 'file' : 'files'} +${stats.additions} −${stats.deletions}`;
}

/**
 * The last non-empty line of a log tail, for a one-line table cell.
 *
 * @example
 * lastLine('cloning\nnpm install\n\n'); // 'npm install'
 */
export function lastLine(log: string | undefined): string {
  if (!log) return '';
  const lines = log.split(/\r?\n/).filter((line) => line.trim() !== '');
  return lines[lines.length - 1]?.trim() ?? '';
}

/**
 * The distinct owners of a list of targets, sorted, for the owner filter.
 *
 * @example
 * ownersOf([{ owner: 'group:default/b' }, { owner: 'group:default/a' }, {}]); // ['group:default/a', 'group:default/b']
 */
export function ownersOf(rows: Pick<TargetRow, 'owner'>[]): string[] {
  const owners = new Set<string>();
  for (const row of rows) if (row.owner) owners.add(row.owner);
  return [...owners].sort();
}

/**
 * A short name for a repository: the path of a URL (`org/web-player`), the last
 * directory of a local path, without `.git`.
 *
 * @example
 * repositoryName('https://git.example.com/org/web-player.git') // 'org/web-player'
 * repositoryName('/srv/repos/playback-service') // 'playback-service'
 */
export function repositoryName(repository: string): string {
  const trimmed = repository.replace(/[/\\]+$/, '').replace(/\.git$/, '');
  const url = /^[a-z][a-z0-9+.-]*:\/\/[^/]+\/(.+)$/i.exec(trimmed) ?? /^[^/@\s]+@[^/:\s]+:(.+)$/.exec(trimmed);
  if (url) return url[1] as string;
  if (trimmed.startsWith('/')) return trimmed.slice(trimmed.lastIndexOf('/') + 1) || repository;
  return trimmed || repository;
}
