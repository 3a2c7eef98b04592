import { describe, expect, it } from 'vitest';
import { DEFAULT_MAX_ATTEMPTS, validateEnqueue } from './enqueue-options.js';

describe('validateEnqueue', () => {
  it('fills in the defaults', () => {
    expect(validateEnqueue('catalog.refresh', {})).toEqual({ maxAttempts: DEFAULT_MAX_ATTEMPTS, priority: 0 });
    expect(validateEnqueue('catalog.refresh', { maxAttempts: 1, priority: -3 })).toEqual({
      maxAttempts: 1,
      priority: -3,
    });
  });

  it('names the job and the field in every error', () => {
    expect(() => validateEnqueue('', {})).toThrow(/needs a name/);
    expect(() => validateEnqueue('x.y', { maxAttempts: 0 })).toThrow(/Job "x.y": maxAttempts .* got 0/);
    expect(() => validateEnqueue('x.y', { maxAttempts: 40_000 })).toThrow(/maxAttempts/);
    expect(() => validateEnqueue('x.y', { priority: 2.5 })).toThrow(/Job "x.y": priority .* got 2.5/);
    expect(() => validateEnqueue('x.y', { priority: 40_000 })).toThrow(/priority/);
    expect(() => validateEnqueue('x.y', { runAt: new Date('not a date') })).toThrow(/Job "x.y": runAt/);
    expect(() => validateEnqueue('x.y', { key: '' })).toThrow(/Job "x.y": key must not be empty/);
  });
});
