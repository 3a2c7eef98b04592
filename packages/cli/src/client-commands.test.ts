import { resolve } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type CannedResponse, type RecordedRequest, runForTest, startFakeServer } from './testing/cli-harness.js';

const WEB = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'artist-web', namespace: 'default', description: 'The artist pages', tags: ['react'] },
  spec: { type: 'website', owner: 'group:default/team-a', lifecycle: 'production' },
  relations: [
    { type: 'ownedBy', targetRef: 'group:default/team-a' },
    { type: 'dependsOn', targetRef: 'resource:default/artists-db' },
  ],
};
const API = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'API',
  metadata: { name: 'artist-api' },
  spec: { type: 'openapi', owner: 'group:default/team-a', lifecycle: 'experimental' },
};

describe('client commands', () => {
  let server: Awaited<ReturnType<typeof startFakeServer>>;
  let next: CannedResponse;
  let locationErrors: unknown[];
  const env = () => ({ BACKBEAT_URL: server.url, BACKBEAT_TOKEN: 'bb_test_token' });
  const lastRequest = (): RecordedRequest => {
    const request = server.requests.at(-1);
    if (!request) throw new Error('no request was sent');
    return request;
  };

  beforeAll(async () => {
    server = await startFakeServer((request) => (request.path.endsWith('/errors') ? { body: locationErrors } : next));
  });
  afterAll(async () => {
    await server.close();
  });
  beforeEach(() => {
    server.requests.length = 0;
    next = { body: {} };
    locationErrors = [];
  });

  it('catalog register resolves a local path, sends type and options, and lists the entities found', async () => {
    next = { status: 201, body: { location: { id: 'loc1', type: 'git', target: '/x' }, entities: [WEB, API] } };
    const run = await runForTest(['catalog', 'register', 'repos/web', '--ref', 'main', '--path', '**/*.yaml'], {
      env: env(),
      cwd: '/srv/work',
    });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(server.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'POST /api/catalog/locations',
      'GET /api/catalog/locations/loc1/errors',
    ]);
    const request = server.requests[0]!;
    expect(request.query.has('dryRun')).toBe(false);
    expect(request.headers.authorization).toBe('Bearer bb_test_token');
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.body).toEqual({
      type: 'git',
      target: resolve('/srv/work', 'repos/web'),
      options: { ref: 'main', path: '**/*.yaml' },
    });
    expect(run.stdout).toContain(
      `Registered location loc1 (git ${resolve('/srv/work', 'repos/web')}) with 2 entities.`,
    );
    expect(run.stdout).toMatch(/^REF\s+TYPE\s+OWNER\s+LIFECYCLE$/m);
    expect(run.stdout).toMatch(/^component:default\/artist-web\s+website\s+group:default\/team-a\s+production$/m);
    expect(run.stdout).toMatch(/^api:default\/artist-api\s+openapi/m);
  });

  it('catalog register --dry-run asks for a dry run and keeps remote targets and URL types as written', async () => {
    next = { body: { location: { type: 'url', target: 'x' }, entities: [WEB] } };
    const target = 'https://git.example.com/team/web/raw/main/catalog-info.yaml';
    const run = await runForTest(['--server', server.url, 'catalog', 'register', target, '--dry-run'], {
      env: { BACKBEAT_TOKEN: 't' },
    });
    expect(run.code).toBe(0);
    expect(server.requests).toHaveLength(1);
    const request = lastRequest();
    expect(request.query.get('dryRun')).toBe('true');
    expect(request.body).toEqual({ type: 'url', target, options: {} });
    expect(run.stdout).toContain(`Dry run: nothing was registered. url ${target} holds 1 entity.`);
  });

  it('catalog register --json prints the server answer as is', async () => {
    const answer = { location: { id: 'loc2', type: 'git', target: 'git@host:org/repo.git' }, entities: [API] };
    next = { status: 201, body: answer };
    const run = await runForTest(['catalog', 'register', 'git@host:org/repo.git', '--json'], { env: env() });
    expect(run.code).toBe(0);
    expect((lastRequest().body as { target: string }).target).toBe('git@host:org/repo.git');
    expect(JSON.parse(run.stdout)).toEqual(answer);
  });

  it('catalog register lists the problems recorded for the new location', async () => {
    next = { status: 201, body: { location: { id: 'loc3', type: 'git', target: '/r' }, entities: [] } };
    locationErrors = [
      {
        filePath: 'catalog-info.yaml',
        line: 7,
        column: 3,
        field: 'spec.owner',
        level: 'error',
        message: 'is required',
      },
      { filePath: 'other.yaml', line: null, column: null, field: null, level: 'error', message: 'not YAML' },
    ];
    const run = await runForTest(['catalog', 'register', '/r'], { env: env() });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('with 0 entities.');
    expect(run.stderr).toBe(
      [
        "2 problem(s) in this location's descriptors:",
        '  catalog-info.yaml:7:3 spec.owner: is required',
        '  other.yaml not YAML',
        '',
      ].join('\n'),
    );
  });

  it('catalog get parses the reference, defaults the kind and prints a summary', async () => {
    next = { body: WEB };
    const run = await runForTest(['catalog', 'get', 'artist-web'], { env: env() });
    expect(run.code).toBe(0);
    const request = lastRequest();
    expect(request.method).toBe('GET');
    expect(request.path).toBe('/api/catalog/entities/by-name/component/default/artist-web');
    expect(request.headers.authorization).toBe('Bearer bb_test_token');
    expect(run.stdout).toContain('component:default/artist-web\n');
    expect(run.stdout).toContain('  owner: group:default/team-a\n');
    expect(run.stdout).toContain('  lifecycle: production\n');
    expect(run.stdout).toContain('    dependsOn: resource:default/artists-db\n');

    await runForTest(['catalog', 'get', 'group:ops/sre'], { env: env() });
    expect(lastRequest().path).toBe('/api/catalog/entities/by-name/group/ops/sre');
  });

  it('catalog get --json prints the entity', async () => {
    next = { body: WEB };
    const run = await runForTest(['catalog', 'get', 'component:default/artist-web', '--json'], { env: env() });
    expect(JSON.parse(run.stdout)).toEqual(WEB);
  });

  it('catalog get rejects a malformed reference before sending anything', async () => {
    const run = await runForTest(['catalog', 'get', 'component:'], { env: env() });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('"component:" is not an entity reference');
    expect(server.requests).toHaveLength(0);
  });

  it('catalog list sends filters, limit and search as query parameters and prints a table', async () => {
    next = { body: { items: [WEB, API], totalItems: 7, pageInfo: {} } };
    const run = await runForTest(
      [
        'catalog',
        'list',
        '--filter',
        'kind=component,spec.type=website',
        '--filter',
        'kind=api',
        '--limit',
        '2',
        '--search',
        'artist',
      ],
      { env: env() },
    );
    expect(run.code).toBe(0);
    const request = lastRequest();
    expect(request.path).toBe('/api/catalog/entities/by-query');
    expect(request.query.getAll('filter')).toEqual(['kind=component,spec.type=website', 'kind=api']);
    expect(request.query.get('limit')).toBe('2');
    expect(request.query.get('fullTextFilterTerm')).toBe('artist');
    expect(request.query.get('totalItems')).toBe('include');
    const lines = run.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^REF\s+TYPE\s+OWNER\s+LIFECYCLE$/);
    expect(lines[1]).toMatch(/^component:default\/artist-web\s+website/);
    expect(lines[2]).toMatch(/^api:default\/artist-api\s+openapi\s+group:default\/team-a\s+experimental$/);
    expect(lines[3]).toBe('Showing 2 of 7; raise --limit or narrow with --filter.');
  });

  it('catalog list rejects a bad --limit with a usage error', async () => {
    const run = await runForTest(['catalog', 'list', '--limit', 'lots'], { env: env() });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--limit must be a positive whole number');
    expect(server.requests).toHaveLength(0);
  });

  it('catalog locations prints each location and its refresh problem', async () => {
    next = {
      body: {
        items: [
          {
            id: 'loc1',
            type: 'git',
            target: '/repos/web',
            refreshState: 'ok',
            entityCount: 3,
            errorCount: 1,
            lastRefreshAt: null,
            lastError: null,
          },
          {
            id: 'loc2',
            type: 'git',
            target: '/repos/gone',
            refreshState: 'failed',
            entityCount: 0,
            errorCount: 0,
            lastRefreshAt: '2026-01-01T00:00:00.000Z',
            lastError: 'repository not found',
          },
        ],
      },
    };
    const run = await runForTest(['catalog', 'locations'], { env: env() });
    expect(run.code).toBe(0);
    expect(lastRequest().path).toBe('/api/catalog/location-status');
    expect(run.stdout).toMatch(/^ID\s+TYPE\s+STATE\s+ENTITIES\s+ERRORS\s+REFRESHED\s+TARGET$/m);
    expect(run.stdout).toMatch(/^loc1\s+git\s+ok\s+3\s+1\s+-\s+\/repos\/web$/m);
    expect(run.stdout).toMatch(/^loc2\s+git\s+failed\s+0\s+0\s+2026-01-01T00:00:00.000Z\s+\/repos\/gone$/m);
    expect(run.stderr).toContain('/repos/gone: repository not found');
    expect(run.stdout).toContain('add --errors to list them');
  });

  it('catalog locations --errors lists the problems of the locations that have some', async () => {
    next = {
      body: [
        { id: 'loc1', type: 'git', target: '/repos/web', refreshState: 'ok', entityCount: 3, errorCount: 1 },
        { id: 'loc2', type: 'git', target: '/repos/api', refreshState: 'ok', entityCount: 1, errorCount: 0 },
      ],
    };
    locationErrors = [
      { filePath: 'catalog-info.yaml', line: 4, column: 9, field: 'metadata.name', message: 'is not valid' },
    ];
    const run = await runForTest(['catalog', 'locations', '--errors'], { env: env() });
    expect(run.code).toBe(0);
    expect(server.requests.map((r) => r.path)).toEqual([
      '/api/catalog/location-status',
      '/api/catalog/locations/loc1/errors',
    ]);
    expect(run.stdout).toContain('/repos/web:\n  catalog-info.yaml:4:9 metadata.name: is not valid\n');

    const json = await runForTest(['catalog', 'locations', '--errors', '--json'], { env: env() });
    const [web, api] = JSON.parse(json.stdout);
    expect(web.errors).toHaveLength(1);
    expect(api.errors).toEqual([]);
  });

  it('catalog refresh posts the canonical entity ref', async () => {
    next = { status: 200 };
    const run = await runForTest(['catalog', 'refresh', 'Artist-Web'], { env: env() });
    expect(run.code).toBe(0);
    expect(lastRequest()).toMatchObject({
      method: 'POST',
      path: '/api/catalog/refresh',
      body: { entityRef: 'component:default/artist-web' },
    });
    expect(run.stdout).toContain('Refresh of component:default/artist-web requested.');
  });

  it('audit list passes the type prefix and limit and prints who did what', async () => {
    next = {
      body: {
        items: [
          {
            id: 'e1',
            at: '2026-01-02T03:04:05.000Z',
            type: 'catalog.location.registered',
            subject: 'loc1',
            actor: { kind: 'user', id: 'a1', displayName: 'Jane', userRef: 'user:default/jane' },
          },
        ],
      },
    };
    const run = await runForTest(['audit', 'list', '--type-prefix', 'catalog.', '--limit', '5'], { env: env() });
    expect(run.code).toBe(0);
    const request = lastRequest();
    expect(request.path).toBe('/api/audit');
    expect(request.query.get('typePrefix')).toBe('catalog.');
    expect(request.query.get('limit')).toBe('5');
    expect(run.stdout).toMatch(
      /^2026-01-02T03:04:05.000Z\s+catalog\.location\.registered\s+user:default\/jane\s+loc1$/m,
    );
  });

  it('token create sends name and scopes and shows the secret once', async () => {
    next = {
      status: 201,
      body: {
        id: 'tok1',
        name: 'ci',
        prefix: 'bb_sec',
        scopes: ['read', 'write'],
        createdAt: 'now',
        token: 'bb_secret_value',
      },
    };
    const run = await runForTest(['token', 'create', 'ci', '--scope', 'read', '--scope', 'write'], { env: env() });
    expect(run.code).toBe(0);
    expect(lastRequest()).toMatchObject({
      method: 'POST',
      path: '/api/auth/tokens',
      body: { name: 'ci', scopes: ['read', 'write'] },
    });
    expect(run.stdout).toContain('  bb_secret_value\n');
    expect(run.stdout).toContain('cannot show it again');

    const json = await runForTest(['token', 'create', 'ci', '--json'], { env: env() });
    expect((lastRequest().body as { scopes: string[] }).scopes).toEqual(['read']);
    expect(JSON.parse(json.stdout)).toMatchObject({ token: 'bb_secret_value', id: 'tok1', name: 'ci' });
  });

  it('token create refuses an unknown scope', async () => {
    const run = await runForTest(['token', 'create', 'ci', '--scope', 'root'], { env: env() });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('Allowed scopes are read, write, admin.');
    expect(server.requests).toHaveLength(0);
  });

  it('token list and token revoke', async () => {
    next = {
      body: {
        items: [
          {
            id: 'tok1',
            name: 'ci',
            prefix: 'bb_abc',
            scopes: ['read'],
            revokedAt: null,
            expiresAt: null,
            lastUsedAt: null,
          },
          { id: 'tok2', name: 'old', prefix: 'bb_def', scopes: ['read', 'write'], revokedAt: '2026-01-01T00:00:00Z' },
        ],
      },
    };
    const list = await runForTest(['token', 'list', '--all'], { env: env() });
    expect(lastRequest().query.get('all')).toBe('true');
    expect(list.stdout).toMatch(/^tok1\s+ci\s+bb_abc\s+read\s+active/m);
    expect(list.stdout).toMatch(/^tok2\s+old\s+bb_def\s+read,write\s+revoked/m);

    next = { body: { id: 'tok1', name: 'ci', revokedAt: '2026-01-02T00:00:00Z' } };
    const revoke = await runForTest(['token', 'revoke', 'tok1'], { env: env() });
    expect(revoke.code).toBe(0);
    expect(lastRequest()).toMatchObject({ method: 'DELETE', path: '/api/auth/tokens/tok1' });
    expect(revoke.stdout).toContain('Revoked token tok1 "ci".');
  });

  it('sends no Authorization header when no token is configured, and --token wins over the environment', async () => {
    next = { body: { items: [] } };
    await runForTest(['catalog', 'list'], { env: { BACKBEAT_URL: server.url } });
    expect(lastRequest().headers.authorization).toBeUndefined();
    await runForTest(['--token', 'from-flag', 'catalog', 'list'], { env: env() });
    expect(lastRequest().headers.authorization).toBe('Bearer from-flag');
  });
});
