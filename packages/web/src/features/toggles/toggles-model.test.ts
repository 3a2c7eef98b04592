import { describe, expect, it } from 'vitest';
import { ApiError } from '../../app/api-client.js';
import type { Flag, FlagEnvironment, Strategy } from './toggles-api.js';
import {
  audienceOf,
  changesOf,
  errorAt,
  exposureSeries,
  fieldErrorsOf,
  flagMatches,
  isClaimed,
  milestoneSteps,
  newStrategy,
  parseMilestones,
  rolloutPercent,
  staleWhy,
  strategyFields,
  takesList,
  unclaimedErrors,
  variantTotals,
  withOperator,
} from './toggles-model.js';

const rollout = (percent: string, rest: Partial<Strategy> = {}): Strategy => ({
  name: 'flexibleRollout',
  parameters: { rollout: percent, stickiness: 'default', groupId: 'f' },
  constraints: [],
  segments: [],
  variants: [],
  ...rest,
});

const env = (enabled: boolean, strategies: Strategy[] = []): FlagEnvironment => ({
  enabled,
  strategies,
  variants: [],
  updatedAt: null,
});

const flag = (environments: Record<string, FlagEnvironment>): Flag => ({
  id: '01',
  project: 'checkout',
  name: 'new-checkout-flow',
  type: 'release',
  description: 'The one-page checkout',
  stale: false,
  impressionData: false,
  dependencies: [],
  createdAt: '2026-01-01T00:00:00Z',
  updatedAt: '2026-01-01T00:00:00Z',
  archivedAt: null,
  environments,
});

describe('rolloutPercent and audienceOf', () => {
  it('read the first enabled gradual rollout and describe who gets the flag', () => {
    expect(rolloutPercent(env(true, [rollout('25')]))).toBe(25);
    expect(rolloutPercent(env(true, [rollout('10', { disabled: true }), rollout('40')]))).toBe(40);
    expect(rolloutPercent(env(true, [newStrategy('default', 'f')]))).toBeUndefined();
    expect(rolloutPercent(undefined)).toBeUndefined();
    expect(audienceOf(env(true))).toBe('everyone');
    const targeted = rollout('5', { constraints: [{ contextName: 'country', operator: 'IN', values: ['SE'] }] });
    expect(audienceOf(env(true, [targeted]))).toBe('5% if 1 constraint');
    const ids = { ...newStrategy('userWithId', 'f'), parameters: { userIds: 'a, b,c' } };
    expect(audienceOf(env(true, [ids, rollout('50')]))).toBe('3 user ids or 50%');
  });
});

describe('flagMatches', () => {
  it('matches name, description and type, ignoring case and blank searches', () => {
    const f = flag({});
    expect(flagMatches(f, '')).toBe(true);
    expect(flagMatches(f, 'CHECKOUT')).toBe(true);
    expect(flagMatches(f, 'one-page')).toBe(true);
    expect(flagMatches(f, 'release')).toBe(true);
    expect(flagMatches(f, 'gift')).toBe(false);
  });
});

describe('withOperator', () => {
  it('moves the operand between a list and a single value, keeping what was typed', () => {
    expect(
      withOperator({ contextName: 'appVersion', operator: 'IN', values: ['4.2.0', '5.0.0'] }, 'SEMVER_GTE'),
    ).toEqual({
      contextName: 'appVersion',
      operator: 'SEMVER_GTE',
      value: '4.2.0',
    });
    expect(withOperator({ contextName: 'email', operator: 'REGEX', value: '@example' }, 'STR_ENDS_WITH')).toEqual({
      contextName: 'email',
      operator: 'STR_ENDS_WITH',
      values: ['@example'],
    });
    expect(withOperator({ contextName: 'x', operator: 'NUM_GT', value: '' }, 'IN').values).toEqual([]);
    expect(['IN', 'NOT_IN', 'IN_CIDR', 'STR_CONTAINS'].every(takesList)).toBe(true);
    expect(['NUM_EQ', 'DATE_AFTER', 'SEMVER_LT', 'REGEX'].some(takesList)).toBe(false);
  });
});

describe('server field errors', () => {
  const error = new ApiError(400, {
    detail: 'Invalid strategies',
    errors: [
      { field: 'strategies[0].parameters.rollout', message: 'a whole percentage from 0 to 100' },
      { field: 'strategies[0].constraints[0].values[1]', message: 'not an IP address or CIDR range' },
      { field: 'strategies[0].segments[0]', message: 'no such segment' },
      { field: 'strategies[0].parameters.rollout', message: 'second problem' },
      'not an object',
    ],
  });

  it('are keyed by field and joined when one field has several', () => {
    expect(fieldErrorsOf(error)).toEqual({
      'strategies[0].parameters.rollout': 'a whole percentage from 0 to 100; second problem',
      'strategies[0].constraints[0].values[1]': 'not an IP address or CIDR range',
      'strategies[0].segments[0]': 'no such segment',
    });
    expect(fieldErrorsOf(new Error('network'))).toEqual({});
  });

  it('land beside the input that shows the field, list items included, and the rest above the editor', () => {
    const errors = fieldErrorsOf(error);
    expect(errorAt(errors, 'strategies[0].constraints[0].values')).toBe('values[1]: not an IP address or CIDR range');
    expect(errorAt(errors, 'strategies[0].parameters.stickiness')).toBeUndefined();
    const strategies = [
      rollout('120', {
        constraints: [{ contextName: 'remoteAddress', operator: 'IN_CIDR', values: ['1.2.3.4', 'x'] }],
      }),
    ];
    const fields = strategyFields(strategies);
    expect(isClaimed('strategies[0].constraints[0].values[1]', fields)).toBe(true);
    expect(unclaimedErrors(errors, fields).filter(([f]) => !isClaimed(f, fields))).toEqual([
      ['strategies[0].segments[0]', 'no such segment'],
    ]);
  });
});

describe('exposureSeries', () => {
  it('sums every application per hour, oldest first, skipping bad hours', () => {
    expect(
      exposureSeries([
        { hour: '2026-01-01T11:00:00Z', yes: 1, no: 1 },
        { hour: '2026-01-01T10:00:00Z', yes: 3, no: 1 },
        { hour: '2026-01-01T10:00:00.000Z', yes: 2, no: 0 },
        { hour: 'not a time', yes: 100, no: 100 },
      ]),
    ).toEqual([
      { at: '2026-01-01T10:00:00.000Z', yes: 5, no: 1 },
      { at: '2026-01-01T11:00:00.000Z', yes: 1, no: 1 },
    ]);
  });
});

describe('changesOf', () => {
  it('lists the switch, audience and variant changes per environment', () => {
    const before = flag({ production: env(true, [rollout('25')]), staging: env(true) });
    const after = flag({
      production: env(false, [rollout('50')]),
      staging: { ...env(true), variants: [{ name: 'a', weight: 1000 }] },
    });
    expect(changesOf({ before, after })).toEqual([
      { environment: 'production', what: 'switch', before: 'on', after: 'off' },
      { environment: 'production', what: 'strategies', before: '25%', after: '50%' },
      { environment: 'staging', what: 'variants', before: 'none', after: 'a 100%' },
    ]);
    // A created flag: everything set is a change from nothing.
    expect(changesOf({ after }).map((c) => `${c.environment} ${c.what}`)).toEqual([
      'production strategies',
      'staging switch',
      'staging variants',
    ]);
  });
});

describe('milestoneSteps', () => {
  const timeline = [
    { kind: 'milestone-reached', milestoneIndex: 0, at: '2026-01-01T00:00:00Z' },
    { kind: 'milestone-reached', milestoneIndex: 1, at: '2026-01-01T01:00:00Z' },
    { kind: 'rolled-back', milestoneIndex: 0, at: '2026-01-01T01:30:00Z' },
    { kind: 'milestone-reached', milestoneIndex: 0, at: '2026-01-01T01:30:00Z' },
  ];

  it('marks milestones before the current one reached, with the latest time each was reached', () => {
    expect(milestoneSteps({ milestones: [5, 25, 50], currentIndex: 0, status: 'paused', timeline })).toEqual([
      { percent: 5, state: 'current', reachedAt: '2026-01-01T01:30:00Z' },
      { percent: 25, state: 'pending', reachedAt: '2026-01-01T01:00:00Z' },
      { percent: 50, state: 'pending' },
    ]);
    const done = milestoneSteps({ milestones: [5, 25], currentIndex: 1, status: 'completed', timeline: [] });
    expect(done.map((s) => s.state)).toEqual(['reached', 'reached']);
    const draft = milestoneSteps({ milestones: [5], currentIndex: -1, status: 'draft', timeline: [] });
    expect(draft.map((s) => s.state)).toEqual(['pending']);
  });
});

describe('parseMilestones', () => {
  it('reads whole percentages and names the first bad one', () => {
    expect(parseMilestones('1, 5,25 ,100')).toEqual({ milestones: [1, 5, 25, 100] });
    expect(parseMilestones('1, 5.5, x')).toEqual({ error: 'milestones[1]: "5.5" is not a whole percentage' });
    expect(parseMilestones(' ')).toHaveProperty('error');
  });
});

describe('variantTotals', () => {
  it('sums variants over rows, most handed out first, without the disabled placeholder', () => {
    expect(
      variantTotals([{ variants: { control: 3, disabled: 9 } }, { variants: { control: 1, b: 5, a: 4 } }]),
    ).toEqual([
      ['b', 5],
      ['a', 4],
      ['control', 4],
    ]);
  });
});

describe('staleWhy', () => {
  it('joins the reasons the server found and a hand-set mark, and is empty for a live flag', () => {
    expect(staleWhy({ stale: false }, [])).toBeUndefined();
    expect(staleWhy({ stale: true }, [])).toBe('marked stale');
    expect(
      staleWhy({ stale: true }, [
        { reason: 'marked', detail: 'marked stale by its owners' },
        { reason: 'fully-on', detail: 'on for everyone in production for 40 days' },
      ]),
    ).toBe('marked stale by its owners; on for everyone in production for 40 days');
    expect(staleWhy({ stale: false }, [{ reason: 'no-evaluations', detail: 'not evaluated for 30 days' }])).toBe(
      'not evaluated for 30 days',
    );
  });
});
