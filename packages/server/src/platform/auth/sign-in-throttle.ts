import { ProblemError } from '../http/problem.js';

/**
 * Slows password guessing: after `maxFailures` failed sign-ins for one username
 * within `windowMs`, further attempts for it are refused until the window has
 * passed. Kept in memory: per process, forgotten on restart, which is enough to
 * make online guessing impractical without a shared store.
 *
 * @example
 * const throttle = createSignInThrottle({ now: () => new Date() });
 * throttle.check('jane'); // throws a 429 problem when locked
 * throttle.failed('jane');
 */
export interface SignInThrottle {
  check(username: string): void;
  failed(username: string): void;
  succeeded(username: string): void;
}

export function createSignInThrottle(options: {
  now: () => Date;
  maxFailures?: number;
  windowMs?: number;
}): SignInThrottle {
  const maxFailures = options.maxFailures ?? 10;
  const windowMs = options.windowMs ?? 15 * 60 * 1000;
  const failures = new Map<string, number[]>();

  function recent(username: string): number[] {
    const cutoff = options.now().getTime() - windowMs;
    const kept = (failures.get(username) ?? []).filter((at) => at > cutoff);
    if (kept.length === 0) failures.delete(username);
    else failures.set(username, kept);
    return kept;
  }

  return {
    check(username) {
      const times = recent(username);
      if (times.length >= maxFailures) {
        const retryAfterSeconds = Math.ceil(((times[0] ?? 0) + windowMs - options.now().getTime()) / 1000);
        throw new ProblemError(
          429,
          'https://backbeat.dev/problems/too-many-attempts',
          'Too many attempts',
          `Too many failed sign-ins for "${username}"; try again in ${Math.ceil(retryAfterSeconds / 60)} minutes`,
          { retryAfterSeconds },
        );
      }
    },
    failed(username) {
      const times = recent(username);
      times.push(options.now().getTime());
      failures.set(username, times);
    },
    succeeded(username) {
      failures.delete(username);
    },
  };
}
