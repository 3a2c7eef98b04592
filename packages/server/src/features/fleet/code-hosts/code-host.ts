import type { MergeChangeResult } from '../workspace/index.js';

/**
 * Where changes are published. The embedded `git` host pushes branches and keeps
 * the change request in Backbeat; hosted ones (GitHub, Gitea/Forgejo) open pull
 * requests through their REST APIs. Every method is idempotent: after a crash the
 * runner calls it again with what it recorded, and nothing happens twice.
 */
export interface ChangeRef {
  /** The host's number of the pull request (hosted hosts only). */
  number?: number;
  /** Where people look at the change; undefined for the embedded host (its page is Backbeat's). */
  url?: string;
}

export interface PublishChangeInput {
  repository: string;
  /** Mirror holding `commit`. */
  mirrorDir: string;
  commit: string;
  branch: string;
  baseBranch: string;
  /** What Backbeat pushed to the branch before: a push may replace only that. */
  previousCommit?: string;
  title: string;
  body: string;
  labels: string[];
  /** The change opened earlier for this target, to update instead of opening another. */
  change?: ChangeRef;
}

export interface MergeInput {
  repository: string;
  mirrorDir: string;
  worktreesDir: string;
  baseBranch: string;
  plannedBase: string;
  changeCommit: string;
  branch: string;
  /** What Backbeat pushed to `branch`; a host that can delete the branch in the same step as the merge does. */
  pushedCommit?: string;
  method: 'merge' | 'squash' | 'rebase';
  author: { name: string; email: string };
  date: string;
  title: string;
  change?: ChangeRef;
}

export interface CloseInput {
  repository: string;
  branch: string;
  /** The commit Backbeat pushed; the branch is deleted only while it still points there. */
  pushedCommit: string;
  change?: ChangeRef;
}

export type CiStatus = 'pending' | 'passed' | 'failed' | 'none';

export interface CodeHost {
  /** `git`, `github` or `gitea`: shown in the UI and logs. */
  readonly kind: string;
  /**
   * The host can merge a change whose branch was never pushed (`merge` without
   * `pushedCommit`): the embedded `git` host, where the change request lives in
   * Backbeat. A change that would be merged the moment it is published then goes
   * straight into its base branch, one push instead of three ref updates.
   */
  readonly mergesUnpublished?: boolean;
  /** Pushes the branch (lease on `previousCommit`) and opens or updates the change request. */
  publish(input: PublishChangeInput): Promise<{ change: ChangeRef }>;
  /** The host's own CI status for the change's head commit; absent on hosts without CI. */
  ciStatus?(input: { repository: string; commit: string; change?: ChangeRef }): Promise<CiStatus>;
  /** Merges into the base branch, never by force; a moved base comes back as `base-moved`. */
  merge(input: MergeInput): Promise<MergeChangeResult>;
  /** Closes the change request and deletes its branch if it is still Backbeat's. */
  close(input: CloseInput): Promise<void>;
  /**
   * Environment for git commands that read from this host (mirrors of private
   * repositories): its credentials as git config in the environment, never in a URL
   * or argument. Absent on hosts that need none.
   */
  gitEnv?(repository: string): Promise<Record<string, string>>;
}

/** Picks the code host serving a repository (by its URL's host; local paths and unknown hosts use `git`). */
export interface CodeHostResolver {
  forRepository(repository: string): CodeHost;
}

/**
 * The host refused or would exceed its rate budget; try again at `until`.
 * The runner reschedules the job and the shift shows "rate-limited until …".
 */
export class RateLimitedError extends Error {
  constructor(
    readonly until: Date,
    reason: string,
  ) {
    super(`Rate-limited until ${until.toISOString()}: ${reason}`);
    this.name = 'RateLimitedError';
  }
}
