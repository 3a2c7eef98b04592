import { describe, expect, it } from 'vitest';
import { ProblemError } from '../http/problem.js';
import { createSignInThrottle } from './sign-in-throttle.js';

describe('createSignInThrottle', () => {
  it('locks a username after too many failures, until the window passes', () => {
    let clock = new Date('2026-01-01T00:00:00Z');
    const throttle = createSignInThrottle({ now: () => clock, maxFailures: 3, windowMs: 60_000 });
    for (let i = 0; i < 3; i++) {
      throttle.check('jane');
      throttle.failed('jane');
    }
    let thrown: unknown;
    try {
      throttle.check('jane');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ProblemError);
    expect((thrown as ProblemError).status).toBe(429);
    expect((thrown as ProblemError).extensions).toEqual({ retryAfterSeconds: 60 });
    // Other usernames are unaffected.
    expect(() => throttle.check('bob')).not.toThrow();
    clock = new Date(clock.getTime() + 61_000);
    expect(() => throttle.check('jane')).not.toThrow();
  });

  it('forgets failures after a success', () => {
    const clock = new Date('2026-01-01T00:00:00Z');
    const throttle = createSignInThrottle({ now: () => clock, maxFailures: 2 });
    throttle.failed('jane');
    throttle.succeeded('jane');
    throttle.failed('jane');
    expect(() => throttle.check('jane')).not.toThrow();
    throttle.failed('jane');
    expect(() => throttle.check('jane')).toThrow(/Too many failed sign-ins/);
  });
});
