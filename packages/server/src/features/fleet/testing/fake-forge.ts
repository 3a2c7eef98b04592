import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runGit } from '../../../platform/git/index.js';
import { createTestRepo } from '../../../platform/git/testing/test-repo.js';
import type { FakeGitHubApp } from './fake-github-app.js';

/**
 * A loopback code host for tests: the subset of GitHub's REST API (under `/api/v3`)
 * and Gitea's (under `/api/v1`) that Backbeat's hosted code hosts use, plus git
 * smart-HTTP through the real `git http-backend` over bare repositories in a temp
 * dir. It checks the token on every request, records requests, keeps pull requests
 * in memory, merges them into the bare repositories, and can be told to refuse
 * requests the way rate-limited forges do.
 */

export interface FakePull {
  number: number;
  repo: string;
  title: string;
  body: string;
  head: string;
  base: string;
  state: 'open' | 'closed';
  merged: boolean;
  mergeCommit?: string;
  labels: string[];
}

export interface FakeRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  flavour: 'github' | 'gitea' | 'git';
}

/** A refusal the next API request(s) get instead of an answer. */
export type InjectedLimit =
  /** GitHub's secondary limit: 403 with its message, and Retry-After when given. */
  | { kind: 'secondary'; retryAfter?: string; times?: number }
  /** 429 Too Many Requests with Retry-After (seconds or an HTTP date). */
  | { kind: 'too-many'; retryAfter: string; times?: number }
  /** The primary limit: 403 with `x-ratelimit-remaining: 0` and `x-ratelimit-reset` (epoch seconds). */
  | { kind: 'primary'; resetEpochSeconds: number; times?: number };

export interface FakeForge {
  /** Web/git base URL, `http://127.0.0.1:<port>`. */
  url: string;
  githubApiUrl: string;
  giteaApiUrl: string;
  token: string;
  requests: FakeRequest[];
  /** Creates `owner/name` with `files` committed on `main`; returns its git URL. */
  createRepository(fullName: string, files: Record<string, string>): Promise<string>;
  /** The commit a branch points to in the bare repository; undefined when absent. */
  branchCommit(fullName: string, branch: string): Promise<string | undefined>;
  /** Runs git in the bare repository (inspect or move refs behind the client's back). */
  git(fullName: string, args: string[]): Promise<string>;
  pulls(fullName: string): FakePull[];
  /** A commit status (both flavours) on `sha`. */
  setStatus(fullName: string, sha: string, state: 'pending' | 'success' | 'failure' | 'error', context?: string): void;
  /** A GitHub check run on `sha`. */
  setCheckRun(fullName: string, sha: string, run: { name: string; status: string; conclusion?: string }): void;
  /** A repository label (Gitea attaches labels by id); returns its id. */
  addLabel(fullName: string, name: string): number;
  injectLimit(limit: InjectedLimit): void;
  dispose(): Promise<void>;
}

const SECONDARY_MESSAGE =
  'You have exceeded a secondary rate limit. Please wait a few minutes before you try again. ' +
  'If you reach out to GitHub Support for help, please include the request ID.';
const NAME = '[A-Za-z0-9_.-]+';
const GIT_PATH = new RegExp(`^/(${NAME})/(${NAME})\\.git/(info/refs|git-upload-pack|git-receive-pack)$`);
const MERGE_IDENTITY = {
  GIT_AUTHOR_NAME: 'Fake Forge',
  GIT_AUTHOR_EMAIL: 'forge@backbeat.invalid',
  GIT_COMMITTER_NAME: 'Fake Forge',
  GIT_COMMITTER_EMAIL: 'forge@backbeat.invalid',
};

interface RepoState {
  dir: string;
  labels: { id: number; name: string }[];
  statuses: Map<string, { state: string; context: string }[]>;
  checkRuns: Map<string, { name: string; status: string; conclusion: string | null }[]>;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export interface FakeForgeOptions {
  token?: string;
  /** Lets git clone and fetch without a token, like a public repository (the catalog reads anonymously). */
  anonymousRead?: boolean;
  /** A CI that reports `success` for every commit no test gave statuses to. */
  passingCi?: boolean;
  /** A GitHub App whose installation tokens are accepted besides `token`. */
  githubApp?: FakeGitHubApp;
}

/**
 * Starts a fake forge on a free loopback port.
 *
 * @example
 * const forge = await startFakeForge();
 * const repoUrl = await forge.createRepository('org/web', { 'README.md': 'hi' });
 * const host = createGitHubCodeHost({ url: forge.url, apiUrl: forge.githubApiUrl, token: forge.token });
 */
export async function startFakeForge(options: FakeForgeOptions = {}): Promise<FakeForge> {
  const token = options.token ?? 'fake-forge-token-0123456789';
  const root = mkdtempSync(join(tmpdir(), 'backbeat-forge-'));
  const repos = new Map<string, RepoState>();
  const pulls: FakePull[] = [];
  const requests: FakeRequest[] = [];
  const limits: { limit: InjectedLimit; left: number }[] = [];
  let nextLabelId = 1;
  let base = '';

  const repoOf = (owner: string, name: string): [string, RepoState] => {
    const fullName = `${owner}/${name}`;
    const repo = repos.get(fullName);
    if (!repo) throw new HttpError(404, `Repository ${fullName} not found`);
    return [fullName, repo];
  };

  async function refCommit(dir: string, branch: string): Promise<string | undefined> {
    try {
      const { stdout } = await runGit([
        '--git-dir',
        dir,
        'rev-parse',
        '--verify',
        '--quiet',
        `refs/heads/${branch}^{commit}`,
      ]);
      return stdout.toString('utf8').trim();
    } catch {
      return undefined;
    }
  }

  async function isAncestor(dir: string, commit: string, of: string): Promise<boolean> {
    return runGit(['--git-dir', dir, 'merge-base', '--is-ancestor', commit, of]).then(
      () => true,
      () => false,
    );
  }

  async function pullJson(pull: FakePull, flavour: 'github' | 'gitea') {
    const repo = repos.get(pull.repo) as RepoState;
    const sha = (await refCommit(repo.dir, pull.head)) ?? '';
    return {
      number: pull.number,
      html_url: `${base}/${pull.repo}/${flavour === 'github' ? 'pull' : 'pulls'}/${pull.number}`,
      title: pull.title,
      body: pull.body,
      state: pull.state,
      merged: pull.merged,
      merged_at: pull.merged ? '2025-03-01T10:00:00Z' : null,
      merge_commit_sha: pull.mergeCommit ?? null,
      head: { ref: pull.head, sha, label: `${pull.repo.split('/')[0]}:${pull.head}` },
      base: { ref: pull.base },
      labels: pull.labels.map((name) => ({ id: repo.labels.find((l) => l.name === name)?.id ?? 0, name })),
    };
  }

  function findPull(fullName: string, number: string): FakePull {
    const pull = pulls.find((p) => p.repo === fullName && p.number === Number(number));
    if (!pull) throw new HttpError(404, `Pull request ${fullName}#${number} not found`);
    return pull;
  }

  async function merge(repo: RepoState, pull: FakePull, method: string, sha: string | undefined) {
    if (pull.state !== 'open') throw new HttpError(405, 'Pull Request is not mergeable');
    const head = await refCommit(repo.dir, pull.head);
    const baseCommit = await refCommit(repo.dir, pull.base);
    if (!head || !baseCommit) throw new HttpError(405, 'Pull Request is not mergeable');
    if (sha && sha !== head) throw new HttpError(409, 'Head branch was modified. Review and try the merge again.');
    if (!(await isAncestor(repo.dir, baseCommit, head))) {
      throw new HttpError(405, 'Base branch was modified. Review and try the merge again.');
    }
    let merged = head;
    if (method === 'merge' || method === 'squash') {
      const parents = method === 'merge' ? ['-p', baseCommit, '-p', head] : ['-p', baseCommit];
      const { stdout } = await runGit(
        ['--git-dir', repo.dir, 'commit-tree', `${head}^{tree}`, ...parents, '-m', `${pull.title} (#${pull.number})`],
        { env: MERGE_IDENTITY },
      );
      merged = stdout.toString('utf8').trim();
    }
    try {
      await runGit(['--git-dir', repo.dir, 'update-ref', `refs/heads/${pull.base}`, merged, baseCommit]);
    } catch {
      throw new HttpError(405, 'Base branch was modified. Review and try the merge again.');
    }
    pull.state = 'closed';
    pull.merged = true;
    pull.mergeCommit = merged;
    return merged;
  }

  async function api(
    flavour: 'github' | 'gitea',
    method: string,
    path: string,
    query: URLSearchParams,
    body: Record<string, unknown>,
  ): Promise<[number, unknown]> {
    const m = new RegExp(`^/repos/(${NAME})/(${NAME})(/.*)?$`).exec(path);
    if (!m) throw new HttpError(404, `No route ${method} ${path}`);
    const [fullName, repo] = repoOf(m[1] as string, m[2] as string);
    const rest = m[3] ?? '';
    const route = `${method} ${rest.replace(/\/\d+(?=\/|$)/g, '/:n')}`;

    if (method === 'GET' && rest === '/pulls') {
      const head = query.get('head');
      const state = query.get('state') ?? 'open';
      let list = pulls.filter((p) => p.repo === fullName && (state === 'all' || p.state === state));
      if (flavour === 'github' && head) list = list.filter((p) => `${fullName.split('/')[0]}:${p.head}` === head);
      if (flavour === 'gitea') {
        const limit = Number(query.get('limit') ?? 20);
        const page = Number(query.get('page') ?? 1);
        list = list.slice((page - 1) * limit, page * limit);
      }
      return [200, await Promise.all(list.map((p) => pullJson(p, flavour)))];
    }
    if (route === 'POST /pulls') {
      const head = String(body.head ?? '');
      if (!(await refCommit(repo.dir, head))) throw new HttpError(422, `Head branch ${head} does not exist`);
      if (pulls.some((p) => p.repo === fullName && p.head === head && p.state === 'open')) {
        throw new HttpError(flavour === 'github' ? 422 : 409, `A pull request already exists for ${head}`);
      }
      const pull: FakePull = {
        number: pulls.filter((p) => p.repo === fullName).length + 1,
        repo: fullName,
        title: String(body.title ?? ''),
        body: String(body.body ?? ''),
        head,
        base: String(body.base ?? 'main'),
        state: 'open',
        merged: false,
        labels: [],
      };
      pulls.push(pull);
      return [201, await pullJson(pull, flavour)];
    }
    const pullMatch = /^\/pulls\/(\d+)$/.exec(rest);
    if (pullMatch && method === 'GET')
      return [200, await pullJson(findPull(fullName, pullMatch[1] as string), flavour)];
    if (pullMatch && method === 'PATCH') {
      const pull = findPull(fullName, pullMatch[1] as string);
      if (typeof body.title === 'string') pull.title = body.title;
      if (typeof body.body === 'string') pull.body = body.body;
      if (body.state === 'closed' && !pull.merged) pull.state = 'closed';
      return [200, await pullJson(pull, flavour)];
    }
    const mergeMatch = /^\/pulls\/(\d+)\/merge$/.exec(rest);
    if (mergeMatch && method === (flavour === 'github' ? 'PUT' : 'POST')) {
      const pull = findPull(fullName, mergeMatch[1] as string);
      const methodName = String((flavour === 'github' ? body.merge_method : body.Do) ?? 'merge');
      const sha = (flavour === 'github' ? body.sha : body.head_commit_id) as string | undefined;
      const sha1 = await merge(repo, pull, methodName, sha);
      return flavour === 'github'
        ? [200, { sha: sha1, merged: true, message: 'Pull Request successfully merged' }]
        : [200, undefined];
    }
    const labelsMatch = /^\/issues\/(\d+)\/labels$/.exec(rest);
    if (labelsMatch && method === 'POST') {
      const pull = findPull(fullName, labelsMatch[1] as string);
      const given = (body.labels ?? []) as (string | number)[];
      for (const label of given) {
        let name: string;
        if (flavour === 'gitea') {
          const known = repo.labels.find((l) => l.id === label);
          if (!known) throw new HttpError(422, `Label ${label} does not exist`);
          name = known.name;
        } else {
          name = String(label);
        }
        if (!pull.labels.includes(name)) pull.labels.push(name);
      }
      return [200, pull.labels.map((name) => ({ name }))];
    }
    if (method === 'GET' && rest === '/labels' && flavour === 'gitea') {
      const limit = Number(query.get('limit') ?? 20);
      const page = Number(query.get('page') ?? 1);
      return [200, repo.labels.slice((page - 1) * limit, page * limit)];
    }
    const statusMatch = /^\/commits\/([0-9a-f]{40})\/(status|check-runs)$/.exec(rest);
    if (statusMatch && method === 'GET') {
      const sha = statusMatch[1] as string;
      if (statusMatch[2] === 'check-runs' && flavour === 'github') {
        const runs = repo.checkRuns.get(sha) ?? [];
        return [200, { total_count: runs.length, check_runs: runs }];
      }
      const statuses = repo.statuses.get(sha) ?? (options.passingCi ? [{ state: 'success', context: 'fake-ci' }] : []);
      const list = statuses.map((s) =>
        flavour === 'github' ? { state: s.state, context: s.context } : { status: s.state, context: s.context },
      );
      const combined = statuses.some((s) => s.state === 'failure' || s.state === 'error')
        ? 'failure'
        : statuses.some((s) => s.state === 'pending') || statuses.length === 0
          ? 'pending'
          : 'success';
      return [200, { state: combined, sha, total_count: statuses.length, statuses: list }];
    }
    const branchMatch = /^\/branches\/(.+)$/.exec(rest);
    if (branchMatch && method === 'GET') {
      const name = decodeURIComponent(branchMatch[1] as string);
      const sha = await refCommit(repo.dir, name);
      if (!sha) throw new HttpError(404, `Branch ${name} not found`);
      return [200, flavour === 'github' ? { name, commit: { sha } } : { name, commit: { id: sha } }];
    }
    throw new HttpError(404, `No route ${route}`);
  }

  /** The forge's token anywhere; an App's installation token only on its own account's repositories. */
  const accepted = (candidate: string, owner: string | undefined) =>
    candidate === token || (options.githubApp?.accepts(candidate, owner) ?? false);

  function authorizedApi(req: IncomingMessage, path: string): boolean {
    const match = /^(?:Bearer|token) (.+)$/.exec(req.headers.authorization ?? '');
    const owner = /^\/repos\/([^/]+)\//.exec(path)?.[1];
    return match !== null && accepted(match[1] as string, owner);
  }

  function authorizedGit(req: IncomingMessage, owner: string): boolean {
    const match = /^Basic (.+)$/.exec(req.headers.authorization ?? '');
    if (!match) return false;
    const [user, password] = Buffer.from(match[1] as string, 'base64')
      .toString('utf8')
      .split(':');
    return accepted(password ?? '', owner) || accepted(user ?? '', owner);
  }

  function serveGit(req: IncomingMessage, res: ServerResponse, url: URL): void {
    const m = GIT_PATH.exec(url.pathname);
    if (!m || !repos.has(`${m[1]}/${m[2]}`)) {
      res.writeHead(404).end('not found');
      return;
    }
    const reading = url.searchParams.get('service') === 'git-upload-pack' || m[3] === 'git-upload-pack';
    if (!authorizedGit(req, m[1] as string) && !(options.anonymousRead && reading)) {
      res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="fake forge"' }).end('token required');
      return;
    }
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: root,
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_PROJECT_ROOT: root,
      GIT_HTTP_EXPORT_ALL: '1',
      PATH_INFO: url.pathname,
      QUERY_STRING: url.search.slice(1),
      REQUEST_METHOD: req.method ?? 'GET',
      CONTENT_TYPE: req.headers['content-type'] ?? '',
      REMOTE_USER: 'backbeat',
      REMOTE_ADDR: '127.0.0.1',
    };
    if (req.headers['content-length']) env.CONTENT_LENGTH = req.headers['content-length'];
    if (req.headers['content-encoding']) env.HTTP_CONTENT_ENCODING = req.headers['content-encoding'];
    if (req.headers['git-protocol']) env.HTTP_GIT_PROTOCOL = String(req.headers['git-protocol']);
    const child = spawn('git', ['http-backend'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    req.pipe(child.stdin);
    child.stdin.on('error', () => {});
    let head = Buffer.alloc(0);
    let started = false;
    child.stdout.on('data', (chunk: Buffer) => {
      if (started) {
        res.write(chunk);
        return;
      }
      head = Buffer.concat([head, chunk]);
      const crlf = head.indexOf('\r\n\r\n');
      const lf = head.indexOf('\n\n');
      const end = crlf !== -1 && (lf === -1 || crlf < lf) ? crlf + 4 : lf !== -1 ? lf + 2 : -1;
      if (end === -1) return;
      started = true;
      let status = 200;
      const headers: Record<string, string> = {};
      for (const line of head.subarray(0, end).toString('utf8').split(/\r?\n/)) {
        const colon = line.indexOf(':');
        if (colon <= 0) continue;
        const name = line.slice(0, colon).trim();
        const value = line.slice(colon + 1).trim();
        if (name.toLowerCase() === 'status') status = Number.parseInt(value, 10);
        else headers[name] = value;
      }
      res.writeHead(status, headers);
      res.write(head.subarray(end));
    });
    child.on('close', () => {
      if (!started) res.writeHead(500);
      res.end();
    });
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', base);
    const apiMatch = /^\/api\/(v3|v1)(\/.*)$/.exec(url.pathname);
    const flavour = apiMatch ? (apiMatch[1] === 'v3' ? 'github' : 'gitea') : 'git';
    requests.push({ method: req.method ?? 'GET', path: apiMatch ? (apiMatch[2] as string) : url.pathname, flavour });
    if (!apiMatch) {
      serveGit(req, res, url);
      return;
    }
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const send = (status: number, data: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
      res.end(data === undefined ? '' : JSON.stringify(data));
    };
    const path = apiMatch[2] as string;
    const appTokenRequest = /^\/app\/installations\/(\d+)\/access_tokens$/.exec(path);
    if (options.githubApp && flavour === 'github' && req.method === 'POST' && appTokenRequest) {
      send(...options.githubApp.issue(appTokenRequest[1] as string, req.headers.authorization));
      return;
    }
    const installationLookup = /^\/repos\/([^/]+)\/[^/]+\/installation$/.exec(path);
    if (options.githubApp && flavour === 'github' && req.method === 'GET' && installationLookup) {
      send(...options.githubApp.installationOn(installationLookup[1] as string, req.headers.authorization));
      return;
    }
    if (!authorizedApi(req, path)) {
      send(401, { message: 'Bad credentials' });
      return;
    }
    const injected = limits[0];
    if (injected) {
      injected.left -= 1;
      if (injected.left <= 0) limits.shift();
      const { limit } = injected;
      if (limit.kind === 'secondary') {
        send(403, { message: SECONDARY_MESSAGE }, limit.retryAfter ? { 'Retry-After': limit.retryAfter } : {});
      } else if (limit.kind === 'too-many') {
        send(429, { message: 'Too Many Requests' }, { 'Retry-After': limit.retryAfter });
      } else {
        send(
          403,
          { message: 'API rate limit exceeded' },
          { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(limit.resetEpochSeconds) },
        );
      }
      return;
    }
    try {
      const text = Buffer.concat(chunks).toString('utf8');
      const body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
      const [status, data] = await api(
        flavour as 'github' | 'gitea',
        req.method ?? 'GET',
        apiMatch[2] as string,
        url.searchParams,
        body,
      );
      send(status, data);
    } catch (error) {
      if (error instanceof HttpError) send(error.status, { message: error.message });
      else send(500, { message: error instanceof Error ? error.message : String(error) });
    }
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: Error) => {
      if (!res.headersSent) res.writeHead(500);
      res.end(error.message);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const repoState = (fullName: string): RepoState => {
    const repo = repos.get(fullName);
    if (!repo) throw new Error(`The fake forge has no repository ${fullName}`);
    return repo;
  };
  const addTo = <T>(map: Map<string, T[]>, key: string, value: T) => map.set(key, [...(map.get(key) ?? []), value]);

  return {
    url: base,
    githubApiUrl: `${base}/api/v3`,
    giteaApiUrl: `${base}/api/v1`,
    token,
    requests,
    async createRepository(fullName, files) {
      const dir = join(root, `${fullName}.git`);
      await runGit(['init', '--quiet', '--bare', '--initial-branch=main', dir]);
      await runGit(['--git-dir', dir, 'config', 'http.receivepack', 'true']);
      const work = await createTestRepo(files);
      try {
        await runGit(['push', '--quiet', dir, 'main:refs/heads/main'], { cwd: work.dir });
      } finally {
        work.dispose();
      }
      repos.set(fullName, { dir, labels: [], statuses: new Map(), checkRuns: new Map() });
      return `${base}/${fullName}.git`;
    },
    branchCommit: (fullName, branch) => refCommit(repoState(fullName).dir, branch),
    async git(fullName, args) {
      const { stdout } = await runGit(['--git-dir', repoState(fullName).dir, ...args], { env: MERGE_IDENTITY });
      return stdout.toString('utf8').trim();
    },
    pulls: (fullName) => pulls.filter((p) => p.repo === fullName),
    setStatus(fullName, sha, state, context = 'ci') {
      const list = (repoState(fullName).statuses.get(sha) ?? []).filter((s) => s.context !== context);
      repoState(fullName).statuses.set(sha, [...list, { state, context }]);
    },
    setCheckRun(fullName, sha, run) {
      addTo(repoState(fullName).checkRuns, sha, { ...run, conclusion: run.conclusion ?? null });
    },
    addLabel(fullName, name) {
      const id = nextLabelId++;
      repoState(fullName).labels.push({ id, name });
      return id;
    },
    injectLimit(limit) {
      limits.push({ limit, left: limit.times ?? 1 });
    },
    async dispose() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(root, { recursive: true, force: true });
    },
  };
}
