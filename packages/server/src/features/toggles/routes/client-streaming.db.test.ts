import { once } from 'node:events';
import { createTogglesClient, memoryStorage, type TogglesClient } from '@backbeat/toggles-sdk';
import { InMemStorageProvider, Unleash } from 'unleash-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { destroyUnleashClients } from '../testing/destroy-unleash-clients.js';
import { startTogglesServer, type TogglesServer } from '../testing/toggles-server.js';

/** Resolves once `check` holds, re-checked after each `subscribe` notification. */
function until(subscribe: (listener: () => void) => () => void, check: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    if (check()) return resolve();
    const off = subscribe(() => {
      if (!check()) return;
      off();
      resolve();
    });
  });
}

/**
 * Streaming updates are deltas (`{ events: [...] }`, as Unleash streams them): the
 * published unleash-client in streaming mode and Backbeat's own SDK, both with
 * polling off, must follow flips, new flags and removed flags from them alone.
 */
describe('delta updates over /api/client/streaming', () => {
  let server: TogglesServer;
  let token: string;
  let unleash: Unleash;
  let sdk: TogglesClient;
  const flags = '/api/toggles/projects/checkout/flags';

  beforeAll(async () => {
    server = await startTogglesServer();
    await server.api('POST', '/api/toggles/projects', { key: 'checkout', name: 'Checkout' });
    for (const name of ['new-cart', 'dark-mode']) {
      await server.api('POST', flags, { name });
      await server.api('PUT', `${flags}/${name}/environments/production/strategies`, {
        strategies: [{ name: 'default' }],
      });
      await server.api('POST', `${flags}/${name}/environments/production/on`);
    }
    token = await server.clientToken('checkout', 'deltas');
    unleash = new Unleash({
      url: `${server.baseUrl}/api/`,
      appName: 'delta-test',
      customHeaders: { Authorization: token },
      refreshInterval: 0,
      metricsInterval: 0,
      storageProvider: new InMemStorageProvider(),
      skipInstanceCountWarning: true,
      experimentalMode: { type: 'streaming' },
    });
    unleash.on('error', () => undefined);
    unleash.on('warn', () => undefined);
    sdk = createTogglesClient({
      url: server.baseUrl,
      token,
      appName: 'delta-test',
      refreshIntervalMs: 0,
      metricsIntervalMs: 0,
      storage: memoryStorage(),
    });
    sdk.on('error', () => undefined);
    await Promise.all([once(unleash, 'synchronized'), sdk.ready()]);
    await until(
      (listener) => {
        const off = sdk.on('changed', listener);
        const timer = setInterval(listener, 20);
        return () => {
          off();
          clearInterval(timer);
        };
      },
      () => sdk.streaming,
    );
  });
  afterAll(async () => {
    await destroyUnleashClients([unleash]);
    await sdk?.close();
    await server?.close();
  });

  /** Waits until both clients agree with `expected` (flag name to isEnabled). */
  async function bothSee(expected: Record<string, boolean>): Promise<void> {
    const matches = (isEnabled: (name: string) => boolean) =>
      Object.entries(expected).every(([name, on]) => isEnabled(name) === on);
    await Promise.all([
      until(
        (listener) => {
          unleash.on('changed', listener);
          return () => unleash.off('changed', listener);
        },
        () => matches((name) => unleash.isEnabled(name)),
      ),
      until(
        (listener) => sdk.on('changed', listener),
        () => matches((name) => sdk.isEnabled(name)),
      ),
    ]);
  }

  it('applies a flip, a new flag and a removed flag while keeping the others', async () => {
    await bothSee({ 'new-cart': true, 'dark-mode': true });

    await server.api('POST', `${flags}/new-cart/kill`, { reason: 'delta test' });
    await bothSee({ 'new-cart': false, 'dark-mode': true });

    await server.api('POST', flags, { name: 'gift-cards' });
    await server.api('PUT', `${flags}/gift-cards/environments/production/strategies`, {
      strategies: [{ name: 'default' }],
    });
    await server.api('POST', `${flags}/gift-cards/environments/production/on`);
    await bothSee({ 'new-cart': false, 'dark-mode': true, 'gift-cards': true });

    await server.api('POST', `${flags}/dark-mode/archive`);
    await bothSee({ 'new-cart': false, 'dark-mode': false, 'gift-cards': true });
    expect(unleash.getFeatureToggleDefinition('dark-mode')).toBeUndefined();
    expect(sdk.features?.has('dark-mode')).toBe(false);
    expect(sdk.features?.names().sort()).toEqual(['gift-cards', 'new-cart']);
    // Still on the stream, not on a re-fetch: polling is off for both.
    expect(sdk.streaming).toBe(true);
  });
});
