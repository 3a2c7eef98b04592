import { createPublicKey, generateKeyPairSync, verify } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runGit } from '../../../platform/git/index.js';
import { type FakeForge, startFakeForge } from '../testing/fake-forge.js';
import { createFakeGitHubApp, type FakeGitHubApp } from '../testing/fake-github-app.js';
import { githubAppInstallations, githubAppToken } from './github-app-token.js';
import { createGitHubCodeHost } from './github-code-host.js';
import { gitAuthEnv } from './hosted-repository.js';
import { RateBudgets } from './rate-budget.js';
import { CodeHostError } from './rest-client.js';

const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const PEM = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
const API = 'https://api.github.example';

/** Answers token requests the way GitHub does, tokens expiring `lifetimeMs` after `clock()`; records each request. */
function tokenEndpoint(clock: () => number, lifetimeMs = 3_600_000) {
  const requests: { url: string; authorization: string }[] = [];
  const fetchFake = (async (url: string | URL, init?: RequestInit) => {
    const authorization = new Headers(init?.headers).get('authorization') ?? '';
    requests.push({ url: String(url), authorization });
    await new Promise((resolve) => setTimeout(resolve, 5));
    const body = { token: `ghs_${requests.length}`, expires_at: new Date(clock() + lifetimeMs).toISOString() };
    return new Response(JSON.stringify(body), { status: 201 });
  }) as typeof fetch;
  return { requests, fetch: fetchFake };
}

describe('GitHub App installation tokens', () => {
  it('signs a short-lived RS256 JWT with the App id as issuer and asks for its installation token', async () => {
    const now = Date.parse('2026-12-07T10:00:00Z');
    const endpoint = tokenEndpoint(() => now);
    const tokens = githubAppToken({
      apiUrl: `${API}/`,
      appId: '4242',
      installationId: '77',
      privateKey: PEM,
      fetch: endpoint.fetch,
      now: () => now,
    });
    expect(await tokens.current()).toBe('ghs_1');
    const [request] = endpoint.requests;
    expect(request?.url).toBe(`${API}/app/installations/77/access_tokens`);
    const [header, payload, signature] = (request?.authorization.replace(/^Bearer /, '') ?? '').split('.');
    expect(JSON.parse(Buffer.from(header as string, 'base64url').toString())).toEqual({ alg: 'RS256', typ: 'JWT' });
    const claims = JSON.parse(Buffer.from(payload as string, 'base64url').toString());
    expect(claims).toEqual({ iss: '4242', iat: now / 1000 - 60, exp: now / 1000 - 60 + 540 });
    const signed = Buffer.from(`${header}.${payload}`);
    expect(
      verify('RSA-SHA256', signed, createPublicKey(privateKey), Buffer.from(signature as string, 'base64url')),
    ).toBe(true);
    expect(tokens.identity).toBe('github-app:4242/77');
  });

  it('keeps the token until five minutes before it expires, and calls at once share one renewal', async () => {
    let now = Date.parse('2026-12-07T10:00:00Z');
    const endpoint = tokenEndpoint(() => now);
    const tokens = githubAppToken({
      apiUrl: API,
      appId: '4242',
      installationId: '77',
      privateKey: PEM,
      fetch: endpoint.fetch,
      now: () => now,
    });
    expect(await Promise.all([tokens.current(), tokens.current(), tokens.current()])).toEqual([
      'ghs_1',
      'ghs_1',
      'ghs_1',
    ]);
    now += 54 * 60_000;
    expect(await tokens.current()).toBe('ghs_1');
    now += 2 * 60_000;
    expect(await tokens.current()).toBe('ghs_2');
    expect(endpoint.requests).toHaveLength(2);
  });

  it('names the App, the installation and the status when GitHub refuses, and a broken key at once', async () => {
    const refusing = (async () =>
      new Response(JSON.stringify({ message: 'Integration not found' }), { status: 404 })) as typeof fetch;
    const tokens = githubAppToken({ apiUrl: API, appId: '9', installationId: '1', privateKey: PEM, fetch: refusing });
    const error = await tokens.current().catch((e: Error) => e);
    expect(error).toBeInstanceOf(CodeHostError);
    expect((error as CodeHostError).message).toBe(
      'GitHub App 9 (installation 1): the installation token request failed: HTTP 404 (Integration not found)',
    );
    expect(() => githubAppToken({ apiUrl: API, appId: '9', installationId: '1', privateKey: 'not a key' })).toThrow(
      /GitHub App 9: the private key is not a PEM key/,
    );
    expect(() => githubAppToken({ apiUrl: API, appId: '9', installationId: 'x', privateKey: PEM })).toThrow(
      /installationId must be a number/,
    );
  });
});

describe('a GitHub code host authenticated as an App, against the fake forge', () => {
  let forge: FakeForge;
  let app: FakeGitHubApp;
  const cleanups: (() => void)[] = [];

  beforeAll(async () => {
    app = createFakeGitHubApp();
    forge = await startFakeForge({ githubApp: app });
  });
  afterAll(async () => {
    for (const fn of cleanups.splice(0)) fn();
    await forge.dispose();
  });

  it('pushes over git and opens the pull request with installation tokens, never a fixed token', async () => {
    const repoUrl = await forge.createRepository('org/app-service', { 'package.json': '{"log-lib":"1.0.0"}\n' });
    const work = mkdtempSync(join(tmpdir(), 'backbeat-app-'));
    cleanups.push(() => rmSync(work, { recursive: true, force: true }));
    await runGit(['clone', '--quiet', repoUrl, work], { env: gitAuthEnv(forge.url, forge.token) });
    writeFileSync(join(work, 'package.json'), '{"log-lib":"2.0.0"}\n');
    const identity = ['-c', 'user.name=Test', '-c', 'user.email=test@backbeat.invalid'];
    await runGit([...identity, 'commit', '--quiet', '-am', 'Bump log-lib'], { cwd: work });
    const commit = (await runGit(['rev-parse', 'HEAD'], { cwd: work })).stdout.toString('utf8').trim();

    const host = createGitHubCodeHost(
      {
        url: forge.url,
        apiUrl: forge.githubApiUrl,
        githubApp: { appId: app.appId, installationId: app.installationId, privateKey: app.privateKey },
      },
      { budgets: new RateBudgets() },
    );
    const { change } = await host.publish({
      repository: repoUrl,
      mirrorDir: join(work, '.git'),
      commit,
      branch: 'backbeat/bump-log-lib',
      baseBranch: 'main',
      title: 'Bump log-lib to 2.0.0',
      body: 'Planned by Backbeat.',
      labels: [],
    });
    expect(change.number).toBe(1);
    expect(await forge.branchCommit('org/app-service', 'backbeat/bump-log-lib')).toBe(commit);
    // One token for the push and every REST call after it.
    expect(app.issued).toBe(1);
    const env = (await host.gitEnv?.(repoUrl)) ?? {};
    expect(JSON.stringify(env)).not.toContain(forge.token);
    const mirror = join(work, 'mirror.git');
    await runGit(['clone', '--mirror', '--quiet', repoUrl, mirror], { env });

    // A wrong key is refused by the forge, with the App named.
    const stranger = createGitHubCodeHost(
      {
        url: forge.url,
        apiUrl: forge.githubApiUrl,
        githubApp: { appId: app.appId, installationId: app.installationId, privateKey: PEM },
      },
      { budgets: new RateBudgets() },
    );
    await expect(stranger.gitEnv?.(repoUrl)).rejects.toThrow(/GitHub App 4242 \(installation 77\).*HTTP 401/);
  });
});

describe('a GitHub App installed on several organisations', () => {
  let forge: FakeForge;
  let app: FakeGitHubApp;

  beforeAll(async () => {
    app = createFakeGitHubApp({ installations: { org: '77', labs: '78' } });
    forge = await startFakeForge({ githubApp: app });
  });
  afterAll(async () => {
    await forge.dispose();
  });

  it("finds each owner's installation once, and says which repository it is not installed on", async () => {
    const host = createGitHubCodeHost(
      { url: forge.url, apiUrl: forge.githubApiUrl, githubApp: { appId: app.appId, privateKey: app.privateKey } },
      { budgets: new RateBudgets() },
    );
    const urls = await Promise.all(
      ['org/one', 'org/two', 'labs/three'].map((name) => forge.createRepository(name, { 'README.md': name })),
    );
    const tempDir = mkdtempSync(join(tmpdir(), 'backbeat-app-'));
    try {
      for (const [i, url] of urls.entries()) {
        // The fake forge takes a token only on its own installation's repositories, as GitHub does.
        await runGit(['clone', '--mirror', '--quiet', url, join(tempDir, `${i}.git`)], {
          env: (await host.gitEnv?.(url)) ?? {},
        });
      }
    } finally {
      rmSync(tempDir, { recursive: true, force: true });
    }
    expect(app.issued).toBe(2);
    const lookups = forge.requests.filter((r) => r.path.endsWith('/installation'));
    expect(lookups.map((r) => r.path)).toEqual(['/repos/org/one/installation', '/repos/labs/three/installation']);

    const elsewhere = await forge.createRepository('strangers/four', { 'README.md': 'four' });
    await expect(host.gitEnv?.(elsewhere)).rejects.toThrow(
      'GitHub App 4242: finding its installation on strangers/four failed: HTTP 404 (Not Found)',
    );
  });

  it('finds a new installation when the old one is gone and its token ran out', async () => {
    const shortLived = createFakeGitHubApp({ installations: { team: '90' }, tokenLifetimeSeconds: 301 });
    const own = await startFakeForge({ githubApp: shortLived });
    try {
      const tokensFor = githubAppInstallations({
        apiUrl: own.githubApiUrl,
        appId: shortLived.appId,
        privateKey: shortLived.privateKey,
      });
      const first = await (await tokensFor('team/five')).current();
      expect(shortLived.accepts(first, 'team')).toBe(true);
      // Uninstalled and installed again; the held token is within five minutes of its end.
      shortLived.install('team', '91');
      await new Promise((resolve) => setTimeout(resolve, 1_200));
      await expect((await tokensFor('team/five')).current()).rejects.toThrow(/installation 90.*HTTP 404/);
      const renewed = await (await tokensFor('team/five')).current();
      expect(shortLived.accepts(renewed, 'team')).toBe(true);
    } finally {
      await own.dispose();
    }
  });
});
