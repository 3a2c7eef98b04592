import type { CodeHost } from './code-host.js';
import { githubAppInstallations } from './github-app-token.js';
import {
  type CiState,
  combineStates,
  createHostedCodeHost,
  type ForgeApi,
  type HostedCodeHostConfig,
  type HostedCodeHostDeps,
  type PullRequest,
} from './hosted-code-host.js';
import type { HostedRepository } from './hosted-repository.js';
import { GITHUB_RATE_LIMITS, sharedRateBudgets } from './rate-budget.js';
import { createRestClient, type RestClient } from './rest-client.js';
import { staticToken, type TokenSources } from './token-source.js';

interface GitHubPull {
  number: number;
  html_url: string;
  title: string;
  body: string | null;
  state: 'open' | 'closed';
  merged?: boolean;
  merged_at?: string | null;
  merge_commit_sha?: string | null;
  head: { ref: string; sha: string };
  labels?: { name: string }[];
}

/**
 * A code host over GitHub's (or GitHub Enterprise's) REST API with a token, or as a
 * GitHub App installation (`githubApp`), whose tokens are renewed before they expire.
 *
 * @example
 * const host = createGitHubCodeHost({ url: 'https://github.com', token });
 * const { change } = await host.publish(input); // { number: 17, url: 'https://github.com/org/web/pull/17' }
 */
export function createGitHubCodeHost(config: HostedCodeHostConfig, deps: HostedCodeHostDeps = {}): CodeHost {
  const url = config.url.replace(/\/+$/, '');
  const apiUrl = config.apiUrl ?? (new URL(url).host === 'github.com' ? 'https://api.github.com' : `${url}/api/v3`);
  const tokens = tokenSourcesOf(config, url, apiUrl, deps);
  const limits = { ...GITHUB_RATE_LIMITS, ...config.limits };
  const client = createRestClient({
    hostName: 'GitHub',
    apiUrl,
    tokens,
    authorization: (token) => `Bearer ${token}`,
    headers: {
      Accept: 'application/vnd.github+json',
      'X-GitHub-Api-Version': '2022-11-28',
      'User-Agent': 'backbeat',
    },
    budgetOf: (identity) => (deps.budgets ?? sharedRateBudgets).for({ url, identity, limits }),
    fetch: deps.fetch,
  });
  return createHostedCodeHost({ kind: 'github', url, tokens, api: githubApi(client) });
}

function tokenSourcesOf(
  config: HostedCodeHostConfig,
  url: string,
  apiUrl: string,
  deps: HostedCodeHostDeps,
): TokenSources {
  if (config.githubApp && config.token) throw new Error(`Code host ${url}: give a token or a GitHub App, not both`);
  if (config.githubApp) return githubAppInstallations({ ...config.githubApp, apiUrl, fetch: deps.fetch });
  if (!config.token) throw new Error(`Code host ${url}: a token or a GitHub App is required`);
  const token = staticToken(config.token);
  return async () => token;
}

function toPull(pull: GitHubPull): PullRequest {
  return {
    number: pull.number,
    url: pull.html_url,
    title: pull.title,
    body: pull.body ?? '',
    state: pull.state,
    merged: pull.merged ?? Boolean(pull.merged_at),
    mergeCommit: pull.merge_commit_sha ?? undefined,
    headRef: pull.head.ref,
    headSha: pull.head.sha,
    labels: (pull.labels ?? []).map((label) => label.name),
  };
}

const e = encodeURIComponent;
const repoPath = (repo: HostedRepository) => `/repos/${e(repo.owner)}/${e(repo.name)}`;

function githubApi(client: RestClient): ForgeApi {
  const ctx = (repo: HostedRepository, extra: { body?: unknown; accept?: number[] } = {}) => ({
    repo: repo.fullName,
    ...extra,
  });
  return {
    async findOpenPull(repo, branch) {
      const head = e(`${repo.owner}:${branch}`);
      const { data } = await client.get<GitHubPull[]>(`${repoPath(repo)}/pulls?head=${head}&state=open`, ctx(repo));
      const pull = (data ?? []).find((p) => p.head.ref === branch);
      return pull ? toPull(pull) : undefined;
    },
    async getPull(repo, number) {
      const { status, data } = await client.get<GitHubPull>(
        `${repoPath(repo)}/pulls/${number}`,
        ctx(repo, { accept: [404] }),
      );
      return status === 404 ? undefined : toPull(data);
    },
    async createPull(repo, input) {
      const { data } = await client.send<GitHubPull>(
        'POST',
        `${repoPath(repo)}/pulls`,
        ctx(repo, { body: { title: input.title, body: input.body, head: input.branch, base: input.base } }),
      );
      return toPull(data);
    },
    async updatePull(repo, number, patch) {
      await client.send('PATCH', `${repoPath(repo)}/pulls/${number}`, ctx(repo, { body: patch }));
    },
    async addLabels(repo, pull, labels) {
      // GitHub creates labels it does not know yet, so none is skipped.
      await client.send('POST', `${repoPath(repo)}/issues/${pull.number}/labels`, ctx(repo, { body: { labels } }));
    },
    async ciStatus(repo, sha) {
      const { data: combined } = await client.get<{ statuses?: { state: string }[] }>(
        `${repoPath(repo)}/commits/${e(sha)}/status`,
        ctx(repo),
      );
      const { data: runs } = await client.get<{ check_runs?: { status: string; conclusion: string | null }[] }>(
        `${repoPath(repo)}/commits/${e(sha)}/check-runs?per_page=100`,
        ctx(repo),
      );
      const states = [
        ...(combined?.statuses ?? []).map((s) => statusState(s.state)),
        ...(runs?.check_runs ?? []).map((r) => checkRunState(r.status, r.conclusion)),
      ];
      return combineStates(states);
    },
    async branchCommit(repo, branch) {
      const { status, data } = await client.get<{ commit: { sha: string } }>(
        `${repoPath(repo)}/branches/${e(branch)}`,
        ctx(repo, { accept: [404] }),
      );
      return status === 404 ? undefined : data.commit.sha;
    },
    async merge(repo, number, input) {
      const { status, data } = await client.send<{ sha?: string; merged?: boolean; message?: string }>(
        'PUT',
        `${repoPath(repo)}/pulls/${number}/merge`,
        ctx(repo, {
          body: { merge_method: input.method, sha: input.sha, commit_title: input.title || undefined },
          accept: [405, 409],
        }),
      );
      if (status === 405 || status === 409) return { merged: false, status, message: data?.message ?? '' };
      return { merged: true, commit: data?.sha };
    },
  };
}

/** Commit status states: `error`/`failure` red, `pending` waiting. */
function statusState(state: string): CiState {
  if (state === 'success') return 'passed';
  if (state === 'pending') return 'pending';
  return 'failed';
}

/** Check runs: anything not completed waits; neutral and skipped count as passing, like GitHub's own merge box. */
function checkRunState(status: string, conclusion: string | null): CiState {
  if (status !== 'completed') return 'pending';
  return conclusion === 'success' || conclusion === 'neutral' || conclusion === 'skipped' ? 'passed' : 'failed';
}
