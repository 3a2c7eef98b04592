import { describe, expect, it } from 'vitest';
import { DEFAULT_TIMINGS, leaseWarning, resolveConcurrency, resolveTimings } from './job-queue-adapter.js';

describe('resolveTimings', () => {
  it('overlays the given timings on the defaults', () => {
    const timings = resolveTimings({ leaseMs: 5_000, heartbeatIntervalMs: undefined });
    expect(timings).toEqual({ ...DEFAULT_TIMINGS, leaseMs: 5_000 });
  });

  it('uses the given base defaults', () => {
    expect(resolveTimings({}, { ...DEFAULT_TIMINGS, pollIntervalMs: 1_000 }).pollIntervalMs).toBe(1_000);
  });

  it('rejects timings that are not positive numbers, naming them', () => {
    expect(() => resolveTimings({ pollIntervalMs: 0 })).toThrow(/"pollIntervalMs" must be a positive number/);
    expect(() => resolveTimings({ leaseMs: Number.NaN })).toThrow(/"leaseMs"/);
  });
});

describe('leaseWarning', () => {
  it('is silent when the heartbeat is shorter than the lease', () => {
    expect(leaseWarning(DEFAULT_TIMINGS)).toBeUndefined();
  });

  it('warns when live workers would lose their jobs', () => {
    expect(leaseWarning({ ...DEFAULT_TIMINGS, leaseMs: 1_000, heartbeatIntervalMs: 1_000 })).toMatch(
      /heartbeatIntervalMs \(1000\) is not shorter than leaseMs \(1000\)/,
    );
  });
});

describe('resolveConcurrency', () => {
  it('defaults to two', () => {
    expect(resolveConcurrency(undefined)).toBe(2);
    expect(resolveConcurrency(5)).toBe(5);
  });

  it('rejects anything but a whole number of at least one', () => {
    expect(() => resolveConcurrency(0)).toThrow(/at least 1, got 0/);
    expect(() => resolveConcurrency(1.5)).toThrow(/got 1.5/);
  });
});
