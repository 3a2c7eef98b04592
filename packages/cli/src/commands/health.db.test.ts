import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Backbeat, createBackbeat, loadConfig, SYSTEM_ACTOR } from '@backbeat/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runForTest } from '../testing/cli-harness.js';
import { createGitRepo } from '../testing/git-fixture.js';
import { createPostgresDatabase, onPostgres } from '../testing/test-postgres.js';

const ADMIN_TOKEN = 'bb_admin_token_for_health_tests_0123456789';

const CATALOG = `apiVersion: backstage.io/v1alpha1
kind: Group
metadata: { name: team-a }
spec: { type: squad, children: [] }
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: web
  description: The web front end of the shop
spec: { type: website, owner: team-a, lifecycle: production }
---
apiVersion: backstage.io/v1alpha1
kind: User
metadata: { name: jane }
spec: { memberOf: [team-a] }
---
apiVersion: backstage.io/v1alpha1
kind: User
metadata: { name: bob }
spec: { memberOf: [] }
`;

const DEFINITIONS = `apiVersion: backbeat.dev/v1
kind: Check
metadata: { name: has-readme }
spec:
  applies: { kind: Component }
  rule: { fact: repository.files.readme, equals: true }
  fix: Add a README.md.
---
apiVersion: backbeat.dev/v1
kind: Check
metadata: { name: has-tests }
spec:
  rule: { fact: repository.files.tests, equals: true }
  fix: Add tests.
---
apiVersion: backbeat.dev/v1
kind: Track
metadata: { name: golden }
spec:
  applies: { kind: Component }
  levels:
    - { name: bronze, checks: [has-readme] }
    - { name: silver, checks: [has-tests] }
---
apiVersion: backbeat.dev/v1
kind: Check
metadata: { name: threat-model-reviewed }
spec:
  manual: { expiresAfterDays: 90 }
  fix: Review the threat model with security, then attest.
`;

describe('backbeat health against a real server', () => {
  let work: string;
  let backbeat: Backbeat;
  let env: NodeJS.ProcessEnv;
  let database: { url: string; drop(): Promise<void> } | undefined;
  let baseUrl: string;

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'backbeat-health-cli-'));
    createGitRepo(join(work, 'web'), {
      'catalog-info.yaml': CATALOG,
      'README.md': '# Web\n',
      'src/index.ts': 'export {};\n',
    });
    database = onPostgres() ? await createPostgresDatabase() : undefined;
    backbeat = await createBackbeat({
      config: loadConfig({
        env: {},
        overrides: {
          dataDir: join(work, 'data'),
          port: 0,
          host: '127.0.0.1',
          adminToken: ADMIN_TOKEN,
          databaseUrl: database?.url,
          runWorker: false,
          logLevel: 'silent',
        },
      }),
      mode: 'serve',
    });
    const { port } = await backbeat.listen();
    baseUrl = `http://127.0.0.1:${port}`;
    env = { BACKBEAT_URL: baseUrl, BACKBEAT_TOKEN: ADMIN_TOKEN };
    await backbeat.catalog.service.registerLocation({
      actor: SYSTEM_ACTOR,
      type: 'git',
      target: join(work, 'web'),
      options: { path: 'catalog-info.yaml' },
    });
    await writeFile(join(work, 'golden.yaml'), DEFINITIONS);
    await writeFile(
      join(work, 'broken.yaml'),
      DEFINITIONS.replace('equals: true }\n  fix: Add tests.', 'equal: true }\n  fix: Add tests.'),
    );
  });
  afterAll(async () => {
    await backbeat?.close();
    await database?.drop();
    await rm(work, { recursive: true, force: true });
  });

  it('refuses mutations without a token and documents the API', async () => {
    const anonymous = await fetch(`${baseUrl}/api/health/definitions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ yaml: DEFINITIONS }),
    });
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('content-type')).toMatch(/problem\+json/);
    const openapi = (await (await fetch(`${baseUrl}/api/openapi.json`)).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(openapi.paths)).toEqual(
      expect.arrayContaining([
        '/api/health/definitions',
        '/api/health/entities/{kind}/{namespace}/{name}',
        '/api/health/groups/{namespace}/{name}/rollup',
        '/api/health/refresh',
        '/api/health/campaigns',
        '/api/health/gate',
      ]),
    );
  });

  it('rejects a malformed file with its line and field, then applies a good one', async () => {
    const bad = await runForTest(['health', 'apply', '-f', 'broken.yaml'], { env, cwd: work });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('broken.yaml:13 (document 2) spec.rule.equal');
    const good = await runForTest(['health', 'apply', '-f', 'golden.yaml', '--json'], { env, cwd: work });
    expect(good.stderr).toBe('');
    expect(JSON.parse(good.stdout).applied).toHaveLength(4);
    const audit = (await (
      await fetch(`${baseUrl}/api/audit?typePrefix=health.`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })
    ).json()) as { items?: { type: string }[] } | { type: string }[];
    const items = Array.isArray(audit) ? audit : (audit.items ?? []);
    expect(items.filter((e) => e.type === 'health.definition.applied')).toHaveLength(4);
  });

  it('checks an entity: exit 0 at the required level, 1 below it', async () => {
    const bronze = await runForTest(['health', 'check', 'web', '--refresh', '--level', 'bronze'], { env, cwd: work });
    expect(bronze.stderr).toBe('');
    expect(bronze.code).toBe(0);
    expect(bronze.stdout).toContain('golden: bronze');
    expect(bronze.stdout).toContain('has-tests: Add tests.');
    const silver = await runForTest(['health', 'check', 'component:default/web', '--level', 'silver', '--json'], {
      env,
      cwd: work,
    });
    expect(silver.code).toBe(1);
    const json = JSON.parse(silver.stdout);
    expect(json.required).toEqual([{ track: 'golden', required: 'silver', level: 'bronze', reached: false }]);
    expect(json.results.find((r: { check: string }) => r.check === 'has-tests').status).toBe('failed');
    const unknown = await runForTest(['health', 'check', 'web', '--level', 'platinum'], { env, cwd: work });
    expect(unknown.code).toBe(1);
  });

  it('lets owners refresh and attest their components, and only admins change definitions or refresh everything', async () => {
    const tokenOf = async (username: string) => {
      const account = await backbeat.auth.createAccount(SYSTEM_ACTOR, {
        username,
        userRef: `user:default/${username}`,
      });
      const actor = {
        kind: 'user' as const,
        id: account.id,
        accountId: account.id,
        userRef: `user:default/${username}`,
        displayName: username,
        isAdmin: false,
        scopes: ['read', 'write'],
      };
      return (await backbeat.auth.createApiToken(actor, { name: 'test', scopes: ['read', 'write'] })).token;
    };
    const jane = await tokenOf('jane');
    const bob = await tokenOf('bob');
    const call = (token: string, method: string, path: string, body?: unknown) =>
      fetch(`${baseUrl}/api/health${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    expect((await call(bob, 'POST', '/refresh', { entityRefs: ['component:default/web'], wait: true })).status).toBe(
      403,
    );
    expect((await call(jane, 'POST', '/refresh', { entityRefs: ['component:default/web'], wait: true })).status).toBe(
      200,
    );
    expect((await call(jane, 'POST', '/refresh', {})).status).toBe(403);
    expect((await call(jane, 'POST', '/definitions', { yaml: DEFINITIONS })).status).toBe(403);
    const attest = { check: 'threat-model-reviewed', status: 'passed', note: 'reviewed with security' };
    expect((await call(bob, 'POST', '/entities/component/default/web/attestations', attest)).status).toBe(403);
    const attested = await call(jane, 'POST', '/entities/component/default/web/attestations', attest);
    expect(attested.status).toBe(200);
    const body = (await attested.json()) as {
      results: { check: string; status: string; attestation?: { by: string } }[];
    };
    expect(body.results.find((r) => r.check === 'threat-model-reviewed')).toMatchObject({
      status: 'passed',
      attestation: { by: 'user:default/jane' },
    });
  });

  it('reports a group', async () => {
    const report = await runForTest(['health', 'report', '--owner', 'team-a', '--json'], { env, cwd: work });
    expect(report.stderr).toBe('');
    const rollup = JSON.parse(report.stdout);
    expect(rollup.components).toBe(1);
    expect(rollup.tracks[0].distribution.find((d: { level: string | null }) => d.level === 'bronze').count).toBe(1);
    expect(rollup.leaderboard).toEqual([expect.objectContaining({ group: 'group:default/team-a', score: 50 })]);
    const text = await runForTest(['health', 'report', '--owner', 'team-a'], { env, cwd: work });
    expect(text.stdout).toContain('has-readme');
  });
});
