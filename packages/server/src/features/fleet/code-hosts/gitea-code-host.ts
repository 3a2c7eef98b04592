import type { CodeHost } from './code-host.js';
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
import { staticToken } from './token-source.js';

interface GiteaPull {
  number: number;
  html_url: string;
  title: string;
  body: string | null;
  state: 'open' | 'closed';
  merged?: boolean;
  merge_commit_sha?: string | null;
  head: { ref: string; sha: string };
  labels?: { id: number; name: string }[] | null;
}

/** Page size for list requests; Gitea caps it at its `MAX_RESPONSE_ITEMS` (50 by default). */
const PAGE = 50;
/** Open pull requests read at most before giving up the search (1,000). */
const MAX_PAGES = 20;

/**
 * A code host over Gitea's or Forgejo's REST API (`/api/v1`) with a token.
 *
 * @example
 * const host = createGiteaCodeHost({ url: 'https://git.example.com', token });
 * const { change } = await host.publish(input); // { number: 4, url: 'https://git.example.com/org/web/pulls/4' }
 */
export function createGiteaCodeHost(config: HostedCodeHostConfig, deps: HostedCodeHostDeps = {}): CodeHost {
  const url = config.url.replace(/\/+$/, '');
  if (config.githubApp) throw new Error(`Code host ${url}: a GitHub App authenticates on GitHub only`);
  if (!config.token) throw new Error(`Code host ${url}: a token is required`);
  const token = staticToken(config.token);
  const tokens = async () => token;
  const limits = { ...GITHUB_RATE_LIMITS, ...config.limits };
  const client = createRestClient({
    hostName: 'Gitea',
    apiUrl: config.apiUrl ?? `${url}/api/v1`,
    tokens,
    authorization: (token) => `token ${token}`,
    headers: { Accept: 'application/json', 'User-Agent': 'backbeat' },
    budgetOf: (identity) => (deps.budgets ?? sharedRateBudgets).for({ url, identity, limits }),
    fetch: deps.fetch,
  });
  const log = deps.log ?? (() => {});
  return createHostedCodeHost({ kind: 'gitea', url, tokens, api: giteaApi(client, log) });
}

function toPull(pull: GiteaPull): PullRequest {
  return {
    number: pull.number,
    url: pull.html_url,
    title: pull.title,
    body: pull.body ?? '',
    state: pull.state,
    merged: pull.merged ?? false,
    mergeCommit: pull.merge_commit_sha ?? undefined,
    headRef: pull.head.ref,
    headSha: pull.head.sha,
    labels: (pull.labels ?? []).map((label) => label.name),
  };
}

const e = encodeURIComponent;
const repoPath = (repo: HostedRepository) => `/repos/${e(repo.owner)}/${e(repo.name)}`;

function giteaApi(client: RestClient, log: (message: string) => void): ForgeApi {
  const ctx = (repo: HostedRepository, extra: { body?: unknown; accept?: number[] } = {}) => ({
    repo: repo.fullName,
    ...extra,
  });

  /** Every page of a list, up to {@link MAX_PAGES}. */
  async function list<T>(repo: HostedRepository, path: string, stop?: (item: T) => boolean): Promise<T[]> {
    const items: T[] = [];
    for (let page = 1; page <= MAX_PAGES; page++) {
      const separator = path.includes('?') ? '&' : '?';
      const { data } = await client.get<T[]>(`${path}${separator}limit=${PAGE}&page=${page}`, ctx(repo));
      const batch = data ?? [];
      items.push(...batch);
      if (batch.length < PAGE || (stop && batch.some(stop))) break;
    }
    return items;
  }

  return {
    async findOpenPull(repo, branch) {
      // Gitea's list has no head filter: page through the open ones.
      const isOurs = (p: GiteaPull) => p.head.ref === branch;
      const pull = (await list<GiteaPull>(repo, `${repoPath(repo)}/pulls?state=open`, isOurs)).find(isOurs);
      return pull ? toPull(pull) : undefined;
    },
    async getPull(repo, number) {
      const { status, data } = await client.get<GiteaPull>(
        `${repoPath(repo)}/pulls/${number}`,
        ctx(repo, { accept: [404] }),
      );
      return status === 404 ? undefined : toPull(data);
    },
    async createPull(repo, input) {
      const { data } = await client.send<GiteaPull>(
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
      // Gitea attaches labels by id and creates none: unknown names are skipped, not fatal.
      const known = await list<{ id: number; name: string }>(repo, `${repoPath(repo)}/labels`);
      const ids: number[] = [];
      for (const name of labels) {
        const label = known.find((l) => l.name === name);
        if (label) ids.push(label.id);
        else log(`Label "${name}" does not exist in ${repo.fullName}; pull request #${pull.number} goes without it`);
      }
      if (ids.length === 0) return;
      await client.send('POST', `${repoPath(repo)}/issues/${pull.number}/labels`, ctx(repo, { body: { labels: ids } }));
    },
    async ciStatus(repo, sha) {
      const { data } = await client.get<{ statuses?: { status: string }[] | null }>(
        `${repoPath(repo)}/commits/${e(sha)}/status`,
        ctx(repo),
      );
      return combineStates((data?.statuses ?? []).map((s) => statusState(s.status)));
    },
    async branchCommit(repo, branch) {
      const { status, data } = await client.get<{ commit: { id: string } }>(
        `${repoPath(repo)}/branches/${e(branch)}`,
        ctx(repo, { accept: [404] }),
      );
      return status === 404 ? undefined : data.commit.id;
    },
    async merge(repo, number, input) {
      const { status, data } = await client.send<{ message?: string } | undefined>(
        'POST',
        `${repoPath(repo)}/pulls/${number}/merge`,
        ctx(repo, {
          body: { Do: input.method, head_commit_id: input.sha, MergeTitleField: input.title || undefined },
          accept: [405, 409],
        }),
      );
      if (status === 405 || status === 409) return { merged: false, status, message: data?.message ?? '' };
      // Gitea answers an empty 200; the merge commit is read from the pull request.
      return { merged: true };
    },
  };
}

/** Gitea's commit states; `warning` is not green. */
function statusState(state: string): CiState {
  if (state === 'success') return 'passed';
  if (state === 'pending') return 'pending';
  return 'failed';
}
