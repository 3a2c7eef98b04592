export {
  assertSafeRemote,
  ensureMirror,
  listTree,
  type MirrorOptions,
  mirrorDirFor,
  needsHousekeeping,
  readBlobs,
  resolveRef,
  type TreeEntry,
} from './mirror.js';
export { DEFAULT_GIT_TIMEOUT_MS, GitError, type GitResult, gitEnv, type RunGitOptions, runGit } from './run-git.js';
export {
  addWorktree,
  assertObjectId,
  LOCAL_GIT_CONFIG,
  LOCAL_GIT_ENV,
  removeStaleWorktrees,
  removeWorktree,
  withWorktree,
} from './worktree.js';
