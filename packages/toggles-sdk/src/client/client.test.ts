import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ClientFeaturesResponse } from '../evaluator/types.js';
import { createTogglesClient, type TogglesClient } from './client.js';
import { fileStorage } from './file-storage.js';
import type { MetricsPayload } from './metrics.js';
import { memoryStorage } from './storage.js';
import { type FakeServer, startFakeServer, TOKEN } from './testing/fake-server.js';

const flags = (on: boolean, revisionId = 1): ClientFeaturesResponse => ({
  version: 2,
  features: [
    {
      name: 'checkout',
      enabled: on,
      strategies: [{ name: 'default', constraints: [{ contextName: 'appName', operator: 'IN', values: ['shop'] }] }],
      variants: [{ name: 'blue', weight: 1000 }],
    },
  ],
  meta: { revisionId },
});

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (check()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

function track(client: TogglesClient): TogglesClient {
  cleanup.push(() => client.close());
  return client;
}

async function fakeServer(payload = flags(true), etag = '"e1"'): Promise<FakeServer> {
  const server = await startFakeServer(payload, etag);
  cleanup.push(() => server.close());
  return server;
}

describe('createTogglesClient', () => {
  it('fetches with the token, then keeps its copy on 304 and takes a new one on 200', async () => {
    const server = await fakeServer();
    const client = track(
      createTogglesClient({ url: server.url, token: TOKEN, appName: 'shop', stream: false, storage: false }),
    );
    await client.ready(5000);
    expect(client.isEnabled('checkout')).toBe(true);
    const first = client.features;
    const changes: unknown[] = [];
    client.on('changed', (change) => changes.push(change));

    expect(await client.refresh()).toBe(true);
    const conditional = server.requests.filter((r) => r.path === '/api/client/features');
    expect(conditional.at(-1)?.headers['if-none-match']).toBe('"e1"');
    expect(client.features).toBe(first);
    expect(changes).toEqual([]);

    server.setFeatures(flags(false, 2), '"e2"');
    await client.refresh();
    expect(client.isEnabled('checkout')).toBe(false);
    expect(changes).toEqual([{ source: 'server', revisionId: 2 }]);
    expect(server.requests[0]?.headers['unleash-appname']).toBe('shop');
  });

  it('applies updates from the stream and stops polling while it is up', async () => {
    const server = await fakeServer();
    const client = track(
      createTogglesClient({ url: server.url, token: TOKEN, appName: 'shop', storage: false, refreshIntervalMs: 20 }),
    );
    await client.ready(5000);
    await until(() => client.streaming, 'the stream');
    const stream = server.requests.find((r) => r.path === '/api/client/streaming');
    expect(stream?.headers.authorization).toBe(TOKEN);
    expect(stream?.headers.accept).toBe('text/event-stream');

    const polls = () => server.requests.filter((r) => r.path === '/api/client/features').length;
    // Let a poll that was already under way when the stream came up land first.
    await new Promise((resolve) => setTimeout(resolve, 50));
    const pollsWhileStreaming = polls();
    server.push('unleash-updated', flags(false, 7), '7');
    await until(() => client.features?.revisionId === 7, 'the streamed update');
    expect(client.isEnabled('checkout')).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(polls()).toBe(pollsWhileStreaming);
  });

  it('reconnects after the stream drops, with Last-Event-ID, and polls meanwhile', async () => {
    const server = await fakeServer();
    const client = track(
      createTogglesClient({ url: server.url, token: TOKEN, appName: 'shop', storage: false, refreshIntervalMs: 20 }),
    );
    await until(() => client.streaming, 'the stream');
    server.push('unleash-updated', flags(true, 5), '5');
    await until(() => client.features?.revisionId === 5, 'the update');

    // Drop the stream and refuse new ones: the change must arrive by polling.
    server.streamStatus = 503;
    server.setFeatures(flags(false, 6), '"e6"');
    server.endStreams();
    await until(() => client.features?.revisionId === 6, 'the polled change');
    expect(client.isEnabled('checkout')).toBe(false);

    server.streamStatus = 200;
    await until(() => client.streaming, 'the reconnected stream');
    const reconnects = server.requests.filter((r) => r.path === '/api/client/streaming');
    expect(reconnects.at(-1)?.headers['last-event-id']).toBe('5');
  });

  it('reopens a stream that has gone silent', async () => {
    const server = await fakeServer();
    const client = track(
      createTogglesClient({ url: server.url, token: TOKEN, appName: 'shop', storage: false, streamIdleTimeoutMs: 150 }),
    );
    const errors: Error[] = [];
    client.on('error', (error) => errors.push(error));
    const streams = () => server.requests.filter((r) => r.path === '/api/client/streaming').length;
    await until(() => streams() >= 2, 'a second stream');
    expect(errors.some((e) => /nothing received for 150 ms/.test(e.message))).toBe(true);
  });

  it('starts from the last known good copy on disk when the server is gone', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'toggles-client-'));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, 'flags.json');
    const server = await fakeServer(flags(true, 3), '"e3"');
    const first = createTogglesClient({
      url: server.url,
      token: TOKEN,
      appName: 'shop',
      stream: false,
      storage: fileStorage(file),
    });
    await first.ready(5000);
    await until(() => first.features !== undefined, 'flags');
    await until(() => existsSync(file), 'the saved copy');
    await first.close();
    await server.close();

    const errors: Error[] = [];
    const second = createTogglesClient({
      url: server.url,
      token: TOKEN,
      appName: 'shop',
      stream: false,
      storage: fileStorage(file),
      timeoutMs: 2000,
    });
    track(second);
    let source: string | undefined;
    second.on('ready', (event) => {
      source = event.source;
    });
    second.on('error', (error) => errors.push(error));
    await second.ready(5000);
    expect(source).toBe('storage');
    expect(second.isEnabled('checkout')).toBe(true);
    expect(second.features?.revisionId).toBe(3);
    expect(errors.length).toBeGreaterThan(0);
  });

  it('sends metrics and registration in the Unleash format', async () => {
    const server = await fakeServer();
    const client = createTogglesClient({
      url: server.url,
      token: TOKEN,
      appName: 'shop',
      instanceId: 'shop-1',
      stream: false,
      storage: false,
    });
    await client.ready(5000);
    client.isEnabled('checkout');
    client.isEnabled('checkout', { appName: 'other' });
    client.isEnabled('checkout', { appName: 'shop', userId: '1' });
    client.getVariant('checkout');
    client.isEnabled('unknown-flag');
    await client.close();

    const metrics = server.requests.filter((r) => r.path === '/api/client/metrics');
    expect(metrics).toHaveLength(1);
    expect(metrics[0]?.method).toBe('POST');
    expect(metrics[0]?.headers['content-type']).toBe('application/json');
    const body = JSON.parse(metrics[0]!.body) as MetricsPayload;
    expect(body).toMatchObject({ appName: 'shop', instanceId: 'shop-1' });
    expect(Date.parse(body.bucket.start)).toBeLessThanOrEqual(Date.parse(body.bucket.stop));
    expect(body.bucket.toggles).toEqual({
      checkout: { yes: 3, no: 1, variants: { blue: 1 } },
      'unknown-flag': { yes: 0, no: 1, variants: {} },
    });

    const register = server.requests.find((r) => r.path === '/api/client/register');
    const registration = JSON.parse(register!.body);
    expect(registration).toMatchObject({ appName: 'shop', instanceId: 'shop-1', interval: 60000 });
    expect(registration.strategies).toContain('flexibleRollout');
    expect(typeof registration.started).toBe('string');
  });

  it('reports a rejected token and serves fallbacks', async () => {
    const server = await fakeServer();
    const client = track(
      createTogglesClient({ url: server.url, token: 'wrong', appName: 'shop', storage: memoryStorage() }),
    );
    const errors: Error[] = [];
    client.on('error', (error) => errors.push(error));
    await until(() => errors.some((e) => /HTTP 401/.test(e.message)), 'the 401');
    expect(client.isEnabled('checkout', {}, true)).toBe(true);
    await expect(client.ready(50)).rejects.toThrow(/no flags/);
  });
});

describe('offline clients', () => {
  it('serve the bootstrap, then the stored copy, without any request', async () => {
    const server = await fakeServer();
    const bootstrapped = track(
      createTogglesClient({ url: server.url, token: TOKEN, appName: 'shop', offline: true, bootstrap: flags(true, 4) }),
    );
    expect(bootstrapped.isEnabled('checkout')).toBe(true);
    const readyEvent = new Promise((resolve) => bootstrapped.on('ready', resolve));
    expect(await readyEvent).toEqual({ source: 'bootstrap' });
    await bootstrapped.ready(1000);
    expect(bootstrapped.isEnabled('checkout')).toBe(true);
    const stored = track(
      createTogglesClient({
        url: server.url,
        token: TOKEN,
        appName: 'shop',
        offline: true,
        storage: memoryStorage({ payload: flags(false, 9), savedAt: new Date().toISOString() }),
      }),
    );
    await stored.ready(1000);
    expect(stored.features?.revisionId).toBe(9);
    await bootstrapped.close();
    await stored.close();
    expect(server.requests).toEqual([]);
  });
});
