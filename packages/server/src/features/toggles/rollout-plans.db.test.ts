import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTogglesServer, type TogglesServer } from './testing/toggles-server.js';

/** A tiny stand-in for Prometheus: answers /api/v1/query with whatever `answer` holds. */
function startFakePrometheus() {
  const state = {
    answer: { status: 'success', data: { resultType: 'scalar', result: [0, '0'] } } as unknown,
    queries: [] as string[],
  };
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== '/api/v1/query') {
      res.writeHead(404).end();
      return;
    }
    state.queries.push(url.searchParams.get('query') ?? '');
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(state.answer));
  });
  return new Promise<{ url: string; state: typeof state; close(): Promise<void> }>((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}`,
        state,
        close: () => new Promise<void>((done) => server.close(() => done())),
      });
    });
  });
}

const scalar = (value: string) => ({ status: 'success', data: { resultType: 'scalar', result: [1700000000, value] } });

describe('rollout plans and guards', () => {
  let server: TogglesServer;
  let prometheus: Awaited<ReturnType<typeof startFakePrometheus>>;
  let clientToken: string;
  const flags = '/api/toggles/projects/checkout/flags';
  const env = (flag: string) => `${flags}/${flag}/environments/production`;
  const rolloutOf = (flag: {
    environments: Record<string, { strategies: { name: string; parameters: { rollout?: string } }[] }>;
  }) => flag.environments.production?.strategies.find((s) => s.name === 'flexibleRollout')?.parameters.rollout;
  const later = (iso: string, seconds = 1) => new Date(Date.parse(iso) + seconds * 1000);
  const kinds = (plan: { timeline: { kind: string }[] }) => plan.timeline.map((t) => t.kind);
  const impact = (body: unknown, token = clientToken) =>
    fetch(`${server.baseUrl}/api/toggles/impact`, {
      method: 'POST',
      headers: { authorization: token, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  beforeAll(async () => {
    server = await startTogglesServer();
    prometheus = await startFakePrometheus();
    await server.api('POST', '/api/toggles/projects', {
      key: 'checkout',
      name: 'Checkout',
      entityRef: 'component:checkout',
    });
    for (const name of ['new-cart', 'guarded', 'watched', 'blind', 'by-worker']) {
      await server.api('POST', flags, { name });
    }
    const token = await server.api('POST', '/api/toggles/tokens', {
      name: 'checkout-backend',
      type: 'client',
      project: 'checkout',
      environment: 'production',
    });
    clientToken = token.body.token;
  });
  afterAll(async () => {
    await server?.close();
    await prometheus?.close();
  });

  it('starts a plan at its first milestone through the audited service, and refuses bad or second plans', async () => {
    const bad = await server.api('POST', `${env('new-cart')}/plans`, { milestones: [5, 1] });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toBe('milestones[1]');
    expect(
      (await server.api('POST', `${env('new-cart')}/plans`, { milestones: [1, 5] }, server.tokens.bob)).status,
    ).toBe(403);

    const created = await server.api(
      'POST',
      `${env('new-cart')}/plans`,
      { milestones: [1, 5, 25, 50, 100], holdSeconds: 3600 },
      server.tokens.jane,
    );
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ status: 'running', currentIndex: 0, createdBy: 'user:default/jane' });
    expect(kinds(created.body)).toEqual(['created', 'started', 'milestone-reached']);
    expect(Date.parse(created.body.nextAt) - Date.parse(created.body.milestoneAt)).toBe(3_600_000);

    const flag = (await server.api('GET', `${flags}/new-cart`)).body;
    expect(flag.environments.production.enabled).toBe(true);
    expect(rolloutOf(flag)).toBe('1');
    const history = (await server.api('GET', `${flags}/new-cart/history`)).body.items;
    expect(history.find((e: { data: { action?: string } }) => e.data.action === 'rollout').data).toMatchObject({
      percent: 1,
      via: { kind: 'rollout-plan', id: created.body.id },
    });

    const second = await server.api('POST', `${env('new-cart')}/plans`, { milestones: [10] });
    expect(second.status).toBe(409);
    const shown = await server.api('GET', `${env('new-cart')}/plan`, undefined, server.tokens.bob);
    expect(shown.body.id).toBe(created.body.id);
  });

  it('advances after the hold, by hand, and pauses, resumes and aborts', async () => {
    const plan = (await server.api('GET', `${env('new-cart')}/plan`)).body;
    const rollouts = server.backbeat.toggles.rollouts;
    const early = await rollouts.tick(plan.id, new Date(Date.parse(plan.nextAt) - 1000));
    expect(early.currentIndex).toBe(0);
    const due = await rollouts.tick(plan.id, later(plan.nextAt));
    expect(due.currentIndex).toBe(1);
    expect(due.timeline.at(-1)).toMatchObject({ kind: 'milestone-reached', percent: 5, detail: { by: 'schedule' } });
    expect(rolloutOf((await server.api('GET', `${flags}/new-cart`)).body)).toBe('5');

    expect(
      (await server.api('POST', `/api/toggles/plans/${plan.id}/advance`, undefined, server.tokens.bob)).status,
    ).toBe(403);
    const advanced = await server.api('POST', `/api/toggles/plans/${plan.id}/advance`, undefined, server.tokens.jane);
    expect(advanced.body).toMatchObject({ currentIndex: 2, status: 'running' });
    expect(rolloutOf((await server.api('GET', `${flags}/new-cart`)).body)).toBe('25');

    const paused = await server.api('POST', `/api/toggles/plans/${plan.id}/pause`, { reason: 'watching dashboards' });
    expect(paused.body).toMatchObject({ status: 'paused', nextAt: null });
    expect((await server.api('POST', `/api/toggles/plans/${plan.id}/advance`)).status).toBe(409);
    // A paused plan does not move, however late it is.
    expect((await rollouts.tick(plan.id, later(plan.nextAt, 86_400))).currentIndex).toBe(2);
    const resumed = await server.api('POST', `/api/toggles/plans/${plan.id}/resume`);
    expect(resumed.body.status).toBe('running');
    await server.api('POST', `/api/toggles/plans/${plan.id}/advance`);
    const last = await server.api('POST', `/api/toggles/plans/${plan.id}/advance`);
    expect(last.body).toMatchObject({ status: 'completed', currentIndex: 4, nextAt: null });
    expect(kinds(last.body).slice(-2)).toEqual(['milestone-reached', 'completed']);
    expect(rolloutOf((await server.api('GET', `${flags}/new-cart`)).body)).toBe('100');
    expect((await server.api('POST', `/api/toggles/plans/${plan.id}/abort`)).status).toBe(409);
  });

  it('takes impact reports with a client token and rejects bad ones by field', async () => {
    expect((await impact({ flag: 'guarded', appName: 'shop', errors: 1, requests: 1 }, 'nope')).status).toBe(401);
    const tooMany = await impact({ flag: 'guarded', appName: 'shop', errors: 5, requests: 1 });
    expect(tooMany.status).toBe(400);
    expect((await tooMany.json()).errors[0].field).toBe('errors');
    expect((await impact({ flag: 'no-such-flag', appName: 'shop', errors: 0, requests: 1 })).status).toBe(404);
    expect(
      (await impact({ flag: 'guarded', appName: 'shop', environment: 'staging', errors: 0, requests: 1 })).status,
    ).toBe(403);
  });

  it('rolls back to the last safe milestone when the error rate crosses its threshold, and tells the owner', async () => {
    const created = await server.api('POST', `${env('guarded')}/plans`, {
      milestones: [1, 5, 25],
      guards: [{ kind: 'error-rate', name: 'checkout errors', threshold: 0.05, windowMinutes: 10, minRequests: 100 }],
    });
    expect(created.status).toBe(201);
    const id = created.body.id;
    await server.api('POST', `/api/toggles/plans/${id}/advance`);
    const rollouts = server.backbeat.toggles.rollouts;

    // 40 % errors, but too few requests to judge.
    expect((await impact({ flag: 'guarded', appName: 'shop', errors: 20, requests: 50 })).status).toBe(202);
    expect((await rollouts.tick(id)).status).toBe('running');
    expect((await impact({ flag: 'guarded', appName: 'shop', errors: 0, requests: 60 })).status).toBe(202);
    const breached = await rollouts.tick(id);
    expect(breached).toMatchObject({ status: 'paused', currentIndex: 0 });
    expect(kinds(breached).slice(-2)).toEqual(['guard-breached', 'rolled-back']);
    expect(breached.timeline.at(-2)?.detail).toMatchObject({ guard: 'checkout errors', action: 'rollback' });
    expect(breached.timeline.at(-2)?.detail.detail).toContain('error rate 18.18 %');
    expect(rolloutOf((await server.api('GET', `${flags}/guarded`)).body)).toBe('1');
    const series = await server.api('GET', '/api/toggles/projects/checkout/impact?flag=guarded&environment=production');
    // Reports made either side of a minute boundary land in two rows.
    const rows = series.body.items as { appName: string; errors: number; requests: number }[];
    expect(rows.every((r) => r.appName === 'shop')).toBe(true);
    expect(rows.reduce((sum, r) => sum + r.errors, 0)).toBe(20);
    expect(rows.reduce((sum, r) => sum + r.requests, 0)).toBe(110);

    // Still failing after a resume: back to 0 %, and no lower however often it breaches.
    await server.api('POST', `/api/toggles/plans/${id}/resume`);
    expect(await rollouts.tick(id)).toMatchObject({ status: 'paused', currentIndex: -1 });
    expect(rolloutOf((await server.api('GET', `${flags}/guarded`)).body)).toBe('0');
    await server.api('POST', `/api/toggles/plans/${id}/resume`);
    expect(await rollouts.tick(id)).toMatchObject({ status: 'paused', currentIndex: -1 });
    await server.api('POST', `/api/toggles/plans/${id}/resume`);
    const again = await server.api('POST', `/api/toggles/plans/${id}/advance`);
    expect(again.body).toMatchObject({ status: 'running', currentIndex: 0 });
    expect(rolloutOf((await server.api('GET', `${flags}/guarded`)).body)).toBe('1');

    const history = (await server.api('GET', `${flags}/guarded/history`)).body.items;
    const breaches = history.filter((e: { type: string }) => e.type === 'toggle.guard.breached');
    expect(breaches).toHaveLength(3);
    const event = breaches.at(-1);
    expect(event.data).toMatchObject({
      ownerRef: 'group:default/team-checkout',
      plan: id,
      guard: 'checkout errors',
      action: 'rollback',
      rolledBackTo: 1,
      environment: 'production',
    });
  });

  it('turns the flag off when a Prometheus guard crosses its threshold; admins only for hosts off the allow-list', async () => {
    const guard = {
      kind: 'prometheus',
      url: prometheus.url,
      query: 'sum(rate(http_errors_total{flag="watched"}[5m]))',
      threshold: 0.1,
      action: 'off',
    };
    const denied = await server.api(
      'POST',
      `${env('watched')}/plans`,
      { milestones: [10, 50], guards: [guard] },
      server.tokens.jane,
    );
    expect(denied.status).toBe(403);
    const created = await server.api('POST', `${env('watched')}/plans`, {
      milestones: [10, 50],
      holdSeconds: 60,
      guards: [guard],
    });
    expect(created.status).toBe(201);
    const id = created.body.id;
    const rollouts = server.backbeat.toggles.rollouts;

    prometheus.state.answer = scalar('0.05');
    expect((await rollouts.tick(id)).status).toBe('running');
    expect(prometheus.state.queries.at(-1)).toBe(guard.query);

    prometheus.state.answer = {
      status: 'success',
      data: { resultType: 'vector', result: [{ metric: {}, value: [1700000000, '0.4'] }] },
    };
    const breached = await rollouts.tick(id);
    expect(breached.status).toBe('paused');
    expect(kinds(breached).slice(-2)).toEqual(['guard-breached', 'turned-off']);
    expect((await server.api('GET', `${flags}/watched`)).body.environments.production.enabled).toBe(false);

    // Resuming puts the flag back on at the current milestone.
    prometheus.state.answer = scalar('0');
    const resumed = await server.api('POST', `/api/toggles/plans/${id}/resume`);
    expect(resumed.body.status).toBe('running');
    const flag = (await server.api('GET', `${flags}/watched`)).body;
    expect(flag.environments.production.enabled).toBe(true);
    expect(rolloutOf(flag)).toBe('10');
  });

  it('holds the milestone while a guard cannot be read', async () => {
    prometheus.state.answer = {
      status: 'success',
      data: {
        resultType: 'vector',
        result: [
          { metric: { pod: 'a' }, value: [1, '0'] },
          { metric: { pod: 'b' }, value: [1, '0'] },
        ],
      },
    };
    const created = await server.api('POST', `${env('blind')}/plans`, {
      milestones: [10, 50],
      holdSeconds: 60,
      guards: [{ kind: 'prometheus', url: prometheus.url, query: 'errors_by_pod', threshold: 1 }],
    });
    const id = created.body.id;
    const held = await server.backbeat.toggles.rollouts.tick(id, later(created.body.nextAt));
    expect(held).toMatchObject({ status: 'running', currentIndex: 0 });
    expect(held.timeline.at(-1)).toMatchObject({ kind: 'guard-unavailable' });
    expect(String(held.timeline.at(-1)?.detail.detail)).toContain('2 series');
    prometheus.state.answer = scalar('0');
    expect((await server.backbeat.toggles.rollouts.tick(id, later(created.body.nextAt))).currentIndex).toBe(1);
  });

  it('documents every rollout and governance route in OpenAPI', async () => {
    const { body } = await server.api('GET', '/api/openapi.json');
    const expected: [string, string][] = [
      ['/api/toggles/projects/{key}/flags/{name}/environments/{env}/plans', 'post'],
      ['/api/toggles/projects/{key}/flags/{name}/environments/{env}/plan', 'get'],
      ['/api/toggles/projects/{key}/plans', 'get'],
      ['/api/toggles/plans/{id}', 'get'],
      ['/api/toggles/plans/{id}/start', 'post'],
      ['/api/toggles/plans/{id}/advance', 'post'],
      ['/api/toggles/plans/{id}/pause', 'post'],
      ['/api/toggles/plans/{id}/resume', 'post'],
      ['/api/toggles/plans/{id}/abort', 'post'],
      ['/api/toggles/impact', 'post'],
      ['/api/toggles/projects/{key}/impact', 'get'],
      ['/api/toggles/projects/{key}/governance', 'get'],
      ['/api/toggles/projects/{key}/governance', 'put'],
      ['/api/toggles/projects/{key}/flags/{name}/environments/{env}/changes', 'post'],
      ['/api/toggles/projects/{key}/changes', 'get'],
      ['/api/toggles/changes/{id}', 'get'],
      ['/api/toggles/changes/{id}/approve', 'post'],
      ['/api/toggles/changes/{id}/reject', 'post'],
      ['/api/toggles/changes/{id}/cancel', 'post'],
      ['/api/toggles/stale', 'get'],
    ];
    for (const [path, method] of expected) expect(body.paths[path]?.[method], `${method} ${path}`).toBeDefined();
    expect(body.components.schemas.TogglePlanWithTimeline).toBeDefined();
  });

  it('moves a plan with the queue worker once its hold is over', async () => {
    const created = await server.api('POST', `${env('by-worker')}/plans`, { milestones: [20, 40, 60], holdSeconds: 1 });
    expect(created.body.currentIndex).toBe(0);
    await server.backbeat.startWorker();
    let plan = created.body;
    // The second step is queued by the job that made the first, so this also covers a job re-queueing its own key.
    for (let attempt = 0; attempt < 300 && plan.status !== 'completed'; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      plan = (await server.api('GET', `/api/toggles/plans/${created.body.id}`)).body;
    }
    expect(plan).toMatchObject({ status: 'completed', currentIndex: 2 });
    expect(plan.timeline.at(-2)).toMatchObject({
      kind: 'milestone-reached',
      actor: 'Backbeat',
      detail: { by: 'schedule' },
    });
  });
});
