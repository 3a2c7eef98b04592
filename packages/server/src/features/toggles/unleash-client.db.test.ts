import { once } from 'node:events';
import { InMemStorageProvider, Unleash, type UnleashConfig } from 'unleash-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { destroyUnleashClients } from './testing/destroy-unleash-clients.js';
import { startTogglesServer, type TogglesServer } from './testing/toggles-server.js';

/** Server-Sent Events of a response, one `{ event, data, id }` at a time (comments skipped). */
async function* readEvents(response: Response): AsyncGenerator<{ event: string; data: string; id: string }> {
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  for (;;) {
    let end = buffer.indexOf('\n\n');
    while (end < 0) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += decoder.decode(value, { stream: true });
      end = buffer.indexOf('\n\n');
    }
    const block = buffer.slice(0, end);
    buffer = buffer.slice(end + 2);
    const fields: Record<string, string> = {};
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const name = line.slice(0, colon);
      fields[name] = (fields[name] ? `${fields[name]}\n` : '') + line.slice(colon + 1).replace(/^ /, '');
    }
    if (fields.event || fields.data)
      yield { event: fields.event ?? 'message', data: fields.data ?? '', id: fields.id ?? '' };
  }
}

/** Resolves when `emitter` emits `event` with a value `accept` likes. */
function waitFor<T>(emitter: Unleash, event: string, accept: (value: T) => boolean = () => true): Promise<T> {
  return new Promise((resolve) => {
    const listener = (value: T) => {
      if (!accept(value)) return;
      emitter.off(event, listener);
      resolve(value);
    };
    emitter.on(event, listener);
  });
}

/**
 * The published `unleash-client` Node SDK, unmodified, against a running Backbeat:
 * what a service already using Unleash sees after changing only its URL and token.
 */
describe('unleash-client against Backbeat', () => {
  let server: TogglesServer;
  let checkoutToken: string;
  let shopToken: string;
  let frontendToken: string;
  const clients: Unleash[] = [];

  function start(token: string, extra: Partial<UnleashConfig> = {}): Unleash {
    const client = new Unleash({
      url: `${server.baseUrl}/api/`,
      appName: 'checkout-web',
      instanceId: `test-${clients.length}`,
      customHeaders: { Authorization: token },
      refreshInterval: 100,
      metricsInterval: 0,
      storageProvider: new InMemStorageProvider(),
      skipInstanceCountWarning: true,
      ...extra,
    });
    client.on('error', () => undefined);
    client.on('warn', () => undefined);
    clients.push(client);
    return client;
  }

  beforeAll(async () => {
    server = await startTogglesServer();
    const api = server.api;
    await api('POST', '/api/toggles/projects', { key: 'checkout', name: 'Checkout', entityRef: 'component:checkout' });
    await api('POST', '/api/toggles/projects', { key: 'shop', name: 'Shop', entityRef: 'system:shop' });
    const flags = '/api/toggles/projects/checkout/flags';
    await api('POST', flags, { name: 'new-cart' });
    await api('PUT', `${flags}/new-cart/environments/production/strategies`, {
      strategies: [
        {
          name: 'flexibleRollout',
          parameters: { rollout: '100', stickiness: 'userId', groupId: 'new-cart' },
          constraints: [{ contextName: 'country', operator: 'IN', values: ['SE', 'NO'] }],
        },
      ],
    });
    await api('POST', `${flags}/new-cart/environments/production/on`);
    await api('POST', flags, { name: 'button-color', type: 'experiment' });
    await api('PUT', `${flags}/button-color/environments/production/strategies`, { strategies: [{ name: 'default' }] });
    await api('PUT', `${flags}/button-color/environments/production/variants`, {
      variants: [{ name: 'blue', weight: 1000, stickiness: 'default', payload: { type: 'string', value: '#00f' } }],
    });
    await api('POST', `${flags}/button-color/environments/production/on`);
    await api('POST', flags, { name: 'staging-only' });
    await api('PUT', `${flags}/staging-only/environments/staging/strategies`, { strategies: [{ name: 'default' }] });
    await api('POST', `${flags}/staging-only/environments/staging/on`);
    await api('POST', '/api/toggles/projects/shop/flags', { name: 'shop-secret' });
    await api('PUT', '/api/toggles/projects/shop/flags/shop-secret/environments/production/strategies', {
      strategies: [{ name: 'default' }],
    });
    await api('POST', '/api/toggles/projects/shop/flags/shop-secret/environments/production/on');
    const token = async (project: string, type = 'client') =>
      (
        await api('POST', '/api/toggles/tokens', {
          name: `${project}-${type}`,
          type,
          project,
          environment: 'production',
        })
      ).body.token as string;
    checkoutToken = await token('checkout');
    shopToken = await token('shop');
    frontendToken = await token('checkout', 'frontend');
  });

  afterAll(async () => {
    await destroyUnleashClients(clients);
    await server?.close();
  });

  it('synchronizes and evaluates flags, constraints and variants', async () => {
    const client = start(checkoutToken);
    await once(client, 'synchronized');
    expect(client.isEnabled('new-cart', { userId: '42', properties: { country: 'SE' } })).toBe(true);
    expect(client.isEnabled('new-cart', { userId: '42', properties: { country: 'DK' } })).toBe(false);
    expect(client.isEnabled('staging-only', {})).toBe(false);
    expect(client.getVariant('button-color', { userId: '7' })).toMatchObject({
      name: 'blue',
      enabled: true,
      payload: { type: 'string', value: '#00f' },
    });
    // Only the token's project: shop's flag is unknown to this client.
    expect(client.getFeatureToggleDefinition('shop-secret')).toBeUndefined();
    expect(
      client
        .getFeatureToggleDefinitions()
        .map((f) => f.name)
        .sort(),
    ).toEqual(['button-color', 'new-cart', 'staging-only']);
  });

  it('picks up a change: the kill switch turns a flag off', async () => {
    const client = start(checkoutToken);
    await once(client, 'synchronized');
    expect(client.isEnabled('button-color')).toBe(true);
    const changed = waitFor(client, 'changed', () => client.isEnabled('button-color') === false);
    const kill = await server.api('POST', '/api/toggles/projects/checkout/flags/button-color/kill', { reason: 'test' });
    expect(kill.status).toBe(200);
    await changed;
    expect(client.isEnabled('button-color')).toBe(false);
    await server.api('POST', '/api/toggles/projects/checkout/flags/button-color/environments/production/on');
  });

  it('streams the payload and every change over Server-Sent Events', async () => {
    const client = start(checkoutToken, { refreshInterval: 0, experimentalMode: { type: 'streaming' } });
    await once(client, 'synchronized');
    expect(client.isEnabled('new-cart', { userId: '1', properties: { country: 'NO' } })).toBe(true);
    const changed = waitFor(
      client,
      'changed',
      () => !client.isEnabled('new-cart', { userId: '1', properties: { country: 'NO' } }),
    );
    await server.api('POST', '/api/toggles/projects/checkout/flags/new-cart/environments/production/off');
    await changed;
    await server.api('POST', '/api/toggles/projects/checkout/flags/new-cart/environments/production/on');
  });

  it('sends each stream only the changes of its own scope, and a stream left open does not hold shutdown', async () => {
    // Left open on purpose: closing the server must end it.
    const response = await fetch(`${server.baseUrl}/api/client/streaming`, {
      headers: { authorization: checkoutToken },
    });
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const events = readEvents(response);
    const connected = await events.next();
    expect(connected.value).toMatchObject({ event: 'unleash-connected' });
    expect(JSON.parse(connected.value?.data ?? '{}').features.map((f: { name: string }) => f.name)).toContain(
      'new-cart',
    );

    await server.api('PATCH', '/api/toggles/projects/shop/flags/shop-secret', {
      description: 'not for checkout streams',
    });
    await server.api('PATCH', '/api/toggles/projects/checkout/flags/staging-only', { description: 'streamed' });
    const updated = await events.next();
    expect(updated.value?.event).toBe('unleash-updated');
    // A delta, as Unleash streams: only the flag that changed in this scope.
    const delta = JSON.parse(updated.value?.data ?? '{}');
    expect(delta.events).toEqual([
      expect.objectContaining({ type: 'feature-updated', feature: expect.objectContaining({ name: 'staging-only' }) }),
    ]);
    expect(delta.events[0].feature.description).toBe('streamed');
    expect(Number(updated.value?.id)).toBe(delta.events[0].eventId);
  });

  it('sends register and metrics, which Backbeat keeps per flag, environment, app and hour', async () => {
    const client = start(checkoutToken, { appName: 'metrics-app', metricsInterval: 60_000 });
    await once(client, 'synchronized');
    for (let i = 0; i < 5; i++) client.isEnabled('new-cart', { userId: String(i), properties: { country: 'SE' } });
    for (let i = 0; i < 3; i++) client.isEnabled('new-cart', { userId: String(i), properties: { country: 'DK' } });
    client.getVariant('button-color', { userId: '1' });
    client.getVariant('button-color', { userId: '2' });
    await client.flushMetrics();

    const metrics = await server.api('GET', '/api/toggles/projects/checkout/metrics?environment=production');
    const rows = metrics.body.items.filter((r: { appName: string }) => r.appName === 'metrics-app');
    expect(rows.find((r: { flag: string }) => r.flag === 'new-cart')).toMatchObject({
      yes: 5,
      no: 3,
      environment: 'production',
    });
    expect(rows.find((r: { flag: string }) => r.flag === 'button-color')).toMatchObject({
      yes: 2,
      variants: { blue: 2 },
    });
    expect(rows[0].hour).toMatch(/T\d\d:00:00\.000Z$/);

    const apps = await server.api('GET', '/api/toggles/projects/checkout/applications');
    expect(apps.body.items).toContainEqual(
      expect.objectContaining({
        appName: 'metrics-app',
        environment: 'production',
        sdkVersion: expect.stringMatching(/^unleash-node-sdk:/),
      }),
    );
  });

  it('keeps each token to its project and environment', async () => {
    const shop = start(shopToken);
    await once(shop, 'synchronized');
    expect(shop.isEnabled('shop-secret')).toBe(true);
    expect(shop.isEnabled('button-color')).toBe(false);
    expect(shop.getFeatureToggleDefinitions().map((f) => f.name)).toEqual(['shop-secret']);

    const get = (path: string, token?: string, headers: Record<string, string> = {}) =>
      fetch(`${server.baseUrl}${path}`, { headers: { ...(token ? { authorization: token } : {}), ...headers } });
    expect((await get('/api/client/features')).status).toBe(401);
    expect((await get('/api/client/features', 'checkout:production.not-a-real-secret')).status).toBe(401);
    expect((await get('/api/client/features', frontendToken)).status).toBe(403);
    expect((await get('/api/client/features?project=shop', checkoutToken)).status).toBe(403);
    expect((await get('/api/client/features/shop-secret', checkoutToken)).status).toBe(404);
    expect((await get('/api/client/streaming', frontendToken)).status).toBe(403);
  });

  it('answers 304 to a matching If-None-Match and a new ETag after a change', async () => {
    const first = await fetch(`${server.baseUrl}/api/client/features`, {
      headers: { authorization: checkoutToken, 'unleash-client-spec': '5.2.0' },
    });
    const etag = first.headers.get('etag') ?? '';
    expect(etag).toMatch(/^"[0-9a-f]{8}:\d+:v1"$/);
    const payload = await first.json();
    expect(payload).toMatchObject({ version: 2, query: { environment: 'production', project: ['checkout'] } });
    const again = await fetch(`${server.baseUrl}/api/client/features`, {
      headers: { authorization: checkoutToken, 'unleash-client-spec': '5.2.0', 'if-none-match': etag },
    });
    expect(again.status).toBe(304);
    const weak = await fetch(`${server.baseUrl}/api/client/features`, {
      headers: { authorization: checkoutToken, 'unleash-client-spec': '5.2.0', 'if-none-match': `"other", W/${etag}` },
    });
    expect(weak.status).toBe(304);
    await server.api('PATCH', '/api/toggles/projects/checkout/flags/new-cart', { description: 'changed' });
    const after = await fetch(`${server.baseUrl}/api/client/features`, {
      headers: { authorization: checkoutToken, 'unleash-client-spec': '5.2.0', 'if-none-match': etag },
    });
    expect(after.status).toBe(200);
    expect(after.headers.get('etag')).not.toBe(etag);
  });

  it('inlines segment constraints for SDKs older than client spec 4.2.0', async () => {
    const segment = await server.api('POST', '/api/toggles/projects/checkout/segments', {
      name: 'nordics',
      constraints: [{ contextName: 'country', operator: 'IN', values: ['SE', 'NO', 'DK'] }],
    });
    await server.api('PUT', '/api/toggles/projects/checkout/flags/staging-only/environments/production/strategies', {
      strategies: [{ name: 'default', segments: [segment.body.id] }],
    });
    const modern = await (
      await fetch(`${server.baseUrl}/api/client/features`, {
        headers: { authorization: checkoutToken, 'unleash-client-spec': '5.2.0' },
      })
    ).json();
    expect(modern.segments).toEqual([{ id: segment.body.id, name: 'nordics', constraints: expect.any(Array) }]);
    const old = await (
      await fetch(`${server.baseUrl}/api/client/features`, { headers: { authorization: checkoutToken } })
    ).json();
    expect(old.segments).toBeUndefined();
    const strategy = old.features.find((f: { name: string }) => f.name === 'staging-only').strategies[0];
    expect(strategy.constraints).toEqual([
      expect.objectContaining({ contextName: 'country', values: ['SE', 'NO', 'DK'] }),
    ]);
  });
});
