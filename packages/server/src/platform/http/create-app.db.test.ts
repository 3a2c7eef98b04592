import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRoute, z } from '@hono/zod-openapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authMigrations } from '../auth/auth-migrations.js';
import { type AuthService, createAuthService } from '../auth/auth-service.js';
import { requireActor } from '../auth/authorize.js';
import { createTestDatabase, type TestDatabase } from '../db/testing/test-database.js';
import type { EventLog } from '../events/event-log.js';
import { eventsMigrations } from '../events/event-migrations.js';
import { createEventLog } from '../events/sql-event-log.js';
import { createLogger, silentLogger } from '../logging.js';
import { createMetrics } from '../metrics.js';
import { createApiRouter } from './api-router.js';
import { createHttpApp, mountWebApp, startHttpServer } from './create-app.js';
import { ConflictError, NotFoundError } from './problem.js';
import { createReadinessCheck } from './readiness.js';

describe('HTTP app', () => {
  let database: TestDatabase;
  let events: EventLog;
  let auth: AuthService;
  let app: ReturnType<typeof createHttpApp>;
  let ready = true;
  let adminToken: string;
  let readToken: string;
  let webDir: string;
  const logLines: string[] = [];

  beforeAll(async () => {
    database = await createTestDatabase({ migrations: { ...eventsMigrations, ...authMigrations } });
    events = createEventLog({ database, logger: silentLogger() });
    auth = createAuthService({ database, events, logger: silentLogger() });
    const logger = createLogger({
      level: 'info',
      destination: { write: (line: string) => logLines.push(line) } as unknown as NodeJS.WritableStream,
    });
    const databaseReady = createReadinessCheck({ database });
    app = createHttpApp({
      logger,
      auth,
      events,
      metrics: createMetrics(),
      demo: true,
      baseUrl: 'http://backbeat.test',
      readiness: async () => {
        if (!ready) throw new Error('database unreachable');
        return databaseReady();
      },
    });

    // A stand-in feature router, to exercise what features get from the core.
    const router = createApiRouter();
    router.openapi(
      createRoute({
        method: 'post',
        path: '/api/things',
        request: {
          body: { required: true, content: { 'application/json': { schema: z.object({ name: z.string().min(3) }) } } },
        },
        responses: {
          201: { description: 'ok', content: { 'application/json': { schema: z.object({ name: z.string() }) } } },
        },
      }),
      (c) => {
        requireActor(c);
        const { name } = c.req.valid('json');
        if (name === 'taken') throw new ConflictError('Thing "taken" exists');
        return c.json({ name }, 201);
      },
    );
    router.get('/api/boom', () => {
      throw new Error('secret internals');
    });
    router.get('/api/catalog/entities/by-name/:kind/:namespace/:name', (c) => {
      throw new NotFoundError(`No entity ${c.req.param('kind')}:${c.req.param('namespace')}/${c.req.param('name')}`);
    });
    router.post('/api/form-target', (c) => c.json({ ok: true, actor: c.get('actor')?.id ?? null }));
    app.route('/', router);

    webDir = mkdtempSync(join(tmpdir(), 'backbeat-web-'));
    mkdirSync(join(webDir, 'assets'));
    writeFileSync(join(webDir, 'index.html'), '<!doctype html><title>Backbeat SPA</title>');
    writeFileSync(join(webDir, 'assets', 'app-123.js'), 'console.log(1)');
    writeFileSync(join(tmpdir(), 'backbeat-outside.txt'), 'outside');
    mountWebApp(app, { webDistDir: webDir });

    const initial = await auth.ensureInitialAdmin({
      baseUrl: 'http://backbeat.test',
      adminToken: 'configured-admin-token-123456',
    });
    adminToken = 'configured-admin-token-123456';
    expect(initial.createdAdmin).toBe(true);
    await auth.ensureDemoAccount({ userRef: 'user:default/demo-person' });
    const adminActor = await auth.authenticateToken(adminToken);
    if (!adminActor) throw new Error('admin token did not authenticate');
    readToken = (await auth.createApiToken(adminActor, { name: 'reader', scopes: ['read'] })).token;
  });

  afterAll(async () => {
    await database.dispose();
    rmSync(webDir, { recursive: true, force: true });
    rmSync(join(tmpdir(), 'backbeat-outside.txt'), { force: true });
  });

  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

  /** Signs in as the demo user and returns the Cookie header value. */
  async function demoCookie(): Promise<string> {
    const res = await app.request('/api/auth/demo', { method: 'POST', headers: { 'x-backbeat-csrf': '1' } });
    expect(res.status).toBe(200);
    const setCookie = res.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(/backbeat_session=[^;]+; .*HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Lax/i);
    return setCookie.split(';')[0] as string;
  }

  describe('health and metrics', () => {
    it('GET /healthz is always ok', async () => {
      const res = await app.request('/healthz');
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ status: 'ok' });
    });

    it('GET /readyz reports the checks, and 503 when one fails', async () => {
      const res = await app.request('/readyz');
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ status: 'ready', checks: { database: { ok: true } } });
      ready = false;
      try {
        const down = await app.request('/readyz');
        expect(down.status).toBe(503);
        expect(await down.json()).toMatchObject({ status: 'unavailable', error: 'database unreachable' });
      } finally {
        ready = true;
      }
    });

    it('GET /metrics serves Prometheus text with process and request metrics by route', async () => {
      await app.request('/api/catalog/entities/by-name/component/default/web');
      const res = await app.request('/metrics');
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
      const text = await res.text();
      expect(text).toContain('process_cpu_user_seconds_total');
      expect(text).toMatch(
        /backbeat_http_request_duration_seconds_count\{method="GET",route="\/api\/catalog\/entities\/by-name\/:kind\/:namespace\/:name",status="404"\} \d+/,
      );
      expect(text).toMatch(
        /backbeat_http_request_duration_seconds_count\{method="GET",route="\/healthz",status="200"\}/,
      );
    });

    it('echoes a request id and logs requests without secrets', async () => {
      const res = await app.request('/api/auth/link/super-secret-link-token', {
        headers: { 'x-request-id': 'req-42', cookie: 'backbeat_session=cookie-secret' },
      });
      expect(res.headers.get('x-request-id')).toBe('req-42');
      const line = logLines.find((l) => l.includes('req-42'));
      expect(line).toBeDefined();
      expect(line).toContain('/api/auth/link/[redacted]');
      expect(logLines.join('\n')).not.toContain('super-secret-link-token');
      expect(logLines.join('\n')).not.toContain('cookie-secret');
      expect(logLines.join('\n')).not.toContain(adminToken);
    });
  });

  describe('errors as problem+json', () => {
    it('answers unknown /api routes with a 404 problem', async () => {
      const res = await app.request('/api/nothing-here');
      expect(res.status).toBe(404);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(await res.json()).toMatchObject({
        type: 'https://backbeat.dev/problems/not-found',
        status: 404,
        detail: 'No API route GET /api/nothing-here',
      });
    });

    it('maps validation failures to a 400 naming the field', async () => {
      const res = await app.request('/api/things', {
        method: 'POST',
        headers: { ...bearer(adminToken), 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'x' }),
      });
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      const body = (await res.json()) as { type: string; errors: Array<{ field: string }> };
      expect(body.type).toBe('https://backbeat.dev/problems/validation');
      expect(body.errors.map((e) => e.field)).toEqual(['name']);
    });

    it('maps malformed JSON to a 400 problem', async () => {
      const res = await app.request('/api/things', {
        method: 'POST',
        headers: { ...bearer(adminToken), 'content-type': 'application/json' },
        body: '{not json',
      });
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    });

    it('maps ProblemErrors thrown by handlers to their status', async () => {
      const res = await app.request('/api/things', {
        method: 'POST',
        headers: { ...bearer(adminToken), 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'taken' }),
      });
      expect(res.status).toBe(409);
      expect(await res.json()).toMatchObject({
        title: 'Conflict',
        detail: 'Thing "taken" exists',
        instance: '/api/things',
      });
    });

    it('hides internals of unexpected errors behind a 500', async () => {
      const res = await app.request('/api/boom');
      expect(res.status).toBe(500);
      const text = await res.text();
      expect(text).not.toContain('secret internals');
      expect(JSON.parse(text)).toMatchObject({ type: 'https://backbeat.dev/problems/internal', status: 500 });
    });

    it('adds the Backstage error body under /api/catalog', async () => {
      const res = await app.request('/api/catalog/entities/by-name/component/default/web?x=1');
      expect(res.status).toBe(404);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      expect(await res.json()).toMatchObject({
        status: 404,
        detail: 'No entity component:default/web',
        error: { name: 'NotFoundError', message: 'No entity component:default/web' },
        request: { method: 'GET', url: '/api/catalog/entities/by-name/component/default/web?x=1' },
        response: { statusCode: 404 },
      });
    });
  });

  describe('authentication', () => {
    it('is 401 for anonymous requests to protected routes', async () => {
      const me = await app.request('/api/auth/me');
      expect(me.status).toBe(401);
      expect(me.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(await me.json()).toMatchObject({ type: 'https://backbeat.dev/problems/unauthenticated' });
      const things = await app.request('/api/things', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'thing' }),
      });
      expect(things.status).toBe(401);
    });

    it('is 401 for an unknown bearer token, even on public routes', async () => {
      const res = await app.request('/api/auth/config', { headers: bearer('bb_unknown') });
      expect(res.status).toBe(401);
      expect(await res.json()).toMatchObject({ detail: 'The API token is unknown, revoked or expired' });
    });

    it('leaves unknown bearer values to routes that speak their own tokens', async () => {
      const res = await app.request('/api/client/features', { headers: bearer('default:development.unleash-token') });
      expect(res.status).toBe(404);
      expect(await res.json()).toMatchObject({ detail: 'No API route GET /api/client/features' });
    });

    it('knows a bearer token holder', async () => {
      const res = await app.request('/api/auth/me', { headers: bearer(readToken) });
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ kind: 'token', isAdmin: false, scopes: ['read'], userRef: null });
    });

    it('signs in with a password, keeps the session by cookie, and signs out', async () => {
      const admin = await auth.authenticateToken(adminToken);
      if (!admin) throw new Error('no admin');
      await auth.createAccount(admin, { username: 'jane', userRef: 'user:default/jane', password: 'jane-password-1' });

      const wrong = await app.request('/api/auth/sign-in', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'jane', password: 'nope-nope' }),
      });
      expect(wrong.status).toBe(401);

      const res = await app.request('/api/auth/sign-in', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'jane', password: 'jane-password-1' }),
      });
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ me: { kind: 'user', userRef: 'user:default/jane', isAdmin: false } });
      const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0] as string;
      const me = await app.request('/api/auth/me', { headers: { cookie } });
      expect(await me.json()).toMatchObject({ displayName: 'jane', scopes: ['read', 'write'] });

      const out = await app.request('/api/auth/sign-out', {
        method: 'POST',
        headers: { cookie, 'x-backbeat-csrf': '1' },
      });
      expect(out.status).toBe(204);
      expect(out.headers.get('set-cookie')).toMatch(/backbeat_session=;/);
      const after = await app.request('/api/auth/me', { headers: { cookie } });
      expect(after.status).toBe(401);
    });

    it('redeems a one-time link into a session cookie and a redirect, once', async () => {
      const created = await app.request('/api/auth/accounts', {
        method: 'POST',
        headers: { ...bearer(adminToken), 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'newbie', displayName: 'New Bie' }),
      });
      expect(created.status).toBe(201);
      const body = (await created.json()) as { signInUrl: string; hasPassword: boolean };
      expect(body.hasPassword).toBe(false);
      expect(body.signInUrl).toMatch(/^http:\/\/backbeat\.test\/api\/auth\/link\//);
      const path = new URL(body.signInUrl).pathname;

      const res = await app.request(path);
      expect(res.status).toBe(302);
      expect(res.headers.get('location')).toBe('/');
      const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0] as string;
      const me = await app.request('/api/auth/me', { headers: { cookie } });
      expect(await me.json()).toMatchObject({ displayName: 'New Bie' });
      expect((await app.request(path)).status).toBe(401);
    });

    it('creates accounts for admins only', async () => {
      const res = await app.request('/api/auth/accounts', {
        method: 'POST',
        headers: { ...bearer(readToken), 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'sneaky' }),
      });
      expect(res.status).toBe(403);
    });

    it('creates, lists and revokes API tokens over HTTP, showing the secret once', async () => {
      const cookie = await demoCookie();
      const created = await app.request('/api/auth/tokens', {
        method: 'POST',
        headers: { cookie, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'laptop', scopes: ['read', 'write'] }),
      });
      expect(created.status).toBe(201);
      const token = (await created.json()) as { id: string; token: string; prefix: string };
      expect(token.token).toMatch(/^bb_/);
      const list = await app.request('/api/auth/tokens', { headers: { cookie } });
      const listed = (await list.json()) as { items: Array<{ id: string }> };
      expect(listed.items.map((t) => t.id)).toContain(token.id);
      expect(JSON.stringify(listed)).not.toContain(token.token);

      expect((await app.request('/api/auth/me', { headers: bearer(token.token) })).status).toBe(200);
      const revoke = await app.request(`/api/auth/tokens/${token.id}`, {
        method: 'DELETE',
        headers: { cookie, 'x-backbeat-csrf': '1' },
      });
      expect(revoke.status).toBe(200);
      expect((await app.request('/api/auth/me', { headers: bearer(token.token) })).status).toBe(401);
    });

    it('lets the signed-in user set a password', async () => {
      const admin = await auth.authenticateToken(adminToken);
      if (!admin) throw new Error('no admin');
      const link = await auth.createSignInLink(admin, { username: 'newbie', baseUrl: 'http://backbeat.test' });
      const redeemed = await app.request(new URL(link.url).pathname);
      const cookie = (redeemed.headers.get('set-cookie') ?? '').split(';')[0] as string;
      const res = await app.request('/api/auth/password', {
        method: 'POST',
        headers: { cookie, 'content-type': 'application/json' },
        body: JSON.stringify({ newPassword: 'demo-password-1' }),
      });
      expect(res.status).toBe(204);
      // The session that changed the password survives.
      expect((await app.request('/api/auth/me', { headers: { cookie } })).status).toBe(200);
      const signIn = await app.request('/api/auth/sign-in', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'newbie', password: 'demo-password-1' }),
      });
      expect(signIn.status).toBe(200);
    });

    it('publishes the demo switch', async () => {
      const res = await app.request('/api/auth/config');
      expect(await res.json()).toEqual({ demo: true });
    });
  });

  describe('CSRF guard', () => {
    it('rejects cookie-borne mutations without JSON or the CSRF header', async () => {
      const cookie = await demoCookie();
      const form = await app.request('/api/form-target', {
        method: 'POST',
        headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
        body: 'a=1',
      });
      expect(form.status).toBe(403);
      expect(form.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(await form.json()).toMatchObject({ detail: expect.stringContaining('x-backbeat-csrf') });

      const json = await app.request('/api/form-target', {
        method: 'POST',
        headers: { cookie, 'content-type': 'application/json; charset=utf-8' },
        body: '{}',
      });
      expect(json.status).toBe(200);
      const header = await app.request('/api/form-target', {
        method: 'POST',
        headers: { cookie, 'x-backbeat-csrf': '1' },
      });
      expect(header.status).toBe(200);
    });

    it('guards sign-in endpoints even without a cookie', async () => {
      const res = await app.request('/api/auth/demo', {
        method: 'POST',
        headers: { 'content-type': 'text/plain' },
      });
      expect(res.status).toBe(403);
    });

    it('exempts bearer-token requests and anonymous requests elsewhere', async () => {
      const token = await app.request('/api/form-target', {
        method: 'POST',
        headers: { ...bearer(adminToken), 'content-type': 'text/plain' },
        body: 'x',
      });
      expect(token.status).toBe(200);
      const anonymous = await app.request('/api/form-target', { method: 'POST', body: 'x' });
      expect(anonymous.status).toBe(200);
    });

    it('lets safe methods through', async () => {
      const cookie = await demoCookie();
      expect((await app.request('/api/auth/me', { headers: { cookie } })).status).toBe(200);
    });
  });

  describe('audit API', () => {
    it('needs a signed-in actor and pages newest first', async () => {
      expect((await app.request('/api/audit')).status).toBe(401);
      const first = await app.request('/api/audit?typePrefix=auth.&limit=2', { headers: bearer(readToken) });
      expect(first.status).toBe(200);
      const page1 = (await first.json()) as { items: Array<{ id: string; type: string }>; nextBefore?: string };
      expect(page1.items).toHaveLength(2);
      expect(page1.items.every((e) => e.type.startsWith('auth.'))).toBe(true);
      expect(page1.nextBefore).toBe(page1.items[1]?.id);
      const second = await app.request(`/api/audit?typePrefix=auth.&limit=2&before=${page1.nextBefore}`, {
        headers: bearer(readToken),
      });
      const page2 = (await second.json()) as { items: Array<{ id: string }> };
      expect(page2.items).toHaveLength(2);
      expect((page2.items[0]?.id ?? '') < (page1.nextBefore as string)).toBe(true);

      const created = await app.request('/api/audit?type=auth.account.created&limit=200', {
        headers: bearer(readToken),
      });
      const all = (await created.json()) as { items: Array<{ after: { username: string } }>; nextBefore?: string };
      expect(all.nextBefore).toBeUndefined();
      expect(all.items.map((e) => e.after.username)).toEqual(expect.arrayContaining(['admin', 'demo', 'jane']));
      expect((await app.request('/api/audit?limit=0', { headers: bearer(readToken) })).status).toBe(400);
    });
  });

  describe('OpenAPI document', () => {
    it('describes the registered routes as OpenAPI 3.1', async () => {
      const res = await app.request('/api/openapi.json');
      expect(res.status).toBe(200);
      const doc = (await res.json()) as {
        openapi: string;
        info: { title: string };
        paths: Record<string, Record<string, unknown>>;
        components: { securitySchemes: Record<string, unknown>; schemas: Record<string, unknown> };
      };
      expect(doc.openapi).toBe('3.1.0');
      expect(doc.info.title).toBe('Backbeat');
      expect(Object.keys(doc.paths)).toEqual(
        expect.arrayContaining([
          '/api/auth/me',
          '/api/auth/tokens',
          '/api/auth/link/{token}',
          '/api/audit',
          '/api/things',
        ]),
      );
      expect(doc.paths['/api/auth/tokens/{id}']).toHaveProperty('delete');
      expect(doc.components.securitySchemes).toHaveProperty('bearerToken');
      expect(doc.components.schemas).toHaveProperty('StoredEvent');
      // Every $ref points at a component that exists.
      const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)].map((m) => m[1]);
      expect(refs.length).toBeGreaterThan(0);
      for (const ref of refs) expect(doc.components.schemas).toHaveProperty(ref as string);
      expect(doc.components.schemas).toHaveProperty('Problem');
      // Every operation declares at least one response, as OpenAPI requires.
      for (const operations of Object.values(doc.paths)) {
        for (const operation of Object.values(operations) as Array<{ responses: object }>) {
          expect(Object.keys(operation.responses).length).toBeGreaterThan(0);
        }
      }
    });
  });

  describe('web app', () => {
    it('serves built files, falls back to index.html for client routes, and never leaves the build dir', async () => {
      const asset = await app.request('/assets/app-123.js');
      expect(asset.status).toBe(200);
      expect(asset.headers.get('content-type')).toMatch(/javascript/);
      expect(asset.headers.get('cache-control')).toContain('immutable');
      const route = await app.request('/catalog/component/web');
      expect(route.status).toBe(200);
      expect(await route.text()).toContain('Backbeat SPA');
      expect((await app.request('/')).status).toBe(200);
      expect((await app.request('/assets/missing.js')).status).toBe(404);
      const traversal = await app.request('/..%2fbackbeat-outside.txt');
      expect(await traversal.text()).not.toContain('outside');
      // /api paths never fall back to the SPA.
      expect((await app.request('/api/unknown')).headers.get('content-type')).toMatch(/problem\+json/);
    });

    it('explains a missing build at /', async () => {
      const bare = createHttpApp({
        logger: silentLogger(),
        auth,
        events,
        metrics: createMetrics({ defaultMetrics: false }),
        demo: false,
      });
      mountWebApp(bare, { webDistDir: undefined });
      const res = await bare.request('/');
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('web UI is not built');
      const demo = await bare.request('/api/auth/demo', { method: 'POST', headers: { 'x-backbeat-csrf': '1' } });
      expect(demo.status).toBe(404);
    });
  });

  describe('startHttpServer', () => {
    it('listens on a random port and closes', async () => {
      const server = await startHttpServer(app, { port: 0, host: '127.0.0.1' });
      try {
        expect(server.port).toBeGreaterThan(0);
        const res = await fetch(`http://127.0.0.1:${server.port}/healthz`);
        expect(await res.json()).toEqual({ status: 'ok' });
      } finally {
        await server.close();
      }
      await expect(fetch(`http://127.0.0.1:${server.port}/healthz`)).rejects.toThrow();
    });
  });
});
