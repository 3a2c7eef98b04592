import type { TargetState } from '../model/target-state.js';

/** Row types of the fleet tables (see migrations.ts for what each table is for). */
export interface FleetTables {
  fleet_shifts: {
    id: string;
    name: string;
    owner_ref: string;
    description: string | null;
    spec_yaml: string;
    spec_json: string;
    /** Hash of what decides a target's diff (steps and change template): a change re-plans open targets. */
    plan_hash: string;
    state: 'active' | 'paused' | 'closed';
    preview: number;
    applied_by: string;
    created_at: string;
    updated_at: string;
    rate_limited_until: string | null;
  };
  fleet_targets: {
    id: string;
    shift_id: string;
    entity_ref: string;
    repository: string;
    owner_ref: string | null;
    wave: 'canary' | 'main';
    state: TargetState;
    checks: 'none' | 'pending' | 'passed' | 'failed';
    attempts: number;
    plan_hash: string | null;
    base_branch: string | null;
    base_commit: string | null;
    change_commit: string | null;
    /** Author and committer date of the planned commit: fixed, so re-creating it gives the same id. */
    commit_date: string;
    /** The commit last pushed to the change branch: the lease for the next push. */
    pushed_commit: string | null;
    merged_commit: string | null;
    branch: string | null;
    /** The pull request on a hosted code host (number and URL); null on the embedded git host. */
    change_number: number | null;
    change_url: string | null;
    title: string | null;
    body: string | null;
    commit_message: string | null;
    labels_json: string | null;
    diff: string | null;
    diff_files: number | null;
    diff_additions: number | null;
    diff_deletions: number | null;
    check_log: string | null;
    last_log: string | null;
    error: string | null;
    published_at: string | null;
    created_at: string;
    updated_at: string;
  };
  fleet_transitions: {
    id: string;
    shift_id: string;
    target_id: string;
    from_state: TargetState | null;
    to_state: TargetState;
    attempt: number;
    at: string;
    log: string | null;
  };
  fleet_plan_cache: {
    key: string;
    status: 'changed' | 'no-change';
    /** Unused since the cache is keyed by content; kept for rows written before. */
    change_commit: string | null;
    /** The changed tree: any shift's commit of these steps on this base is `commit-tree` of it. */
    change_tree: string | null;
    diff: string | null;
    diff_files: number | null;
    diff_additions: number | null;
    diff_deletions: number | null;
    log: string | null;
    created_at: string;
  };
  fleet_merge_locks: {
    lock_key: string;
    target_id: string;
    acquired_at: string;
  };
}

export type ShiftRow = FleetTables['fleet_shifts'];
export type TargetRow = FleetTables['fleet_targets'];
export type TransitionRow = FleetTables['fleet_transitions'];
export type PlanCacheRow = FleetTables['fleet_plan_cache'];
