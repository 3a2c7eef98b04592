import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTogglesServer, type TogglesServer } from './testing/toggles-server.js';

/** Answers Prometheus instant queries with whatever `answer` holds. */
function startFakePrometheus() {
  const state = { answer: {} as unknown };
  const server: Server = createServer((req, res) => {
    if (!req.url?.startsWith('/api/v1/query')) {
      res.writeHead(404).end();
      return;
    }
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

interface Series {
  index: number;
  guard: string;
  kind: string;
  threshold: number;
  breachWhen: string;
  observations: { at: string; state: string; value: number | null; threshold: number; detail: string }[];
}

describe('guard observations', () => {
  let server: TogglesServer;
  let prometheus: Awaited<ReturnType<typeof startFakePrometheus>>;
  let clientToken: string;
  let planId: string;
  const env = '/api/toggles/projects/checkout/flags/new-cart/environments/production';
  const impact = (errors: number, requests: number) =>
    fetch(`${server.baseUrl}/api/toggles/impact`, {
      method: 'POST',
      headers: { authorization: clientToken, 'content-type': 'application/json' },
      body: JSON.stringify({ flag: 'new-cart', appName: 'shop', errors, requests }),
    });
  const observed = async (query = '', token?: string) =>
    server.api('GET', `/api/toggles/plans/${planId}/guard-observations${query}`, undefined, token);

  beforeAll(async () => {
    server = await startTogglesServer();
    prometheus = await startFakePrometheus();
    await server.api('POST', '/api/toggles/projects', {
      key: 'checkout',
      name: 'Checkout',
      entityRef: 'component:checkout',
    });
    await server.api('POST', '/api/toggles/projects/checkout/flags', { name: 'new-cart' });
    clientToken = await server.clientToken('checkout', 'checkout-backend');
    const created = await server.api('POST', `${env}/plans`, {
      milestones: [5, 25, 50],
      guards: [
        { kind: 'error-rate', name: 'checkout errors', threshold: 0.05, windowMinutes: 10, minRequests: 100 },
        { kind: 'prometheus', url: prometheus.url, query: 'p99_latency', threshold: 0.8, breachWhen: 'above' },
      ],
    });
    expect(created.status).toBe(201);
    planId = created.body.id;
  });
  afterAll(async () => {
    await server?.close();
    await prometheus?.close();
  });

  it('records every reading of every guard at each tick, with its threshold, until a breach stops the plan', async () => {
    const rollouts = server.backbeat.toggles.rollouts;
    const before = await observed();
    expect(before.status).toBe(200);
    expect(before.body.guards.map((g: Series) => g.observations.length)).toEqual([0, 0]);

    // Too few requests to judge the error rate; latency fine.
    expect((await impact(20, 50)).status).toBe(202);
    prometheus.state.answer = scalar('0.25');
    expect((await rollouts.tick(planId)).status).toBe('running');
    // 20 errors in 450 requests: 4.4 %, under the threshold; the latency query fails.
    expect((await impact(0, 400)).status).toBe(202);
    prometheus.state.answer = { status: 'error', error: 'query timed out' };
    expect((await rollouts.tick(planId)).status).toBe('running');
    // 60 errors in 550 requests: 10.9 %, over the 5 % threshold.
    expect((await impact(40, 100)).status).toBe(202);
    prometheus.state.answer = scalar('0.3');
    const breached = await rollouts.tick(planId);
    expect(breached.status).toBe('paused');
    // A paused plan reads no guards, so nothing more is recorded.
    await rollouts.tick(planId);

    const { status, body } = await observed('', server.tokens.bob);
    expect(status).toBe(200);
    expect(body.plan).toBe(planId);
    const [errors, latency] = body.guards as Series[];
    expect(errors).toMatchObject({
      index: 0,
      guard: 'checkout errors',
      kind: 'error-rate',
      threshold: 0.05,
      breachWhen: 'above',
    });
    expect(errors?.observations.map((o) => [o.state, o.value, o.threshold])).toEqual([
      ['ok', null, 0.05],
      ['ok', 20 / 450, 0.05],
      ['breached', 60 / 550, 0.05],
    ]);
    expect(errors?.observations[0]?.detail).toContain('below the minimum sample of 100');
    expect(errors?.observations[2]?.detail).toContain('error rate 10.91 %');
    const times = errors?.observations.map((o) => o.at) ?? [];
    expect([...times].sort()).toEqual(times);

    expect(latency).toMatchObject({ index: 1, guard: 'guards[1] (prometheus)', kind: 'prometheus', threshold: 0.8 });
    expect(latency?.observations.map((o) => [o.state, o.value])).toEqual([
      ['ok', 0.25],
      ['unavailable', null],
      ['ok', 0.3],
    ]);
    expect(latency?.observations[1]?.detail).toContain('query timed out');
  });

  it('serves a window and the newest readings only, and refuses bad queries', async () => {
    const all = (await observed()).body.guards[0].observations as Series['observations'];
    const second = all[1]?.at as string;
    const since = await observed(`?since=${encodeURIComponent(second)}`);
    expect(since.body.guards[0].observations.map((o: { at: string }) => o.at)).toEqual(all.slice(1).map((o) => o.at));
    const newest = await observed('?limit=1');
    expect(newest.body.guards[0].observations).toEqual([all[2]]);
    const future = await observed(`?since=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`);
    expect(future.body.guards[0].observations).toEqual([]);

    const badSince = await observed('?since=yesterday');
    expect(badSince.status).toBe(400);
    expect(badSince.body.errors[0].field).toBe('query.since');
    expect((await observed('?limit=0')).status).toBe(400);
    expect((await server.api('GET', '/api/toggles/plans/no-such-plan/guard-observations')).status).toBe(404);
    const anonymous = await fetch(`${server.baseUrl}/api/toggles/plans/${planId}/guard-observations`);
    expect(anonymous.status).toBe(401);
  });

  it('keeps readings for the retention only', async () => {
    const rollouts = server.backbeat.toggles.rollouts;
    expect(await rollouts.pruneGuardObservations(new Date(Date.now() + 13 * 86_400_000))).toBe(0);
    expect(await rollouts.pruneGuardObservations(new Date(Date.now() + 15 * 86_400_000))).toBe(6);
    const { body } = await observed(`?since=${encodeURIComponent(new Date(0).toISOString())}`);
    expect(body.guards.map((g: Series) => g.observations.length)).toEqual([0, 0]);
  });

  it('documents the route in OpenAPI', async () => {
    const { body } = await server.api('GET', '/api/openapi.json');
    expect(body.paths['/api/toggles/plans/{id}/guard-observations']?.get).toBeDefined();
    expect(body.components.schemas.ToggleGuardSeries).toBeDefined();
  });
});
