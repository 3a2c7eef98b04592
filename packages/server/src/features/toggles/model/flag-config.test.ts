import { describe, expect, it } from 'vitest';
import { toToggleContext } from './evaluation-context.js';
import {
  checkConstraints,
  checkStrategies,
  isIpOrCidr,
  isSemver,
  normalizeVariantWeights,
  StrategySchema,
} from './flag-config.js';

const strategy = (input: unknown) => StrategySchema.parse(input);

describe('checkStrategies', () => {
  it('accepts well-formed strategies of every known kind', () => {
    expect(
      checkStrategies([
        strategy({ name: 'default' }),
        strategy({ name: 'flexibleRollout', parameters: { rollout: 0, stickiness: 'default', groupId: 'g' } }),
        strategy({ name: 'userWithId', parameters: { userIds: 'a, b' } }),
        strategy({ name: 'remoteAddress', parameters: { IPs: '10.0.0.1, 192.168.0.0/16, ::1' } }),
        strategy({ name: 'applicationHostname', parameters: { hostNames: 'web-1' } }),
      ]),
    ).toEqual([]);
  });

  it('names the exact field of each problem', () => {
    const issues = checkStrategies([
      strategy({ name: 'flexibleRollout', parameters: { rollout: '101' } }),
      strategy({
        name: 'default',
        constraints: [
          { contextName: 'a', operator: 'IN', values: ['x'] },
          { contextName: 'b', operator: 'NUM_GT', value: 'ten' },
          { contextName: 'c', operator: 'DATE_AFTER', value: 'yesterday' },
          { contextName: 'd', operator: 'REGEX', value: '(' },
          { contextName: 'e', operator: 'IN_CIDR', values: ['10.0.0.0/8', '300.1.1.1'] },
        ],
      }),
      strategy({ name: 'remoteAddress', parameters: { IPs: '10.0.0.1, nope' } }),
      strategy({ name: 'myCustomStrategy' }),
      strategy({
        name: 'default',
        variants: [
          { name: 'a', weight: 500 },
          { name: 'a', weight: 500, payload: { type: 'number', value: 'x' } },
        ],
      }),
    ]);
    expect(issues.map((i) => i.field)).toEqual([
      'strategies[0].parameters.rollout',
      'strategies[1].constraints[1].value',
      'strategies[1].constraints[2].value',
      'strategies[1].constraints[3].value',
      'strategies[1].constraints[4].values[1]',
      'strategies[2].parameters.IPs',
      'strategies[3].name',
      'strategies[4].variants[1].name',
      'strategies[4].variants[1].payload.value',
    ]);
  });

  it('rejects unknown operators and semantic versions with a leading v', () => {
    expect(checkConstraints([{ contextName: 'x', operator: 'LIKE' }], 'c').map((i) => i.field)).toEqual([
      'c[0].operator',
    ]);
    expect(isSemver('1.2.3-beta.1+build')).toBe(true);
    expect(isSemver('v1.2.3')).toBe(false);
    expect(isIpOrCidr('2001:db8::/32')).toBe(true);
    expect(isIpOrCidr('10.0.0.0/33')).toBe(false);
  });
});

describe('normalizeVariantWeights', () => {
  it('shares what fixed weights leave among variable ones and keeps unweighted lists', () => {
    const out = normalizeVariantWeights([
      { name: 'a', weight: 0, weightType: 'variable' },
      { name: 'b', weight: 200, weightType: 'fix' },
      { name: 'c', weight: 0, weightType: 'variable' },
      { name: 'd', weight: 0, weightType: 'variable' },
    ]);
    expect(out.map((v) => v.weight)).toEqual([267, 200, 267, 266]);
    const imported = [
      { name: 'a', weight: 25 },
      { name: 'b', weight: 75 },
    ];
    expect(normalizeVariantWeights(imported)).toBe(imported);
  });
});

describe('toToggleContext', () => {
  it('keeps known fields at the root and moves the rest into properties', () => {
    expect(
      toToggleContext({ targetingKey: 'u1', sessionId: 's', country: 'SE', age: 30, properties: { plan: 'pro' } }),
    ).toEqual({
      userId: 'u1',
      sessionId: 's',
      properties: { country: 'SE', age: '30', plan: 'pro' },
    });
    expect(toToggleContext({ targetingKey: 't', userId: 'u' }).userId).toBe('u');
    expect(() => toToggleContext({ nested: { a: 1 } })).toThrow('context.nested');
  });
});
