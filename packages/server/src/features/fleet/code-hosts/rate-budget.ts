import { RateLimitedError } from './code-host.js';

/**
 * One rate budget per (code host, identity), shared by every shift in the process:
 * a forge counts requests per token, not per shift, so two shifts publishing at once
 * must draw from the same allowance. Budgets live in memory; after a restart they
 * start full, and the host's own answers (Retry-After, x-ratelimit-*) block them again
 * on the first refused request.
 */

/** What a host allows; every number is per identity. */
export interface RateLimits {
  /** All API requests (GitHub primary limit: 5,000 an hour). */
  requestsPerHour: number;
  /** Content-creating requests (pull requests, labels, merges; GitHub secondary limit: 80 a minute). */
  contentPerMinute: number;
  /** Content-creating requests (GitHub secondary limit: 500 an hour). */
  contentPerHour: number;
}

/** GitHub's published limits for a user token; the defaults for every host unless configured. */
export const GITHUB_RATE_LIMITS: RateLimits = { requestsPerHour: 5_000, contentPerMinute: 80, contentPerHour: 500 };

export type RequestKind = 'read' | 'content';

/** What a response said about the host's limits, for {@link RateBudget.observe}. */
export interface RateResponse {
  status: number;
  headers: { get(name: string): string | null };
  /** The response body's text, when read (GitHub names its secondary limit there). */
  body?: string;
}

export interface RateBudget {
  /** Spends one request of `kind` (content requests count as requests too), or throws {@link RateLimitedError} without waiting. */
  acquire(kind: RequestKind): void;
  /** Blocks the whole budget until `until` (a host said so). Keeps the later of two blocks. */
  block(until: Date, reason: string): void;
  /**
   * Reads a response for limit signals: `Retry-After`, a refused request with
   * `x-ratelimit-remaining: 0`, or GitHub's secondary-limit message. Blocks the budget
   * and returns the error to throw when the response is a refusal; undefined otherwise.
   */
  observe(response: RateResponse): RateLimitedError | undefined;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
/** GitHub asks for at least a minute after a secondary-limit refusal that names no time. */
const DEFAULT_BLOCK_MS = MINUTE;
const SECONDARY_LIMIT = /secondary rate limit|abuse detection/i;

/**
 * A budget over sliding windows: at most `max` requests in any `windowMs`, which is
 * how GitHub counts, so a full hour is never exceeded at a window's edge.
 *
 * @example
 * const budget = createRateBudget({ limits: GITHUB_RATE_LIMITS });
 * budget.acquire('content'); // throws RateLimitedError once 80 were spent this minute
 */
export function createRateBudget(options: { limits: RateLimits; now?: () => number }): RateBudget {
  const now = options.now ?? Date.now;
  const all = new SlidingWindow(options.limits.requestsPerHour, HOUR);
  const contentMinute = new SlidingWindow(options.limits.contentPerMinute, MINUTE);
  const contentHour = new SlidingWindow(options.limits.contentPerHour, HOUR);
  let blockedUntil = 0;
  let blockReason = '';

  function block(until: Date, reason: string): void {
    if (until.getTime() <= blockedUntil) return;
    blockedUntil = until.getTime();
    blockReason = reason;
  }

  return {
    acquire(kind) {
      const at = now();
      if (at < blockedUntil) throw new RateLimitedError(new Date(blockedUntil), blockReason);
      const windows: [SlidingWindow, string][] = [[all, `${options.limits.requestsPerHour} requests an hour`]];
      if (kind === 'content') {
        windows.push([contentMinute, `${options.limits.contentPerMinute} content-creating requests a minute`]);
        windows.push([contentHour, `${options.limits.contentPerHour} content-creating requests an hour`]);
      }
      // Check every window before spending in any, so a refusal spends nothing.
      for (const [window, what] of windows) {
        const free = window.freeAt(at);
        if (free > at) throw new RateLimitedError(new Date(free), `the budget of ${what} is spent`);
      }
      for (const [window] of windows) window.spend(at);
    },
    block,
    observe(response) {
      const at = now();
      const until = limitSignal(response, at);
      if (!until) return undefined;
      block(until.date, until.reason);
      return until.refused ? new RateLimitedError(new Date(blockedUntil), blockReason) : undefined;
    },
  };
}

/** What a response says: block until `date`; `refused` when the request itself was not served. */
function limitSignal(response: RateResponse, at: number): { date: Date; reason: string; refused: boolean } | undefined {
  const { status, headers } = response;
  const refusedStatus = status === 403 || status === 429;
  const retryAfter = parseRetryAfter(headers.get('retry-after'), at);
  const remaining = headers.get('x-ratelimit-remaining');
  const reset = Number(headers.get('x-ratelimit-reset'));
  const resetAt = Number.isFinite(reset) && reset > 0 ? new Date(reset * 1000) : undefined;
  const secondary = refusedStatus && SECONDARY_LIMIT.test(response.body ?? '');

  if (retryAfter && (refusedStatus || status === 503)) {
    return { date: retryAfter, reason: `the host answered ${status} with Retry-After`, refused: true };
  }
  if (refusedStatus && remaining === '0' && resetAt) {
    return { date: resetAt, reason: `the host's request limit is spent (HTTP ${status})`, refused: true };
  }
  if (secondary) {
    return { date: new Date(at + DEFAULT_BLOCK_MS), reason: "the host's secondary rate limit", refused: true };
  }
  if (status === 429) {
    return { date: new Date(at + DEFAULT_BLOCK_MS), reason: 'the host answered 429 Too Many Requests', refused: true };
  }
  // A served request that spent the last of the allowance: the next one would be refused.
  if (remaining === '0' && resetAt && resetAt.getTime() > at) {
    return { date: resetAt, reason: "the host's request limit is spent", refused: false };
  }
  return undefined;
}

/** `Retry-After` as seconds or an HTTP date. */
function parseRetryAfter(value: string | null, at: number): Date | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return new Date(at + Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : new Date(date);
}

/** Timestamps of the requests spent in the last `windowMs`, oldest first. */
class SlidingWindow {
  private readonly times: number[] = [];
  private head = 0;

  constructor(
    private readonly max: number,
    private readonly windowMs: number,
  ) {}

  /** When the next request may be spent: `at` if now, else when the oldest one leaves the window. */
  freeAt(at: number): number {
    this.prune(at);
    if (this.times.length - this.head < this.max) return at;
    return (this.times[this.head] as number) + this.windowMs;
  }

  spend(at: number): void {
    this.times.push(at);
  }

  private prune(at: number): void {
    while (this.head < this.times.length && (this.times[this.head] as number) <= at - this.windowMs) this.head++;
    // Compact now and then, so the array does not grow with the process's lifetime.
    if (this.head > 1024 && this.head * 2 > this.times.length) {
      this.times.splice(0, this.head);
      this.head = 0;
    }
  }
}

/**
 * The process's budgets, one per (host base URL, identity). The identity is a token
 * source's (a hash of a fixed token, or a GitHub App's installation), so no secret is
 * kept as a key.
 *
 * @example
 * const budget = sharedRateBudgets.for({ url: 'https://github.com', identity: tokens.identity, limits: GITHUB_RATE_LIMITS });
 */
export class RateBudgets {
  private readonly budgets = new Map<string, RateBudget>();

  constructor(private readonly now?: () => number) {}

  for(input: { url: string; identity: string; limits: RateLimits }): RateBudget {
    const key = `${input.url.replace(/\/+$/, '').toLowerCase()}\n${input.identity}`;
    let budget = this.budgets.get(key);
    if (!budget) {
      budget = createRateBudget({ limits: input.limits, now: this.now });
      this.budgets.set(key, budget);
    }
    return budget;
  }
}

/** Shared by every code host created in this process. */
export const sharedRateBudgets = new RateBudgets();
