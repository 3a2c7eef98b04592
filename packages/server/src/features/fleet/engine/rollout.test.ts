import { describe, expect, it } from 'vitest';
import { burndown } from './burndown.js';
import { canaryRefs, isWithinWindow, nextPublishSlot, nextWindowOpening } from './rollout.js';

const workingHours = { days: ['mon', 'tue', 'wed', 'thu', 'fri'], start: '09:00', end: '17:00', timezone: 'UTC' };

describe('rollout', () => {
  it('picks listed canaries, or a stable percentage', () => {
    const refs = Array.from({ length: 10 }, (_, i) => `component:default/svc-${i}`);
    expect(canaryRefs(refs, { canary: ['Component:default/svc-3'], concurrency: 1 })).toEqual(
      new Set(['component:default/svc-3']),
    );
    const fifth = canaryRefs(refs, { canary: [], canaryPercent: 15, concurrency: 1 });
    expect(fifth.size).toBe(2);
    expect(canaryRefs([...refs].reverse(), { canary: [], canaryPercent: 15, concurrency: 1 })).toEqual(fifth);
    expect(canaryRefs(refs, { canary: [], concurrency: 1 }).size).toBe(0);
  });

  it('knows working hours, in a time zone and across midnight', () => {
    expect(isWithinWindow(workingHours, new Date('2026-11-23T10:00:00Z'))).toBe(true); // Monday
    expect(isWithinWindow(workingHours, new Date('2026-11-23T17:00:00Z'))).toBe(false);
    expect(isWithinWindow(workingHours, new Date('2026-11-28T10:00:00Z'))).toBe(false); // Saturday
    const tokyo = { ...workingHours, timezone: 'Asia/Tokyo' };
    expect(isWithinWindow(tokyo, new Date('2026-11-23T01:00:00Z'))).toBe(true); // 10:00 in Tokyo
    const night = { days: ['mon'], start: '22:00', end: '02:00', timezone: 'UTC' };
    expect(isWithinWindow(night, new Date('2026-11-23T23:00:00Z'))).toBe(true);
    expect(isWithinWindow(night, new Date('2026-11-24T01:00:00Z'))).toBe(true); // Tuesday, Monday's window
    expect(isWithinWindow(night, new Date('2026-11-25T01:00:00Z'))).toBe(false);
    expect(isWithinWindow(undefined, new Date())).toBe(true);
  });

  it('finds the next opening of a window', () => {
    expect(nextWindowOpening(workingHours, new Date('2026-11-28T12:00:00Z'))?.toISOString()).toBe(
      '2026-11-30T09:00:00.000Z',
    );
    expect(nextWindowOpening({ ...workingHours, days: [] }, new Date())).toBeUndefined();
  });

  it('paces publishing to a rate per hour', () => {
    const now = new Date('2026-11-25T10:30:00Z');
    expect(nextPublishSlot([], 2, now)).toEqual(now);
    expect(nextPublishSlot(['2026-11-25T10:00:00Z'], 2, now)).toEqual(now);
    expect(nextPublishSlot(['2026-11-25T10:00:00Z', '2026-11-25T10:10:00Z'], 2, now).toISOString()).toBe(
      '2026-11-25T11:00:00.000Z',
    );
    expect(nextPublishSlot(['2026-11-25T09:00:00Z', '2026-11-25T10:10:00Z'], 1, now).toISOString()).toBe(
      '2026-11-25T11:10:00.000Z',
    );
    expect(nextPublishSlot(['2026-11-25T10:00:00Z'], undefined, now)).toEqual(now);
  });
});

describe('burndown', () => {
  it('replays transitions into total, merged and open', () => {
    const points = burndown([
      { target_id: 'a', to_state: 'pending', at: 't0' },
      { target_id: 'b', to_state: 'pending', at: 't0' },
      { target_id: 'c', to_state: 'pending', at: 't0' },
      { target_id: 'c', to_state: 'no-change', at: 't1' },
      { target_id: 'a', to_state: 'published', at: 't2' },
      { target_id: 'a', to_state: 'merged', at: 't3' },
    ]);
    expect(points).toEqual([
      { at: 't0', total: 3, merged: 0, open: 0 },
      { at: 't1', total: 2, merged: 0, open: 0 },
      { at: 't2', total: 2, merged: 0, open: 1 },
      { at: 't3', total: 2, merged: 1, open: 0 },
    ]);
  });

  it('thins long series but keeps the last point', () => {
    const transitions = Array.from({ length: 1000 }, (_, i) => ({
      target_id: `t${i}`,
      to_state: 'pending' as const,
      at: String(i).padStart(5, '0'),
    }));
    const points = burndown(transitions, 50);
    expect(points).toHaveLength(50);
    expect(points[49]).toEqual({ at: '00999', total: 1000, merged: 0, open: 0 });
  });
});
