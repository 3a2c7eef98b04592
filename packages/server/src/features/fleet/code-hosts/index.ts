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
export { createGiteaCodeHost } from './gitea-code-host.js';
export { createGitHubCodeHost } from './github-code-host.js';
export type { HostedCodeHostConfig, HostedCodeHostDeps } from './hosted-code-host.js';
export { GITHUB_RATE_LIMITS, type RateBudget, RateBudgets, type RateLimits, sharedRateBudgets } from './rate-budget.js';
export { type CodeHostConfig, createCodeHostResolver } from './resolver.js';
export { CodeHostError } from './rest-client.js';
