import { ErrorCode, OpenFeature, ProviderEvents, StandardResolutionReasons } from '@openfeature/server-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTogglesClient, type TogglesClient } from '../client/client.js';
import { type FakeServer, startFakeServer, TOKEN } from '../client/testing/fake-server.js';
import type { ClientFeaturesResponse, FeatureDefinition } from '../evaluator/types.js';
import { BackbeatProvider, toToggleContext } from './provider.js';

const variantFlag = (name: string, payload?: { type: string; value: string }): FeatureDefinition => ({
  name,
  enabled: true,
  strategies: [],
  variants: [{ name: `${name}-variant`, weight: 1000, ...(payload ? { payload } : {}) }],
});

const payload = (checkoutRollout: string, revisionId: number): ClientFeaturesResponse => ({
  version: 2,
  features: [
    {
      name: 'checkout',
      project: 'shop',
      type: 'release',
      enabled: true,
      strategies: [
        {
          name: 'flexibleRollout',
          parameters: { rollout: checkoutRollout, stickiness: 'userId', groupId: 'checkout' },
          constraints: [{ contextName: 'tenant', operator: 'IN', values: ['acme'] }],
        },
      ],
    },
    { name: 'switched-off', enabled: false, strategies: [] },
    variantFlag('title', { type: 'string', value: 'Hello' }),
    variantFlag('limit', { type: 'number', value: '42' }),
    variantFlag('bad-number', { type: 'number', value: 'forty' }),
    variantFlag('settings', { type: 'json', value: '{"theme":"dark"}' }),
    variantFlag('bad-json', { type: 'json', value: '{nope' }),
    variantFlag('plain'),
    { name: 'broken', enabled: true, strategies: 'nope' as never },
  ],
  meta: { revisionId },
});

let server: FakeServer;
let client: TogglesClient;
let provider: BackbeatProvider;

beforeAll(async () => {
  server = await startFakeServer(payload('100', 1), '"r1"');
  client = createTogglesClient({ url: server.url, token: TOKEN, appName: 'shop', storage: false });
  provider = new BackbeatProvider({ client });
  await OpenFeature.setProviderAndWait(provider);
});

afterAll(async () => {
  await OpenFeature.close();
  await client.close();
  await server.close();
});

describe('BackbeatProvider through the OpenFeature SDK', () => {
  it('resolves booleans with reasons', async () => {
    const flags = OpenFeature.getClient();
    const on = await flags.getBooleanDetails('checkout', false, { targetingKey: 'u1', tenant: 'acme' });
    expect(on).toMatchObject({ value: true, reason: StandardResolutionReasons.TARGETING_MATCH, variant: 'enabled' });
    expect(on.flagMetadata).toMatchObject({
      project: 'shop',
      type: 'release',
      strategy: 'flexibleRollout',
      revisionId: 1,
    });

    const noMatch = await flags.getBooleanDetails('checkout', true, { targetingKey: 'u1', tenant: 'other' });
    expect(noMatch).toMatchObject({ value: false, reason: StandardResolutionReasons.DEFAULT });

    const off = await flags.getBooleanDetails('switched-off', true);
    expect(off).toMatchObject({ value: false, reason: StandardResolutionReasons.DISABLED });
  });

  it('gives FLAG_NOT_FOUND and the default for unknown flags', async () => {
    const details = await OpenFeature.getClient().getBooleanDetails('nope', true);
    expect(details).toMatchObject({
      value: true,
      reason: StandardResolutionReasons.ERROR,
      errorCode: ErrorCode.FLAG_NOT_FOUND,
    });
  });

  it('gives PARSE_ERROR for a flag whose definition is broken', async () => {
    const details = await OpenFeature.getClient().getBooleanDetails('broken', true);
    expect(details).toMatchObject({ value: true, errorCode: ErrorCode.PARSE_ERROR });
    expect(details.errorMessage).toMatch(/features\[8\]\.strategies/);
  });

  it('resolves strings, numbers and objects from variant payloads', async () => {
    const flags = OpenFeature.getClient();
    expect(await flags.getStringDetails('title', 'x')).toMatchObject({
      value: 'Hello',
      variant: 'title-variant',
      reason: StandardResolutionReasons.SPLIT,
    });
    expect(await flags.getNumberValue('limit', 0)).toBe(42);
    expect(await flags.getObjectValue('settings', {})).toEqual({ theme: 'dark' });
    expect(await flags.getStringValue('plain', 'x')).toBe('plain-variant');
    expect(await flags.getStringDetails('switched-off', 'fallback')).toMatchObject({
      value: 'fallback',
      reason: StandardResolutionReasons.DISABLED,
    });
  });

  it('reports TYPE_MISMATCH and PARSE_ERROR', async () => {
    const flags = OpenFeature.getClient();
    expect(await flags.getNumberDetails('title', 7)).toMatchObject({ value: 7, errorCode: ErrorCode.TYPE_MISMATCH });
    expect(await flags.getStringDetails('limit', 'd')).toMatchObject({
      value: 'd',
      errorCode: ErrorCode.TYPE_MISMATCH,
    });
    expect(await flags.getNumberDetails('bad-number', 7)).toMatchObject({ value: 7, errorCode: ErrorCode.PARSE_ERROR });
    expect(await flags.getObjectDetails('bad-json', {})).toMatchObject({ errorCode: ErrorCode.PARSE_ERROR });
    expect(await flags.getObjectDetails('plain', {})).toMatchObject({ errorCode: ErrorCode.TYPE_MISMATCH });
  });

  it('announces configuration changes with the changed flags', async () => {
    const changed = new Promise<string[] | undefined>((resolve) => {
      OpenFeature.addHandler(ProviderEvents.ConfigurationChanged, (details) =>
        resolve((details as { flagsChanged?: string[] } | undefined)?.flagsChanged),
      );
    });
    for (let i = 0; i < 500 && !client.streaming; i++) await new Promise((r) => setTimeout(r, 10));
    server.push('unleash-updated', payload('0', 2), '2');
    expect(await changed).toEqual(['checkout']);
    const details = await OpenFeature.getClient().getBooleanDetails('checkout', true, {
      targetingKey: 'u1',
      tenant: 'acme',
    });
    expect(details).toMatchObject({ value: false, reason: StandardResolutionReasons.DEFAULT });
  });
});

describe('toToggleContext', () => {
  it('maps targetingKey and custom fields', () => {
    const at = new Date('2026-01-02T03:04:05Z');
    expect(
      toToggleContext({ targetingKey: 'u1', tenant: 'acme', beta: true, currentTime: at, nested: { a: 1 } }),
    ).toEqual({
      userId: 'u1',
      currentTime: '2026-01-02T03:04:05.000Z',
      properties: { tenant: 'acme', beta: 'true' },
    });
    expect(toToggleContext({ targetingKey: 'u1', userId: 'u2' }).userId).toBe('u2');
  });
});
