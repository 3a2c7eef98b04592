import { describe, expect, it } from 'vitest';
import { catalogCounts, fixtureKey, SMALL_COUNTS } from './catalog-fixture.js';
import { renderTable } from './results.js';
import { percentile } from './stats.js';

describe('percentile', () => {
  it('takes the nearest rank', () => {
    const values = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 99)).toBe(99);
    expect(percentile(values, 100)).toBe(100);
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([], 50)).toBeNaN();
  });
});

describe('renderTable', () => {
  it('pads every cell to its column width', () => {
    const text = renderTable({ title: 'T', columns: ['a', 'long header'], rows: [['wide cell', 'x']] });
    expect(text.split('\n').slice(2)).toEqual([
      '| a         | long header |',
      '| --------- | ----------- |',
      '| wide cell | x           |',
    ]);
  });
});

describe('catalogCounts', () => {
  it('scales the default mix to exactly the requested total', () => {
    for (const n of [10, 5000, 12345]) {
      const counts = catalogCounts(false, n);
      expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(n);
      expect(counts.groups).toBeGreaterThan(0);
    }
    expect(catalogCounts(true)).toEqual(SMALL_COUNTS);
    expect(() => catalogCounts(false, 3)).toThrow(/at least 10/);
  });

  it('keys fixtures by counts, repositories and seed', () => {
    expect(fixtureKey(SMALL_COUNTS, 20, 1)).toBe(fixtureKey({ ...SMALL_COUNTS }, 20, 1));
    expect(fixtureKey(SMALL_COUNTS, 20, 1)).not.toBe(fixtureKey(SMALL_COUNTS, 5, 1));
  });
});
