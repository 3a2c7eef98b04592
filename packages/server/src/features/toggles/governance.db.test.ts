import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTogglesServer, type TogglesServer } from './testing/toggles-server.js';

const DAY = 86_400_000;

describe('toggle governance: four-eyes approval, scheduled changes, stale flags', () => {
  let server: TogglesServer;
  const flags = '/api/toggles/projects/checkout/flags';
  const changes = (flag: string, env = 'production') => `${flags}/${flag}/environments/${env}/changes`;
  const rolloutIn = (
    flag: { environments: Record<string, { strategies: { name: string; parameters: { rollout?: string } }[] }> },
    env: string,
  ) => flag.environments[env]?.strategies.find((s) => s.name === 'flexibleRollout')?.parameters.rollout;

  beforeAll(async () => {
    server = await startTogglesServer();
    await server.api('POST', '/api/toggles/projects', {
      key: 'checkout',
      name: 'Checkout',
      entityRef: 'component:checkout',
    });
    await server.api('POST', '/api/toggles/projects', { key: 'shop', name: 'Shop', entityRef: 'system:shop' });
    await server.api('POST', flags, { name: 'new-cart' });
    await server.api('POST', flags, { name: 'planned' });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('lets owners require approval, after which direct production changes are refused (staging and kill are not)', async () => {
    expect(
      (
        await server.api(
          'PUT',
          '/api/toggles/projects/checkout/governance',
          { requireApproval: true },
          server.tokens.bob,
        )
      ).status,
    ).toBe(403);
    const set = await server.api(
      'PUT',
      '/api/toggles/projects/checkout/governance',
      { requireApproval: true },
      server.tokens.jane,
    );
    expect(set.body).toEqual({ project: 'checkout', requireApproval: true });
    const direct = await server.api(
      'POST',
      `${flags}/new-cart/environments/production/on`,
      undefined,
      server.tokens.jane,
    );
    expect(direct.status).toBe(409);
    expect(direct.body.type).toBe('https://backbeat.dev/problems/toggle-approval-required');
    expect(
      (await server.api('POST', `${flags}/new-cart/environments/staging/on`, undefined, server.tokens.jane)).status,
    ).toBe(200);
    const imported = await server.api('PUT', '/api/toggles/projects/checkout/environments/production/import', {
      features: [{ name: 'new-cart', enabled: true, strategies: [] }],
      segments: [],
    });
    expect(imported.status).toBe(409);
    expect(imported.body.type).toBe('https://backbeat.dev/problems/toggle-approval-required');
    const killed = await server.api(
      'POST',
      `${flags}/new-cart/kill`,
      { reason: 'emergencies skip approval' },
      server.tokens.jane,
    );
    expect(killed.status).toBe(200);
  });

  it('tells each reader whether they may change the setting, and audits the change', async () => {
    const read = (token: string) => server.api('GET', '/api/toggles/projects/checkout/governance', undefined, token);
    expect((await read(server.tokens.bob)).body).toEqual({
      project: 'checkout',
      requireApproval: true,
      viewer: { canChange: false },
    });
    expect((await read(server.tokens.jane)).body.viewer).toEqual({ canChange: true });
    expect((await read(server.tokens.admin)).body.viewer).toEqual({ canChange: true });
    expect((await server.api('GET', '/api/toggles/projects/nope/governance')).status).toBe(404);

    const audit = await server.api('GET', '/api/audit?type=toggle.project.governance&subject=toggle-project:checkout');
    expect(audit.status).toBe(200);
    const [entry] = audit.body.items;
    expect(entry).toMatchObject({
      before: { project: 'checkout', requireApproval: false },
      after: { project: 'checkout', requireApproval: true },
    });
    expect(entry.actor.userRef).toBe('user:default/jane');
  });

  it('applies a production change only when another owner or an admin approves it', async () => {
    const requested = await server.api(
      'POST',
      changes('new-cart'),
      { change: { action: 'enable' }, note: 'launch' },
      server.tokens.jane,
    );
    expect(requested.status).toBe(201);
    expect(requested.body).toMatchObject({ status: 'pending', requestedBy: 'user:default/jane' });
    const id = requested.body.id;
    const own = await server.api('POST', `/api/toggles/changes/${id}/approve`, undefined, server.tokens.jane);
    expect(own.status).toBe(403);
    expect(own.body.detail).toContain('your own');
    expect((await server.api('POST', `/api/toggles/changes/${id}/approve`, undefined, server.tokens.bob)).status).toBe(
      403,
    );
    expect((await server.api('GET', `${flags}/new-cart`)).body.environments.production.enabled).toBe(false);

    const approved = await server.api('POST', `/api/toggles/changes/${id}/approve`, { comment: 'looks good' });
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({ status: 'applied', decidedBy: expect.any(String) });
    expect((await server.api('GET', `${flags}/new-cart`)).body.environments.production.enabled).toBe(true);
    const history = (await server.api('GET', `${flags}/new-cart/history`)).body.items;
    expect(history.find((e: { data: { action?: string } }) => e.data.action === 'enabled').data.via).toEqual({
      kind: 'change-request',
      id,
    });
    expect(history.map((e: { type: string }) => e.type)).toEqual(
      expect.arrayContaining(['toggle.change.requested', 'toggle.change.approved', 'toggle.change.applied']),
    );
    expect((await server.api('POST', `/api/toggles/changes/${id}/approve`)).status).toBe(409);
  });

  it('rejects and cancels pending changes, and lists them by status', async () => {
    const one = await server.api(
      'POST',
      changes('new-cart'),
      { change: { action: 'rollout', percent: 40 } },
      server.tokens.jane,
    );
    const two = await server.api('POST', changes('new-cart'), { change: { action: 'disable' } }, server.tokens.jane);
    expect((await server.api('POST', `/api/toggles/changes/${one.body.id}/reject`)).body.status).toBe('rejected');
    expect(
      (await server.api('POST', `/api/toggles/changes/${two.body.id}/cancel`, undefined, server.tokens.jane)).body
        .status,
    ).toBe('cancelled');
    const rejected = await server.api('GET', '/api/toggles/projects/checkout/changes?status=rejected');
    expect(rejected.body.items.map((c: { id: string }) => c.id)).toEqual([one.body.id]);
    expect((await server.api('GET', '/api/toggles/projects/checkout/changes?status=nope')).body.errors[0].field).toBe(
      'query.status',
    );
    const badChange = await server.api(
      'POST',
      changes('new-cart'),
      { change: { action: 'rollout', percent: 140 } },
      server.tokens.jane,
    );
    expect(badChange.status).toBe(400);
    expect(badChange.body.errors[0].field).toBe('change.percent');
  });

  it('applies scheduled changes when their time comes, after approval where it is needed', async () => {
    const applyAt = new Date(Date.now() + 3_600_000).toISOString();
    const staging = await server.api(
      'POST',
      changes('new-cart', 'staging'),
      { change: { action: 'rollout', percent: 30 }, applyAt },
      server.tokens.jane,
    );
    expect(staging.body).toMatchObject({ status: 'scheduled', applyAt });
    const production = await server.api(
      'POST',
      changes('new-cart'),
      { change: { action: 'rollout', percent: 10 }, applyAt },
      server.tokens.jane,
    );
    expect(production.body.status).toBe('pending');
    expect((await server.api('POST', `/api/toggles/changes/${production.body.id}/approve`)).body.status).toBe(
      'scheduled',
    );

    const governance = server.backbeat.toggles.governance;
    expect(await governance.applyDue(new Date())).toEqual([]);
    const applied = await governance.applyDue(new Date(Date.now() + 2 * 3_600_000));
    expect(applied.map((c) => [c.id, c.status]).sort()).toEqual(
      [
        [staging.body.id, 'applied'],
        [production.body.id, 'applied'],
      ].sort(),
    );
    const flag = (await server.api('GET', `${flags}/new-cart`)).body;
    expect(rolloutIn(flag, 'staging')).toBe('30');
    expect(rolloutIn(flag, 'production')).toBe('10');
    // Each applies once.
    expect(await governance.applyDue(new Date(Date.now() + 3 * 3_600_000))).toEqual([]);
  });

  it('applies a scheduled change with the queue worker when its time comes', async () => {
    const applyAt = new Date(Date.now() + 1000).toISOString();
    const scheduled = await server.api('POST', changes('new-cart', 'development'), {
      change: { action: 'enable' },
      applyAt,
    });
    expect(scheduled.body.status).toBe('scheduled');
    await server.backbeat.startWorker();
    let change = scheduled.body;
    for (let attempt = 0; attempt < 300 && change.status === 'scheduled'; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      change = (await server.api('GET', `/api/toggles/changes/${scheduled.body.id}`)).body;
    }
    expect(change.status).toBe('applied');
    expect((await server.api('GET', `${flags}/new-cart`)).body.environments.development.enabled).toBe(true);
  });

  it('starts a production rollout plan in a four-eyes project only through an approved change', async () => {
    const path = `${flags}/planned/environments/production/plans`;
    expect((await server.api('POST', path, { milestones: [1, 10] }, server.tokens.jane)).status).toBe(409);
    const draft = await server.api('POST', path, { milestones: [1, 10], start: false }, server.tokens.jane);
    expect(draft.body.status).toBe('draft');
    expect(
      (await server.api('POST', `/api/toggles/plans/${draft.body.id}/start`, undefined, server.tokens.jane)).status,
    ).toBe(409);
    const request = await server.api(
      'POST',
      changes('planned'),
      { change: { action: 'start-plan', planId: draft.body.id } },
      server.tokens.jane,
    );
    expect(request.body.status).toBe('pending');
    await server.api('POST', `/api/toggles/changes/${request.body.id}/approve`);
    const plan = await server.api('GET', `/api/toggles/plans/${draft.body.id}`);
    expect(plan.body).toMatchObject({ status: 'running', currentIndex: 0 });
  });

  it('reports stale flags per squad and as facts about a catalog entity', async () => {
    await server.api('POST', flags, { name: 'ops-toggle', type: 'operational' });
    await server.api('POST', flags, { name: 'breaker', type: 'kill-switch' });
    await server.api('POST', flags, { name: 'everyone', type: 'kill-switch' });
    await server.api('PUT', '/api/toggles/projects/checkout/governance', { requireApproval: false });
    await server.api('PUT', `${flags}/everyone/environments/production/strategies`, {
      strategies: [{ name: 'default', parameters: {}, constraints: [] }],
    });
    await server.api('POST', `${flags}/everyone/environments/production/on`);
    await server.api('POST', '/api/toggles/projects/shop/flags', { name: 'shop-release' });
    const token = await server.api('POST', '/api/toggles/tokens', {
      name: 'm',
      type: 'client',
      project: 'checkout',
      environment: 'production',
    });
    // The breaker is evaluated 25 days from now, so 31 days from now it was used recently.
    const evaluatedAt = new Date(Date.now() + 25 * DAY).toISOString();
    const metrics = await fetch(`${server.baseUrl}/api/client/metrics`, {
      method: 'POST',
      headers: { authorization: token.body.token, 'content-type': 'application/json' },
      body: JSON.stringify({
        appName: 'shop',
        instanceId: 'i1',
        bucket: { start: evaluatedAt, stop: evaluatedAt, toggles: { breaker: { yes: 3, no: 0, variants: {} } } },
      }),
    });
    expect(metrics.status).toBe(202);

    const toggles = server.backbeat.toggles;
    const at = (days: number) => new Date(Date.now() + days * DAY);
    const reasons = async (days: number, flag: string) => {
      const report = await toggles.staleReport({ now: at(days) });
      const all = report.squads.flatMap((s) => s.stale);
      return (all.find((f) => f.flag === flag)?.reasons ?? []).map((r) => r.reason).sort();
    };
    expect(await reasons(1, 'ops-toggle')).toEqual([]);
    expect(await reasons(8, 'ops-toggle')).toEqual(['lifetime']);
    expect(await reasons(8, 'new-cart')).toEqual([]);
    expect(await reasons(41, 'new-cart')).toEqual(['lifetime', 'no-evaluations']);
    expect(await reasons(31, 'breaker')).toEqual([]);
    expect(await reasons(31, 'everyone')).toEqual(['fully-on', 'no-evaluations']);

    const report = await server.api(
      'GET',
      '/api/toggles/stale?owner=group:default/team-checkout',
      undefined,
      server.tokens.bob,
    );
    expect(report.status).toBe(200);
    expect(report.body.squads.map((s: { ownerRef: string }) => s.ownerRef)).toEqual(['group:default/team-checkout']);
    expect(report.body.squads[0].flags).toBe(5);

    const facts = await toggles.staleFlagFacts('component:default/checkout', at(8));
    expect(facts).toMatchObject({ entityRef: 'component:default/checkout', flags: 5, stale: 1, oldestStaleDays: 8 });
    expect(facts.staleFlags).toEqual([{ project: 'checkout', flag: 'ops-toggle', reasons: ['lifetime'] }]);
    const shop = await toggles.staleFlagFacts('System:default/shop', at(41));
    expect(shop).toMatchObject({ flags: 1, stale: 1 });
  });
});
