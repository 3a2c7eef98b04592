export { removeStaleWorktrees } from '../../../platform/git/index.js';
export { assertBranchName } from './branch-name.js';
export {
  CHECKS_DIR,
  CHECKS_FILE,
  type CheckConfig,
  CheckConfigError,
  DEFAULT_CHECK_TIMEOUT_SECONDS,
  parseChecksFile,
  type RunChecksInput,
  readCheckCommand,
  runChecks,
} from './checks.js';
export type { CommitMetadata } from './commit-metadata.js';
export {
  BranchConflictError,
  type DeleteBranchInput,
  deleteBranch,
  type MergeChangeInput,
  type MergeChangeResult,
  mergeChange,
  type PushBranchInput,
  pushBranch,
} from './git-code-host.js';
export { resolveBase, syncMirror } from './mirror-sync.js';
export {
  type ApplyBuiltinStep,
  type ChangeStats,
  type PlanChangeInput,
  PlanError,
  type PlanResult,
  planChange,
} from './plan-change.js';
export { commitTree, type PlanInTreeInput, planInTree } from './plan-in-tree.js';
export { type RecreateCommitInput, recreateCommit } from './recreate-commit.js';
export { NeedsWorktreeError, readRootFiles } from './tree-files.js';
