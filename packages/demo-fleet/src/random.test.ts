import { describe, expect, it } from 'vitest';
import { createRandom, deriveSeed } from './random.js';

describe('createRandom', () => {
  it('gives the same sequence for the same seed and another for another seed', () => {
    const draw = (seed: number) => Array.from({ length: 5 }, createRandom(seed).next);
    const again = (seed: number) => {
      const r = createRandom(seed);
      return Array.from({ length: 5 }, () => r.next());
    };
    expect(again(7)).toEqual(again(7));
    expect(again(7)).not.toEqual(again(8));
    expect(draw(1).every((x) => x >= 0 && x < 1)).toBe(true);
  });

  it('keeps int within bounds and sample free of repeats', () => {
    const r = createRandom(3);
    for (let i = 0; i < 200; i++) {
      const x = r.int(2, 4);
      expect(x).toBeGreaterThanOrEqual(2);
      expect(x).toBeLessThanOrEqual(4);
    }
    const sample = r.sample([1, 2, 3, 4, 5, 6], 4);
    expect(new Set(sample).size).toBe(4);
    expect(r.sample([1, 2], 5).sort()).toEqual([1, 2]);
    expect(r.shuffle([1, 2, 3, 4]).sort()).toEqual([1, 2, 3, 4]);
  });

  it('derives different seeds for different labels', () => {
    expect(deriveSeed(1, 'org')).not.toBe(deriveSeed(1, 'fleet'));
    expect(deriveSeed(1, 'org')).toBe(deriveSeed(1, 'org'));
  });
});
