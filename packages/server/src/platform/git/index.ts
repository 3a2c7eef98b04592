export {
  assertSafeRemote,
  ensureMirror,
  listTree,
  type MirrorOptions,
  mirrorDirFor,
  readBlobs,
  resolveRef,
  type TreeEntry,
} from './mirror.js';
export { DEFAULT_GIT_TIMEOUT_MS, GitError, type GitResult, gitEnv, type RunGitOptions, runGit } from './run-git.js';
