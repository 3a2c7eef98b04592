import { describe, expect, it } from 'vitest';
import { StampedCache } from './stamped-cache.js';

describe('StampedCache', () => {
  it('serves an answer only under the stamp it was kept with', () => {
    const cache = new StampedCache<number>(4);
    expect(cache.set('kind=component', 's1', 40)).toBe(40);
    expect(cache.get('kind=component', 's1')).toBe(40);
    expect(cache.get('kind=component', 's2')).toBeUndefined();
    expect(cache.get('kind=api', 's1')).toBeUndefined();
  });

  it('keeps nothing without a stamp', () => {
    const cache = new StampedCache<number>(4);
    expect(cache.set('kind=component', undefined, 40)).toBe(40);
    expect(cache.get('kind=component', undefined)).toBeUndefined();
  });

  it('keeps a zero answer and drops the oldest entry when full', () => {
    const cache = new StampedCache<number>(2);
    cache.set('a', 's', 0);
    cache.set('b', 's', 2);
    cache.set('a', 's', 0); // refreshed: now the newest
    cache.set('c', 's', 3);
    expect(cache.get('a', 's')).toBe(0);
    expect(cache.get('b', 's')).toBeUndefined();
    expect(cache.get('c', 's')).toBe(3);
  });
});
