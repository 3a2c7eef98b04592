export {
  type ChangeRef,
  type CiStatus,
  type CloseInput,
  type CodeHost,
  type CodeHostResolver,
  type MergeInput,
  type PublishChangeInput,
  RateLimitedError,
} from './code-host.js';
export { createGitCodeHost } from './git-code-host.js';
