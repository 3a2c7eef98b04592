import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GitError, runGit } from '../../../platform/git/index.js';
import { type FakeForge, startFakeForge } from '../testing/fake-forge.js';
import { type CodeHost, RateLimitedError } from './code-host.js';
import { createGiteaCodeHost } from './gitea-code-host.js';
import { createGitHubCodeHost } from './github-code-host.js';
import type { HostedCodeHostConfig, HostedCodeHostDeps } from './hosted-code-host.js';
import { gitAuthEnv } from './hosted-repository.js';
import { RateBudgets } from './rate-budget.js';

const IDENTITY = ['-c', 'user.name=Test', '-c', 'user.email=test@backbeat.invalid', '-c', 'commit.gpgsign=false'];
const AUTHOR = { name: 'Backbeat Bot', email: 'bot@backbeat.invalid' };

let forge: FakeForge;
const cleanups: (() => void)[] = [];

beforeAll(async () => {
  forge = await startFakeForge();
});
afterAll(async () => {
  for (const fn of cleanups.splice(0)) fn();
  await forge.dispose();
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'backbeat-hosted-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A clone of a forge repository with one commit on `main` changing `files`: what a plan leaves in the mirror. */
async function planned(repoUrl: string, files: Record<string, string>) {
  const work = join(tempDir(), 'work');
  await runGit(['clone', '--quiet', repoUrl, work], { env: gitAuthEnv(forge.url, forge.token) });
  const base = (await runGit(['rev-parse', 'HEAD'], { cwd: work })).stdout.toString('utf8').trim();
  const commitFiles = async (changes: Record<string, string>) => {
    for (const [path, text] of Object.entries(changes)) writeFileSync(join(work, path), text);
    await runGit(['add', '--all'], { cwd: work });
    await runGit([...IDENTITY, 'commit', '--quiet', '-m', 'Bump log-lib'], { cwd: work });
    return (await runGit(['rev-parse', 'HEAD'], { cwd: work })).stdout.toString('utf8').trim();
  };
  const commit = await commitFiles(files);
  return { mirrorDir: join(work, '.git'), base, commit, work, commitFiles };
}

type Flavour = 'github' | 'gitea';

function ciOf(host: CodeHost): NonNullable<CodeHost['ciStatus']> {
  const ask = host.ciStatus?.bind(host);
  if (!ask) throw new Error(`${host.kind} reports no CI`);
  return ask;
}

function hostFor(
  flavour: Flavour,
  overrides: Partial<HostedCodeHostConfig> = {},
  deps: HostedCodeHostDeps = {},
): CodeHost {
  const config = {
    url: forge.url,
    apiUrl: flavour === 'github' ? forge.githubApiUrl : forge.giteaApiUrl,
    token: forge.token,
    ...overrides,
  };
  const ownDeps = { budgets: new RateBudgets(), ...deps };
  return flavour === 'github' ? createGitHubCodeHost(config, ownDeps) : createGiteaCodeHost(config, ownDeps);
}

let repoCount = 0;
async function newRepo(files: Record<string, string> = { 'package.json': '{"log-lib":"1.0.0"}\n' }) {
  const fullName = `org/service-${++repoCount}`;
  const url = await forge.createRepository(fullName, files);
  return { fullName, url };
}

function publishInput(repository: string, plan: { mirrorDir: string; commit: string }, extra: object = {}) {
  return {
    repository,
    mirrorDir: plan.mirrorDir,
    commit: plan.commit,
    branch: 'backbeat/bump-log-lib',
    baseBranch: 'main',
    title: 'Bump log-lib to 2.0.0',
    body: 'Planned by Backbeat.',
    labels: ['fleet-shift', 'dependencies'],
    ...extra,
  };
}

function mergeInput(repository: string, plan: { mirrorDir: string; commit: string; base: string }, extra: object = {}) {
  return {
    repository,
    mirrorDir: plan.mirrorDir,
    worktreesDir: tempDir(),
    baseBranch: 'main',
    plannedBase: plan.base,
    changeCommit: plan.commit,
    branch: 'backbeat/bump-log-lib',
    method: 'squash' as const,
    author: AUTHOR,
    date: '2025-03-01T10:00:00Z',
    title: 'Bump log-lib to 2.0.0',
    ...extra,
  };
}

describe.each(['github', 'gitea'] as const)('%s code host against the fake forge', (flavour) => {
  it('publishes one pull request with labels, and publishing again updates it instead of opening another', async () => {
    const repo = await newRepo();
    if (flavour === 'gitea') {
      forge.addLabel(repo.fullName, 'fleet-shift');
      forge.addLabel(repo.fullName, 'dependencies');
    }
    const host = hostFor(flavour);
    const plan = await planned(repo.url, { 'package.json': '{"log-lib":"2.0.0"}\n' });
    const first = await host.publish(publishInput(repo.url, plan));
    expect(first.change.number).toBe(1);
    expect(first.change.url).toBe(`${forge.url}/${repo.fullName}/${flavour === 'github' ? 'pull' : 'pulls'}/1`);
    expect(await forge.branchCommit(repo.fullName, 'backbeat/bump-log-lib')).toBe(plan.commit);
    const [pull] = forge.pulls(repo.fullName);
    expect(pull).toMatchObject({
      head: 'backbeat/bump-log-lib',
      base: 'main',
      title: 'Bump log-lib to 2.0.0',
      state: 'open',
    });
    expect(pull?.labels.sort()).toEqual(['dependencies', 'fleet-shift']);

    // A re-plan: a new commit replacing Backbeat's own, a new title, the change remembered.
    const replanned = await plan.commitFiles({ 'package.json': '{"log-lib":"2.0.1"}\n' });
    const second = await host.publish(
      publishInput(
        repo.url,
        { mirrorDir: plan.mirrorDir, commit: replanned },
        {
          previousCommit: plan.commit,
          title: 'Bump log-lib to 2.0.1',
          change: first.change,
        },
      ),
    );
    expect(second.change).toEqual(first.change);
    expect(forge.pulls(repo.fullName)).toHaveLength(1);
    expect(forge.pulls(repo.fullName)[0]?.title).toBe('Bump log-lib to 2.0.1');
    expect(await forge.branchCommit(repo.fullName, 'backbeat/bump-log-lib')).toBe(replanned);

    // A retry after a crash that lost the change reference: still one pull request, no content request wasted.
    const before = forge.requests.filter((r) => r.method !== 'GET' && r.flavour !== 'git').length;
    const third = await host.publish(
      publishInput(
        repo.url,
        { mirrorDir: plan.mirrorDir, commit: replanned },
        {
          previousCommit: plan.commit,
          title: 'Bump log-lib to 2.0.1',
        },
      ),
    );
    expect(third.change).toEqual(first.change);
    expect(forge.pulls(repo.fullName)).toHaveLength(1);
    expect(forge.requests.filter((r) => r.method !== 'GET' && r.flavour !== 'git').length).toBe(before);
  });

  it('maps the CI status of a commit: none, pending, failed, passed', async () => {
    const repo = await newRepo();
    const host = hostFor(flavour);
    const plan = await planned(repo.url, { 'package.json': '{"log-lib":"2.0.0"}\n' });
    const ask = () => ciOf(host)({ repository: repo.url, commit: plan.commit });
    expect(await ask()).toBe('none');
    forge.setStatus(repo.fullName, plan.commit, 'pending', 'build');
    expect(await ask()).toBe('pending');
    forge.setStatus(repo.fullName, plan.commit, 'success', 'build');
    expect(await ask()).toBe('passed');
    forge.setStatus(repo.fullName, plan.commit, 'failure', 'lint');
    expect(await ask()).toBe('failed');
    forge.setStatus(repo.fullName, plan.commit, 'success', 'lint');
    expect(await ask()).toBe('passed');
    if (flavour === 'github') {
      forge.setCheckRun(repo.fullName, plan.commit, { name: 'test', status: 'in_progress' });
      expect(await ask()).toBe('pending');
      const other = await planned(repo.url, { 'package.json': '{"log-lib":"3.0.0"}\n' });
      forge.setCheckRun(repo.fullName, other.commit, { name: 'test', status: 'completed', conclusion: 'failure' });
      expect(await ciOf(host)({ repository: repo.url, commit: other.commit })).toBe('failed');
    }
  });

  it('merges into the base branch, refuses a moved base, and closes by deleting the branch', async () => {
    const repo = await newRepo();
    const host = hostFor(flavour);
    const plan = await planned(repo.url, { 'package.json': '{"log-lib":"2.0.0"}\n' });
    const { change } = await host.publish(publishInput(repo.url, plan));
    const result = await host.merge(mergeInput(repo.url, plan, { change }));
    const main = await forge.branchCommit(repo.fullName, 'main');
    expect(result).toEqual({ status: 'merged', mergedCommit: main });
    expect(await forge.git(repo.fullName, ['show', 'main:package.json'])).toBe('{"log-lib":"2.0.0"}');
    expect(await forge.git(repo.fullName, ['rev-parse', 'main^'])).toBe(plan.base);
    expect(forge.pulls(repo.fullName)[0]).toMatchObject({ state: 'closed', merged: true, mergeCommit: main });
    // A retry after a crash sees the merge instead of failing.
    expect(await host.merge(mergeInput(repo.url, plan, { change }))).toEqual(result);
    // The engine then closes: the merged pull request stays merged, the branch goes.
    await host.close({ repository: repo.url, branch: 'backbeat/bump-log-lib', pushedCommit: plan.commit, change });
    expect(await forge.branchCommit(repo.fullName, 'backbeat/bump-log-lib')).toBeUndefined();
    expect(forge.pulls(repo.fullName)[0]?.merged).toBe(true);

    // Base moved: someone pushed to main after this change was planned.
    const next = await planned(repo.url, { 'README.md': 'more\n' });
    const published = await host.publish(publishInput(repo.url, next, { branch: 'backbeat/readme' }));
    const moved = await forge.git(repo.fullName, ['commit-tree', 'main^{tree}', '-p', 'main', '-m', 'someone else']);
    await forge.git(repo.fullName, ['update-ref', 'refs/heads/main', moved]);
    expect(
      await host.merge(mergeInput(repo.url, next, { branch: 'backbeat/readme', change: published.change })),
    ).toEqual({ status: 'base-moved', currentBase: moved });
    expect(await forge.branchCommit(repo.fullName, 'main')).toBe(moved);
    expect(forge.pulls(repo.fullName)[1]).toMatchObject({ state: 'open', merged: false });

    await host.close({
      repository: repo.url,
      branch: 'backbeat/readme',
      pushedCommit: next.commit,
      change: published.change,
    });
    expect(forge.pulls(repo.fullName)[1]?.state).toBe('closed');
    expect(await forge.branchCommit(repo.fullName, 'backbeat/readme')).toBeUndefined();
    // Closing again is a no-op.
    await host.close({
      repository: repo.url,
      branch: 'backbeat/readme',
      pushedCommit: next.commit,
      change: published.change,
    });
  });

  it('refuses to merge a branch someone else moved, naming the pull request and the status', async () => {
    const repo = await newRepo();
    const host = hostFor(flavour);
    const plan = await planned(repo.url, { 'package.json': '{"log-lib":"2.0.0"}\n' });
    const { change } = await host.publish(publishInput(repo.url, plan));
    const theirs = await forge.git(repo.fullName, [
      'commit-tree',
      `${plan.commit}^{tree}`,
      '-p',
      plan.commit,
      '-m',
      'theirs',
    ]);
    await forge.git(repo.fullName, ['update-ref', 'refs/heads/backbeat/bump-log-lib', theirs]);
    await expect(host.merge(mergeInput(repo.url, plan, { change }))).rejects.toThrow(
      new RegExp(`refused to merge pull request #1 in ${repo.fullName}: HTTP 409`),
    );
    expect(await forge.branchCommit(repo.fullName, 'main')).toBe(plan.base);
    // Closing leaves their commit alone.
    await expect(
      host.close({ repository: repo.url, branch: 'backbeat/bump-log-lib', pushedCommit: plan.commit, change }),
    ).rejects.toThrow(/Backbeat did not push/);
    expect(await forge.branchCommit(repo.fullName, 'backbeat/bump-log-lib')).toBe(theirs);
  });

  it('never shows the token: not in API errors, not in git errors, not in the URL git is given', async () => {
    const repo = await newRepo();
    const plan = await planned(repo.url, { 'package.json': '{"log-lib":"2.0.0"}\n' });
    const wrong = 'wrong-token-abcdef0123456789';
    const host = hostFor(flavour, { token: wrong });
    const secrets = [wrong, Buffer.from(`x-access-token:${wrong}`).toString('base64'), forge.token];

    const pushError = await host.publish(publishInput(repo.url, plan)).then(
      () => undefined,
      (error: Error) => error,
    );
    expect(pushError).toBeInstanceOf(GitError);
    const gitError = pushError as GitError;
    expect(gitError.message).toContain(`${forge.url}/${repo.fullName}.git`);
    for (const secret of secrets) {
      expect(gitError.message).not.toContain(secret);
      expect(gitError.args.join(' ')).not.toContain(secret);
      expect(gitError.stderr).not.toContain(secret);
    }
    // The URL git pushed to is the plain one, without user info.
    expect(gitError.args).toContain(`${forge.url}/${repo.fullName}.git`);

    // Reading a private repository takes the host's git environment, which carries the token.
    const mirror = join(tempDir(), 'mirror.git');
    await expect(runGit(['clone', '--mirror', '--quiet', repo.url, mirror])).rejects.toThrow(
      /401|Authentication failed/,
    );
    const good = hostFor(flavour);
    await runGit(['clone', '--mirror', '--quiet', repo.url, mirror], { env: (await good.gitEnv?.(repo.url)) ?? {} });
    expect((await runGit(['--git-dir', mirror, 'rev-parse', 'main'])).stdout.toString('utf8').trim()).toBe(plan.base);

    const apiError = await ciOf(host)({ repository: repo.url, commit: plan.commit }).then(
      () => undefined,
      (error: Error) => error,
    );
    expect(apiError?.message).toMatch(new RegExp(`${repo.fullName}.*HTTP 401`));
    for (const secret of secrets) expect(apiError?.message).not.toContain(secret);
  });
});

describe('rate limits against the fake forge', () => {
  const T0 = Date.parse('2025-03-01T10:00:00Z');

  it("turns GitHub's secondary limit into RateLimitedError at Retry-After, shared by hosts of the same identity", async () => {
    const repo = await newRepo();
    const plan = await planned(repo.url, { 'package.json': '{"log-lib":"2.0.0"}\n' });
    const budgets = new RateBudgets(() => T0);
    const one = hostFor('github', {}, { budgets });
    const two = hostFor('github', {}, { budgets });
    const otherIdentity = hostFor('github', { token: 'another-token-0123456789' }, { budgets });

    forge.injectLimit({ kind: 'secondary', retryAfter: '120' });
    const error = await one.publish(publishInput(repo.url, plan)).catch((e: Error) => e);
    expect(error).toBeInstanceOf(RateLimitedError);
    expect((error as RateLimitedError).until.toISOString()).toBe(new Date(T0 + 120_000).toISOString());
    expect(forge.pulls(repo.fullName)).toHaveLength(0);

    // The second host shares the budget: refused without asking the forge.
    const asked = forge.requests.length;
    const shared = await ciOf(two)({ repository: repo.url, commit: plan.commit }).catch((e: Error) => e);
    expect(shared).toBeInstanceOf(RateLimitedError);
    expect((shared as RateLimitedError).until.getTime()).toBe(T0 + 120_000);
    expect(forge.requests.length).toBe(asked);

    // Another identity has its own budget (and gets a 401 from the forge for its made-up token).
    await expect(ciOf(otherIdentity)({ repository: repo.url, commit: plan.commit })).rejects.toThrow(/HTTP 401/);
  });

  it('turns 429 with an HTTP-date Retry-After and the primary limit into RateLimitedError', async () => {
    const repo = await newRepo();
    const plan = await planned(repo.url, { 'package.json': '{"log-lib":"2.0.0"}\n' });
    const later = new Date(T0 + 900_000);
    forge.injectLimit({ kind: 'too-many', retryAfter: later.toUTCString() });
    const gitea = hostFor('gitea', {}, { budgets: new RateBudgets(() => T0) });
    const tooMany = await ciOf(gitea)({ repository: repo.url, commit: plan.commit }).catch((e: Error) => e);
    expect(tooMany).toBeInstanceOf(RateLimitedError);
    expect((tooMany as RateLimitedError).until.getTime()).toBe(later.getTime());

    const reset = T0 / 1000 + 3_000;
    forge.injectLimit({ kind: 'primary', resetEpochSeconds: reset });
    const github = hostFor('github', {}, { budgets: new RateBudgets(() => T0) });
    const primary = await ciOf(github)({ repository: repo.url, commit: plan.commit }).catch((e: Error) => e);
    expect(primary).toBeInstanceOf(RateLimitedError);
    expect((primary as RateLimitedError).until.getTime()).toBe(reset * 1000);
  });
});

describe('gitea labels', () => {
  it('skips labels the repository does not define, with a log line', async () => {
    const repo = await newRepo();
    forge.addLabel(repo.fullName, 'fleet-shift');
    const lines: string[] = [];
    const host = hostFor('gitea', {}, { log: (line) => lines.push(line) });
    const plan = await planned(repo.url, { 'package.json': '{"log-lib":"2.0.0"}\n' });
    await host.publish(publishInput(repo.url, plan, { labels: ['fleet-shift', 'no-such-label'] }));
    expect(forge.pulls(repo.fullName)[0]?.labels).toEqual(['fleet-shift']);
    expect(lines).toEqual([expect.stringMatching(/Label "no-such-label" does not exist in org\/service-\d+/)]);
  });
});
