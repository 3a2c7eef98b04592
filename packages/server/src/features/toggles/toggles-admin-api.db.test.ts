import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTogglesServer, type TogglesServer } from './testing/toggles-server.js';

describe('toggles admin API', () => {
  let server: TogglesServer;
  const flagPath = '/api/toggles/projects/checkout/flags';

  beforeAll(async () => {
    server = await startTogglesServer();
  });
  afterAll(async () => {
    await server?.close();
  });

  it('seeds development, staging and production, and admins add custom environments', async () => {
    const { body } = await server.api('GET', '/api/toggles/environments');
    expect(body.items.map((e: { key: string }) => e.key)).toEqual(['development', 'staging', 'production']);
    expect(body.items.find((e: { key: string }) => e.key === 'production').production).toBe(true);
    expect(
      (await server.api('POST', '/api/toggles/environments', { key: 'qa', name: 'QA' }, server.tokens.jane)).status,
    ).toBe(403);
    const created = await server.api('POST', '/api/toggles/environments', { key: 'qa', name: 'QA' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ key: 'qa', production: false });
  });

  it('creates a project linked to a catalog component, taking its owner', async () => {
    const missing = await server.api('POST', '/api/toggles/projects', {
      key: 'x',
      name: 'X',
      entityRef: 'component:nope',
    });
    expect(missing.status).toBe(400);
    expect(missing.body.errors[0].field).toBe('entityRef');
    // bob is not in team-checkout, which owns the component.
    const denied = await server.api(
      'POST',
      '/api/toggles/projects',
      { key: 'checkout', name: 'Checkout', entityRef: 'component:checkout' },
      server.tokens.bob,
    );
    expect(denied.status).toBe(403);
    const { status, body } = await server.api(
      'POST',
      '/api/toggles/projects',
      { key: 'checkout', name: 'Checkout', entityRef: 'component:checkout' },
      server.tokens.jane,
    );
    expect(status).toBe(201);
    expect(body).toMatchObject({ entityRef: 'component:default/checkout', ownerRef: 'group:default/team-checkout' });
    expect((await server.api('POST', '/api/toggles/projects', { key: 'checkout', name: 'Again' })).status).toBe(409);
    const bad = await server.api('POST', '/api/toggles/projects', { key: 'Bad Key', name: 'x' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toBe('key');
  });

  it('lets owners create flags and refuses others', async () => {
    const created = await server.api(
      'POST',
      flagPath,
      { name: 'new-cart', type: 'release', description: 'The new cart' },
      server.tokens.jane,
    );
    expect(created.status).toBe(201);
    expect(created.body.environments.production).toMatchObject({ enabled: false, strategies: [] });
    expect((await server.api('POST', flagPath, { name: 'bobs-flag' }, server.tokens.bob)).status).toBe(403);
    expect((await server.api('POST', flagPath, { name: 'new-cart' })).status).toBe(409);
    expect((await server.api('POST', flagPath, { name: 'x', type: 'forever' })).body.errors[0].field).toBe('type');
    const list = await server.api('GET', flagPath, undefined, server.tokens.bob);
    expect(list.body.items.map((f: { name: string }) => f.name)).toEqual(['new-cart']);
  });

  it('rejects an invalid strategy or constraint with the exact field path and changes nothing', async () => {
    const path = `${flagPath}/new-cart/environments/production/strategies`;
    const badOperator = await server.api('PUT', path, {
      strategies: [
        {
          name: 'flexibleRollout',
          parameters: { rollout: '25', stickiness: 'default', groupId: 'new-cart' },
          constraints: [
            { contextName: 'appName', operator: 'IN', values: ['shop'] },
            { contextName: 'country', operator: 'LIKE', values: ['se'] },
          ],
        },
      ],
    });
    expect(badOperator.status).toBe(400);
    expect(badOperator.body.errors).toEqual([
      expect.objectContaining({ field: 'strategies[0].constraints[1].operator' }),
    ]);

    const badRollout = await server.api('PUT', path, {
      strategies: [{ name: 'default' }, { name: 'flexibleRollout', parameters: { rollout: '120' } }],
    });
    expect(badRollout.body.errors[0].field).toBe('strategies[1].parameters.rollout');
    const badSemver = await server.api('PUT', path, {
      strategies: [
        { name: 'default', constraints: [{ contextName: 'version', operator: 'SEMVER_GT', value: 'v1.2' }] },
      ],
    });
    expect(badSemver.body.errors[0].field).toBe('strategies[0].constraints[0].value');
    const badShape = await server.api('PUT', path, {
      strategies: [{ name: 'default', constraints: [{ operator: 'IN' }] }],
    });
    expect(badShape.status).toBe(400);
    expect(badShape.body.errors[0].field).toBe('strategies[0].constraints[0].contextName');
    const missingSegment = await server.api('PUT', path, { strategies: [{ name: 'default', segments: [99] }] });
    expect(missingSegment.body.errors[0].field).toBe('strategies[0].segments[0]');

    const flag = await server.api('GET', `${flagPath}/new-cart`);
    expect(flag.body.environments.production.strategies).toEqual([]);
  });

  it('stores strategies, variants and the switch per environment, bumping the revision', async () => {
    const revision = async () =>
      Number(
        (await sql<{ revision: number }>`select revision from toggles_revision`.execute(server.backbeat.database.db))
          .rows[0]?.revision,
      );
    const before = await revision();
    const segment = await server.api('POST', '/api/toggles/projects/checkout/segments', {
      name: 'beta-testers',
      constraints: [{ contextName: 'email', operator: 'STR_ENDS_WITH', values: ['@example.com'] }],
    });
    expect(segment.status).toBe(201);
    const env = `${flagPath}/new-cart/environments/staging`;
    const strategies = await server.api(
      'PUT',
      `${env}/strategies`,
      {
        strategies: [
          {
            name: 'flexibleRollout',
            parameters: { rollout: 25, stickiness: 'userId', groupId: 'new-cart' },
            constraints: [{ contextName: 'appName', operator: 'IN', values: ['shop'] }],
            segments: [segment.body.id],
          },
        ],
      },
      server.tokens.jane,
    );
    expect(strategies.status).toBe(200);
    expect(strategies.body.environments.staging.strategies[0]).toMatchObject({
      id: expect.any(String),
      parameters: { rollout: '25', stickiness: 'userId' },
    });
    const variants = await server.api('PUT', `${env}/variants`, {
      variants: [
        { name: 'blue', weight: 0, weightType: 'variable', payload: { type: 'json', value: '{"color":"blue"}' } },
        { name: 'green', weight: 0, weightType: 'variable' },
        { name: 'red', weight: 100, weightType: 'fix' },
      ],
    });
    expect(variants.body.environments.staging.variants.map((v: { weight: number }) => v.weight)).toEqual([
      450, 450, 100,
    ]);
    const badPayload = await server.api('PUT', `${env}/variants`, {
      variants: [{ name: 'x', weight: 1000, payload: { type: 'json', value: '{nope' } }],
    });
    expect(badPayload.body.errors[0].field).toBe('variants[0].payload.value');
    const on = await server.api('POST', `${env}/on`, undefined, server.tokens.jane);
    expect(on.body.environments.staging.enabled).toBe(true);
    expect(on.body.environments.production.enabled).toBe(false);
    expect(await revision()).toBe(before + 4);

    const rollout = await server.api('POST', `${env}/rollout`, { percent: 50 });
    expect(rollout.body.environments.staging.strategies[0].parameters.rollout).toBe('50');
    const added = await server.api('POST', `${flagPath}/new-cart/environments/development/rollout`, { percent: 5 });
    expect(added.body.environments.development.strategies).toEqual([
      expect.objectContaining({
        name: 'flexibleRollout',
        parameters: { rollout: '5', stickiness: 'default', groupId: 'new-cart' },
      }),
    ]);
    expect((await server.api('POST', `${env}/off`, undefined, server.tokens.bob)).status).toBe(403);
  });

  it('kills a flag everywhere with a reason, recorded in its history with before and after', async () => {
    await server.api('POST', `${flagPath}/new-cart/environments/production/on`);
    const noReason = await server.api('POST', `${flagPath}/new-cart/kill`, {});
    expect(noReason.status).toBe(400);
    expect(noReason.body.errors[0].field).toBe('reason');
    const killed = await server.api(
      'POST',
      `${flagPath}/new-cart/kill`,
      { reason: 'checkout errors spiking' },
      server.tokens.jane,
    );
    expect(killed.status).toBe(200);
    for (const env of Object.values(killed.body.environments) as { enabled: boolean }[])
      expect(env.enabled).toBe(false);
    // Strategies survive a kill, so switching back on restores the rollout.
    expect(killed.body.environments.staging.strategies[0].parameters.rollout).toBe('50');

    const history = await server.api('GET', `${flagPath}/new-cart/history`, undefined, server.tokens.bob);
    expect(history.status).toBe(200);
    const [latest] = history.body.items;
    expect(latest).toMatchObject({
      type: 'toggle.updated',
      subject: 'toggle:checkout/new-cart',
      actor: { userRef: 'user:default/jane' },
      data: {
        action: 'killed',
        reason: 'checkout errors spiking',
        environments: ['development', 'staging', 'production', 'qa'],
      },
    });
    expect(latest.before.environments.production.enabled).toBe(true);
    expect(latest.after.environments.production.enabled).toBe(false);
    expect(history.body.items.map((e: { data: { action: string } }) => e.data.action)).toContain('created');

    await server.api('POST', `${flagPath}/new-cart/environments/staging/on`);
    const one = await server.api('POST', `${flagPath}/new-cart/kill`, {
      reason: 'staging only',
      environment: 'staging',
    });
    expect(one.body.environments.staging.enabled).toBe(false);
  });

  it('creates tokens shown once and stored only as a hash', async () => {
    const created = await server.api(
      'POST',
      '/api/toggles/tokens',
      { name: 'checkout-backend', type: 'client', project: 'checkout', environment: 'production' },
      server.tokens.jane,
    );
    expect(created.status).toBe(201);
    expect(created.body.token).toMatch(/^checkout:production\.[0-9A-Za-z]{40}$/);
    expect(created.body.info.displayPrefix).toBe(created.body.token.slice(0, 'checkout:production.'.length + 4));
    const rows = await sql<Record<string, string>>`select * from toggles_tokens`.execute(server.backbeat.database.db);
    expect(JSON.stringify(rows.rows)).not.toContain(created.body.token);
    const listed = await server.api('GET', '/api/toggles/tokens?project=checkout', undefined, server.tokens.jane);
    expect(JSON.stringify(listed.body)).not.toContain(created.body.token);
    expect(listed.body.items).toHaveLength(1);
    expect(
      (
        await server.api(
          'POST',
          '/api/toggles/tokens',
          { name: 'all', project: '*', environment: 'production' },
          server.tokens.jane,
        )
      ).status,
    ).toBe(403);
    expect(
      (
        await server.api(
          'POST',
          '/api/toggles/tokens',
          { name: 'b', project: 'checkout', environment: 'production' },
          server.tokens.bob,
        )
      ).status,
    ).toBe(403);
    const revoked = await server.api(
      'DELETE',
      `/api/toggles/tokens/${created.body.info.id}`,
      undefined,
      server.tokens.jane,
    );
    expect(revoked.body.revokedAt).toEqual(expect.any(String));
  });

  it('archives, revives and deletes flags; emits toggle.updated events', async () => {
    await server.api('POST', flagPath, { name: 'old-banner' });
    expect((await server.api('DELETE', `${flagPath}/old-banner`)).status).toBe(409);
    await server.api('POST', `${flagPath}/old-banner/archive`);
    expect((await server.api('GET', flagPath)).body.items.map((f: { name: string }) => f.name)).not.toContain(
      'old-banner',
    );
    expect(
      (await server.api('GET', `${flagPath}?archived=true`)).body.items.map((f: { name: string }) => f.name),
    ).toContain('old-banner');
    expect((await server.api('DELETE', `${flagPath}/old-banner`)).status).toBe(204);
    expect((await server.api('GET', `${flagPath}/old-banner`)).status).toBe(404);
    const history = await server.api('GET', `${flagPath}/old-banner/history`);
    expect(
      history.body.items.map((e: { type: string; data: { action: string } }) => `${e.type}:${e.data.action}`),
    ).toEqual(['toggle.updated:deleted', 'toggle.updated:archived', 'toggle.updated:created']);
  });

  it('deletes an empty project and revokes its tokens', async () => {
    await server.api('POST', '/api/toggles/projects', { key: 'short-lived', name: 'Short' });
    const token = await server.api('POST', '/api/toggles/tokens', {
      name: 't',
      project: 'short-lived',
      environment: 'staging',
    });
    const features = () =>
      fetch(`${server.baseUrl}/api/client/features`, { headers: { authorization: token.body.token } });
    expect((await features()).status).toBe(200);
    await server.api('POST', '/api/toggles/projects/short-lived/flags', { name: 'f' });
    expect((await server.api('DELETE', '/api/toggles/projects/short-lived')).status).toBe(409);
    await server.api('POST', '/api/toggles/projects/short-lived/flags/f/archive');
    await server.api('DELETE', '/api/toggles/projects/short-lived/flags/f');
    expect((await server.api('DELETE', '/api/toggles/projects/short-lived', undefined, server.tokens.bob)).status).toBe(
      403,
    );
    expect((await server.api('DELETE', '/api/toggles/projects/short-lived')).status).toBe(204);
    expect((await server.api('GET', '/api/toggles/projects/short-lived')).status).toBe(404);
    expect((await features()).status).toBe(401);
  });

  it('requires sign-in for reads and writes', async () => {
    const response = await fetch(`${server.baseUrl}/api/toggles/projects`);
    expect(response.status).toBe(401);
    const write = await fetch(`${server.baseUrl}${flagPath}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'anon' }),
    });
    expect(write.status).toBe(401);
  });

  it('documents the admin and client API in OpenAPI', async () => {
    const { body } = await server.api('GET', '/api/openapi.json');
    for (const path of [
      '/api/toggles/projects',
      '/api/toggles/projects/{key}/flags/{name}/environments/{env}/strategies',
      '/api/toggles/projects/{key}/flags/{name}/kill',
      '/api/toggles/projects/{key}/flags/{name}/history',
      '/api/toggles/projects/{key}/environments/{env}/import',
      '/api/toggles/tokens',
      '/api/client/features',
      '/api/client/streaming',
    ]) {
      expect(body.paths[path], path).toBeDefined();
    }
    expect(body.components.schemas.ToggleFlag).toBeDefined();
  });
});
