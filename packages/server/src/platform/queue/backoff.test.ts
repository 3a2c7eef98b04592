import { describe, expect, it } from 'vitest';
import { retryDelayMs } from './backoff.js';

describe('retryDelayMs', () => {
  it('grows by a factor of e per attempt', () => {
    expect(retryDelayMs(1)).toBe(2718);
    expect(retryDelayMs(2)).toBe(7389);
    expect(retryDelayMs(3)).toBe(20086);
  });

  it('stops growing after the tenth attempt', () => {
    expect(retryDelayMs(10)).toBe(22026466);
    expect(retryDelayMs(11)).toBe(retryDelayMs(10));
    expect(retryDelayMs(50)).toBe(retryDelayMs(10));
  });

  it('scales with the base delay', () => {
    expect(retryDelayMs(1, 10)).toBe(27);
    expect(retryDelayMs(2, 100)).toBe(739);
  });

  it('treats attempt numbers below one as the first attempt', () => {
    expect(retryDelayMs(0)).toBe(retryDelayMs(1));
  });
});
