import { describe, expect, it } from 'vitest';
import { describePlan, parseDuration, parseMilestones } from './flags-plans.js';

describe('flag plan options', () => {
  it('parses milestones and durations, and names what is wrong', () => {
    expect(parseMilestones('1, 5,25,50,100')).toEqual([1, 5, 25, 50, 100]);
    expect(() => parseMilestones('1,0')).toThrow('"0" is not a whole percentage');
    expect(() => parseMilestones('10,10')).toThrow('10 must be above');
    expect(parseDuration('90s')).toBe(90);
    expect(parseDuration('15m')).toBe(900);
    expect(parseDuration('1h')).toBe(3600);
    expect(parseDuration('2d')).toBe(172_800);
    expect(() => parseDuration('1w')).toThrow('30s, 15m, 1h or 2d');
  });

  it('describes where a plan stands', () => {
    const plan = {
      id: 'p',
      project: 'checkout',
      flag: 'new-cart',
      environment: 'production',
      milestones: [1, 5],
      holdSeconds: null,
      status: 'draft',
      currentIndex: -1,
      nextAt: null,
      guards: [],
      timeline: [],
    };
    expect(describePlan(plan)).toBe('checkout/new-cart production: draft not started, by hand');
  });
});
