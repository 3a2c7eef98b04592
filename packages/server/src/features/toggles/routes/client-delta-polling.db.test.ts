import { InMemStorageProvider, Unleash } from 'unleash-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { destroyUnleashClients } from '../testing/destroy-unleash-clients.js';
import { startTogglesServer, type TogglesServer } from '../testing/toggles-server.js';

/**
 * Unleash's delta polling at /api/client/delta: a hydration event first, then only
 * the events since the payload the client's ETag names, and 304 when it is current.
 * The published unleash-client in `experimentalMode: { type: 'polling', format:
 * 'delta' }` must follow flips and removals from those answers alone.
 */
describe('delta polling over /api/client/delta', () => {
  let server: TogglesServer;
  let token: string;
  const flags = (project: string) => `/api/toggles/projects/${project}/flags`;

  interface DeltaEvent {
    type: string;
    eventId: number;
    feature?: { name: string; enabled: boolean };
    featureName?: string;
    features?: { name: string }[];
  }

  async function poll(etag?: string, query = '') {
    const response = await fetch(`${server.baseUrl}/api/client/delta${query}`, {
      headers: { Authorization: token, ...(etag ? { 'If-None-Match': etag } : {}) },
    });
    const body = response.status === 200 ? ((await response.json()) as { events: DeltaEvent[] }) : undefined;
    return { status: response.status, etag: response.headers.get('etag') ?? '', events: body?.events ?? [] };
  }

  async function addFlag(project: string, name: string): Promise<void> {
    await server.api('POST', flags(project), { name });
    await server.api('PUT', `${flags(project)}/${name}/environments/production/strategies`, {
      strategies: [{ name: 'default' }],
    });
    await server.api('POST', `${flags(project)}/${name}/environments/production/on`);
  }

  beforeAll(async () => {
    server = await startTogglesServer();
    for (const key of ['checkout', 'search']) await server.api('POST', '/api/toggles/projects', { key, name: key });
    for (const name of ['new-cart', 'dark-mode']) await addFlag('checkout', name);
    await addFlag('search', 'fuzzy');
    token = await server.clientToken('checkout', 'delta-polling');
  });
  afterAll(async () => {
    await server?.close();
  });

  it('hydrates first, then answers with the changes since the ETag, and 304 when nothing changed', async () => {
    const first = await poll();
    expect(first.status).toBe(200);
    expect(first.events.map((e) => e.type)).toEqual(['hydration']);
    expect(first.events[0]?.features?.map((f) => f.name).sort()).toEqual(['dark-mode', 'new-cart']);
    expect(await poll(first.etag)).toMatchObject({ status: 304, etag: first.etag });

    await server.api('POST', `${flags('checkout')}/new-cart/kill`, { reason: 'delta polling test' });
    const killed = await poll(first.etag);
    expect(killed.status).toBe(200);
    expect(killed.events).toEqual([expect.objectContaining({ type: 'feature-updated' })]);
    expect(killed.events[0]?.feature).toMatchObject({ name: 'new-cart', enabled: false });
    expect(killed.etag).not.toBe(first.etag);

    // A change in another project moves the revision but nothing in this scope.
    await server.api('POST', `${flags('search')}/fuzzy/kill`, { reason: 'elsewhere' });
    const elsewhere = await poll(killed.etag);
    expect(elsewhere).toMatchObject({ status: 200, events: [] });
    expect(await poll(elsewhere.etag)).toMatchObject({ status: 304 });

    await server.api('POST', `${flags('checkout')}/dark-mode/archive`);
    const removed = await poll(elsewhere.etag);
    expect(removed.events).toEqual([expect.objectContaining({ type: 'feature-removed', featureName: 'dark-mode' })]);

    // An ETag this server did not hand out (another scope's, or made up) is hydrated again.
    expect((await poll('"00000000:1:delta"')).events.map((e) => e.type)).toEqual(['hydration']);
    expect((await poll(removed.etag.replace(/"[0-9a-f]+:/, '"ffffffff:'))).events.map((e) => e.type)).toEqual([
      'hydration',
    ]);
    const narrowed = await poll(undefined, '?namePrefix=dark');
    expect(narrowed.events[0]?.features).toEqual([]);
  });

  it('keeps the published unleash-client in delta polling mode current', async () => {
    await addFlag('checkout', 'gift-cards');
    const unleash = new Unleash({
      url: `${server.baseUrl}/api/`,
      appName: 'delta-polling-test',
      customHeaders: { Authorization: token },
      refreshInterval: 100,
      metricsInterval: 0,
      storageProvider: new InMemStorageProvider(),
      skipInstanceCountWarning: true,
      experimentalMode: { type: 'polling', format: 'delta' },
    });
    unleash.on('error', () => undefined);
    unleash.on('warn', () => undefined);
    const seen = async (check: () => boolean) => {
      const deadline = Date.now() + 10_000;
      while (!check()) {
        if (Date.now() > deadline) throw new Error('unleash-client did not see the change');
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    };
    try {
      await seen(() => unleash.isEnabled('gift-cards'));
      expect(unleash.isEnabled('new-cart')).toBe(false);
      await server.api('POST', `${flags('checkout')}/gift-cards/kill`, { reason: 'delta polling test' });
      await seen(() => !unleash.isEnabled('gift-cards'));
      await addFlag('checkout', 'wishlist');
      await seen(() => unleash.isEnabled('wishlist'));
      await server.api('POST', `${flags('checkout')}/wishlist/archive`);
      await seen(() => unleash.getFeatureToggleDefinition('wishlist') === undefined);
    } finally {
      await destroyUnleashClients([unleash]);
    }
  });
});
