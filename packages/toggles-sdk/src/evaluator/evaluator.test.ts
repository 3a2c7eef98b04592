import { describe, expect, it } from 'vitest';
import { applyDeltaEvents } from './delta.js';
import { compileFeatures } from './features.js';
import { inRange, parseCidr, parseIp } from './ip.js';
import { normalizedHash } from './murmur.js';
import { compileRe2 } from './regex.js';
import { compareSemver, parseSemver } from './semver.js';
import type { ClientFeaturesResponse, FeatureDefinition } from './types.js';

const payload = (features: unknown[], segments?: unknown[]): ClientFeaturesResponse =>
  ({ version: 2, features, ...(segments ? { segments } : {}) }) as ClientFeaturesResponse;

describe('compileFeatures: one broken flag never breaks the others', () => {
  const compiled = compileFeatures(
    payload([
      { name: 'good', enabled: true, strategies: [{ name: 'default' }] },
      { name: 'no-strategies-array', enabled: true, strategies: 'oops' },
      {
        name: 'bad-constraint',
        enabled: true,
        strategies: [{ name: 'default', constraints: [{ contextName: 42, operator: 'IN', values: [] }] }],
      },
      { name: 'bad-weight', enabled: true, strategies: [], variants: [{ name: 'a', weight: 'heavy' }] },
      { enabled: true, strategies: [] },
      { name: 'also-good', enabled: true, strategies: [] },
    ]),
  );

  it('evaluates the sound flags', () => {
    expect(compiled.isEnabled('good', {})).toBe(true);
    expect(compiled.isEnabled('also-good', {})).toBe(true);
  });

  it('evaluates broken flags to disabled and reports them with their field', () => {
    expect(compiled.isEnabled('no-strategies-array', {})).toBe(false);
    expect(compiled.isEnabled('bad-constraint', {})).toBe(false);
    expect(compiled.isEnabled('bad-weight', {})).toBe(false);
    expect(compiled.evaluate('bad-weight', {}).reason).toBe('ERROR');
    const errors = compiled.issues.filter((i) => i.severity === 'error').map((i) => [i.feature, i.field]);
    expect(errors).toEqual([
      ['no-strategies-array', 'features[1].strategies'],
      ['bad-constraint', 'features[2].strategies[0].constraints[0].contextName'],
      ['bad-weight', 'features[3].variants[0].weight'],
      [undefined, 'features[4].name'],
    ]);
  });

  it('rejects a payload without a features array', () => {
    expect(() => compileFeatures({} as ClientFeaturesResponse)).toThrow(/"features" array/);
  });
});

describe('warnings: parts that never match', () => {
  const compiled = compileFeatures(
    payload([
      {
        name: 'mixed',
        enabled: true,
        strategies: [
          { name: 'fancyCustomStrategy' },
          { name: 'default', constraints: [{ contextName: 'userId', operator: 'REGEX', value: '(a' }] },
          { name: 'default', segments: [99] },
          { name: 'userWithId', parameters: { userIds: 'a, b ,c' } },
        ],
      },
    ]),
  );

  it('reports unknown strategies, invalid patterns and missing segments', () => {
    expect(compiled.issues.map((i) => [i.severity, i.field])).toEqual([
      ['warning', 'features[0].strategies[0].name'],
      ['warning', 'features[0].strategies[1].constraints[0].value'],
      ['warning', 'features[0].strategies[2].segments'],
    ]);
  });

  it('still evaluates the strategies that work', () => {
    expect(compiled.isEnabled('mixed', { userId: 'b' })).toBe(true);
    expect(compiled.isEnabled('mixed', { userId: 'a' })).toBe(true);
    expect(compiled.isEnabled('mixed', { userId: 'd' })).toBe(false);
  });
});

describe('evaluate: reasons', () => {
  const compiled = compileFeatures(
    payload([
      { name: 'off', enabled: false, strategies: [{ name: 'default' }] },
      { name: 'everyone', enabled: true, strategies: [] },
      { name: 'some', enabled: true, strategies: [{ name: 'userWithId', parameters: { userIds: '1' } }] },
      { name: 'child', enabled: true, strategies: [], dependencies: [{ feature: 'off' }] },
    ]),
  );

  it('says why', () => {
    expect(compiled.evaluate('missing', {}).reason).toBe('NOT_FOUND');
    expect(compiled.evaluate('off', {}).reason).toBe('DISABLED');
    expect(compiled.evaluate('everyone', {}).reason).toBe('NO_STRATEGIES');
    expect(compiled.evaluate('some', { userId: '1' })).toMatchObject({
      enabled: true,
      reason: 'STRATEGY',
      strategy: 'userWithId',
    });
    expect(compiled.evaluate('some', { userId: '2' })).toMatchObject({ enabled: false, reason: 'NO_MATCH' });
    expect(compiled.evaluate('child', {})).toMatchObject({ enabled: false, reason: 'DEPENDENCY' });
  });

  it('gives the fallback for unknown flags only', () => {
    expect(compiled.isEnabled('missing', {}, true)).toBe(true);
    expect(compiled.isEnabled('off', {}, true)).toBe(false);
  });
});

describe('flexibleRollout', () => {
  const flag = (parameters: Record<string, string>): FeatureDefinition => ({
    name: 'roll',
    enabled: true,
    strategies: [{ name: 'flexibleRollout', parameters }],
  });

  it('keeps enabled users enabled while the rollout widens', () => {
    const users = Array.from({ length: 2000 }, (_, i) => `user-${i}`);
    let previous = new Set<string>();
    for (const rollout of ['1', '5', '25', '50', '100']) {
      const compiled = compileFeatures(payload([flag({ rollout, groupId: 'g', stickiness: 'userId' })]));
      const on = new Set(users.filter((userId) => compiled.isEnabled('roll', { userId })));
      for (const user of previous) expect(on.has(user)).toBe(true);
      expect(on.size).toBe(users.filter((u) => normalizedHash(u, 'g') <= Number(rollout)).length);
      previous = on;
    }
    expect(previous.size).toBe(users.length);
  });

  it('buckets by a custom field and fails without it', () => {
    const compiled = compileFeatures(payload([flag({ rollout: '100', stickiness: 'tenant' })]));
    expect(compiled.isEnabled('roll', { properties: { tenant: 'acme' } })).toBe(true);
    expect(compiled.isEnabled('roll', { userId: '1' })).toBe(false);
  });

  it('uses the random source for random stickiness', () => {
    let next = 0.5;
    const compiled = compileFeatures(payload([flag({ rollout: '30', stickiness: 'random' })]), {
      random: () => next,
    });
    expect(compiled.isEnabled('roll', {})).toBe(false);
    next = 0.1;
    expect(compiled.isEnabled('roll', {})).toBe(true);
  });
});

describe('strategies: remoteAddress and applicationHostname', () => {
  const compiled = compileFeatures(
    payload([
      {
        name: 'ip',
        enabled: true,
        strategies: [{ name: 'remoteAddress', parameters: { IPs: '10.0.0.0/8, 192.168.1.7' } }],
      },
      {
        name: 'host',
        enabled: true,
        strategies: [{ name: 'applicationHostname', parameters: { hostNames: 'web-1, API-2' } }],
      },
    ]),
    { hostname: 'api-2' },
  );

  it('matches IPs and IPv4 ranges', () => {
    expect(compiled.isEnabled('ip', { remoteAddress: '10.200.3.4' })).toBe(true);
    expect(compiled.isEnabled('ip', { remoteAddress: '192.168.1.7' })).toBe(true);
    expect(compiled.isEnabled('ip', { remoteAddress: '192.168.1.8' })).toBe(false);
    expect(compiled.isEnabled('ip', {})).toBe(false);
  });

  it('compares host names without case', () => {
    expect(compiled.isEnabled('host', {})).toBe(true);
  });
});

describe('variants', () => {
  const compiled = compileFeatures(
    payload([
      {
        name: 'colour',
        enabled: true,
        strategies: [],
        variants: [
          { name: 'red', weight: 500, payload: { type: 'string', value: '#f00' } },
          { name: 'blue', weight: 500, overrides: [{ contextName: 'userId', values: ['vip'] }] },
        ],
      },
      { name: 'zero', enabled: true, strategies: [], variants: [{ name: 'a', weight: 0 }] },
    ]),
  );

  it('spreads users by weight, sticky per user', () => {
    const counts = { red: 0, blue: 0 } as Record<string, number>;
    for (let i = 0; i < 4000; i++) {
      const name = compiled.getVariant('colour', { userId: `u${i}` }).name;
      counts[name] = (counts[name] ?? 0) + 1;
      expect(compiled.getVariant('colour', { userId: `u${i}` }).name).toBe(name);
    }
    expect(counts.red).toBeGreaterThan(1800);
    expect(counts.blue).toBeGreaterThan(1800);
  });

  it('honours overrides and payloads', () => {
    expect(compiled.getVariant('colour', { userId: 'vip' }).name).toBe('blue');
    const red = Array.from({ length: 50 }, (_, i) => compiled.getVariant('colour', { userId: `x${i}` })).find(
      (v) => v.name === 'red',
    );
    expect(red?.payload).toEqual({ type: 'string', value: '#f00' });
  });

  it('gives the disabled variant with feature_enabled when no weight applies', () => {
    expect(compiled.getVariant('zero', {})).toEqual({ name: 'disabled', enabled: false, feature_enabled: true });
    expect(compiled.getVariant('nope', {})).toEqual({ name: 'disabled', enabled: false, feature_enabled: false });
  });
});

describe('RE2 patterns', () => {
  it('translates RE2-only syntax', () => {
    expect(compileRe2('^[[:digit:]]{3}$').test('123')).toBe(true);
    expect(compileRe2('^[^[:space:]]+$').test('a b')).toBe(false);
    expect(compileRe2('\\Qa.b\\E').test('a.b')).toBe(true);
    expect(compileRe2('\\Qa.b\\E').test('axb')).toBe(false);
    expect(compileRe2('(?P<year>\\d{4})').exec('in 2026')?.groups?.year).toBe('2026');
    expect(compileRe2('(?i:abc)').test('ABC')).toBe(true);
    expect(compileRe2('\\Aab\\z').test('ab')).toBe(true);
    expect(compileRe2('\\Aab\\z').test('ab\n')).toBe(false);
  });

  it('rejects what RE2 rejects', () => {
    expect(() => compileRe2('(?<=a)b')).toThrow(/look-around/);
    expect(() => compileRe2('(?!a)b')).toThrow(/look-around/);
    expect(() => compileRe2('(a)\\1')).toThrow(/back-references/);
    expect(() => compileRe2('[[:nope:]]')).toThrow(/character class/);
  });
});

describe('IP addresses and ranges', () => {
  it('parses both families', () => {
    expect(parseIp('::ffff:10.0.0.1')?.words).toEqual(Uint32Array.of(0, 0, 0xffff, 0x0a000001));
    expect(parseIp('2001:db8::1')?.words).toEqual(Uint32Array.of(0x20010db8, 0, 0, 1));
    expect(parseIp('1:2:3:4:5:6:7:8')?.words).toEqual(Uint32Array.of(0x10002, 0x30004, 0x50006, 0x70008));
    expect(parseIp('fe80::1%eth0')?.version).toBe(6);
    for (const bad of ['256.0.0.1', '1:2:3:4:5:6:7:8:9', '1::2::3', 'abc', '', '10.0.0']) {
      expect(parseIp(bad)).toBeUndefined();
    }
  });

  it('matches ranges', () => {
    const range = parseCidr('2001:db8::/32')!;
    expect(inRange(parseIp('2001:db8:ffff::1')!, range)).toBe(true);
    expect(inRange(parseIp('2001:db9::1')!, range)).toBe(false);
    expect(inRange(parseIp('10.0.0.1')!, range)).toBe(false);
    expect(inRange(parseIp('0.0.0.1')!, parseCidr('0.0.0.0/0')!)).toBe(true);
    expect(parseCidr('10.0.0.0/33')).toBeUndefined();
  });
});

describe('semantic versions', () => {
  it('orders by semver 2.0 precedence', () => {
    const order = [
      '1.0.0-alpha',
      '1.0.0-alpha.1',
      '1.0.0-alpha.beta',
      '1.0.0-beta',
      '1.0.0-beta.2',
      '1.0.0-beta.11',
      '1.0.0-rc.1',
      '1.0.0',
    ];
    for (let i = 1; i < order.length; i++) {
      expect(compareSemver(parseSemver(order[i - 1]!)!, parseSemver(order[i]!)!)).toBeLessThan(0);
    }
    expect(compareSemver(parseSemver('1.2.3+build')!, parseSemver('1.2.3')!)).toBe(0);
  });

  it('accepts a leading v only where asked', () => {
    expect(parseSemver('v1.2.3')).toBeUndefined();
    expect(parseSemver('v1.2.3', { allowPrefix: true })?.major).toBe(1);
    expect(parseSemver('01.2.3')).toBeUndefined();
  });
});

describe('applyDeltaEvents', () => {
  it('applies updates and removals in order', () => {
    const next = applyDeltaEvents(payload([{ name: 'a', enabled: true, strategies: [] }]), [
      { eventId: 7, type: 'feature-updated', feature: { name: 'b', enabled: false, strategies: [] } },
      { eventId: 8, type: 'feature-removed', featureName: 'a' },
      { eventId: 9, type: 'segment-updated', segment: { id: 1, constraints: [] } },
    ]);
    expect(next.features.map((f) => f.name)).toEqual(['b']);
    expect(next.segments?.map((s) => s.id)).toEqual([1]);
    expect(next.meta?.revisionId).toBe(9);
  });
});

describe('context fields', () => {
  it('reads root fields, then properties, and never inherited members', () => {
    const compiled = compileFeatures(
      payload([
        {
          name: 'proto',
          enabled: true,
          strategies: [
            { name: 'default', constraints: [{ contextName: 'constructor', operator: 'NOT_IN', values: ['x'] }] },
          ],
        },
        {
          name: 'tenant',
          enabled: true,
          strategies: [{ name: 'default', constraints: [{ contextName: 'tenant', operator: 'IN', values: ['acme'] }] }],
        },
      ]),
    );
    expect(compiled.isEnabled('proto', {})).toBe(true);
    expect(compiled.isEnabled('proto', { properties: { constructor: 'x' } })).toBe(false);
    expect(compiled.isEnabled('tenant', { properties: { tenant: 'acme' } })).toBe(true);
    expect(compiled.isEnabled('tenant', { tenant: 'acme' } as never)).toBe(true);
    expect(compiled.isEnabled('tenant', { properties: { tenant: null } })).toBe(false);
  });
});
