import { OFREPProvider } from '@openfeature/ofrep-provider';
import { OpenFeature } from '@openfeature/server-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTogglesServer, type TogglesServer } from './testing/toggles-server.js';

/**
 * Server-side evaluation: Unleash's frontend API, and OFREP through the published
 * `@openfeature/ofrep-provider` with `@openfeature/server-sdk`.
 */
describe('frontend API and OFREP', () => {
  let server: TogglesServer;
  let frontendToken: string;
  let clientToken: string;
  let otherToken: string;
  const flags = '/api/toggles/projects/checkout/flags';

  beforeAll(async () => {
    server = await startTogglesServer();
    const api = server.api;
    await api('POST', '/api/toggles/projects', { key: 'checkout', name: 'Checkout', entityRef: 'component:checkout' });
    await api('POST', '/api/toggles/projects', { key: 'shop', name: 'Shop', entityRef: 'system:shop' });
    const on = async (name: string, strategies: unknown[], variants?: unknown[]) => {
      await api('POST', flags, { name });
      await api('PUT', `${flags}/${name}/environments/production/strategies`, { strategies });
      if (variants) await api('PUT', `${flags}/${name}/environments/production/variants`, { variants });
      await api('POST', `${flags}/${name}/environments/production/on`);
    };
    await on('everyone', [{ name: 'default' }]);
    await on('swedes', [
      { name: 'default', constraints: [{ contextName: 'country', operator: 'IN', values: ['SE'] }] },
    ]);
    await on('half', [
      { name: 'flexibleRollout', parameters: { rollout: '50', stickiness: 'userId', groupId: 'half' } },
    ]);
    await on(
      'theme',
      [{ name: 'default' }],
      [
        { name: 'dark', weight: 500, stickiness: 'userId', payload: { type: 'json', value: '{"bg":"#000"}' } },
        { name: 'light', weight: 500, stickiness: 'userId', payload: { type: 'json', value: '{"bg":"#fff"}' } },
      ],
    );
    await on('limit', [{ name: 'default' }], [{ name: 'ten', weight: 1000, payload: { type: 'number', value: '10' } }]);
    await api('POST', flags, { name: 'dark-launch' });
    await api('POST', '/api/toggles/projects/shop/flags', { name: 'shop-only' });
    await api('PUT', '/api/toggles/projects/shop/flags/shop-only/environments/production/strategies', {
      strategies: [{ name: 'default' }],
    });
    await api('POST', '/api/toggles/projects/shop/flags/shop-only/environments/production/on');
    const token = async (project: string, type: string) =>
      (
        await api('POST', '/api/toggles/tokens', {
          name: `${project}-${type}`,
          type,
          project,
          environment: 'production',
        })
      ).body.token as string;
    frontendToken = await token('checkout', 'frontend');
    clientToken = await token('checkout', 'client');
    otherToken = await token('shop', 'frontend');
  });
  afterAll(async () => {
    await OpenFeature.close();
    await server?.close();
  });

  const frontend = async (query: string, token = frontendToken) => {
    const response = await fetch(`${server.baseUrl}/api/frontend${query}`, { headers: { authorization: token } });
    return { status: response.status, body: response.status === 200 ? await response.json() : undefined };
  };

  it('returns only the toggles that are on for the context, with variants', async () => {
    const se = await frontend('?userId=42&country=SE');
    const names = se.body.toggles.map((t: { name: string }) => t.name);
    expect(names).toContain('everyone');
    expect(names).toContain('swedes');
    expect(names).not.toContain('dark-launch');
    expect(names).not.toContain('shop-only');
    expect(se.body.toggles.find((t: { name: string }) => t.name === 'limit')).toEqual({
      name: 'limit',
      enabled: true,
      impressionData: false,
      variant: {
        name: 'ten',
        enabled: true,
        payload: { type: 'number', value: '10' },
        feature_enabled: true,
        featureEnabled: true,
      },
    });
    expect((await frontend('?userId=42&country=DK')).body.toggles.map((t: { name: string }) => t.name)).not.toContain(
      'swedes',
    );

    const post = await fetch(`${server.baseUrl}/api/frontend`, {
      method: 'POST',
      headers: { authorization: frontendToken, 'content-type': 'application/json' },
      body: JSON.stringify({ context: { userId: '42', properties: { country: 'SE' } } }),
    });
    expect((await post.json()).toggles.map((t: { name: string }) => t.name)).toContain('swedes');
  });

  it('splits users by rollout consistently', async () => {
    let onCount = 0;
    for (let i = 0; i < 200; i++) {
      const { body } = await frontend(`?userId=user-${i}`);
      if (body.toggles.some((t: { name: string }) => t.name === 'half')) onCount++;
    }
    expect(onCount).toBeGreaterThan(60);
    expect(onCount).toBeLessThan(140);
    const first = await frontend('?userId=user-7');
    const again = await frontend('?userId=user-7');
    expect(again.body).toEqual(first.body);
  });

  it('takes frontend tokens only and keeps them to their project', async () => {
    expect((await frontend('')).status).toBe(200);
    expect((await frontend('', clientToken)).status).toBe(403);
    expect((await frontend('', 'checkout:production.nope')).status).toBe(401);
    const shop = await frontend('', otherToken);
    expect(shop.body.toggles.map((t: { name: string }) => t.name)).toEqual(['shop-only']);
  });

  it('serves OpenFeature apps through the OFREP provider with reasons and variants', async () => {
    await OpenFeature.setProviderAndWait(
      'ofrep',
      new OFREPProvider({ baseUrl: server.baseUrl, headers: { Authorization: `Bearer ${clientToken}` } }),
    );
    const client = OpenFeature.getClient('ofrep');
    expect(await client.getBooleanDetails('everyone', false, { targetingKey: 'u1' })).toMatchObject({
      value: true,
      reason: 'STATIC',
      variant: 'on',
    });
    expect(await client.getBooleanDetails('swedes', false, { targetingKey: 'u1', country: 'SE' })).toMatchObject({
      value: true,
      reason: 'TARGETING_MATCH',
    });
    expect(await client.getBooleanDetails('swedes', true, { targetingKey: 'u1', country: 'DK' })).toMatchObject({
      value: false,
      reason: 'DEFAULT',
    });
    expect(await client.getBooleanDetails('dark-launch', true, { targetingKey: 'u1' })).toMatchObject({
      value: false,
      reason: 'DISABLED',
    });
    const theme = await client.getObjectDetails('theme', {}, { targetingKey: 'u1' });
    expect(['dark', 'light']).toContain(theme.variant);
    expect(theme.value).toEqual(theme.variant === 'dark' ? { bg: '#000' } : { bg: '#fff' });
    expect(theme.reason).toBe('SPLIT');
    expect(await client.getNumberValue('limit', 0, { targetingKey: 'u1' })).toBe(10);
    expect(await client.getBooleanDetails('no-such-flag', true, { targetingKey: 'u1' })).toMatchObject({
      value: true,
      errorCode: 'FLAG_NOT_FOUND',
    });
    expect(await client.getStringDetails('everyone', 'x', { targetingKey: 'u1' })).toMatchObject({
      value: 'x',
      errorCode: 'TYPE_MISMATCH',
    });
  });

  it('answers OFREP errors, bulk evaluation and ETags per the protocol', async () => {
    const post = (path: string, body: unknown, token = clientToken, headers: Record<string, string> = {}) =>
      fetch(`${server.baseUrl}/ofrep/v1/evaluate/flags${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      });
    const missing = await post('/nope', { context: {} });
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({
      key: 'nope',
      errorCode: 'FLAG_NOT_FOUND',
      errorDetails: expect.any(String),
    });
    const badContext = await post('/everyone', { context: { country: { nested: true } } });
    expect(badContext.status).toBe(400);
    expect(await badContext.json()).toMatchObject({
      errorCode: 'INVALID_CONTEXT',
      errorDetails: expect.stringContaining('country'),
    });
    const notJson = await post('/everyone', '{nope');
    expect(await notJson.json()).toMatchObject({ errorCode: 'PARSE_ERROR' });
    expect((await post('/everyone', {}, 'checkout:production.nope')).status).toBe(401);

    const bulk = await post('', { context: { targetingKey: 'u1', country: 'SE' } });
    expect(bulk.status).toBe(200);
    const { flags: results } = await bulk.json();
    expect(results.map((f: { key: string }) => f.key).sort()).toEqual([
      'dark-launch',
      'everyone',
      'half',
      'limit',
      'swedes',
      'theme',
    ]);
    const etag = bulk.headers.get('etag') ?? '';
    expect(
      (await post('', { context: { targetingKey: 'u1', country: 'SE' } }, clientToken, { 'if-none-match': etag }))
        .status,
    ).toBe(304);
    expect((await post('', { context: { targetingKey: 'u2' } }, clientToken, { 'if-none-match': etag })).status).toBe(
      200,
    );
  });
});
