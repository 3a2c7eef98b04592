import { deleteBranch, type MergeChangeResult, pushBranch } from '../workspace/index.js';
import type { CiStatus, CodeHost } from './code-host.js';
import type { GitHubAppCredentials } from './github-app-token.js';
import { gitAuthEnv, type HostedRepository, hostedRepository } from './hosted-repository.js';
import type { RateBudgets, RateLimits } from './rate-budget.js';
import { CodeHostError } from './rest-client.js';
import type { TokenSources } from './token-source.js';

/**
 * What GitHub and Gitea/Forgejo have in common, written once: branches travel over
 * git smart-HTTP with the token in git's environment (leased like the embedded host),
 * and the pull request is looked up before it is opened, so every call is idempotent.
 * Each flavour supplies only its REST dialect as a {@link ForgeApi}.
 */

/** What a hosted code host is created from (one entry of the server's `codeHosts` setting). */
export interface HostedCodeHostConfig {
  /** Web/git base URL, e.g. `https://github.com` or `https://git.example.com`. */
  url: string;
  /** REST API base; default `https://api.github.com` for github.com, else `<url>/api/v3` (GitHub) or `<url>/api/v1` (Gitea). */
  apiUrl?: string;
  /** A fixed token; or, on GitHub only, `githubApp` instead. */
  token?: string;
  /** A GitHub App installation whose tokens Backbeat renews itself (GitHub only). */
  githubApp?: GitHubAppCredentials;
  /** Overrides of the host's rate limits; GitHub's published numbers otherwise. */
  limits?: Partial<RateLimits>;
}

/** Where tests and the composition root may hand in shared parts. */
export interface HostedCodeHostDeps {
  /** The process's budgets; a test passes its own (with its own clock). */
  budgets?: RateBudgets;
  fetch?: typeof fetch;
  /** Where skipped labels and similar notes go. */
  log?: (message: string) => void;
}

export interface PullRequest {
  number: number;
  url: string;
  title: string;
  body: string;
  state: 'open' | 'closed';
  merged: boolean;
  mergeCommit?: string;
  headRef: string;
  headSha?: string;
  labels: string[];
}

export type ForgeMergeResult =
  | { merged: true; commit?: string }
  /** The host refused (405/409): not mergeable, head moved, base moved; `message` is the host's reason. */
  | { merged: false; status: number; message: string };

/** One forge's REST dialect, for {@link createHostedCodeHost}. */
export interface ForgeApi {
  findOpenPull(repo: HostedRepository, branch: string): Promise<PullRequest | undefined>;
  getPull(repo: HostedRepository, number: number): Promise<PullRequest | undefined>;
  createPull(
    repo: HostedRepository,
    input: { branch: string; base: string; title: string; body: string },
  ): Promise<PullRequest>;
  updatePull(
    repo: HostedRepository,
    number: number,
    patch: { title: string; body: string } | { state: 'closed' },
  ): Promise<void>;
  addLabels(repo: HostedRepository, pull: PullRequest, labels: string[]): Promise<void>;
  ciStatus(repo: HostedRepository, sha: string): Promise<CiStatus>;
  /** The commit a branch points to; undefined when the branch does not exist. */
  branchCommit(repo: HostedRepository, branch: string): Promise<string | undefined>;
  merge(
    repo: HostedRepository,
    number: number,
    input: { method: 'merge' | 'squash' | 'rebase'; sha: string; title: string },
  ): Promise<ForgeMergeResult>;
}

export interface HostedCodeHostOptions {
  kind: 'github' | 'gitea';
  /** Web/git base URL, e.g. `https://github.com`. */
  url: string;
  tokens: TokenSources;
  api: ForgeApi;
}

/**
 * @example
 * const host = createHostedCodeHost({ kind: 'github', url: 'https://github.com', tokens, api: githubApi(client) });
 */
export function createHostedCodeHost(options: HostedCodeHostOptions): CodeHost {
  const { api, url } = options;
  const repoOf = (repository: string) => hostedRepository(repository, url);
  /** Asked for each git command: a GitHub App's token may have been renewed since the last. */
  const gitEnvOf = async (repo: HostedRepository) =>
    gitAuthEnv(url, await (await options.tokens(repo.fullName)).current());

  /** The change's pull request if still open, else the open one for the branch. */
  async function openPull(repo: HostedRepository, branch: string, number: number | undefined) {
    if (number !== undefined) {
      const pull = await api.getPull(repo, number);
      if (pull && pull.state === 'open' && pull.headRef === branch) return pull;
    }
    return api.findOpenPull(repo, branch);
  }

  return {
    kind: options.kind,

    async publish(input) {
      const repo = repoOf(input.repository);
      await pushBranch({
        repoUrl: repo.gitUrl,
        mirrorDir: input.mirrorDir,
        commit: input.commit,
        branch: input.branch,
        previousCommit: input.previousCommit,
        env: await gitEnvOf(repo),
      });
      let pull = await openPull(repo, input.branch, input.change?.number);
      if (!pull) {
        const request = { branch: input.branch, base: input.baseBranch, title: input.title, body: input.body };
        pull = await api.createPull(repo, request).catch(async (error: unknown) => {
          // Another worker opened it between the lookup and this request: use theirs.
          const raced = error instanceof CodeHostError && (error.status === 422 || error.status === 409);
          const theirs = raced ? await api.findOpenPull(repo, input.branch) : undefined;
          if (!theirs) throw error;
          return theirs;
        });
      } else if (pull.title !== input.title || pull.body !== input.body) {
        // Content-creating requests are the scarce budget: only ask when something changed.
        await api.updatePull(repo, pull.number, { title: input.title, body: input.body });
      }
      const missing = input.labels.filter((label) => !pull.labels.includes(label));
      if (missing.length > 0) await api.addLabels(repo, pull, missing);
      return { change: { number: pull.number, url: pull.url } };
    },

    gitEnv: (repository) => gitEnvOf(repoOf(repository)),

    async ciStatus(input) {
      return api.ciStatus(repoOf(input.repository), input.commit);
    },

    async merge(input): Promise<MergeChangeResult> {
      const repo = repoOf(input.repository);
      const mergedAlready = async (): Promise<MergeChangeResult | undefined> => {
        if (input.change?.number === undefined) return undefined;
        const pull = await api.getPull(repo, input.change.number);
        return pull?.merged && pull.mergeCommit ? { status: 'merged', mergedCommit: pull.mergeCommit } : undefined;
      };
      const base = await currentBase(repo, input.baseBranch);
      // The change was planned and checked on plannedBase; a host would happily merge
      // it onto a newer base, so Backbeat asks first and re-plans instead.
      if (base !== input.plannedBase) return (await mergedAlready()) ?? { status: 'base-moved', currentBase: base };
      const pull = await openPull(repo, input.branch, input.change?.number);
      if (!pull) {
        const done = await mergedAlready();
        if (done) return done;
        throw new Error(`No open pull request for branch "${input.branch}" in ${repo.fullName} to merge`);
      }
      const result = await api.merge(repo, pull.number, {
        method: input.method,
        sha: input.changeCommit,
        title: input.title,
      });
      if (result.merged) {
        const commit = result.commit ?? (await api.getPull(repo, pull.number))?.mergeCommit;
        if (!commit) throw new Error(`${repo.fullName}#${pull.number} merged, but the host named no merge commit`);
        return { status: 'merged', mergedCommit: commit };
      }
      const done = await mergedAlready();
      if (done) return done;
      const now = await currentBase(repo, input.baseBranch);
      if (now !== input.plannedBase) return { status: 'base-moved', currentBase: now };
      throw new Error(
        `${options.kind} refused to merge pull request #${pull.number} in ${repo.fullName}: ` +
          `HTTP ${result.status} (${result.message})`,
      );
    },

    async close(input) {
      const repo = repoOf(input.repository);
      const pull = await openPull(repo, input.branch, input.change?.number);
      if (pull) await api.updatePull(repo, pull.number, { state: 'closed' });
      await deleteBranch({
        repoUrl: repo.gitUrl,
        branch: input.branch,
        expectedCommit: input.pushedCommit,
        env: await gitEnvOf(repo),
      });
    },
  };

  async function currentBase(repo: HostedRepository, branch: string): Promise<string> {
    const commit = await api.branchCommit(repo, branch);
    if (!commit) throw new Error(`Base branch "${branch}" does not exist in ${repo.fullName}`);
    return commit;
  }
}

/** One reported check's state. */
export type CiState = Exclude<CiStatus, 'none'>;

/**
 * Red wins, then waiting, then green; nothing reported is `none` (not green: a
 * repository without CI must not look checked).
 *
 * @example
 * combineStates(['passed', 'pending']) // 'pending'
 */
export function combineStates(states: readonly CiState[]): CiStatus {
  if (states.length === 0) return 'none';
  if (states.includes('failed')) return 'failed';
  if (states.includes('pending')) return 'pending';
  return 'passed';
}
