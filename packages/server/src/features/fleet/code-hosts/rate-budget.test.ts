import { describe, expect, it } from 'vitest';
import { RateLimitedError } from './code-host.js';
import { createRateBudget, GITHUB_RATE_LIMITS, RateBudgets, type RateResponse } from './rate-budget.js';
import { staticToken } from './token-source.js';

const T0 = Date.parse('2025-03-01T10:00:00Z');

function clock() {
  let at = T0;
  return {
    now: () => at,
    advance(ms: number) {
      at += ms;
    },
  };
}

function response(status: number, headers: Record<string, string> = {}, body = ''): RateResponse {
  const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  return { status, body, headers: { get: (name) => lower[name.toLowerCase()] ?? null } };
}

function refusal(fn: () => void): RateLimitedError {
  try {
    fn();
  } catch (error) {
    if (error instanceof RateLimitedError) return error;
    throw error;
  }
  throw new Error('expected a RateLimitedError');
}

describe('rate budget', () => {
  it('allows 80 content requests a minute, then refuses until the oldest leaves the window', () => {
    const c = clock();
    const budget = createRateBudget({ limits: GITHUB_RATE_LIMITS, now: c.now });
    for (let i = 0; i < 80; i++) {
      budget.acquire('content');
      c.advance(100);
    }
    const error = refusal(() => budget.acquire('content'));
    expect(error.until.getTime()).toBe(T0 + 60_000);
    expect(error.message).toMatch(/80 content-creating requests a minute/);
    // Reads have their own, larger allowance.
    budget.acquire('read');
    c.advance(60_000 - 8_000);
    budget.acquire('content');
  });

  it('caps content requests at 500 an hour even when each minute stays under 80', () => {
    const c = clock();
    const budget = createRateBudget({ limits: GITHUB_RATE_LIMITS, now: c.now });
    for (let i = 0; i < 500; i++) {
      budget.acquire('content');
      c.advance(1_000); // 60 a minute
    }
    const error = refusal(() => budget.acquire('content'));
    expect(error.until.getTime()).toBe(T0 + 3_600_000);
    expect(error.message).toMatch(/500 content-creating requests an hour/);
  });

  it('counts content requests against the hourly request budget, and a refusal spends nothing', () => {
    const c = clock();
    const budget = createRateBudget({
      limits: { requestsPerHour: 3, contentPerMinute: 1, contentPerHour: 10 },
      now: c.now,
    });
    budget.acquire('content');
    // Refused by the minute window: must not spend from the hourly one.
    refusal(() => budget.acquire('content'));
    budget.acquire('read');
    budget.acquire('read');
    const error = refusal(() => budget.acquire('read'));
    expect(error.message).toMatch(/3 requests an hour/);
  });

  it('honours Retry-After in seconds and as an HTTP date, blocking every kind of request', () => {
    const c = clock();
    const budget = createRateBudget({ limits: GITHUB_RATE_LIMITS, now: c.now });
    const seconds = budget.observe(response(429, { 'Retry-After': '120' }));
    expect(seconds?.until.getTime()).toBe(T0 + 120_000);
    expect(refusal(() => budget.acquire('read')).until.getTime()).toBe(T0 + 120_000);

    const other = createRateBudget({ limits: GITHUB_RATE_LIMITS, now: c.now });
    const date = new Date(T0 + 300_000).toUTCString();
    expect(other.observe(response(403, { 'Retry-After': date }))?.until.getTime()).toBe(T0 + 300_000);
    c.advance(300_000);
    other.acquire('content');
  });

  it('blocks until x-ratelimit-reset on a refused request with nothing remaining', () => {
    const c = clock();
    const budget = createRateBudget({ limits: GITHUB_RATE_LIMITS, now: c.now });
    const reset = T0 / 1000 + 1_800;
    const error = budget.observe(
      response(
        403,
        { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(reset) },
        '{"message":"API rate limit exceeded"}',
      ),
    );
    expect(error?.until.getTime()).toBe(reset * 1000);
    expect(refusal(() => budget.acquire('read')).until.getTime()).toBe(reset * 1000);
  });

  it("treats GitHub's secondary-limit message without Retry-After as a one-minute block", () => {
    const c = clock();
    const budget = createRateBudget({ limits: GITHUB_RATE_LIMITS, now: c.now });
    const error = budget.observe(
      response(403, {}, '{"message":"You have exceeded a secondary rate limit. Please wait a few minutes."}'),
    );
    expect(error?.until.getTime()).toBe(T0 + 60_000);
    expect(error?.message).toMatch(/secondary rate limit/);
  });

  it('lets ordinary answers through, but blocks ahead when a served answer spent the last request', () => {
    const c = clock();
    const budget = createRateBudget({ limits: GITHUB_RATE_LIMITS, now: c.now });
    expect(budget.observe(response(200, { 'x-ratelimit-remaining': '4999' }))).toBeUndefined();
    expect(budget.observe(response(403, {}, '{"message":"Resource not accessible by integration"}'))).toBeUndefined();
    budget.acquire('read');
    const reset = T0 / 1000 + 600;
    expect(
      budget.observe(response(200, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(reset) })),
    ).toBeUndefined();
    expect(refusal(() => budget.acquire('read')).until.getTime()).toBe(reset * 1000);
  });

  it('keeps the later of two blocks', () => {
    const c = clock();
    const budget = createRateBudget({ limits: GITHUB_RATE_LIMITS, now: c.now });
    budget.block(new Date(T0 + 600_000), 'long');
    budget.block(new Date(T0 + 60_000), 'short');
    expect(refusal(() => budget.acquire('read')).until.getTime()).toBe(T0 + 600_000);
  });
});

describe('rate budgets', () => {
  it('shares one budget per (host URL, token) and keeps other identities apart', () => {
    const c = clock();
    const budgets = new RateBudgets(c.now);
    const [a1, b] = [staticToken('token-a').identity, staticToken('token-b').identity];
    const a = budgets.for({ url: 'https://GitHub.com/', identity: a1, limits: GITHUB_RATE_LIMITS });
    expect(budgets.for({ url: 'https://github.com', identity: a1, limits: GITHUB_RATE_LIMITS })).toBe(a);
    expect(budgets.for({ url: 'https://github.com', identity: b, limits: GITHUB_RATE_LIMITS })).not.toBe(a);
    expect(budgets.for({ url: 'https://git.example.com', identity: a1, limits: GITHUB_RATE_LIMITS })).not.toBe(a);
    expect(a1).not.toContain('token-a');
  });
});
