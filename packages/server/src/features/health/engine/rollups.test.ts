import { describe, expect, it } from 'vitest';
import type { CheckSpec } from '../model/definitions.js';
import { checkTrends, type EntityStanding, entityRows } from './rollups.js';

const check = (name: string, title = name): CheckSpec => ({ name, title, applies: {}, message: {} });
const CHECKS = new Map([
  ['readme', check('readme', 'Has a README')],
  ['ci', check('ci')],
]);
const row = (entity: string, at: string, statuses: Record<string, string>) => ({
  entity_ref: entity,
  at,
  statuses_json: JSON.stringify(statuses),
});
const DAYS = ['2026-03-01', '2026-03-02', '2026-03-03'];

describe('checkTrends', () => {
  it('replays each entity to its latest statuses of the day, and carries days without rows', () => {
    const history = [
      row('a', '2026-03-01T08:00:00Z', { readme: 'failed', ci: 'passed' }),
      row('b', '2026-03-01T09:00:00Z', { readme: 'failed', ci: 'not-applicable' }),
      // Two rows on one day: the later one counts, the earlier is replaced, not added.
      row('a', '2026-03-03T08:00:00Z', { readme: 'passed', ci: 'failed' }),
      row('a', '2026-03-03T09:00:00Z', { readme: 'passed', ci: 'passed' }),
    ];
    const { checks, overall } = checkTrends(CHECKS, history, new Set(['a', 'b']), DAYS);
    const readme = checks.find((c) => c.check === 'readme')!;
    expect(readme.title).toBe('Has a README');
    expect(readme.trend).toEqual([
      { day: '2026-03-01', passed: 0, failed: 2, passRate: 0 },
      { day: '2026-03-02', passed: 0, failed: 2, passRate: 0 },
      { day: '2026-03-03', passed: 1, failed: 1, passRate: 0.5 },
    ]);
    const ci = checks.find((c) => c.check === 'ci')!;
    expect(ci.trend.map((p) => [p.passed, p.failed])).toEqual([
      [1, 0],
      [1, 0],
      [1, 0],
    ]);
    expect(overall.map((p) => [p.passed, p.failed, p.passRate])).toEqual([
      [1, 2, 1 / 3],
      [1, 2, 1 / 3],
      [2, 1, 2 / 3],
    ]);
  });

  it('leaves out entities outside the scope, checks no longer defined, and rows after the last day', () => {
    const history = [
      row('a', '2026-02-20T00:00:00Z', { readme: 'passed', gone: 'failed' }),
      row('outsider', '2026-03-01T00:00:00Z', { readme: 'failed' }),
      row('a', '2026-03-04T00:00:00Z', { readme: 'failed' }),
    ];
    const { checks, overall } = checkTrends(CHECKS, history, new Set(['a']), DAYS);
    expect(checks.map((c) => c.check)).toEqual(['readme', 'ci']);
    expect(checks[0]!.trend.map((p) => p.passRate)).toEqual([1, 1, 1]);
    expect(checks[1]!.trend.every((p) => p.passRate === null)).toBe(true);
    expect(overall.at(-1)).toEqual({ day: '2026-03-03', passed: 1, failed: 0, passRate: 1 });
  });
});

describe('entityRows', () => {
  const standing = (entityRef: string, ranks: number[], statuses: string[]): EntityStanding => ({
    entityRef,
    ownerRef: 'group:default/squad',
    results: statuses.map((status, i) => ({ check: `c${i}`, status: status as 'passed' })),
    certifications: ranks.map((rank, i) => ({ track: `t${i}`, level: rank ? `l${rank}` : null, rank, levels: [] })),
  });

  it('counts each entity’s results and puts the least certified, then the lowest pass rate, first', () => {
    const rows = entityRows([
      standing('component:default/gold', [3], ['passed', 'passed']),
      standing('component:default/none-half', [0], ['passed', 'failed', 'not-applicable']),
      standing('component:default/none-bad', [0], ['failed', 'failed', 'passed']),
    ]);
    expect(rows.map((r) => r.entityRef)).toEqual([
      'component:default/none-bad',
      'component:default/none-half',
      'component:default/gold',
    ]);
    expect(rows[1]).toEqual({
      entityRef: 'component:default/none-half',
      ownerRef: 'group:default/squad',
      certifications: [{ track: 't0', level: null, rank: 0 }],
      passed: 1,
      failed: 1,
      passRate: 0.5,
    });
  });
});
