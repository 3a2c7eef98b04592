import type { ShiftState, TargetState } from '../model/target-state.js';
import type { TargetListRow } from '../store/fleet-store.js';
import type { ShiftRow, TargetRow, TransitionRow } from '../store/fleet-tables.js';
import type { BurndownPoint } from './burndown.js';

/** The JSON shapes of the fleet API (docs/fleet.md documents them). */
export interface ShiftSummary {
  name: string;
  description?: string;
  owner: string;
  state: ShiftState;
  preview: boolean;
  createdAt: string;
  updatedAt: string;
  appliedBy: string;
  total: number;
  merged: number;
  totals: Partial<Record<TargetState, number>>;
  rateLimitedUntil?: string;
}

export interface ShiftDetail extends ShiftSummary {
  specYaml: string;
  burndown: BurndownPoint[];
  /** Entities the target query selected that could not become targets, with the reason. */
  warnings?: string[];
}

export interface TargetView {
  id: string;
  entityRef: string;
  repository: string;
  owner?: string;
  state: TargetState;
  checks: TargetRow['checks'];
  attempts: number;
  branch?: string;
  baseBranch?: string;
  /** The pull request on a hosted code host; absent on the embedded git host (Backbeat's change page is the change). */
  changeUrl?: string;
  diffStats?: { files: number; additions: number; deletions: number };
  lastLog?: string;
  updatedAt: string;
  wave: TargetRow['wave'];
  error?: string;
}

/** One page of a shift's targets: `nextCursor` fetches the next one (absent on the last), `total` counts every match. */
export interface TargetPage {
  items: TargetView[];
  nextCursor?: string;
  total: number;
}

export interface TargetDetail extends TargetView {
  title?: string;
  body?: string;
  diff?: string;
  checkLog?: string;
  labels: string[];
  history: { at: string; from: TargetState | null; to: TargetState; attempt: number; log?: string }[];
  mergeable: boolean;
  mergeBlockedReason?: string;
}

const LOG_TAIL_CHARS = 2_000;

export function shiftSummary(row: ShiftRow, totals: Partial<Record<TargetState, number>>): ShiftSummary {
  const counted = Object.entries(totals)
    .filter(([state]) => state !== 'no-change' && state !== 'closed')
    .reduce((sum, [, n]) => sum + (n ?? 0), 0);
  const limited = row.rate_limited_until && row.rate_limited_until > new Date().toISOString();
  return {
    name: row.name,
    ...(row.description ? { description: row.description } : {}),
    owner: row.owner_ref,
    state: row.state,
    preview: row.preview === 1,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    appliedBy: row.applied_by,
    total: counted,
    merged: totals.merged ?? 0,
    totals,
    ...(limited ? { rateLimitedUntil: row.rate_limited_until as string } : {}),
  };
}

export function targetView(row: TargetListRow): TargetView {
  const log = row.last_log ?? undefined;
  // A change merged straight into its base never had a branch on the remote (decision 10).
  const branch = row.state === 'merged' && row.pushed_commit === null ? null : row.branch;
  return {
    id: row.id,
    entityRef: row.entity_ref,
    repository: row.repository,
    ...(row.owner_ref ? { owner: row.owner_ref } : {}),
    state: row.state,
    checks: row.checks,
    attempts: row.attempts,
    ...(branch ? { branch } : {}),
    ...(row.base_branch ? { baseBranch: row.base_branch } : {}),
    ...(row.change_url ? { changeUrl: row.change_url } : {}),
    ...(row.diff_files !== null
      ? {
          diffStats: {
            files: row.diff_files,
            additions: row.diff_additions ?? 0,
            deletions: row.diff_deletions ?? 0,
          },
        }
      : {}),
    ...(log ? { lastLog: log.length > LOG_TAIL_CHARS ? log.slice(-LOG_TAIL_CHARS) : log } : {}),
    updatedAt: row.updated_at,
    wave: row.wave,
    ...(row.error ? { error: row.error } : {}),
  };
}

export function targetDetail(
  row: TargetRow,
  history: readonly TransitionRow[],
  mergeBlockedReason: string | undefined,
): TargetDetail {
  return {
    ...targetView(row),
    ...(row.title ? { title: row.title } : {}),
    ...(row.body ? { body: row.body } : {}),
    ...(row.diff ? { diff: row.diff } : {}),
    ...(row.check_log ? { checkLog: row.check_log } : {}),
    labels: row.labels_json ? (JSON.parse(row.labels_json) as string[]) : [],
    history: history.map((h) => ({
      at: h.at,
      from: h.from_state,
      to: h.to_state,
      attempt: h.attempt,
      ...(h.log ? { log: h.log } : {}),
    })),
    mergeable: mergeBlockedReason === undefined,
    ...(mergeBlockedReason ? { mergeBlockedReason } : {}),
  };
}
