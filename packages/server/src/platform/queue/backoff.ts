/**
 * Delay before the next attempt after attempt number `attempt` (1-based) failed:
 *
 *     delay = baseMs × e^min(attempt, 10)
 *
 * With the default base of 1 s this is graphile-worker's own formula, so both
 * adapters back off alike: 2.7 s, 7.4 s, 20 s, 55 s, 2.5 min, 6.7 min, 18 min,
 * 50 min, 2.3 h, then 6.1 h for every later attempt. The cap at e^10 keeps a job
 * with many attempts from drifting days into the future.
 *
 * @example
 * retryDelayMs(1); // 2718
 * retryDelayMs(3, 10); // 201
 */
export function retryDelayMs(attempt: number, baseMs = 1000): number {
  const exponent = Math.min(Math.max(attempt, 1), 10);
  return Math.round(baseMs * Math.exp(exponent));
}
