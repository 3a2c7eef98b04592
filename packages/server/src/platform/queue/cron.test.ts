import { describe, expect, it } from 'vitest';
import { latestTick, nextTick, parseCron } from './cron.js';

describe('parseCron', () => {
  it('accepts five fields and normalises whitespace', () => {
    expect(parseCron('  */5   * * * 1-5 ')).toBe('*/5 * * * 1-5');
  });

  it('rejects six-field (seconds) and short expressions, naming the expression', () => {
    expect(() => parseCron('0 */5 * * * *')).toThrow(/"0 \*\/5 \* \* \* \*" must have 5 fields/);
    expect(() => parseCron('* * *')).toThrow(/found 3/);
  });

  it('rejects out-of-range values', () => {
    expect(() => parseCron('61 * * * *')).toThrow(/"61 \* \* \* \*" is not valid/);
  });
});

describe('latestTick', () => {
  it('returns the tick at or before now, in UTC', () => {
    expect(latestTick('0 * * * *', new Date('2026-01-01T10:30:00Z')).toISOString()).toBe('2026-01-01T10:00:00.000Z');
    expect(latestTick('0 * * * *', new Date('2026-01-01T10:00:00Z')).toISOString()).toBe('2026-01-01T10:00:00.000Z');
    expect(latestTick('30 2 * * *', new Date('2026-01-02T01:00:00Z')).toISOString()).toBe('2026-01-01T02:30:00.000Z');
  });

  it('returns only the latest of many missed ticks', () => {
    expect(latestTick('* * * * *', new Date('2026-01-01T10:59:59.999Z')).toISOString()).toBe(
      '2026-01-01T10:59:00.000Z',
    );
  });
});

describe('nextTick', () => {
  it('returns the first tick strictly after now', () => {
    expect(nextTick('0 * * * *', new Date('2026-01-01T10:00:00Z')).toISOString()).toBe('2026-01-01T11:00:00.000Z');
    expect(nextTick('*/5 * * * *', new Date('2026-01-01T10:03:59Z')).toISOString()).toBe('2026-01-01T10:05:00.000Z');
  });
});
